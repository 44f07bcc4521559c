"""Disclosure control for published breakdowns.

Equality breakdowns (ethnic group, sex, disability: special-category data) follow the rule
stated in docs/security.md ("Small numbers"), built from recognised methods:

- **Primary suppression** (NHS Digital's Hospital Episode Statistics rules): a true count
  from 1 to 7 is always shown as "*", and nothing derived from it is shown.
- **Cell-key perturbation** (the ONS method used for Census 2021), extended to the edges of
  the rule: every count of 8 or more is moved by -2..+2 by an amount fixed by a secret key,
  the group's members and the table's true counts, and shows as "*" when moved below 8,
  otherwise rounded to the nearest 5. An empty category shows "*" too: a zero beside another
  group's table would tell who is left. So "*" stands for 0 to 9 people. The same group
  always publishes the same table; any change of members or answers draws afresh, so no
  edge of the rule ("*" to 10, withheld to shown) proves what one newcomer answered.
- **Whole-table suppression**: a table is withheld, only its total shown, when fewer than 8
  people gave an answer, or when, after the perturbation, the answers other than the most
  common add up to 7 or fewer (one answer holds all but a suppressible few). One message for
  every reason, so the reason tells nothing.
- **Rounding**: shown counts are rounded to the nearest 5 and shares are whole per cents of
  the shown counts, so no share is more exact than the count behind it.
- **An audit** of every table before it is shown: from everything a reader sees (the exact
  total, each shown count widened by the rounding and the noise, "*" as 0 to 9) no count may
  be pinned to a single value; a table failing it is withheld. Tables of groups that share
  people are audited together (`audit_linked`), down to each person's answer.

Counts that carry no equality data (systems, professions) are shown exactly, with counts of
1 to 7 hidden and more hidden while those could be worked out (`breakdown`). Totals are
always exact. The same rule applies to a single equality share (`equality_share`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

SMALL_MAX = 7
MIN_STATED = 8
ROUND_TO = 5
NOISE_MAX = 2
SUPPRESSED = "*"

# The perturbation table: a cell key (0–255) maps to a change of -2..+2, symmetric, with no
# change the most likely (ONS-style, probabilities 0.1, 0.2, 0.4, 0.2, 0.1).
_NOISE = [-2] * 26 + [-1] * 51 + [0] * 102 + [1] * 51 + [2] * 26
assert len(_NOISE) == 256  # noqa: S101

# One message for every reason a table is withheld: which rule applied would itself tell
# something (few answers, nearly all alike, or a count the rest would pin).
WITHHELD = (
    "Not shown: with so few people, or so many giving the same answer, the breakdown could "
    "tell someone's answer."
)


def is_small(count: int) -> bool:
    return 1 <= count <= SMALL_MAX


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None when suppressed; the published (rounded) count in equality tables
    share: float | None  # of the total, 0–1; None when suppressed or no total
    baseline: float | None = None  # the workforce's share, 0–1, where the team entered one

    @property
    def display(self) -> str:
        return SUPPRESSED if self.count is None else str(self.count)

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Table:
    """A published equality breakdown: the exact total, its cells, and why it was withheld
    (None when shown). A withheld table's cells are all suppressed."""

    total: int
    cells: list[Cell]
    withheld: str | None = None

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "withheld": self.withheld,
            "cells": [
                {"label": c.label, "count": c.count, "share": c.share, "baseline": c.baseline}
                for c in self.cells
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(
            total=data["total"],
            withheld=data["withheld"],
            cells=[Cell(c["label"], c["count"], c["share"], c["baseline"]) for c in data["cells"]],
        )


def breakdown(
    counts: list[tuple[str, int]],
    *,
    baselines: dict[str, float] | None = None,
) -> tuple[int, list[Cell]]:
    """(total, cells) for a breakdown that carries no equality data: exact counts, with 1 to 7
    hidden, and while the hidden counts could be worked out (one alone from the total, or
    several whose sum pins each, e.g. two hidden counts adding to 2), the next smallest shown
    count is hidden too."""
    total = sum(n for _, n in counts)
    hidden = {label for label, n in counts if is_small(n)}
    while hidden and _pinned(dict(counts), hidden, total):
        others = sorted((n, label) for label, n in counts if n > 0 and label not in hidden)
        if not others:
            break
        hidden.add(others[0][1])
    baselines = baselines or {}
    cells = [
        Cell(label, None, None, baselines.get(label))
        if label in hidden
        else Cell(label, n, (n / total) if total else None, baselines.get(label))
        for label, n in counts
    ]
    return total, cells


def _pinned(counts: dict[str, int], hidden: set[str], total: int) -> bool:
    """Whether a reader who sees the total and every count not in `hidden` can tell one
    hidden count exactly (a hidden count of 1 to 7 is known to be 1 to 7; one hidden as
    well is known to be at least 8)."""
    ranges = [
        (n, n) if label not in hidden else (1, SMALL_MAX) if is_small(n) else (MIN_STATED, total)
        for label, n in counts.items()
    ]
    return not _unpinned(ranges, total, skip=[label not in hidden for label in counts])


def _unpinned(ranges: list[tuple[int, int]], total: int, *, skip: list[bool]) -> bool:
    """True when, with each count within its range and all of them adding up to `total`,
    no count not skipped is fixed to one value. With a single sum constraint each count's
    exact range is its own range cut by what the others can add up to."""
    lo_sum = sum(lo for lo, _ in ranges)
    hi_sum = sum(hi for _, hi in ranges)
    for (lo, hi), skipped in zip(ranges, skip, strict=True):
        if skipped:
            continue
        if max(lo, total - (hi_sum - hi)) >= min(hi, total - (lo_sum - lo)):
            return False
    return True


def _secret() -> bytes:
    key = getattr(settings, "DISCLOSURE_KEY", "") or ""
    if key:
        return key.encode()
    return salted_hmac("talentportal.disclosure.cell-key", "v1").digest()


def members_key(ids) -> str:
    """A fingerprint of who is in a group, for the cell keys: the sum of the first 48 bits of
    each id's MD5, modulo 2**63 (PostgreSQL computes the same as
    `SUM(('x' || substr(md5(id::text), 1, 12))::bit(48)::bigint)`), so the same people give
    the same key whichever page publishes them. Not secret: the cell keys add the secret."""
    total = sum(int(hashlib.md5(str(i).encode()).hexdigest()[:12], 16) for i in ids)  # noqa: S324
    return str(total % 2**63)


def _cell_keys(counts: list[tuple[str, int]], members: str) -> dict[str, int]:
    """A cell key (0–255) for each category, fixed by the secret, the group's members and
    the table's true counts: the same group gets the same keys, any change of members or
    of their answers new ones."""
    table = hmac.new(
        _secret(),
        json.dumps([members, sorted(counts)], ensure_ascii=False).encode(),
        hashlib.sha256,
    ).digest()
    return {
        label: hmac.new(table, label.encode(), hashlib.sha256).digest()[0] for label, _ in counts
    }


def _round(n: int) -> int:
    return ROUND_TO * ((n + ROUND_TO // 2) // ROUND_TO)


def publish_count(true: int, cell_key: int) -> int | None:
    """One count of an equality table as published: None ("*") for 0 to 7 and for any count
    the perturbation leaves below 8, otherwise the perturbed count rounded to the nearest 5.
    A zero is never shown: beside another group's table it would tell who is left."""
    if true <= SMALL_MAX:
        return None
    moved = true + _NOISE[cell_key]
    if moved <= SMALL_MAX:
        return None
    return _round(moved)


def bounds(shown: str | int | None) -> tuple[int, int]:
    """What a reader who knows the rule can tell of a true count from what is shown of it
    in an equality table."""
    if shown == SUPPRESSED or shown is None:
        return 0, SMALL_MAX + NOISE_MAX
    # Shown r: moved within r-2..r+2 and at least 8; true within 2 of moved, at least 8.
    return max(MIN_STATED, shown - ROUND_TO // 2 - NOISE_MAX), shown + ROUND_TO // 2 + NOISE_MAX


def _audit(shown: list[int | None], total: int) -> bool:
    """True when no count can be pinned to one value from the shown cells and the exact
    total."""
    return _unpinned([bounds(s) for s in shown], total, skip=[False] * len(shown))


def equality_breakdown(
    counts: list[tuple[str, int]],
    *,
    members: str = "",
    neutral: frozenset[str] = frozenset(),
    baselines: dict[str, float] | None = None,
) -> Table:
    """An equality breakdown (ethnic group, sex, disability) as it may be published.

    `members` is the group's `members_key` (who is in it), so that a change of members
    draws the perturbation afresh even where the counts come out the same. `neutral` names
    the categories that give no answer ("Not stated"): shown like the others, but not
    answers when deciding whether to withhold."""
    baselines = baselines or {}
    total = sum(n for _, n in counts)
    keys = _cell_keys(counts, members)
    shown = [publish_count(n, keys[label]) for label, n in counts]
    # The perturbed counts behind the shown ones, for the decision to withhold.
    moved = {label: max(0, n + _NOISE[keys[label]]) for label, n in counts}
    answered = [moved[label] for label, _ in counts if label not in neutral]
    stated = sum(n for label, n in counts if label not in neutral)
    if (
        stated < MIN_STATED
        or not answered
        or sum(answered) - max(answered) <= SMALL_MAX
        or not _audit(shown, total)
    ):
        return Table(
            total, [Cell(label, None, None, baselines.get(label)) for label, _ in counts], WITHHELD
        )
    cells = [
        Cell(
            label,
            s,
            None if s is None or not total else round(s / total, 2),
            baselines.get(label),
        )
        for (label, _), s in zip(counts, shown, strict=True)
    ]
    return Table(total, cells)


def equality_share(part: int, whole: int, *, context: str) -> float | None:
    """One equality share (such as the BAME share of those who stated an ethnic group), as
    published: the two sides are a two-row equality table (`equality_breakdown`), and the
    share is a whole per cent of their shown counts, as a 0–1 fraction; hidden when the
    table is withheld or either side shows "*" or 0. `context` names the figure (it takes
    the place of the members in the cell key)."""
    table = equality_breakdown([("part", part), ("rest", whole - part)], members=f"share:{context}")
    shown_part, shown_rest = (c.count for c in table.cells)
    if table.withheld or not shown_part or not shown_rest:
        return None  # hidden, or nobody on one side (which would be everyone's answer)
    return round(shown_part / (shown_part + shown_rest), 2)


@dataclass(frozen=True)
class Published:
    """One group's published equality table, with what an attacker is assumed to know of
    it: who is in the group (registers and cohort lists name people)."""

    members: frozenset
    table: Table


def audit_linked(
    groups: dict[str, Published], *, answers: dict, labels: list[str]
) -> dict[str, Table]:
    """Tables of overlapping groups (a cohort, its intake, the pool) published together,
    with each table withheld whose figures would, beside the others, let a reader pin a
    hidden count (such as a cohort's withheld table worked out as its intake's less the
    other cohort's).

    The reader is modelled as knowing every group's members and every shown table; an
    integer programme (scipy's HiGHS `milp`) over the people sharing the same groups finds
    each hidden count's smallest and largest possible value. While one is pinned, the
    smallest shown table overlapping it is withheld too (the pinned table itself first); and
    while the people who share exactly the same groups are all forced to one answer, the
    smallest shown table they are in is withheld.
    Groups that share nobody are checked apart. `answers` maps each person to their true
    label, which only the check uses."""
    tables = {name: g.table for name, g in groups.items()}
    for component in _components(groups):
        _audit_component({n: groups[n] for n in component}, tables, answers, labels)
    return tables


def _components(groups: dict[str, Published]) -> list[list[str]]:
    """The groups in sets that share people (connected through shared members)."""
    parent = {name: name for name in groups}

    def root(name):
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    first: dict[object, str] = {}
    for name in sorted(groups):
        for person in groups[name].members:
            if person in first:
                parent[root(name)] = root(first[person])
            else:
                first[person] = name
    out: dict[str, list[str]] = {}
    for name in sorted(groups):
        out.setdefault(root(name), []).append(name)
    return list(out.values())


def _audit_component(groups, tables, answers, labels) -> None:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    names = sorted(groups)
    if all(tables[n].withheld for n in names) or not any(g.members for g in groups.values()):
        return  # only totals shown: nothing beyond a total can be pinned
    signature: dict[object, tuple[str, ...]] = {}
    for name in names:
        for person in groups[name].members:
            signature[person] = signature.get(person, ()) + (name,)
    atoms: dict[tuple[str, ...], int] = {}
    atom_people: dict[tuple[str, ...], list] = {}
    for person, sig in signature.items():
        atoms[sig] = atoms.get(sig, 0) + 1
        atom_people.setdefault(sig, []).append(person)
    atom_list = list(atoms)
    index = {(a, g): i for i, (a, g) in enumerate((a, g) for a in atom_list for g in labels)}
    n = len(index)
    upper = np.array([atoms[a] for a in atom_list for g in labels], dtype=float)

    def cell(name: str, label: str):
        row = np.zeros(n)
        for a in atom_list:
            if name in a:
                row[index[a, label]] = 1
        return row

    size_rows = []
    for a in atom_list:
        row = np.zeros(n)
        for g in labels:
            row[index[a, g]] = 1
        size_rows.append((row, atoms[a], atoms[a]))

    def solve(objective, constraint, sign=1) -> float | None:
        r = milp(
            sign * objective,
            constraints=constraint,
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), upper),
        )
        return round(float(objective @ r.x)) if r.success else None

    def pinned() -> tuple[str, bool] | None:
        """(a table, whether the pin is in it) while something is pinned: a hidden count
        to one value, or everyone in a set of people (those sharing exactly the same
        groups) to one answer."""
        rows = list(size_rows)
        hidden = []
        for name in names:
            t = tables[name]
            for c in t.cells:
                if c.count is None:
                    hidden.append((name, c.label))
                if not t.withheld:
                    lo, hi = bounds(c.count)
                    rows.append((cell(name, c.label), lo, hi))
        constraint = LinearConstraint(
            np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows], [hi for *_, hi in rows]
        )
        for name, label in hidden:
            objective = cell(name, label)
            low, high = solve(objective, constraint), solve(objective, constraint, -1)
            if low is None or high is None or low == high:
                return name, True
        # Each person's answer: only a set whose members all truly share one answer can be
        # forced to it; it is when even the least the tables allow is all of them.
        for a, size in atoms.items():
            (label, *others) = {answers[p] for p in atom_people[a]}
            if others:
                continue
            row = np.zeros(n)
            row[index[a, label]] = 1
            least = solve(row, constraint)
            if least is None or least >= size:
                shown = [g for g in a if not tables[g].withheld]
                if shown:
                    return min(shown, key=lambda g: (len(groups[g].members), g)), True
        return None

    while (found := pinned()) is not None:
        name, _ = found
        if not tables[name].withheld:
            culprit = name
        else:
            overlapping = [
                other
                for other in names
                if other != name
                and not tables[other].withheld
                and groups[other].members & groups[name].members
            ]
            if not overlapping:  # cannot happen: a withheld table alone pins nothing
                break
            culprit = min(overlapping, key=lambda o: (len(groups[o].members), o))
        t = tables[culprit]
        tables[culprit] = Table(
            t.total, [Cell(c.label, None, None, c.baseline) for c in t.cells], WITHHELD
        )

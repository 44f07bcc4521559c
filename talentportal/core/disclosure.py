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
from collections.abc import Iterable
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
    groups: dict[str, Published],
    *,
    answers: dict,
    labels: list[str],
    history: Iterable[Published] = (),
) -> dict[str, Table]:
    """Tables of overlapping groups (a cohort, its intake, the pool) published together,
    with each table withheld whose figures would, beside the others and beside every table
    published before (`history`), let a reader pin a hidden count (such as a cohort's
    withheld table worked out as its intake's less the other cohort's) or someone's answer
    (such as two people who joined the pool between two snapshots).

    The reader is modelled as knowing every group's members and every shown table, today's
    and earlier ones. Over the people sharing the same groups (the "atoms"), each hidden
    count must be able to take two values and the people of each atom must not all be
    forced to one answer. Most of that is proved at once by a witness: moving one person's
    answer to another keeps every shown table true. What no witness clears goes to an
    integer programme (scipy's HiGHS `milp`), which finds the smallest and largest value
    possible; in a set of groups too large for it, the uncleared count is treated as
    pinned. While something is pinned, the smallest of today's shown tables that would let
    it be pinned is withheld (the pinned table itself first); earlier tables stay as they
    were published. Groups that share nobody are checked apart. `answers` maps each person
    (today's and earlier members) to their true label, which only the check uses; an
    earlier table their answers no longer fit (someone changed or erased an answer since)
    is left out of the check."""
    tables = {name: g.table for name, g in groups.items()}
    everything = dict(groups)
    fixed: set[str] = set()
    for i, earlier in enumerate(history):
        if earlier.table.withheld or not _agrees(earlier, answers):
            continue  # a withheld table tells only its total, which the members tell
        name = f"\x00earlier {i}"
        everything[name], tables[name] = earlier, earlier.table
        fixed.add(name)
    for component in _components(everything):
        if all(name in fixed for name in component):
            continue  # nothing new to publish here
        _audit_component({n: everything[n] for n in component}, tables, answers, labels, fixed)
    return {name: tables[name] for name in groups}


def _agrees(published: Published, answers: dict) -> bool:
    """Whether everyone's answer today still reads as the table shows it."""
    counts: dict[str, int] = {}
    for person in published.members:
        if person not in answers:
            return False
        counts[answers[person]] = counts.get(answers[person], 0) + 1
    for c in published.table.cells:
        lo, hi = bounds(c.count)
        if not lo <= counts.get(c.label, 0) <= hi:
            return False
    return True


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


# The most variables (atoms × answers) the integer programme takes on; beyond it, what no
# witness clears is treated as pinned (the table is withheld rather than the check slowed).
MILP_MAX_VARIABLES = 6000


def _audit_component(groups, tables, answers, labels, fixed) -> None:
    names = sorted(groups)
    signature: dict[object, tuple[str, ...]] = {}
    for name in names:
        for person in groups[name].members:
            signature[person] = signature.get(person, ()) + (name,)
    atom_people: dict[tuple[str, ...], list] = {}
    for person, sig in signature.items():
        atom_people.setdefault(sig, []).append(person)
    # How many of each atom, and of each table, truly gave each answer.
    atom_counts = {a: _tally(answers[p] for p in people) for a, people in atom_people.items()}
    true = {name: _tally(answers[p] for p in groups[name].members) for name in names}

    def new(name: str) -> bool:
        return name not in fixed and not tables[name].withheld

    def smallest(candidates) -> str | None:
        candidates = [c for c in candidates if new(c)]
        return min(candidates, key=lambda c: (len(groups[c].members), c)) if candidates else None

    def culprit(item) -> str | None:
        """The table to withhold for a pinned item: a hidden count's own table if it is
        today's and shown, else the smallest of today's shown tables sharing people with
        it; for an atom forced to one answer, the smallest of today's tables it is in."""
        kind, name, _ = item
        if kind == "atom":
            return smallest(name)
        if new(name):
            return name
        return smallest(o for o in names if groups[o].members & groups[name].members)

    while True:
        pinned = _uncleared(names, tables, atom_counts, true, labels)
        if pinned:
            pinned = _exact(pinned, names, tables, groups, atom_people, answers, labels)
        target = next((c for c in map(culprit, pinned) if c is not None), None)
        if target is None:
            return
        t = tables[target]
        tables[target] = Table(
            t.total, [Cell(c.label, None, None, c.baseline) for c in t.cells], WITHHELD
        )


def _tally(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def _uncleared(names, tables, atom_counts, true, labels) -> list[tuple]:
    """What no witness proves unpinned: ("hidden", table, label) for a hidden count, and
    ("atom", groups, label) for the people sharing exactly those groups who all gave one
    answer. A witness is one person of an atom moved from one answer to another with every
    shown table they are in still true: then the hidden counts of those tables take a
    second value, and the atom is not all of one answer."""
    limits = {
        name: {c.label: bounds(c.count) for c in tables[name].cells}
        for name in names
        if not tables[name].withheld
    }

    def movable(atom, x, y) -> bool:
        if not atom_counts[atom].get(x):
            return False
        for name in atom:
            if name in limits:
                lo_x, _ = limits[name].get(x, (0, 0))
                _, hi_y = limits[name].get(y, (0, 0))
                if true[name].get(x, 0) - 1 < lo_x or true[name].get(y, 0) + 1 > hi_y:
                    return False
        return True

    out: list[tuple] = []
    touched: dict[str, set[str]] = {name: set() for name in names}  # counts a move changes
    for atom, counts in atom_counts.items():
        moves = [(x, y) for x in counts for y in labels if x != y and movable(atom, x, y)]
        for name in atom:
            touched[name].update(label for move in moves for label in move)
        if len(counts) == 1 and not moves:
            out.append(("atom", atom, next(iter(counts))))
    for name in names:
        out.extend(
            ("hidden", name, c.label)
            for c in tables[name].cells
            if c.count is None and c.label not in touched[name]
        )
    return out


def _exact(items, names, tables, groups, atom_people, answers, labels) -> list[tuple]:
    """Of the items no witness cleared, those an integer programme finds pinned (all of
    them when the set of groups is too large for it)."""
    atom_list = list(atom_people)
    n = len(atom_list) * len(labels)
    if not n or n > MILP_MAX_VARIABLES:
        return items  # nobody (an empty group's counts are all 0), or too large
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    index = {(a, g): i for i, (a, g) in enumerate((a, g) for a in atom_list for g in labels)}
    upper = np.array([len(atom_people[a]) for a in atom_list for g in labels], dtype=float)

    def cell(name: str, label: str):
        row = np.zeros(n)
        for a in atom_list:
            if name in a:
                row[index[a, label]] = 1
        return row

    rows = []
    for a in atom_list:
        row = np.zeros(n)
        for g in labels:
            row[index[a, g]] = 1
        rows.append((row, len(atom_people[a]), len(atom_people[a])))
    for name in names:
        if not tables[name].withheld:
            for c in tables[name].cells:
                lo, hi = bounds(c.count)
                rows.append((cell(name, c.label), lo, hi))
    constraint = LinearConstraint(
        np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows], [hi for *_, hi in rows]
    )

    def solve(objective, sign=1) -> float | None:
        r = milp(
            sign * objective,
            constraints=constraint,
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), upper),
        )
        return round(float(objective @ r.x)) if r.success else None

    out = []
    for item in items:
        kind, name, label = item
        if kind == "hidden":
            objective = cell(name, label)
            low, high = solve(objective), solve(objective, -1)
            if low is None or high is None or low == high:
                out.append(item)
        else:
            row = np.zeros(n)
            row[index[name, label]] = 1
            least = solve(row)
            if least is None or least >= len(atom_people[name]):
                out.append(item)
    return out

"""Disclosure control for published breakdowns.

Equality breakdowns (ethnic group, sex, disability: special-category data) follow the rule
stated in docs/security.md ("Small numbers"), built from recognised methods:

- **Whole-table suppression.** A table is withheld (only its total is shown) when fewer than
  `MIN_STATED` people gave an answer, or when one answer holds all but `SMALL_MAX` or fewer
  of those who answered: such a table would tell, or nearly tell, each named member's answer.
- **Primary suppression** (NHS Digital's Hospital Episode Statistics rules): counts from 1 to
  7 are shown as "*" and nothing derived from them is shown.
- **Cell-key perturbation** (the ONS method used for Census 2021): every other non-zero
  count moves by at most `NOISE_MAX`, by an amount fixed by a secret key and the table's true
  counts. The same group always publishes the same table; a group one person larger publishes
  a freshly perturbed one, so comparing the table before and after someone joins does not say
  which answer they gave.
- **Rounding**: shown counts are rounded to the nearest 5 and shares are whole per cents of
  the shown counts, so no share is more exact than the count behind it.
- **An audit** of every table before it is shown: from everything a reader sees (the exact
  total, each rounded count widened by the rounding and the noise, "*" as 1–7, zeros as zero)
  no hidden count may be pinned to a single value; a table failing it is withheld whole.

Counts that carry no equality data (systems, professions) are shown exactly, with counts of
1 to 7 hidden and a second count hidden where one alone could be worked out (`breakdown`).
Totals are always exact. The same rule applies to a single equality share (`equality_share`).
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

WITHHELD_FEW = "Fewer than 8 people gave an answer, so the breakdown is not shown."
WITHHELD_UNIFORM = (
    "Nearly everyone gave the same answer, so the breakdown is not shown: "
    "it would tell each person's answer."
)
WITHHELD_AUDIT = "The breakdown is not shown: a hidden count could be worked out from the rest."
WITHHELD_LINKED = (
    "The breakdown is not shown: beside those of groups that share people with this one, "
    "a hidden count could be worked out."
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


def _cell_keys(counts: list[tuple[str, int]]) -> dict[str, int]:
    """A cell key (0–255) for each category, fixed by the secret and the table's true
    counts: the same group gets the same keys, any change of membership new ones."""
    table = hmac.new(
        _secret(), json.dumps(sorted(counts), ensure_ascii=False).encode(), hashlib.sha256
    ).digest()
    return {
        label: hmac.new(table, label.encode(), hashlib.sha256).digest()[0] for label, _ in counts
    }


def _round(n: int) -> int:
    return ROUND_TO * ((n + ROUND_TO // 2) // ROUND_TO)


def publish_count(true: int, cell_key: int) -> int:
    """A count of at least MIN_STATED as published: perturbed (never below MIN_STATED) and
    rounded to the nearest 5."""
    return _round(max(MIN_STATED, true + _NOISE[cell_key]))


def bounds(shown: str | int) -> tuple[int, int]:
    """What a reader can tell of a true count from what is shown of it in an equality table."""
    if shown == SUPPRESSED or shown is None:
        return 1, SMALL_MAX
    if shown == 0:
        return 0, 0
    spread = ROUND_TO // 2 + NOISE_MAX
    return max(MIN_STATED, shown - spread), shown + spread


def _audit(shown: list[int | None], total: int) -> bool:
    """True when no non-zero count can be pinned to one value from the shown cells and the
    exact total."""
    ranges = [bounds(SUPPRESSED if s is None else s) for s in shown]
    return _unpinned(ranges, total, skip=[s == 0 for s in shown])


def equality_breakdown(
    counts: list[tuple[str, int]],
    *,
    neutral: frozenset[str] = frozenset(),
    baselines: dict[str, float] | None = None,
) -> Table:
    """An equality breakdown (ethnic group, sex, disability) as it may be published.

    `neutral` names the categories that give no answer ("Not stated"): they are shown
    like the others but do not count as answers when deciding whether to withhold."""
    baselines = baselines or {}
    total = sum(n for _, n in counts)
    answered = [n for label, n in counts if label not in neutral]
    stated = sum(answered)

    def withheld(reason: str) -> Table:
        return Table(
            total, [Cell(label, None, None, baselines.get(label)) for label, _ in counts], reason
        )

    if stated < MIN_STATED:
        return withheld(WITHHELD_FEW)
    if stated - max(answered) <= SMALL_MAX:
        return withheld(WITHHELD_UNIFORM)
    keys = _cell_keys(counts)
    shown = [
        0 if n == 0 else None if is_small(n) else publish_count(n, keys[label])
        for label, n in counts
    ]
    if not _audit(shown, total):
        return withheld(WITHHELD_AUDIT)
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
    published: hidden when either side is 1 to 7; otherwise both sides are perturbed and
    rounded as in `equality_breakdown`, and the share is a whole per cent of those, as a
    0–1 fraction. `context` names the figure, so it takes part in the cell key."""
    rest = whole - part
    if whole < MIN_STATED or is_small(part) or is_small(rest):
        return None
    table = equality_breakdown([(f"{context}:part", part), (f"{context}:rest", rest)])
    if table.withheld:
        return None
    shown_part, shown_rest = (c.count for c in table.cells)
    if not shown_part + shown_rest:
        return None
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
    smallest shown table overlapping it is withheld too (the pinned table itself first). A
    count pinned at 0 is allowed: it says what a shown zero says, and zeros are shown.
    `answers` maps each person to their true label, which only the check uses."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    tables = {name: g.table for name, g in groups.items()}
    signature: dict[object, tuple[str, ...]] = {}
    for name in sorted(groups):
        for person in groups[name].members:
            signature[person] = signature.get(person, ()) + (name,)
    atoms: dict[tuple[str, ...], list] = {}
    for person, sig in signature.items():
        atoms.setdefault(sig, []).append(person)
    atom_list = list(atoms)
    index = {(a, g): i for i, (a, g) in enumerate((a, g) for a in atom_list for g in labels)}
    n = len(index)

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
        size_rows.append((row, len(atoms[a]), len(atoms[a])))
    upper = np.array([len(atoms[a]) for a in atom_list for g in labels], dtype=float)

    def pinned() -> str | None:
        rows = list(size_rows)
        hidden = []
        for name, t in tables.items():
            for c in t.cells:
                if c.count is None:
                    hidden.append((name, c.label))
                if not t.withheld:
                    lo, hi = bounds(SUPPRESSED if c.count is None else c.count)
                    rows.append((cell(name, c.label), lo, hi))
        constraint = LinearConstraint(
            np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows], [hi for *_, hi in rows]
        )
        for name, label in hidden:
            objective = cell(name, label)
            truth = sum(1 for p in groups[name].members if answers[p] == label)
            found = []
            for sign in (1, -1):
                r = milp(
                    sign * objective,
                    constraints=constraint,
                    integrality=np.ones(n),
                    bounds=Bounds(np.zeros(n), upper),
                )
                found.append(round(float(objective @ r.x)) if r.success else truth)
            # A count pinned at 0 says only what a shown zero says (nobody gave that
            # answer), and zeros are published as they are.
            if found[0] == found[1] != 0:
                return name
        return None

    while (name := pinned()) is not None:
        if not tables[name].withheld:
            culprit = name
        else:
            overlapping = [
                other
                for other, g in groups.items()
                if other != name and not tables[other].withheld and g.members & groups[name].members
            ]
            if not overlapping:  # cannot happen: a withheld table alone pins nothing
                break
            culprit = min(overlapping, key=lambda o: (len(groups[o].members), o))
        t = tables[culprit]
        tables[culprit] = Table(
            t.total, [Cell(c.label, None, None, c.baseline) for c in t.cells], WITHHELD_LINKED
        )
    return tables

"""The small-number rule for published equality breakdowns.

Any count from 1 to 7 is shown as "*" and every rate derived from it is hidden; totals are
shown as they are. When a breakdown suppresses exactly one count, that count could be
worked out by subtracting the others from the total, so the next smallest non-zero count
is suppressed as well (secondary suppression, as in NHS Digital's publications).
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL_MAX = 7
SUPPRESSED = "*"


def is_small(count: int) -> bool:
    return 1 <= count <= SMALL_MAX


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None when suppressed
    share: float | None  # of the total, 0–1; None when suppressed or no total
    baseline: float | None = None  # the workforce's share, 0–1, where the team entered one

    @property
    def display(self) -> str:
        return SUPPRESSED if self.count is None else str(self.count)

    @property
    def suppressed(self) -> bool:
        return self.count is None


def breakdown(
    counts: list[tuple[str, int]],
    *,
    baselines: dict[str, float] | None = None,
    sensitive: bool = False,
    neutral: frozenset[str] = frozenset(),
) -> tuple[int, list[Cell]]:
    """(total, cells) for one dimension's counts, with small numbers suppressed.

    `sensitive` (ethnicity, sex, disability): when everyone falls in one category the
    breakdown would tell the answer of every named member of the group, so every count
    is hidden, unless that category is `neutral` (such as "not stated"), which tells
    nothing about anyone."""
    total = sum(n for _, n in counts)
    hidden = {label for label, n in counts if is_small(n)}
    present = [label for label, n in counts if n > 0]
    if sensitive and len(present) == 1 and present[0] not in neutral:
        hidden = set(present)
    if len(hidden) == 1:
        others = sorted((n, label) for label, n in counts if n > 0 and label not in hidden)
        if others:
            hidden.add(others[0][1])
    baselines = baselines or {}
    cells = []
    for label, n in counts:
        if label in hidden:
            cells.append(Cell(label, None, None, baselines.get(label)))
        else:
            cells.append(Cell(label, n, (n / total) if total else None, baselines.get(label)))
    return total, cells

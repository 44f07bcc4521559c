"""What needs a person now, for their home page. Each app that has work for people gives a
module `todo.py` with `for_user(user, *, now) -> list[Todo]`; the home page gathers them
(core.discovery), so no app imports another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .discovery import portal_modules


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    due: date | None = None
    overdue: bool = False


def todos_for(user, *, now: datetime | None = None) -> list[Todo]:
    """Overdue first, then by when each is due (undated last)."""
    now = now or timezone.now()
    items = [
        item for _, module in portal_modules("todo") for item in module.for_user(user, now=now)
    ]
    return sorted(items, key=lambda t: (not t.overdue, t.due is None, t.due or date.max, t.text))

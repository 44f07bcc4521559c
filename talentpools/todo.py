"""What talent management asks of people now: a talent lead's open reviews and the open
nominations window; the team's nominations waiting for a decision."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from talentportal.core.todo import Todo

from . import permissions
from .models import Nomination, NominationStatus, NominationWindow
from .selectors import review_list

# Nominations still undecided this long after their window closed are overdue.
DECISION_OVERDUE = timedelta(days=14)


def for_user(user, *, now) -> list[Todo]:
    today = timezone.localdate(now)
    items = []
    lead = permissions.has_role(user, "talent_lead")
    if lead:
        for review in review_list(user=user).filter(is_closed=False).order_by("held_on")[:5]:
            items.append(Todo(
                f"{review.name}: {review.people} placed so far; place or move people, then"
                " close the review",
                reverse("talentpools:review", args=[review.pk]), due=review.held_on,
                overdue=review.held_on < today - timedelta(days=30),
            ))  # fmt: skip
        window = NominationWindow.objects.filter(opens_on__lte=today, closes_on__gte=today)
        for w in window.order_by("closes_on")[:1]:
            items.append(Todo(
                f"The {w.name} nominations window is open until {w.closes_on:%-d %B}:"
                " nominate people for the aspirant director pool",
                reverse("talentpools:nominate"), due=w.closes_on,
            ))  # fmt: skip
    if permissions.is_team(user):
        waiting = Nomination.objects.filter(
            status=NominationStatus.SUBMITTED, window__closes_on__lt=today
        )
        count = waiting.count()
        if count:
            late = waiting.filter(window__closes_on__lt=today - DECISION_OVERDUE).count()
            text = f"{count} nomination{'s' if count != 1 else ''} waiting for a decision"
            if late:
                text += f", {late} from a window that closed more than two weeks ago"
            items.append(Todo(text, reverse("talentpools:nominations") + "?status=submitted",
                              overdue=bool(late)))  # fmt: skip
    return items

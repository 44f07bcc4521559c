"""What coaching asks of people now: requests to answer; approvals waiting for the team."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from talentportal.core.todo import Todo

from .models import Relationship
from .selectors import is_team, pending_applications, pending_practitioners

# An application or a registration waiting longer than this for the team is overdue.
APPROVAL_OVERDUE = timedelta(days=7)


def for_user(user, *, now) -> list[Todo]:
    today = timezone.localdate(now)
    items = []
    requests = Relationship.objects.filter(
        practitioner__user=user, status=Relationship.Status.REQUESTED
    ).select_related("client")
    for r in requests:
        name = r.client.get_full_name() or r.client.email
        items.append(Todo(
            f"{name} has asked you for {r.get_kind_display().lower()}: accept or decline"
            + (f" by {r.respond_by:%-d %B}" if r.respond_by else ""),
            reverse("coaching:relationship", args=[r.pk]),
            due=r.respond_by, overdue=bool(r.respond_by and r.respond_by < today),
        ))  # fmt: skip
    if is_team(user):
        for label, waiting in (
            ("coaching and mentoring application", pending_applications()),
            ("coach or mentor registration", pending_practitioners()),
        ):
            dates = [d for d in waiting.values_list("submitted_on", flat=True)[:200] if d]
            if dates:
                late = sum(1 for d in dates if d < today - APPROVAL_OVERDUE)
                text = f"{len(dates)} {label}{'s' if len(dates) != 1 else ''} to approve"
                if late:
                    text += f", {late} waiting more than a week"
                items.append(Todo(
                    text, reverse("coaching:team"), due=min(dates), overdue=bool(late)
                ))  # fmt: skip
    return items

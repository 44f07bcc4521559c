"""What booking asks of people now: offers to answer; registers to complete."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from talentportal.core.todo import Todo

from .models import Booking
from .selectors import registers_to_complete

# A register not completed this long after its session ended is overdue.
REGISTER_OVERDUE = timedelta(days=2)


def for_user(user, *, now) -> list[Todo]:
    items = []
    offers = Booking.objects.filter(person=user, status=Booking.Status.OFFERED).select_related(
        "session__programme", "cohort__programme"
    )
    for offer in offers:
        until = timezone.localtime(offer.offer_expires_at)
        items.append(Todo(
            f"Accept or decline the place offered on {offer.target.programme.title}, by"
            f" {until:%H:%M} on {until:%-d %B}",
            reverse("programmes:my_bookings"), due=until.date(),
        ))  # fmt: skip
    registers = list(registers_to_complete(user=user, now=now)[:50])
    if registers:
        late = sum(1 for s in registers if s.ends_at < now - REGISTER_OVERDUE)
        count = len(registers)
        text = (
            f"{count}{'+' if count == 50 else ''} register{'s' if count != 1 else ''} to complete"
        )
        if late:
            text += f", {late} more than two days after the session"
        items.append(Todo(
            text, reverse("programmes:registers"),
            due=timezone.localdate(registers[0].ends_at), overdue=bool(late),
        ))  # fmt: skip
    return items

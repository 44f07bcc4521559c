"""The emails of booking. They are written to the outbox inside the caller's transaction
(so they exist exactly when the booking does) and sent by Celery after commit.
They carry no equality data: only what, when and where."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from talentportal.core.links import absolute_url

from .models import Booking, RegisterEntry, Session
from .selectors import target_sessions


def _from_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "no-reply@talentportal.example"


def _sequence(booking: Booking, *, change: bool) -> int:
    """The SEQUENCE of this invitation. A change (booked, cancelled) takes the next number
    and stores it, so a cancellation always outranks the invitation before it; a copy of
    the current state (a download, a reminder) repeats the last number."""
    if not change:
        return max(booking.invites_sent - 1, 0)
    rows = Booking.objects.filter(pk=booking.pk)
    rows.update(invites_sent=F("invites_sent") + 1)
    booking.invites_sent = rows.values_list("invites_sent", flat=True).get()
    return booking.invites_sent - 1


def calendar_for(
    booking: Booking, sessions: list[Session], *, cancel: bool = False, change: bool = True
) -> bytes:
    """An iCalendar invitation (or cancellation) of one booking's sessions, one event each.

    Each booking has its own UIDs, so a rebooking after a cancellation is a new event
    rather than an update a calendar may ignore; each change of the booking's invitation
    has a higher SEQUENCE (`_sequence`) and a fresh DTSTAMP, so calendar clients replace
    the event they hold."""
    sequence = _sequence(booking, change=change)
    cal = Calendar()
    cal.add("prodid", "-//Talent Portal//Programmes//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    for session in sessions:
        event = Event()
        event.add("uid", f"booking-{booking.pk}-session-{session.pk}@talentportal")
        event.add("summary", session.display_title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("sequence", sequence)
        event.add("organizer", f"mailto:{_from_address()}")
        event.add("location", session.venue or session.joining_url or "Online")
        if session.joining_url:
            event.add("url", session.joining_url)
        event.add("description", session.programme.summary[:500])
        event.add("status", "CANCELLED" if cancel else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def _send(booking: Booking, template: str, subject: str, *, ics: bytes | None = None, **extra):
    context = {
        "booking": booking,
        "person": booking.person,
        "target": booking.target,
        "programme": booking.target.programme,
        "sessions": target_sessions(booking.target),
        "my_bookings_url": absolute_url("programmes:my_bookings"),
        **extra,
    }
    body = render_to_string(f"programmes/email/{template}.txt", context)
    message = EmailMessage(subject, body, to=[booking.person.email])
    if ics is not None:
        message.attach("invitation.ics", ics, "text/calendar")
    message.send()


def booking_confirmed(booking: Booking) -> None:
    sessions = target_sessions(booking.target)
    _send(
        booking,
        "booking_confirmed",
        f"Booking confirmed: {booking.target.programme.title}",
        ics=calendar_for(booking, sessions),
    )


def waitlist_joined(booking: Booking) -> None:
    _send(booking, "waitlist_joined", f"Waiting list: {booking.target.programme.title}")


def place_offered(booking: Booking) -> None:
    _send(
        booking,
        "place_offered",
        f"A place is available: {booking.target.programme.title}",
        accept_url=absolute_url("programmes:my_bookings"),
    )


def offer_expired(booking: Booking) -> None:
    _send(booking, "offer_expired", f"Offer expired: {booking.target.programme.title}")


def booking_cancelled(booking: Booking) -> None:
    _send(
        booking,
        "booking_cancelled",
        f"Booking cancelled: {booking.target.programme.title}",
        ics=calendar_for(booking, target_sessions(booking.target), cancel=True),
    )


def waitlist_removed(booking: Booking) -> None:
    _send(booking, "waitlist_removed", f"Waiting list: {booking.target.programme.title}")


def session_cancelled(booking: Booking, session: Session, *, waiting: bool) -> None:
    _send(
        booking,
        "session_cancelled",
        f"Cancelled by the organiser: {session.display_title}",
        ics=None if waiting else calendar_for(booking, [session], cancel=True),
        cancelled_session=session,
        waiting=waiting,
    )


def cohort_cancelled(booking: Booking, *, waiting: bool) -> None:
    _send(
        booking,
        "cohort_cancelled",
        f"Cancelled by the organiser: {booking.cohort}",
        ics=None
        if waiting
        else calendar_for(booking, target_sessions(booking.cohort), cancel=True),
        waiting=waiting,
    )


def session_changed(booking: Booking, session: Session, *, changed: list[str]) -> None:
    """The organiser changed a booked session's date, time, place or link: an updated
    invitation (same UID, higher SEQUENCE) replaces the one in the person's calendar."""
    _send(
        booking,
        "session_changed",
        f"Changed: {session.display_title}",
        ics=calendar_for(booking, [session]),
        changed_session=session,
        changed=changed,
    )


def session_reminder(entry: RegisterEntry) -> None:
    _send(
        entry.booking,
        "session_reminder",
        f"Reminder: {entry.session.display_title}",
        ics=calendar_for(entry.booking, [entry.session], change=False),
        session=entry.session,
    )


def evaluation_invite(booking: Booking) -> None:
    _send(
        booking,
        "evaluation_invite",
        f"How was it? {booking.target.programme.title}",
        evaluation_url=absolute_url("programmes:evaluate", pk=booking.pk),
    )

"""Bookings, attendance, evaluations and self-assessments."""

from __future__ import annotations

from django.utils import timezone

from reporting import summaries
from talentportal.directory.models import Disability, EthnicCategory, Sex

from . import services
from .models import AssessmentAnswer, Booking, Evaluation, RegisterEntry
from .selectors import target_sessions


def export(user) -> dict:
    bookings = Booking.objects.filter(person=user).select_related(
        "session__programme", "cohort__programme"
    )
    return {
        "bookings": [
            {
                "programme": b.target.programme.title,
                "session_or_cohort": str(b.target),
                "status": b.status,
                "created_at": b.created_at.isoformat(),
                "equality_answers_given_at_booking": {
                    "ethnic_category": b.ethnic_category,
                    "disability": b.disability,
                    "sex": b.sex,
                },
            }
            for b in bookings
        ],
        "attendance": [
            {"session": str(e.session), "attendance": e.attendance}
            for e in RegisterEntry.objects.filter(booking__person=user).select_related("session")
        ],
        "evaluations": list(
            Evaluation.objects.filter(booking__person=user).values(
                "rating", "will_do_differently", "comments", "submitted_at"
            )
        ),
        "self_assessment": list(
            AssessmentAnswer.objects.filter(booking__person=user).values(
                "dimension__name", "stage", "rating", "answered_at"
            )
        ),
    }


def _release_places(user, *, now) -> int:
    """Cancel the person's places still to come and their waiting-list entries, as they
    would themselves (booking_cancel): each place goes back and is offered to the next
    person waiting. A place on something already under way (a cohort part-way through)
    stays: it can no longer be cancelled or offered to anyone. Returns how many went."""
    cancelled = 0
    active = Booking.objects.filter(person=user, status__in=Booking.ACTIVE).select_related(
        "session__programme", "cohort__programme"
    )
    for booking in active.order_by("pk"):
        sessions = target_sessions(booking.target)
        started = bool(sessions) and sessions[0].starts_at <= now
        if booking.status == Booking.Status.CONFIRMED and started:
            continue
        services.booking_cancel(booking=booking, now=now)
        cancelled += 1
    return cancelled


def erase(user) -> None:
    """Places still to come go back to others (the messages about it to the person are
    dropped with the rest of their outbox, talentportal.directory.privacy). Past bookings
    and attendance stay, as past years' figures count them, but without the person's
    equality answers: what those counted in each year's reach is kept first, as counts of
    no one (reporting.ErasedReach). What the person wrote goes, and no comment of theirs
    is quoted."""
    _release_places(user, now=timezone.now())
    summaries.erased_reach_keep(person_id=user.pk)
    Booking.objects.filter(person=user).update(
        ethnic_category=EthnicCategory.Z, disability=Disability.NOT_STATED, sex=Sex.NOT_STATED
    )
    # The summaries lose the answers in this transaction too: no read counts them twice.
    summaries.refresh(wait=True)
    Evaluation.objects.filter(booking__person=user).update(
        will_do_differently="", comments="", approved_for_publication=False
    )

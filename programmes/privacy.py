"""Bookings, attendance, evaluations and self-assessments."""

from __future__ import annotations

from .models import AssessmentAnswer, Booking, Evaluation, RegisterEntry


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


def erase(user) -> None:
    """Bookings and attendance stay (past years' figures count them, by the snapshot taken
    at booking); what the person wrote goes, and no comment of theirs is quoted."""
    Evaluation.objects.filter(booking__person=user).update(
        will_do_differently="", comments="", approved_for_publication=False
    )

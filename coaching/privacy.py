"""CoachNet and MentorNet: practice, applications, relationships and what was written."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from . import services
from .models import (
    Application,
    ApprovalStatus,
    CohortMatch,
    CohortMatchPair,
    DevelopmentRecord,
    Evaluation,
    Message,
    Practitioner,
    PrivateNote,
    Qualification,
    Relationship,
)

REMOVED = "[removed at the person's request]"


def export(user) -> dict:
    mine = Relationship.objects.filter(Q(client=user) | Q(practitioner__user=user))
    return {
        "practitioner": Practitioner.objects.filter(user=user)
        .values("coaches", "mentors", "status", "experience", "biography", "capacity")
        .first(),
        "applications": list(
            Application.objects.filter(client=user).values(
                "kind", "status", "goals", "submitted_on"
            )
        ),
        "relationships": [
            {
                "kind": r.kind,
                "status": r.status,
                "started_on": r.started_on and r.started_on.isoformat(),
                "ended_on": r.ended_on and r.ended_on.isoformat(),
                "goals": r.goals,
                "sessions": list(r.sessions.values("held_on", "hours", "mode")),
                "messages_sent": list(
                    Message.objects.filter(relationship=r, sender=user).values("body", "sent_at")
                ),
                "private_notes": list(
                    PrivateNote.objects.filter(relationship=r, author=user).values("text")
                ),
            }
            for r in mine
        ],
    }


def _withdraw(user) -> None:
    """Nothing goes on with someone erased. Their relationships still open, as client or as
    practitioner, are withdrawn as either member would withdraw them (relationship_end: the
    other member is asked how it went); an application still waiting for approval is
    deleted (it counts in nothing, and nobody should approve it); an approved one stays (it
    counts in the year's approvals) but leaves any cohort match not yet published."""
    today = timezone.localdate()
    open_ = Relationship.objects.filter(
        Q(client=user) | Q(practitioner__user=user), status__in=Relationship.OPEN
    )
    for relationship in open_.order_by("pk"):
        services.relationship_end(relationship=relationship, by=None, completed=False, today=today)
    Application.objects.filter(client=user, status=ApprovalStatus.SUBMITTED).delete()
    CohortMatchPair.objects.filter(
        application__client=user, match__status=CohortMatch.Status.DRAFT
    ).delete()


def erase(user) -> None:
    """Relationships, sessions and hours stay (they are counted); every word the person
    wrote goes, their private notes and certificates are deleted. The audit trail never
    held a relationship's goals (coaching.models: withheld)."""
    _withdraw(user)
    PrivateNote.objects.filter(author=user).delete()
    Message.objects.filter(sender=user).update(body=REMOVED)
    Evaluation.objects.filter(author=user).update(comments="")
    Application.objects.filter(client=user).update(goals=REMOVED, language="")
    Relationship.objects.filter(client=user).update(goals="")
    for qualification in Qualification.objects.filter(practitioner__user=user):
        if qualification.evidence:
            qualification.evidence.delete(save=False)
        qualification.evidence = ""
        qualification.save(update_fields=["evidence"])
    DevelopmentRecord.objects.filter(practitioner__user=user).update(description="")
    Practitioner.objects.filter(user=user).update(experience="", biography="", is_open=False)
    # A registration still waiting for approval counts in nothing and nobody should decide
    # it: it goes (its certificates went above).
    Practitioner.objects.filter(user=user, status=ApprovalStatus.SUBMITTED).delete()

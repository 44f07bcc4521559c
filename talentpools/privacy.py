"""Nominations, pool membership, vacancies, schemes and GMTS placements."""

from __future__ import annotations

from django.apps import apps

from .models import (
    CareerConversation,
    NineBoxPlacement,
    Nomination,
    PoolMembership,
    SchemeParticipant,
    Trainee,
    VacancyInterest,
)

REMOVED = "[removed at the person's request]"


def export(user) -> dict:
    """What the person sees of themselves on their Talent page. Nine-box placements and
    succession plans are the talent leads' working records: they are given through a
    subject access request to the academy, not downloaded here."""
    return {
        "nominations": list(
            Nomination.objects.filter(nominee=user).values(
                "window__name",
                "route",
                "role_family",
                "readiness",
                "evidence",
                "sponsor_name",
                "status",
                "feedback",
                "submitted_on",
                "decided_on",
            )
        ),  # fmt: skip
        "pool_memberships": list(
            PoolMembership.objects.filter(member=user).values(
                "pool", "route", "role_family", "joined_on", "left_on", "leave_reason"
            )
        ),
        "career_conversations": list(
            CareerConversation.objects.filter(membership__member=user).values(
                "held_on", "held_with", "summary"
            )
        ),
        "vacancy_interests": list(
            VacancyInterest.objects.filter(member=user).values("vacancy__title", "expressed_at")
        ),
        "schemes": list(
            SchemeParticipant.objects.filter(person=user).values(
                "cohort__scheme", "cohort__name", "system__name", "status", "outcome", "outcome_on"
            )
        ),
        "gmts": list(
            Trainee.objects.filter(person=user).values(
                "intake", "specialism", "host_organisation__name", "status", "destination"
            )
        ),
    }


def erase(user) -> None:
    """Memberships, nominations and scheme places stay with their dates and outcomes (past
    years count them); the words written about the person go, here and in the audit trail."""
    nominations = Nomination.objects.filter(nominee=user)
    nominations.update(evidence=REMOVED, feedback="", sponsor_name=REMOVED, sponsor_job_title="")
    CareerConversation.objects.filter(membership__member=user).update(summary=REMOVED, held_with="")
    PoolMembership.objects.filter(member=user).update(leave_note="")
    NineBoxPlacement.objects.filter(person=user).update(note="")
    SchemeParticipant.objects.filter(person=user).update(
        coach="", mentor="", sponsor="", action_learning_facilitator=""
    )
    # The audit trail keeps who changed what and when, not the words.
    apps.get_model("talentpools", "NominationEvent").objects.filter(nominee=user).update(
        evidence=REMOVED, feedback="", sponsor_name=REMOVED, sponsor_job_title=""
    )
    apps.get_model("talentpools", "PoolMembershipEvent").objects.filter(member=user).update(
        leave_note=""
    )
    apps.get_model("talentpools", "NineBoxPlacementEvent").objects.filter(person=user).update(
        note=""
    )

"""Reads of CoachNet/MentorNet, filtered to what the asking user may see.

Confidentiality: a relationship's content (goals, sessions, messages, notes) is for the
pair only; the coaching team sees status, dates and counts; private notes are their
author's alone.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from talentportal.directory.models import User
from talentportal.directory.permissions import ACADEMY_TEAM, has_role

from .models import Application, ApprovalStatus, Kind, LoggedSession, Practitioner, Relationship

TEAM = ACADEMY_TEAM


def is_team(user: User) -> bool:
    """The academy's coaching and mentoring team (programme and system administrators)."""
    return has_role(user, *TEAM)


def relationship_for_member(*, user: User, pk: int) -> Relationship:
    """A relationship, only for its practitioner or its client (DoesNotExist otherwise)."""
    return Relationship.objects.select_related("practitioner__user", "client").get(
        Q(practitioner__user=user) | Q(client=user), pk=pk
    )


def my_relationships(*, user: User) -> QuerySet:
    return (
        Relationship.objects.filter(Q(practitioner__user=user) | Q(client=user))
        .select_related("practitioner__user", "client")
        .annotate(
            session_count=Count("sessions"),
            hours=Sum("sessions__hours"),
        )
        .order_by("-requested_on", "-id")
    )


def team_relationships(*, kind: str | None = None, status: str | None = None) -> QuerySet:
    """For the team: who, status, dates and counts. Never goals, messages or notes."""
    qs = Relationship.objects.select_related("practitioner__user", "client").annotate(
        session_count=Count("sessions"), hours=Sum("sessions__hours")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.defer("goals", "decline_reason").order_by("-requested_on", "-id")


def pending_practitioners() -> QuerySet:
    return (
        Practitioner.objects.filter(status=ApprovalStatus.SUBMITTED)
        .select_related("user__profile__organisation")
        .prefetch_related("themes", "qualifications")
        .order_by("submitted_on")
    )


def pending_applications() -> QuerySet:
    return (
        Application.objects.filter(status=ApprovalStatus.SUBMITTED)
        .select_related("client__profile__organisation")
        .prefetch_related("themes")
        .order_by("submitted_on")
    )


def figures(*, kind: str, start: date, end: date, region_id: int | None = None) -> dict:
    """The year-in-review figures for one service, for the period start..end inclusive;
    with `region_id`, for clients (and practitioners) working in that region.

    Two grouped queries (relationships, logged sessions) plus one count each for
    approvals: no per-row Python."""

    def in_region(person: str) -> Q:
        if region_id is None:
            return Q()
        return Q(**{f"{person}profile__organisation__system__region": region_id})

    offers = Q(coaches=True) if kind == Kind.COACHING else Q(mentors=True)
    practitioners_approved = Practitioner.objects.filter(
        offers, in_region("user__"), approved_on__gte=start, approved_on__lte=end
    ).count()
    clients_approved = (
        Application.objects.filter(
            in_region("client__"), kind=kind, approved_on__gte=start, approved_on__lte=end
        )
        .values("client")
        .distinct()
        .count()
    )
    started = Q(started_on__isnull=False)
    rel = Relationship.objects.filter(in_region("client__"), kind=kind).aggregate(
        commenced=Count("pk", filter=started & Q(started_on__gte=start, started_on__lte=end)),
        active=Count(
            "pk",
            filter=started
            & Q(started_on__lte=end)
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=start)),
        ),
        completed=Count(
            "pk",
            filter=Q(status=Relationship.Status.COMPLETED, ended_on__gte=start, ended_on__lte=end),
        ),
        withdrawn=Count(
            "pk",
            filter=started
            & Q(status=Relationship.Status.WITHDRAWN, ended_on__gte=start, ended_on__lte=end),
        ),
    )
    logged = LoggedSession.objects.filter(
        in_region("relationship__client__"),
        relationship__kind=kind,
        held_on__gte=start,
        held_on__lte=end,
    ).aggregate(
        hours=Sum("hours"),
        sessions=Count("pk"),
        clients=Count("relationship__client", distinct=True),
    )
    return {
        "practitioners_approved": practitioners_approved,
        "clients_approved": clients_approved,
        "relationships_commenced": rel["commenced"],
        "relationships_active": rel["active"],
        "relationships_completed": rel["completed"],
        "relationships_withdrawn": rel["withdrawn"],
        "hours_logged": float(logged["hours"] or 0),
        "sessions_logged": logged["sessions"],
        "clients_with_sessions": logged["clients"],
    }

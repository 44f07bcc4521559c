"""Reads of CoachNet/MentorNet, filtered to what the asking user may see.

Confidentiality: a relationship's content (goals, sessions, messages, notes) is for the
pair only; the coaching team sees status, dates and counts; private notes are their
author's alone.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from talentportal.directory.models import User
from talentportal.directory.permissions import ACADEMY_TEAM, has_role

from .models import (
    Application,
    ApprovalStatus,
    DevelopmentRecord,
    Practitioner,
    Relationship,
)

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


def team_practitioners(*, today: date) -> QuerySet:
    """Approved practitioners for the team: open relationships, places free and their last
    supervision (current within COACHING_SUPERVISION_MONTHS, or they are not matched)."""
    from .matching import supervision_cutoff

    last_supervision = (
        DevelopmentRecord.objects.filter(
            practitioner=OuterRef("pk"), type=DevelopmentRecord.Type.SUPERVISION,
            held_on__lte=today,
        )
        .order_by("-held_on")
        .values("held_on")[:1]
    )  # fmt: skip
    return (
        Practitioner.objects.filter(status=ApprovalStatus.APPROVED)
        .select_related("user__profile__organisation")
        .annotate(
            open_count=Count(
                "relationships", filter=Q(relationships__status__in=Relationship.OPEN)
            ),
            last_supervision=Subquery(last_supervision),
        )
        .annotate(free=F("capacity") - F("open_count"))
        .annotate(
            supervised=ExpressionWrapper(
                Q(last_supervision__gte=supervision_cutoff(today)), output_field=BooleanField()
            )
        )
        .order_by("user__last_name", "user__first_name")
    )


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


# The year's figures of both services in one statement: relationships, logged sessions,
# approved clients and approved practitioners, each grouped by service. With a region, people
# are those whose profile's organisation lies in one of its systems.
_PEOPLE = """people AS MATERIALIZED (
    SELECT p.user_id FROM directory_profile p
    JOIN directory_organisation o ON o.id = p.organisation_id
    JOIN directory_integratedcaresystem ics ON ics.id = o.system_id
    WHERE ics.region_id = %(region)s
), """
_IN_REGION = "IN (SELECT user_id FROM people)"

_FIGURES_SQL = """
WITH {people}rel AS (
    SELECT kind,
        COUNT(*) FILTER (WHERE started_on BETWEEN %(start)s AND %(end)s) AS commenced,
        COUNT(*) FILTER (WHERE started_on <= %(end)s
                           AND (ended_on IS NULL OR ended_on >= %(start)s)) AS active,
        COUNT(*) FILTER (WHERE status = 'completed' AND ended_on BETWEEN %(start)s AND %(end)s)
            AS completed,
        COUNT(*) FILTER (WHERE started_on IS NOT NULL AND status = 'withdrawn'
                           AND ended_on BETWEEN %(start)s AND %(end)s) AS withdrawn
    FROM coaching_relationship r WHERE {client} GROUP BY kind
), logged AS (
    SELECT r.kind, SUM(l.hours) AS hours, COUNT(*) AS sessions,
           COUNT(DISTINCT r.client_id) AS clients
    FROM coaching_loggedsession l JOIN coaching_relationship r ON r.id = l.relationship_id
    WHERE l.held_on BETWEEN %(start)s AND %(end)s AND {client} GROUP BY r.kind
), clients AS (
    SELECT kind, COUNT(DISTINCT client_id) AS approved FROM coaching_application
    WHERE approved_on BETWEEN %(start)s AND %(end)s AND {client_id} GROUP BY kind
), practitioners AS (
    SELECT COUNT(*) FILTER (WHERE coaches) AS coaching, COUNT(*) FILTER (WHERE mentors)
        AS mentoring
    FROM coaching_practitioner WHERE approved_on BETWEEN %(start)s AND %(end)s AND {user}
)
SELECT k.kind, CASE k.kind WHEN 'coaching' THEN pr.coaching ELSE pr.mentoring END,
       COALESCE(c.approved, 0), COALESCE(rel.commenced, 0), COALESCE(rel.active, 0),
       COALESCE(rel.completed, 0), COALESCE(rel.withdrawn, 0), COALESCE(logged.hours, 0),
       COALESCE(logged.sessions, 0), COALESCE(logged.clients, 0)
FROM (VALUES ('coaching'), ('mentoring')) AS k(kind)
CROSS JOIN practitioners pr
LEFT JOIN rel ON rel.kind = k.kind
LEFT JOIN logged ON logged.kind = k.kind
LEFT JOIN clients c ON c.kind = k.kind
"""
FIGURE_KEYS = (
    "practitioners_approved", "clients_approved", "relationships_commenced",
    "relationships_active", "relationships_completed", "relationships_withdrawn",
    "hours_logged", "sessions_logged", "clients_with_sessions",
)  # fmt: skip


def figures_by_kind(*, start: date, end: date, region_id: int | None = None) -> dict[str, dict]:
    """The year-in-review figures of coaching and of mentoring, for the period start..end
    inclusive; with `region_id`, for clients (and practitioners) working in that region.
    One grouped statement, whatever the number of relationships."""
    if region_id is None:
        people = {"people": "", "client": "TRUE", "client_id": "TRUE", "user": "TRUE"}
    else:
        people = {
            "people": _PEOPLE,
            "client": f"r.client_id {_IN_REGION}",
            "client_id": f"client_id {_IN_REGION}",
            "user": f"user_id {_IN_REGION}",
        }
    with connection.cursor() as cursor:
        cursor.execute(
            _FIGURES_SQL.format(**people), {"start": start, "end": end, "region": region_id}
        )
        rows = cursor.fetchall()
    result = {}
    for kind, *values in rows:
        row = dict(zip(FIGURE_KEYS, values, strict=True))
        row["hours_logged"] = float(row["hours_logged"])
        result[kind] = row
    return result


def figures(*, kind: str, start: date, end: date, region_id: int | None = None) -> dict:
    """One service's figures (see figures_by_kind)."""
    return figures_by_kind(start=start, end=end, region_id=region_id)[kind]

"""Reads of the catalogue, bookings and registers, filtered to what the user may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from talentportal.directory.models import Profile, Role, User
from talentportal.directory.permissions import has_role

from .models import Booking, Cohort, Programme, RegisterEntry, Session


def target_sessions(target: Session | Cohort) -> list[Session]:
    """The sessions a booking of a session or a cohort covers: the cohort's dates that are not
    cancelled, in order (using prefetched sessions when present)."""
    if isinstance(target, Session):
        return [target]
    sessions = [s for s in target.sessions.all() if s.status != Session.Status.CANCELLED]
    return sorted(sessions, key=lambda s: s.starts_at)


def programme_list(*, now: datetime) -> QuerySet:
    """Published programmes with their next scheduled date; one query, whatever the length."""
    upcoming = Q(sessions__status=Session.Status.SCHEDULED, sessions__starts_at__gt=now)
    return (
        Programme.objects.filter(published=True)
        .select_related("workstream")
        .annotate(
            next_date=Min("sessions__starts_at", filter=upcoming),
            upcoming_sessions=Count("sessions", filter=upcoming),
        )
        .order_by(F("next_date").asc(nulls_last=True), "title")
    )


def programme_eligible_filter(qs: QuerySet, *, profile: Profile | None) -> QuerySet:
    """Only programmes this profile meets the eligibility rules of, decided in SQL."""
    through_sectors = Programme.eligible_sectors.through
    through_systems = Programme.eligible_systems.through
    restricted_sector = Exists(through_sectors.objects.filter(programme=OuterRef("pk")))
    restricted_system = Exists(through_systems.objects.filter(programme=OuterRef("pk")))
    unrestricted = (
        Q(eligible_bands=[])
        & Q(eligible_staff_groups=[])
        & ~Q(restricted_sector)
        & ~Q(restricted_system)
    )
    if profile is None or not profile.is_complete:
        return qs.filter(unrestricted)
    org = profile.organisation
    sector_ok = Exists(
        through_sectors.objects.filter(programme=OuterRef("pk"), organisationtype_id=org.type_id)
    )
    system_ok = Exists(
        through_systems.objects.filter(
            programme=OuterRef("pk"), integratedcaresystem_id=org.system_id
        )
    )
    return qs.filter(
        (Q(eligible_bands=[]) | Q(eligible_bands__contains=[profile.band]))
        & (Q(eligible_staff_groups=[]) | Q(eligible_staff_groups__contains=[profile.staff_group]))
        & (~Q(restricted_sector) | Q(sector_ok))
        & (~Q(restricted_system) | Q(system_ok))
    )


def programme_detail(*, slug: str, user: User) -> Programme:
    """A programme with its sessions and cohorts (unpublished ones only for administrators)."""
    qs = Programme.objects.select_related("workstream", "region").prefetch_related(
        "eligible_sectors",
        "eligible_systems",
        "modules",
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("module", "cohort").order_by("starts_at"),
        ),
        Prefetch(
            "cohorts",
            queryset=Cohort.objects.prefetch_related(
                Prefetch("sessions", queryset=Session.objects.order_by("starts_at")),
                "allocations__system",
            ),
        ),
    )
    if not has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN):
        qs = qs.filter(published=True)
    return qs.get(slug=slug)


def booking_list(*, user: User) -> QuerySet:
    """The user's own bookings: nobody lists anyone else's here."""
    return (
        Booking.objects.filter(person=user)
        .select_related("session__programme", "session__module", "cohort__programme")
        .annotate(
            first_start=Min(
                "cohort__sessions__starts_at",
                filter=~Q(cohort__sessions__status=Session.Status.CANCELLED),
            )
        )
        .order_by("-created_at")
    )


def booking_for_owner(*, user: User, pk: int) -> Booking:
    """One of the user's own bookings; anyone else's is indistinguishable from a missing one."""
    return Booking.objects.select_related("session__programme", "cohort__programme").get(
        pk=pk, person=user
    )


def can_run_register(*, user: User, session: Session) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN) or (
        session.facilitator_id == user.pk
    )


def register_entries(*, session: Session) -> QuerySet:
    return (
        RegisterEntry.objects.filter(session=session, booking__status=Booking.Status.CONFIRMED)
        .select_related("booking__person", "booking__organisation", "booking__system")
        .order_by("booking__person__last_name", "booking__person__first_name", "pk")
    )


def registers_to_complete(*, user: User, now: datetime) -> QuerySet:
    """Sessions past their end, not cancelled, with somebody's attendance not yet recorded."""
    pending = RegisterEntry.objects.filter(
        session=OuterRef("pk"),
        booking__status=Booking.Status.CONFIRMED,
        attendance=RegisterEntry.Attendance.NOT_RECORDED,
    )
    qs = (
        Session.objects.filter(ends_at__lte=now)
        .exclude(status=Session.Status.CANCELLED)
        .filter(Exists(pending))
        .select_related("programme", "module", "cohort")
        .annotate(
            not_recorded=Count(
                "register_entries",
                filter=Q(
                    register_entries__booking__status=Booking.Status.CONFIRMED,
                    register_entries__attendance=RegisterEntry.Attendance.NOT_RECORDED,
                ),
            )
        )
        .order_by("ends_at")
    )
    if not has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN):
        qs = qs.filter(facilitator=user)
    return qs


def waiting_list(*, target) -> QuerySet:
    field = "session" if isinstance(target, Session) else "cohort"
    return (
        Booking.objects.filter(
            **{field: target}, status__in=[Booking.Status.WAITLISTED, Booking.Status.OFFERED]
        )
        .select_related("person", "organisation")
        .order_by("status", "waitlist_position", "created_at", "id")
    )

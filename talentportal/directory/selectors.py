"""Reads of people and places, filtered to what the asking user may see."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from talentportal.core.disclosure import Published, Table

from .models import (
    EqualityPublication,
    EqualitySnapshot,
    IntegratedCareSystem,
    Organisation,
    Region,
    Role,
    User,
)
from .permissions import has_role, talent_lead_scopes


def organisation_list(*, search: str = "", system_id: int | None = None) -> QuerySet:
    """Organisations are reference data: any signed-in person may list them."""
    qs = Organisation.objects.select_related("type", "system", "system__region")
    if search:
        qs = qs.filter(name__icontains=search)
    if system_id:
        qs = qs.filter(system_id=system_id)
    return qs.order_by("name")


def system_list(*, region: Region | None = None) -> QuerySet:
    qs = IntegratedCareSystem.objects.select_related("region").annotate(
        organisation_count=Count("organisations")
    )
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("region__name", "name")


def person_list(*, user: User) -> QuerySet:
    """People the user may look up. Never carries equality data.

    System administrators see everyone; a talent lead sees the people of the
    organisations or systems they are scoped to; everyone else sees nobody.
    """
    qs = User.objects.select_related(
        "profile", "profile__organisation", "profile__organisation__system"
    ).order_by("last_name", "first_name", "email")
    if has_role(user, Role.SYSTEM_ADMIN):
        return qs
    if has_role(user, Role.TALENT_LEAD):
        orgs, systems = talent_lead_scopes(user)
        return qs.filter(
            Q(profile__organisation_id__in=orgs) | Q(profile__organisation__system_id__in=systems)
        )
    return qs.none()


def equality_snapshot(*, key: str) -> dict:
    """The published equality breakdown of one group, as plain data (it travels into report
    snapshots): {"data" (None before the first), "taken_on", "next_on" (dates as words, such
    as "1 December 2026"; None if unknown), "period_days"}. The next is a period after the
    last of its kind (the part of the key before the id)."""
    period = timedelta(days=settings.EQUALITY_SNAPSHOT_DAYS)
    snapshot = EqualitySnapshot.objects.filter(key=key).first()
    if snapshot is not None:
        data, last, taken = snapshot.data, snapshot.taken_at, snapshot.taken_at
    else:
        prefix = key.rsplit(":", 1)[0] + ":"
        last = (
            EqualitySnapshot.objects.filter(key__startswith=prefix)
            .order_by("-taken_at")
            .values_list("taken_at", flat=True)
            .first()
        )
        data, taken = None, None

    def words(instant):
        return None if instant is None else date_format(timezone.localdate(instant), "j F Y")

    return {
        "data": data,
        "taken_on": words(taken),
        "next_on": words(last + period if last else None),
        "period_days": settings.EQUALITY_SNAPSHOT_DAYS,
    }


def equality_history(*, prefix: str, dimension: str) -> list[Published]:
    """Every equality table of one kind and dimension shown so far, with who was in its group
    then, oldest first: what a reader may have kept, for the check of the next."""
    return [
        Published(frozenset(members), Table.from_dict(table))
        for members, table in EqualityPublication.objects.filter(
            key__startswith=prefix, dimension=dimension
        )
        .order_by("published_at", "pk")
        .values_list("members", "table")
    ]


def person_search(people: QuerySet[User], text: str, *, limit: int = 20) -> list[User]:
    """People among `people` whose first or last name starts with each word typed, by last
    name: the person pickers' search (prefix matches use the name indexes, so it stays quick
    at 100,000 people)."""
    words = text.split()[:4]
    if not words:
        return []
    for word in words:
        people = people.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    return list(
        people.select_related("profile__organisation").order_by("last_name", "first_name", "pk")[
            :limit
        ]
    )


def person_label(person: User) -> str:
    """How a picker names a person: name, job title and organisation; never an email."""
    profile = getattr(person, "profile", None)
    details = [
        part
        for part in (
            getattr(profile, "job_title", ""),
            str(getattr(profile, "organisation", "") or ""),
        )
        if part
    ]
    name = person.get_full_name() or "Unnamed person"
    return f"{name} – {', '.join(details)}" if details else name

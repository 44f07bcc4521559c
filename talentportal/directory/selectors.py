"""Reads of people and places, filtered to what the asking user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import IntegratedCareSystem, Organisation, Region, Role, User
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

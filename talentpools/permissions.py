"""Who may see and change which talent records.

The academy team (programme and system administrators) sees everything; a talent lead sees
the people, nominations, reviews and posts of the organisation or system they are scoped
to; a scheme manager runs one scheme's cohorts; every person sees their own record.
"""

from __future__ import annotations

from django.db.models import Q

from talentportal.directory.models import IntegratedCareSystem, Organisation, Role, User
from talentportal.directory.permissions import (
    ACADEMY_TEAM,
    has_role,
    role_assignments,
    talent_lead_scopes,
)

TALENT_STAFF = ACADEMY_TEAM | {Role.TALENT_LEAD}
SCHEME_STAFF = ACADEMY_TEAM | {Role.SCHEME_MANAGER}


def is_team(user: User) -> bool:
    return has_role(user, *ACADEMY_TEAM)


def managed_schemes(user: User) -> set[str]:
    """The schemes whose cohorts this person runs: all of them for the team."""
    if is_team(user):
        return {"edp", "hps", "gmts"}
    return {a.scheme for a in role_assignments(user) if a.role == Role.SCHEME_MANAGER}


def organisation_scope(user: User, prefix: str = "") -> Q | None:
    """A filter on `<prefix>organisation` (an Organisation relation) for a talent lead's
    scope; None for the team (everything); Q(pk__in=[]) for someone with no scope."""
    if is_team(user):
        return None
    return lead_scope(user, prefix)


def lead_scope(user: User, prefix: str = "") -> Q:
    """A filter on `<prefix>organisation` for the organisations and systems a talent lead
    leads (the team's reach aside): whom they may nominate."""
    orgs, systems = talent_lead_scopes(user)
    if not orgs and not systems:
        return Q(pk__in=[])
    return Q(**{f"{prefix}organisation__in": orgs}) | Q(
        **{f"{prefix}organisation__system__in": systems}
    )


def organisations_led(user: User):
    """The organisations a person may plan and review: all for the team."""
    qs = Organisation.objects.select_related("system", "type")
    if is_team(user):
        return qs
    orgs, systems = talent_lead_scopes(user)
    return qs.filter(Q(pk__in=orgs) | Q(system__in=systems))


def can_lead_organisation(user: User, organisation: Organisation | None) -> bool:
    if organisation is None:
        return is_team(user)
    if is_team(user):
        return True
    orgs, systems = talent_lead_scopes(user)
    return organisation.pk in orgs or organisation.system_id in systems


def can_lead_system(user: User, system: IntegratedCareSystem) -> bool:
    if is_team(user):
        return True
    return system.pk in talent_lead_scopes(user)[1]

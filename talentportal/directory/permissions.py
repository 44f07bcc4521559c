"""Who holds which role. Row-level scoping lives in the selectors that use these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.mixins import AccessMixin

from .models import MFA_ROLES, Role, RoleAssignment

_CACHE_ATTR = "_tp_role_assignments"

# The academy team: runs the catalogue, the coaching service, the talent pools and schemes.
ACADEMY_TEAM = frozenset({Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN})


def role_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related("organisation", "system")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> set[str]:
    return {a.role for a in role_assignments(user)}


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def requires_mfa(user) -> bool:
    return bool(roles_of(user) & MFA_ROLES)


def talent_lead_scopes(user) -> tuple[set[int], set[int]]:
    """(organisation ids, system ids) that a talent lead is scoped to."""
    orgs, systems = set(), set()
    for a in role_assignments(user):
        if a.role == Role.TALENT_LEAD:
            if a.organisation_id:
                orgs.add(a.organisation_id)
            if a.system_id:
                systems.add(a.system_id)
    return orgs, systems


class RoleRequiredMixin(AccessMixin):
    """Declare on a view who may use it (pretix style).

    `required_roles`: any one of them grants access; an empty set means any
    signed-in person (every person is a participant). Anonymous users are sent
    to sign in; signed-in people without the role get 403.
    """

    required_roles: Iterable[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_roles and not has_role(request.user, *self.required_roles):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

"""The roles every page is checked against, and the grants that make a person hold one."""

from django.urls import reverse

from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.tests.factories import OrganisationFactory

ROLES = {
    "participant": (),
    "coach": (Role.COACH,),
    "mentor": (Role.MENTOR,),
    "programme_admin": (Role.PROGRAMME_ADMIN,),
    "talent_lead_org": ("org_lead",),
    "talent_lead_system": ("system_lead",),
    "scheme_manager": ({"role": Role.SCHEME_MANAGER, "scheme": "gmts"},),
    "report_team": (Role.REPORT_TEAM,),
    "system_admin": (Role.SYSTEM_ADMIN,),
}


def role_grants(role: str) -> list:
    """The grants that make a fresh person hold `role` (a key of ROLES)."""
    names = ROLES[role]
    grants = []
    for g in names:
        if g == "org_lead":
            grants.append({"role": Role.TALENT_LEAD, "organisation": OrganisationFactory()})
        elif g == "system_lead":
            grants.append(
                {
                    "role": Role.TALENT_LEAD,
                    "system": IntegratedCareSystem.objects.get(name="Lincolnshire"),
                }
            )
        else:
            grants.append(g)
    return grants


def assert_answer(response, role: str, allowed) -> None:
    """What a page owes each role: anonymous visitors are sent to sign in, roles in
    `allowed` get the page, everyone else 403."""
    if role == "anonymous":
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("account_login")), response.url
    elif role in allowed:
        assert response.status_code == 200, response.status_code
    else:
        assert response.status_code == 403, response.status_code

"""The header navigation: each item names the roles that see it. (The admin site is
linked beside the account links, for staff: the navigation has no room for it.)

Feature apps add their entries here as they land; an empty `roles` means every
signed-in person (every person is a participant).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from talentportal.directory.models import Role
from talentportal.directory.permissions import ACADEMY_TEAM, roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()


ADMINS = ACADEMY_TEAM

ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "directory:dashboard"),
    NavItem("Programmes", "programmes:catalogue"),
    NavItem("My bookings", "programmes:my_bookings"),
    NavItem("Coaching", "coaching:home"),
    NavItem("Talent", "talentpools:home"),
    NavItem("Registers", "programmes:registers", ADMINS),
    NavItem(
        "People",
        "directory:person_list",
        frozenset({Role.TALENT_LEAD, Role.SYSTEM_ADMIN}),
    ),
    NavItem(
        "Organisations",
        "directory:organisation_list",
        frozenset(
            {
                Role.PROGRAMME_ADMIN,
                Role.TALENT_LEAD,
                Role.SCHEME_MANAGER,
                Role.REPORT_TEAM,
                Role.SYSTEM_ADMIN,
            }
        ),
    ),
    NavItem(
        "Reports",
        "reporting:index",
        frozenset({Role.REPORT_TEAM, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN}),
    ),
)


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    held = roles_of(user)
    items = []
    for item in ITEMS:
        if item.roles and not (item.roles & held):
            continue
        items.append({"label": item.label, "url": reverse(item.url_name), "current": False})
    # The current item is the one whose address is the longest prefix of this page's.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items

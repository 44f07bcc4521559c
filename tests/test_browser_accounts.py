"""A person signs up, verifies their email from the outbox, signs in, and sees their dashboard;
every role signs in (with two factors where the role needs them) and sees its own navigation."""

import re

import pytest
from django.core import mail

from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.permissions import requires_mfa
from talentportal.directory.tests.factories import OrganisationFactory
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_labels(page):
    return [
        t.strip()
        for t in page.locator(".nhsuk-header__navigation-list > li:not([hidden])").all_inner_texts()
    ]


def test_sign_up_verify_email_sign_in_and_see_the_dashboard(page):
    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Email").fill("new.starter@nhs.example")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Starter")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    [message] = [m for m in mail.outbox if "new.starter@nhs.example" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Hello Nia").wait_for()
    assert nav_labels(page) == ["Home", "Programmes", "My bookings", "Coaching", "Talent"]
    assert "Complete your profile" in page.content()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "new.starter@nhs.example", "a-long-and-unusual-passphrase")
    page.get_by_role("heading", name="Hello Nia").wait_for()


def test_a_wrong_password_gets_a_clear_message(page, make_user):
    make_user(email="ada@nhs.example")
    sign_in(page, "ada@nhs.example", "not-the-password")
    assert page.get_by_text("There is a problem").is_visible()
    assert "/accounts/login/" in page.url


EVERYONE = ["Home", "Programmes", "My bookings", "Coaching", "Talent"]
ROLE_NAV = [
    ("participant", (), [*EVERYONE]),
    ("coach", (Role.COACH,), [*EVERYONE]),
    ("mentor", (Role.MENTOR,), [*EVERYONE]),
    ("programmes", (Role.PROGRAMME_ADMIN,),
     [*EVERYONE, "Registers", "Organisations", "Reports"]),
    ("talentlead", ("org_lead",), [*EVERYONE, "People", "Organisations"]),
    ("systemlead", ("system_lead",), [*EVERYONE, "People", "Organisations"]),
    ("schemes", ({"role": Role.SCHEME_MANAGER, "scheme": "edp"},),
     [*EVERYONE, "Organisations"]),
    ("reports", (Role.REPORT_TEAM,), [*EVERYONE, "Organisations", "Reports"]),
    ("admin", (Role.SYSTEM_ADMIN,),
     [*EVERYONE, "Registers", "People", "Organisations", "Reports"]),
]  # fmt: skip


def test_every_role_signs_in_and_sees_its_own_navigation(page, make_user):
    for local, grants, expected in ROLE_NAV:
        resolved = []
        for g in grants:
            if g == "org_lead":
                g = {"role": Role.TALENT_LEAD, "organisation": OrganisationFactory()}
            elif g == "system_lead":
                system = IntegratedCareSystem.objects.get(name="Derby and Derbyshire")
                g = {"role": Role.TALENT_LEAD, "system": system}
            resolved.append(g)
        user = make_user(*resolved, email=f"{local}@nhs.example", first_name=local.title())
        sign_in(page, user.email, totp=requires_mfa(user))
        page.get_by_role("heading", name=f"Hello {local.title()}").wait_for()
        assert nav_labels(page) == expected, local
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/")

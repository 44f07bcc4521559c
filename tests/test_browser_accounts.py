"""A person signs up, verifies their email from the outbox, signs in, and sees their dashboard;
every role signs in (with two factors where the role needs them) and sees its own navigation."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail

from programmes.tests.factories import ProgrammeFactory, SessionFactory
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
    page.get_by_label("Password again").fill("a-long-and-unusual-passphrase")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Starter")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()

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


def _kept_in_the_tab(page):
    """What session-timeout.js keeps in this tab's sessionStorage, by page path."""
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(sessionStorage)
            .filter(key => key.startsWith("tp-kept-form:"))
            .map(key => [key.slice("tp-kept-form:".length), JSON.parse(sessionStorage[key])]))"""
    )


def _sign_in_again_with_the_next_code(page, email):
    """A second sign-in in the same test: a TOTP code is accepted once per time step, so use
    the next step's (the tolerance allows one step either way)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.conftest import PASSWORD, TOTP_SECRET

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + 1))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign In").click()


def test_staff_are_warned_before_time_out_can_stay_signed_in_and_keep_what_they_typed(
    page, make_user, settings
):
    # The real limits are 30 minutes idle and a warning 2 minutes before; seconds here.
    settings.SESSION_STAFF_IDLE_SECONDS = 10
    settings.SESSION_WARNING_SECONDS = 4
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 1
    make_user(Role.SYSTEM_ADMIN, email="admin@nhs.example", first_name="Ada")
    sign_in(page, "admin@nhs.example", totp=True)
    page.get_by_role("heading", name="Hello Ada").wait_for()
    page.goto("/profile/edit/")
    loaded = time.monotonic()

    dialog = page.get_by_role("dialog", name=re.compile("You'll be signed out in"))
    dialog.wait_for()
    assert re.search(r"signed out in [1-4] seconds?", dialog.inner_text())
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # Warned again only once the first deadline has passed, and the server agrees the session
    # was extended: the page reloads signed in.
    dialog.wait_for()
    assert time.monotonic() - loaded > 10
    page.reload()
    assert urlsplit(page.url).path == "/profile/edit/"
    dialog.wait_for(state="hidden")

    # Typing is not using the portal: the time runs out, and what was typed comes back.
    page.get_by_label("Job title").fill("Head of Talent, typed before the time-out")
    page.wait_for_url(lambda url: urlsplit(url).path == "/accounts/login/", timeout=20_000)
    assert page.get_by_text(
        "You were signed out because you had not used the portal for 10 seconds."
    ).is_visible()
    _sign_in_again_with_the_next_code(page, "admin@nhs.example")
    page.wait_for_url(lambda url: urlsplit(url).path == "/profile/edit/")
    assert page.get_by_label("Job title").input_value() == (
        "Head of Talent, typed before the time-out"
    )
    assert page.get_by_text("We have put back what you had typed").is_visible()


def test_equality_answers_are_not_kept_in_the_browser_when_the_time_runs_out(
    page, make_user, settings
):
    # Special-category data and confidential words are never left in a browser that was walked
    # away from: nothing from forms marked data-session-keep="no" (the equality forms, a
    # coaching application's goals), no equality answer from a form whose template forgot the
    # mark (its other fields are kept); what else was typed still comes back.
    settings.SESSION_STAFF_IDLE_SECONDS = 20
    settings.SESSION_WARNING_SECONDS = 4
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 1
    workshop = SessionFactory(programme=ProgrammeFactory(title="Courageous Conversations"))
    make_user(Role.SYSTEM_ADMIN, email="admin@nhs.example", first_name="Ada")
    sign_in(page, "admin@nhs.example", totp=True)
    page.get_by_role("heading", name="Hello Ada").wait_for()

    # Five tabs of the same person (each tab has its own sessionStorage).
    equality, booking, forgot, goals = (page.context.new_page() for _ in range(4))
    equality.goto("/profile/equality/")
    booking.goto(f"/programmes/book/session/{workshop.pk}/")
    forgot.goto("/profile/equality/")
    forgot.locator("main form").evaluate(
        """form => {
            form.removeAttribute("data-session-keep");
            form.insertAdjacentHTML("afterbegin", '<input name="note" aria-label="Note">');
        }"""
    )
    forgot.get_by_label("Note").fill("an ordinary note")
    for tab in (equality, booking, forgot):
        tab.bring_to_front()  # a tab behind the others draws no frames to click on
        tab.get_by_label("Mixed – White and Black African").check()
        tab.get_by_label("Yes", exact=True).check()
        tab.get_by_label("Female", exact=True).check()
    goals.goto("/coaching/apply/coaching/")
    goals.bring_to_front()
    goals.get_by_label("What would you like to achieve?").fill("Confidence after my illness")
    page.goto("/profile/edit/")
    page.bring_to_front()
    page.get_by_label("Job title").fill("Head of Talent, typed before the time-out")

    for tab in (page, equality, booking, forgot, goals):
        tab.wait_for_url(lambda url: urlsplit(url).path == "/accounts/login/", timeout=40_000)
    assert _kept_in_the_tab(equality) == {}
    assert _kept_in_the_tab(booking) == {}
    assert _kept_in_the_tab(goals) == {}
    kept = _kept_in_the_tab(forgot)
    assert list(kept) == ["/profile/equality/"]
    assert [(f["name"], f["value"]) for f in kept["/profile/equality/"]["fields"]] == [
        ("note", "an ordinary note")
    ]
    assert "Head of Talent" in str(_kept_in_the_tab(page))

    # Kept 10 minutes at most, even in a tab left open on the sign-in page.
    forgot.evaluate(
        """() => {
            const key = "tp-kept-form:/profile/equality/";
            const kept = JSON.parse(sessionStorage.getItem(key));
            kept.at -= 10 * 60 * 1000 - 6000;
            sessionStorage.setItem(key, JSON.stringify(kept));
        }"""
    )
    forgot.bring_to_front()
    forgot.reload()
    assert list(_kept_in_the_tab(forgot)) == ["/profile/equality/"]
    forgot.wait_for_function(
        "() => sessionStorage.getItem('tp-kept-form:/profile/equality/') === null",
        timeout=15_000,
    )

    page.bring_to_front()
    _sign_in_again_with_the_next_code(page, "admin@nhs.example")
    page.wait_for_url(lambda url: urlsplit(url).path == "/profile/edit/")
    assert page.get_by_label("Job title").input_value() == (
        "Head of Talent, typed before the time-out"
    )
    assert page.get_by_text("We have put back what you had typed").is_visible()

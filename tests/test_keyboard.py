"""Keyboard only: booking a place, and logging a coaching session, with no mouse at all.

Every step moves focus with Tab (or arrow keys inside a group) and acts with Enter or
Space; a step that cannot be reached by keyboard fails the test."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coaching.models import LoggedSession, Relationship
from coaching.tests.factories import application, practitioner
from programmes.models import Booking
from programmes.tests.factories import ProgrammeFactory, SessionFactory
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, matches, limit=80):
    """Press Tab until the focused element satisfies `matches` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {matches})(document.activeElement)"):
            return
    raise AssertionError(f"nothing matching {matches} could be reached with Tab")


def enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def text_is(text):
    return f"el && el.innerText && el.innerText.trim().startsWith({text!r})"


def test_booking_a_place_with_the_keyboard_alone(page, make_user):
    programme = ProgrammeFactory(title="Courageous Conversations", slug="courageous-conversations")
    SessionFactory(programme=programme, starts_at=timezone.now() + timedelta(days=9))
    person = make_user(email="kay@nhs.example", first_name="Kay")
    sign_in(page, "kay@nhs.example")
    page.get_by_role("heading", name="Hello").wait_for()
    tab_to(page, text_is("Programmes"))
    enter_and_wait(page)
    tab_to(page, text_is("Courageous Conversations"))
    enter_and_wait(page)
    page.get_by_role("heading", name="Courageous Conversations").wait_for()
    tab_to(
        page,
        "el && el.getAttribute('href') && el.getAttribute('href').includes('/programmes/book/session/')",
    )
    enter_and_wait(page)
    tab_to(page, "el && el.tagName === 'BUTTON' && el.type === 'submit' && el.closest('main')")
    enter_and_wait(page)
    page.get_by_role("heading", name="Check your answers").wait_for()
    tab_to(page, "el && el.tagName === 'BUTTON' && el.value === 'yes'")
    enter_and_wait(page)
    page.get_by_role("heading", name="My bookings").wait_for()
    assert Booking.objects.get(person=person).status == Booking.Status.CONFIRMED


def test_logging_a_coaching_session_with_the_keyboard_alone(page, make_user):
    coach = make_user(email="cora@nhs.example", first_name="Cora")
    client = make_user(email="cal@nhs.example", first_name="Cal")
    relationship = Relationship.objects.create(
        kind="coaching", practitioner=practitioner(coach), client=client,
        application=application(client), status="active", started_on=date.today() - timedelta(days=30),
    )  # fmt: skip
    sign_in(page, "cora@nhs.example")
    page.get_by_role("heading", name="Hello").wait_for()
    page.goto(f"/coaching/relationships/{relationship.pk}/")
    # The NHS.UK date input: day, month and year, one field after another.
    tab_to(page, "el && el.labels && el.labels[0] && el.labels[0].innerText.trim() === 'Day'")
    yesterday = date.today() - timedelta(days=1)
    for part in (yesterday.day, yesterday.month, yesterday.year):
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    tab_to(page, "el && el.tagName === 'SELECT'")
    page.keyboard.press("ArrowDown")  # from the hour it starts at to an hour and a quarter
    tab_to(page, "el && (el.type === 'radio' || el.type === 'checkbox')")
    page.keyboard.press("Space")
    tab_to(page, text_is("Log session"))
    enter_and_wait(page)
    page.get_by_text("Session logged").wait_for()
    logged = LoggedSession.objects.get(relationship=relationship)
    assert (logged.held_on, float(logged.hours)) == (yesterday, 1.25)

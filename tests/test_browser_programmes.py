"""A participant finds a programme and books; the next person is waitlisted, offered the
place when the first cancels, and accepts it; an administrator marks the register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programmes.models import Booking, RegisterEntry, Session
from programmes.tests.factories import ProgrammeFactory, SessionFactory
from talentportal.directory.models import Role
from tests.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def book_the_workshop(page):
    page.get_by_role("link", name="Programmes").first.click()
    page.get_by_label("Search").fill("Courageous")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Courageous Conversations").click()
    page.locator("a[href*='/programmes/book/session/']").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your answers").wait_for()
    page.locator("main form button[value=yes]").click()
    page.get_by_role("heading", name="My bookings").wait_for()


def test_book_waitlist_offer_accept_and_register(contexts, make_user):
    programme = ProgrammeFactory(title="Courageous Conversations", slug="courageous-conversations")
    session = SessionFactory(programme=programme, capacity=1)
    ada = make_user(email="ada@nhs.example", first_name="Ada")
    ben = make_user(email="ben@nhs.example", first_name="Ben")
    make_user(Role.PROGRAMME_ADMIN, email="admin@nhs.example", first_name="Pat")

    ada_page = signed_in(contexts, "ada@nhs.example")
    book_the_workshop(ada_page)
    assert "You are booked on Courageous Conversations" in ada_page.content()

    ben_page = signed_in(contexts, "ben@nhs.example")
    book_the_workshop(ben_page)
    assert "you are on the waiting list (position 1)" in ben_page.content()

    # Cancelling is confirmed on a page of its own that says what happens.
    ada_page.get_by_role("link", name="Cancel booking").click()
    ada_page.get_by_role("heading", name="Cancel your booking?").wait_for()
    ada_page.get_by_text("The next person on the waiting list is offered it").wait_for()
    assert Booking.objects.get(person=ada).status == Booking.Status.CONFIRMED
    ada_page.get_by_role("button", name="Yes, cancel my booking").click()
    ada_page.get_by_text("is cancelled").wait_for()

    ben_page.reload()
    ben_page.get_by_text("Place offered").wait_for()
    ben_page.get_by_role("button", name="Accept the place").click()
    ben_page.get_by_text("You are booked on Courageous Conversations").wait_for()
    assert Booking.objects.get(person=ben).status == Booking.Status.CONFIRMED
    assert Booking.objects.get(person=ada).status == Booking.Status.CANCELLED

    # The session takes place; the administrator marks the register.
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    admin_page = signed_in(contexts, "admin@nhs.example", totp=True)
    admin_page.get_by_role("link", name="Registers").first.click()
    admin_page.get_by_role("link", name="Courageous Conversations").click()
    admin_page.get_by_role("radio", name="Attended").check()
    admin_page.get_by_role("button", name="Save register").click()
    admin_page.get_by_text("Register saved: 1 change").wait_for()
    assert RegisterEntry.objects.get(booking__person=ben).attendance == "attended"

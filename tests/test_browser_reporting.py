"""The report team opens the year in review, generates the PDF in the browser (the panel
updates in place) and downloads it."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from programmes.models import Booking, RegisterEntry
from programmes.tests.factories import SessionFactory
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import UserFactory
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_team_generates_and_downloads_the_pdf(page, make_user):
    session = SessionFactory(starts_at=datetime(2022, 9, 1, 10, tzinfo=ZoneInfo("Europe/London")))
    for attendance in ("attended", "did_not_attend"):
        booking = Booking.objects.create(person=UserFactory(), session=session, status="confirmed",
                                         created_at=session.starts_at, confirmed_at=session.starts_at, ethnic_category="A")  # fmt: skip
        RegisterEntry.objects.create(booking=booking, session=session, attendance=attendance)
    make_user(Role.REPORT_TEAM, email="reports@nhs.example")
    sign_in(page, "reports@nhs.example", totp=True)
    page.get_by_role("link", name="Reports", exact=True).first.click()
    page.get_by_role("heading", name="Year in review").first.wait_for()
    page.goto("/reporting/annual/2022/")
    page.get_by_role("heading", name="Year in review 2022/23").wait_for()
    page.get_by_role("button", name="Generate PDF").click()
    page.get_by_text("Ready", exact=True).wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as f:
        data = f.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "1 sessions delivered, 2 bookings, 1 attendances, 1 did not attend" in text

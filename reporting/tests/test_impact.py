import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programmes.models import (
    AssessmentAnswer,
    AssessmentDimension,
    Booking,
    Evaluation,
    RegisterEntry,
)
from programmes.selectors import impact
from programmes.tasks import reach_snapshots_task
from programmes.tests.factories import CohortFactory, SessionFactory
from reporting.models import ReportFile
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attend(session, ethnic="A", before=None, after=None, rating=None):
    booking = Booking.objects.create(person=UserFactory(), session=session, status="confirmed",
                                     created_at=timezone.now(), confirmed_at=timezone.now(), ethnic_category=ethnic)  # fmt: skip
    RegisterEntry.objects.create(booking=booking, session=session, attendance="attended")
    for stage, value in (("before", before), ("after", after)):
        if value is not None:
            for d in session.programme.dimensions.all():
                AssessmentAnswer.objects.create(booking=booking, dimension=d, stage=stage,
                                                rating=value, answered_at=timezone.now())  # fmt: skip
    if rating:
        Evaluation.objects.create(booking=booking, rating=rating, submitted_at=timezone.now(),
                                  comments="Changed how I lead.", approved_for_publication=True)  # fmt: skip
    return booking


@pytest.fixture
def session():
    session = SessionFactory(starts_at=timezone.now() - timedelta(days=3))
    AssessmentDimension.objects.create(programme=session.programme, name="Leading and visioning")
    return session


def test_the_shift_pairs_only_people_who_answered_both(session):
    attend(session, before=2, after=4, rating=5)
    attend(session, before=3, after=4, rating=4)
    for _ in range(6):
        attend(session, before=3, after=3)
    attend(session, before=1)  # never answered after: left out
    attend(session, after=5)  # never answered before: left out
    i = impact(programme=session.programme)
    assert i["shift"] == [
        {
            "dimension": "Leading and visioning",
            "n": 8,
            "before": 2.88,
            "after": 3.25,
            "change": 0.38,
        }
    ]
    assert (i["participants"], i["attendances"]) == (10, 10)
    assert (i["ratings"]["count"], i["ratings"]["mean"]) == (2, 4.5)
    assert i["quotes"] == ["Changed how I lead."]  # the same words twice are quoted once


def test_the_shift_of_fewer_than_eight_people_is_not_shown(session):
    for _ in range(7):
        attend(session, before=1, after=5)
    (row,) = impact(programme=session.programme)["shift"]
    assert (row["n"], row["before"], row["after"], row["change"]) == (7, None, None, None)


def reach(programme):
    return {
        c["label"]: c["count"]
        for c in impact(programme=programme)["by_ethnic_group"]["data"]["cells"]
    }


def test_reach_by_group_follows_the_disclosure_rule_from_the_nightly_snapshot(session):
    for _ in range(9):
        attend(session, ethnic="A")
    for _ in range(3):
        attend(session, ethnic="H")
    # Nothing is published before the first snapshot.
    assert impact(programme=session.programme)["by_ethnic_group"]["data"] is None
    reach_snapshots_task.delay().get()
    # 12 answers, 9 of them White: all but 3 in one answer, so the table is withheld.
    data = impact(programme=session.programme)["by_ethnic_group"]["data"]
    assert data["withheld"] and data["total"] == 12
    assert set(reach(session.programme).values()) == {None}


def test_reach_shows_rounded_counts_and_does_not_move_with_one_booking(session):
    for code, n in (("A", 14), ("H", 9), ("N", 11)):
        for _ in range(n):
            attend(session, ethnic=code)
    reach_snapshots_task.delay().get()
    first = reach(session.programme)
    assert all(v is None or v % 5 == 0 for v in first.values())
    assert first["Mixed"] in (0, None)  # nobody: 0, or * when the perturbation moves it up
    attend(session, ethnic="N")  # one more, whose register the team sees
    reach_snapshots_task.delay().get()  # the same day: not yet due
    assert reach(session.programme) == first


def test_a_cohorts_report_counts_only_that_cohort_and_leaves_equality_to_the_programme():
    cohort = CohortFactory(dates=2)
    other = CohortFactory(programme=cohort.programme, dates=1)
    for c in (cohort, other):
        booking = Booking.objects.create(
            person=UserFactory(),
            cohort=c,
            status="confirmed",
            created_at=timezone.now(),
            confirmed_at=timezone.now(),
        )
        for s in c.sessions.all():
            RegisterEntry.objects.create(booking=booking, session=s, attendance="attended")
    assert impact(programme=cohort.programme, cohort=cohort)["attendances"] == 2
    assert impact(programme=cohort.programme, cohort=cohort)["by_ethnic_group"] is None
    assert impact(programme=cohort.programme)["attendances"] == 3


def test_the_impact_report_page_and_pdf(
    client, make_user, session, django_capture_on_commit_callbacks
):
    for _ in range(8):
        attend(session, before=2, after=4, rating=5)
    client.force_login(make_user(Role.REPORT_TEAM))
    url = reverse("reporting:impact", args=[session.programme.pk])
    assert "Leading and visioning" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:impact_pdf", args=[session.programme.pk]))
    report = ReportFile.objects.get(kind="impact")
    assert report.status == "ready", report.error
    download = client.get(reverse("reporting:file", args=[report.pk]))
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    )
    assert f"Impact report: {session.programme.title}" in text and "+2.00" in text
    other = CohortFactory()
    assert client.get(f"{url}?cohort={other.pk}").status_code == 404


@pytest.mark.parametrize(
    "role, status", [(Role.REPORT_TEAM, 200), (Role.PROGRAMME_ADMIN, 200), (Role.COACH, 403)]
)
def test_impact_reports_are_for_the_report_team_and_the_academy(
    client, make_user, session, role, status
):
    client.force_login(make_user(role))
    assert (
        client.get(reverse("reporting:impact", args=[session.programme.pk])).status_code == status
    )

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programmes.models import Booking, RegisterEntry
from programmes.tests.factories import SessionFactory
from reporting import pdf, selectors, services, summaries
from reporting.models import ReportFile
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import UserFactory
from talentportal.directory.tests.roles import ROLES, assert_answer

pytestmark = pytest.mark.django_db
REPORTERS = {"programme_admin", "report_team", "system_admin"}


URLS = [
    ("reporting:annual", {"year": 2022}),
    ("reporting:annual_data", {"year": 2022, "fmt": "json"}),
    ("reporting:annual_data", {"year": 2022, "fmt": "csv"}),
    ("reporting:edit", {"year": 2022}),
    ("reporting:pdf", {"year": 2022}),
]


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("name, kwargs", URLS)
def test_role_url_matrix(client_as, role, name, kwargs):
    client, _ = client_as(role)
    response = client.get(reverse(name, kwargs=kwargs))
    assert_answer(response, role, REPORTERS)


def year_with_one_session():
    session = SessionFactory(starts_at=datetime(2022, 6, 1, 10, tzinfo=ZoneInfo("Europe/London")))
    for attendance in ("attended", "attended", "did_not_attend"):
        booking = Booking.objects.create(person=UserFactory(), session=session, status="confirmed",
                                         created_at=timezone.now(), confirmed_at=timezone.now(), ethnic_category="N")  # fmt: skip
        RegisterEntry.objects.create(booking=booking, session=session, attendance=attendance)


def test_json_and_csv_say_the_same(client, make_user):
    year_with_one_session()
    client.force_login(make_user(Role.REPORT_TEAM))
    data = client.get("/reporting/annual/2022.json").json()
    assert data["interventions"]["attendances"] == 2
    assert data["interventions"]["attendance_rate"] == pytest.approx(2 / 3)
    csv_text = client.get("/reporting/annual/2022.csv").content.decode()
    assert "interventions,,attendances,2\r\n" in csv_text
    assert client.get("/reporting/annual/1800.json").status_code == 404
    assert client.get("/reporting/annual/2022.json?region=Atlantis").status_code == 404


def test_the_team_edits_the_words_and_entered_figures(client, make_user):
    client.force_login(make_user(Role.REPORT_TEAM))
    url = reverse("reporting:edit", args=[2022])
    response = client.post(url, {"title": "A year of growth", "executive_summary": "We grew.",
                                 "bame_baseline": "27.5", "clinical_baseline": "140"})  # fmt: skip
    assert response.status_code == 200  # 140% is refused, and nothing is saved
    assert selectors.review_for(year=2022, region=selectors.default_region()).title == ""
    client.post(
        url, {"title": "A year of growth", "executive_summary": "We grew.", "bame_baseline": "27.5"}
    )
    client.post(
        url,
        {
            "figure-name": "Newsletter subscribers",
            "figure-value": "230",
            "figure-source": "Mailchimp",
        },
    )
    data = client.get("/reporting/annual/2022.json").json()
    assert data["interventions"]["reach"]["bame_baseline"] == pytest.approx(0.275)
    assert data["entered"] == [
        {"name": "Newsletter subscribers", "value": 230.0, "source": "Mailchimp"}
    ]


def test_generate_pdf_builds_it_from_a_snapshot_with_the_numbers_in_it(
    client, make_user, django_capture_on_commit_callbacks
):
    year_with_one_session()
    client.force_login(make_user(Role.REPORT_TEAM))
    client.post(
        reverse("reporting:edit", args=[2022]),
        {"title": "Year of growth", "foreword_chair": "Thank you all."},
    )
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly in tests
        response = client.post(reverse("reporting:pdf", args=[2022]))
    assert response.status_code == 302
    report = ReportFile.objects.get()
    assert report.status == "ready" and report.pages >= 8
    assert report.snapshot["figures"]["interventions"]["attendances"] == 2
    download = client.get(reverse("reporting:file", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Year of growth" in text and "Thank you all." in text
    assert f"Page 2 of {len(reader.pages)}" in text
    assert "1 sessions delivered, 3 bookings, 2 attendances, 1 did not attend" in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged for accessibility
    # The panel offers the ready PDF, and a new build keeps the earlier one downloadable.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:pdf", args=[2022]))
    panel = client.get(reverse("reporting:pdf", args=[2022])).content.decode()
    assert "Earlier versions" in panel and reverse("reporting:file", args=[report.pk]) in panel


def test_a_second_request_while_one_is_queued_does_not_start_another(make_user):
    review = services.review_ensure(year=2022, region=selectors.default_region())
    user = make_user(Role.REPORT_TEAM)
    first = ReportFile.objects.create(review=review, requested_by=user, requested_at=timezone.now())
    again = services.pdf_request(review=review, user=user, now=timezone.now())
    assert again == first and ReportFile.objects.count() == 1


def test_the_panel_polls_while_building_and_shows_a_failure_with_a_retry(
    client, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(make_user(Role.REPORT_TEAM))
    review = services.review_ensure(year=2022, region=selectors.default_region())
    ReportFile.objects.create(review=review, requested_at=timezone.now(), status="rendering")
    panel = client.get(
        reverse("reporting:pdf", args=[2022]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 2s"' in panel and 'data-status="rendering"' in panel
    ReportFile.objects.update(status="ready")

    def broken(snapshot):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:pdf", args=[2022]))
    panel = client.get(reverse("reporting:pdf", args=[2022])).content.decode()
    assert "OSError: disk full" in panel and "Try again" in panel
    assert "every 2s" not in panel


def test_a_render_task_delivered_twice_builds_once(make_user, monkeypatch):
    review = services.review_ensure(year=2022, region=selectors.default_region())
    report = ReportFile.objects.create(review=review, requested_at=timezone.now())
    services.pdf_render(file_id=report.pk, now_func=timezone.now)
    built = ReportFile.objects.get().finished_at
    services.pdf_render(file_id=report.pk, now_func=timezone.now)
    assert ReportFile.objects.get().finished_at == built


def test_the_command_writes_json_csv_and_pdf(tmp_path):
    year_with_one_session()
    out = tmp_path / "r.json"
    call_command("annual_report", "--year", "2022", "--format", "json", "--output", str(out))
    assert json.loads(out.read_text())["interventions"]["did_not_attend"] == 1
    call_command(
        "annual_report", "--year", "2022", "--format", "csv", "--output", str(tmp_path / "r.csv")
    )
    assert "interventions,,sessions_delivered,1" in (tmp_path / "r.csv").read_text()
    call_command(
        "annual_report", "--year", "2022", "--format", "pdf", "--output", str(tmp_path / "r.pdf")
    )
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("annual_report", "--year", "2022", "--region", "Atlantis")
    with pytest.raises(CommandError, match="needs --output"):
        call_command("annual_report", "--year", "2022", "--format", "pdf")


def test_the_sweep_fails_builds_nobody_picked_up_so_they_can_be_retried(make_user):
    from datetime import timedelta

    review = services.review_ensure(year=2022, region=selectors.default_region())
    now = timezone.now()
    stuck = ReportFile.objects.create(review=review, requested_at=now - timedelta(minutes=20))
    services.pdf_sweep(now=now)
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "within 15 minutes" in stuck.error
    # Failed is not in progress: a new request starts a new build.
    again = services.pdf_request(review=review, user=make_user(Role.REPORT_TEAM), now=now)
    assert again.pk != stuck.pk


def test_report_pages_run_a_bounded_number_of_queries(
    client, make_user, django_assert_max_num_queries
):
    """The figures come from the summary tables in a fixed number of grouped queries:
    ten times the sessions and bookings cost no more queries."""
    client.force_login(make_user(Role.REPORT_TEAM))
    pages = {
        "/reporting/annual/2022.json": 32,
        "/reporting/annual/2022.json?region=all": 28,
        "/reporting/annual/2022/": 66,  # this year and last, the charts and drill-downs
    }
    for growth in (1, 10):
        for _ in range(growth):
            year_with_one_session()
        # Summaries up to date, as a beat sweep leaves them: the read itself is measured.
        # (A test's changes all carry its transaction's start, hence the watermark after it.)
        summaries.refresh(wait=True)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_summarystate SET watermark = now() + interval '1 h'")
        for url, limit in pages.items():
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200

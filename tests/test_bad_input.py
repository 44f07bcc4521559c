"""Generated bad input (hypothesis) against forms, query parameters and imports: never a
500, and an import is either written whole or refused with row-numbered errors."""

import os
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentpools.tests.factories import WindowFactory
from talentportal.core.imports import REGISTRY, ImportFailed, records_import
from talentportal.directory.models import Role

pytestmark = pytest.mark.django_db

NASTY = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    # Any character a browser can send (lone surrogates cannot be encoded at all).
    st.text(
        alphabet=st.characters(max_codepoint=0x2FFFF, exclude_categories=("Cs",)), max_size=300
    ),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "-1",
            "0",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2022-02-30",
            "31/12/2022",
            "2022-13",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            '=HYPERLINK("x")',
            "💥" * 50,
            "a" * 6000,
        ]
    ),  # fmt: skip
)
LENIENT = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
FINE = {200, 302, 400, 403, 404, 405}


@pytest.fixture
def staff_client(client, make_user):
    user = make_user(Role.SYSTEM_ADMIN, Role.REPORT_TEAM)
    client.force_login(user)
    WindowFactory()
    return client


QUERY_PAGES = [
    ("programmes:catalogue", {}, ["q", "workstream", "format", "delivery", "date_from", "date_to", "eligible", "page", "sort"]),
    ("directory:organisation_list", {}, ["q", "system", "type", "page", "sort"]),
    ("directory:person_list", {}, ["q", "organisation", "system", "page", "sort"]),
    ("coaching:team", {}, ["kind", "status"]),
    ("talentpools:nominations", {}, ["status", "window"]),
    ("reporting:annual_data", {"year": 2022, "fmt": "json"}, ["region"]),
]  # fmt: skip


@pytest.mark.parametrize("name, kwargs, params", QUERY_PAGES)
def test_query_parameters_never_cause_a_server_error(staff_client, name, kwargs, params):
    url = reverse(name, kwargs=kwargs)

    @LENIENT
    @given(st.dictionaries(st.sampled_from(params), NASTY, max_size=len(params)))
    def check(query):
        response = staff_client.get(url, query)
        assert response.status_code in FINE, (query, response.status_code)

    check()


FORMS = [
    ("directory:profile_edit", {}, ["first_name", "last_name", "job_title", "organisation", "band", "staff_group", "profession"]),
    ("directory:equality_edit", {}, ["ethnic_category", "disability", "sex"]),
    ("coaching:apply", {"kind": "coaching"}, ["goals", "themes", "mode", "language", "line_manager_agrees"]),
    ("talentpools:nominate_self", {}, ["role_family", "readiness", "evidence", "sponsor_name", "sponsor_job_title", "sponsor_endorsed"]),
    ("talentpools:windows", {}, ["name", "opens_on", "closes_on"]),
    ("talentpools:vacancies", {}, ["title", "role_family", "organisation", "closes_on", "link", "description"]),
    ("talentpools:reviews", {}, ["name", "held_on", "organisation", "system"]),
    ("reporting:edit", {"year": 2022}, ["title", "executive_summary", "bame_baseline", "clinical_baseline", "figure-name", "figure-value", "figure-source", "remove"]),
    ("directory:erasure_list", {}, ["request", "decision", "note"]),
]  # fmt: skip


@pytest.mark.parametrize("name, kwargs, fields", FORMS)
def test_forms_answer_bad_input_without_a_server_error(staff_client, name, kwargs, fields):
    url = reverse(name, kwargs=kwargs)

    @LENIENT
    @given(st.dictionaries(st.sampled_from(fields), NASTY, max_size=len(fields)))
    def check(data):
        response = staff_client.post(url, data)
        assert response.status_code in FINE, (data, response.status_code)

    check()


CELL = st.one_of(NASTY, st.sampled_from(["2022-09", "Black Country", "a@nhs.example", "self",
                                         "aspirant_directors", "completed", "finance"]))  # fmt: skip


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_imports_are_written_whole_or_refused_with_row_numbers(kind):
    columns = list(REGISTRY[kind].columns)

    @LENIENT
    @given(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=4),
           st.booleans())  # fmt: skip
    def check(rows, dry_run):
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        try:
            records_import(
                kind=kind, data=buffer.getvalue().encode("utf-8", "surrogatepass"), dry_run=dry_run
            )
        except ImportFailed as exc:
            assert exc.errors and all(e.row >= 1 and e.column for e in exc.errors)
        except UnicodeEncodeError:
            pass  # not a file anyone could upload

    check()


def test_a_nul_character_is_a_bad_request_not_a_server_error(staff_client):
    assert staff_client.get("/coaching/team/", {"status": "a\x00b"}).status_code == 400
    response = staff_client.post(reverse("talentpools:windows"), {"name": "x\x00"})
    assert response.status_code == 400


def test_an_import_larger_than_10_mb_is_refused_before_it_is_read():
    data = b"name,type,system\n" + b"x" * (10 * 1024 * 1024)
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="organisations", data=data)
    assert [str(e) for e in failed.value.errors] == ["row 1: file: is larger than 10 MB"]


def test_sorting_by_anything_but_a_column_is_ignored(staff_client):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = staff_client.get(reverse("directory:organisation_list"), {"sort": "type.code.x"})
    assert response.status_code == 200


# Spreadsheet exports: numbers stay numbers; formulas are neutralised ---------------------


def test_the_annual_csv_keeps_negative_figures_as_numbers_and_neutralises_formulas(
    staff_client,
):
    url = reverse("reporting:edit", args=[2022])
    for name, value in (("Budget change", "-1"), ('=HYPERLINK("http://x")', "3")):
        response = staff_client.post(
            url, {"figure-name": name, "figure-value": value, "figure-source": "-Finance"}
        )
        assert response.status_code in (200, 302)
    csv_text = staff_client.get(reverse("reporting:annual_data", args=[2022, "csv"])).content
    rows = list(__import__("csv").reader(csv_text.decode().splitlines()))
    entered = {row[1]: row for row in rows if row[0] == "entered"}
    assert entered["Budget change"] == ["entered", "Budget change", "'-Finance", "-1.0"]
    assert entered['\'=HYPERLINK("http://x")'][3] == "3.0"


def test_the_register_export_keeps_plain_numbers_and_neutralises_formulas(staff_client):
    from openpyxl import load_workbook

    from programmes.models import Booking, RegisterEntry
    from programmes.tests.factories import SessionFactory
    from talentportal.directory.tests.factories import OrganisationFactory, UserFactory

    session = SessionFactory()
    for organisation in ("-42", "=cmd|' /C calc'!A0", "+44 unit", "@SUM(A1)"):
        booking = Booking.objects.create(
            person=UserFactory(), session=session, status="confirmed", created_at=session.starts_at,
            organisation=OrganisationFactory(name=organisation),
        )  # fmt: skip
        RegisterEntry.objects.create(booking=booking, session=session)
    response = staff_client.get(reverse("programmes:register_export", args=[session.pk, "csv"]))
    organisations = {line.split(",")[2] for line in response.content.decode().splitlines()[1:]}
    assert organisations == {"-42", "'=cmd|' /C calc'!A0", "'+44 unit", "'@SUM(A1)"}
    xlsx = staff_client.get(reverse("programmes:register_export", args=[session.pk, "xlsx"]))
    sheet = load_workbook(__import__("io").BytesIO(xlsx.content)).active
    cells = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == organisations  # and none of them is a formula in the workbook


def test_spreadsheet_safe_leaves_numbers_and_guards_text():
    from decimal import Decimal

    from talentportal.core.tables import spreadsheet_safe

    for number in (-1, -1.5, Decimal("-2.50"), 0, 12):
        assert spreadsheet_safe(number) == number
    for text in ("-1", "-1.0", "+3", "-.5", "-1e3"):
        assert spreadsheet_safe(text) == text
    for text in ("-1+1", "=1", "-A1", "@x", "\t=1", "\r=1", "+", "-", "-inf", "-٣"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe(float("-inf")) == "'-inf"
    assert spreadsheet_safe(None) == ""


# Stored files: never served from MEDIA_URL, in any setting ------------------------------


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` builds it (DEBUG on), put back as it was afterwards."""
    import importlib

    from django.contrib import admin
    from django.urls import clear_url_caches

    import talentportal.urls

    def reload():
        login = admin.site.login  # the module wraps it again on each import: keep it once
        importlib.reload(talentportal.urls)
        admin.site.login = login
        clear_url_caches()

    settings.DEBUG = True
    reload()
    yield
    settings.DEBUG = False
    reload()


def test_stored_files_are_served_only_through_views_that_check_access(
    debug_urls, client, make_user
):
    import re
    from datetime import date

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from coaching.tests.factories import practitioner
    from reporting import selectors, services
    from reporting.models import ReportFile

    review = services.review_ensure(year=2025, region=selectors.default_region())
    report = ReportFile.objects.create(review=review, requested_at=timezone.now())
    report = services.pdf_render(file_id=report.pk, now_func=timezone.now)
    assert report.status == "ready"
    # A random name: nothing in it to guess (not the year, the id or the download's name).
    assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", report.pdf.name), report.pdf.name
    qualification = practitioner(make_user()).qualifications.create(
        body="EMCC", level="Senior", awarded_on=date(2020, 1, 1)
    )
    qualification.evidence.save("certificate.pdf", ContentFile(b"%PDF-1.4 evidence"))
    stored = [
        f"/media/{report.pdf.name}",
        f"/media/reports/{report.filename}",  # the name a PDF used to be stored under
        f"/media/{qualification.evidence.name}",
        "/media/reports/",
    ]
    try:
        for who in ("anonymous", "participant", "report_team"):
            if who != "anonymous":
                client.force_login(make_user(*([Role.REPORT_TEAM] if who == "report_team" else [])))
            for url in stored:
                response = client.get(url)
                assert response.status_code in (302, 404), (who, url, response.status_code)
                assert b"%PDF" not in response.content
            download = client.get(reverse("reporting:file", args=[report.pk]))
            if who == "anonymous":
                assert download.status_code == 302
                assert download.url.startswith(reverse("account_login"))
            elif who == "participant":
                assert download.status_code == 403
            else:  # a reporter downloads it through the view, under its readable name
                assert download.status_code == 200
                assert b"".join(download.streaming_content).startswith(b"%PDF")
                assert report.filename in download["Content-Disposition"]
    finally:
        report.pdf.delete()
        qualification.evidence.delete()


def test_the_migration_gives_report_pdfs_stored_under_guessable_names_a_random_one(
    django_capture_on_commit_callbacks,
):
    import importlib
    import re

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from reporting import selectors, services
    from reporting.models import ReportFile

    migration = importlib.import_module("reporting.migrations.0004_report_file_random_names")
    review = services.review_ensure(year=2024, region=selectors.default_region())
    report = ReportFile.objects.create(review=review, requested_at=timezone.now(), status="ready")
    old = default_storage.save(f"reports/{report.filename}", ContentFile(b"%PDF-1.7 old"))
    ReportFile.objects.filter(pk=report.pk).update(pdf=old)
    missing = ReportFile.objects.create(
        review=review, requested_at=timezone.now(), status="ready", pdf="reports/gone.pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_existing_files(apps, None)
    report.refresh_from_db()
    try:
        assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", report.pdf.name)
        assert report.pdf.read() == b"%PDF-1.7 old"
        assert not default_storage.exists(old)
        assert ReportFile.objects.get(pk=missing.pk).pdf.name == "reports/gone.pdf"
    finally:
        report.pdf.close()
        report.pdf.delete()


# The admin: a date hierarchy or filter parameter out of range is never a server error -----

ADMIN_QUERIES = [
    ("programmes_session", {"starts_at__year": "999999999999999999999999999999"}),
    ("programmes_session", {"starts_at__year": "9999"}),
    ("programmes_session", {"starts_at__year": "9999", "starts_at__month": "12"}),
    ("programmes_session", {"starts_at__year": "9999", "starts_at__month": "12", "starts_at__day": "31"}),
    ("programmes_session", {"starts_at__year": "2024", "starts_at__month": "99999999999999999999"}),
    ("programmes_session", {"starts_at__year": "-5"}),
    ("programmes_session", {"starts_at__year": "abc"}),
    ("programmes_session", {"starts_at__year": "1", "starts_at__month": "1", "starts_at__day": "1"}),
    ("programmes_session", {"starts_at__gte": "99999-01-01"}),
    ("mfa_authenticator", {"created_at__gte": "999999999999999999999-01-01"}),
    ("mfa_authenticator", {"created_at__year": "99999999999999999999"}),
    ("directory_organisation", {"id__gt": "99999999999999999999999"}),
    ("programmes_programme", {"id": "1e400"}),
    ("talentpools_trainee", {"intake__year": "999999999999999999999"}),
    ("notifications_outboundemail", {"created_at__year": "9999", "created_at__month": "13"}),
]  # fmt: skip


@pytest.mark.parametrize("changelist, query", ADMIN_QUERIES)
def test_admin_lists_answer_out_of_range_filters_without_a_server_error(
    client, make_user, changelist, query
):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    url = reverse(f"admin:{changelist}_changelist")
    response = client.get(url, query)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:  # the admin's own answer: the list without the filter
        assert response.url == f"{url}?e=1"
        page = client.get(response.url)
        assert page.status_code == 200


def test_an_admin_list_says_why_an_out_of_range_year_was_dropped(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    url = reverse("admin:programmes_session_changelist")
    response = client.get(url, {"starts_at__year": "999999999999999999999999999999"}, follow=True)
    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert "could not be filtered that way" in response.content.decode()


def test_an_admin_list_failing_in_our_own_code_still_reaches_the_500_handler(
    client, make_user, monkeypatch
):
    """Only the admin's own handling of the address's parameters is answered with ?e=1: a
    ValueError from one of our columns or querysets, on the same list with the same
    parameters, is a bug and is not hidden behind 'could not be filtered'."""
    from django.contrib import admin
    from django.utils import timezone

    from programmes.models import Session
    from programmes.tests.factories import SessionFactory

    session = SessionFactory()
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    url = reverse("admin:programmes_session_changelist")
    query = {"starts_at__year": str(timezone.localtime(session.starts_at).year)}
    sessions = admin.site._registry[Session]
    assert str(session) in client.get(url, query).content.decode()  # the list works

    def broken_column(obj):
        raise ValueError("a bug in a column")

    monkeypatch.setattr(sessions, "list_display", [*sessions.list_display, broken_column])
    with pytest.raises(ValueError, match="a bug in a column"):
        client.get(url, query)
    monkeypatch.undo()

    def broken_queryset(request):  # called by the admin's ChangeList, but our code
        raise ValueError("a bug in a queryset")

    monkeypatch.setattr(sessions, "get_queryset", broken_queryset)
    with pytest.raises(ValueError, match="a bug in a queryset"):
        client.get(url, query)


# Imports with very many problems: the first 100 on the page, all of them as CSV -----------


def _many_problems(n: int) -> bytes:
    rows = "".join(f"Trust {i},acute_trust,Atlantis\n" for i in range(n))
    return ("name,type,system\n" + rows).encode()


def test_the_upload_page_lists_the_first_100_problems_and_offers_all_of_them(client, make_user):
    import csv

    from django.core.files.uploadedfile import SimpleUploadedFile

    from talentportal.directory.models import Organisation

    client.force_login(make_user(Role.SYSTEM_ADMIN))
    url = reverse("directory:organisation_import")
    upload = SimpleUploadedFile("orgs.csv", _many_problems(100_000), "text/csv")
    response = client.post(url, {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and len(response.content) < 100_000
    assert "Nothing was imported: 100,000 problems found" in page
    assert page.count("is not an integrated care system</li>") == 100
    assert "row 2: system: &#x27;Atlantis&#x27; is not an integrated care system" in page
    assert "And 99,900 more." in page
    link = re.search(r'href="(\?problems=[^"]+)"', page).group(1)
    download = client.get(url + link)
    assert download["Content-Disposition"] == 'attachment; filename="organisations-problems.csv"'
    rows = list(csv.reader(download.content.decode().splitlines()))
    assert rows[0] == ["row", "column", "message"] and len(rows) == 100_001
    assert rows[1] == ["2", "system", "'Atlantis' is not an integrated care system"]
    assert rows[-1][0] == "100001"
    assert not Organisation.objects.filter(name__startswith="Trust ").exists()
    # The list is its uploader's: another administrator with the same link gets nothing.
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.get(url + link, follow=True)
    assert "The list of problems has expired" in response.content.decode()
    assert "text/csv" not in response["Content-Type"]


def test_a_few_problems_are_all_listed_without_a_download(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(Role.SYSTEM_ADMIN))
    upload = SimpleUploadedFile("orgs.csv", _many_problems(3), "text/csv")
    page = client.post(reverse("directory:organisation_import"), {"file": upload})
    page = page.content.decode()
    assert "Nothing was imported: 3 problems found" in page
    assert page.count("is not an integrated care system</li>") == 3
    assert "more." not in page and "?problems=" not in page


def test_the_command_prints_the_first_100_problems_and_writes_all_of_them(tmp_path, capsys):
    import csv

    from django.core.management import CommandError, call_command

    path = tmp_path / "orgs.csv"
    path.write_bytes(_many_problems(100_000))
    with pytest.raises(CommandError, match="Nothing was imported: 100,000 problem"):
        call_command("import_records", "organisations", str(path))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "row 2: system: 'Atlantis' is not an integrated care system"
    assert len([line for line in lines if line.startswith("row ")]) == 100
    assert "… and 99,900 more." in lines
    written = lines[-1].removeprefix("All 100,000 problems are in ")
    try:
        with open(written, encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == 100_001 and rows[-1][0] == "100001"
    finally:
        os.remove(written)
    # Or where the operator asks, whatever the count.
    few, listed = tmp_path / "few.csv", tmp_path / "problems.csv"
    few.write_bytes(_many_problems(2))
    with pytest.raises(CommandError):
        call_command("import_records", "organisations", str(few), "--problems", str(listed))
    assert listed.read_text().splitlines()[1:] == [
        "2,system,'Atlantis' is not an integrated care system",
        "3,system,'Atlantis' is not an integrated care system",
    ]

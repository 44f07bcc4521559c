"""Generated bad input (hypothesis) against forms, query parameters and imports: never a
500, and an import is either written whole or refused with row-numbered errors."""

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

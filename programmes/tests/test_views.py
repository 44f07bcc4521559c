"""Every role against the programme pages, and what each page promises its user."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import Booking, Programme, RegisterEntry, Session
from programmes.tests.factories import CohortFactory, ProgrammeFactory, SessionFactory
from talentportal.directory.models import EqualityMonitoring, Role

ROLES = {
    "participant": (),
    "coach": (Role.COACH,),
    "report_team": (Role.REPORT_TEAM,),
    "programme_admin": (Role.PROGRAMME_ADMIN,),
    "system_admin": (Role.SYSTEM_ADMIN,),
}
ADMINS = {"programme_admin", "system_admin"}
EVERYONE = set(ROLES)


@pytest.fixture
def world(make_user):
    session = SessionFactory(capacity=5)
    booker = make_user()
    booking = services.booking_create(person=booker, target=session, now=timezone.now())
    return {"session": session, "booking": booking, "booker": booker}


def _urls(world):
    s, b = world["session"], world["booking"]
    return {
        ("get", reverse("programmes:catalogue")): EVERYONE,
        ("get", reverse("programmes:my_bookings")): EVERYONE,
        ("get", reverse("programmes:programme_detail", args=[s.programme.slug])): EVERYONE,
        ("get", reverse("programmes:book", args=["session", s.pk])): EVERYONE,
        ("get", reverse("programmes:registers")): EVERYONE,  # lists only their own sessions
        ("get", reverse("programmes:register", args=[s.pk])): ADMINS,
        ("get", reverse("programmes:register_export", args=[s.pk, "csv"])): ADMINS,
        ("get", reverse("programmes:waiting_list", args=["session", s.pk])): ADMINS,
        ("get", reverse("programmes:evaluation_list")): ADMINS,
        ("get", reverse("programmes:booking_calendar", args=[b.pk])): set(),  # the booker's only
        ("post", reverse("programmes:booking_cancel", args=[b.pk])): set(),
        ("post", reverse("programmes:session_cancel", args=[s.pk])): ADMINS,
    }


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_role_url_matrix(client, make_user, world, role):
    if role != "anonymous":
        client.force_login(make_user(*ROLES[role]))
    for (method, url), allowed in _urls(world).items():
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login")), url
        elif role in allowed:
            assert response.status_code in (200, 302), url
        else:
            # Another person's booking or register is indistinguishable from a missing one.
            assert response.status_code in (403, 404), url
    world["booking"].refresh_from_db()
    world["session"].refresh_from_db()
    if role not in ADMINS:
        assert world["booking"].status == Booking.Status.CONFIRMED
        assert world["session"].status == Session.Status.SCHEDULED


def test_the_booker_reaches_their_own_booking_actions(client, world):
    client.force_login(world["booker"])
    response = client.get(reverse("programmes:booking_calendar", args=[world["booking"].pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    client.post(reverse("programmes:booking_cancel", args=[world["booking"].pk]))
    world["booking"].refresh_from_db()
    assert world["booking"].status == Booking.Status.CANCELLED


def test_a_facilitator_runs_the_register_of_their_own_session(client, make_user, world):
    facilitator = make_user()
    Session.objects.filter(pk=world["session"].pk).update(facilitator=facilitator)
    client.force_login(facilitator)
    assert client.get(reverse("programmes:register", args=[world["session"].pk])).status_code == 200


def test_booking_through_the_page_prefills_and_stores_the_confirmed_answers(client, make_user):
    session = SessionFactory()
    person = make_user()
    EqualityMonitoring.objects.create(user=person, ethnic_category="H", disability="no", sex="male")
    client.force_login(person)
    url = reverse("programmes:book", args=["session", session.pk])
    page = client.get(url)
    assert page.context["form"].initial["ethnic_category"] == "H"
    answers = {"ethnic_category": "Z", "disability": "no", "sex": "male"}
    # Check your answers first: what, when, and the answers, with nothing booked yet.
    check = client.post(url, answers).content.decode()
    assert "Check your answers before booking" in check
    assert "Not stated (prefer not to say)" in check
    assert not Booking.objects.exists()
    # "Change" goes back to the questions with the answers kept.
    change = client.post(url, {**answers, "change": "1"})
    assert change.context["form"]["ethnic_category"].value() == "Z"
    response = client.post(url, {**answers, "confirmed": "yes"})
    assert response.status_code == 302
    booking = Booking.objects.get(person=person)
    assert (booking.status, booking.ethnic_category) == (Booking.Status.CONFIRMED, "Z")


def test_an_ineligible_person_sees_the_reason_instead_of_a_button(client, make_user):
    session = SessionFactory(programme=ProgrammeFactory(eligible_bands=["8c", "8d"]))
    client.force_login(make_user(profile__band="5"))
    page = client.get(reverse("programmes:programme_detail", args=[session.programme.slug]))
    assert "This programme is for band 8c or 8d; your profile says band 5." in page.content.decode()
    response = client.post(
        reverse("programmes:book", args=["session", session.pk]),
        {"ethnic_category": "Z", "disability": "no", "sex": "male", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert not Booking.objects.exists()


def test_the_catalogue_filters_by_eligibility_and_workstream(client, make_user):
    open_to_all = SessionFactory().programme
    senior = SessionFactory(programme=ProgrammeFactory(eligible_bands=["9"])).programme
    hidden = SessionFactory(programme=ProgrammeFactory(published=False)).programme
    client.force_login(make_user(profile__band="6"))
    titles = lambda response: {r.record.title for r in response.context["table"].rows}  # noqa: E731
    everything = titles(client.get(reverse("programmes:catalogue")))
    assert {open_to_all.title, senior.title} <= everything
    assert hidden.title not in everything
    eligible = titles(client.get(reverse("programmes:catalogue"), {"eligible": "on"}))
    assert open_to_all.title in eligible and senior.title not in eligible
    response = client.get(reverse("programmes:catalogue"), {"workstream": "99999"})
    assert response.status_code == 200  # an unknown choice is a form error, not a 500
    assert response.context["filter"].form.errors


def test_the_catalogue_lists_programmes_by_their_next_scheduled_date(client, make_user):
    """Past and cancelled sessions are not a next date; programmes without one come last."""
    now = timezone.now()
    soon, later, none = (ProgrammeFactory(title=t) for t in ("Soon", "Later", "Nothing planned"))
    SessionFactory(programme=soon, starts_at=now + timedelta(days=3))
    SessionFactory(programme=soon, starts_at=now + timedelta(days=40))
    SessionFactory(programme=later, starts_at=now - timedelta(days=30))  # past
    SessionFactory(programme=later, starts_at=now + timedelta(days=1), status="cancelled")
    SessionFactory(programme=later, starts_at=now + timedelta(days=20))
    SessionFactory(programme=none, starts_at=now - timedelta(days=2))
    client.force_login(make_user())
    response = client.get(reverse("programmes:catalogue"))
    rows = response.context["table"].rows
    listed = [(r.record.title, r.record.next_date) for r in rows]
    assert [title for title, _ in listed] == ["Soon", "Later", "Nothing planned"]
    first = Session.objects.get(programme=soon, starts_at__lt=now + timedelta(days=5)).starts_at
    assert listed[0][1] == first
    assert listed[2][1] is None
    # The rows as a person reads them: a link, the workstream, format, delivery and the
    # next date in local time ("—" when none).
    cells = [
        [" ".join(td.split()) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(
            r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", _without_labels(response), re.S
        )
    ][1:]  # the header row has no cells
    url = reverse("programmes:programme_detail", args=[soon.slug])
    assert cells[0] == [
        f'<a href="{url}">Soon</a>',
        soon.workstream.name,
        soon.get_format_display(),
        soon.get_delivery_display(),
        f"{timezone.localtime(first):%-d %b %Y}",
        f"{Session.objects.get(starts_at=first).capacity} places left",
    ]
    assert cells[2][4] == "—"


def _lists_the_catalogue(sql: str) -> bool:
    """The catalogue's own queries (the published programmes), not the per-request reads of
    places and eligibility for the rows shown."""
    return re.search(r'WHERE \(*"programmes_programme"\."published"', sql) is not None


def _without_labels(response) -> str:
    """The page without the column labels a stacked row shows on a phone."""
    return re.sub(
        r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">[^<]*</span>',
        "",
        response.content.decode(),
    )


def _catalogue_rows(client, query=None) -> list[tuple[str, str]]:
    """(title, next date) of each row of the catalogue page, as a person reads them."""
    html = _without_labels(client.get(reverse("programmes:catalogue"), query or {}))
    return [
        (title, " ".join(date.split()))
        for title, date in re.findall(
            r'<td class="nhsuk-table__cell"><a href="[^"]*">([^<]*)</a></td>'
            r'(?:\s*<td class="nhsuk-table__cell">[^<]*</td>){3}'
            r'\s*<td class="nhsuk-table__cell">([^<]*)</td>',
            html,
        )
    ]


def test_with_dates_the_next_date_is_inside_them_and_reversed_dates_are_an_error(client, make_user):
    now = timezone.now()
    programme = ProgrammeFactory(title="Two dates")
    SessionFactory(programme=programme, starts_at=now + timedelta(days=10))
    later = SessionFactory(programme=programme, starts_at=now + timedelta(days=40))
    client.force_login(make_user())
    first_day = timezone.localdate(later.starts_at) - timedelta(days=2)
    rows = _catalogue_rows(client, {"date_from": first_day.isoformat()})
    assert rows == [("Two dates", f"{timezone.localtime(later.starts_at):%-d %b %Y}")]
    response = client.get(reverse("programmes:catalogue"), {
        "date_from_day": "20", "date_from_month": "3", "date_from_year": "2027",
        "date_to_day": "1", "date_to_month": "3", "date_to_year": "2027",
    })  # fmt: skip
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Dates to must be the same as or after dates from" in page


def test_places_and_eligibility_are_read_per_request_though_the_page_is_kept(client, make_user):
    """The kept catalogue HTML does not change when someone books: places left and whether
    the person may book are written in for each request."""
    session = SessionFactory(capacity=2)
    senior = SessionFactory(programme=ProgrammeFactory(eligible_bands=["9"])).programme
    client.force_login(make_user(profile__band="6"))
    url = reverse("programmes:catalogue")
    page = _without_labels(client.get(url))
    assert "2 places left" in page
    assert "Not open to you" in page and "This programme is for band 9" in page
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    assert "1 place left" in _without_labels(client.get(url))
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    assert "Full – join the waiting list" in _without_labels(client.get(url))
    assert senior.title in _without_labels(client.get(url))


def test_a_programme_says_once_and_prominently_why_a_person_cannot_book_it(client, make_user):
    session = SessionFactory(programme=ProgrammeFactory(eligible_bands=["9"]))
    client.force_login(make_user(profile__band="6"))
    page = client.get(
        reverse("programmes:programme_detail", args=[session.programme.slug])
    ).content.decode()
    assert "You cannot book this programme" in page and "This programme is for band 9" in page
    assert "Places available" not in page
    assert reverse("programmes:book", args=["session", session.pk]) not in page


def test_a_programme_booked_by_cohort_does_not_say_no_dates_are_open(client, make_user):
    cohort = CohortFactory()
    SessionFactory(programme=cohort.programme, cohort=cohort)
    client.force_login(make_user())
    page = client.get(
        reverse("programmes:programme_detail", args=[cohort.programme.slug])
    ).content.decode()
    assert cohort.name in page
    assert "No dates are open for booking" not in page


def test_the_catalogue_page_is_kept_but_every_change_shows_on_the_next_request(client, make_user):
    """The catalogue is rendered once per query and kept; whatever changes a programme, a
    session's date or status, or a workstream (a service, the admin, a bulk update) shows
    at once. A booking, which changes none of it, keeps the page."""
    now = timezone.now()
    session = SessionFactory(starts_at=now + timedelta(days=5))
    programme = session.programme
    client.force_login(make_user())
    day = lambda at: f"{timezone.localtime(at):%-d %b %Y}"  # noqa: E731
    assert _catalogue_rows(client) == [(programme.title, day(session.starts_at))]

    # Kept: another person asking the same gets the same page without the catalogue's
    # queries, and a booking does not make it stale.
    services.booking_create(person=make_user(), target=session, now=now)
    client.force_login(make_user())
    with CaptureQueriesContext(connection) as queries:
        assert _catalogue_rows(client) == [(programme.title, day(session.starts_at))]
    assert not [q for q in queries if _lists_the_catalogue(q["sql"])]

    # Changes, each through a different write path.
    later = SessionFactory(programme=programme, starts_at=now + timedelta(days=30))
    services.session_cancel(session=session, now=now)
    assert _catalogue_rows(client) == [(programme.title, day(later.starts_at))]
    Session.objects.filter(pk=later.pk).update(
        starts_at=now + timedelta(days=60), ends_at=now + timedelta(days=60, hours=2)
    )
    assert _catalogue_rows(client) == [(programme.title, day(now + timedelta(days=60)))]
    programme.title = "Renamed"
    programme.save()
    assert _catalogue_rows(client) == [("Renamed", day(now + timedelta(days=60)))]
    another = ProgrammeFactory(title="Another", published=True)
    assert [t for t, _ in _catalogue_rows(client)] == ["Renamed", "Another"]
    Session.objects.filter(pk=later.pk).update(programme=another)  # moved to another programme
    assert _catalogue_rows(client) == [
        ("Another", day(now + timedelta(days=60))),
        ("Renamed", "—"),
    ]
    programme.workstream.name = "Renamed workstream"
    programme.workstream.save()
    assert "Renamed workstream" in client.get(reverse("programmes:catalogue")).content.decode()
    Programme.objects.filter(title="Another").delete()
    assert _catalogue_rows(client) == [("Renamed", "—")]


def test_only_the_catalogue_s_own_queries_are_kept(client, make_user):
    """A bookmark of the catalogue's own filters is kept; an address with a parameter it
    does not know, or one given twice, is rendered each time and never fills the cache."""
    SessionFactory()
    client.force_login(make_user())
    catalogue = reverse("programmes:catalogue")

    def reads_programmes(address):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return any(_lists_the_catalogue(q["sql"]) for q in queries)

    for address in (f"{catalogue}?q=Leadership&page=1", f"{catalogue}?q=Leadership&utm=x",
                    f"{catalogue}?q=a&q=b"):  # fmt: skip
        assert reads_programmes(address), address
    assert not reads_programmes(f"{catalogue}?q=Leadership&page=1")
    assert reads_programmes(f"{catalogue}?q=Leadership&utm=x")
    assert reads_programmes(f"{catalogue}?q=a&q=b")


def test_only_what_i_am_eligible_for_is_decided_for_each_person(client, make_user):
    open_to_all = SessionFactory().programme
    senior = SessionFactory(programme=ProgrammeFactory(eligible_bands=["9"])).programme
    eligible = {"eligible": "on"}
    client.force_login(make_user(profile__band="9"))
    assert {t for t, _ in _catalogue_rows(client, eligible)} == {open_to_all.title, senior.title}
    client.force_login(make_user(profile__band="6"))
    assert {t for t, _ in _catalogue_rows(client, eligible)} == {open_to_all.title}


def test_the_catalogue_works_without_redis(client, make_user, settings):
    """Redis unreachable: the page is rendered afresh on every request, never refused."""
    programme = SessionFactory().programme
    client.force_login(make_user())
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    for _ in range(2):
        assert [t for t, _ in _catalogue_rows(client)] == [programme.title]


def test_list_pages_run_a_bounded_number_of_queries(
    client, make_user, django_assert_max_num_queries
):
    person = make_user()
    admin = make_user(Role.PROGRAMME_ADMIN)
    programme = ProgrammeFactory()
    sessions = [SessionFactory(programme=programme, capacity=40) for _ in range(12)]
    for _ in range(20):
        ProgrammeFactory()
    for s in sessions:
        services.booking_create(person=person, target=s, now=timezone.now())
    CohortFactory(programme=programme)
    others = [make_user() for _ in range(25)]
    for other in others:
        services.booking_create(person=other, target=sessions[0], now=timezone.now())
    client.force_login(person)
    for url in [
        reverse("programmes:catalogue"),
        reverse("programmes:my_bookings"),
        reverse("programmes:programme_detail", args=[programme.slug]),
    ]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    client.force_login(admin)
    Session.objects.filter(pk=sessions[0].pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )
    for url in [
        reverse("programmes:register", args=[sessions[0].pk]),
        reverse("programmes:registers"),
        reverse("programmes:waiting_list", args=["session", sessions[0].pk]),
    ]:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_an_administrator_marks_a_register_in_bulk(client, make_user):
    session = SessionFactory()
    for _ in range(3):
        services.booking_create(person=make_user(), target=session, now=timezone.now())
    # ... and then the session takes place.
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    entries = list(RegisterEntry.objects.order_by("pk"))
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:register", args=[session.pk])
    client.post(url, {f"entry-{entries[0].pk}": "did_not_attend", "save": "1"})
    client.post(url, {"all_attended": "1"})
    assert list(RegisterEntry.objects.order_by("pk").values_list("attendance", flat=True)) == [
        "did_not_attend",
        "attended",
        "attended",
    ]
    export = client.get(reverse("programmes:register_export", args=[session.pk, "csv"]))
    lines = export.content.decode().splitlines()
    assert lines[0] == "Name,Email,Organisation,Attendance"
    assert sum("Did not attend" in line for line in lines) == 1
    xlsx = client.get(reverse("programmes:register_export", args=[session.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_booking_a_whole_series_from_its_page(client, make_user):
    programme = ProgrammeFactory(format="series_bundle")
    for _ in range(3):
        SessionFactory(programme=programme)
    client.force_login(make_user())
    page = client.get(reverse("programmes:programme_detail", args=[programme.slug]))
    url = reverse("programmes:book", args=["series", programme.pk])
    assert url in page.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"ethnic_category": "Z", "disability": "no", "sex": "male", "confirmed": "yes"},
        follow=True,
    )  # fmt: skip
    assert "You are booked on 3 workshops." in response.content.decode()
    assert Booking.objects.filter(status="confirmed").count() == 3
    assert (
        client.get(reverse("programmes:book", args=["series", ProgrammeFactory().pk])).status_code
        == 404
    )


def test_the_admin_refuses_a_capacity_below_the_places_taken(client, make_user, world):
    from django.contrib.admin.sites import site

    session = world["session"]
    admin_user = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin_user)
    url = reverse("admin:programmes_session_change", args=[session.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "pk")}
    data.update(
        programme=session.programme_id,
        starts_at_0=timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
        starts_at_1=timezone.localtime(session.starts_at).strftime("%H:%M:%S"),
        ends_at_0=timezone.localtime(session.ends_at).strftime("%d/%m/%Y"),
        ends_at_1=timezone.localtime(session.ends_at).strftime("%H:%M:%S"),
        capacity=0,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1 places are already taken" in response.content.decode()
    assert site.is_registered(Session)


def test_cancelling_a_session_asks_first(client, make_user, world):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:session_cancel", args=[world["session"].pk])
    page = client.get(url)
    assert "1 person is booked or waiting" in page.content.decode()
    world["session"].refresh_from_db()
    assert world["session"].status == Session.Status.SCHEDULED
    client.post(url)
    world["session"].refresh_from_db()
    assert world["session"].status == Session.Status.CANCELLED


def test_programme_administrators_run_the_catalogue_in_the_admin_site(client, make_user, world):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    for url in [
        reverse("admin:programmes_programme_changelist"),
        reverse("admin:programmes_programme_add"),
        reverse("admin:programmes_programme_change", args=[world["session"].programme_id]),
        reverse("admin:programmes_workstream_changelist"),
        reverse("admin:programmes_cohort_add"),
    ]:
        assert client.get(url).status_code == 200, url
    # ... but not people, roles or the outbox.
    assert client.get(reverse("admin:directory_user_changelist")).status_code == 403


def test_exports_never_carry_a_formula(client, make_user):
    session = SessionFactory()
    services.booking_create(
        person=make_user(first_name='=HYPERLINK("http://evil.example","x")'), target=session,
        now=timezone.now(),
    )  # fmt: skip
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    csv_text = client.get(
        reverse("programmes:register_export", args=[session.pk, "csv"])
    ).content.decode()
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text


@pytest.mark.parametrize(
    "query", [{"per_page": "-1"}, {"per_page": "100000"}, {"page": "zz"}, {"sort": "nope"}]
)
def test_bad_list_parameters_are_not_errors(client, make_user, query):
    SessionFactory()
    client.force_login(make_user())
    assert client.get(reverse("programmes:catalogue"), query).status_code in (200, 404)


def test_bad_ids_and_kinds_on_admin_pages_are_404s(client, make_user, world):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    session = world["session"]
    assert (
        client.get(reverse("programmes:waiting_list", args=["series", session.pk])).status_code
        == 404
    )
    url = reverse("programmes:waiting_list", args=["session", session.pk])
    assert client.post(url, {"booking": "abc", "move": "1"}).status_code == 404
    assert (
        client.post(reverse("programmes:evaluation_list"), {"evaluation": "x"}).status_code == 404
    )


def test_raising_capacity_in_the_admin_offers_the_new_places(client, make_user):
    from programmes.admin import _save_keeping_counters

    session = SessionFactory(capacity=1)
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    waiting = services.booking_create(person=make_user(), target=session, now=timezone.now())
    stale = Session.objects.get(pk=session.pk)
    Session.objects.filter(pk=session.pk).update(taken=1)  # unchanged, but read earlier
    stale.capacity, stale.taken = 2, 0  # an old counter must not be written back
    _save_keeping_counters(stale, change=True)
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == Booking.Status.OFFERED
    assert (session.capacity, session.taken) == (2, 2)


def test_the_programme_page_does_not_query_per_cohort(
    client, make_user, django_assert_max_num_queries
):
    programme = ProgrammeFactory(format="multi_module")
    for _ in range(6):
        CohortFactory(programme=programme, dates=4)
    SessionFactory(programme=programme)
    client.force_login(make_user())
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("programmes:programme_detail", args=[programme.slug])).status_code
            == 200
        )


@pytest.mark.parametrize("kind", ["session", "cohort"])
def test_an_unpublished_programme_is_not_there_to_book_for_anyone_but_the_academy_team(
    client, make_user, kind
):
    programme = ProgrammeFactory(title="Secret Board Pathway", published=False)
    target = (
        SessionFactory(programme=programme) if kind == "session"
        else CohortFactory(programme=programme)
    )  # fmt: skip
    url = reverse("programmes:book", args=[kind, target.pk])
    answer = {"ethnic_category": "Z", "disability": "no", "sex": "male", "confirmed": "yes"}
    for role in ("participant", "coach", "report_team"):
        client.force_login(make_user(*ROLES[role]))
        for response in (client.get(url), client.post(url, answer)):
            assert response.status_code == 404, role
            assert "Secret Board Pathway" not in response.content.decode()
    assert not Booking.objects.exists()
    for role in ADMINS:
        client.force_login(make_user(*ROLES[role]))
        response = client.get(url)
        assert response.status_code == 200 and "Secret Board Pathway" in response.content.decode()


def test_the_register_of_a_future_session_lists_who_is_booked_without_marking_controls(
    client, make_user
):
    """The service refuses marks before the start; the page must not offer them."""
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    person = make_user(first_name="Priya", last_name="Booked")
    services.booking_create(person=person, target=session, now=timezone.now())
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:register", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Priya Booked" in page
    assert 'type="radio"' not in page and "Save register" not in page
    assert "You can record attendance once the session starts" in page
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    page = client.get(url).content.decode()
    assert 'type="radio"' in page and "Save register" in page


def test_moving_someone_down_the_waiting_list_says_where_they_are_now(client, make_user):
    session = SessionFactory(capacity=1)
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    waiting = [
        services.booking_create(person=make_user(first_name=name, last_name="Wait"),
                                target=session, now=timezone.now())
        for name in ("Ann", "Bob")
    ]  # fmt: skip
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:waiting_list", args=["session", session.pk])
    response = client.post(url, {"booking": waiting[0].pk, "position": 99}, follow=True)
    assert "Ann Wait is now number 2 of 2 on the waiting list." in response.content.decode()
    waiting[0].refresh_from_db()
    assert waiting[0].waitlist_position == 2


def test_declining_an_offered_place_is_confirmed_first(client, make_user):
    session = SessionFactory(capacity=1)
    holder = make_user()
    held = services.booking_create(person=holder, target=session, now=timezone.now())
    person = make_user()
    waiting = services.booking_create(person=person, target=session, now=timezone.now())
    services.booking_cancel(booking=held, now=timezone.now())
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.OFFERED
    client.force_login(person)
    url = reverse("programmes:offer_decline", args=[waiting.pk])
    assert url in client.get(reverse("programmes:my_bookings")).content.decode()
    page = client.get(url).content.decode()
    assert "Decline the place you were offered?" in page and "next person waiting" in page
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.OFFERED  # asked, not done
    client.post(url)
    waiting.refresh_from_db()
    assert waiting.status != Booking.Status.OFFERED

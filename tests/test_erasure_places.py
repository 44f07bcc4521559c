"""Erasure gives the person's places still to come back to others, takes their equality
answers off their bookings, and leaves every past year's figures as they were, the BAME
reach included, after erasure and after the summaries are rebuilt from scratch."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coaching.models import Application, Practitioner, Relationship
from coaching.tests.factories import application, practitioner
from programmes import services
from programmes.models import Booking, RegisterEntry, Session
from programmes.tests.factories import CohortFactory, ProgrammeFactory, SessionFactory
from reporting import summaries
from reporting.models import ErasedReach
from reporting.selectors import annual_report
from talentportal.directory.models import EqualityMonitoring, ErasureRequest, Role
from talentportal.directory.tests.factories import OrganisationFactory
from talentportal.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ADA = "ada@nhs.example"


def _attended(person, target, sessions, *, ethnic, **answers):
    start = sessions[0].starts_at
    booking = Booking.objects.create(
        person=person, status="confirmed", created_at=start - timedelta(days=30),
        confirmed_at=start - timedelta(days=30), ethnic_category=ethnic,
        staff_group="clinical", system=person.profile.organisation.system,
        organisation=person.profile.organisation,
        **{"session" if isinstance(target, Session) else "cohort": target}, **answers,
    )  # fmt: skip
    for session in sessions:
        RegisterEntry.objects.create(booking=booking, session=session, attendance="attended")
    return booking


def _erase(client, make_user, person):
    client.force_login(person)
    client.post(reverse("directory:erasure_request"))
    erasure = ErasureRequest.objects.get(person=person)
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    client.post(reverse("directory:erasure_list"), {"request": erasure.pk, "decision": "erase"})
    assert ErasureRequest.objects.get(pk=erasure.pk).status == "done"


@pytest.fixture
def ada(make_user):
    person = make_user(first_name="Ada", last_name="Lovelace", email=ADA)
    EqualityMonitoring.objects.create(user=person, ethnic_category="H", disability="yes",
                                      sex="female")  # fmt: skip
    return person


@pytest.fixture
def past(make_user, ada):
    """Ada's past attendance: a session in 2021 (a year since frozen) and, in 2022, a session
    and a two-date cohort, each among enough others for the BAME share to be published."""
    answers = {"disability": "yes", "sex": "female"}
    frozen = SessionFactory(starts_at=datetime(2021, 6, 1, 10, tzinfo=LONDON), capacity=40)
    session = SessionFactory(starts_at=datetime(2022, 6, 1, 10, tzinfo=LONDON), capacity=40)
    cohort = CohortFactory(dates=0, capacity=40)
    dates = [
        Session.objects.create(programme=cohort.programme, cohort=cohort, capacity=40,
                               starts_at=datetime(2022, 9, d, 10, tzinfo=LONDON),
                               ends_at=datetime(2022, 9, d, 16, tzinfo=LONDON))
        for d in (5, 12)
    ]  # fmt: skip
    _attended(ada, frozen, [frozen], ethnic="H", **answers)
    _attended(ada, session, [session], ethnic="H", **answers)
    _attended(ada, cohort, dates, ethnic="H", **answers)
    for n in range(24):
        other = make_user()
        ethnic = "M" if n % 2 else "A"
        _attended(other, frozen, [frozen], ethnic=ethnic)
        _attended(other, session, [session], ethnic=ethnic)
        _attended(other, cohort, dates, ethnic=ethnic)
    summaries.rebuild()
    summaries.freeze(year=2021)


@pytest.fixture
def future(make_user, ada):
    """Ada's places to come: alone on one session; the last place on a full one with someone
    waiting; and waiting herself for a full one."""
    now = timezone.now()
    alone = SessionFactory(capacity=5)
    full = SessionFactory(capacity=1)
    waiting_for = SessionFactory(capacity=1)
    services.booking_create(person=ada, target=alone, now=now)
    services.booking_create(person=ada, target=full, now=now)
    next_in_line = make_user()
    queued = services.booking_create(person=next_in_line, target=full, now=now)
    services.booking_create(person=make_user(), target=waiting_for, now=now)
    services.booking_create(person=ada, target=waiting_for, now=now)
    assert queued.status == "waitlisted"
    assert [s.taken for s in Session.objects.filter(pk__in=[alone.pk, full.pk])] == [1, 1]
    return {"alone": alone, "full": full, "waiting_for": waiting_for, "queued": queued,
            "next_in_line": next_in_line}  # fmt: skip


def _figures(year):
    """What the year in review publishes, and the raw totals under it (which the published
    shares round and perturb)."""
    return (
        annual_report(year=year),
        annual_report(year=year, national=True),
        summaries.intervention_figures(year=year, region_id=None)["total"],
    )


def test_past_years_figures_and_reach_stand_after_erasure_and_a_rebuild(
    client, make_user, ada, past
):
    before = {year: _figures(year) for year in (2021, 2022)}
    reach = before[2022][0]["interventions"]["reach"]["bame_share"]
    assert reach is not None  # published: the test would prove nothing otherwise
    assert before[2022][2]["bame"] == 36 + 3 and before[2022][2]["ethnicity_stated"] == 75

    _erase(client, make_user, ada)

    # Read as a report does while a sweep holds the lock (no refresh first): the same.
    assert summaries.intervention_figures(year=2022, region_id=None)["total"] == before[2022][2]
    assert {year: _figures(year) for year in (2021, 2022)} == before
    summaries.rebuild()
    assert {year: _figures(year) for year in (2021, 2022)} == before
    # A recount from the raw tables, as the checks make it, adds the kept reach too.
    recounted = annual_report(year=2022, recount=True)["interventions"]
    assert recounted == before[2022][0]["interventions"]
    # What is kept: three attendances' reach in 2022, as counts of nobody; none for 2021,
    # whose frozen figures keep Ada's part as published.
    assert list(ErasedReach.objects.values("year", "bame", "ethnicity_stated")) == [
        {"year": 2022, "bame": 3, "ethnicity_stated": 3}
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'reporting_erasedreach'"
        )
        assert {r[0] for r in cursor.fetchall()} == {
            "year", "region_id", "bame", "ethnicity_stated"
        }  # fmt: skip


def test_no_booking_of_an_erased_person_keeps_their_equality_answers(
    client, make_user, ada, past, future
):
    _erase(client, make_user, ada)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ethnic_category, disability, sex FROM programmes_booking "
            "WHERE person_id = %s",
            [ada.pk],
        )
        assert cursor.fetchall() == [("Z", "not_stated", "not_stated")]
    assert Booking.objects.filter(person=ada).count() == 6  # the rows stay, for the counts


def test_an_erased_persons_places_to_come_go_to_others(client, make_user, ada, future):
    _erase(client, make_user, ada)

    assert not Booking.objects.filter(person=ada, status__in=Booking.ACTIVE).exists()
    assert Session.objects.get(pk=future["alone"].pk).taken == 0  # the place is free again
    # The full session's place went to the next in line, who is told.
    queued = Booking.objects.get(pk=future["queued"].pk)
    assert queued.status == "offered" and queued.offer_expires_at is not None
    assert Session.objects.get(pk=future["full"].pk).taken == 1
    assert (
        OutboundEmail.objects.filter(recipients=[future["next_in_line"].email])
        .filter(subject__icontains="place")
        .exists()
    )
    # Nothing about any of it is sent to Ada, nor kept addressed to her.
    assert not OutboundEmail.objects.filter(recipients__icontains="ada@").exists()
    assert not OutboundEmail.objects.filter(recipients__icontains="erased").exists()


def test_a_place_on_a_cohort_under_way_is_kept(client, make_user, ada):
    """Its past dates count as attended; nobody can be offered the rest of it."""
    cohort = CohortFactory(dates=0, capacity=3)
    now = timezone.now()
    for days in (-7, 7):
        Session.objects.create(programme=cohort.programme, cohort=cohort, capacity=3,
                               starts_at=now + timedelta(days=days),
                               ends_at=now + timedelta(days=days, hours=6))  # fmt: skip
    booking = Booking.objects.create(person=ada, cohort=cohort, status="confirmed",
                                     created_at=now - timedelta(days=30),
                                     confirmed_at=now - timedelta(days=30))  # fmt: skip
    _erase(client, make_user, ada)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_an_erased_persons_coaching_under_way_is_withdrawn(client, make_user, ada):
    today = timezone.localdate()
    coach = practitioner(
        make_user(profile__organisation=OrganisationFactory()), supervised_on=today
    )
    client_of_ada = make_user(profile__organisation=OrganisationFactory())
    as_mentor = practitioner(ada, coaches=False, mentors=True, supervised_on=today)
    mine = Relationship.objects.create(
        kind="coaching", practitioner=coach, client=ada, application=application(ada),
        status="active", started_on=today - timedelta(days=30), goals="Ada's goals",
    )  # fmt: skip
    theirs = Relationship.objects.create(
        kind="mentoring", practitioner=as_mentor, client=client_of_ada, status="requested",
        requested_on=today, application=application(client_of_ada, kind="mentoring"),
    )  # fmt: skip
    waiting = application(ada, kind="mentoring", approved=False)

    _erase(client, make_user, ada)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.ended_on) == ("withdrawn", today)
    assert (theirs.status, theirs.ended_on) == ("withdrawn", today)
    assert not Application.objects.filter(pk=waiting.pk).exists()
    assert Application.objects.filter(client=ada, status="approved").count() == 1  # counted
    # The coach is asked how it went; Ada is told nothing.
    assert OutboundEmail.objects.filter(recipients=[coach.user.email]).exists()
    assert not OutboundEmail.objects.filter(recipients__icontains="ada@").exists()


def test_an_erased_persons_registration_waiting_for_approval_goes(client, make_user, ada):
    waiting = practitioner(ada, approved=False)
    _erase(client, make_user, ada)
    assert not Practitioner.objects.filter(pk=waiting.pk).exists()


def test_a_programme_without_dates_does_not_stop_an_erasure(client, make_user, ada):
    cohort = CohortFactory(dates=0, programme=ProgrammeFactory(format="multi_module"))
    Booking.objects.create(person=ada, cohort=cohort, status="waitlisted",
                           created_at=timezone.now(), waitlist_position=1)  # fmt: skip
    _erase(client, make_user, ada)
    assert Booking.objects.get(person=ada).status == "cancelled"

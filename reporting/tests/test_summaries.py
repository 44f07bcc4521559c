"""The summary tables behind the year's figures: the report read from them equals a raw
recount after any mix of changes, only what changed is recounted, frozen years keep their
figures, and a change committed by a transaction the sweep could not see is not lost."""

import random
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction

from programmes import services as booking_services
from programmes.models import Booking, Programme, RegisterEntry, Session, Workstream
from programmes.tests.factories import CohortFactory, ProgrammeFactory, SessionFactory
from reporting import summaries
from reporting.models import InterventionSummary, SessionFigures
from reporting.selectors import annual_report
from reporting.tasks import summaries_refresh_task
from talentportal.directory.models import IntegratedCareSystem, Region
from talentportal.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
YEARS = (2022, 2023)


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def generate(rng: random.Random, *, people: int = 40) -> list[Session]:
    """Sessions over two years in two regions, single and cohort bookings in every status,
    with attendance, for people of several systems (and none)."""
    regions = [Region.objects.get(name="Midlands"), Region.objects.get(name="London")]
    systems = [*IntegratedCareSystem.objects.filter(region__in=regions), None]
    workstreams = list(Workstream.objects.all())
    persons = [UserFactory() for _ in range(people)]
    sessions = []
    for region in regions:
        for _ in range(3):
            programme = ProgrammeFactory(region=region, workstream=rng.choice(workstreams))
            for _ in range(5):
                start = at(2022, 3, 20, 9) + timedelta(days=rng.randint(0, 760))
                sessions.append(SessionFactory(programme=programme, starts_at=start, capacity=60,
                    status=rng.choice(["scheduled", "delivered", "delivered", "cancelled"])))  # fmt: skip
        for _ in range(2):
            cohort = CohortFactory(dates=0, programme=ProgrammeFactory(region=region),
                                   capacity=60)  # fmt: skip
            day = at(2022, 3, 25, 10) + timedelta(days=rng.randint(0, 700))
            for n in range(3):
                start = day + timedelta(days=30 * n)
                sessions.append(Session.objects.create(programme=cohort.programme, cohort=cohort,
                    starts_at=start, ends_at=start + timedelta(hours=3), capacity=60))  # fmt: skip
    targets = [s for s in sessions if not s.cohort_id] + list(
        {s.cohort for s in sessions if s.cohort_id}
    )
    for person in persons:
        for target in rng.sample(targets, 6):
            status = rng.choice(["confirmed"] * 5 + ["cancelled", "waitlisted", "expired"])
            held = status in ("confirmed", "cancelled") and rng.random() < 0.9
            booking = Booking.objects.create(
                person=person, status=status, created_at=at(2022, 1, 1),
                confirmed_at=at(2022, 1, 2) if held else None, system=rng.choice(systems),
                ethnic_category=rng.choice("AAABHMNZ"),
                staff_group=rng.choice(["clinical", "non_clinical", ""]),
                **({"session": target} if isinstance(target, Session) else {"cohort": target}),
            )  # fmt: skip
            if status == "confirmed":
                covered = [target] if isinstance(target, Session) else target.sessions.all()
                RegisterEntry.objects.bulk_create(
                    RegisterEntry(booking=booking, session=s,
                                  attendance=rng.choice(["attended", "did_not_attend", ""]))
                    for s in covered
                )  # fmt: skip
    return sessions


def assert_summaries_equal_recount():
    for year in YEARS:
        for region in Region.objects.filter(name__in=["Midlands", "London"]):
            from_summary = annual_report(year=year, region=region)["interventions"]
            recounted = annual_report(year=year, region=region, recount=True)["interventions"]
            assert from_summary == recounted, (year, region.name)
        national = annual_report(year=year, national=True)["interventions"]
        assert national == annual_report(year=year, national=True, recount=True)["interventions"]


def summary_rows() -> set[tuple]:
    fields = ("year", "region_id", "workstream_id", "system_id", *SessionFigures.COUNTS)
    return {
        row
        for row in InterventionSummary.objects.values_list(*fields)
        if any(row[4:])  # a cell whose counts all went back to zero is no cell
    }


def test_the_summary_equals_a_raw_recount_after_every_kind_of_change():
    rng = random.Random(2207)
    sessions = generate(rng)
    summaries.rebuild()
    assert_summaries_equal_recount()
    assert annual_report(year=2022, national=True)["interventions"]["attendances"] > 20

    now = at(2022, 3, 1)  # before every generated session
    bookings = list(Booking.objects.filter(status="confirmed").order_by("id"))
    # A participant cancels; an organiser cancels a session; a register is marked.
    booking_services.booking_cancel(booking=bookings[0], now=now)
    booking_services.session_cancel(
        session=next(s for s in sessions if s.status == "scheduled" and not s.cohort_id),
        now=now,
    )
    entry = RegisterEntry.objects.filter(attendance="").first()
    RegisterEntry.objects.filter(pk=entry.pk).update(attendance="attended")
    # Past records corrected in bulk, an entry removed, a booking deleted.
    Booking.objects.filter(pk__in=[b.pk for b in bookings[5:15]]).update(ethnic_category="H")
    RegisterEntry.objects.filter(booking=bookings[20]).delete()
    doomed = bookings[30]
    RegisterEntry.objects.filter(booking=doomed).delete()
    doomed.delete()
    # A session moves into the next year; a programme moves workstream and region.
    moved = next(s for s in sessions if s.starts_at < at(2023, 2, 1) and s.status != "cancelled")
    moved.starts_at += timedelta(days=365)
    moved.ends_at += timedelta(days=365)
    moved.save()
    programme = Programme.objects.filter(region__name="Midlands").first()
    programme.workstream = Workstream.objects.exclude(pk=programme.workstream_id).first()
    programme.region = Region.objects.get(name="London")
    programme.save()
    # A session with no bookings is deleted.
    empty = SessionFactory(programme=programme, starts_at=at(2022, 6, 1, 10))
    summaries.refresh(wait=True)
    empty.delete()

    assert summaries.refresh(wait=True) > 0
    assert_summaries_equal_recount()
    incremental = summary_rows()
    summaries.rebuild()
    assert summary_rows() == incremental


@pytest.mark.django_db(transaction=True)
def test_a_sweep_recounts_only_the_sessions_that_changed():
    """Each statement here commits on its own, as bookings do in production."""
    generate(random.Random(5), people=10)
    summaries.rebuild()
    with connection.cursor() as cursor:  # everything above is counted
        cursor.execute("UPDATE reporting_summarystate SET watermark = clock_timestamp()")
    booking = Booking.objects.filter(session__isnull=False).first()
    cohort_booking = Booking.objects.filter(cohort__isnull=False).first()
    Booking.objects.filter(pk__in=[booking.pk, cohort_booking.pk]).update(staff_group="")
    expected = {booking.session_id, *cohort_booking.cohort.sessions.values_list("pk", flat=True)}
    assert Session.objects.count() > 10 * len(expected)
    assert summaries.refresh(wait=True) == len(expected)
    assert_summaries_equal_recount()


def test_a_frozen_year_keeps_its_published_figures():
    generate(random.Random(11), people=15)
    summaries.rebuild()
    published = annual_report(year=2022, national=True)["interventions"]
    summaries.freeze(year=2022)
    # A past record is corrected after the year closed.
    entry = (
        RegisterEntry.objects.filter(
            session__starts_at__gte=at(2022, 4, 1),
            session__starts_at__lt=at(2023, 4, 1),
            attendance="attended",
        )
        .exclude(session__status="cancelled")
        .first()
    )
    RegisterEntry.objects.filter(pk=entry.pk).update(attendance="did_not_attend")
    summaries.refresh(wait=True)
    assert annual_report(year=2022, national=True)["interventions"] == published
    recounted = annual_report(year=2022, national=True, recount=True)["interventions"]
    assert recounted["attendances"] == published["attendances"] - 1
    summaries.rebuild()  # a rebuild leaves a frozen year alone too
    assert annual_report(year=2022, national=True)["interventions"] == published
    # The open year still follows every change.
    assert (
        annual_report(year=2023, national=True)["interventions"]
        == annual_report(year=2023, national=True, recount=True)["interventions"]
    )


def test_the_beat_task_sweeps_and_records_when_it_ran():
    generate(random.Random(3), people=5)
    summaries.rebuild()
    before = summaries.state().swept_at
    summaries_refresh_task()
    assert summaries.state().swept_at >= before
    assert_summaries_equal_recount()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_sweep_began_is_counted_by_the_next():
    """A booking transaction opened before a sweep and committed after it: the sweep cannot
    see the change, and the watermark must not pass it."""
    session = SessionFactory(starts_at=at(2022, 6, 1, 10), status="delivered", capacity=60)
    person = UserFactory()
    summaries.rebuild()
    opened, sweep_done = threading.Event(), threading.Event()

    def slow_booking():
        try:
            with transaction.atomic():
                Booking.objects.create(
                    person=person, session=session, status="confirmed",
                    created_at=at(2022, 5, 1), confirmed_at=at(2022, 5, 1),
                )  # fmt: skip
                opened.set()
                sweep_done.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=slow_booking)
    worker.start()
    assert opened.wait(10)
    summaries.refresh(wait=True)  # the booking is not committed yet
    assert annual_report(year=2022, national=True)["interventions"]["bookings"] == 0
    sweep_done.set()
    worker.join(10)
    summaries.refresh(wait=True)
    assert annual_report(year=2022, national=True)["interventions"]["bookings"] == 1

"""The year in review's interventions figures: period boundaries in UK time, what counts as
a booking, and an independent recount on generated data."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from programmes.models import Booking, RegisterEntry, Session
from programmes.tests.factories import CohortFactory, ProgrammeFactory, SessionFactory
from reporting.selectors import annual_report, default_region
from talentportal.core.disclosure import is_small
from talentportal.directory.models import BAME_CODES, IntegratedCareSystem, Region
from talentportal.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def book(session_or_cohort, status="confirmed", attendance=None, ethnic="A", staff_group="clinical",
         system=None, waiting=False):  # fmt: skip
    target = (
        {"session": session_or_cohort}
        if isinstance(session_or_cohort, Session)
        else {"cohort": session_or_cohort}
    )
    created = datetime(2022, 1, 1, tzinfo=LONDON)
    held = status in ("confirmed", "cancelled", "organiser_cancelled") and not waiting
    booking = Booking.objects.create(
        person=UserFactory(), status=status, created_at=created, confirmed_at=created if held else None,
        ethnic_category=ethnic, staff_group=staff_group,
        system=system or IntegratedCareSystem.objects.get(name="Black Country"), **target,
    )  # fmt: skip
    if attendance is not None:
        sessions = (
            [session_or_cohort] if "session" in target else list(session_or_cohort.sessions.all())
        )
        for s in sessions:
            RegisterEntry.objects.create(booking=booking, session=s, attendance=attendance)
    return booking


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def test_a_session_at_half_past_midnight_on_1_april_belongs_to_the_new_year():
    SessionFactory(starts_at=at(2023, 4, 1, 0, 30))  # 23:30 UTC on 31 March
    SessionFactory(starts_at=at(2023, 3, 31, 23, 30))
    SessionFactory(starts_at=at(2022, 4, 1, 0, 0))
    assert annual_report(year=2022)["interventions"]["sessions_delivered"] == 2
    assert annual_report(year=2023)["interventions"]["sessions_delivered"] == 1


def test_what_counts_as_a_booking_an_attendance_and_a_cancellation():
    session = SessionFactory(starts_at=at(2022, 6, 1, 10))
    book(session, attendance="attended")
    book(session, attendance="attended", ethnic="H", staff_group="non_clinical")
    book(session, attendance="did_not_attend")
    book(session, status="cancelled")
    book(session, status="waitlisted")
    book(session, status="removed")
    book(session, status="cancelled", waiting=True)  # left the waiting list: never a booking
    cancelled = SessionFactory(starts_at=at(2022, 6, 2, 10), status="cancelled")
    book(cancelled, status="organiser_cancelled")
    i = annual_report(year=2022)["interventions"]
    assert (
        i["sessions_delivered"],
        i["bookings"],
        i["attendances"],
        i["did_not_attend"],
        i["cancellations"],
    ) == (1, 4, 2, 1, 1)
    assert i["attendance_rate"] == 0.5
    # One of two: an equality share from a small number is not published.
    assert i["reach"]["bame_share"] is None
    assert i["reach"]["clinical_share"] == 0.5
    ld = next(w for w in i["by_workstream"] if w["workstream"] == "Leadership Development")
    assert ld == {"workstream": "Leadership Development", "sessions_delivered": 1, "bookings": 4,
                  "attendances": 2, "average_attendance": 2.0}  # fmt: skip
    bc = next(s for s in i["by_system"] if s["system"] == "Black Country")
    assert (bc["attendances"], bc["did_not_attend"]) == (2, 1)


def test_a_cohort_booking_counts_on_each_of_its_sessions_in_the_year():
    cohort = CohortFactory(dates=0)
    for day in (at(2023, 3, 20, 10), at(2023, 3, 27, 10), at(2023, 4, 3, 10)):
        Session.objects.create(programme=cohort.programme, cohort=cohort, starts_at=day,
                               ends_at=day + timedelta(hours=3), capacity=4)  # fmt: skip
    book(cohort, attendance="attended")
    i = annual_report(year=2022)["interventions"]
    assert (i["sessions_delivered"], i["bookings"], i["attendances"]) == (2, 2, 2)


def published_share_range(part: int, whole: int) -> tuple[float, float]:
    """What the disclosure rule allows a published share to be: both sides moved by at
    most 4 (noise 2, rounding 2) and shown at 10 or more, then a whole per cent."""
    rest = whole - part
    low = max(8, part - 4) / (max(8, part - 4) + rest + 4)
    high = (part + 4) / (part + 4 + max(8, rest - 4))
    return low - 0.005, high + 0.005


def test_the_bame_share_is_published_when_neither_side_is_small():
    session = SessionFactory(starts_at=at(2022, 6, 1, 10))
    for ethnic in "H" * 14 + "A" * 20 + "Z" * 3:  # 14 and 20: never moved below 8
        book(session, attendance="attended", ethnic=ethnic)
    share = annual_report(year=2022)["interventions"]["reach"]["bame_share"]
    low, high = published_share_range(14, 34)
    assert low <= share <= high
    assert share == round(share, 2)  # a whole per cent, as a 0–1 fraction
    # The same figures always publish the same share (a second read tells nothing more).
    assert annual_report(year=2022)["interventions"]["reach"]["bame_share"] == share


def test_the_bame_share_is_not_published_with_full_precision():
    """The probe read 0.2723076923076923 (177 of 650): exact counts, and between two reads
    each new person's answer."""
    session = SessionFactory(starts_at=at(2022, 6, 1, 10), capacity=200)
    for ethnic in "H" * 47 + "A" * 83:
        book(session, attendance="attended", ethnic=ethnic)
    share = annual_report(year=2022)["interventions"]["reach"]["bame_share"]
    assert share == round(share, 2) and share != 47 / 130


def test_no_stated_ethnicity_means_no_share_rather_than_zero():
    book(SessionFactory(starts_at=at(2022, 6, 1, 10)), attendance="attended", ethnic="Z")
    assert annual_report(year=2022)["interventions"]["reach"]["bame_share"] is None


def test_the_report_has_exactly_the_published_keys():
    report = annual_report(year=2022)
    assert set(report) >= {
        "year",
        "period",
        "interventions",
        "coaching",
        "mentoring",
        "talent",
        "entered",
    }
    assert report["period"] == {"start": "2022-04-01", "end": "2023-03-31"}
    assert set(report["interventions"]) == {
        "sessions_delivered", "bookings", "attendances", "did_not_attend", "cancellations",
        "attendance_rate", "by_workstream", "by_system", "reach",
    }  # fmt: skip
    assert set(report["interventions"]["reach"]) == {
        "bame_share",
        "bame_baseline",
        "clinical_share",
        "clinical_baseline",
    }
    keys = {"practitioners_approved", "clients_approved", "relationships_commenced", "relationships_active",
            "relationships_completed", "hours_logged", "sessions_logged", "clients_with_sessions"}  # fmt: skip
    assert set(report["coaching"]) == keys == set(report["mentoring"])
    assert set(report["talent"]) == {
        "aspirant_pool_start",
        "aspirant_pool_end",
        "nominations",
        "edp",
        "hps",
        "gmts",
    }


def test_another_regions_programmes_are_not_counted():
    SessionFactory(
        starts_at=at(2022, 6, 1, 10),
        programme=ProgrammeFactory(region=Region.objects.get(name="London")),
    )
    assert annual_report(year=2022)["interventions"]["sessions_delivered"] == 0
    assert (
        annual_report(year=2022, region=Region.objects.get(name="London"))["interventions"][
            "sessions_delivered"
        ]
        == 1
    )


def test_the_figures_equal_an_independent_recount_on_generated_data():
    rng = random.Random(20221)
    systems = list(IntegratedCareSystem.objects.filter(region=default_region()))
    programmes = [ProgrammeFactory() for _ in range(3)]
    sessions = []
    for _ in range(25):
        start = at(2022, 3, 25, 9) + timedelta(days=rng.randint(0, 380), hours=rng.randint(0, 14))
        sessions.append(SessionFactory(programme=rng.choice(programmes), starts_at=start,
                                       status=rng.choice(["scheduled", "delivered", "delivered", "cancelled"])))  # fmt: skip
    for _ in range(160):
        status = rng.choice(["confirmed"] * 6 + ["cancelled", "waitlisted", "expired", "offered"])
        waiting = status == "cancelled" and rng.random() < 0.3
        attendance = (
            rng.choice(["attended", "attended", "did_not_attend", ""])
            if status == "confirmed"
            else None
        )
        book(rng.choice(sessions), status=status, attendance=attendance, ethnic=rng.choice("AAABHMNZ"),
             staff_group=rng.choice(["clinical", "non_clinical", ""]), system=rng.choice(systems),
             waiting=waiting)  # fmt: skip

    # The recount walks every row in Python, independently of the report's SQL.
    start, end = at(2022, 4, 1), at(2023, 4, 1)
    counted = [
        s for s in Session.objects.all() if start <= s.starts_at < end and s.status != "cancelled"
    ]
    pairs = [
        b
        for b in Booking.objects.all()
        if b.session in counted
        and b.confirmed_at  # held a place, not only a place in the queue
        and b.status in ("confirmed", "cancelled", "organiser_cancelled")
    ]
    entries = [e for e in RegisterEntry.objects.select_related("booking") if e.session in counted]
    attended = [e for e in entries if e.attendance == "attended"]
    i = annual_report(year=2022)["interventions"]
    assert i["sessions_delivered"] == len(counted)
    assert i["bookings"] == len(pairs)
    assert i["cancellations"] == sum(b.status == "cancelled" for b in pairs)
    assert i["attendances"] == len(attended)
    assert i["did_not_attend"] == sum(e.attendance == "did_not_attend" for e in entries)
    stated = [e for e in attended if e.booking.ethnic_category != "Z"]
    bame = sum(e.booking.ethnic_category in BAME_CODES for e in stated)
    low, high = published_share_range(bame, len(stated))
    if is_small(bame) or is_small(len(stated) - bame):
        assert i["reach"]["bame_share"] is None
    else:
        assert low <= i["reach"]["bame_share"] <= high
    for row in i["by_system"]:
        mine = [e for e in entries if e.booking.system and e.booking.system.name == row["system"]]
        assert row["attendances"] == sum(e.attendance == "attended" for e in mine), row
        assert row["did_not_attend"] == sum(e.attendance == "did_not_attend" for e in mine), row
    assert i["attendances"] > 20  # the generated year is not empty


RECOUNT_SQL = """
SELECT
  (SELECT count(*) FROM programmes_session s
    WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'),
  (SELECT count(*) FROM programmes_booking b JOIN programmes_session s
      ON s.id = b.session_id OR (b.cohort_id IS NOT NULL AND s.cohort_id = b.cohort_id)
    WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'
      AND b.confirmed_at IS NOT NULL
      AND b.status IN ('confirmed', 'cancelled', 'organiser_cancelled')),
  (SELECT count(*) FROM programmes_registerentry r JOIN programmes_session s ON s.id = r.session_id
    WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'
      AND r.attendance = 'attended'),
  (SELECT count(*) FROM programmes_registerentry r JOIN programmes_session s ON s.id = r.session_id
    WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'
      AND r.attendance = 'did_not_attend')
"""


def test_the_totals_equal_a_raw_sql_recount_with_cohorts_on_generated_data():
    from django.db import connection

    rng = random.Random(7)
    for _ in range(6):
        cohort = CohortFactory(dates=0)
        for _ in range(rng.randint(1, 4)):
            day = at(2022, 3, 20, 10) + timedelta(days=rng.randint(0, 390))
            Session.objects.create(programme=cohort.programme, cohort=cohort, starts_at=day,
                                   ends_at=day + timedelta(hours=3), capacity=9,
                                   status=rng.choice(["scheduled", "delivered", "cancelled"]))  # fmt: skip
        for _ in range(rng.randint(2, 9)):
            book(cohort, status=rng.choice(["confirmed", "confirmed", "cancelled", "waitlisted"]),
                 attendance=rng.choice(["attended", "did_not_attend", None]))  # fmt: skip
    for _ in range(10):
        session = SessionFactory(starts_at=at(2022, 3, 25, 9) + timedelta(days=rng.randint(0, 380)))
        for _ in range(rng.randint(0, 6)):
            book(session, attendance=rng.choice(["attended", "did_not_attend", None]))
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL, {"start": at(2022, 4, 1), "end": at(2023, 4, 1)})
        sessions, bookings, attended, dna = cursor.fetchone()
    i = annual_report(year=2022)["interventions"]
    assert (i["sessions_delivered"], i["bookings"], i["attendances"], i["did_not_attend"]) == (
        sessions, bookings, attended, dna,
    )  # fmt: skip
    assert bookings > 20


def test_a_year_before_with_no_records_is_no_records_not_growth_from_zero():
    from reporting.selectors import HEADLINES, year_on_year

    def figures(value):
        out = {}
        for _, path, is_rate in HEADLINES:
            node = out
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = 0.5 if is_rate else value
        return out

    empty = year_on_year(figures(1345), figures(0))
    assert all(r["no_records"] and r["before"] is None and r["change"] is None for r in empty)
    [bookings] = [r for r in year_on_year(figures(1345), figures(1000)) if r["label"] == "Bookings"]
    assert (bookings["before"], bookings["change"], bookings["no_records"]) == (1000, 345, False)

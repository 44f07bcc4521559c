"""The national-scale data generator at a tiny size: the counts asked for, the invariants the
booking services keep, and the schema put back exactly as it was."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from programmes.models import Booking, Cohort, CohortAllocation, RegisterEntry, Session
from reporting import scale

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def schema():
    """Indexes and constraints (with their definitions) of the tables the generator loads."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
            "OR confrelid = ANY(%s::regclass[])",
            [scale.TABLES, scale.TABLES],
        )
        constraints = set(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s)",
            [scale.TABLES],
        )
        indexes = set(cursor.fetchall())
    return constraints, indexes


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture(scope="module")
def _generated_once(django_db_setup, django_db_blocker):
    """Generated once for the module, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = schema()
        counts = scale.generate(
            scale.Options(bookings=3_000, years=2, regions=2, seed=7, now=NOW),
            out=lambda message: None,
        )
        yield before, counts
        transaction.set_rollback(True)


@pytest.fixture
def generated(_generated_once, db):
    return _generated_once


def test_exactly_the_bookings_asked_for(generated):
    _, counts = generated
    assert Booking.objects.count() == counts["programmes_booking"] == 3_000
    assert RegisterEntry.objects.count() == counts["programmes_registerentry"] > 0


def test_places_taken_match_the_bookings_holding_them(generated):
    holding = {"status__in": Booking.HOLDING}
    for model, key in ((Session, "session_id"), (Cohort, "cohort_id")):
        held = dict(
            fetch(
                f"SELECT {key}, count(*) FROM programmes_booking "  # noqa: S608
                f"WHERE status IN ('confirmed', 'offered') AND {key} IS NOT NULL GROUP BY 1"
            )
        )
        for pk, taken, capacity in model.objects.values_list("pk", "taken", "capacity"):
            assert taken == held.get(pk, 0) <= capacity
    for allocation in CohortAllocation.objects.all():
        used = Booking.objects.filter(allocation=allocation, **holding).count()
        assert allocation.taken == used <= allocation.places
    assert not Session.objects.filter(status="cancelled", taken__gt=0).exists()


def test_one_active_booking_per_person_and_target(generated):
    for key in ("session_id", "cohort_id"):
        assert not fetch(
            f"SELECT person_id, {key} FROM programmes_booking "  # noqa: S608
            f"WHERE status IN ('confirmed', 'waitlisted', 'offered') AND {key} IS NOT NULL "
            "GROUP BY 1, 2 HAVING count(*) > 1"
        )


def test_register_entries_as_the_booking_services_keep_them(generated):
    # Made when a place is confirmed, one per session covered, kept when cancelled...
    assert not RegisterEntry.objects.filter(booking__confirmed_at__isnull=True).exists()
    for booking in Booking.objects.filter(status="confirmed").prefetch_related(
        "register_entries", "cohort__sessions"
    )[:200]:
        expected = {booking.session_id} if booking.session_id else {
            s.pk for s in booking.cohort.sessions.all()
        }  # fmt: skip
        assert {e.session_id for e in booking.register_entries.all()} == expected
    # ... and attendance is marked only for confirmed places on sessions that took place.
    marked = RegisterEntry.objects.exclude(attendance="")
    assert marked.exists()
    assert not marked.exclude(booking__status="confirmed").exists()
    assert not marked.exclude(session__status="delivered").exists()
    assert not marked.filter(session__starts_at__gt=NOW).exists()


def test_every_year_has_sessions_and_bookings_in_each_region(generated):
    rows = fetch(
        """
        SELECT p.region_id,
               EXTRACT(YEAR FROM (s.starts_at AT TIME ZONE 'Europe/London')
                       - INTERVAL '3 months')::int AS year,
               count(DISTINCT s.id), count(DISTINCT b.id)
        FROM programmes_session s
        JOIN programmes_programme p ON p.id = s.programme_id
        LEFT JOIN programmes_booking b ON b.session_id = s.id OR b.cohort_id = s.cohort_id
        GROUP BY 1, 2
        """
    )
    found = {(region, year): (sessions, bookings) for region, year, sessions, bookings in rows}
    regions = [r for r, _ in fetch("SELECT id, name FROM directory_region WHERE name IN "
                                   "('Midlands', 'East of England')")]  # fmt: skip
    for region in regions:
        for year in (2025, 2026):
            sessions, bookings = found.get((region, year), (0, 0))
            assert sessions > 0 and bookings > 0, (region, year)


def test_scheme_places_and_pool_members_record_where_the_person_works(generated):
    """What the talent figures count a region by: on generated data every scheme place and
    pool membership carries the system of the person's organisation."""
    for table, person in (("talentpools_schemeparticipant", "person_id"),
                          ("talentpools_poolmembership", "member_id")):  # fmt: skip
        total, matching = fetch(
            f"""SELECT count(*), count(*) FILTER (WHERE o.system_id = t.system_id)
                FROM {table} t JOIN directory_profile pr ON pr.user_id = t.{person}
                JOIN directory_organisation o ON o.id = pr.organisation_id"""  # noqa: S608
        )[0]
        assert total > 0 and matching == total, table


def test_constraints_and_indexes_are_all_back(generated):
    (constraints, indexes), _ = generated
    after_constraints, after_indexes = schema()
    assert after_indexes == indexes
    # Partial unique indexes are re-read from their deparsed definitions: compare names.
    assert {(t, n) for t, n, _ in after_constraints} == {(t, n) for t, n, _ in constraints}
    foreign_keys = {d for t, n, d in constraints if d.startswith("FOREIGN KEY")}
    assert foreign_keys == {d for t, n, d in after_constraints if d.startswith("FOREIGN KEY")}
    assert ("programmes_booking", "booking_one_active_per_session") in after_indexes
    assert ("programmes_booking", "booking_one_active_per_cohort") in after_indexes
    assert not fetch("SELECT conname FROM pg_constraint WHERE NOT convalidated")


def test_generated_rows_leave_no_audit_history(generated):
    for table in ("coaching_relationshipevent", "talentpools_nominationevent",
                  "talentpools_poolmembershipevent"):  # fmt: skip
        assert fetch(f"SELECT count(*) FROM {table}")[0][0] == 0  # noqa: S608


def test_refuses_a_database_with_programmes_unless_replacing(generated):
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_scale_data", "--bookings", "100", "--regions", "1",
                     "--years", "1", stdout=StringIO())  # fmt: skip


def test_the_summaries_equal_a_raw_recount_on_generated_data(generated):
    """Issue 7: the report computed from the summary tables equals a raw recount exactly,
    for every region-year and the nation, on the generator's data."""
    from reporting import summaries
    from reporting.selectors import annual_report
    from talentportal.directory.models import Region

    summaries.rebuild()
    regions = Region.objects.filter(programmes__isnull=False).distinct()
    assert regions.count() == 2
    for year in (2025, 2026):
        for region in regions:
            summary = annual_report(year=year, region=region)["interventions"]
            assert (
                summary == annual_report(year=year, region=region, recount=True)["interventions"]
            ), (year, region.name)
            assert summary["bookings"] > 0
        assert (
            annual_report(year=year, national=True)["interventions"]
            == annual_report(year=year, national=True, recount=True)["interventions"]
        )

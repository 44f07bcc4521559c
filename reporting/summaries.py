"""Summary tables of the year's figures, kept up to date incrementally.

Interventions: two levels, both derived from the programme tables and rebuildable at will:

- `reporting_sessionfigures` (SessionFigures): one session's counts by the participants'
  system — the detail a change is recounted at;
- `reporting_interventionsummary` (InterventionSummary): the sum of those per financial
  year, region, workstream and system — what the year in review reads (a few thousand
  rows nationally, where the bookings table holds tens of millions).

`refresh()` (Celery beat every 15 seconds, and on demand before a report is read) finds the
sessions touched since the watermark — from `changed_at` on programmes, sessions, bookings
and register entries, and the `FigureChange` rows deletions leave — recounts only those
sessions from the source tables, and adds the difference between their new and old
SessionFigures to InterventionSummary with one upsert. No full recompute per change, and no
trigger touches a counter: the booking path's only extra cost is stamping `changed_at`.

The watermark is the start of the oldest transaction still open when a sweep begins (any
change such a transaction makes carries a `changed_at` at or after its start), less a few
seconds for clocks: a change can be recounted twice, which is harmless, never missed.

Coaching and mentoring: `reporting_personcoachingfigures` (PersonCoachingFigures), one
person's part in a year's figures of each service, in the region they work in; the year in
review sums a region-year's rows. Every write that can change someone's figures leaves them in
a change log by trigger (coaching.FigureChange; directory.PlaceChange when a person,
organisation or system moves), and the same sweep recounts just those people. Open
relationships are active every year, so rows are kept up to a horizon (next financial year);
when the calendar passes it, the sweep recounts everyone once.

Change logs are taken with DELETE ... RETURNING in the statement that reads them: a row the
sweep did not see (its transaction still open) stays for the next sweep.

A frozen year (FrozenYear) keeps its figures as published: sweeps and rebuilds leave it alone.

Erasure takes a person's equality answers off their bookings; what those counted in each
year's reach is kept first in ErasedReach (counts by year and region, of nobody), which the
read adds to the year's total: the reach stands after erasure and after any rebuild.

The counting rule is the one programmes.selectors.intervention_figures applies to the raw
tables, and tests check that both give the same report on generated data.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from coaching.selectors import FIGURE_KEYS as COACHING_KEYS
from programmes.selectors import BAME, BOOKED
from talentportal.core.periods import financial_year

from .models import ErasedReach, FrozenYear, InterventionCounts, SummaryState

COUNTS = InterventionCounts.COUNTS
# pg_advisory_xact_lock key: one sweep or rebuild at a time.
LOCK_KEY = 7_202_611
# Clocks of application servers and the database may differ by this much.
CLOCK_MARGIN = timedelta(seconds=5)

_YEAR = "EXTRACT(YEAR FROM (s.starts_at AT TIME ZONE %(tz)s) - INTERVAL '3 months')::int"

# The counting rule, per session and participants' system, for sessions in `scope` (and of
# the bookings in `bookings`: TRUE but for what one person's bookings count).
_COUNT_SQL = f"""
WITH s AS (
    SELECT s.id, s.cohort_id, p.workstream_id, p.region_id, {_YEAR} AS year
    FROM programmes_session s JOIN programmes_programme p ON p.id = s.programme_id
    WHERE s.status <> 'cancelled' AND {{scope}}
), pairs AS (
    SELECT s.id AS session_id, b.id AS booking_id, b.status, b.system_id,
           b.ethnic_category, b.staff_group, b.confirmed_at IS NOT NULL AS held
    FROM s JOIN programmes_booking b ON b.session_id = s.id
    WHERE {{bookings}}
    UNION ALL
    SELECT s.id, b.id, b.status, b.system_id, b.ethnic_category, b.staff_group,
           b.confirmed_at IS NOT NULL
    FROM s JOIN programmes_booking b ON b.cohort_id = s.cohort_id
    WHERE s.cohort_id IS NOT NULL AND {{bookings}}
), counted AS (
    SELECT pairs.session_id, COALESCE(pairs.system_id, 0) AS system_id, 0 AS sessions,
       COUNT(*) AS pairs,
       COUNT(*) FILTER (WHERE pairs.held AND pairs.status IN %(booked)s) AS bookings,
       COUNT(*) FILTER (WHERE pairs.held AND pairs.status = 'cancelled') AS cancellations,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended') AS attendances,
       COUNT(r.id) FILTER (WHERE r.attendance = 'did_not_attend') AS did_not_attend,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.ethnic_category IN %(bame)s)
           AS bame,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.ethnic_category <> 'Z')
           AS ethnicity_stated,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.staff_group = 'clinical')
           AS clinical,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.staff_group <> '')
           AS staff_group_stated
    FROM pairs
    LEFT JOIN programmes_registerentry r
           ON r.booking_id = pairs.booking_id AND r.session_id = pairs.session_id
    GROUP BY 1, 2
    UNION ALL
    SELECT s.id, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM s
)
SELECT c.session_id, c.system_id, s.year, s.region_id, s.workstream_id,
       {", ".join(f"SUM(c.{n})::int AS {n}" for n in COUNTS)}
FROM counted c JOIN s ON s.id = c.session_id
WHERE s.year NOT IN (SELECT year FROM reporting_frozenyear)
GROUP BY c.session_id, c.system_id, s.year, s.region_id, s.workstream_id
"""

_FIGURES_COLUMNS = "session_id, system_id, year, region_id, workstream_id, " + ", ".join(COUNTS)
_SUMMARY_KEY = "year, region_id, workstream_id, system_id"

# Sessions whose counts may have changed since %(since)s; the deletion log is taken (deleted)
# by the same statement, so exactly the rows read are gone.
_DIRTY_SQL = """
WITH gone AS (DELETE FROM programmes_figurechange RETURNING session_id, cohort_id)
INSERT INTO summary_dirty (session_id)
SELECT id FROM programmes_session WHERE changed_at >= %(since)s
UNION SELECT s.id FROM programmes_programme p JOIN programmes_session s ON s.programme_id = p.id
      WHERE p.changed_at >= %(since)s
UNION SELECT session_id FROM programmes_booking
      WHERE changed_at >= %(since)s AND session_id IS NOT NULL
UNION SELECT s.id FROM programmes_booking b JOIN programmes_session s ON s.cohort_id = b.cohort_id
      WHERE b.changed_at >= %(since)s AND b.cohort_id IS NOT NULL
UNION SELECT session_id FROM programmes_registerentry WHERE changed_at >= %(since)s
UNION SELECT session_id FROM gone WHERE session_id IS NOT NULL
UNION SELECT s.id FROM gone JOIN programmes_session s ON s.cohort_id = gone.cohort_id
"""


def _params(**extra) -> dict:
    return {"tz": settings.TIME_ZONE, "booked": BOOKED, "bame": BAME, **extra}


def _next_watermark(cursor):
    """The start of the oldest other transaction on this database still open (or now)."""
    cursor.execute(
        """SELECT LEAST(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                WHERE datname = current_database() AND pid <> pg_backend_pid()
                                  AND xact_start IS NOT NULL))"""
    )
    return cursor.fetchone()[0] - CLOCK_MARGIN


def _lock(cursor, *, wait: bool) -> bool:
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    return cursor.fetchone()[0]


def _state(cursor, *, watermark, sessions: int, people: int, horizon: int, started: float):
    cursor.execute(
        """INSERT INTO reporting_summarystate (id, watermark, swept_at, sessions_recounted,
                                                people_recounted, coaching_horizon, milliseconds)
           VALUES (1, %s, now(), %s, %s, %s, %s)
           ON CONFLICT (id) DO UPDATE SET watermark = EXCLUDED.watermark,
               swept_at = EXCLUDED.swept_at, sessions_recounted = EXCLUDED.sessions_recounted,
               people_recounted = EXCLUDED.people_recounted,
               coaching_horizon = EXCLUDED.coaching_horizon,
               milliseconds = EXCLUDED.milliseconds""",
        [watermark, sessions, people, horizon, (time.perf_counter() - started) * 1000],
    )


def coaching_horizon() -> int:
    """The last financial year whose coaching figures the summary keeps: the next one."""
    return financial_year(timezone.localdate())[0].year + 1


_FROZEN = "year IN (SELECT year FROM reporting_frozenyear)"


@dataclass(frozen=True)
class _Level:
    """A figures table (a session's or a person's counts, by year) and the summary that
    sums it by `key`: the two levels both kinds of figures are kept at."""

    figures: str
    columns: str  # the figures table's columns, in the order its counting query returns
    of: str  # what a recount is by: the column a dirty table names (session_id, person_id)
    summary: str
    key: str
    counts: tuple[str, ...]

    def sum_all(self, cursor) -> None:
        """Fill the summary from the figures (of the years not frozen), from scratch."""
        cursor.execute(
            f"""INSERT INTO {self.summary} ({self.key}, {", ".join(self.counts)})
                SELECT {self.key}, {", ".join(f"SUM({n})" for n in self.counts)}
                FROM {self.figures} WHERE NOT {_FROZEN} GROUP BY {self.key}"""
        )

    def replace(self, cursor, *, dirty: str) -> None:
        """Swap the figures of what temp table `dirty` names for those in temp table
        `fresh`, and add the difference (new − old) to the summary cell by cell: one
        upsert, whatever the number of changes. Drops `fresh`."""
        negated = ", ".join(f"-{n} AS {n}" for n in self.counts)
        cursor.execute(
            f"""CREATE TEMP TABLE delta ON COMMIT DROP AS
                WITH old AS (
                    DELETE FROM {self.figures} f USING {dirty} d
                    WHERE f.{self.of} = d.{self.of} AND NOT f.{_FROZEN}
                    RETURNING f.*
                )
                SELECT {self.key}, {negated} FROM old"""
        )
        cursor.execute(f"INSERT INTO {self.figures} ({self.columns}) SELECT * FROM fresh")
        counts = ", ".join(self.counts)
        cursor.execute(f"INSERT INTO delta SELECT {self.key}, {counts} FROM fresh")
        cursor.execute(
            f"""INSERT INTO {self.summary} ({self.key}, {counts})
                SELECT {self.key}, {", ".join(f"SUM({n})" for n in self.counts)}
                FROM delta GROUP BY {self.key}
                HAVING {" OR ".join(f"SUM({n}) <> 0" for n in self.counts)}
                ON CONFLICT ({self.key}) DO UPDATE SET
                {", ".join(f"{n} = {self.summary}.{n} + EXCLUDED.{n}" for n in self.counts)}"""
        )
        cursor.execute("DROP TABLE fresh, delta")


_SESSIONS = _Level(
    figures="reporting_sessionfigures",
    columns=_FIGURES_COLUMNS,
    of="session_id",
    summary="reporting_interventionsummary",
    key=_SUMMARY_KEY,
    counts=COUNTS,
)


@transaction.atomic
def rebuild() -> int:
    """Recount every session and every person of every year not frozen, from scratch. For a
    new database (the data generator, a restore) and as the reference the sweep is tested
    against. Returns the number of sessions counted."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _lock(cursor, wait=True)
        watermark = _next_watermark(cursor)
        # The logs first: whatever they hold is counted below; rows committed later stay.
        cursor.execute("DELETE FROM programmes_figurechange")
        cursor.execute("DELETE FROM reporting_sessionfigures WHERE NOT " + _FROZEN)
        cursor.execute("DELETE FROM reporting_interventionsummary WHERE NOT " + _FROZEN)
        cursor.execute(
            f"INSERT INTO reporting_sessionfigures ({_FIGURES_COLUMNS}) "
            + _COUNT_SQL.format(scope="TRUE", bookings="TRUE"),
            _params(),
        )
        _SESSIONS.sum_all(cursor)
        cursor.execute(
            "SELECT count(*) FROM reporting_sessionfigures WHERE sessions = 1 AND NOT " + _FROZEN
        )
        sessions = cursor.fetchone()[0]
        horizon = coaching_horizon()
        people = _recount_people(cursor, horizon=horizon, everyone=True)
        _state(
            cursor,
            watermark=watermark,
            sessions=sessions,
            people=people,
            horizon=horizon,
            started=started,
        )
    return sessions


# Two statements when nothing changed (the usual case, and the cost a report read pays): take
# the lock if free and read the watermark; then probe each changed_at index and change log
# once, with the watermark as a constant so the planner sees how few rows lie beyond it.
_STATE_SQL = """
SELECT %(lock)s, watermark, coaching_horizon FROM reporting_summarystate WHERE id = 1
"""
_PROBE_SQL = """
SELECT EXISTS (SELECT FROM programmes_session WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_programme WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_booking WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_registerentry WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_figurechange),
       EXISTS (SELECT FROM coaching_figurechange) OR EXISTS (SELECT FROM directory_placechange)
"""


def refresh(*, wait: bool = False, record: bool = False) -> int | None:
    """Bring the summaries up to date with every change committed so far. Returns how many
    sessions were recounted, or None when another sweep holds the lock (and `wait` is
    false). Writes nothing when nothing changed, unless `record` (the beat task) asks."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if wait:
            _lock(cursor, wait=True)
        lock = "true" if wait else f"pg_try_advisory_xact_lock({LOCK_KEY})"
        cursor.execute(_STATE_SQL.replace("%(lock)s", lock))
        row = cursor.fetchone()
        if row is None:  # never built
            return rebuild()
        locked, since, horizon = row
        if not locked:
            return None
        cursor.execute(_PROBE_SQL, {"since": since})
        sessions_changed, people_changed = cursor.fetchone()
        rollover = horizon != coaching_horizon()
        changed = sessions_changed or people_changed or rollover
        dirty = people = 0
        # Read before recounting: whatever commits from here on is beyond it.
        upto = _next_watermark(cursor) if changed or record else None
        if sessions_changed:
            cursor.execute(
                "CREATE TEMP TABLE summary_dirty (session_id bigint PRIMARY KEY) ON COMMIT DROP"
            )
            cursor.execute(_DIRTY_SQL, {"since": since})
            dirty = cursor.rowcount
            if dirty:
                _recount(cursor)
            cursor.execute("DROP TABLE summary_dirty")
        if people_changed or rollover:
            horizon = coaching_horizon()
            people = _recount_people(cursor, horizon=horizon, everyone=rollover)
        if changed or record:
            _state(
                cursor,
                watermark=max(upto, since),
                sessions=dirty,
                people=people,
                horizon=horizon,
                started=started,
            )
    return dirty


def _recount(cursor) -> None:
    """Replace the dirty sessions' SessionFigures and add the difference to the summary."""
    cursor.execute(
        "CREATE TEMP TABLE fresh ON COMMIT DROP AS "
        + _COUNT_SQL.format(
            scope="s.id IN (SELECT session_id FROM summary_dirty)", bookings="TRUE"
        ),
        _params(),
    )
    _SESSIONS.replace(cursor, dirty="summary_dirty")


def freeze(*, year: int, by=None) -> FrozenYear:
    """Close a year: bring its figures up to date one last time, then keep them as they are."""
    refresh(wait=True)
    frozen, _ = FrozenYear.objects.get_or_create(
        year=year, defaults={"frozen_at": timezone.now(), "frozen_by": by}
    )
    return frozen


_REACH = ("bame", "ethnicity_stated")
# Erased people's reach counts in the year's total only: under no workstream or system, and
# with no pairs, so it never shows as a row of its own.
_READ_SQL = f"""
SELECT GROUPING(workstream_id) AS g_ws, GROUPING(system_id) AS g_sys, workstream_id, system_id,
       {", ".join(f"COALESCE(SUM({n}), 0)::int AS {n}" for n in COUNTS)}
FROM (
    SELECT year, region_id, workstream_id, system_id, {", ".join(COUNTS)}
    FROM reporting_interventionsummary
    UNION ALL
    SELECT year, region_id, NULL, NULL, {", ".join(n if n in _REACH else "0" for n in COUNTS)}
    FROM reporting_erasedreach
) f
WHERE year = %(year)s AND (%(region)s::int IS NULL OR region_id = %(region)s::int)
GROUP BY GROUPING SETS ((), (workstream_id), (system_id))
"""


def intervention_figures(*, year: int, region_id: int | None) -> dict:
    """The year's interventions from the summary, in the shape of
    programmes.selectors.intervention_figures (which counts the same from the raw tables),
    with erased people's reach (ErasedReach) in the total."""
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, {"year": year, "region": region_id})
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    total = next((r for r in rows if r["g_ws"] == 1 and r["g_sys"] == 1), None)
    return {
        "sessions": total["sessions"] if total else 0,
        "sessions_by_workstream": {
            r["workstream_id"]: r["sessions"] for r in rows if r["g_ws"] == 0 and r["sessions"]
        },
        "total": total,
        "by_workstream": {r["workstream_id"]: r for r in rows if r["g_ws"] == 0 and r["pairs"]},
        "by_system": {(r["system_id"] or None): r for r in rows if r["g_sys"] == 0 and r["pairs"]},
    }


def erased_reach(*, year: int, region_id: int | None) -> dict[str, int]:
    """The reach erased people's bookings counted in a year (ErasedReach), for a recount
    from the raw tables to add as the summary read does."""
    qs = ErasedReach.objects.filter(year=year)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    sums = qs.aggregate(**{n: Sum(n) for n in _REACH})
    return {n: sums[n] or 0 for n in _REACH}


# The reach of what one person's bookings counted, by year and region: _COUNT_SQL over the
# sessions their bookings cover, counting their bookings only.
_PERSON_SESSIONS = """(
    s.id IN (SELECT session_id FROM programmes_booking WHERE person_id = %(person)s)
    OR s.cohort_id IN (SELECT cohort_id FROM programmes_booking WHERE person_id = %(person)s)
)"""
_KEEP_REACH_SQL = f"""
INSERT INTO reporting_erasedreach (year, region_id, bame, ethnicity_stated)
SELECT year, region_id, SUM(bame), SUM(ethnicity_stated)
FROM ({_COUNT_SQL.format(scope=_PERSON_SESSIONS, bookings="b.person_id = %(person)s")}) mine
GROUP BY year, region_id
HAVING SUM(bame) <> 0 OR SUM(ethnicity_stated) <> 0
ON CONFLICT (year, region_id) DO UPDATE SET
    bame = reporting_erasedreach.bame + EXCLUDED.bame,
    ethnicity_stated = reporting_erasedreach.ethnicity_stated + EXCLUDED.ethnicity_stated
"""


def erased_reach_keep(*, person_id: int) -> int:
    """Before a person's equality answers leave their bookings (erasure): add what their
    attendances count in each year's reach to ErasedReach, of the years not frozen (a frozen
    year's summary keeps them already). Call refresh() once the answers are gone, in the
    same transaction, so no read counts them twice. Returns how many year-regions moved."""
    with connection.cursor() as cursor:
        cursor.execute(_KEEP_REACH_SQL, _params(person=person_id))
        return cursor.rowcount


# Coaching and mentoring ----------------------------------------------------------------------

_FY = "EXTRACT(YEAR FROM {} - INTERVAL '3 months')::int"
_COACHING_SUMS = ", ".join(f"SUM({k}) AS {k}" for k in COACHING_KEYS)

# Each person's part in each year's figures, per service: the counting rule of
# coaching.selectors.figures_by_kind, year by year. A relationship counts in the years it
# starts, runs and ends in (open ones up to the horizon), each checked with the same bounds
# as the live query. {people} limits the people recounted.
_COACHING_COUNT_SQL = f"""
WITH rel AS (
    SELECT r.client_id AS person_id, r.kind, r.status, r.started_on, r.ended_on, y.year,
           make_date(y.year, 4, 1) AS starts, make_date(y.year + 1, 3, 31) AS ends
    FROM coaching_relationship r
    CROSS JOIN LATERAL (
        SELECT generate_series({_FY.format("r.started_on")},
                               LEAST({_FY.format("r.ended_on")}, %(horizon)s))
        UNION SELECT {_FY.format("r.started_on")}
        UNION SELECT {_FY.format("r.ended_on")}
    ) AS y(year)
    WHERE y.year IS NOT NULL AND {{people:r.client_id}}
), parts AS (
    SELECT person_id, kind, year, 0 AS practitioners_approved, 0 AS clients_approved,
        COUNT(*) FILTER (WHERE started_on BETWEEN starts AND ends) AS relationships_commenced,
        COUNT(*) FILTER (WHERE started_on <= ends AND (ended_on IS NULL OR ended_on >= starts))
            AS relationships_active,
        COUNT(*) FILTER (WHERE status = 'completed' AND ended_on BETWEEN starts AND ends)
            AS relationships_completed,
        COUNT(*) FILTER (WHERE started_on IS NOT NULL AND status = 'withdrawn'
                           AND ended_on BETWEEN starts AND ends) AS relationships_withdrawn,
        0 AS hours_logged, 0 AS sessions_logged, 0 AS clients_with_sessions
    FROM rel GROUP BY person_id, kind, year
    UNION ALL
    SELECT r.client_id, r.kind, {_FY.format("l.held_on")}, 0, 0, 0, 0, 0, 0,
           SUM(l.hours), COUNT(*), 1
    FROM coaching_loggedsession l JOIN coaching_relationship r ON r.id = l.relationship_id
    WHERE {{people:r.client_id}} GROUP BY 1, 2, 3
    UNION ALL
    SELECT client_id, kind, {_FY.format("approved_on")}, 0, 1, 0, 0, 0, 0, 0, 0, 0
    FROM coaching_application WHERE approved_on IS NOT NULL AND {{people:client_id}}
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT p.user_id, k.kind, {_FY.format("p.approved_on")}, 1, 0, 0, 0, 0, 0, 0, 0, 0
    FROM coaching_practitioner p
    CROSS JOIN LATERAL (VALUES ('coaching', p.coaches), ('mentoring', p.mentors)) AS k(kind, offers)
    WHERE k.offers AND p.approved_on IS NOT NULL AND {{people:p.user_id}}
)
SELECT parts.year, parts.person_id, parts.kind, COALESCE(ics.region_id, 0) AS region_id,
       {_COACHING_SUMS}
FROM parts
LEFT JOIN directory_profile pr ON pr.user_id = parts.person_id
LEFT JOIN directory_organisation o ON o.id = pr.organisation_id
LEFT JOIN directory_integratedcaresystem ics ON ics.id = o.system_id
WHERE parts.year <= %(horizon)s AND parts.year NOT IN (SELECT year FROM reporting_frozenyear)
GROUP BY parts.year, parts.person_id, parts.kind, ics.region_id
HAVING {" OR ".join(f"SUM({k}) <> 0" for k in COACHING_KEYS)}
"""
_COACHING_COLUMNS = "year, person_id, kind, region_id, " + ", ".join(COACHING_KEYS)

# The people whose figures may have changed: taken from both change logs.
_PEOPLE_DIRTY_SQL = """
WITH coaching AS (DELETE FROM coaching_figurechange RETURNING person_id, relationship_id),
place AS (DELETE FROM directory_placechange RETURNING person_id, organisation_id, system_id)
INSERT INTO coaching_dirty (person_id)
SELECT person_id FROM coaching WHERE person_id IS NOT NULL
UNION SELECT r.client_id FROM coaching
      JOIN coaching_relationship r ON r.id = coaching.relationship_id
UNION SELECT person_id FROM place WHERE person_id IS NOT NULL
UNION SELECT p.user_id FROM place
      JOIN directory_profile p ON p.organisation_id = place.organisation_id
UNION SELECT p.user_id FROM place JOIN directory_organisation o ON o.system_id = place.system_id
      JOIN directory_profile p ON p.organisation_id = o.id
"""


_PEOPLE = _Level(
    figures="reporting_personcoachingfigures",
    columns=_COACHING_COLUMNS,
    of="person_id",
    summary="reporting_coachingsummary",
    key="year, region_id, kind",
    counts=COACHING_KEYS,
)


def _recount_people(cursor, *, horizon: int, everyone: bool) -> int:
    """Replace the coaching figures of the people the change logs name (of `everyone`, for
    a rebuild or when the horizon moves) and bring the regions' sums up to date. Returns
    how many people were recounted."""
    if everyone:
        cursor.execute("DELETE FROM coaching_figurechange")
        cursor.execute("DELETE FROM directory_placechange")
        cursor.execute("DELETE FROM reporting_personcoachingfigures WHERE NOT " + _FROZEN)
        cursor.execute("DELETE FROM reporting_coachingsummary WHERE NOT " + _FROZEN)
        sql = re.sub(r"\{people:[\w.]+\}", "TRUE", _COACHING_COUNT_SQL)
        cursor.execute(
            f"INSERT INTO reporting_personcoachingfigures ({_COACHING_COLUMNS}) {sql}",
            {"horizon": horizon},
        )
        _PEOPLE.sum_all(cursor)
        cursor.execute("SELECT count(DISTINCT person_id) FROM reporting_personcoachingfigures")
        return cursor.fetchone()[0]
    cursor.execute("CREATE TEMP TABLE coaching_dirty (person_id bigint PRIMARY KEY) ON COMMIT DROP")
    cursor.execute(_PEOPLE_DIRTY_SQL)
    people = cursor.rowcount
    sql = re.sub(
        r"\{people:([\w.]+)\}", r"\1 IN (SELECT person_id FROM coaching_dirty)", _COACHING_COUNT_SQL
    )
    cursor.execute("CREATE TEMP TABLE fresh ON COMMIT DROP AS " + sql, {"horizon": horizon})
    _PEOPLE.replace(cursor, dirty="coaching_dirty")
    cursor.execute("DROP TABLE coaching_dirty")
    return people


_COACHING_READ_SQL = f"""
SELECT (SELECT coaching_horizon FROM reporting_summarystate WHERE id = 1), k.kind,
       {", ".join(f"COALESCE(SUM(f.{n}), 0)" for n in COACHING_KEYS)}
FROM (VALUES ('coaching'), ('mentoring')) AS k(kind)
LEFT JOIN reporting_coachingsummary f
       ON f.kind = k.kind AND f.year = %(year)s
      AND (%(region)s::int IS NULL OR f.region_id = %(region)s::int)
GROUP BY k.kind
"""


def coaching_figures(*, year: int, region_id: int | None) -> dict[str, dict] | None:
    """The year's coaching and mentoring figures from the summary, in the shape of
    coaching.selectors.figures_by_kind (which counts the same from the raw tables); None
    before the first sweep and for a year beyond the summary's horizon."""
    with connection.cursor() as cursor:
        cursor.execute(_COACHING_READ_SQL, {"year": year, "region": region_id})
        rows = cursor.fetchall()
    result = {}
    for horizon, kind, *values in rows:
        if horizon is None or year > horizon:
            return None
        figures = dict(zip(COACHING_KEYS, values, strict=True))
        figures["hours_logged"] = float(figures["hours_logged"])
        result[kind] = figures
    return result


def state() -> SummaryState | None:
    return SummaryState.objects.filter(pk=1).first()

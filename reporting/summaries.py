"""Summary tables of the year's interventions, kept up to date incrementally.

Two levels, both derived from the programme tables and rebuildable at will:

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

A frozen year (FrozenYear) keeps its figures as published: sweeps and rebuilds leave it alone.

The counting rule is the one programmes.selectors.intervention_figures applies to the raw
tables, and tests check that both give the same report on generated data.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from programmes.selectors import BAME, BOOKED

from .models import FrozenYear, InterventionCounts, SummaryState

COUNTS = InterventionCounts.COUNTS
# pg_advisory_xact_lock key: one sweep or rebuild at a time.
LOCK_KEY = 7_202_611
# Clocks of application servers and the database may differ by this much.
CLOCK_MARGIN = timedelta(seconds=5)

_YEAR = "EXTRACT(YEAR FROM (s.starts_at AT TIME ZONE %(tz)s) - INTERVAL '3 months')::int"

# The counting rule, per session and participants' system, for sessions in `scope`.
_COUNT_SQL = f"""
WITH s AS (
    SELECT s.id, s.cohort_id, p.workstream_id, p.region_id, {_YEAR} AS year
    FROM programmes_session s JOIN programmes_programme p ON p.id = s.programme_id
    WHERE s.status <> 'cancelled' AND {{scope}}
), pairs AS (
    SELECT s.id AS session_id, b.id AS booking_id, b.status, b.system_id,
           b.ethnic_category, b.staff_group, b.confirmed_at IS NOT NULL AS held
    FROM s JOIN programmes_booking b ON b.session_id = s.id
    UNION ALL
    SELECT s.id, b.id, b.status, b.system_id, b.ethnic_category, b.staff_group,
           b.confirmed_at IS NOT NULL
    FROM s JOIN programmes_booking b ON b.cohort_id = s.cohort_id
    WHERE s.cohort_id IS NOT NULL
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

# Sessions whose counts may have changed since %(since)s.
_DIRTY_SQL = """
INSERT INTO summary_dirty (session_id)
SELECT id FROM programmes_session WHERE changed_at >= %(since)s
UNION SELECT s.id FROM programmes_programme p JOIN programmes_session s ON s.programme_id = p.id
      WHERE p.changed_at >= %(since)s
UNION SELECT session_id FROM programmes_booking
      WHERE changed_at >= %(since)s AND session_id IS NOT NULL
UNION SELECT s.id FROM programmes_booking b JOIN programmes_session s ON s.cohort_id = b.cohort_id
      WHERE b.changed_at >= %(since)s AND b.cohort_id IS NOT NULL
UNION SELECT session_id FROM programmes_registerentry WHERE changed_at >= %(since)s
UNION SELECT session_id FROM programmes_figurechange
      WHERE id <= %(change_id)s AND session_id IS NOT NULL
UNION SELECT s.id FROM programmes_figurechange c
      JOIN programmes_session s ON s.cohort_id = c.cohort_id
      WHERE c.id <= %(change_id)s AND c.cohort_id IS NOT NULL
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


def _state(cursor, *, watermark, sessions: int, started: float) -> None:
    cursor.execute(
        """INSERT INTO reporting_summarystate (id, watermark, swept_at, sessions_recounted,
                                                milliseconds)
           VALUES (1, %s, now(), %s, %s)
           ON CONFLICT (id) DO UPDATE SET watermark = EXCLUDED.watermark,
               swept_at = EXCLUDED.swept_at, sessions_recounted = EXCLUDED.sessions_recounted,
               milliseconds = EXCLUDED.milliseconds""",
        [watermark, sessions, (time.perf_counter() - started) * 1000],
    )


@transaction.atomic
def rebuild() -> int:
    """Recount every session of every year not frozen, from scratch. For a new database
    (the data generator, a restore) and as the reference the sweep is tested against.
    Returns the number of sessions counted."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _lock(cursor, wait=True)
        watermark = _next_watermark(cursor)
        cursor.execute("SELECT COALESCE(max(id), 0) FROM programmes_figurechange")
        change_id = cursor.fetchone()[0]
        frozen = "year IN (SELECT year FROM reporting_frozenyear)"
        cursor.execute(f"DELETE FROM reporting_sessionfigures WHERE NOT {frozen}")
        cursor.execute(f"DELETE FROM reporting_interventionsummary WHERE NOT {frozen}")
        cursor.execute(
            f"INSERT INTO reporting_sessionfigures ({_FIGURES_COLUMNS}) "
            + _COUNT_SQL.format(scope="TRUE"),
            _params(),
        )
        cursor.execute(
            f"""INSERT INTO reporting_interventionsummary ({_SUMMARY_KEY}, {", ".join(COUNTS)})
                SELECT {_SUMMARY_KEY}, {", ".join(f"SUM({n})" for n in COUNTS)}
                FROM reporting_sessionfigures WHERE NOT {frozen}
                GROUP BY {_SUMMARY_KEY}"""
        )
        cursor.execute(
            "SELECT count(*) FROM reporting_sessionfigures WHERE sessions = 1 AND NOT " + frozen
        )
        sessions = cursor.fetchone()[0]
        cursor.execute("DELETE FROM programmes_figurechange WHERE id <= %s", [change_id])
        _state(cursor, watermark=watermark, sessions=sessions, started=started)
    return sessions


# Two statements when nothing changed (the usual case, and the cost a report read pays): take
# the lock if free and read the watermark; then probe each changed_at index once, with the
# watermark as a constant so the planner sees how few rows lie beyond it.
_STATE_SQL = """
SELECT %(lock)s, watermark, (SELECT COALESCE(max(id), 0) FROM programmes_figurechange)
FROM reporting_summarystate WHERE id = 1
"""
_PROBE_SQL = """
SELECT EXISTS (SELECT FROM programmes_session WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_programme WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_booking WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_registerentry WHERE changed_at >= %(since)s)
       OR EXISTS (SELECT FROM programmes_figurechange)
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
        locked, since, change_id = row
        if not locked:
            return None
        cursor.execute(_PROBE_SQL, {"since": since})
        changed = cursor.fetchone()[0]
        dirty = 0
        if changed:
            upto = _next_watermark(cursor)
            cursor.execute(
                "CREATE TEMP TABLE summary_dirty (session_id bigint PRIMARY KEY) ON COMMIT DROP"
            )
            cursor.execute(_DIRTY_SQL, {"since": since, "change_id": change_id})
            dirty = cursor.rowcount
            if dirty:
                _recount(cursor)
            cursor.execute("DELETE FROM programmes_figurechange WHERE id <= %s", [change_id])
            cursor.execute("DROP TABLE summary_dirty")
        if changed or record:
            upto = _next_watermark(cursor) if not changed else upto
            _state(cursor, watermark=max(upto, since), sessions=dirty, started=started)
    return dirty


# The difference, added cell by cell: one upsert, whatever the number of changes.
_APPLY_DELTA_SQL = f"""
INSERT INTO reporting_interventionsummary ({_SUMMARY_KEY}, {", ".join(COUNTS)})
SELECT {_SUMMARY_KEY}, {", ".join(f"SUM({n})" for n in COUNTS)}
FROM summary_delta GROUP BY {_SUMMARY_KEY}
HAVING {" OR ".join(f"SUM({n}) <> 0" for n in COUNTS)}
ON CONFLICT ({_SUMMARY_KEY}) DO UPDATE SET
{", ".join(f"{n} = reporting_interventionsummary.{n} + EXCLUDED.{n}" for n in COUNTS)}
"""


def _recount(cursor) -> None:
    """Replace the dirty sessions' SessionFigures and add the difference to the summary."""
    cursor.execute(
        "CREATE TEMP TABLE summary_fresh ON COMMIT DROP AS "
        + _COUNT_SQL.format(scope="s.id IN (SELECT session_id FROM summary_dirty)"),
        _params(),
    )
    negated = ", ".join(f"-{n} AS {n}" for n in COUNTS)
    cursor.execute(
        f"""CREATE TEMP TABLE summary_delta ON COMMIT DROP AS
            WITH old AS (
                DELETE FROM reporting_sessionfigures f USING summary_dirty d
                WHERE f.session_id = d.session_id
                  AND f.year NOT IN (SELECT year FROM reporting_frozenyear)
                RETURNING f.*
            )
            SELECT {_SUMMARY_KEY}, {negated} FROM old"""
    )
    cursor.execute(
        f"""INSERT INTO reporting_sessionfigures ({_FIGURES_COLUMNS})
            SELECT * FROM summary_fresh"""
    )
    cursor.execute(
        f"""INSERT INTO summary_delta SELECT {_SUMMARY_KEY}, {", ".join(COUNTS)}
            FROM summary_fresh"""
    )
    cursor.execute(_APPLY_DELTA_SQL)
    cursor.execute("DROP TABLE summary_fresh, summary_delta")


def freeze(*, year: int, by=None) -> FrozenYear:
    """Close a year: bring its figures up to date one last time, then keep them as they are."""
    refresh(wait=True)
    frozen, _ = FrozenYear.objects.get_or_create(
        year=year, defaults={"frozen_at": timezone.now(), "frozen_by": by}
    )
    return frozen


_READ_SQL = f"""
SELECT GROUPING(workstream_id) AS g_ws, GROUPING(system_id) AS g_sys, workstream_id, system_id,
       {", ".join(f"COALESCE(SUM({n}), 0)::int AS {n}" for n in COUNTS)}
FROM reporting_interventionsummary
WHERE year = %(year)s AND (%(region)s::int IS NULL OR region_id = %(region)s::int)
GROUP BY GROUPING SETS ((), (workstream_id), (system_id))
"""


def intervention_figures(*, year: int, region_id: int | None) -> dict:
    """The year's interventions from the summary, in the shape of
    programmes.selectors.intervention_figures (which counts the same from the raw tables)."""
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


def state() -> SummaryState | None:
    return SummaryState.objects.filter(pk=1).first()

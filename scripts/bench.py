"""`make bench`: issue 7's measurements against a database filled by the generator.

    make bench                     (BOOKINGS=10000000 YEARS=5 REGIONS=7 by default)

1. The database BENCH_DB (default talentportal_bench, beside the one DATABASE_URL names) is
   created, migrated and filled by `manage.py generate_scale_data` unless it already holds
   exactly BOOKINGS bookings (so a second run measures at once).
2. The year in review's JSON through Django (request to response, signed in as the report
   team, warm): one region-year and the nation-year, RUNS times each; the same statements
   run in psql with \\timing (the reference), and the same figures counted straight from the
   bookings table (the raw scan).
3. Freshness: 10,000 booking changes (cancellations and attendance marked), then one sweep;
   the summary must then equal a raw recount.
4. The year-in-review PDF, built as the Celery task builds it.
5. Booking and the catalogue over HTTP against gunicorn (scripts/bench_http.py), and the
   floor under booking: a signed-in POST that books nothing, on the same gunicorn setup.

Prints a table and writes bench/results.json. Not part of `make test`.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

BOOKINGS = int(os.environ.get("BOOKINGS", "10000000"))
YEARS = int(os.environ.get("YEARS", "5"))
REGIONS = int(os.environ.get("REGIONS", "7"))
RUNS = int(os.environ.get("RUNS", "30"))
BENCH_DB = os.environ.get("BENCH_DB", "talentportal_bench")
CHANGES = 10_000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_url(base: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def psql(url: str, sql: str, *args: str) -> str:
    return subprocess.run(
        ["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-qAt", *args, "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def database_ready(base: str, url: str) -> None:
    """Create, migrate and fill the bench database unless it already holds BOOKINGS."""
    name = BENCH_DB
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"BENCH_DB must be a plain database name, not {name!r}")
    exists = psql(base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
    if not exists:
        log(f"creating database {name}")
        psql(base, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.local",
    }
    py = str(ROOT / ".venv/bin/python")
    subprocess.run([py, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    from bench_http import EMAIL_DOMAIN

    # The generator's bookings: the HTTP benchmark's participants add their own each run.
    assert EMAIL_DOMAIN == "bench.example"
    generated = (
        "SELECT count(*) FROM programmes_booking b JOIN directory_user u ON u.id = b.person_id "
        "WHERE u.email NOT LIKE '%@bench.example'"
    )
    rows = int(psql(url, generated))
    if rows == BOOKINGS:
        log(f"{name} already holds {rows:,} bookings")
        return
    log(f"filling {name}: {BOOKINGS:,} bookings, {YEARS} years, {REGIONS} regions")
    started = time.perf_counter()
    subprocess.run(
        [py, "manage.py", "generate_scale_data", "--bookings", str(BOOKINGS), "--years",
         str(YEARS), "--regions", str(REGIONS), "--replace"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    log(f"generated in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report_client():
    """A Django test client signed in as the report team with a second factor, as staff are."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings

    from talentportal.core.testing import PortalClient
    from talentportal.directory.models import Role, User
    from talentportal.directory.services import role_grant

    user, created = User.objects.get_or_create(
        email="bench-reporter@example.nhs.uk",
        defaults={"first_name": "Bench", "last_name": "Reporter"},
    )
    if created or not user.role_assignments.filter(role=Role.REPORT_TEAM).exists():
        role_grant(user=user, role=Role.REPORT_TEAM)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, base64.b32encode(os.urandom(20)).decode())
    client = PortalClient(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(user)  # as if signed in with password and second factor
    return client


def bench_year() -> int:
    """The latest complete financial year of the generated data."""
    from django.utils import timezone

    from talentportal.core.periods import financial_year

    return financial_year(timezone.localdate())[0].year - 1


def time_report(client, url: str) -> list[float]:
    for _ in range(3):  # warm
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def is_sweep_statement(sql: str) -> bool:
    """The summary sweep's lock-and-watermark read and its probe, which a report read runs
    before its figures (to find nothing changed): freshness, not figures."""
    from reporting import summaries

    return (
        "watermark, coaching_horizon FROM reporting_summarystate" in sql
        or sql.strip().startswith(summaries._PROBE_SQL.strip().split("%(")[0])
    )


def report_statements(*, year: int, region, national: bool, recount: bool) -> list[str]:
    """The SQL statements the report runs for its figures (not the sweep's state read and
    probe, which find that nothing changed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import selectors, summaries

    summaries.refresh(wait=True)
    with CaptureQueriesContext(connection) as captured:
        selectors.annual_report(year=year, region=region, national=national, recount=recount)
    return [
        q["sql"]
        for q in captured.captured_queries
        if not is_sweep_statement(q["sql"]) and "SAVEPOINT" not in q["sql"]
    ]


def psql_timing(url: str, statements: list[str], runs: int = 5) -> float:
    """Median over `runs` of the summed \\timing of the statements run in one psql."""
    script = "\\timing on\n" + "\n".join(s.rstrip().rstrip(";") + ";" for s in statements)
    totals = []
    for _ in range(runs):
        out = subprocess.run(
            ["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-q", "-o", "/dev/null"],
            input=script, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        times = [float(t) for t in re.findall(r"^Time: ([\d.]+) ms", out, re.M)]
        assert len(times) == len(statements), (len(times), len(statements))
        totals.append(sum(times))
    return statistics.median(totals)


def freshness(*, year: int, region) -> dict:
    """A day's changes (CHANGES bookings cancelled or marked) and the one sweep that counts
    them; then the summary must equal a raw recount of the year."""
    from django.db import connection, transaction

    from coaching.selectors import figures_by_kind
    from reporting import selectors, summaries
    from talentportal.core.periods import financial_year_instants, financial_year_of

    summaries.refresh(wait=True)
    start, end = financial_year_instants(year)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.id FROM programmes_registerentry r
               JOIN programmes_session s ON s.id = r.session_id
               WHERE s.starts_at >= %s AND s.starts_at < %s AND r.attendance <> ''
               LIMIT %s""",
            [start, end, CHANGES * 4],
        )
        entries = [r[0] for r in cursor.fetchall()]
    rng = random.Random(7)
    chosen = rng.sample(entries, min(CHANGES, len(entries)))
    started = time.perf_counter()
    for i in range(0, len(chosen), 100):  # a hundred registers marked, one by one
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """UPDATE programmes_registerentry SET attendance = CASE attendance
                       WHEN 'attended' THEN 'did_not_attend' ELSE 'attended' END
                   WHERE id = ANY(%s)""",
                [chosen[i : i + 100]],
            )
    applied = time.perf_counter() - started
    started = time.perf_counter()
    recounted = summaries.refresh(wait=True)
    seconds = time.perf_counter() - started
    same = (
        selectors.annual_report(year=year, region=region)["interventions"]
        == selectors.annual_report(year=year, region=region, recount=True)["interventions"]
    )
    start_day, end_day = financial_year_of(year)
    coaching_same = summaries.coaching_figures(year=year, region_id=region.pk) == (
        figures_by_kind(start=start_day, end=end_day, region_id=region.pk)
    )
    return {
        "changes": len(chosen),
        "changes_apply_seconds": round(applied, 2),
        "refresh_seconds": round(seconds, 2),
        "refresh_sessions_recounted": recounted,
        "summary_equals_recount": same,
        "coaching_summary_equals_live_count": coaching_same,
    }


def pdf_seconds(*, year: int, region) -> tuple[float, int]:
    from reporting import pdf, selectors, services

    review = services.review_ensure(year=year, region=region)
    started = time.perf_counter()
    content, pages = pdf.render(selectors.review_snapshot(review=review))
    return time.perf_counter() - started, pages


def main() -> int:
    base = os.environ["DATABASE_URL"]
    url = bench_url(base)
    database_ready(base, url)

    import bench_http

    bench_http.configure(database_url=url)
    from reporting import selectors

    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
        "cores": os.cpu_count(),
    }
    results["bookings_rows"] = int(psql(url, "SELECT count(*) FROM programmes_booking"))
    results["bookings_generated"] = BOOKINGS
    year, region = bench_year(), selectors.default_region()
    results["year"], results["region"] = year, region.name

    log("report through Django")
    client = report_client()
    region_times = time_report(client, f"/reporting/annual/{year}.json?region={region.name}")
    nation_times = time_report(client, f"/reporting/annual/{year}.json?region=all")
    results["report_region_year_p50_ms"] = round(statistics.median(region_times), 1)
    results["report_region_year_p95_ms"] = round(percentile(region_times, 95), 1)
    results["report_nation_year_p50_ms"] = round(statistics.median(nation_times), 1)
    results["report_nation_year_p95_ms"] = round(percentile(nation_times, 95), 1)

    log("the same statements in psql, and the raw scan")
    statements = report_statements(year=year, region=region, national=False, recount=False)
    results["report_sql_reference_ms"] = round(psql_timing(url, statements), 1)
    results["report_sql_statements"] = len(statements)
    raw = report_statements(year=year, region=region, national=False, recount=True)
    results["report_raw_scan_ms"] = round(psql_timing(url, raw, runs=3), 1)
    nation = report_statements(year=year, region=None, national=True, recount=False)
    results["report_nation_sql_reference_ms"] = round(psql_timing(url, nation), 1)

    log(f"freshness: {CHANGES:,} changes, then a sweep")
    results["freshness"] = freshness(year=year + 1, region=region)

    log("year-in-review PDF")
    seconds, pages = pdf_seconds(year=year, region=region)
    results["pdf_seconds"], results["pdf_pages"] = round(seconds, 2), pages

    if os.environ.get("BENCH_HTTP", "1") == "0":  # for working on the parts above
        results["http"] = {}
    else:
        log("booking, the catalogue and the floor under booking over HTTP")
        (ROOT / "bench").mkdir(exist_ok=True)
        with (ROOT / "bench" / "gunicorn.log").open("w") as gunicorn_log:
            results["http"] = bench_http.run(log=gunicorn_log)
    for key in ("booking_rps", "booking_p95_ms", "overbooked_sessions", "hot_session_rps",
                "catalogue_p95_ms", "catalogue_one_client_p95_ms",
                "catalogue_uncached_one_client_p95_ms", "floor_rps", "floor_p95_ms"):  # fmt: skip
        results[key] = results["http"].get(key)

    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k in results)
    for key, value in results.items():
        if not isinstance(value, dict):
            print(f"  {key:<{width}}  {value}")
    for key, value in results["freshness"].items():
        print(f"  freshness.{key:<{width - 10}}  {value}")
    log(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

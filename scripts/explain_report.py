"""EXPLAIN (ANALYZE, BUFFERS) of the main queries at national scale, as markdown (issue 7).

    DATABASE_URL=.../talentportal_bench .venv/bin/python scripts/explain_report.py > plans.md

Run against the database `make bench` filled. Each statement the year in review runs for a
region-year (from the summaries, and with `recount` straight from the source tables), the
nation-year, the summary sweep's probe and the catalogue's page is run once to warm the
cache, then explained. docs/performance.md quotes the result.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def captured(fn) -> list[tuple[str, list | tuple | dict | None]]:
    from django.db import connection

    # The statements with their parameters, as the cursor received them.
    calls: list[tuple[str, object]] = []

    def wrapper(execute, sql, params, many, context):
        calls.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return [
        (sql, params)
        for sql, params in calls
        if "SAVEPOINT" not in sql and not sql.lstrip().upper().startswith(("BEGIN", "COMMIT"))
    ]


def explain(sql: str, params) -> tuple[float, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # warm
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return float(match.group(1)) if match else 0.0, plan


def section(title: str, statements) -> None:
    print(f"\n### {title}\n")
    total = 0.0
    for n, (sql, params) in enumerate(statements, 1):
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        ms, plan = explain(sql, params)
        total += ms
        first = " ".join(sql.split())[:140]
        print(f"{n}. `{first}…` — {ms:.2f} ms\n\n```\n{plan}\n```\n")
    print(f"Execution time of the statements above: {total:.1f} ms\n")


def main() -> int:
    import bench_http

    bench_http.configure(database_url=os.environ["DATABASE_URL"])
    from django.utils import timezone

    from bench import bench_year, is_sweep_statement  # scripts/bench.py
    from programmes.selectors import programme_list
    from reporting import selectors, summaries

    summaries.refresh(wait=True)
    year, region = bench_year(), selectors.default_region()
    print(f"# Plans, {timezone.now():%Y-%m-%d %H:%M} UTC, year {year}, region {region.name}")

    def report(**kw):
        return captured(lambda: selectors.annual_report(year=year, **kw))

    def keep(statements):
        return [(s, p) for s, p in statements if not is_sweep_statement(s)]

    section("Region-year report from the summaries", keep(report(region=region)))
    section("Nation-year report from the summaries", keep(report(national=True)))
    section(
        "Region-year figures straight from the source tables (recount)",
        keep(report(region=region, recount=True)),
    )
    section(
        "The sweep's probe when nothing changed",
        [(s, p) for s, p in captured(summaries.refresh) if "changed_at" in s],
    )
    page = programme_list(now=timezone.now())[:25]
    section("Catalogue, first page", captured(lambda: list(page)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

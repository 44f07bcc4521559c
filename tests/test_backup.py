"""`make backup` and `make restore` round-trip the demo data.

The database is a private one on the shared server (created and dropped here); the
script runs exactly as the Makefile runs it.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent

# The main tables, and one audit-event table written by triggers (django-pghistory).
MAIN_TABLES = [
    "directory_user",
    "programmes_booking",
    "coaching_relationship",
    "talentpools_poolmembership",
    "talentpools_nomination",
    "directory_roleassignmentevent",
]


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def _admin(statement: sql.Composable) -> None:
    """CREATE or DROP DATABASE, from the server's maintenance database."""
    conn = psycopg2.connect(_url("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def _snapshot(url: str) -> dict[str, int]:
    """Rows of every table, the next value of every sequence, and the number of triggers
    (the audit trail is written by triggers: a restore without them would audit nothing)."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            tables = [row[0] for row in cursor.fetchall()]
            snapshot = {}
            for table in tables:
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                snapshot[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
                "WHERE schemaname = 'public'"
            )
            snapshot.update({f"sequence {name}": value for name, value in cursor.fetchall()})
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND NOT t.tgisinternal"
            )
            snapshot["triggers"] = cursor.fetchone()[0]
    finally:
        conn.close()
    return snapshot


@pytest.fixture
def private_database():
    name = f"tp_backup_{uuid.uuid4().hex[:10]}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result


def test_backup_and_restore_round_trip_the_demo_data(private_database, tmp_path):
    url = _url(private_database)
    manage_env = {
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.test",
        "DATABASE_URL": url,
        "DEMO_DATA_ALLOWED": "1",
        "CELERY_QUEUE": f"tests-{uuid.uuid4().hex[:8]}",
    }
    _run([sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v", "0"],
         manage_env)  # fmt: skip
    # 20 people all go into the demo's talent pool; 50 leave some to be nominated.
    _run([sys.executable, "manage.py", "load_demo", "--people", "50"], manage_env)
    before = _snapshot(url)
    assert all(before[table] > 0 for table in MAIN_TABLES), {t: before[t] for t in MAIN_TABLES}
    assert before["triggers"] > 0

    backup = tmp_path / "portal.dump"
    script_env = {"DATABASE_URL": url}
    # `make restore` without FILE= refuses, and changes nothing.
    refused = subprocess.run(
        ["scripts/backup.sh", "restore", ""], cwd=ROOT, env={**os.environ, **script_env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "make restore FILE=" in refused.stderr

    _run(["scripts/backup.sh", "backup", str(backup)], script_env)
    assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    _admin(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(private_database)))
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(private_database)))
    assert _snapshot(url) == {"triggers": 0}

    _run(["scripts/backup.sh", "restore", str(backup)], script_env)
    after = _snapshot(url)
    assert {t: after[t] for t in MAIN_TABLES} == {t: before[t] for t in MAIN_TABLES}
    assert after == before

    # Restoring over a database that has the schema already (the usual `make restore`).
    _run(["scripts/backup.sh", "restore", str(backup)], script_env)
    assert _snapshot(url) == before

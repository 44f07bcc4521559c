"""Missing services give a one-line message that says what to run, never a stack trace."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.test import RequestFactory

from talentportal.core.middleware import ServiceUnavailableMiddleware

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    env.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings.local")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manage_py_says_to_start_postgresql_when_it_is_down():
    result = _manage("migrate", DATABASE_URL="postgres://x:y@127.0.0.1:9/nowhere")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "PostgreSQL is not reachable at 127.0.0.1:9 (database nowhere): "
        "run `make services`, or set DATABASE_URL."
    ]


def test_manage_py_says_to_start_redis_when_it_is_down():
    result = _manage("shell", "-c", "from django.core.cache import cache; cache.get('x')",
                     REDIS_URL="redis://127.0.0.1:9/0")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Redis is not reachable at 127.0.0.1:9: run `make services`, or set REDIS_URL."
    ]


@pytest.mark.parametrize(
    "message", ["connection refused", "server closed the connection unexpectedly"]
)
def test_a_database_outage_answers_503_not_500(message):
    request = RequestFactory().get("/")
    middleware = ServiceUnavailableMiddleware(lambda r: None)
    response = middleware.process_exception(request, OperationalError(message))
    assert response.status_code == 503
    assert b"service is unavailable" in response.content


def _request_as_signed_in(path, method="get", **env):
    code = (
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "c.cookies['sessionid'] = 'a' * 32\n"
        f"r = getattr(c, {method!r})({path!r}, {{'login': 'a@b.example', 'password': 'x'}})\n"
        "print(r.status_code, b'service is unavailable' in r.content)\n"
    )
    return _manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="talentportal.settings.test", **env)


def test_a_signed_in_person_gets_503_not_500_when_postgresql_is_down():
    result = _request_as_signed_in("/profile/", DATABASE_URL="postgres://x:y@127.0.0.1:9/nowhere")
    assert result.stdout.strip().splitlines()[-1].split() == ["503", "True"], result.stderr


def test_signing_in_while_redis_is_down_gets_503_not_500(db):
    from django.db import connection

    d = connection.settings_dict  # the migrated test database, not the developer's one
    database_url = f"postgres://{d['USER']}:{d['PASSWORD']}@{d['HOST']}:{d['PORT']}/{d['NAME']}"
    result = _request_as_signed_in(
        "/accounts/login/", "post", REDIS_URL="redis://127.0.0.1:9/0", DATABASE_URL=database_url
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["503", "True"], result.stderr


def test_a_deadlock_is_not_reported_as_an_outage():
    request = RequestFactory().get("/")
    middleware = ServiceUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(request, OperationalError("deadlock detected")) is None

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
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "talentportal.settings.local", **env},
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


@pytest.mark.parametrize("message", ["connection refused", "server closed the connection"])
def test_a_database_outage_answers_503_not_500(message):
    request = RequestFactory().get("/")
    middleware = ServiceUnavailableMiddleware(lambda r: None)
    response = middleware.process_exception(request, OperationalError(message))
    assert response.status_code == 503
    assert b"service is unavailable" in response.content

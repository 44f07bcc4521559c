"""Redis and PostgreSQL going away under the portal, for real.

The shared services of `make services` are never touched: each test starts its own
Redis or PostgreSQL (on a free port, data in a temporary directory), stops and
restarts that one, and removes it afterwards.
"""

import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.mail import send_mail
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from programmes.models import Booking
from programmes.tests.factories import SessionFactory
from talentportal import celery_app
from talentportal.notifications.models import OutboundEmail
from talentportal.notifications.tasks import email_deliver_task, email_sweep_task
from talentportal.settings.base import redis_db

pytestmark = pytest.mark.resilience

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def _wait_until(predicate, timeout=60.0, every=0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class PrivateRedis:
    """A throwaway redis-server in the foreground, stopped and started on the same port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("Redis is not installed: run `make deps` (Debian package redis-server).")
        self.process = subprocess.Popen(
            [executable, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert _wait_until(lambda: _answers(self.port), timeout=10), "private Redis did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        assert _wait_until(lambda: not _answers(self.port), timeout=5)


def _pg_bin() -> Path:
    """The PostgreSQL binaries, found as scripts/services.sh finds them."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin")):
        if os.access(f"{directory}/pg_ctl", os.X_OK):
            return Path(directory)
    if shutil.which("pg_ctl"):
        return Path(shutil.which("pg_ctl")).parent
    pytest.fail("PostgreSQL is not installed: run `make deps` (Debian package postgresql).")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (initdb in a temporary directory, trust authentication)."""

    def __init__(self):
        self.bin = _pg_bin()
        # Not under pytest's tmp_path: as root the server runs as the postgres user, who
        # cannot traverse root's private folders.
        self.base = Path(tempfile.mkdtemp(prefix="tp-pg-"))
        self.base.chmod(0o755)
        self.data = self.base / "data"
        self.port = _free_port()
        self.as_root = os.getuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command, cwd="/", capture_output=True, text=True, timeout=90, check=False
        )
        assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def init(self) -> None:
        self.data.mkdir(mode=0o700)
        if self.as_root:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}")  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if self.as_root else []),
                 str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                cwd="/", capture_output=True, timeout=30, check=False,
            )  # fmt: skip
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def private_postgres():
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.start()
        yield postgres
    finally:
        postgres.remove()


# --- Redis down while someone books ---------------------------------------------------------


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _use_broker(url: str) -> None:
    """Point this process's Celery at another broker. Celery keeps the connection and
    producer pools it made for the previous broker URL: drop them, or tasks would still
    be published there."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A real `celery worker` subprocess; its log says when it is connected."""

    def __init__(self, log: Path, mail_dir: Path):
        self.log = log
        self.mail_dir = mail_dir

    def connections(self) -> int:
        return self.log.read_text().count("INFO/MainProcess] Connected to redis://")

    def subjects(self) -> list[str]:
        """The subject of every message the worker delivered (one file per delivery)."""
        if not self.mail_dir.exists():
            return []
        return sorted(
            line.removeprefix("Subject: ")
            for path in self.mail_dir.iterdir()
            for line in path.read_text().splitlines()
            if line.startswith("Subject: ")
        )


@pytest.fixture
def worker_on_private_redis(private_redis, tmp_path, settings):
    """A real `celery worker` and this test process, both using the private Redis as
    broker and cache (as deployed: one REDIS_URL), on a queue of their own."""
    queue = f"tests-{uuid.uuid4().hex[:8]}"
    worker = Worker(tmp_path / "worker.log", tmp_path / "mail")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": private_redis.url,
        "CELERY_BROKER_URL": private_redis.url,
        "CELERY_QUEUE": queue,
        "NOTIFICATIONS_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(worker.mail_dir),
    }
    log = open(worker.log, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "talentportal", "worker", "--pool=solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue,
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.task_default_queue)
    _use_broker(private_redis.url)
    conf.task_always_eager = False
    conf.task_default_queue = queue
    cache = {**settings.CACHES["default"], "LOCATION": redis_db(private_redis.url, 1)}
    try:
        with override_settings(CACHES={"default": cache}):
            yield worker
    finally:
        _use_broker(saved[0])
        conf.task_always_eager, conf.task_default_queue = saved[1:]
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if process.returncode not in (0, -15):
            print(worker.log.read_text())


def _status(email: OutboundEmail) -> str:
    email.refresh_from_db()
    return email.status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_booking_made_while_redis_is_down_is_emailed_once_when_it_is_back(
    worker_on_private_redis, private_redis, client, make_user
):
    worker = worker_on_private_redis
    session = SessionFactory()
    person = make_user()
    client.force_login(person)
    # The worker is up and delivering before Redis goes away.
    send_mail("Before the outage", "Hello.", None, ["first@nhs.example"])
    first = OutboundEmail.objects.get()
    assert _wait_until(lambda: _status(first) == OutboundEmail.Status.SENT, timeout=60), (
        worker.log.read_text()
    )

    private_redis.stop()
    response = client.post(
        reverse("programmes:book", args=["session", session.pk]),
        {"ethnic_category": "Z", "disability": "no", "sex": "male", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:my_bookings")
    assert Booking.objects.get(person=person).status == Booking.Status.CONFIRMED
    email = OutboundEmail.objects.get(subject__startswith="Booking confirmed:")
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 0)
    # The person's bookings page works too, without Redis.
    assert client.get(reverse("programmes:my_bookings")).status_code == 200

    private_redis.start()
    assert _wait_until(lambda: worker.connections() >= 2, timeout=30), (
        f"the worker did not reconnect to Redis:\n{worker.log.read_text()}"
    )
    # Beat runs the sweep every minute; a message never attempted counts as lost once it is
    # two minutes old. Age it instead of waiting, then let two sweeps run back to back, as
    # happens when the worker falls behind: both queue the message, it goes out once.
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=F("created_at") - timedelta(minutes=3)
    )
    email_sweep_task.delay()
    email_sweep_task.delay()
    assert _wait_until(lambda: _status(email) == OutboundEmail.Status.SENT, timeout=30), (
        f"still {email.status} after 30 seconds:\n{worker.log.read_text()}"
    )
    assert email.attempts == 1

    # Later sweeps and a late retry of the same message send nothing more. A last message
    # queued after them shows when the worker (one task at a time, in order) is done.
    email_sweep_task.delay()
    email_deliver_task.delay(email.pk)
    send_mail("Queued last", "Hello.", None, ["last@nhs.example"])
    last = OutboundEmail.objects.get(subject="Queued last")
    assert _wait_until(lambda: _status(last) == OutboundEmail.Status.SENT, timeout=30)
    assert worker.subjects() == sorted(["Before the outage", email.subject, "Queued last"])
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


# --- PostgreSQL restarting under a running portal -------------------------------------------


def _get(port: int, path: str, session_key: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={session_key}"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from talentportal.directory.tests.factories import UserFactory

user = UserFactory()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def test_the_portal_rides_out_a_postgresql_restart(private_postgres, private_redis, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.test",
        "DATABASE_URL": private_postgres.create_database("portal"),
        "REDIS_URL": private_redis.url,
        "CELERY_BROKER_URL": private_redis.url,
        "CELERY_QUEUE": f"tests-{uuid.uuid4().hex[:8]}",
        "DB_CONN_MAX_AGE": "60",  # persistent connections, as deployed
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--no-input", "--skip-checks", "-v", "0")
    session_key = manage("shell", "-v", "0", "-c", SIGN_IN).split()[-1]

    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "talentportal.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    page = reverse("programmes:catalogue")  # signed in: the session, the person, programmes

    def get(path):
        return _get(port, path, session_key)

    try:
        assert _wait_until(lambda: _answers(port), timeout=30), "gunicorn did not start"
        assert get("/health/")[0] == 200
        status, body = get(page)
        assert status == 200, body

        # Restarted between two requests: the worker's persistent connection is dead.
        # CONN_HEALTH_CHECKS notices before the next request uses it; no error at all.
        private_postgres.stop()
        private_postgres.start()
        status, body = get(page)
        assert status == 200, body

        # While it is down: a plain 503 page, never a 500.
        private_postgres.stop()
        for _ in range(2):
            status, body = get(page)
            assert status == 503, body
            assert "the service is unavailable" in body
        assert get("/health/")[0] == 503

        # Back up: the same server process answers normally again.
        private_postgres.start()
        status, body = get(page)
        assert status == 200, body
        assert get("/health/")[0] == 200
        assert server.poll() is None, "gunicorn exited"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    # Django logs each 503 with its cause; a 500 would be logged as "Internal Server Error".
    assert "Internal Server Error" not in (tmp_path / "gunicorn.log").read_text()

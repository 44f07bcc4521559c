"""Load test: 50 concurrent people browsing and booking against gunicorn on 127.0.0.1.

    make loadtest            (USERS=50 SECONDS=60 by default)

Builds its own database (talentportal_load, dropped and recreated), 30 sessions of 10 to 60
places and one signed-in person per client, starts gunicorn (4 workers), and for SECONDS
each client loops: the catalogue, a programme page, and a booking of a random session.
Prints requests per second, p50/p95/p99 latency per kind, the count of 5xx answers and of
overbooked sessions (checked from the database afterwards), and writes bench/loadtest.json.
Exits non-zero on any 5xx or any overbooked session.
"""

from __future__ import annotations

import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
USERS = int(os.environ.get("USERS", "50"))
# One key for the sessions made here and the server that reads them.
SECRET_KEY = os.environ.setdefault("SECRET_KEY", f"load-test-{random.random()}")
# Production settings require it; the same key for the data made here and the server.
os.environ.setdefault(
    "MFA_ENCRYPTION_KEYS", base64.urlsafe_b64encode(random.randbytes(32)).decode()
)
SECONDS = int(os.environ.get("SECONDS", "60"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> tuple[str, list[tuple[str, str]], list[tuple[int, str]]]:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    url = f"{base}/talentportal_load"
    subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-qc", "DROP DATABASE IF EXISTS talentportal_load"],
        check=True,
    )  # noqa: E501
    subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-qc", "CREATE DATABASE talentportal_load"], check=True
    )  # noqa: E501
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings.local")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from datetime import timedelta

    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.utils import timezone

    from programmes.models import Programme, Session, Workstream
    from talentportal.directory.models import Organisation, OrganisationType, Region
    from talentportal.directory.services import user_create

    region = Region.objects.get(name="Midlands")
    org = Organisation.objects.create(
        name="Load Test Trust", type=OrganisationType.objects.first(),
        system=region.systems.first(),
    )  # fmt: skip
    rng = random.Random(1)
    sessions = []
    for n in range(30):
        programme = Programme.objects.create(
            title=f"Load programme {n}", slug=f"load-{n}", summary="Load test.",
            workstream=Workstream.objects.first(), people_plan_theme="growing",
            format="workshop", delivery="virtual", region=region, published=True,
        )  # fmt: skip
        start = timezone.now() + timedelta(days=7 + n)
        session = Session.objects.create(
            programme=programme, starts_at=start, ends_at=start + timedelta(hours=2),
            capacity=rng.randint(10, 60), joining_url="https://meet.example/x",
        )  # fmt: skip
        sessions.append((session.pk, programme.slug))
    cookies = []
    for n in range(USERS):
        user = user_create(email=f"load{n}@nhs.example", first_name="Load", last_name=str(n))
        user.profile.organisation = org
        user.profile.band, user.profile.staff_group, user.profile.job_title = "7", "clinical", "X"
        user.profile.save()
        client = Client()
        client.force_login(user)
        cookies.append((client.cookies["sessionid"].value, _get_new_csrf_string()))
    return url, cookies, sessions


def run_client(base, session_cookie, csrf, sessions, stop_at, results, lock):
    headers = {"Cookie": f"sessionid={session_cookie}; csrftoken={csrf}", "X-CSRFToken": csrf,
               "Referer": base + "/"}  # fmt: skip
    rng = random.Random(session_cookie)

    def call(kind, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base + path, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception:  # connection refused or reset: counted as a server failure
            status = 599
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results.append((kind, status, elapsed))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    while time.monotonic() < stop_at:
        session_id, slug = rng.choice(sessions)
        call("catalogue", "/programmes/")
        call("programme", f"/programmes/{slug}/")
        answers = {"ethnic_category": "A", "disability": "no", "sex": "female"}
        call("book", f"/programmes/book/session/{session_id}/", {**answers, "confirmed": "yes"})


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else None


def main() -> int:
    url, cookies, sessions = prepare()
    port = free_port()
    # The server runs as in production (DEBUG off, manifest static files), over plain HTTP.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "talentportal.wsgi:application", "-b",
         f"127.0.0.1:{port}", "-w", "4", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health/", timeout=2)
            break
        except Exception:
            time.sleep(0.2)
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=run_client, args=(base, s, c, sessions, stop_at, results, lock))
        for s, c in cookies
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    server.terminate()
    server.wait(timeout=20)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM programmes_session s WHERE s.taken > s.capacity OR
               (SELECT count(*) FROM programmes_booking b WHERE b.session_id = s.id
                  AND b.status IN ('confirmed', 'offered')) > s.capacity"""
        )
        overbooked = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM programmes_booking WHERE status = 'confirmed'")
        confirmed = cursor.fetchone()[0]
    errors = sum(1 for _, status, _ in results if status >= 500)
    report = {
        "users": USERS,
        "seconds": round(duration, 1),
        "requests": len(results),
        "requests_per_second": round(len(results) / duration, 1),
        "server_errors_5xx": errors,
        "overbooked_sessions": overbooked,
        "confirmed_bookings": confirmed,
        "cores": os.cpu_count(),
    }
    for kind in ("catalogue", "programme", "book"):
        times = [ms for k, _, ms in results if k == kind]
        report[f"{kind}_p50_ms"] = round(statistics.median(times), 1) if times else None
        report[f"{kind}_p95_ms"] = round(percentile(times, 0.95), 1) if times else None
    report["all_p95_ms"] = round(percentile([ms for _, _, ms in results], 0.95), 1)
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench" / "loadtest.json").write_text(json.dumps(report, indent=2) + "\n")
    for key, value in report.items():
        print(f"{key:24} {value}")
    return 1 if errors or overbooked else 0


if __name__ == "__main__":
    sys.exit(main())

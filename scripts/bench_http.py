"""HTTP benchmark of booking and the catalogue against gunicorn on 127.0.0.1 (issue 7).

    .venv/bin/python scripts/bench_http.py --database-url postgres://.../talentportal_bench
        [--gunicorn sync:4 gthread:2x4 ...] [--seconds 30] [--json out.json]

Works on a database that already holds the catalogue (about 1,000 programmes with dated
sessions, as `manage.py generate_scale_data` makes it). It adds its own participants (people
with complete profiles in an existing organisation, each with a signed-in Django session made
as allauth's password sign-in makes one), picks future bookable sessions with places left,
starts gunicorn (production settings, DEBUG off) and drives it with `wrk`: a C load generator
that needs well under 1 % of the CPU a request costs the server, so the two cores are left to
gunicorn and PostgreSQL. Every booking request is the POST a browser sends from the booking
page (CSRF cookie and token, the three equality answers) for a (person, session) pair used
once; it is answered with a redirect to "My bookings" (a place, or a waiting-list place when
the session is full) or, when refused, to the programme page. Afterwards the database is
checked: no session may hold more places than its capacity, ever.

Measured: booking spread over a few hundred sessions (`bench_booking`), all clients booking
one session (`bench_hot_session`), the catalogue page (`bench_catalogue`), and the floor
under booking (`bench_floor`): the same clients' POSTs to a view that does only what every
signed-in form POST does and books nothing (scripts/bench_floor). Each reports
requests per second, latency percentiles, answers by status code and the CPU milliseconds
each request cost gunicorn, PostgreSQL, wrk and everything else on the machine (from /proc),
so a run on a shared machine shows itself (`foreign_cpu_pct`).

wrk keeps `connections` requests in flight (a closed loop): the mean latency is then
connections / throughput, so 50 clients at 300 requests a second wait 167 ms on average
whatever the server does. `think_ms` makes each client pause between requests instead.

Importable (`scripts/bench.py` does): call `configure(database_url=...)` once (it sets Django
up in the calling process, production settings), then `run()` for everything, or the pieces:
`participants_prepare`, `sessions_pick`, `Gunicorn`, `bench_booking`, `bench_hot_session`,
`bench_catalogue`, `bench_floor`, `integrity_check`. `run()` returns a dict with, at the top level:
booking_rps, booking_p50_ms, booking_p95_ms, booking_p99_ms, booking_errors (answers that were
not 2xx/3xx, plus requests wrk got no answer to), booking_refused (redirects elsewhere than
"My bookings"), overbooked_sessions (sessions with more bookings holding a place than their
capacity), hot_session_rps, hot_session_p95_ms, catalogue_rps, catalogue_p50_ms,
catalogue_p95_ms, catalogue_one_client_p95_ms (the same pages, one client at a time),
catalogue_uncached_one_client_p95_ms (one client, every page rendered afresh), floor_rps,
floor_p95_ms, floor_errors (the floor's answers other than the redirect to My bookings),
gunicorn (the configuration, e.g. "sync:4") and gunicorn_args; and the full measurements
under "booking", "hot", "catalogue", "catalogue_one_client",
"catalogue_uncached_one_client" and "floor".
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETTINGS = "talentportal.settings.production"
PREFIX = "bench-http"  # participants are bench-http-<tag>-<n>@bench.example
EMAIL_DOMAIN = "bench.example"
BOOKED_MARK = "/programmes/my-bookings/"  # where a booking (or waiting-list place) redirects
EQUALITY = {"ethnic_category": "A", "disability": "no", "sex": "female", "confirmed": "yes"}
CATALOGUE_PATHS = (
    "/programmes/",
    "/programmes/?page=2",
    "/programmes/?delivery=virtual",
    "/programmes/?q=leadership",
)
# Measured on this project's 2-core machine (see docs in the report of issue 7): four sync
# workers keep both cores busy while some wait for PostgreSQL; more only add switching.
DEFAULT_GUNICORN = "sync:4"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# One request list per wrk thread (line k goes to thread k mod threads), sent in turn; a
# `response` hook counts each status code and whether a redirect went to `mark`.
LUA = r"""
local threads = {}
local reqs = {}
local n, i = 0, 0
statuses = {}
marked, unmarked, wraps = 0, 0, 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local function split(line)
  local out = {}
  for part in string.gmatch(line .. "\t", "([^\t]*)\t") do table.insert(out, part) end
  return out
end

function init(args)
  local nthreads, k = tonumber(args[2]), 0
  mark = args[3] or ""
  local origin = args[4] or ""
  for line in io.lines(args[1]) do
    if k % nthreads == tid then
      local f = split(line)
      local headers = {["Cookie"] = f[3]}
      local body = nil
      if f[1] == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = origin
        headers["Referer"] = origin .. f[2]
        body = f[4]
      end
      n = n + 1
      reqs[n] = wrk.format(f[1], f[2], headers, body)
    end
    k = k + 1
  end
end

function request()
  i = i + 1
  if i > n then i = 1; wraps = wraps + 1 end
  return reqs[i]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and status < 400 then
    local loc = headers["Location"] or headers["location"] or ""
    if mark ~= "" and string.find(loc, mark, 1, true) then
      marked = marked + 1
    else
      unmarked = unmarked + 1
    end
  end
end

function done(summary, latency, requests)
  local codes, m, u, w = {}, 0, 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do codes[k] = (codes[k] or 0) + v end
    m = m + t:get("marked")
    u = u + t:get("unmarked")
    w = w + t:get("wraps")
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": {%s}, ' ..
    '"redirect_marked": %d, "redirect_other": %d, "wraps": %d, "errors": {"connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", "), m, u, w, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# With think time: each connection waits this long after an answer before its next request.
LUA_THINK = "\nfunction delay()\n  return {think_ms}\nend\n"


# Configuration and Django


@dataclass
class BenchEnv:
    """What the harness and the server it starts share: database, Redis and secret key."""

    database_url: str
    redis_url: str
    secret_key: str
    extra: dict[str, str] = field(default_factory=dict)
    # Production settings require MFA_ENCRYPTION_KEYS (a Fernet key: 32 random bytes, base64).
    mfa_keys: str = field(
        default_factory=lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )

    def server_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_BROKER_URL": self.redis_url,
            # Booking emails are queued for Celery on a queue nobody consumes (it is emptied
            # after each run; the outbox rows stay pending): no worker sends them.
            "CELERY_QUEUE": "talentportal-bench-http",
            "CACHE_KEY_PREFIX": "tp-bench-http",
            "SECRET_KEY": self.secret_key,
            "MFA_ENCRYPTION_KEYS": self.mfa_keys,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1, no TLS proxy in front
            "LOG_LEVEL": "WARNING",
            **self.extra,
        }


_env: BenchEnv | None = None


def _redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def configure(
    *,
    database_url: str,
    redis_url: str | None = None,
    redis_db: int = 7,
    secret_key: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> BenchEnv:
    """Set up Django in this process (production settings) on `database_url`, and remember
    the environment the gunicorn started later gets. Redis: `redis_url`'s server (default
    $REDIS_URL) with database number `redis_db`, not 0 (which `make run` and Celery use)."""
    global _env
    redis_url = redis_url or os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")
    env = BenchEnv(
        database_url=database_url,
        redis_url=_redis_db(redis_url, redis_db),
        secret_key=secret_key or f"bench-http-{secrets.token_hex(24)}",
        extra=dict(extra_env or {}),
    )
    from django.conf import settings

    if settings.configured:
        name, wanted = settings.DATABASES["default"]["NAME"], urlsplit(database_url).path[1:]
        if name != wanted:
            raise RuntimeError(f"Django is already set up on database {name}, not {wanted}")
        env.secret_key = settings.SECRET_KEY  # the sessions made here must be the server's
        from talentportal.directory.mfa import encryption_keys

        env.mfa_keys = ",".join(encryption_keys())  # and so must two-factor secrets
    else:
        os.environ.update(env.server_env())
        import django

        django.setup()
    _env = env
    return env


def _bench_env() -> BenchEnv:
    if _env is None:
        raise RuntimeError("call bench_http.configure(database_url=...) first")
    return _env


# Participants and sessions


@dataclass(frozen=True)
class Participant:
    user_id: int
    session_cookie: str  # the sessionid cookie
    csrf_secret: str  # the csrftoken cookie
    csrf_token: str  # the masked token the booking form carries

    @property
    def cookie(self) -> str:
        from django.conf import settings

        return (
            f"{settings.SESSION_COOKIE_NAME}={self.session_cookie}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_secret}"
        )


def participants_prepare(
    *, count: int = 6000, tag: str = "p", organisation_id: int | None = None
) -> list[Participant]:
    """`count` participants (no role, so no second factor; a complete profile, band 6
    clinical, in an existing organisation of the portal's region), each with a new
    signed-in session. The people are made once per `tag` and reused by later runs."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from talentportal.directory.models import Organisation, Profile, User

    if organisation_id is None:
        organisations = Organisation.objects.order_by("pk")
        organisation = (
            organisations.filter(system__region__name=settings.PORTAL_REGION).first()
            or organisations.first()
        )
        if organisation is None:
            raise RuntimeError("the database has no organisation to put participants in")
        organisation_id = organisation.pk
    emails = [f"{PREFIX}-{tag}-{n}@{EMAIL_DOMAIN}" for n in range(count)]
    have = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    missing = [e for e in emails if e not in have]
    unusable = make_password(None)
    with transaction.atomic():
        for start in range(0, len(missing), 2000):
            users = User.objects.bulk_create(
                User(email=e, first_name="Bench", last_name=e.split("@")[0], password=unusable)
                for e in missing[start : start + 2000]
            )
            Profile.objects.bulk_create(
                Profile(
                    user=u,
                    organisation_id=organisation_id,
                    band="6",
                    staff_group="clinical",
                    profession="nursing_midwifery",
                    job_title="Ward manager",
                )
                for u in users
            )
            have.update((u.email, u.pk) for u in users)
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    people = []
    signed_in_at = time.time()
    for user in User.objects.filter(pk__in=[have[e] for e in emails]).order_by("pk"):
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["account_authentication_methods"] = [
            {"method": "password", "at": signed_in_at, "email": user.email}
        ]
        store.create()
        secret = _get_new_csrf_string()
        people.append(Participant(user.pk, store.session_key, secret, _mask_cipher_secret(secret)))
    return people


def sessions_pick(*, count: int = 300, min_free: int = 5, now=None) -> tuple[list[int], int]:
    """(`count` sessions spread over programmes, one hot session): future single sessions
    the bench participants may book now (scheduled, booking open, programme published and
    open to them) with at least `min_free` places left, the freest first; the hot session
    is the freest of all and is not among the others."""
    from django.db.models import F, Q
    from django.utils import timezone

    from programmes.models import Programme, Session
    from programmes.selectors import programme_eligible_filter
    from talentportal.directory.models import Profile

    now = now or timezone.now()
    sample = (
        Profile.objects.select_related("organisation")
        .filter(user__email__startswith=PREFIX + "-", user__email__endswith="@" + EMAIL_DOMAIN)
        .first()
    )
    open_to_them = programme_eligible_filter(
        Programme.objects.filter(published=True), profile=sample
    ).values("pk")
    candidates = list(
        Session.objects.filter(
            programme__in=open_to_them,
            status=Session.Status.SCHEDULED,
            cohort__isnull=True,
            starts_at__gt=now + timedelta(days=1),
            taken__lte=F("capacity") - min_free,
        )
        .filter(Q(module__isnull=True) | Q(module__bookable_singly=True))
        .filter(Q(booking_opens_at__isnull=True) | Q(booking_opens_at__lte=now))
        .filter(
            Q(booking_closes_at__isnull=True) | Q(booking_closes_at__gt=now + timedelta(hours=1))
        )
        .annotate(free=F("capacity") - F("taken"))
        .order_by("-free", "pk")
        .values_list("pk", "programme_id")[:20000]
    )
    if len(candidates) < 2:
        raise RuntimeError("fewer than two bookable sessions with places left")
    hot, rest = candidates[0][0], candidates[1:]
    # Spread: at most `per` sessions of any one programme.
    per = max(1, math.ceil(count / len({p for _, p in rest})))
    picked: list[int] = []
    of_programme: dict[int, int] = {}
    for pk, programme_id in rest:
        if of_programme.get(programme_id, 0) < per:
            picked.append(pk)
            of_programme[programme_id] = of_programme.get(programme_id, 0) + 1
            if len(picked) == count:
                break
    return picked, hot


def booking_lines(people: list[Participant], sessions: list[int], n: int) -> list[str]:
    """Up to `n` booking POSTs for wrk, each for a (person, session) pair used once and not
    already held: round r books person i on session (i * 7 + r) mod S, people in turn, so
    consecutive requests go to different people and sessions."""
    from programmes.models import Booking

    held = set(
        Booking.objects.filter(
            person_id__in=[p.user_id for p in people],
            session_id__in=sessions,
            status__in=Booking.ACTIVE,
        ).values_list("person_id", "session_id")
    )
    lines: list[str] = []
    for r in range(len(sessions)):
        for i, p in enumerate(people):
            session = sessions[(i * 7 + r) % len(sessions)]
            if (p.user_id, session) in held:
                continue
            body = urlencode({"csrfmiddlewaretoken": p.csrf_token, **EQUALITY})
            lines.append(f"POST\t/programmes/book/session/{session}/\t{p.cookie}\t{body}")
            if len(lines) == n:
                return lines
    return lines


# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class GunicornConfig:
    workers: int = 4
    worker_class: str = "sync"  # or "gthread"
    threads: int = 1
    keepalive: int = 5  # seconds; gthread only (a sync worker closes every connection)

    @classmethod
    def parse(cls, text: str) -> GunicornConfig:
        """ "sync:4" or "gthread:2x4" (workers x threads)."""
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        return cls(
            workers=int(workers or 4), worker_class=kind or "sync", threads=int(threads or 1)
        )

    def label(self) -> str:
        threads = f"x{self.threads}" if self.worker_class == "gthread" else ""
        return f"{self.worker_class}:{self.workers}{threads}"

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class,
                "--keep-alive", str(self.keepalive), "--backlog", "2048"]  # fmt: skip
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args


class Gunicorn:
    """gunicorn on 127.0.0.1 on a free port, with production settings (DEBUG off, manifest
    static files) but plain HTTP. A context manager; `app_root` serves another checkout of
    the portal (to compare before and after a change on the same database)."""

    def __init__(self, config: GunicornConfig, env: BenchEnv | None = None, *, log=None,
                 app_root: str | Path | None = None):  # fmt: skip
        self.config = config
        self.env = env or _bench_env()
        self.app_root = Path(app_root or ROOT)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        env = self.env.server_env()
        if not (self.app_root / "staticfiles" / "staticfiles.json").exists():
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                           cwd=self.app_root, env=env, check=True)  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "talentportal.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", *self.config.args()],
            cwd=self.app_root, env=env, stdout=self.log, stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/health/", timeout=2) as answer:
                    if answer.status == 200 and len(self.worker_pids()) >= self.config.workers:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /health/ within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            out = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(x) for x in out.split()]


# Measuring


def _processes() -> dict[int, tuple[str, float]]:
    """Every process: (its command line, CPU seconds used so far)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm, rest = stat.split(" (", 1)[1].rsplit(")", 1)
        fields = rest.split()
        out[int(entry.name)] = (cmdline or comm, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return out


def _machine() -> tuple[float, float, float]:
    """(busy, stolen, all) CPU seconds of the machine so far, from /proc/stat (busy: neither
    idle, waiting for I/O nor stolen by the hypervisor)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, steal, total = values[3] + values[4], values[7], sum(values[:8])
    return (total - idle - steal) / CLK_TCK, steal / CLK_TCK, total / CLK_TCK


class CpuMeter:
    """Where the machine's CPU went between start() and stop(): gunicorn (master and
    workers), the PostgreSQL backends of the bench database, the rest of PostgreSQL, Redis,
    wrk, this process, other processes, and what no live process accounts for (the kernel's
    own work, and processes that came and went meanwhile)."""

    def __init__(self, server: Gunicorn):
        self.server = server

    def _kind(self, pid: int, cmd: str) -> str:
        from django.conf import settings

        if pid == os.getpid():
            return "harness"
        if self.server.process is not None and pid in (self.server.process.pid, *self.workers):
            return "gunicorn"
        if cmd.startswith("postgres:"):
            name = settings.DATABASES["default"]["NAME"]
            return "postgres_bench_db" if f" {name} " in cmd else "postgres_other"
        if "redis-server" in cmd:
            return "redis"
        return "other"

    def start(self) -> None:
        self.workers = set(self.server.worker_pids())
        self.before = _processes()
        self.machine = _machine()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def stop(self) -> dict:
        after, machine = _processes(), _machine()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        used: dict[str, float] = {}
        for pid, (cmd, cpu) in after.items():
            kind = self._kind(pid, cmd)
            used[kind] = used.get(kind, 0.0) + cpu - self.before.get(pid, (cmd, 0.0))[1]
        # wrk has exited by now: its CPU is among this process's reaped children.
        used["wrk"] = (children.ru_utime + children.ru_stime) - (
            self.children.ru_utime + self.children.ru_stime
        )
        busy, steal, wall = (machine[i] - self.machine[i] for i in range(3))
        used["unattributed"] = max(0.0, busy - sum(used.values()))
        ours = sum(used.get(k, 0.0) for k in ("gunicorn", "postgres_bench_db", "redis", "wrk"))
        return {
            "cpu_s": {k: round(v, 2) for k, v in sorted(used.items())},
            "machine_busy_pct": round(100 * busy / wall, 1) if wall else None,
            # CPU used by anything but the server, its database, Redis and wrk: a high
            # figure means the machine was shared and the run's throughput is too low.
            "foreign_cpu_pct": round(100 * (busy - ours) / wall, 1) if wall else None,
            "steal_pct": round(100 * steal / wall, 1) if wall else None,
        }


def _per_request(cpu: dict, requests: int) -> dict:
    """CPU milliseconds per answered request, by where they were spent."""
    if not requests:
        return {}
    per = {k: round(1000 * v / requests, 2) for k, v in cpu["cpu_s"].items() if v >= 0.01}
    return {
        "cpu_ms_per_request": per,
        "machine_busy_pct": cpu["machine_busy_pct"],
        "foreign_cpu_pct": cpu["foreign_cpu_pct"],
        "steal_pct": cpu["steal_pct"],
    }


def wrk_run(
    *,
    base: str,
    lines: list[str],
    seconds: float,
    connections: int = 50,
    threads: int = 2,
    mark: str = "",
    think_ms: int = 0,
    timeout_s: int = 10,
) -> dict:
    """wrk against `base` for `seconds`, sending `lines` (method, path, cookie, body; tab
    separated) in turn. `mark`: a redirect whose Location contains it counts as success."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: run `make deps` (Debian package wrk)")
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        script = Path(tmp) / "requests.lua"
        script.write_text(LUA + (LUA_THINK.format(think_ms=int(think_ms)) if think_ms else ""))
        data = Path(tmp) / "requests.tsv"
        data.write_text("\n".join(lines) + "\n")
        cmd = [wrk, "--connections", str(connections), "--threads", str(threads),
               "--duration", f"{max(1, round(seconds))}s", "--timeout", f"{timeout_s}s",
               "--latency", "--script", str(script), base,
               "--", str(data), str(threads), mark, base]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = re.search(r"^WRK_JSON (.*)$", proc.stdout, re.M)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    raw = json.loads(found.group(1))
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    duration = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(duration, 2),
        "connections": connections,
        "think_ms": think_ms,
        "rps": round(raw["requests"] / duration, 1),
        **{f"{p}_ms": round(raw[f"{p}_us"] / 1000, 1) for p in ("p50", "p90", "p95", "p99")},
        "max_ms": round(raw["max_us"] / 1000, 1),
        "statuses": dict(sorted(statuses.items())),
        # Answers that were not 2xx or 3xx ...
        "errors": sum(v for k, v in statuses.items() if not 200 <= k < 400),
        # ... and requests that got no answer (connect/read/write errors, timeouts).
        "socket_errors": {k: v for k, v in raw["errors"].items() if k != "status"},
        "redirect_marked": raw["redirect_marked"],
        "redirect_other": raw["redirect_other"],
        "wraps": raw["wraps"],  # times the request list ran out and started again
    }


def integrity_check() -> dict:
    """From the database: sessions (and cohorts) holding more bookings with a place
    (confirmed or offered) than their capacity; whose `taken` counter exceeds capacity; and
    whose counter differs from the bookings holding a place."""
    from django.db import connection

    sql = """
        SELECT count(*) FILTER (WHERE coalesce(h.n, 0) > t.capacity),
               count(*) FILTER (WHERE t.taken > t.capacity),
               count(*) FILTER (WHERE coalesce(h.n, 0) <> t.taken)
        FROM {table} t LEFT JOIN (
            SELECT {fk} AS id, count(*) AS n FROM programmes_booking
            WHERE {fk} IS NOT NULL AND status IN ('confirmed', 'offered') GROUP BY {fk}
        ) h ON h.id = t.id
    """
    out = {}
    with connection.cursor() as cursor:
        for kind, table, fk in (
            ("sessions", "programmes_session", "session_id"),
            ("cohorts", "programmes_cohort", "cohort_id"),
        ):
            cursor.execute(sql.format(table=table, fk=fk))  # noqa: S608 (constants only)
            over, counter_over, mismatch = cursor.fetchone()
            out[f"overbooked_{kind}"] = over
            out[f"{kind}_taken_over_capacity"] = counter_over
            out[f"{kind}_taken_mismatch"] = mismatch
    return out


def _marks() -> tuple[int, int]:
    """The newest booking and outbox ids."""
    from django.db.models import Max

    from programmes.models import Booking
    from talentportal.notifications.models import OutboundEmail

    return (
        Booking.objects.aggregate(m=Max("pk"))["m"] or 0,
        OutboundEmail.objects.aggregate(m=Max("pk"))["m"] or 0,
    )


def _settle(timeout_s: float = 30) -> tuple[int, int]:
    """Wait until the server has answered what wrk left in flight (no new booking for half a
    second), and return the marks then: what comes after them is the next run's."""
    deadline = time.monotonic() + timeout_s
    last = _marks()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _marks()
        if now == last:
            break
        last = now
    return last


def _outcomes(people: list[Participant], since: tuple[int, int]) -> dict:
    """The participants' bookings made after the `since` marks, by status, and the booking
    confirmations queued for them (exactly one per confirmed booking)."""
    from django.db.models import Count

    from programmes.models import Booking
    from talentportal.notifications.models import OutboundEmail

    by_status = dict(
        Booking.objects.filter(person_id__in=[p.user_id for p in people], pk__gt=since[0])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    emails = OutboundEmail.objects.filter(
        pk__gt=since[1],
        subject__startswith="Booking confirmed:",
        recipients__0__startswith=PREFIX + "-",
    ).count()
    return {
        "bookings_by_status": by_status,
        "confirmation_emails": emails,
        "emails_match": emails == by_status.get("confirmed", 0),
    }


def _drain_celery_queue(env: BenchEnv) -> None:
    """Drop the delivery tasks the bookings queued (their outbox rows stay pending)."""
    import redis

    client = redis.Redis.from_url(env.redis_url)
    client.delete(env.server_env()["CELERY_QUEUE"])
    client.close()


def _measure(
    server: Gunicorn,
    people: list[Participant],
    lines: list[str],
    *,
    seconds: float,
    connections: int,
    bookings: bool,
    threads: int = 2,
    mark: str = "",
    think_ms: int = 0,
) -> dict:
    since = _settle()
    meter = CpuMeter(server)
    meter.start()
    result = wrk_run(base=server.base, lines=lines, seconds=seconds, connections=connections,
                     threads=threads, mark=mark, think_ms=think_ms)  # fmt: skip
    result.update(_per_request(meter.stop(), result["requests"]))
    if bookings:
        _settle()
        result.update(_outcomes(people, since))
    result["distinct_requests"] = len(lines)
    return result


def _warm(server: Gunicorn, people: list[Participant], sessions: list[int]) -> None:
    """A few seconds of page views, so every worker has its connections and templates."""
    lines = [f"GET\t/programmes/\t{p.cookie}\t" for p in people[:50]]
    lines += [f"GET\t/programmes/book/session/{s}/\t{people[0].cookie}\t" for s in sessions[:50]]
    wrk_run(base=server.base, lines=lines, seconds=3, connections=10, threads=1)


def bench_booking(
    server: Gunicorn,
    people: list[Participant],
    sessions: list[int],
    *,
    seconds: float = 30,
    connections: int = 50,
    think_ms: int = 0,
    warmup_s: float = 3,
    max_rps: int = 1000,
) -> dict:
    """`connections` clients booking for `seconds`, each request a (person, session) pair
    of its own (enough of them for `max_rps`), after a warm-up of booking."""
    warm_n = int(max_rps * warmup_s)
    lines = booking_lines(people, sessions, warm_n + int(max_rps * seconds))
    if warmup_s:
        wrk_run(base=server.base, lines=lines[:warm_n], seconds=warmup_s,
                connections=connections, mark=BOOKED_MARK, think_ms=think_ms)  # fmt: skip
    return _measure(server, people, lines[warm_n:], seconds=seconds, connections=connections,
                    mark=BOOKED_MARK, think_ms=think_ms, bookings=True)  # fmt: skip


def bench_hot_session(
    server: Gunicorn,
    people: list[Participant],
    hot: int,
    *,
    seconds: float = 30,
    connections: int = 50,
) -> dict:
    """Every client books the same session, each participant once: its places, then its
    waiting list. If the run outlasts the participants, the rest are refused repeats."""
    lines = booking_lines(people, [hot], len(people))
    return _measure(server, people, lines, seconds=seconds, connections=connections,
                    mark=BOOKED_MARK, bookings=True)  # fmt: skip


def bench_floor(
    config: GunicornConfig,
    people: list[Participant],
    *,
    seconds: float = 15,
    connections: int = 50,
    log=None,
    app_root: str | Path | None = None,
) -> dict:
    """The floor under booking: the same clients POST to a view that does only what every
    signed-in form POST does (scripts/bench_floor: session, user, roles, CSRF, the audit
    context, a message, the redirect to My bookings) and books nothing, on a gunicorn of the
    same configuration. No booking can be served faster than this on the machine."""
    env = _bench_env()
    floor_env = dataclasses.replace(env, extra={
        **env.extra,
        "DJANGO_SETTINGS_MODULE": "bench_floor.settings",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")]
        ),
    })  # fmt: skip
    lines = [
        f"POST\t/bench-floor/\t{p.cookie}\t{urlencode({'csrfmiddlewaretoken': p.csrf_token})}"
        for p in people[:1000]
    ]
    with Gunicorn(config, floor_env, log=log, app_root=app_root) as server:
        wrk_run(base=server.base, lines=lines, seconds=3, connections=connections,
                mark=BOOKED_MARK)  # fmt: skip
        return _measure(server, people, lines, seconds=seconds, connections=connections,
                        mark=BOOKED_MARK, bookings=False)  # fmt: skip


def bench_catalogue(
    server: Gunicorn,
    people: list[Participant],
    *,
    seconds: float = 15,
    connections: int = 10,
    paths: tuple[str, ...] = CATALOGUE_PATHS,
    uncached: bool = False,
) -> dict:
    """The catalogue page, signed in as participants: the first page, the second, filters.
    The page is rendered once per query and kept for a minute (programmes.views), so this
    mostly measures pages already kept. `uncached`: the same pages, each request with a
    parameter of its own that the catalogue does not know (`n=<i>`), so each is rendered
    afresh and not kept: what a page costs when it is not kept."""
    pairs = [(p, path) for p in people[:200] for path in paths]
    random.Random(7).shuffle(pairs)
    if uncached:  # enough distinct queries that wrk never comes round to one again
        pairs = [
            (p, f"{path}{'&' if '?' in path else '?'}n={i}")
            for i, (p, path) in enumerate(pairs * 10)
        ]
    lines = [f"GET\t{path}\t{p.cookie}\t" for p, path in pairs]
    result = _measure(server, people, lines, seconds=seconds, connections=connections,
                      threads=1, bookings=False)  # fmt: skip
    result["paths"] = list(paths)
    return result


def run(
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    redis_db: int = 7,
    gunicorn: GunicornConfig | str = DEFAULT_GUNICORN,
    seconds: float = 30,
    connections: int = 50,
    think_ms: int = 0,
    people: int = 6000,
    sessions: int = 300,
    hot: bool = True,
    catalogue: bool = True,
    catalogue_seconds: float = 15,
    catalogue_connections: int = 10,
    floor: bool = True,
    tag: str = "p",
    app_root: str | Path | None = None,
    log=None,
) -> dict:
    """Everything: participants and sessions, gunicorn, booking spread over `sessions`
    sessions, one hot session, the catalogue, and the database checks. Uses the database
    of an earlier `configure()` unless `database_url` is given."""
    if database_url is not None or _env is None:
        if database_url is None:
            database_url = os.environ["DATABASE_URL"]
        configure(database_url=database_url, redis_url=redis_url, redis_db=redis_db)
    env = _bench_env()
    config = GunicornConfig.parse(gunicorn) if isinstance(gunicorn, str) else gunicorn
    participants = participants_prepare(count=people, tag=tag)
    spread, hot_session = sessions_pick(count=sessions)
    report: dict = {
        "gunicorn": config.label(),
        "gunicorn_args": config.args(),
        "cores": os.cpu_count(),
        "connections": connections,
        "seconds": seconds,
        "people": len(participants),
        "sessions": len(spread),
        "hot_session": hot_session,
    }
    try:
        with Gunicorn(config, env, log=log, app_root=app_root) as server:
            _warm(server, participants, spread)
            report["booking"] = bench_booking(
                server,
                participants,
                spread,
                seconds=seconds,
                connections=connections,
                think_ms=think_ms,
            )
            if hot:
                report["hot"] = bench_hot_session(
                    server, participants, hot_session, seconds=seconds, connections=connections
                )
            if catalogue:
                report["catalogue"] = bench_catalogue(
                    server,
                    participants,
                    seconds=catalogue_seconds,
                    connections=catalogue_connections,
                )
                # The same pages for one client at a time: what a page costs, without the
                # queue the clients above form on two cores (reported beside, not instead).
                report["catalogue_one_client"] = bench_catalogue(
                    server, participants, seconds=catalogue_seconds, connections=1
                )
                report["catalogue_uncached_one_client"] = bench_catalogue(
                    server, participants, seconds=catalogue_seconds, connections=1, uncached=True
                )
        if floor:
            report["floor"] = bench_floor(
                config, participants, seconds=catalogue_seconds, connections=connections,
                log=log, app_root=app_root,
            )  # fmt: skip
    finally:
        _drain_celery_queue(env)
    report.update(integrity_check())
    booking = report["booking"]
    report.update(
        booking_rps=booking["rps"],
        booking_p50_ms=booking["p50_ms"],
        booking_p95_ms=booking["p95_ms"],
        booking_p99_ms=booking["p99_ms"],
        booking_errors=booking["errors"] + sum(booking["socket_errors"].values()),
        booking_refused=booking["redirect_other"],
    )
    if hot:
        report.update(
            hot_session_rps=report["hot"]["rps"],
            hot_session_p95_ms=report["hot"]["p95_ms"],
            hot_session_errors=report["hot"]["errors"]
            + sum(report["hot"]["socket_errors"].values()),
        )
    if catalogue:
        report.update(
            catalogue_rps=report["catalogue"]["rps"],
            catalogue_p50_ms=report["catalogue"]["p50_ms"],
            catalogue_p95_ms=report["catalogue"]["p95_ms"],
            catalogue_one_client_p95_ms=report["catalogue_one_client"]["p95_ms"],
            catalogue_uncached_one_client_p95_ms=report["catalogue_uncached_one_client"]["p95_ms"],
        )
    if floor:
        report.update(
            floor_rps=report["floor"]["rps"],
            floor_p95_ms=report["floor"]["p95_ms"],
            floor_errors=report["floor"]["errors"]
            + sum(report["floor"]["socket_errors"].values())
            + report["floor"]["redirect_other"],
        )
    return report


# Development: a catalogue without the generator, and a clean slate between runs


def dev_seed(*, programmes: int = 1000, seed: int = 1) -> int:
    """Top the catalogue up to `programmes` programmes (nine in ten published, one in ten
    for bands 8a and 8b only), each with past and future sessions: for a database that holds
    only the demo data. Returns how many were added."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from programmes.models import Delivery, Format, PeoplePlanTheme, Programme, Session, Workstream
    from talentportal.directory.models import Region

    rng = random.Random(seed)
    have = Programme.objects.count()
    if have >= programmes:
        return 0
    region = Region.objects.get(name=settings.PORTAL_REGION)
    workstreams = list(Workstream.objects.all()) or [Workstream.objects.create(name="Bench")]
    formats = [f for f in Format.values if f != Format.SERIES_BUNDLE]
    words = [
        "Leadership",
        "Compassion",
        "Coaching",
        "Inclusion",
        "Finance",
        "Quality",
        "Safety",
        "Change",
        "Teams",
        "Resilience",
        "Strategy",
        "Digital",
    ]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        new = Programme.objects.bulk_create(
            Programme(
                title=f"{rng.choice(words)} {rng.choice(words)} {n}",
                slug=f"bench-programme-{n}",
                summary="A programme of the bench catalogue. " * 4,
                workstream=rng.choice(workstreams),
                people_plan_theme=rng.choice(PeoplePlanTheme.values),
                format=rng.choice(formats),
                delivery=rng.choice(Delivery.values),
                region=region,
                published=rng.random() < 0.9,
                eligible_bands=["8a", "8b"] if rng.random() < 0.1 else [],
            )
            for n in range(have, programmes)
        )
        sessions = []
        for programme in new:
            for k in range(rng.randint(1, 3)):  # delivered
                start = now - timedelta(days=rng.randint(1, 200), hours=k)
                sessions.append((programme, start, rng.randint(20, 60), Session.Status.DELIVERED))
            for k in range(rng.randint(2, 5)):  # to come
                start = now + timedelta(days=rng.randint(3, 300), hours=k)
                sessions.append((programme, start, rng.randint(20, 80), Session.Status.SCHEDULED))
        Session.objects.bulk_create(
            (
                Session(
                    programme=p,
                    starts_at=start,
                    ends_at=start + timedelta(hours=3),
                    capacity=capacity,
                    status=status,
                    joining_url="https://meet.example/x",
                )
                for p, start, capacity, status in sessions
            ),
            batch_size=2000,
        )
    return len(new)


def bookings_reset(*, tag: str = "p") -> int:
    """Development only: delete the bench participants' bookings (their register entries and
    emails too) and recount the places of the sessions they held. Returns how many went."""
    from django.db import connection, transaction

    people = f"{PREFIX}-{tag}-%@{EMAIL_DOMAIN}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_gone ON COMMIT DROP AS SELECT b.id, b.session_id "
            "FROM programmes_booking b JOIN directory_user u ON u.id = b.person_id "
            "WHERE u.email LIKE %s",
            [people],
        )
        cursor.execute(
            "DELETE FROM programmes_registerentry WHERE booking_id IN (SELECT id FROM bench_gone)"
        )
        cursor.execute("DELETE FROM programmes_booking WHERE id IN (SELECT id FROM bench_gone)")
        gone = cursor.rowcount
        cursor.execute(
            "UPDATE programmes_session s SET taken = (SELECT count(*) FROM programmes_booking b "
            "WHERE b.session_id = s.id AND b.status IN ('confirmed', 'offered')) "
            "WHERE s.id IN (SELECT DISTINCT session_id FROM bench_gone)"
        )
        cursor.execute(
            "DELETE FROM notifications_outboundemail WHERE recipients->>0 LIKE %s", [people]
        )
    return gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument(
        "--gunicorn",
        nargs="+",
        default=[DEFAULT_GUNICORN],
        help='configurations to measure in turn: "sync:N" or "gthread:NxT"',
    )
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="each client waits this long between requests (default: none)",
    )
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--no-hot", action="store_true")
    parser.add_argument("--no-catalogue", action="store_true")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--catalogue-seconds", type=float, default=15)
    parser.add_argument("--tag", default="p", help="which set of bench participants to use")
    parser.add_argument("--app-root", type=Path, help="serve this checkout (a baseline, say)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--dev-seed",
        type=int,
        metavar="N",
        help="development: top the catalogue up to N programmes first",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="development: delete the participants' bookings before each run",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required")
    configure(database_url=args.database_url, redis_url=args.redis_url, redis_db=args.redis_db)
    if args.dev_seed:
        print(f"added {dev_seed(programmes=args.dev_seed)} programmes", file=sys.stderr)
    results = []
    for config in args.gunicorn:
        if args.reset:
            print(f"reset: {bookings_reset(tag=args.tag)} bookings deleted", file=sys.stderr)
        report = run(
            gunicorn=config,
            seconds=args.seconds,
            connections=args.connections,
            think_ms=args.think_ms,
            people=args.people,
            sessions=args.sessions,
            hot=not args.no_hot,
            catalogue=not args.no_catalogue,
            floor=not args.no_floor,
            catalogue_seconds=args.catalogue_seconds,
            tag=args.tag,
            app_root=args.app_root,
        )
        results.append(report)
        print(json.dumps({k: v for k, v in report.items() if not isinstance(v, dict)}, indent=2))
        for part in ("booking", "hot", "catalogue", "catalogue_one_client",
                     "catalogue_uncached_one_client"):  # fmt: skip
            if part in report:
                print(part, json.dumps(report[part]))
    if args.json:
        args.json.write_text(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    bad = any(r["overbooked_sessions"] or r["booking_errors"] for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

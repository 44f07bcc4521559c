"""A real Celery worker, over the real Redis, delivers mail written by the portal."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.mail import send_mail
from django.db import connection

from talentportal import celery_app
from talentportal.notifications.models import OutboundEmail
from talentportal.notifications.services import email_deliver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    """Start `celery worker` on a queue of its own, against the test database."""
    queue = f"tests-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "NOTIFICATIONS_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "talentportal", "worker", "--pool=solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue,
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    # This process dispatches for real instead of running tasks eagerly.
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if process.returncode not in (0, -15):
            print((tmp_path / "worker.log").read_text())


def _wait_until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_delivers_an_email_once_after_commit(worker):
    send_mail("Welcome to the portal", "Hello.", None, ["ada@nhs.example"])
    email = OutboundEmail.objects.get()

    def sent():
        email.refresh_from_db()
        return email.status == OutboundEmail.Status.SENT

    assert _wait_until(sent), "the worker did not deliver the message within 60 seconds"
    files = list(worker.iterdir())
    assert len(files) == 1
    assert "Subject: Welcome to the portal" in files[0].read_text()
    # A late retry of the same message sends nothing more.
    assert email_deliver(email_id=email.pk) is False
    assert len(list(worker.iterdir())) == 1


def test_a_worker_builds_the_year_in_review_pdf(worker, make_user):
    from django.utils import timezone

    from reporting import selectors, services
    from reporting.models import ReportFile
    from talentportal.directory.models import Role

    review = services.review_ensure(year=2022, region=selectors.default_region())
    report = services.pdf_request(
        review=review, user=make_user(Role.REPORT_TEAM), now=timezone.now()
    )

    def built():
        report.refresh_from_db()
        return report.status in (ReportFile.Status.READY, ReportFile.Status.FAILED)

    assert _wait_until(built, timeout=120), f"still {report.status} after 120 seconds"
    assert report.status == ReportFile.Status.READY, report.error
    assert report.pdf.open("rb").read(5) == b"%PDF-"
    assert report.snapshot["figures"]["year"] == 2022

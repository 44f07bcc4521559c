from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import (
    SMTPConnectError,
    SMTPException,
    SMTPResponseException,
    SMTPServerDisconnected,
)

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboundEmail
from .serialisation import message_to_payload, payload_to_message

logger = logging.getLogger(__name__)


def _dispatch(email_id: int) -> None:
    from .tasks import email_deliver_task

    try:
        email_deliver_task.delay(email_id)
    except Exception as exc:  # the broker is down: the sweep will send it later
        logger.warning("could not queue email %s (%s); the sweep will retry", email_id, exc)


def email_queue(*, message: EmailMessage) -> OutboundEmail:
    """Store a message in the outbox and ask Celery to deliver it after commit."""
    recipients = message.recipients()
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            subject=str(message.subject)[:998],
            recipients=recipients,
            payload=message_to_payload(message),
        )
        transaction.on_commit(lambda: _dispatch(email.pk))
    return email


MAX_ATTEMPTS = 8


def _is_transient(exc: Exception) -> bool:
    """Worth trying again later: the mail server is unreachable, busy or said 4xx."""
    if isinstance(exc, SMTPServerDisconnected | SMTPConnectError):
        return True
    if isinstance(exc, SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, SMTPException):
        return False  # e.g. every recipient refused: trying again will not help
    return isinstance(exc, OSError | TimeoutError)


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def email_deliver(*, email_id: int, now=None) -> bool:
    """Send one outbox message unless it has been sent already. Returns True if sent now.

    The row is locked while sending and a concurrent attempt skips it, so no message
    goes out twice. A transient failure (the mail server is unreachable) schedules the
    next attempt with exponential backoff, up to MAX_ATTEMPTS; any other failure, or
    the last attempt, marks the message failed with its reason.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        connection = get_connection(settings.NOTIFICATIONS_DELIVERY_BACKEND)
        try:
            payload_to_message(email.payload, connection=connection).send()
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_transient(exc) and email.attempts < MAX_ATTEMPTS:
                email.next_attempt_at = now + _backoff(email.attempts)
                logger.warning("email %s: attempt %s failed (%s)", email.pk, email.attempts, exc)
            else:
                email.status = OutboundEmail.Status.FAILED
                email.next_attempt_at = None
                logger.error("email %s failed for good: %s", email.pk, exc)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = now
        email.last_error = ""
        email.next_attempt_at = None
        email.save(update_fields=["status", "sent_at", "attempts", "last_error", "next_attempt_at"])
        return True


def email_due_ids(*, now=None, limit: int = 500) -> list[int]:
    """Pending messages whose retry is due, or whose first dispatch seems lost
    (written over two minutes ago and never attempted, e.g. Redis was down)."""
    now = now or timezone.now()
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(minutes=2))
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def email_prune(*, older_than: timedelta, now=None) -> int:
    """Delete messages after a while, whatever became of them: the outbox is not an
    archive of personal data (it holds password-reset links, for one)."""
    now = now or timezone.now()
    deleted, _ = OutboundEmail.objects.filter(created_at__lt=now - older_than).delete()
    return deleted

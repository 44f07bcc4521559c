from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
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


def email_deliver(*, email_id: int, now=None) -> bool:
    """Send one outbox message unless it has been sent already. Returns True if sent now.

    The row stays locked while sending, so a concurrent retry or sweep waits and
    then sees it sent: no message goes out twice.
    """
    now = now or timezone.now()
    failure: Exception | None = None
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
            # Record the attempt (committed), then let the task decide whether to retry.
            failure = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = now
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    if failure is not None:
        raise failure
    return True


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.FAILED, last_error=error[:2000]
    )


def email_pending_ids(*, older_than: timedelta, now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, created_at__lte=now - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def email_prune(*, older_than: timedelta, now=None) -> int:
    """Delete sent messages after a while: the outbox is not an archive of personal data."""
    now = now or timezone.now()
    deleted, _ = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENT, sent_at__lt=now - older_than
    ).delete()
    return deleted

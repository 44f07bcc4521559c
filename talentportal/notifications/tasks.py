from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task

from . import services

TRANSIENT = (SMTPException, OSError, TimeoutError)


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
    time_limit=120,
    soft_time_limit=100,
)
def email_deliver_task(self, email_id: int) -> bool:
    try:
        return services.email_deliver(email_id=email_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.email_mark_failed(email_id=email_id, error=str(exc))
        raise


@shared_task(time_limit=120)
def email_sweep_task() -> int:
    """Queue messages whose dispatch was lost (e.g. Redis was down when they were written)."""
    ids = services.email_pending_ids(older_than=timedelta(minutes=2))
    for email_id in ids:
        email_deliver_task.delay(email_id)
    return len(ids)


@shared_task(time_limit=300)
def email_prune_task() -> int:
    return services.email_prune(older_than=timedelta(days=30))

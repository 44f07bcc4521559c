from celery import shared_task
from django.utils import timezone

from talentportal.directory.services import equality_snapshots_refresh

from . import selectors, services


@shared_task(time_limit=300, soft_time_limit=280)
def offers_expire_task() -> int:
    """Every few minutes: expire unanswered waiting-list offers and pass the places on."""
    return services.offers_expire(now=timezone.now())


@shared_task(time_limit=600, soft_time_limit=580)
def reminders_send_task() -> int:
    """Every quarter hour: remind people of sessions starting within the reminder window."""
    return services.reminders_send(now=timezone.now())


@shared_task(time_limit=900, soft_time_limit=870)
def reach_snapshots_task(force: bool = False) -> int:
    """Every night: publish every programme's participants by ethnic group in each
    financial year that has ended: a year not yet published, or one whose records changed
    since (checked beside what was shown); the others are kept as they were published."""
    now = timezone.now()
    return equality_snapshots_refresh(
        prefix=selectors.REACH,
        compute=lambda: selectors.reach_tables(today=timezone.localdate(now)),
        now=now,
        force=True,  # only new or changed years are written: nothing to wait for
        keep_unchanged=True,
    )

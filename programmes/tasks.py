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
    """Every night: publish anew every programme's participants by ethnic group, once per
    EQUALITY_SNAPSHOT_DAYS (the impact report shows when it was taken)."""
    return equality_snapshots_refresh(
        prefix=selectors.REACH, compute=selectors.reach_tables, now=timezone.now(), force=force
    )

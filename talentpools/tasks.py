from celery import shared_task
from django.utils import timezone

from talentportal.directory.services import equality_snapshots_refresh

from . import selectors


@shared_task(time_limit=900, soft_time_limit=870)
def make_up_snapshots_task(force: bool = False) -> int:
    """Every night: publish anew the make-up of the pool, every cohort and every GMTS
    intake, once per EQUALITY_SNAPSHOT_DAYS (the page shows when it was taken)."""
    now = timezone.now()
    return equality_snapshots_refresh(
        prefix=selectors.MAKE_UP,
        compute=lambda: selectors.make_up_tables(on=timezone.localdate(now)),
        now=now,
        force=force,
    )

from celery import shared_task

from . import services


@shared_task(time_limit=120, soft_time_limit=100)
def email_deliver_task(email_id: int) -> bool:
    """Deliver one outbox message. Failures are rescheduled on the row, not by Celery,
    so the sweep below owns every retry and its backoff."""
    return services.email_deliver(email_id=email_id)


# The soft limit must be stated whenever time_limit is below CELERY_TASK_SOFT_TIME_LIMIT
# (240 s): otherwise the task inherits that soft limit, and Celery refuses to send a task
# whose soft limit exceeds its hard one (beat's every attempt fails with a SchedulingError).
@shared_task(time_limit=120, soft_time_limit=100)
def email_sweep_task() -> int:
    """Every minute: queue messages whose retry is due or whose dispatch was lost."""
    ids = services.email_due_ids()
    for email_id in ids:
        email_deliver_task.delay(email_id)
    return len(ids)


@shared_task(time_limit=300)
def email_prune_task() -> int:
    from datetime import timedelta

    return services.email_prune(older_than=timedelta(days=30))

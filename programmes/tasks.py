from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(time_limit=300, soft_time_limit=280)
def offers_expire_task() -> int:
    """Every few minutes: expire unanswered waiting-list offers and pass the places on."""
    return services.offers_expire(now=timezone.now())


@shared_task(time_limit=600, soft_time_limit=580)
def reminders_send_task() -> int:
    """Every quarter hour: remind people of sessions starting within the reminder window."""
    return services.reminders_send(now=timezone.now())

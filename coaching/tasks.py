from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(time_limit=600, soft_time_limit=580)
def coaching_daily_task() -> dict:
    """Each morning: expire unanswered requests, remind and close quiet relationships,
    and remind practitioners whose supervision is about to lapse."""
    today = timezone.localdate()
    reminded, closed = services.relationships_inactivity(today=today)
    return {
        "requests_expired": services.requests_expire(today=today),
        "quiet_reminded": reminded,
        "quiet_closed": closed,
        "supervision_reminders": services.supervision_reminders(today=today),
    }

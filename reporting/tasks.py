from celery import shared_task
from django.utils import timezone

from . import services, summaries


@shared_task(time_limit=300, soft_time_limit=280)
def report_render_task(file_id: int) -> str | None:
    report = services.pdf_render(file_id=file_id, now_func=timezone.now)
    return report.status if report else None


@shared_task(time_limit=60, soft_time_limit=50)  # a soft limit below the hard one
def report_sweep_task() -> dict:
    return services.pdf_sweep(now=timezone.now())


@shared_task(time_limit=120, soft_time_limit=110)
def summaries_refresh_task() -> int | None:
    """Count what changed since the last sweep into the summary tables (beat, every 15 s)."""
    return summaries.refresh(record=True)

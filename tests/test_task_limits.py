"""Celery refuses to send a task whose soft time limit exceeds its hard one, and a task
without its own soft limit inherits CELERY_TASK_SOFT_TIME_LIMIT: every task states both."""

from django.conf import settings

from talentportal import celery_app


def test_every_portal_task_can_be_sent():
    celery_app.loader.import_default_modules()
    tasks = [t for name, t in celery_app.tasks.items() if not name.startswith("celery.")]
    assert len(tasks) >= 8
    for task in tasks:
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert soft < hard, f"{task.name}: soft limit {soft} s is not below the hard {hard} s"

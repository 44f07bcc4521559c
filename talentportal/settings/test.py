"""Tests: the real PostgreSQL and Redis, Celery eager unless a test starts a worker."""

import os

from .base import *  # noqa: F403
from .base import env, redis_db

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
NOTIFICATIONS_DELIVERY_BACKEND = env(
    "NOTIFICATIONS_DELIVERY_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# Each pytest-xdist worker has a Redis database of its own for the cache (1, 2, ...), so
# clearing it between tests touches neither the other worker nor the Celery broker (db 0).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
CACHES["default"]["LOCATION"] = redis_db(REDIS_URL, 1 + int(_worker or 0))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that start a real worker use their own queue, so a `make run` worker
# on the same Redis never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "talentportal-tests")

DEMO_DATA_ALLOWED = True
# Every test Client builds its own handler; do not let WhiteNoise scan STATIC_ROOT each time.
WHITENOISE_AUTOREFRESH = True

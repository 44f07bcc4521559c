"""Tests: the real PostgreSQL and Redis, Celery eager unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
NOTIFICATIONS_DELIVERY_BACKEND = env(
    "NOTIFICATIONS_DELIVERY_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# A key prefix per run keeps rate-limit counters of parallel test runs apart.
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", "tp-test")  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that start a real worker use their own queue, so a `make run` worker
# on the same Redis never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "talentportal-tests")

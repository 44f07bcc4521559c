"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
# Local mail is printed by the worker instead of being sent.
NOTIFICATIONS_DELIVERY_BACKEND = env(
    "NOTIFICATIONS_DELIVERY_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Stored files live under MEDIA_ROOT and are never served from MEDIA_URL, here as in
# production (talentportal/urls.py): each is downloaded through a view that checks access.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEMO_DATA_ALLOWED = True

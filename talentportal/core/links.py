"""Absolute links for emails, which are read outside the portal."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)

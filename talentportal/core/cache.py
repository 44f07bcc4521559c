"""Rendered HTML kept in the cache (Redis), for pages read far more often than they change."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def cached_html(key: str, render: Callable[[], str], *, seconds: int) -> SafeString:
    """The HTML `render()` returns, kept under `key` for `seconds` (the key must name
    everything the HTML depends on). While Redis is unreachable every request renders it
    afresh: slower, never refused."""
    try:
        html = cache.get(key)
    except RedisError as error:
        log.warning("cache unavailable, rendering %s afresh: %s", key, error)
        return render()
    if html is None:
        html = render()
        try:
            cache.set(key, str(html), seconds)
        except RedisError as error:
            log.warning("cache unavailable, %s not kept: %s", key, error)
    return mark_safe(html)  # noqa: S308 (only HTML this portal's templates rendered is kept)

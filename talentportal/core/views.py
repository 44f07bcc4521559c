import sys
import time

from django.http import HttpResponse
from django.template import loader

from .services_check import is_outage


def parse_id(value) -> int:
    """An id from a form field; anything else matches nothing (so a 404), never a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def outage_response() -> HttpResponse:
    """A 503 page that needs neither the database nor Redis (no context processors)."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request):
    """handler500: an outage of PostgreSQL or Redis is a 503 with a plain message.

    It also catches errors raised in middleware (loading the session, say), which
    no process_exception hook sees."""
    exc = sys.exc_info()[1]
    if exc is not None and is_outage(exc):
        return outage_response()
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def rate_allowed(key: str, *, per_minute: int) -> bool:
    """Count one use of `key` in this minute (Redis); False once `per_minute` are used. With
    Redis unreachable every use is allowed: slower to stop abuse, never refusing people."""
    from django.core.cache import cache
    from redis.exceptions import RedisError

    bucket = f"rate:{key}:{int(time.time() // 60)}"
    try:
        if cache.add(bucket, 1, timeout=70):
            return True
        return cache.incr(bucket) <= per_minute
    except (RedisError, ValueError):
        return True

"""Turn "the database/Redis is not running" into one line that says what to run."""

from __future__ import annotations

from urllib.parse import urlsplit


class ServiceUnavailable(Exception):
    pass


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


# What psycopg2 and redis-py say when the server cannot be reached (not a bad password,
# a missing database or a deadlock, which are reported as they are).
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "timed out",
    "could not translate host name",
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "the database system is starting up",
    "the database system is shutting down",
    "connection already closed",
    "error 111",
    "connection reset",
)


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _unreachable(err: BaseException) -> bool:
    return any(text in str(err).lower() for text in _UNREACHABLE)


def is_outage(exc: BaseException) -> bool:
    """True if `exc` means PostgreSQL or Redis cannot be reached right now."""
    from django.db.utils import InterfaceError, OperationalError

    for err in _chain(exc):
        if isinstance(err, InterfaceError):
            return True
        if isinstance(err, OperationalError) and _unreachable(err):
            return True
        module = type(err).__module__
        if module.startswith(("redis", "kombu")) and (
            type(err).__name__ in ("ConnectionError", "TimeoutError") or _unreachable(err)
        ):
            return True
    return False


def explain_service_error(exc: BaseException) -> str | None:
    """A one-line explanation for a connection failure, or None if `exc` is something else."""
    from django.conf import settings
    from django.db.utils import InterfaceError, OperationalError

    for err in _chain(exc):
        if isinstance(err, OperationalError | InterfaceError) and _unreachable(err):
            db = settings.DATABASES["default"]
            return (
                f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')} "
                f"(database {db.get('NAME')}): run `make services`, or set DATABASE_URL."
            )
        module = type(err).__module__
        if module.startswith(("redis", "kombu")) and (
            type(err).__name__ in ("ConnectionError", "TimeoutError") or _unreachable(err)
        ):
            return (
                f"Redis is not reachable at {_where(settings.REDIS_URL)}: "
                "run `make services`, or set REDIS_URL."
            )
    return None


def check_services() -> None:
    """Raise ServiceUnavailable with a one-line message unless PostgreSQL and Redis answer."""
    import psycopg2
    import redis
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        psycopg2.connect(
            dbname=db["NAME"],
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"],
            port=db["PORT"] or 5432,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        raise ServiceUnavailable(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} (database {db['NAME']}): "
            "run `make services`, or set DATABASE_URL."
        ) from None
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:
        raise ServiceUnavailable(
            f"Redis is not reachable at {_where(settings.REDIS_URL)}: "
            "run `make services`, or set REDIS_URL."
        ) from None

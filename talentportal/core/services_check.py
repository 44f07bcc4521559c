"""Turn "the database/Redis is not running" into one line that says what to run."""

from __future__ import annotations

from urllib.parse import urlsplit


class ServiceUnavailable(Exception):
    pass


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def explain_service_error(exc: BaseException) -> str | None:
    """A one-line explanation for a connection failure, or None if `exc` is something else."""
    from django.conf import settings
    from django.db.utils import InterfaceError, OperationalError

    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for err in chain:
        if isinstance(err, OperationalError | InterfaceError) and (
            "connect" in str(err).lower() or "server" in str(err).lower()
        ):
            db = settings.DATABASES["default"]
            return (
                f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')} "
                f"(database {db.get('NAME')}): run `make services`, or set DATABASE_URL."
            )
        module = type(err).__module__
        if module.startswith(("redis", "kombu")) and "connect" in str(err).lower():
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

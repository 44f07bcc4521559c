"""How long a signed-in session lasts.

People whose roles see talent or equality data (MFA_ROLES) are signed out after
SESSION_STAFF_IDLE_SECONDS without a request, and SESSION_STAFF_MAX_SECONDS after they
signed in, however busy; everyone else keeps Django's cookie age ("Remember me": two weeks).
Activity is recorded in the session at most once every SESSION_ACTIVITY_INTERVAL_SECONDS, so
an ordinary page does not rewrite the session row (SESSION_SAVE_EVERY_REQUEST stays off).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from .permissions import requires_mfa

SIGNED_IN_AT = "tp_signed_in_at"
LAST_ACTIVE_AT = "tp_last_active_at"

IDLE = "idle"
TOO_LONG = "too_long"


@dataclass(frozen=True)
class SessionLimit:
    """Where a limited session stands at `now`: `ended` is IDLE or TOO_LONG once it is over;
    `expires_in` is the whole seconds left (rounded up, so a page never warns early)."""

    ended: str | None
    expires_in: int


def session_is_limited(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and requires_mfa(user)


def session_limit(*, session, now: float) -> SessionLimit:
    signed_in_at = session.get(SIGNED_IN_AT, now)
    last_active_at = session.get(LAST_ACTIVE_AT, now)
    if now - signed_in_at >= settings.SESSION_STAFF_MAX_SECONDS:
        return SessionLimit(ended=TOO_LONG, expires_in=0)
    if now - last_active_at >= settings.SESSION_STAFF_IDLE_SECONDS:
        return SessionLimit(ended=IDLE, expires_in=0)
    left = min(
        signed_in_at + settings.SESSION_STAFF_MAX_SECONDS,
        last_active_at + settings.SESSION_STAFF_IDLE_SECONDS,
    )
    return SessionLimit(ended=None, expires_in=math.ceil(left - now))


def session_activity_record(*, session, now: float, force: bool = False) -> SessionLimit:
    """Count a request as activity. The session is written only if the last record is
    SESSION_ACTIVITY_INTERVAL_SECONDS old (or `force`, for "Stay signed in"), or if a clock
    is missing: both start with the first request of a limited session (just after signing
    in, or when a signed-in person is given a staff role)."""
    if SIGNED_IN_AT not in session:
        session[SIGNED_IN_AT] = now
    last_active_at = session.get(LAST_ACTIVE_AT)
    if (
        force
        or last_active_at is None
        or now - last_active_at >= settings.SESSION_ACTIVITY_INTERVAL_SECONDS
    ):
        session[LAST_ACTIVE_AT] = now
    return session_limit(session=session, now=now)

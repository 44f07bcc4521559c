import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import sessions
from .permissions import requires_mfa

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/health/")


class MFARequiredMiddleware:
    """People in roles that see talent or equality data must have set up TOTP, and this
    session must have been opened (or re-confirmed) with it, before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.MFA_ENFORCED
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_mfa(user)
        ):
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request,
                    "Your role can see talent or equality data, so you must set up "
                    "two-factor authentication before you continue.",
                )
                return redirect(reverse("mfa_activate_totp"))
            records = get_authentication_records(request, user)
            if not any(r.get("method") == "mfa" for r in records):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)


def _duration(seconds: int) -> str:
    """30 minutes, 12 hours, 1 minute, 90 seconds: the largest whole unit."""
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return f"{seconds} seconds"


class SessionTimeoutMiddleware:
    """Signs out people whose roles see talent or equality data after
    SESSION_STAFF_IDLE_SECONDS idle or SESSION_STAFF_MAX_SECONDS in all (directory.sessions),
    and records their activity at most once a minute. The request then carries on as
    anonymous, so a page that needs a signed-in person sends them to sign in and back.
    Pages read `request.session_timeout` to warn before the end (templates/base.html)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if sessions.session_is_limited(user):
            now = time.time()
            limit = sessions.session_limit(session=request.session, now=now)
            if limit.ended:
                logout(request)
                if limit.ended == sessions.IDLE:
                    why = (
                        "you had not used the portal for "
                        f"{_duration(settings.SESSION_STAFF_IDLE_SECONDS)}"
                    )
                else:
                    why = (
                        "you had been signed in for "
                        f"{_duration(settings.SESSION_STAFF_MAX_SECONDS)}"
                    )
                messages.info(
                    request, f"You were signed out because {why}. Sign in again to carry on."
                )
            else:
                limit = sessions.session_activity_record(session=request.session, now=now)
                request.session_timeout = {
                    "expires_in": limit.expires_in,
                    "warn_before": settings.SESSION_WARNING_SECONDS,
                }
        return self.get_response(request)

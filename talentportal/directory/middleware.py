from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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

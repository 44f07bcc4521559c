import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from .mfa import secret_decrypt, secret_encrypt
from .permissions import requires_mfa
from .services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's emails name the portal and link to it (templates/account/email/),
        never the host name a request happened to come in on."""
        from talentportal.core.links import absolute_url

        context = {
            "portal_name": settings.PORTAL_NAME,
            "portal_url": absolute_url("directory:dashboard"),
            **context,
        }
        return super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

    def respond_email_verification_sent(self, request, user):
        # allauth answers a sign-up for an address that already has an account as if it were
        # new ("check your email"), with no user; a new account has had its password hashed
        # (save_user), which is most of the work, so hash this one too, or the answer's
        # timing tells who has an account (as allauth's backend does for unknown logins).
        if user is None and request.method == "POST" and "password1" in request.POST:
            get_user_model()().set_password(request.POST["password1"])
        return super().respond_email_verification_sent(request, user)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            seconds = login_failed_wait(
                request, key=self._get_login_attempts_cache_key(request, **credentials)
            )
            raise forms.ValidationError(
                f"Too many failed attempts to sign in. Try again in {seconds} seconds, or "
                "sign in with a code sent to your email address.",
                code="too_many_login_attempts",
            ) from None


def login_failed_wait(request, *, key: str) -> int:
    """Seconds until the failed sign-in limits (ACCOUNT_RATE_LIMITS["login_failed"]) let this
    address from this client try again. allauth keeps each limit's failure times in Redis,
    newest first; a limit of n per window lifts when the n-th newest leaves the window (the
    key's TTL runs from the newest failure, so it would overstate the wait)."""
    now = time.time()
    wait = 0.0
    for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        times = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(times) >= rate.amount:
            wait = max(wait, times[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        # Staff roles cannot switch their second factor off.
        return not requires_mfa(authenticator.user)

    # TOTP secrets and recovery-code seeds are stored encrypted (MFA_ENCRYPTION_KEYS).
    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)

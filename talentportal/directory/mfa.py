"""Two-factor secrets: encrypted at rest, and a TOTP code is accepted only once.

allauth keeps each person's TOTP secret and recovery-code seed in `mfa_authenticator.data`
and, while TOTP is being set up, the pending secret in the session. Both go through
`secret_encrypt`/`secret_decrypt` (Fernet under MFA_ENCRYPTION_KEYS: the first key encrypts,
every key decrypts, so keys can be rotated with `manage.py mfa_rotate_keys`).

allauth remembers a used code for one 30-second period in the cache, yet accepts a code for
MFA_TOTP_TOLERANCE periods either side, so the same code would pass again 31 seconds later.
As RFC 6238 §5.2 asks, the last accepted time step is kept with the authenticator and no code
from that step or an earlier one is accepted again. That includes the code that finished
setting TOTP up, which allauth checks without recording (totp_activate).
"""

import base64
import time

from allauth.core import context
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as base_forms
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.totp import views as totp_views
from allauth.mfa.totp.internal import flows as totp_flows
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.crypto import salted_hmac

# Marks a value as ours, so the migration and `mfa_rotate_keys` can tell it from plain text.
PREFIX = "fernet:"
# Where allauth keeps secrets inside `Authenticator.data`: single values, then lists.
SECRET_FIELDS = ("secret", "seed")
SECRET_LIST_FIELDS = ("migrated_codes",)
LAST_STEP = "last_step"


def encryption_keys() -> list[str]:
    """MFA_ENCRYPTION_KEYS, or (development and tests only) a key derived from SECRET_KEY.
    Production settings refuse to start without MFA_ENCRYPTION_KEYS."""
    keys = list(settings.MFA_ENCRYPTION_KEYS)
    if not keys:
        digest = salted_hmac(
            "talentportal.directory.mfa.encryption-key", "", algorithm="sha256"
        ).digest()
        keys = [base64.urlsafe_b64encode(digest).decode("ascii")]
    return keys


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in encryption_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "separated by commas."
        ) from exc


def secret_is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def secret_encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def _decrypt(value: str) -> str:
    """Raises InvalidToken if the value is not ours or no key opens it."""
    if not secret_is_encrypted(value):
        raise InvalidToken
    return _fernet().decrypt(value.removeprefix(PREFIX).encode("ascii")).decode("utf-8")


def secret_decrypt(value: str) -> str:
    try:
        return _decrypt(value)
    except InvalidToken:
        if not secret_is_encrypted(value):
            raise ImproperlyConfigured(
                "A two-factor secret is stored unencrypted: run `manage.py migrate`."
            ) from None
        raise ImproperlyConfigured(
            "No key in MFA_ENCRYPTION_KEYS opens a stored two-factor secret: put the key it "
            "was encrypted with back into the list."
        ) from None


def secret_rotate(value: str) -> str:
    """The same secret, encrypted with the first key."""
    try:
        token = _fernet().rotate(value.removeprefix(PREFIX).encode("ascii"))
    except InvalidToken:
        secret_decrypt(value)  # raises the explanation
        raise
    return PREFIX + token.decode("ascii")


def authenticator_data_map(data: dict, transform) -> dict:
    """`data` with `transform` applied to each secret allauth keeps in it."""
    data = dict(data)
    for field in SECRET_FIELDS:
        if data.get(field) is not None:
            data[field] = transform(data[field])
    for field in SECRET_LIST_FIELDS:
        if data.get(field) is not None:
            data[field] = [transform(value) for value in data[field]]
    return data


def authenticator_rotate_keys() -> int:
    """Re-encrypt every authenticator's secrets with the first key; returns how many."""
    count = 0
    for pk in Authenticator.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # Locked, so a recovery code or TOTP step recorded meanwhile is not overwritten.
            authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if authenticator is None:
                continue
            authenticator.data = authenticator_data_map(authenticator.data, secret_rotate)
            authenticator.save(update_fields=["data"])
            count += 1
    return count


# TOTP codes: each time step at most once.


def totp_code_step(*, secret: str, code: str, now: float) -> int | None:
    """The latest time step within the tolerance window whose code `code` is, if any."""
    current = int(now) // app_settings.TOTP_PERIOD
    tolerance = app_settings.TOTP_TOLERANCE
    for step in range(current + tolerance, current - tolerance - 1, -1):
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


def _totp_code_is_fresh(authenticator: Authenticator, step: int | None) -> bool:
    return step is not None and step > authenticator.data.get(LAST_STEP, -1)


def totp_code_reused(*, authenticator: Authenticator, code: str, now: float) -> bool:
    """`code` is this authenticator's code for a time step already accepted (or earlier)."""
    step = totp_code_step(secret=secret_decrypt(authenticator.data["secret"]), code=code, now=now)
    return step is not None and not _totp_code_is_fresh(authenticator, step)


@transaction.atomic
def totp_code_accept(*, authenticator: Authenticator, code: str, now: float) -> bool:
    """Record `code`'s time step as the last accepted one; False if it is not later than the
    last accepted step (so two requests racing with one code cannot both pass)."""
    locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
    step = totp_code_step(secret=secret_decrypt(locked.data["secret"]), code=code, now=now)
    if not _totp_code_is_fresh(locked, step):
        return False
    locked.data[LAST_STEP] = step
    locked.save(update_fields=["data"])
    authenticator.data = locked.data
    return True


class _AcceptEachTOTPCodeOnce:
    """allauth's sign-in and re-confirm forms, refusing a TOTP code whose time step has been
    accepted before. A refused code counts as a failed attempt, as any wrong code does."""

    def clean_code(self) -> str:
        now = time.time()
        code = self.cleaned_data["code"]
        totp = Authenticator.objects.filter(
            user_id=self.user.pk, type=Authenticator.Type.TOTP
        ).first()
        if totp is not None and totp_code_reused(authenticator=totp, code=code, now=now):
            self._refuse(totp)
        code = super().clean_code()
        if self.authenticator.type == Authenticator.Type.TOTP and not totp_code_accept(
            authenticator=self.authenticator, code=code, now=now
        ):
            self._refuse(self.authenticator)
        return code

    def _refuse(self, authenticator: Authenticator):
        check_rate_limit(self.user)  # counts the attempt; raises once there are too many
        self._emit_authentication_failed(authenticator)
        raise get_adapter().validation_error("incorrect_code")


class AuthenticateForm(_AcceptEachTOTPCodeOnce, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_AcceptEachTOTPCodeOnce, base_forms.ReauthenticateForm):
    pass


# Setting up TOTP: the secret waiting for its first code is kept encrypted in the session.


def totp_pending_secret(*, session, regenerate: bool) -> str:
    secret = None
    if not regenerate:
        try:
            secret = _decrypt(session.get(SECRET_SESSION_KEY) or "")
        except InvalidToken:
            secret = None  # none yet, or from before a key was retired: start again
    if not secret:
        secret = generate_totp_secret()
        session[SECRET_SESSION_KEY] = secret_encrypt(secret)
    return secret


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs) -> None:
        # allauth's __init__ would keep the secret in the session in plain text; this is the
        # rest of it. allauth's activation flow clears the same session key afterwards.
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp_pending_secret(
            session=context.request.session, regenerate=not self.is_bound
        )
        self.step = None

    def clean_code(self) -> str:
        code = super().clean_code()
        # The step of the code that finishes set-up, so that the same code cannot then sign
        # in or confirm again within the tolerance window (see totp_activate).
        self.step = totp_code_step(secret=self.secret, code=code, now=time.time())
        return code


@transaction.atomic
def totp_activate(*, request, form: ActivateTOTPForm) -> tuple[Authenticator, Authenticator | None]:
    """allauth's activation, recording the time step of the code that set it up as the last
    accepted one: allauth neither records it nor marks the code used, so the same code would
    otherwise sign in straight away and for MFA_TOTP_TOLERANCE periods after."""
    totp, recovery_codes = totp_flows.activate_totp(request, form)
    if form.step is not None:  # None only for allauth's insecure bypass code (never set here)
        totp.data[LAST_STEP] = form.step
        totp.save(update_fields=["data"])
    return totp, recovery_codes


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's set-up page (mfa_activate_totp, routed in talentportal/urls.py ahead of
    allauth's own), activating through totp_activate."""

    def form_valid(self, form):
        _totp, recovery_codes = totp_activate(request=self.request, form=form)
        self.did_generate_recovery_codes = bool(recovery_codes)
        return HttpResponseRedirect(self.get_success_url())

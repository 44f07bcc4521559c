"""Accounts through allauth: email login, rate limits, password reset by email, MFA rules."""

import hashlib
import math
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from talentportal.core.testing import PortalClient
from talentportal.directory.adapters import MFAAdapter
from talentportal.directory.models import Role


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_people_sign_in_with_their_email(client, make_user):
    make_user(email="ada@nhs.example")
    response = _login(client, "ADA@nhs.example", "correct-horse-battery")
    assert response.status_code == 302
    assert response.url == reverse("directory:dashboard")


def test_repeated_failed_logins_are_rate_limited(client, make_user):
    make_user(email="ada@nhs.example")
    for _ in range(5):
        assert _login(client, "ada@nhs.example", "wrong").status_code == 200
    response = _login(client, "ada@nhs.example", "correct-horse-battery")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert b"Too many failed attempts to sign in. Try again in" in response.content


def test_password_reset_is_emailed_through_the_outbox(
    client, make_user, django_capture_on_commit_callbacks
):
    make_user(email="ada@nhs.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@nhs.example"})
    [message] = mail.outbox
    assert message.to == ["ada@nhs.example"]
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize(
    ("role", "can_switch_off"),
    [(Role.COACH, True), (Role.TALENT_LEAD, False), (Role.REPORT_TEAM, False)],
)
def test_staff_cannot_switch_two_factor_authentication_off(make_user, role, can_switch_off):
    from allauth.mfa.totp.internal.auth import TOTP

    grant = {"role": role}
    if role == Role.TALENT_LEAD:
        from talentportal.directory.tests.factories import OrganisationFactory

        grant["organisation"] = OrganisationFactory()
    user = make_user(grant)
    authenticator = (
        Authenticator.objects.filter(user=user).first()
        or TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").instance
    )
    assert MFAAdapter().can_delete_authenticator(authenticator) is can_switch_off


def test_the_admin_site_signs_in_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_staff_session_opened_without_the_second_factor_must_confirm_it(make_user):
    from django.test import Client

    user = make_user(Role.SYSTEM_ADMIN)
    plain = Client()
    plain.force_login(user)  # a session with no record of the second factor
    response = plain.get(reverse("directory:person_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_grant_role_makes_the_first_system_administrator(db, capsys):
    from django.core.management import call_command

    from talentportal.directory.models import User
    from talentportal.directory.permissions import roles_of

    call_command("grant_role", "first.admin@nhs.example", "system_admin")
    user = User.objects.get(email="first.admin@nhs.example")
    assert roles_of(user) == {Role.SYSTEM_ADMIN}
    assert user.is_superuser and not user.has_usable_password()
    assert "is System administrator" in capsys.readouterr().out


def test_grant_role_explains_a_bad_scope(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="scoped to one organisation or one system"):
        call_command("grant_role", "lead@nhs.example", "talent_lead")
    with pytest.raises(CommandError, match="No integrated care system is called 'Atlantis'"):
        call_command("grant_role", "lead@nhs.example", "talent_lead", system="Atlantis")


def test_demo_data_is_refused_where_it_is_not_allowed(db, settings):
    from django.core.management import CommandError, call_command

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="publishes its passwords"):
        call_command("load_demo")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("directory:role_revoke", {"confirmed": "yes"}),
        ("directory:person_roles", {"role": "system_admin", "confirmed": "yes"}),
        ("directory:organisation_import", {"confirm": "1", "token": "x"}),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "participant", "talent_lead", "programme_admin"])
def test_administrator_actions_refuse_everyone_else(client, make_user, name, data, role):
    from talentportal.directory.services import role_grant
    from talentportal.directory.tests.factories import OrganisationFactory

    target = make_user()
    assignment = role_grant(user=target, role=Role.COACH)
    kwargs = {"pk": target.pk}
    if name == "directory:role_revoke":
        kwargs["assignment_pk"] = assignment.pk
    if name == "directory:organisation_import":
        kwargs = {}
    if role != "anonymous":
        grants = {
            "participant": (),
            "talent_lead": ({"role": Role.TALENT_LEAD, "organisation": OrganisationFactory()},),
            "programme_admin": (Role.PROGRAMME_ADMIN,),
        }[role]
        client.force_login(make_user(*grants))
    response = client.post(reverse(name, kwargs=kwargs), data or {})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    assert set(target.role_assignments.values_list("role", flat=True)) == {Role.COACH}


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting the passwords it hashes."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def _sign_up(email, capture):
    """One sign-up from a fresh browser: where it led, the page, hashes made, mail sent."""
    CountingHasher.calls = 0
    mail.outbox.clear()
    data = {
        "email": email,
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
        "first_name": "Nia",
        "last_name": "Starter",
    }
    with capture(execute=True):
        response = PortalClient().post(reverse("account_signup"), data, follow=True)
    page = re.sub(r"[A-Za-z0-9]{64}", "CSRF", response.content.decode())  # masked per page
    page = page.replace(email, "EMAIL")  # "... sent to nia@nhs.example"
    return response.redirect_chain, page, CountingHasher.calls, [m.to for m in mail.outbox]


def test_signing_up_with_a_registered_address_looks_and_costs_the_same_as_a_new_one(
    make_user, settings, django_capture_on_commit_callbacks
):
    """Hashing the password is most of a new sign-up's time; the registered address must pay
    it too, send one email and answer the same page, or the answer tells who has an account."""
    make_user(email="ada@nhs.example")
    settings.PASSWORD_HASHERS = ["tests.test_accounts.CountingHasher"]
    registered = _sign_up("ada@nhs.example", django_capture_on_commit_callbacks)
    new = _sign_up("nia@nhs.example", django_capture_on_commit_callbacks)
    assert registered[0] == new[0] == [(reverse("account_email_verification_sent"), 302)]
    assert registered[1] == new[1]
    assert registered[2] == new[2] == 1
    assert (registered[3], new[3]) == ([["ada@nhs.example"]], [["nia@nhs.example"]])


def _failed_login_times(email):
    """The failure times allauth keeps in Redis for one address (newest first)."""
    digest = hashlib.sha256(f"testserver:{email}".encode()).hexdigest()
    key = f"allauth:rl:allauth.account:login_failed:5/300.0/key:{digest}"
    return key, cache.get(key)


def _wait_said(response):
    match = re.search(r"Try again in (\d+) seconds", response.content.decode())
    assert match, response.content.decode()
    return int(match.group(1))


def test_a_locked_address_says_how_long_from_the_counter_in_redis(make_user):
    make_user(email="ada@nhs.example")
    attacker = PortalClient(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        _login(attacker, "ada@nhs.example", "a-guess")
    response = _login(attacker, "ada@nhs.example", "correct-horse-battery")
    assert "_auth_user_id" not in attacker.session
    key, times = _failed_login_times("ada@nhs.example")
    assert len(times) == 5
    expected = math.ceil(times[4] + 300 - time.time())
    assert expected - 1 <= _wait_said(response) <= expected
    # Failures made 200 seconds ago leave about 100: the number is the counter's, not a constant.
    cache.set(key, [t - 200 for t in times], 300)
    assert 98 <= _wait_said(_login(attacker, "ada@nhs.example", "a-guess")) <= 100


def _code_from_outbox():
    [message] = mail.outbox
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)


@pytest.mark.parametrize("staff", [False, True], ids=["participant", "administrator"])
def test_the_owner_of_a_locked_account_signs_in_by_emailed_code(
    make_user, staff, django_capture_on_commit_callbacks
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.conftest import TOTP_SECRET

    user = make_user(*([Role.SYSTEM_ADMIN] if staff else []), email="ada@nhs.example")
    attacker = PortalClient(REMOTE_ADDR="198.51.100.7")
    for _ in range(6):
        _login(attacker, "ada@nhs.example", "a-guess")

    owner = PortalClient(REMOTE_ADDR="192.0.2.44")
    locked = _login(owner, "ada@nhs.example", "correct-horse-battery")
    assert "or sign in with a code sent to your email address" in locked.content.decode()
    assert reverse("account_request_login_code") in locked.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = owner.post(reverse("account_request_login_code"), {"email": "ada@nhs.example"})
    assert sent.url == reverse("account_confirm_login_code")
    response = owner.post(reverse("account_confirm_login_code"), {"code": _code_from_outbox()})
    if staff:  # the code stands in for the password, never for the second factor
        assert response.url.startswith(reverse("mfa_authenticate"))
        assert "_auth_user_id" not in owner.session
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        response = owner.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)
    assert (
        owner.get(reverse("directory:person_list" if staff else "directory:profile")).status_code
        == 200
    )


def test_clients_behind_a_trusted_proxy_are_limited_one_by_one(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    one = PortalClient(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    other = PortalClient(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.20")
    for i in range(10):  # ten addresses: only the per-client limit (10 a minute) is reached
        assert "Try again" not in _login(one, f"n{i}@nhs.example", "x").content.decode()
    assert "Try again in" in _login(one, "n10@nhs.example", "x").content.decode()
    assert "Try again" not in _login(other, "n11@nhs.example", "x").content.decode()


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for i in range(10):
        forged = PortalClient(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert "Try again" not in _login(forged, f"n{i}@nhs.example", "x").content.decode()
    forged = PortalClient(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert "Try again in" in _login(forged, "n10@nhs.example", "x").content.decode()

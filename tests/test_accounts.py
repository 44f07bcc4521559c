"""Accounts through allauth: email login, rate limits, password reset by email, MFA rules."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

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
    assert b"Too many failed login attempts" in response.content


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

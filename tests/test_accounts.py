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
        ("directory:role_revoke", None),
        ("directory:person_roles", {"role": "system_admin"}),
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

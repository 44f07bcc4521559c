import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from talentportal.directory.demo import ROLE_LOGINS, demo_email
from talentportal.directory.models import EqualityMonitoring, Organisation, Role, User
from talentportal.directory.permissions import roles_of


def _fingerprint():
    return sorted(
        User.objects.values_list(
            "email", "profile__organisation__name", "profile__band", "equality__ethnic_category"
        )
    )


def test_load_demo_builds_the_same_lived_in_region_every_time(db):
    call_command("load_demo", people=40)
    first = _fingerprint()
    assert Organisation.objects.values("system").distinct().count() == 11
    assert EqualityMonitoring.objects.count() == len(first) == 40 + len(ROLE_LOGINS)

    from coaching.models import Application, Practitioner, Relationship
    from programmes.models import Booking, Programme
    from reporting.models import YearInReview
    from talentpools import models as talent

    for model in (
        Relationship, Application, Practitioner, Booking, Programme, talent.Nomination,
        talent.NominationWindow, talent.Vacancy, talent.SchemeCohort, talent.PlacementBid,
        talent.TalentReview, talent.SeniorPost, talent.WorkforceBaseline, YearInReview, User,
    ):  # fmt: skip
        model.objects.all().delete()
    call_command("load_demo", people=40)
    assert _fingerprint() == first


def test_load_demo_has_one_login_per_role_with_two_factors_for_staff(db):
    call_command("load_demo", people=5)
    held = set()
    for local, *_ in ROLE_LOGINS:
        user = User.objects.get(email=demo_email(local))
        assert user.has_usable_password()
        assert user.emailaddress_set.filter(verified=True).exists()
        held |= roles_of(user)
        staff = bool(roles_of(user) - {Role.COACH, Role.MENTOR})
        assert Authenticator.objects.filter(user=user).exists() == staff
    assert held == set(Role.values)


def test_load_demo_leaves_a_populated_database_alone(db):
    call_command("load_demo", people=5)
    count = User.objects.count()
    call_command("load_demo", if_empty=True)
    assert User.objects.count() == count
    with pytest.raises(CommandError, match="already has people"):
        call_command("load_demo")

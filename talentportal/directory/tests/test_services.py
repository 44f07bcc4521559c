import pytest
from django.db import IntegrityError, transaction

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import (
    EqualityMonitoring,
    IntegratedCareSystem,
    Role,
    RoleAssignment,
    Scheme,
)
from talentportal.directory.permissions import has_role, roles_of, talent_lead_scopes
from talentportal.directory.services import (
    equality_update,
    profile_update,
    role_grant,
    role_revoke,
    user_create,
)
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory


def test_user_create_refuses_an_email_already_registered_in_any_case(db):
    user_create(email="Jo.Bloggs@nhs.example", first_name="Jo", last_name="Bloggs")
    with pytest.raises(ApplicationError, match="already registered"):
        user_create(email="jo.bloggs@NHS.example")


def test_a_person_created_without_a_password_cannot_sign_in(db):
    user = user_create(email="imported@nhs.example")
    assert not user.has_usable_password()
    assert user.profile.job_title == ""


def test_profile_update_validates_the_band(db):
    user = UserFactory()
    with pytest.raises(Exception, match="band"):
        profile_update(
            user=user,
            first_name="A",
            last_name="B",
            job_title="Nurse",
            organisation=None,
            band="10",
            staff_group="clinical",
            profession="",
        )


def test_equality_update_stores_not_stated_answers(db):
    user = UserFactory()
    equality_update(user=user, ethnic_category="Z", disability="not_stated", sex="not_stated")
    record = EqualityMonitoring.objects.get(user=user)
    assert (record.ethnic_category, record.sex) == ("Z", "not_stated")


def test_a_talent_lead_needs_exactly_one_scope(db):
    user = UserFactory()
    org = OrganisationFactory()
    system = org.system
    with pytest.raises(ApplicationError):
        role_grant(user=user, role=Role.TALENT_LEAD)
    with pytest.raises(ApplicationError):
        role_grant(user=user, role=Role.TALENT_LEAD, organisation=org, system=system)
    role_grant(user=user, role=Role.TALENT_LEAD, system=system)
    assert talent_lead_scopes(user) == (set(), {system.pk})


def test_only_talent_leads_are_scoped_and_only_scheme_managers_have_a_scheme(db):
    user = UserFactory()
    with pytest.raises(ApplicationError):
        role_grant(user=user, role=Role.COACH, organisation=OrganisationFactory())
    with pytest.raises(ApplicationError):
        role_grant(user=user, role=Role.REPORT_TEAM, scheme=Scheme.EDP)
    with pytest.raises(ApplicationError):
        role_grant(user=user, role=Role.SCHEME_MANAGER)
    role_grant(user=user, role=Role.SCHEME_MANAGER, scheme=Scheme.HPS)
    assert roles_of(user) == {Role.SCHEME_MANAGER}


def test_the_database_refuses_a_talent_lead_without_scope(db):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.TALENT_LEAD)


def test_granting_the_same_role_twice_keeps_one_assignment(db):
    user = UserFactory()
    role_grant(user=user, role=Role.COACH)
    role_grant(user=user, role=Role.COACH)
    assert RoleAssignment.objects.filter(user=user).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.COACH)


def test_one_person_can_hold_several_roles_and_groups_follow(db):
    user = UserFactory()
    system = IntegratedCareSystem.objects.get(name="Lincolnshire")
    role_grant(user=user, role=Role.COACH)
    role_grant(user=user, role=Role.TALENT_LEAD, system=system)
    user.refresh_from_db()
    assert has_role(user, Role.COACH) and has_role(user, Role.TALENT_LEAD)
    assert set(user.groups.values_list("name", flat=True)) == {"Coach", "Talent lead"}
    assert not user.is_staff


def test_admin_site_access_follows_roles(db):
    admin = UserFactory()
    programmes = UserFactory()
    role_grant(user=admin, role=Role.SYSTEM_ADMIN)
    assignment = role_grant(user=programmes, role=Role.PROGRAMME_ADMIN)
    admin.refresh_from_db()
    programmes.refresh_from_db()
    assert admin.is_staff and admin.is_superuser
    assert programmes.is_staff and not programmes.is_superuser
    role_revoke(assignment=assignment)
    programmes.refresh_from_db()
    assert not programmes.is_staff
    assert not programmes.groups.exists()


def test_the_last_system_administrator_cannot_be_removed(db):
    admin = UserFactory()
    assignment = role_grant(user=admin, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ApplicationError, match="at least one system administrator"):
        role_revoke(assignment=assignment)
    other = UserFactory()
    role_grant(user=other, role=Role.SYSTEM_ADMIN)
    role_revoke(assignment=assignment)
    assert not has_role(admin, Role.SYSTEM_ADMIN)


def test_nobody_grants_or_removes_their_own_role(db):
    admin = UserFactory()
    role_grant(user=admin, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ApplicationError, match="Another system administrator"):
        role_grant(user=admin, role=Role.PROGRAMME_ADMIN, granted_by=admin)
    assert roles_of(admin) == {Role.SYSTEM_ADMIN}
    other = UserFactory()
    role_grant(user=other, role=Role.SYSTEM_ADMIN, granted_by=admin)
    assignment = role_grant(user=admin, role=Role.REPORT_TEAM, granted_by=other)
    with pytest.raises(ApplicationError, match="Another system administrator"):
        role_revoke(assignment=assignment, revoked_by=admin)
    role_revoke(assignment=assignment, revoked_by=other)
    assert roles_of(admin) == {Role.SYSTEM_ADMIN}


def test_the_grant_role_command_makes_the_first_administrator_and_is_recorded(db, capsys):
    """The break-glass route: no person is there to grant the first administrator's role,
    so the command grants it, and the audit trail names the command as the granter."""
    from django.core.management import call_command

    from talentportal.core import audit
    from talentportal.directory.models import User

    assert not RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).exists()
    call_command("grant_role", "first.admin@nhs.example", "system_admin")
    user = User.objects.get(email="first.admin@nhs.example")
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.granted_by) == (Role.SYSTEM_ADMIN, None)
    assert user.is_superuser
    event = assignment.events.get()
    assert event.pgh_context.metadata["source"] == "the grant_role command"
    assert [(e.who, e.action) for e in audit.history(assignment)] == [
        ("the grant_role command", "created the record")
    ]
    assert "records this grant as made by the grant_role command" in capsys.readouterr().out

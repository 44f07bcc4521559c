from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.selectors import organisation_list, person_list
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory


def _people():
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    lincolnshire = IntegratedCareSystem.objects.get(name="Lincolnshire")
    org_a = OrganisationFactory(system=black_country)
    org_b = OrganisationFactory(system=black_country)
    org_c = OrganisationFactory(system=lincolnshire)
    a = UserFactory(profile__organisation=org_a)
    b = UserFactory(profile__organisation=org_b)
    c = UserFactory(profile__organisation=org_c)
    return black_country, org_a, a, b, c


def test_a_talent_lead_of_an_organisation_sees_only_its_people(make_user):
    _, org_a, a, b, c = _people()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org_a}, profile__organisation=org_a)
    assert set(person_list(user=lead)) == {a, lead}


def test_a_talent_lead_of_a_system_sees_everyone_in_it(make_user):
    black_country, org_a, a, b, c = _people()
    lead = make_user({"role": Role.TALENT_LEAD, "system": black_country})
    seen = set(person_list(user=lead))
    assert {a, b} <= seen
    assert c not in seen


def test_participants_and_other_roles_see_nobody(make_user):
    _people()
    for grants in [(), (Role.COACH,), (Role.PROGRAMME_ADMIN,), (Role.REPORT_TEAM,)]:
        assert not person_list(user=make_user(*grants)).exists()


def test_a_system_administrator_sees_everyone(make_user):
    _, _, a, b, c = _people()
    admin = make_user(Role.SYSTEM_ADMIN)
    assert {a, b, c, admin} <= set(person_list(user=admin))


def test_organisation_list_filters_by_name_and_system(db):
    lincolnshire = IntegratedCareSystem.objects.get(name="Lincolnshire")
    OrganisationFactory(name="Lincoln County Hospital", system=lincolnshire)
    OrganisationFactory(name="Lincoln Hospice")
    assert [o.name for o in organisation_list(search="lincoln", system_id=lincolnshire.pk)] == [
        "Lincoln County Hospital"
    ]

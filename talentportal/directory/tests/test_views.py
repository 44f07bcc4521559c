"""Every role against every page of the directory, and what each page promises."""

import pytest
from django.urls import reverse

from talentportal.directory.models import (
    EqualityMonitoring,
    IntegratedCareSystem,
    Organisation,
    Role,
    RoleAssignment,
)
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory
from talentportal.directory.tests.roles import ROLES, assert_answer

STAFF = {"programme_admin", "talent_lead_org", "talent_lead_system", "scheme_manager",
         "report_team", "system_admin"}  # fmt: skip
EVERYONE = set(ROLES)
DIRECTORY_VIEWERS = STAFF
PEOPLE_VIEWERS = {"talent_lead_org", "talent_lead_system", "system_admin"}
ADMINS = {"system_admin"}

# url name -> who gets 200 (everyone else signed in gets 403; anonymous must sign in)
MATRIX = {
    "directory:profile": EVERYONE,
    "directory:profile_edit": EVERYONE,
    "directory:equality_edit": EVERYONE,
    "directory:organisation_list": DIRECTORY_VIEWERS,
    "directory:person_list": PEOPLE_VIEWERS,
    "directory:organisation_import": ADMINS,
    "directory:person_roles": ADMINS,
    "directory:person_data": ADMINS,
    "directory:my_data": EVERYONE,
    "directory:erasure_request": EVERYONE,
    "directory:erasure_list": ADMINS,
}


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("url_name", list(MATRIX))
def test_role_url_matrix(client_as, role, url_name):
    client, user = client_as(role)
    target = UserFactory()
    kwargs = (
        {"pk": target.pk} if url_name in ("directory:person_roles", "directory:person_data") else {}
    )
    # The export of someone's data is recorded, so it is asked for by POST only.
    method = client.post if url_name == "directory:person_data" else client.get
    response = method(reverse(url_name, kwargs=kwargs))
    assert_answer(response, role, MATRIX[url_name])


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_admin_site_is_for_administrators_and_scheme_managers(client_as, role):
    client, _ = client_as(role)
    response = client.get(reverse("admin:index"))
    expected = 200 if role in {"system_admin", "programme_admin", "scheme_manager"} else 302
    assert response.status_code == expected


def test_the_home_page_is_a_landing_page_for_visitors(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Create an account" in response.content


EVERYONE_NAV = ["Home", "Programmes", "My bookings", "Coaching", "Talent"]
EXPECTED_NAV = {
    "participant": [*EVERYONE_NAV],
    "coach": [*EVERYONE_NAV],
    "programme_admin": [
        *EVERYONE_NAV,
        "Registers",
        "Organisations",
        "Reports",
    ],
    "talent_lead_org": [*EVERYONE_NAV, "People", "Organisations"],
    "scheme_manager": [*EVERYONE_NAV, "Organisations"],
    "report_team": [*EVERYONE_NAV, "Organisations", "Reports"],
    "system_admin": [
        *EVERYONE_NAV,
        "Registers",
        "People",
        "Organisations",
        "Reports",
    ],
}


@pytest.mark.parametrize("role", list(EXPECTED_NAV))
def test_each_role_sees_its_own_navigation(client_as, role):
    client, _ = client_as(role)
    response = client.get("/")
    assert [item["label"] for item in response.context["navigation"]] == EXPECTED_NAV[role]


def test_staff_roles_must_set_up_two_factor_authentication(client, make_user):
    from talentportal.directory.services import role_grant

    user = make_user()
    role_grant(user=user, role=Role.REPORT_TEAM)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The way out stays open: set-up (after confirming the password) is not redirected back.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith("/accounts/")


def test_participants_do_not_need_two_factor_authentication(client, make_user):
    client.force_login(make_user(Role.COACH))
    assert client.get("/").status_code == 200


def test_equality_answers_are_shown_only_to_their_owner(client, make_user):
    owner = make_user()
    EqualityMonitoring.objects.create(user=owner, ethnic_category="N", disability="yes", sex="male")
    client.force_login(owner)
    page = client.get(reverse("directory:profile")).content.decode()
    assert "Black or Black British – African" in page
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    for url in [
        reverse("directory:person_list"),
        reverse("directory:person_roles", kwargs={"pk": owner.pk}),
        reverse("admin:directory_user_change", args=[owner.pk]),
    ]:
        page = client.get(url).content.decode()
        assert "Black or Black British" not in page, url


def test_profile_form_errors_are_shown_and_nothing_is_saved(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("directory:profile_edit"), {"first_name": "", "band": "10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "nhsuk-error-message" in page
    user.refresh_from_db()
    assert user.first_name != ""


def test_profile_form_saves(client, make_user):
    user = make_user()
    org = Organisation.objects.first() or OrganisationFactory()
    client.force_login(user)
    response = client.post(
        reverse("directory:profile_edit"),
        {
            "first_name": "Ada",
            "last_name": "Okafor",
            "job_title": "Matron",
            "organisation": org.pk,
            "band": "8a",
            "staff_group": "clinical",
            "profession": "nursing_midwifery",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.profile.band, user.profile.organisation) == ("Ada", "8a", org)


def test_organisation_import_page_previews_then_imports(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"name,type,system\nNew Trust,acute_trust,Lincolnshire\n"
    upload = SimpleUploadedFile("orgs.csv", csv)
    response = client.post(reverse("directory:organisation_import"), {"file": upload})
    assert response.status_code == 200
    assert b"Check before importing" in response.content
    assert not Organisation.objects.filter(name="New Trust").exists()
    token = response.context["token"]
    response = client.post(
        reverse("directory:organisation_import"), {"confirm": "1", "token": token}
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="New Trust", system__name="Lincolnshire").exists()


def test_organisation_import_page_lists_row_errors(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orgs.csv", b"name,type,system\nNew Trust,acute_trust,Atlantis\n")
    response = client.post(reverse("directory:organisation_import"), {"file": upload})
    assert response.status_code == 200
    assert "row 2: system: &#x27;Atlantis&#x27; is not an integrated care system" in (
        response.content.decode()
    )


def test_a_system_administrator_grants_and_removes_a_scoped_role(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    person = make_user()
    client.force_login(admin)
    url = reverse("directory:person_roles", kwargs={"pk": person.pk})
    response = client.post(url, {"role": Role.TALENT_LEAD})
    assert b"scoped to one organisation or one system" in response.content
    system = IntegratedCareSystem.objects.get(name="Northamptonshire")
    # Asked first, on a page that says what the role lets them do.
    response = client.post(url, {"role": Role.TALENT_LEAD, "system": system.pk})
    assert "Make" in response.content.decode() and "Northamptonshire" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()
    response = client.post(
        url, {"role": Role.TALENT_LEAD, "system": system.pk, "organisation": "", "scheme": "",
              "confirmed": "yes"},
    )  # fmt: skip
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert assignment.system == system
    revoke = reverse("directory:role_revoke", args=[person.pk, assignment.pk])
    asked = client.post(revoke).content.decode()
    assert "Remove the role" in asked and RoleAssignment.objects.filter(user=person).exists()
    client.post(revoke, {"confirmed": "yes"})
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_granting_system_administrator_is_confirmed_with_a_warning_and_the_person_told(
    client, make_user
):
    from talentportal.notifications.models import OutboundEmail

    admin = make_user(Role.SYSTEM_ADMIN, first_name="Ada", last_name="Admin")
    person = make_user(first_name="Sam", last_name="Staff")
    client.force_login(admin)
    url = reverse("directory:person_roles", kwargs={"pk": person.pk})
    page = client.post(url, {"role": Role.SYSTEM_ADMIN}).content.decode()
    assert "Make Sam Staff system administrator?" in page
    assert "This gives the widest access the portal has" in page
    assert "can grant and remove every role" in page
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert not OutboundEmail.objects.filter(recipients__contains=[person.email]).exists()
    response = client.post(url, {"role": Role.SYSTEM_ADMIN, "organisation": "", "system": "",
                                 "scheme": "", "confirmed": "yes"}, follow=True)  # fmt: skip
    assert "Sam Staff is now System administrator. They have been told by email." in (
        response.content.decode()
    )
    [email] = OutboundEmail.objects.filter(recipients__contains=[person.email])
    assert "System administrator" in email.subject
    assert "Ada Admin has given you the role" in email.payload["body"]


def test_list_pages_run_a_bounded_number_of_queries(
    client, make_user, django_assert_max_num_queries
):
    admin = make_user(Role.SYSTEM_ADMIN)
    for _ in range(30):
        UserFactory()
    client.force_login(admin)
    for url in [reverse("directory:person_list"), reverse("directory:organisation_list"), "/"]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_a_bad_query_parameter_is_not_an_error(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.get(reverse("directory:organisation_list"), {"system": "x", "page": "zz"})
    assert response.status_code in (200, 404)


def test_health_check_answers(client, db):
    assert client.get(reverse("directory:health")).json() == {"status": "ok"}


def test_administrators_reach_a_persons_roles_from_the_people_list(client, make_user):
    org = OrganisationFactory()
    person = make_user(profile__organisation=org)
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    roles_url = reverse("directory:person_roles", kwargs={"pk": person.pk})
    assert roles_url in client.get(reverse("directory:person_list")).content.decode()
    client.force_login(make_user({"role": Role.TALENT_LEAD, "organisation": org}))
    page = client.get(reverse("directory:person_list")).content.decode()
    assert person.email in page
    assert roles_url not in page


@pytest.mark.parametrize("role", list(ROLES))
def test_the_admin_site_is_linked_beside_the_account_links_for_its_users(client_as, role):
    client, _ = client_as(role)
    page = client.get("/").content.decode()
    linked = f'href="{reverse("admin:index")}"' in page
    assert linked == (role in {"system_admin", "programme_admin", "scheme_manager"})


def test_a_get_of_someones_data_records_nothing_and_a_post_records_one_export(client, make_user):
    from talentportal.directory.models import PersonalDataExport

    admin, person = make_user(Role.SYSTEM_ADMIN), UserFactory()
    client.force_login(admin)
    url = reverse("directory:person_data", args=[person.pk])
    assert client.get(url).status_code == 405
    assert client.head(url).status_code == 405
    assert not PersonalDataExport.objects.exists()
    page = client.get(reverse("directory:person_roles", args=[person.pk])).content.decode()
    assert f'<form method="post" action="{url}">' in page and "Download their data" in page
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    assert response.json()["directory"]["email"] == person.email
    assert list(PersonalDataExport.objects.values_list("subject", "exported_by")) == [
        (person.pk, admin.pk)
    ]


def test_a_system_administrator_cannot_change_their_own_roles(client, make_user):
    """Nobody grants themselves a role (nor removes one: someone else decides that too)."""
    admin = make_user(Role.SYSTEM_ADMIN, Role.REPORT_TEAM)
    make_user(Role.SYSTEM_ADMIN)  # another administrator, so the last-one rule is not why
    client.force_login(admin)
    url = reverse("directory:person_roles", kwargs={"pk": admin.pk})
    page = client.get(url).content.decode()
    own = "Another system administrator must change your roles"
    assert own in page
    assert 'name="role"' not in page and "Remove<span" not in page
    response = client.post(url, {"role": Role.PROGRAMME_ADMIN})
    assert response.status_code == 200 and own in response.content.decode()
    assert not RoleAssignment.objects.filter(user=admin, role=Role.PROGRAMME_ADMIN).exists()
    report = RoleAssignment.objects.get(user=admin, role=Role.REPORT_TEAM)
    response = client.post(
        reverse("directory:role_revoke", args=[admin.pk, report.pk]), HTTP_REFERER=url, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    assert f'<div class="nhsuk-error-summary__body"><p>{own}' in response.content.decode()
    assert RoleAssignment.objects.filter(pk=report.pk).exists()
    # Another administrator may.
    client.force_login(RoleAssignment.objects.exclude(user=admin).get().user)
    post = {"role": Role.PROGRAMME_ADMIN, "confirmed": "yes"}
    assert client.post(url, post).status_code == 302
    assert RoleAssignment.objects.filter(user=admin, role=Role.PROGRAMME_ADMIN).exists()


def test_the_django_admin_cannot_grant_or_change_roles(client, make_user):
    """Roles are granted on the person's roles page only, where the rules apply."""
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    assert client.get(reverse("admin:directory_roleassignment_add")).status_code == 403
    own = RoleAssignment.objects.get(user=admin)
    change = reverse("admin:directory_roleassignment_change", args=[own.pk])
    response = client.post(change, {"user": admin.pk, "role": Role.PROGRAMME_ADMIN})
    assert response.status_code == 403
    assert list(RoleAssignment.objects.filter(user=admin).values_list("role", flat=True)) == [
        Role.SYSTEM_ADMIN
    ]

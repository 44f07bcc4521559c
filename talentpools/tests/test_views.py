"""Every role against every talent page, scope rules on records, and what pages promise."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory
from talentportal.directory.tests.roles import ROLES, assert_answer

from .. import services
from ..models import (
    NineBoxPlacement,
    Nomination,
    NominationWindow,
    PoolMembership,
    Post,
    SchemeCohort,
    SeniorPost,
    Successor,
    TalentReview,
    Trainee,
    Vacancy,
)
from .factories import NOMINATION, MembershipFactory, WindowFactory

pytestmark = pytest.mark.django_db

EVERYONE = set(ROLES)
TEAM = {"programme_admin", "system_admin"}
TALENT_STAFF = TEAM | {"talent_lead_org", "talent_lead_system"}
SCHEME_STAFF = TEAM | {"scheme_manager"}

# url name -> who gets 200 (everyone else signed in gets 403; anonymous must sign in)
MATRIX = {
    "talentpools:home": EVERYONE,
    "talentpools:nominate_self": EVERYONE,
    "talentpools:nominate": {"talent_lead_org", "talent_lead_system"},
    "talentpools:nominations": TALENT_STAFF,
    "talentpools:reviews": TALENT_STAFF,
    "talentpools:succession": TALENT_STAFF,
    "talentpools:pool": TEAM,
    "talentpools:windows": TEAM,
    "talentpools:vacancies": TEAM,
    "talentpools:schemes": SCHEME_STAFF,
}


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("url_name", list(MATRIX))
def test_role_url_matrix(client_as, role, url_name):
    client, _ = client_as(role)
    response = client.get(reverse(url_name))
    assert_answer(response, role, MATRIX[url_name])


@pytest.fixture
def black_country():
    return IntegratedCareSystem.objects.get(name="Black Country")


@pytest.fixture
def nomination(make_user, black_country):
    """A nomination made in a window that closed yesterday: the team may decide it."""
    org = OrganisationFactory(system=black_country)
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    today = timezone.localdate()
    window = WindowFactory(opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    return services.nomination_submit(
        nominator=lead, nominee=make_user(profile__organisation=org), window=window,
        route="nominated", today=window.opens_on, **NOMINATION,
    )  # fmt: skip


def test_a_nomination_is_seen_by_its_leads_its_nominee_and_the_team(
    client, make_user, nomination, black_country
):
    url = reverse("talentpools:nomination", args=[nomination.pk])
    allowed = [
        nomination.nominee,
        nomination.nominated_by,
        make_user({"role": Role.TALENT_LEAD, "system": black_country}),
        make_user(Role.PROGRAMME_ADMIN),
    ]
    refused = [
        make_user(),
        make_user(
            {"role": Role.TALENT_LEAD, "organisation": OrganisationFactory(system=black_country)}
        ),
        make_user(
            {
                "role": Role.TALENT_LEAD,
                "system": IntegratedCareSystem.objects.get(name="Lincolnshire"),
            }
        ),
        make_user(Role.REPORT_TEAM),
        make_user({"role": Role.SCHEME_MANAGER, "scheme": "edp"}),
    ]
    for user in allowed:
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in refused:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        listed = client.get(reverse("talentpools:nominations"))
        assert str(nomination.nominee) not in listed.content.decode() or listed.status_code == 403


def test_only_the_team_decides_and_the_trail_says_who(client, make_user, nomination):
    url = reverse("talentpools:nomination", args=[nomination.pk])
    client.force_login(nomination.nominated_by)
    assert client.post(url, {"status": "accepted"}).status_code == 404
    team = make_user(Role.PROGRAMME_ADMIN, first_name="Tess", last_name="Team")
    client.force_login(team)
    response = client.post(url, {"status": "accepted"})
    assert response.status_code == 302
    assert PoolMembership.objects.filter(member=nomination.nominee, left_on=None).exists()
    page = client.get(url).content.decode()
    # The change history names the person who decided, what changed and when.
    assert "– Tess Team changed the record: decided by from nothing to Tess Team;" in page
    assert "status from Waiting for a decision to Accepted" in page


def test_a_not_yet_without_feedback_is_refused_with_a_message(client, make_user, nomination):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("talentpools:nomination", args=[nomination.pk])
    response = client.post(url, {"status": "not_yet", "feedback": ""})
    assert response.status_code == 200
    assert "Give feedback" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_self_nomination_through_the_page(client, make_user):
    WindowFactory()
    person = make_user()
    client.force_login(person)
    url = reverse("talentpools:nominate_self")
    # Check your answers first: the answers in words, nothing sent yet.
    check = client.post(url, NOMINATION).content.decode()
    assert "Check your answers before nominating yourself" in check
    assert NOMINATION["sponsor_name"] in check
    assert not Nomination.objects.exists()
    change = client.post(url, {**NOMINATION, "change": "1"})
    assert change.context["form"]["sponsor_name"].value() == NOMINATION["sponsor_name"]
    response = client.post(url, {**NOMINATION, "confirmed": "yes"})
    assert response.status_code == 302
    assert Nomination.objects.get(nominee=person).route == "self"


def test_nominating_with_no_window_open_says_so(client, make_user):
    person = make_user()
    client.force_login(person)
    response = client.post(reverse("talentpools:nominate_self"), {**NOMINATION, "confirmed": "yes"})
    assert "No nomination window is open today" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_window_cannot_close_earlier(client, make_user):
    window = WindowFactory()
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.post(
        reverse("talentpools:window", args=[window.pk]),
        {"name": window.name, "closes_on": (window.closes_on - timedelta(days=1)).isoformat()},
    )
    assert "only move later" in response.content.decode()
    assert NominationWindow.objects.get().closes_on == window.closes_on


def test_a_talent_lead_cannot_open_another_organisations_review_or_plan(client, make_user):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": mine})
    review = TalentReview.objects.create(name="R", organisation=theirs, held_on=date.today())
    client.force_login(lead)
    assert client.get(reverse("talentpools:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("talentpools:review_export", args=[review.pk])).status_code == 404
    assert (
        client.get(reverse("talentpools:succession_organisation", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("talentpools:succession_organisation", args=[mine.pk])).status_code
        == 200
    )


def test_nine_box_grid_placement_and_export(client, make_user):
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    person = make_user(first_name="Grace", last_name="Hopper", profile__organisation=org)
    client.force_login(lead)
    response = client.post(
        reverse("talentpools:reviews"),
        {"name": "Autumn", "held_on": "2026-10-01", "organisation": org.pk},
    )
    review = TalentReview.objects.get()
    assert response.url == reverse("talentpools:review", args=[review.pk])
    url = reverse("talentpools:review", args=[review.pk])
    client.post(url, {"person": person.pk, "performance": 3, "potential": 3, "note": "=Ready"})
    client.post(url, {"person": person.pk, "performance": 2, "potential": 3, "note": "=Ready"})
    page = client.get(url).content.decode()
    # Drawn in its named box, which says how many are in it.
    box = re.search(r'data-box="2-3">(.*?)</td>', page, re.S).group(1)
    assert "Emerging leader" in box and "1 person" in box and "<li>Grace Hopper</li>" in box
    assert "Grace Hopper" not in re.search(r'data-box="3-3">(.*?)</td>', page, re.S).group(1)
    # The calibration history: who moved whom, from where to where.
    assert "changed the record of Grace Hopper: performance from 3 to 2" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("talentpools:review_export", args=[review.pk])).content.decode()
            )
        )
    )
    assert rows[1][:5] == ["Grace Hopper", person.email, str(org), "2", "3"]
    assert rows[1][5] == "'=Ready"  # no formula injection in spreadsheets
    assert rows[0][7] == "box" and rows[1][7] == "Emerging leader"
    # Someone from another organisation cannot be placed.
    outsider = make_user()
    response = client.post(url, {"person": outsider.pk, "performance": 1, "potential": 1})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_a_placement_starts_with_nothing_chosen_and_closing_a_review_is_confirmed(
    client, make_user
):
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    make_user(profile__organisation=org)
    review = TalentReview.objects.create(name="Spring", organisation=org, held_on=date(2026, 4, 1))
    client.force_login(lead)
    url = reverse("talentpools:review", args=[review.pk])
    page = client.get(url).content.decode()
    ratings = re.findall(r'<input[^>]*name="(?:performance|potential)"[^>]*>', page)
    assert len(ratings) == 6 and not [r for r in ratings if " checked" in r]
    assert '<option value="" selected>Choose a person</option>' in page
    response = client.post(url, {"close": "1"})
    assert "Close Spring?" in response.content.decode()
    review.refresh_from_db()
    assert not review.is_closed  # asked, not done
    response = client.post(url, {"close": "1", "confirmed": "yes"}, follow=True)
    review.refresh_from_db()
    assert review.is_closed
    assert "Spring is closed" in response.content.decode()


def test_succession_page_rates_each_post(client, make_user):
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    successor = make_user(profile__organisation=org)
    client.force_login(lead)
    url = reverse("talentpools:succession_organisation", args=[org.pk])
    client.post(url, {"action": "post", "code": "finance", "post-finance-post": "finance",
                      "post-finance-incumbent": "J. Smith"})  # fmt: skip
    page = client.get(url).content.decode()
    assert page.split('id="post-finance"')[1].split("</h2>")[0].count('data-rag="red"') == 1
    client.post(url, {"action": "successor", "code": "finance", "successor-finance-post": "finance",
                      "successor-finance-person": successor.pk,
                      "successor-finance-readiness": "ready_now"})  # fmt: skip
    page = client.get(url).content.decode()
    assert 'data-rag="green"' in page.split('id="post-finance"')[1].split("</h2>")[0]


def test_members_see_matching_vacancies_and_express_interest(client, make_user):
    member = MembershipFactory(role_family="finance").member
    other = Vacancy.objects.create(
        title="Chief Nurse", role_family="nursing", organisation=OrganisationFactory(),
        closes_on=date.today() + timedelta(days=9), posted_on=date.today(),
    )  # fmt: skip
    mine = Vacancy.objects.create(
        title="Director of Finance", role_family="finance", organisation=OrganisationFactory(),
        closes_on=date.today() + timedelta(days=9), posted_on=date.today(),
    )  # fmt: skip
    client.force_login(member)
    page = client.get(reverse("talentpools:home")).content.decode()
    assert "Director of Finance" in page and "Chief Nurse" not in page
    assert client.get(reverse("talentpools:vacancy", args=[other.pk])).status_code == 404
    client.post(reverse("talentpools:vacancy", args=[mine.pk]))
    assert mine.interests.filter(member=member).exists()
    client.force_login(make_user())
    assert client.post(reverse("talentpools:vacancy", args=[mine.pk])).status_code == 404


def test_a_scheme_manager_sees_only_their_schemes_cohorts(client, make_user):
    edp = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2025, 1, 1), ends_on=date(2026, 6, 1)
    )
    hps = SchemeCohort.objects.create(
        scheme="hps", name="H", starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1)
    )
    client.force_login(make_user({"role": Role.SCHEME_MANAGER, "scheme": "edp"}))
    assert client.get(reverse("talentpools:cohort", args=[edp.pk])).status_code == 200
    assert client.get(reverse("talentpools:cohort", args=[hps.pk])).status_code == 404
    assert client.get(reverse("talentpools:intake", args=[2024, 9])).status_code == 404
    admin = client.get(reverse("admin:talentpools_schemecohort_changelist")).content.decode()
    assert "E</a>" in admin and "H</a>" not in admin


def test_pool_page_shows_make_up_with_small_numbers_suppressed(client, make_user):
    from ..tasks import make_up_snapshots_task

    for _ in range(3):
        MembershipFactory()
    make_up_snapshots_task.delay().get()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    page = client.get(reverse("talentpools:pool")).content.decode()
    assert "Make-up of the pool" in page
    section = page.split("Make-up of the pool")[1]
    assert "3 people" in section  # the total is exact
    assert "Not shown: with so few people" in section  # 3 people: tables withheld
    assert ">3</td>" not in section


def test_list_pages_use_a_bounded_number_of_queries(
    client, make_user, django_assert_max_num_queries
):
    team = make_user(Role.SYSTEM_ADMIN)
    window = WindowFactory()
    for _ in range(15):
        user = UserFactory()
        MembershipFactory(member=user)
        Nomination.objects.create(
            window=window, nominee=user, route="self", nominated_by=user,
            organisation=user.profile.organisation, system=user.profile.organisation.system,
            submitted_on=date.today(), **NOMINATION,
        )  # fmt: skip
        Trainee.objects.create(person=user, intake=date(2024, 9, 1), specialism="finance",
                               host_organisation=user.profile.organisation)  # fmt: skip
    client.force_login(team)
    for name, args, limit in [
        ("talentpools:pool", [], 30),
        ("talentpools:nominations", [], 15),
        ("talentpools:home", [], 20),
        ("talentpools:intake", [2024, 9], 25),
        ("talentpools:succession", [], 15),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name, args=args)).status_code == 200


def test_a_scheme_manager_cannot_write_to_another_scheme_in_the_admin(client, make_user):
    client.force_login(make_user({"role": Role.SCHEME_MANAGER, "scheme": "edp"}))
    assert client.get(reverse("admin:talentpools_trainee_add")).status_code == 403
    assert client.get(reverse("admin:talentpools_placementbid_add")).status_code == 403
    hps = SchemeCohort.objects.create(
        scheme="hps", name="H", starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1)
    )
    response = client.post(
        reverse("admin:talentpools_schemecohort_delete", args=[hps.pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403, 404)
    assert SchemeCohort.objects.filter(pk=hps.pk).exists()


def test_an_impossible_intake_is_not_found(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert client.get("/talent/schemes/gmts/99999999999999999999-1/").status_code == 404
    assert client.get("/talent/schemes/gmts/2024-13/").status_code == 404


def test_a_talent_lead_is_not_offered_themselves_to_nominate(client, make_user):
    WindowFactory()
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org}, profile__organisation=org)
    client.force_login(lead)
    response = client.get(reverse("talentpools:nominate"))
    assert f'value="{lead.pk}"' not in response.content.decode()


def test_members_imported_without_a_role_family_hear_of_every_vacancy(client, make_user):
    member = MembershipFactory(role_family="").member
    Vacancy.objects.create(
        title="Medical Director", role_family="medical", organisation=OrganisationFactory(),
        closes_on=date.today() + timedelta(days=9), posted_on=date.today(),
    )  # fmt: skip
    client.force_login(member)
    assert "Medical Director" in client.get(reverse("talentpools:home")).content.decode()


def test_succession_history_shows_successors_added_and_removed(client, make_user):
    org = OrganisationFactory()
    lead = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org}, first_name="Lee", last_name="Lead"
    )
    person = make_user(profile__organisation=org, first_name="Sam", last_name="Successor")
    client.force_login(lead)
    url = reverse("talentpools:succession_organisation", args=[org.pk])
    page = client.get(url).content.decode()
    assert "Not recorded" in page and 'data-rag="red"' not in page
    client.post(url, {"action": "successor", "code": "medical", "successor-medical-post": "medical",
                      "successor-medical-person": person.pk, "successor-medical-readiness": "one_to_two"})  # fmt: skip
    successor = SeniorPost.objects.get().successors.get()
    asked = client.post(url, {"action": "remove", "code": "medical", "successor": successor.pk})
    assert "Remove Sam Successor as a successor for" in asked.content.decode()
    assert Successor.objects.filter(pk=successor.pk).exists()  # asked, not done
    client.post(url, {"action": "remove", "code": "medical", "successor": successor.pk,
                      "confirmed": "yes"})  # fmt: skip
    assert not Successor.objects.filter(pk=successor.pk).exists()
    page = client.get(url).content.decode()
    # Who did what to whom, in words.
    assert "Lee Lead added a successor (Sam Successor)" in page
    assert "Lee Lead removed a successor (Sam Successor)" in page


def test_the_admin_keeps_scheme_rules(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.post(reverse("admin:talentpools_schemecohort_add"), {
        "scheme": "edp", "name": "Too short", "starts_on": "2026-01-01", "ends_on": "2026-06-01",
        "participants-TOTAL_FORMS": 0, "participants-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert "runs 12 to 24 months" in response.content.decode()
    hps = SchemeCohort.objects.create(
        scheme="hps", name="H", starts_on=date(2025, 4, 1), ends_on=date(2027, 3, 31)
    )
    band_6 = make_user(profile__band="6")
    response = client.post(reverse("admin:talentpools_schemeparticipant_add"), {
        "cohort": hps.pk, "person": band_6.pk, "status": "active",
        "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert "for bands 8a to 8d" in response.content.decode()
    assert not hps.participants.exists()


def test_a_scheme_place_keeps_the_system_the_person_worked_in(client, make_user):
    """Given in the admin, on its own page or in the cohort's list, a place records the
    system the person works in then. A later move of job leaves it; a change of person on
    the place takes the new person's."""
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    edp = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2025, 4, 1), ends_on=date(2026, 6, 1)
    )
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    birmingham = IntegratedCareSystem.objects.get(name="Birmingham and Solihull")
    here, there = OrganisationFactory(system=black_country), OrganisationFactory(system=birmingham)
    person = make_user(profile__organisation=here)
    place = {"cohort": edp.pk, "person": person.pk, "status": "active",
             "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0}  # fmt: skip
    assert client.post(reverse("admin:talentpools_schemeparticipant_add"), place).status_code == 302
    given = edp.participants.get()
    assert given.system == black_country

    person.profile.organisation = there
    person.profile.save()
    change = reverse("admin:talentpools_schemeparticipant_change", args=[given.pk])
    assert client.post(change, {**place, "outcome": ""}).status_code == 302
    given.refresh_from_db()
    assert given.system == black_country

    coventry = IntegratedCareSystem.objects.get(name="Coventry and Warwickshire")
    newcomer = make_user(profile__organisation=there)
    replacement = make_user(profile__organisation=OrganisationFactory(system=coventry))
    cohort_page = {
        "scheme": "edp", "name": "E", "starts_on": "2025-04-01", "ends_on": "2026-06-01",
        "participants-TOTAL_FORMS": 2, "participants-INITIAL_FORMS": 1,
        "participants-0-id": given.pk, "participants-0-cohort": edp.pk,
        "participants-0-person": replacement.pk, "participants-0-status": "active",
        "participants-1-cohort": edp.pk, "participants-1-person": newcomer.pk,
        "participants-1-status": "active",
    }  # fmt: skip
    answer = client.post(
        reverse("admin:talentpools_schemecohort_change", args=[edp.pk]), cohort_page
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert edp.participants.get(person=newcomer).system == birmingham
    assert edp.participants.get(pk=given.pk).system == coventry


# Nobody decides on their own case ---------------------------------------------------------


def _close(window):
    """The window closed yesterday (its close date only moves later through the service)."""
    NominationWindow.objects.filter(pk=window.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1),
        opens_on=timezone.localdate() - timedelta(days=30),
    )


def test_a_team_member_cannot_accept_their_own_self_nomination(client, make_user):
    """The probe: a programme administrator self-nominated, then accepted it themselves."""
    window = WindowFactory()
    admin = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    confirmed = {**NOMINATION, "confirmed": "yes"}
    assert client.post(reverse("talentpools:nominate_self"), confirmed).status_code == 302
    nomination = Nomination.objects.get(nominee=admin)
    _close(window)
    url = reverse("talentpools:nomination", args=[nomination.pk])
    page = client.get(url).content.decode()
    assert "Someone else in the team must decide on your own nomination." in page
    assert 'name="status"' not in page  # no decision controls on their own case
    response = client.post(url, {"status": "accepted"}, follow=True)
    assert response.status_code == 200
    assert "Someone else in the team must decide on your own nomination." in (
        response.content.decode()
    )
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decided_by) == ("submitted", None)
    assert not PoolMembership.objects.filter(member=admin).exists()
    # Someone else in the team may.
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert client.post(url, {"status": "accepted"}).status_code == 302
    assert PoolMembership.objects.filter(member=admin, left_on=None).exists()


def test_the_talent_lead_who_nominated_cannot_decide_even_in_the_team(client, make_user):
    org = OrganisationFactory()
    lead_and_admin = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org}, Role.PROGRAMME_ADMIN
    )
    window = WindowFactory()
    nomination = services.nomination_submit(
        nominator=lead_and_admin, nominee=make_user(profile__organisation=org), window=window,
        route="nominated", today=timezone.localdate(), **NOMINATION,
    )  # fmt: skip
    _close(window)
    client.force_login(lead_and_admin)
    url = reverse("talentpools:nomination", args=[nomination.pk])
    assert 'name="status"' not in client.get(url).content.decode()
    response = client.post(url, {"status": "accepted"}, follow=True)
    assert "You made this nomination, so someone else in the team must decide on it." in (
        response.content.decode()
    )
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_nominations_are_decided_only_once_the_window_has_closed(client, make_user):
    window = WindowFactory()  # open: it closes in 20 days
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    nomination = services.nomination_submit(
        nominator=lead, nominee=make_user(profile__organisation=org), window=window,
        route="nominated", today=timezone.localdate(), **NOMINATION,
    )  # fmt: skip
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("talentpools:nomination", args=[nomination.pk])
    closes = f"{window.closes_on:%-d %B %Y}"
    opens = f"{window.closes_on + timedelta(days=1):%-d %B %Y}"
    expected = (
        f"Nominations wait for their window to close: {window.name} closes on {closes}, "
        f"so you can decide from {opens}."
    )
    page = client.get(url).content.decode()
    assert expected in page and 'name="status"' not in page
    response = client.post(url, {"status": "declined"}, follow=True)
    assert response.status_code == 200 and expected in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    # On the close date itself it still waits; the day after, the team decides.
    with pytest.raises(ApplicationError, match="wait for their window to close"):
        services.nomination_decide(
            nomination=nomination, decided_by=make_user(Role.PROGRAMME_ADMIN),
            status="declined", feedback="", today=window.closes_on,
        )  # fmt: skip
    _close(window)
    assert client.post(url, {"status": "declined"}).status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "declined"


def test_nobody_places_themselves_on_a_nine_box_grid(client, make_user):
    org = OrganisationFactory()
    lead = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org},
        first_name="Lena", last_name="Lead", profile__organisation=org,
    )  # fmt: skip
    review = services.review_create(
        created_by=lead, name="Autumn", organisation=org, system=None, held_on=date(2026, 10, 1)
    )
    client.force_login(lead)
    url = reverse("talentpools:review", args=[review.pk])
    page = client.get(url).content.decode()
    assert "Someone else who leads this review must place you on the grid." in page
    assert f'value="{lead.pk}"' not in page  # not offered in the list of people
    response = client.post(
        url, {"person": lead.pk, "performance": 3, "potential": 3, "note": ""}, follow=True
    )
    # Told why, as a message (not merely "not a valid choice"), and sent back to the grid.
    assert response.redirect_chain == [(url, 302)]
    assert (
        '<div class="nhsuk-error-summary__body"><p>Someone else who leads this review must '
        "place you on the grid.</p>" in response.content.decode()
    )
    assert not NineBoxPlacement.objects.exists()
    # Another lead of the organisation may place them.
    client.force_login(make_user({"role": Role.TALENT_LEAD, "organisation": org}))
    client.post(url, {"person": lead.pk, "performance": 3, "potential": 3, "note": ""})
    assert NineBoxPlacement.objects.get().person == lead


def test_nobody_names_themselves_as_a_successor(client, make_user):
    org = OrganisationFactory()
    lead = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org},
        first_name="Sam", last_name="Self", profile__organisation=org,
    )  # fmt: skip
    client.force_login(lead)
    url = reverse("talentpools:succession_organisation", args=[org.pk])
    assert f'value="{lead.pk}"' not in client.get(url).content.decode()
    response = client.post(url, {
        "action": "successor", "code": "finance", "successor-finance-post": "finance",
        "successor-finance-person": lead.pk, "successor-finance-readiness": "ready_now",
    }, follow=True)  # fmt: skip
    assert response.redirect_chain == [(url, 302)]
    assert "Someone else must name you as a successor" in response.content.decode()
    assert not Successor.objects.exists()
    # Named by someone else, they are not offered the button to remove themselves either.
    other = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    successor = services.successor_set(
        organisation=org, post="finance", person=lead, readiness="one_to_two", by=other
    )
    page = client.get(url).content.decode()
    assert "(this is you: someone else must change or remove it)" in page
    assert f'name="successor" value="{successor.pk}"' not in page
    response = client.post(
        url, {"action": "remove", "code": "finance", "successor": successor.pk}, follow=True
    )
    assert "Someone else must name you as a successor" in response.content.decode()
    assert Successor.objects.filter(pk=successor.pk).exists()


def test_nobody_gives_themselves_a_scheme_place_in_the_admin(client, make_user):
    manager = make_user({"role": Role.SCHEME_MANAGER, "scheme": "edp"})
    client.force_login(manager)
    edp = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2025, 4, 1), ends_on=date(2026, 6, 1)
    )
    place = {"cohort": edp.pk, "person": manager.pk, "status": "active",
             "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(reverse("admin:talentpools_schemeparticipant_add"), place)
    assert response.status_code == 200
    assert "Someone else who manages the scheme must give you a place" in (
        response.content.decode()
    )
    # Nor in the cohort's own list of participants.
    response = client.post(reverse("admin:talentpools_schemecohort_change", args=[edp.pk]), {
        "scheme": "edp", "name": "E", "starts_on": "2025-04-01", "ends_on": "2026-06-01",
        "participants-TOTAL_FORMS": 1, "participants-INITIAL_FORMS": 0,
        "participants-0-person": manager.pk, "participants-0-status": "active",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Someone else who manages the scheme must give you a place" in (
        response.content.decode()
    )
    assert not edp.participants.exists()
    # Someone else gives them the place.
    client.force_login(make_user({"role": Role.SCHEME_MANAGER, "scheme": "edp"}))
    assert client.post(reverse("admin:talentpools_schemeparticipant_add"), place).status_code == 302
    assert edp.participants.get().person == manager


def test_nobody_gives_themselves_a_trainee_place_in_the_admin(client, make_user):
    manager = make_user({"role": Role.SCHEME_MANAGER, "scheme": "gmts"})
    other = make_user({"role": Role.SCHEME_MANAGER, "scheme": "gmts"})
    host = OrganisationFactory()
    client.force_login(manager)

    def place(person):
        return {"person": person.pk, "intake": "2025-09-01", "specialism": "finance",
                "host_organisation": host.pk, "status": "in_training",
                "placements-TOTAL_FORMS": 0, "placements-INITIAL_FORMS": 0}  # fmt: skip

    refused = "Someone else who manages the scheme must give you a trainee place"
    response = client.post(reverse("admin:talentpools_trainee_add"), place(manager))
    assert response.status_code == 200
    assert refused in response.content.decode()
    assert not Trainee.objects.exists()
    # Nor by moving someone else's place onto themselves.
    theirs = Trainee.objects.create(
        person=make_user(), intake=date(2025, 9, 1), specialism="finance", host_organisation=host
    )
    url = reverse("admin:talentpools_trainee_change", args=[theirs.pk])
    response = client.post(url, place(manager))
    assert response.status_code == 200
    assert refused in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.person != manager
    # Someone else gives them the place; they cannot then change it themselves.
    client.force_login(other)
    response = client.post(reverse("admin:talentpools_trainee_add"), place(manager))
    assert response.status_code == 302
    mine = Trainee.objects.get(person=manager)
    client.force_login(manager)
    url = reverse("admin:talentpools_trainee_change", args=[mine.pk])
    response = client.post(
        url, {**place(manager), "status": "completed", "completed_on": "2026-01-01"}
    )
    assert refused in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "in_training"


def test_the_heatmap_draws_each_cells_mix_and_a_system_lead_drills_down_to_its_organisations(
    client, make_user
):
    bc = IntegratedCareSystem.objects.get(name="Black Country")
    walsall, dudley = (OrganisationFactory(system=bc, name=n) for n in ("Walsall", "Dudley"))
    elsewhere = OrganisationFactory(system=IntegratedCareSystem.objects.exclude(pk=bc.pk)[0])
    SeniorPost.objects.create(organisation=walsall, post=Post.FINANCE, incumbent="X")  # red
    green = SeniorPost.objects.create(organisation=dudley, post=Post.FINANCE, incumbent="Y")
    Successor.objects.create(post=green, person=UserFactory(), readiness="ready_now")
    SeniorPost.objects.create(organisation=elsewhere, post=Post.FINANCE)
    client.force_login(make_user({"role": Role.TALENT_LEAD, "system": bc}))
    url = reverse("talentpools:succession")
    page = client.get(url).content.decode()
    # The cell shows both ratings, in colour and in words, not only its worst.
    cell = re.search(rf'href="\?system={bc.pk}&amp;post=finance".*?</a>', page, re.S).group(0)
    assert 'class="tp-mix__red" x="0.0" y="0" width="50.0"' in cell
    assert 'class="tp-mix__green" x="50.0" y="0" width="50.0"' in cell
    assert "1 red, 1 green" in cell
    drill = client.get(url, {"system": bc.pk, "post": "finance"}).content.decode()
    assert f"{Post.FINANCE.label} in Black Country" in drill
    listed = re.findall(r'succession/(\d+)/">([^<]+)</a>', drill.split("<h2>Organisations")[0])
    assert [name for _, name in listed] == ["Walsall", "Dudley"]  # worst first
    assert client.get(url, {"system": elsewhere.system_id, "post": "finance"}).status_code == 404

from datetime import date

import pytest

from talentportal.directory.models import (
    EqualityMonitoring,
    IntegratedCareSystem,
    Profile,
    Region,
    Role,
    User,
)
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory

from .. import selectors, services
from ..models import (
    Nomination,
    NominationWindow,
    Post,
    SchemeCohort,
    SchemeParticipant,
    SeniorPost,
    Successor,
    Trainee,
    WorkforceBaseline,
)
from .factories import NOMINATION, MembershipFactory

pytestmark = pytest.mark.django_db


def rag(incumbent="A. Patel", likely_to_leave=False, successors=()):
    post = SeniorPost.objects.create(
        organisation=OrganisationFactory(), post=Post.NURSING, incumbent=incumbent,
        incumbent_likely_to_leave=likely_to_leave,
    )  # fmt: skip
    for readiness in successors:
        Successor.objects.create(post=post, person=UserFactory(), readiness=readiness)
    return selectors.with_rag(SeniorPost.objects.filter(pk=post.pk)).get().rag


def test_green_is_filled_with_a_ready_now_successor():
    assert rag(successors=["one_to_two", "ready_now"]) == "green"


def test_amber_is_filled_without_a_ready_now_successor():
    assert rag(successors=["one_to_two"]) == "amber"


def test_amber_is_an_incumbent_likely_to_leave_even_with_cover():
    assert rag(likely_to_leave=True, successors=["ready_now"]) == "amber"


def test_red_is_a_vacancy_even_with_a_ready_successor():
    assert rag(incumbent="", successors=["ready_now"]) == "red"


def test_red_is_a_filled_post_with_no_successor():
    assert rag(successors=[]) == "red"


def test_the_heatmap_counts_posts_by_system_and_post(make_user):
    team = make_user(Role.SYSTEM_ADMIN)
    bc = IntegratedCareSystem.objects.get(name="Black Country")
    a, b = OrganisationFactory(system=bc), OrganisationFactory(system=bc)
    SeniorPost.objects.create(organisation=a, post=Post.FINANCE, incumbent="X")
    green = SeniorPost.objects.create(organisation=b, post=Post.FINANCE, incumbent="Y")
    Successor.objects.create(post=green, person=UserFactory(), readiness="ready_now")
    heatmap = selectors.succession_heatmap(user=team)
    (row,) = heatmap["rows"]
    finance = next(c for c in row["cells"] if c["post"] == Post.FINANCE)
    assert row["system"] == "Black Country"
    assert (finance["green"], finance["amber"], finance["red"], finance["worst"]) == (
        1,
        0,
        1,
        "red",
    )
    assert next(c for c in row["cells"] if c["post"] == Post.MEDICAL)["worst"] == ""


def test_a_talent_lead_sees_only_their_organisations_posts(make_user):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": mine})
    SeniorPost.objects.create(organisation=mine, post=Post.FINANCE)
    SeniorPost.objects.create(organisation=theirs, post=Post.FINANCE)
    assert [p.organisation for p in selectors.post_list(user=lead)] == [mine]


def people(n, **equality):
    users = [UserFactory() for _ in range(n)]
    for u in users:
        EqualityMonitoring.objects.update_or_create(user=u, defaults=equality)
    return users


def dims(make_up):
    return {d["label"]: d for d in make_up["dimensions"]}


def cells(dimension):
    return {c["label"]: c for c in dimension["cells"]}


def test_make_up_suppresses_small_groups_rounds_the_rest_and_shows_the_baseline():
    WorkforceBaseline.objects.create(dimension="ethnic_group", category="White", percent=71)
    white = people(20, ethnic_category="A", sex="female")
    asian = people(3, ethnic_category="H", sex="female")
    black = people(9, ethnic_category="N", sex="male")
    group = User.objects.filter(pk__in=[u.pk for u in white + asian + black])
    make_up = selectors.make_up(group)
    assert make_up["total"] == 32
    ethnic = cells(dims(make_up)["Ethnic group"])
    assert ethnic["Asian or Asian British"]["count"] is None
    assert ethnic["Asian or Asian British"]["share"] is None
    # Shown counts are near the truth, rounded to 5; shares whole per cents of them.
    assert ethnic["White"]["count"] == 20  # 18 to 22, rounded
    assert ethnic["Black or Black British"]["count"] in (None, 10)  # 9 may be moved below 8
    assert ethnic["White"]["share"] == round(ethnic["White"]["count"] / 32, 2)
    assert ethnic["White"]["baseline"] == pytest.approx(0.71)
    # Every category is listed, so a missing row never says "nobody"; nobody is Mixed, which
    # shows as 0 or, moved up by the perturbation, as *.
    assert ethnic["Mixed"]["count"] in (0, None)
    sex = cells(dims(make_up)["Sex"])
    assert sex["Female"]["count"] in (20, 25) and sex["Male"]["count"] in (None, 10)


def test_a_group_all_in_one_category_does_not_reveal_its_members_answers():
    group = User.objects.filter(
        pk__in=[u.pk for u in people(12, ethnic_category="N", sex="female", disability="yes")]
    )
    d = dims(selectors.make_up(group))
    for name in ("Ethnic group", "Sex", "Disability"):
        assert d[name]["withheld"], name
        assert all(c["count"] is None for c in d[name]["cells"]), name
    # Work details are not special-category data: a cohort all from one profession says so.
    assert [c["count"] for c in d["Profession"]["cells"]] == [12]


def test_a_group_nearly_all_in_one_category_is_withheld_too():
    """10 people, White 8, Mixed 1, Black 1: '*' and '*' would add up to 2, one each."""
    ids = [u.pk for u in people(8, ethnic_category="A") + people(1, ethnic_category="D")]
    ids += [u.pk for u in people(1, ethnic_category="M")]
    ethnic = dims(selectors.make_up(User.objects.filter(pk__in=ids)))["Ethnic group"]
    assert ethnic["withheld"] and all(c["count"] is None for c in ethnic["cells"])


def test_the_pool_at_the_start_is_the_pool_the_day_before_so_the_year_adds_up():
    start, end = date(2022, 4, 1), date(2023, 3, 31)
    MembershipFactory(joined_on=start)  # joined on the first day
    MembershipFactory(joined_on=date(2021, 1, 1), left_on=start, leave_reason="withdrew")
    f = selectors.figures(start=start, end=end)
    assert (
        f["aspirant_pool_start"] + f["aspirant_pool_joined"] - f["aspirant_pool_left"]
        == f["aspirant_pool_end"]
    )
    assert (f["aspirant_pool_start"], f["aspirant_pool_end"]) == (1, 1)


def test_people_with_no_equality_answers_count_as_not_stated():
    group = User.objects.filter(pk__in=[u.pk for u in (UserFactory() for _ in range(9))])
    ethnic = dims(selectors.make_up(group))["Ethnic group"]
    # Nobody answered: the table is withheld (fewer than 8 answers), the total stands.
    assert ethnic["withheld"] and ethnic["total"] == 9


def test_figures_for_a_financial_year(make_user):
    start, end = date(2022, 4, 1), date(2023, 3, 31)
    # Pool: one member before the year who stays, one who leaves on appointment in it,
    # one who joins in it, one who joined after it.
    MembershipFactory(joined_on=date(2021, 5, 1))
    MembershipFactory(
        joined_on=date(2021, 6, 1), left_on=date(2022, 9, 1), leave_reason="appointed"
    )
    MembershipFactory(joined_on=date(2022, 10, 1))
    MembershipFactory(joined_on=date(2023, 4, 1))
    window = NominationWindow.objects.create(name="W", opens_on=start, closes_on=end)
    for route, status in [("self", "accepted"), ("nominated", "accepted"), ("nominated", "declined"),
                          ("nominated", "submitted")]:  # fmt: skip
        user = UserFactory()
        Nomination.objects.create(
            window=window, nominee=user, route=route, nominated_by=user,
            organisation=user.profile.organisation, system=user.profile.organisation.system,
            status=status, submitted_on=date(2022, 6, 1),
            decided_on=None if status == "submitted" else date(2022, 7, 1), **NOMINATION,
        )  # fmt: skip
    edp = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2021, 9, 1), ends_on=date(2023, 2, 1)
    )
    for outcome, on in [
        ("appointed", date(2022, 12, 1)),
        ("appointed", date(2023, 6, 1)),
        ("", None),
    ]:
        SchemeParticipant.objects.create(
            cohort=edp, person=UserFactory(), outcome=outcome, outcome_on=on
        )
    hps = SchemeCohort.objects.create(
        scheme="hps", name="H", starts_on=date(2022, 4, 1), ends_on=date(2024, 3, 31)
    )
    for outcome in ["new_role", "promotion", "", "no_change"]:
        SchemeParticipant.objects.create(cohort=hps, person=UserFactory(), outcome=outcome,
                                         outcome_on=date(2023, 1, 1) if outcome else None)  # fmt: skip
    old = SchemeCohort.objects.create(
        scheme="hps", name="Old", starts_on=date(2019, 1, 1), ends_on=date(2021, 1, 1)
    )
    SchemeParticipant.objects.create(cohort=old, person=UserFactory())
    host = OrganisationFactory()
    for intake, specialism, status, done, destination in [
        (
            date(2020, 9, 1),
            "finance",
            "completed",
            date(2022, 8, 31),
            "nhs_employment",
        ),  # active at S
        (date(2020, 9, 1), "finance", "completed", date(2022, 3, 1), "other"),  # left before S
        (date(2021, 9, 1), "human_resources", "completed", date(2023, 3, 1), ""),
        (date(2022, 9, 1), "finance", "in_training", None, ""),
        (date(2023, 9, 1), "finance", "in_training", None, ""),  # after E
    ]:
        Trainee.objects.create(person=UserFactory(), intake=intake, specialism=specialism,
                               host_organisation=host, status=status, completed_on=done,
                               destination=destination)  # fmt: skip

    f = selectors.figures(start=start, end=end)
    assert (f["aspirant_pool_start"], f["aspirant_pool_end"]) == (2, 2)
    assert f["aspirant_pool_appointed"] == 1
    assert f["nominations"]["received"] == 4
    by_route = {r["route"]: r for r in f["nominations"]["by_route"]}
    assert (by_route["self"]["received"], by_route["self"]["accepted"]) == (1, 1)
    assert (by_route["nominated"]["received"], by_route["nominated"]["declined"]) == (3, 1)
    assert f["nominations"]["by_decision"]["submitted"] == 1
    assert f["edp"] == {"participants": 3, "appointed": 1}
    assert (f["hps"]["participants"], f["hps"]["new_role"]) == (4, 2)
    assert f["hps"]["new_role_share"] == pytest.approx(0.5)
    gmts = f["gmts"]
    assert gmts["active"] == 3
    assert gmts["by_specialism"] == [
        {"name": "Finance", "trainees": 2}, {"name": "Human Resources", "trainees": 1},
    ]  # fmt: skip
    assert gmts["by_organisation_type"] == [{"name": "Acute trust", "trainees": 3}]
    assert gmts["by_system"] == [{"name": "Black Country", "trainees": 3}]
    # Completed in the year: two; one destination known, in the NHS.
    assert (gmts["completed"], gmts["destination_known"], gmts["employed_in_nhs"]) == (2, 1, 1)
    # The share is of everyone who completed: an unknown destination is not NHS work.
    assert gmts["employed_in_nhs_share"] == 0.5


def test_a_regions_figures_count_what_lies_in_its_systems():
    """Pool members and scheme places by the system recorded on them (where the person
    worked when given them: nobody's region without a workplace), trainees by their host;
    the nation counts all."""
    start, end = date(2022, 4, 1), date(2023, 3, 31)
    midlands = IntegratedCareSystem.objects.get(name="Black Country")
    london = IntegratedCareSystem.objects.create(
        name="North Central London", region=Region.objects.get(name="London")
    )
    here, there = OrganisationFactory(system=midlands), OrganisationFactory(system=london)
    MembershipFactory(member=UserFactory(profile__organisation=here))
    MembershipFactory(member=UserFactory(profile__organisation=there))
    MembershipFactory(member=UserFactory(profile__organisation=there), system=midlands)
    cohort = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2022, 1, 1), ends_on=date(2023, 6, 1)
    )
    nowhere = UserFactory()
    Profile.objects.filter(user=nowhere).delete()
    nowhere = User.objects.get(pk=nowhere.pk)  # without the profile it had in memory
    moved = UserFactory(profile__organisation=here)
    for person in (UserFactory(profile__organisation=here), nowhere,
                   UserFactory(profile__organisation=there), moved):  # fmt: skip
        SchemeParticipant.objects.create(
            cohort=cohort, person=person, system=services.scheme_place_system(person=person)
        )
    Profile.objects.filter(user=moved).update(organisation=there)  # after the place was given
    for host in (here, there, there):
        Trainee.objects.create(person=UserFactory(), intake=date(2022, 9, 1),
                               specialism="finance", host_organisation=host)  # fmt: skip

    def counts(region_id):
        f = selectors.figures(start=start, end=end, region_id=region_id)
        return f["aspirant_pool_end"], f["edp"]["participants"], f["gmts"]["active"]

    assert counts(midlands.region_id) == (2, 2, 1)
    assert counts(london.region_id) == (1, 1, 2)
    assert counts(None) == (3, 4, 3)
    london_systems = selectors.figures(start=start, end=end, region_id=london.region_id)
    assert london_systems["gmts"]["by_system"] == [{"name": "North Central London", "trainees": 2}]

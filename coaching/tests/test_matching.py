from datetime import timedelta

from coaching.matching import cohort_assignment, shortlist
from coaching.models import Relationship
from coaching.tests.factories import TODAY, application, practitioner
from talentportal.directory.models import IntegratedCareSystem
from talentportal.directory.tests.factories import OrganisationFactory


def _org(system="Black Country"):
    return OrganisationFactory(system=IntegratedCareSystem.objects.get(name=system))


def test_the_shortlist_keeps_the_hard_rules(make_user):
    home = _org()
    client = make_user(profile__organisation=home)
    app = application(client, themes=["Leadership"])
    good = practitioner(make_user(profile__organisation=_org()))
    same_org = practitioner(make_user(profile__organisation=home))
    unapproved = practitioner(make_user(profile__organisation=_org()), approved=False)
    lapsed = practitioner(
        make_user(profile__organisation=_org()), supervised_on=TODAY - timedelta(days=370)
    )
    paused = practitioner(make_user(profile__organisation=_org()), is_open=False)
    mentor_only = practitioner(make_user(profile__organisation=_org()), coaches=False, mentors=True)
    full = practitioner(make_user(profile__organisation=_org()), capacity=1)
    Relationship.objects.create(
        kind="coaching", practitioner=full, client=make_user(), status="active", started_on=TODAY
    )
    found = [c.practitioner for c in shortlist(application=app, today=TODAY)]
    assert found == [good]
    for excluded in (same_org, unapproved, lapsed, paused, mentor_only, full):
        assert excluded not in found


def test_supervision_exactly_twelve_months_old_still_counts(make_user):
    client = make_user(profile__organisation=_org())
    app = application(client)
    p = practitioner(
        make_user(profile__organisation=_org()), supervised_on=TODAY.replace(year=TODAY.year - 1)
    )
    assert [c.practitioner for c in shortlist(application=app, today=TODAY)] == [p]
    assert shortlist(application=app, today=TODAY + timedelta(days=1)) == []


def test_the_shortlist_is_ranked_with_reasons(make_user):
    lincs = _org("Lincolnshire")
    client = make_user(profile__organisation=_org())
    app = application(
        client,
        themes=["Leadership", "Inclusion", "Career transition"],
        language="Punjabi",
        prefers_other_system=True,
    )
    best = practitioner(
        make_user(profile__organisation=lincs),
        themes=["Leadership", "Inclusion", "Career transition"],
        languages=["Punjabi"],
    )
    middle = practitioner(make_user(profile__organisation=lincs), themes=["Leadership"])
    weak = practitioner(make_user(profile__organisation=_org()), modes=["phone"])
    ranked = shortlist(application=app, today=TODAY)
    assert [c.practitioner for c in ranked] == [best, middle, weak]
    assert ranked[0].reason_text.startswith(
        "shares 3 of your themes; offers video call; speaks Punjabi; from another system (Lincolnshire)"
    )
    assert "different organisation" in ranked[0].reasons


def test_the_shortlist_has_five_by_default(make_user, settings):
    settings.COACHING_SHORTLIST_SIZE = 5
    app = application(make_user(profile__organisation=_org()))
    for _ in range(7):
        practitioner(make_user(profile__organisation=_org()))
    assert len(shortlist(application=app, today=TODAY)) == 5


def test_cohort_assignment_is_optimal_not_first_come_first_served(make_user):
    """Greedy in order would give A the only practitioner B can have, leaving B unmatched."""
    lincs, black = _org("Lincolnshire"), _org()
    p1 = practitioner(make_user(profile__organisation=lincs), themes=["Leadership"], capacity=1)
    p2 = practitioner(make_user(profile__organisation=black), capacity=1)
    # A likes p1 best but could have p2; B works in p2's organisation, so only p1 is allowed.
    a = application(make_user(profile__organisation=_org()), themes=["Leadership"])
    b = application(make_user(profile__organisation=black))
    result = dict(cohort_assignment(applications=[a, b], kind="coaching", today=TODAY))
    assert result[a].practitioner == p2
    assert result[b].practitioner == p1


def test_cohort_assignment_respects_capacity_and_maximises_score(make_user):
    p = practitioner(make_user(profile__organisation=_org()), themes=["Inclusion"], capacity=2)
    q = practitioner(make_user(profile__organisation=_org()), capacity=1)
    apps = [
        application(make_user(profile__organisation=_org()), themes=["Inclusion"]),
        application(make_user(profile__organisation=_org()), themes=["Inclusion"]),
        application(make_user(profile__organisation=_org())),
        application(make_user(profile__organisation=_org())),
    ]
    result = cohort_assignment(applications=apps, kind="coaching", today=TODAY)
    assigned = [c.practitioner if c else None for _, c in result]
    assert assigned.count(p) == 2 and assigned.count(q) == 1 and assigned.count(None) == 1
    # The two who asked for inclusion get the practitioner who works on it.
    assert assigned[0] == p and assigned[1] == p

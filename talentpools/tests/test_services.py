from datetime import timedelta

import pytest
from django.utils import timezone

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.tests.factories import OrganisationFactory
from talentportal.notifications.models import OutboundEmail

from .. import services
from ..models import (
    LeaveReason,
    NominationStatus,
    PoolMembership,
    RoleFamily,
    Route,
    VacancyInterest,
)
from .factories import NOMINATION, MembershipFactory, WindowFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def lead(make_user, org):
    return make_user({"role": Role.TALENT_LEAD, "organisation": org})


def nominate(lead, nominee, window, **overrides):
    return services.nomination_submit(
        nominator=lead, nominee=nominee, window=window, route=Route.NOMINATED,
        today=today(), **{**NOMINATION, **overrides},
    )  # fmt: skip


def test_a_close_date_can_only_move_later():
    window = WindowFactory()
    with pytest.raises(ApplicationError, match="only move later"):
        services.window_update(
            window=window, name=window.name, closes_on=window.closes_on - timedelta(days=1)
        )
    later = window.closes_on + timedelta(days=7)
    assert (
        services.window_update(window=window, name="Extended", closes_on=later).closes_on == later
    )


def test_a_lead_nominates_someone_of_their_organisation(make_user, lead, org):
    nominee = make_user(profile__organisation=org)
    nomination = nominate(lead, nominee, WindowFactory())
    assert (nomination.route, nomination.nominated_by, nomination.organisation) == (
        Route.NOMINATED, lead, org,
    )  # fmt: skip
    assert nomination.system == org.system
    assert nomination.status == NominationStatus.SUBMITTED
    assert OutboundEmail.objects.filter(recipients__contains=[nominee.email]).exists()


def test_a_lead_cannot_nominate_outside_their_organisation(make_user, lead):
    outsider = make_user(profile__organisation=OrganisationFactory())
    with pytest.raises(ApplicationError, match="outside the organisation or system you lead"):
        nominate(lead, outsider, WindowFactory())


def test_a_system_lead_nominates_anyone_in_the_system(make_user):
    system = IntegratedCareSystem.objects.get(name="Black Country")
    lead = make_user({"role": Role.TALENT_LEAD, "system": system})
    nominee = make_user(profile__organisation=OrganisationFactory(system=system))
    assert nominate(lead, nominee, WindowFactory()).system == system
    elsewhere = OrganisationFactory(
        system=IntegratedCareSystem.objects.get(name="Birmingham and Solihull")
    )
    with pytest.raises(ApplicationError):
        nominate(lead, make_user(profile__organisation=elsewhere), WindowFactory())


def test_only_talent_leads_nominate_others(make_user, org):
    team = make_user(Role.PROGRAMME_ADMIN, profile__organisation=org)
    with pytest.raises(ApplicationError, match="Only a talent lead"):
        nominate(team, make_user(profile__organisation=org), WindowFactory())


def test_self_nomination_is_recorded_as_its_own_route(make_user):
    person = make_user()
    nomination = services.nomination_submit(
        nominator=person, nominee=person, window=WindowFactory(), route=Route.SELF,
        today=today(), **NOMINATION,
    )  # fmt: skip
    assert nomination.route == Route.SELF
    other = make_user()
    with pytest.raises(ApplicationError, match="only be made by the person"):
        services.nomination_submit(
            nominator=other, nominee=person, window=WindowFactory(), route=Route.SELF,
            today=today(), **NOMINATION,
        )  # fmt: skip


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sponsor_endorsed": False}, "executive sponsor must endorse"),
        ({"window": "closed"}, "not open for nominations"),
        ({"window": "future"}, "not open for nominations"),
    ],
)
def test_nominations_need_an_endorsement_and_an_open_window(make_user, lead, org, change, message):
    windows = {
        "closed": WindowFactory(
            opens_on=today() - timedelta(days=30), closes_on=today() - timedelta(days=1)
        ),
        "future": WindowFactory(
            opens_on=today() + timedelta(days=1), closes_on=today() + timedelta(days=9)
        ),
    }
    window = windows.get(change.pop("window", None)) or WindowFactory()
    with pytest.raises(ApplicationError, match=message):
        nominate(lead, make_user(profile__organisation=org), window, **change)


def test_one_nomination_per_window_and_none_for_current_members(make_user, lead, org):
    window = WindowFactory()
    nominee = make_user(profile__organisation=org)
    nominate(lead, nominee, window)
    with pytest.raises(ApplicationError, match="already been nominated"):
        nominate(lead, nominee, window)
    member = MembershipFactory(member=make_user(profile__organisation=org)).member
    with pytest.raises(ApplicationError, match="already in the aspirant director pool"):
        nominate(lead, member, window)


def test_accepting_a_nomination_adds_the_person_to_the_pool(make_user, lead, org):
    team = make_user(Role.PROGRAMME_ADMIN)
    nominee = make_user(profile__organisation=org)
    window = WindowFactory()
    nomination = nominate(lead, nominee, window, role_family=RoleFamily.FINANCE)
    after = window.closes_on + timedelta(days=1)
    services.nomination_decide(
        nomination=nomination, decided_by=team, status="accepted", feedback="", today=after
    )
    membership = PoolMembership.objects.get(member=nominee)
    assert (membership.joined_on, membership.route, membership.role_family) == (
        after, Route.NOMINATED, RoleFamily.FINANCE,
    )  # fmt: skip
    assert membership.nomination == nomination
    # The nominee and the nominating lead are both told.
    assert OutboundEmail.objects.filter(recipients__contains=[lead.email]).exists()
    with pytest.raises(ApplicationError, match="already been decided"):
        services.nomination_decide(
            nomination=nomination, decided_by=team, status="declined", feedback="", today=after
        )


def test_not_yet_needs_feedback_and_adds_nobody(make_user, lead, org):
    team = make_user(Role.PROGRAMME_ADMIN)
    window = WindowFactory()
    nomination = nominate(lead, make_user(profile__organisation=org), window)
    after = window.closes_on + timedelta(days=1)
    with pytest.raises(ApplicationError, match="feedback"):
        services.nomination_decide(
            nomination=nomination, decided_by=team, status="not_yet", feedback=" ", today=after
        )
    services.nomination_decide(
        nomination=nomination, decided_by=team, status="not_yet",
        feedback="Gain finance experience.", today=after,
    )  # fmt: skip
    assert not PoolMembership.objects.exists()


def test_leaving_the_pool_needs_a_reason_and_a_date_after_joining(make_user):
    membership = MembershipFactory()
    with pytest.raises(ApplicationError, match="before they joined"):
        services.membership_end(
            membership=membership, left_on=membership.joined_on - timedelta(days=1),
            reason=LeaveReason.APPOINTED,
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="why they left"):
        services.membership_end(membership=membership, left_on=today(), reason="")
    services.membership_end(membership=membership, left_on=today(), reason=LeaveReason.APPOINTED)
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (today(), "appointed")


def test_a_vacancy_reaches_current_members_of_its_role_family_only(make_user):
    team = make_user(Role.PROGRAMME_ADMIN)
    nurse = MembershipFactory(role_family=RoleFamily.NURSING).member
    finance = MembershipFactory(role_family=RoleFamily.FINANCE).member
    left = MembershipFactory(
        role_family=RoleFamily.NURSING, left_on=today(), leave_reason="withdrew"
    ).member
    OutboundEmail.objects.all().delete()
    vacancy = services.vacancy_post(
        posted_by=team, title="Chief Nurse", role_family=RoleFamily.NURSING,
        organisation=OrganisationFactory(), description="", link="",
        closes_on=today() + timedelta(days=14), today=today(),
    )  # fmt: skip
    told = {e for m in OutboundEmail.objects.all() for e in m.recipients}
    assert nurse.email in told
    assert finance.email not in told and left.email not in told

    services.vacancy_interest(vacancy=vacancy, member=nurse, today=today())
    services.vacancy_interest(vacancy=vacancy, member=nurse, today=today())
    assert VacancyInterest.objects.filter(vacancy=vacancy, member=nurse).count() == 1
    with pytest.raises(ApplicationError, match="Only members"):
        services.vacancy_interest(vacancy=vacancy, member=make_user(), today=today())
    with pytest.raises(ApplicationError, match="closed"):
        services.vacancy_interest(
            vacancy=vacancy, member=nurse, today=vacancy.closes_on + timedelta(days=1)
        )


def test_nine_box_placements_stay_inside_the_review_and_the_leads_scope(make_user, lead, org):
    review = services.review_create(
        created_by=lead, name="Autumn", organisation=org, system=None, held_on=today()
    )
    person = make_user(profile__organisation=org)
    placement = services.placement_set(
        review=review, person=person, performance=3, potential=2, note="",
        placed_by=lead, now=timezone.now(),
    )  # fmt: skip
    services.placement_set(
        review=review, person=person, performance=2, potential=2, note="Calibrated down",
        placed_by=lead, now=timezone.now(),
    )  # fmt: skip
    placement.refresh_from_db()
    assert (placement.performance, placement.potential) == (2, 2)
    # Every move is kept: the calibration history.
    assert placement.events.count() == 2
    with pytest.raises(ApplicationError, match="does not work in"):
        services.placement_set(
            review=review, person=make_user(), performance=1, potential=1, note="",
            placed_by=lead, now=timezone.now(),
        )  # fmt: skip
    other_lead = make_user({"role": Role.TALENT_LEAD, "organisation": OrganisationFactory()})
    with pytest.raises(ApplicationError, match="reviews you lead"):
        services.placement_set(
            review=review, person=person, performance=1, potential=1, note="",
            placed_by=other_lead, now=timezone.now(),
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="only hold reviews"):
        services.review_create(
            created_by=other_lead, name="X", organisation=org, system=None, held_on=today()
        )
    services.review_close(review=review, by=lead)
    with pytest.raises(ApplicationError, match="closed"):
        services.placement_set(
            review=review, person=person, performance=1, potential=1, note="",
            placed_by=lead, now=timezone.now(),
        )  # fmt: skip


def test_succession_plans_are_kept_to_the_leads_organisations(make_user, lead, org):
    post = services.post_update(
        organisation=org, post="nursing", incumbent="A. Patel", likely_to_leave=True, by=lead
    )
    successor = services.successor_set(
        organisation=org, post="nursing", person=make_user(profile__organisation=org),
        readiness="ready_now", by=lead,
    )  # fmt: skip
    assert successor.post == post
    with pytest.raises(ApplicationError, match="outside the organisation"):
        services.successor_set(
            organisation=org, post="nursing", person=make_user(), readiness="ready_now", by=lead
        )
    # A vacant post cannot have an incumbent likely to leave.
    post = services.post_update(
        organisation=org, post="nursing", incumbent="", likely_to_leave=True, by=lead
    )
    assert post.incumbent_likely_to_leave is False
    outsider = make_user({"role": Role.TALENT_LEAD, "organisation": OrganisationFactory()})
    with pytest.raises(ApplicationError, match="organisations you lead"):
        services.post_update(
            organisation=org, post="finance", incumbent="", likely_to_leave=False, by=outsider
        )
    with pytest.raises(ApplicationError, match="organisations you lead"):
        services.successor_remove(successor=successor, by=outsider)


def test_nobody_places_or_names_themselves(make_user, org):
    """The services' own rule, whichever page or import calls them."""
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org}, profile__organisation=org)
    review = services.review_create(
        created_by=lead, name="Autumn", organisation=org, system=None, held_on=today()
    )
    with pytest.raises(ApplicationError, match="Someone else who leads this review"):
        services.placement_set(
            review=review, person=lead, performance=3, potential=3, note="",
            placed_by=lead, now=timezone.now(),
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="Someone else must name you"):
        services.successor_set(
            organisation=org, post="finance", person=lead, readiness="ready_now", by=lead
        )
    other = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    successor = services.successor_set(
        organisation=org, post="finance", person=lead, readiness="ready_now", by=other
    )
    with pytest.raises(ApplicationError, match="Someone else must name you"):
        services.successor_remove(successor=successor, by=lead)


def test_a_nomination_is_never_decided_by_its_nominee_or_nominator(make_user, org):
    lead_and_admin = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org}, Role.PROGRAMME_ADMIN,
        profile__organisation=org,
    )  # fmt: skip
    window = WindowFactory()
    after = window.closes_on + timedelta(days=1)
    by_them = nominate(lead_and_admin, make_user(profile__organisation=org), window)
    own = services.nomination_submit(
        nominator=lead_and_admin, nominee=lead_and_admin, window=window, route=Route.SELF,
        today=today(), **NOMINATION,
    )  # fmt: skip
    for nomination, message in ((own, "your own nomination"), (by_them, "You made this")):
        with pytest.raises(ApplicationError, match=message):
            services.nomination_decide(
                nomination=nomination, decided_by=lead_and_admin, status="accepted",
                feedback="", today=after,
            )  # fmt: skip
    with pytest.raises(ApplicationError, match="Only the academy team"):
        services.nomination_decide(
            nomination=by_them, decided_by=make_user(), status="accepted", feedback="", today=after
        )
    assert not PoolMembership.objects.exists()

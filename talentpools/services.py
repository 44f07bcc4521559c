"""Every write to talent records. Scope is checked here as well as in the views: a talent
lead can only act on people of the organisation or system they are scoped to."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, Organisation, Role, User
from talentportal.directory.permissions import has_role, talent_lead_scopes

from . import emails, permissions, selectors
from .models import (
    BidReview,
    CareerConversation,
    LeaveReason,
    NineBoxPlacement,
    Nomination,
    NominationStatus,
    NominationWindow,
    PlacementBid,
    Pool,
    PoolMembership,
    Post,
    Route,
    SchemeCohort,
    SchemeParticipant,
    SeniorPost,
    Successor,
    SuccessorReadiness,
    TalentReview,
    Vacancy,
    VacancyInterest,
)


def _organisation_of(user: User) -> Organisation | None:
    profile = getattr(user, "profile", None)
    return profile.organisation if profile is not None else None


# Nomination windows -----------------------------------------------------------------------


@transaction.atomic
def window_create(*, name: str, opens_on: date, closes_on: date) -> NominationWindow:
    window = NominationWindow(name=name.strip(), opens_on=opens_on, closes_on=closes_on)
    if closes_on < opens_on:
        raise ApplicationError("A window must close on or after the day it opens.")
    window.full_clean()
    window.save()
    return window


@transaction.atomic
def window_update(*, window: NominationWindow, name: str, closes_on: date) -> NominationWindow:
    """Rename a window or extend it. A close date can only move later: people may have
    planned around it, and nominations already made must stay inside the window."""
    window = NominationWindow.objects.select_for_update().get(pk=window.pk)
    if closes_on < window.closes_on:
        raise ApplicationError(
            f"The close date can only move later than {window.closes_on:%-d %B %Y}."
        )
    window.name = name.strip()
    window.closes_on = closes_on
    window.full_clean()
    window.save()
    return window


# Nominations ------------------------------------------------------------------------------


@transaction.atomic
def nomination_submit(
    *,
    nominator: User,
    nominee: User,
    window: NominationWindow,
    route: str,
    role_family: str,
    readiness: str,
    evidence: str,
    sponsor_name: str,
    sponsor_job_title: str,
    sponsor_endorsed: bool,
    today: date,
) -> Nomination:
    """A talent lead nominates someone in their scope, or a person nominates themselves.
    Either way an executive sponsor must endorse it."""
    if not window.is_open(today):
        raise ApplicationError(f"{window.name} is not open for nominations today.")
    if route == Route.SELF:
        if nominee.pk != nominator.pk:
            raise ApplicationError("A self-nomination can only be made by the person themselves.")
    elif route == Route.NOMINATED:
        if not has_role(nominator, Role.TALENT_LEAD):
            raise ApplicationError("Only a talent lead can nominate someone.")
        if nominee.pk == nominator.pk:
            raise ApplicationError("To put yourself forward, use self-nomination.")
    else:
        raise ApplicationError("Choose how the nomination is made.")
    organisation = _organisation_of(nominee)
    if organisation is None:
        raise ApplicationError(
            f"{nominee} has no organisation on their profile; it must be set before a nomination."
        )
    orgs, systems = talent_lead_scopes(nominator)
    if route == Route.NOMINATED and not (
        organisation.pk in orgs or organisation.system_id in systems
    ):
        raise ApplicationError(f"{nominee} is outside the organisation or system you lead.")
    if not sponsor_endorsed:
        raise ApplicationError("An executive sponsor must endorse the nomination.")
    if PoolMembership.objects.filter(member=nominee, left_on__isnull=True).exists():
        raise ApplicationError(f"{nominee} is already in the aspirant director pool.")
    if Nomination.objects.filter(window=window, nominee=nominee).exists():
        raise ApplicationError(f"{nominee} has already been nominated in {window.name}.")
    nomination = Nomination(
        window=window,
        nominee=nominee,
        route=route,
        nominated_by=nominator,
        organisation=organisation,
        system_id=organisation.system_id,
        role_family=role_family,
        readiness=readiness,
        evidence=evidence.strip(),
        sponsor_name=sponsor_name.strip(),
        sponsor_job_title=sponsor_job_title.strip(),
        sponsor_endorsed=True,
        submitted_on=today,
    )
    nomination.full_clean()
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ApplicationError(f"{nominee} has already been nominated in {window.name}.") from None
    emails.nomination_received(nomination)
    return nomination


def nomination_decision_refusal(*, nomination: Nomination, user: User, today: date) -> str | None:
    """Why `user` cannot decide this nomination today, or None: the one rule for what the
    nomination page offers and what `nomination_decide` accepts. The academy team decides,
    once the window has closed (every nomination of a round is weighed against the others),
    and nobody decides a nomination they are part of: not the nominee, and not the talent
    lead who made it (they have argued for it already)."""
    if not permissions.is_team(user):
        return "Only the academy team decides on nominations."
    if nomination.status != NominationStatus.SUBMITTED:
        return "This nomination has already been decided."
    if nomination.nominee_id == user.pk:
        return "Someone else in the team must decide on your own nomination."
    if nomination.nominated_by_id == user.pk:
        return "You made this nomination, so someone else in the team must decide on it."
    window = nomination.window
    if today <= window.closes_on:
        return (
            f"Nominations wait for their window to close: {window.name} closes on "
            f"{window.closes_on:%-d %B %Y}, so you can decide from "
            f"{window.closes_on + timedelta(days=1):%-d %B %Y}."
        )
    return None


@transaction.atomic
def nomination_decide(
    *, nomination: Nomination, decided_by: User, status: str, feedback: str, today: date
) -> Nomination:
    """The team's decision, after the window closes. Accepted people join the pool that
    day; "not yet" needs feedback so the person knows what to work on."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("window")
        .get(pk=nomination.pk)
    )
    refusal = nomination_decision_refusal(nomination=nomination, user=decided_by, today=today)
    if refusal:
        raise ApplicationError(refusal)
    if status not in (
        NominationStatus.ACCEPTED,
        NominationStatus.NOT_YET,
        NominationStatus.DECLINED,
    ):
        raise ApplicationError("Choose accept, not yet or decline.")
    feedback = feedback.strip()
    if status == NominationStatus.NOT_YET and not feedback:
        raise ApplicationError("Give feedback with a 'not yet' decision.")
    nomination.status = status
    nomination.feedback = feedback
    nomination.decided_by = decided_by
    nomination.decided_on = today
    nomination.full_clean()
    nomination.save()
    if status == NominationStatus.ACCEPTED:
        # Lock the person: two nominations of them accepted at once cannot both join.
        User.objects.select_for_update().get(pk=nomination.nominee_id)
        if PoolMembership.objects.filter(
            member=nomination.nominee, pool=Pool.ASPIRANT_DIRECTORS, left_on__isnull=True
        ).exists():
            raise ApplicationError(f"{nomination.nominee} is already in the pool.")
        PoolMembership.objects.create(
            member=nomination.nominee,
            route=nomination.route,
            nomination=nomination,
            organisation=nomination.organisation,
            system=nomination.system,
            role_family=nomination.role_family,
            readiness=nomination.readiness,
            joined_on=today,
        )
    emails.nomination_decided(nomination)
    return nomination


# Pool membership --------------------------------------------------------------------------


@transaction.atomic
def membership_end(
    *, membership: PoolMembership, left_on: date, reason: str, note: str = ""
) -> PoolMembership:
    membership = PoolMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ApplicationError("This membership has already ended.")
    if reason not in LeaveReason.values:
        raise ApplicationError("Choose why they left.")
    if left_on < membership.joined_on:
        raise ApplicationError(
            f"They cannot leave before they joined ({membership.joined_on:%-d %B %Y})."
        )
    membership.left_on = left_on
    membership.leave_reason = reason
    membership.leave_note = note.strip()
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def conversation_log(
    *,
    membership: PoolMembership,
    held_on: date,
    held_with: str,
    summary: str,
    logged_by: User,
    today: date,
) -> CareerConversation:
    if held_on > today:
        raise ApplicationError("A career conversation can only be logged once it has happened.")
    conversation = CareerConversation(
        membership=membership,
        held_on=held_on,
        held_with=held_with.strip(),
        summary=summary.strip(),
        logged_by=logged_by,
    )
    conversation.full_clean()
    conversation.save()
    return conversation


# Vacancies --------------------------------------------------------------------------------


@transaction.atomic
def vacancy_post(
    *,
    posted_by: User,
    title: str,
    role_family: str,
    organisation: Organisation,
    description: str,
    link: str,
    closes_on: date,
    today: date,
) -> Vacancy:
    """Post a director vacancy and tell every current pool member of that role family."""
    if closes_on < today:
        raise ApplicationError("The closing date has already passed.")
    vacancy = Vacancy(
        title=title.strip(),
        role_family=role_family,
        organisation=organisation,
        description=description.strip(),
        link=link.strip(),
        closes_on=closes_on,
        posted_on=today,
        posted_by=posted_by,
    )
    vacancy.full_clean()
    vacancy.save()
    members = User.objects.filter(
        pool_memberships__left_on__isnull=True,
        pool_memberships__role_family__in=[role_family, ""],
        is_active=True,
    ).distinct()
    for member in members:
        emails.vacancy_posted(vacancy, member)
    return vacancy


@transaction.atomic
def vacancy_interest(*, vacancy: Vacancy, member: User, today: date) -> VacancyInterest:
    if vacancy.closes_on < today:
        raise ApplicationError("This vacancy has closed.")
    if not PoolMembership.objects.filter(member=member, left_on__isnull=True).exists():
        raise ApplicationError("Only members of the aspirant director pool can express interest.")
    interest, created = VacancyInterest.objects.get_or_create(vacancy=vacancy, member=member)
    if created:
        emails.vacancy_interest(interest)
    return interest


# Nine-box reviews -------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    created_by: User,
    name: str,
    organisation: Organisation | None,
    system: IntegratedCareSystem | None,
    held_on: date,
) -> TalentReview:
    if (organisation is None) == (system is None):
        raise ApplicationError("Choose either one organisation or one system.")
    allowed = (
        permissions.can_lead_organisation(created_by, organisation)
        if organisation
        else permissions.can_lead_system(created_by, system)
    )
    if not allowed:
        raise ApplicationError("You can only hold reviews for the organisation or system you lead.")
    review = TalentReview(
        name=name.strip(),
        organisation=organisation,
        system=system,
        held_on=held_on,
        created_by=created_by,
    )
    review.full_clean()
    review.save()
    return review


def can_edit_review(user: User, review: TalentReview) -> bool:
    if review.organisation_id:
        return permissions.can_lead_organisation(user, review.organisation)
    return permissions.can_lead_system(user, review.system)


OWN_PLACEMENT = "Someone else who leads this review must place you on the grid."


@transaction.atomic
def placement_set(
    *,
    review: TalentReview,
    person: User,
    performance: int,
    potential: int,
    note: str,
    placed_by: User,
    now: datetime,
):
    """Place or move someone on the grid. Each move is kept (the calibration history).
    Nobody places or moves themselves: someone else who leads the review must."""
    review = TalentReview.objects.select_for_update().get(pk=review.pk)
    if review.is_closed:
        raise ApplicationError("This review is closed.")
    if not can_edit_review(placed_by, review):
        raise ApplicationError("You can only place people in reviews you lead.")
    if person.pk == placed_by.pk:
        raise ApplicationError(OWN_PLACEMENT)
    organisation = _organisation_of(person)
    in_scope = organisation is not None and (
        organisation.pk == review.organisation_id
        if review.organisation_id
        else organisation.system_id == review.system_id
    )
    if not in_scope:
        raise ApplicationError(f"{person} does not work in {review.organisation or review.system}.")
    if performance not in (1, 2, 3) or potential not in (1, 2, 3):
        raise ApplicationError("Performance and potential are each 1, 2 or 3.")
    placement, _ = NineBoxPlacement.objects.update_or_create(
        review=review,
        person=person,
        defaults={
            "performance": performance,
            "potential": potential,
            "note": note.strip(),
            "placed_by": placed_by,
            "placed_at": now,
        },
    )
    return placement


@transaction.atomic
def review_close(*, review: TalentReview, by: User) -> TalentReview:
    if not can_edit_review(by, review):
        raise ApplicationError("You can only close reviews you lead.")
    review.is_closed = True
    review.save(update_fields=["is_closed"])
    return review


# Succession plans -------------------------------------------------------------------------


@transaction.atomic
def post_update(
    *,
    organisation: Organisation,
    post: str,
    incumbent: str,
    likely_to_leave: bool,
    by: User,
) -> SeniorPost:
    if not permissions.can_lead_organisation(by, organisation):
        raise ApplicationError("You can only plan succession for organisations you lead.")
    if post not in Post.values:
        raise ApplicationError("Choose a senior post.")
    incumbent = incumbent.strip()
    senior_post, _ = SeniorPost.objects.select_for_update().get_or_create(
        organisation=organisation, post=post
    )
    senior_post.incumbent = incumbent
    senior_post.incumbent_likely_to_leave = bool(incumbent) and likely_to_leave
    senior_post.full_clean()
    senior_post.save()
    return senior_post


OWN_SUCCESSION = "Someone else must name you as a successor, grade you or remove you."


@transaction.atomic
def successor_set(
    *, organisation: Organisation, post: str, person: User, readiness: str, by: User
) -> Successor:
    """Name (or re-grade) a successor for one of an organisation's senior posts; a post not
    yet recorded is recorded, with no incumbent, as it is named. Nobody names or grades
    themselves."""
    if not permissions.can_lead_organisation(by, organisation):
        raise ApplicationError("You can only plan succession for organisations you lead.")
    if post not in Post.values:
        raise ApplicationError("Choose a senior post.")
    if readiness not in SuccessorReadiness.values:
        raise ApplicationError("Choose how ready they are.")
    if person.pk == by.pk:
        raise ApplicationError(OWN_SUCCESSION)
    if not selectors.people_in_scope(user=by).filter(pk=person.pk).exists():
        raise ApplicationError(f"{person} is outside the organisation or system you lead.")
    senior_post, _ = SeniorPost.objects.get_or_create(organisation=organisation, post=post)
    successor, _ = Successor.objects.update_or_create(
        post=senior_post, person=person, defaults={"readiness": readiness}
    )
    return successor


@transaction.atomic
def successor_remove(*, successor: Successor, by: User) -> None:
    if not permissions.can_lead_organisation(by, successor.post.organisation):
        raise ApplicationError("You can only plan succession for organisations you lead.")
    if successor.person_id == by.pk:
        raise ApplicationError(OWN_SUCCESSION)
    successor.delete()


# Schemes (kept in the admin site, whose forms call these rules) -----------------------

HPS_BANDS = frozenset({"8a", "8b", "8c", "8d"})


def scheme_cohort_validate(*, scheme: str, starts_on: date, ends_on: date) -> None:
    """EDP cohorts run 12 to 24 months; HPS cohorts 24 months (from 23, for dates that fall
    short of a whole month)."""
    longest = starts_on + relativedelta(months=24)
    shortest = starts_on + relativedelta(months=12 if scheme == "edp" else 23)
    if not shortest <= ends_on <= longest:
        span = "12 to 24 months" if scheme == "edp" else "24 months"
        raise ApplicationError(f"A cohort of this scheme runs {span}.")


def scheme_place_system(*, person: User) -> IntegratedCareSystem | None:
    """The system a scheme place is counted in: the one the person works in when given the
    place (or moved onto it). None for someone without a workplace."""
    organisation = _organisation_of(person)
    return organisation.system if organisation is not None else None


def scheme_place_record_system(*, participant: SchemeParticipant, person_changed: bool) -> None:
    """Before a place is saved (the caller saves it): a new place, or one moved onto another
    person, records the system that person works in now; any other edit keeps it."""
    if participant._state.adding or person_changed:
        participant.system = scheme_place_system(person=participant.person)


def scheme_participant_validate(
    *, cohort: SchemeCohort, person: User, by: User | None = None
) -> None:
    """The High Potential Scheme is for staff on bands 8a to 8d. Nobody (`by`, who saves the
    place) gives themselves a place or changes their own."""
    if by is not None and person.pk == by.pk:
        raise ApplicationError(
            "Someone else who manages the scheme must give you a place or change yours."
        )
    if cohort.scheme == "hps":
        band = getattr(getattr(person, "profile", None), "band", "")
        if band not in HPS_BANDS:
            raise ApplicationError(
                f"{person} is on band {band or 'unknown'}; the High Potential Scheme is for "
                "bands 8a to 8d."
            )


def trainee_validate(*, person: User, by: User | None = None) -> None:
    """Nobody (`by`, who saves the trainee place) gives themselves a GMTS trainee place,
    changes their own, or moves someone else's onto themselves."""
    if by is not None and person.pk == by.pk:
        raise ApplicationError(
            "Someone else who manages the scheme must give you a trainee place or change yours."
        )


def bid_review_record(*, bid: PlacementBid, by: User, today: date) -> None:
    """Whoever records a bid's quality-assurance review is kept with the date (cleared when
    the bid goes back to waiting). The caller saves the bid."""
    pending = bid.review == BidReview.PENDING
    bid.reviewed_by = None if pending else by
    bid.reviewed_on = None if pending else today

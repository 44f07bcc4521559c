"""Every write of CoachNet and MentorNet."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from talentportal.core.errors import ApplicationError
from talentportal.core.storage import check_upload_content
from talentportal.directory.models import BAND_ORDER, Profile, Role, User
from talentportal.directory.services import role_grant

from . import emails
from .matching import available_practitioners
from .models import (
    Application,
    ApprovalStatus,
    CohortMatch,
    CohortMatchPair,
    DevelopmentRecord,
    Evaluation,
    Kind,
    LoggedSession,
    Message,
    Practitioner,
    PrivateNote,
    Qualification,
    Relationship,
)


def band_refusal(*, user: User, minimum: str, who: str) -> str | None:
    """Why `user`'s band is below `minimum` (an Agenda for Change band), or None."""
    if not minimum:
        return None
    band = Profile.objects.filter(user=user).values_list("band", flat=True).first() or ""
    if band in ("medical", "vsm"):
        return None
    if band not in BAND_ORDER:
        return "Add your band to your profile so we can check you are eligible."
    if BAND_ORDER.index(band) < BAND_ORDER.index(minimum):
        return f"{who} are from band {minimum}; your profile says band {band}."
    return None


# Practitioners


@transaction.atomic
def practitioner_register(
    *,
    user: User,
    coaches: bool,
    mentors: bool,
    themes,
    sectors,
    modes: list[str],
    languages: list[str],
    capacity: int,
    experience: str,
    biography: str,
    today: date,
) -> Practitioner:
    if Practitioner.objects.filter(user=user).exists():
        raise ApplicationError("You are already registered as a practitioner.")
    if not (coaches or mentors):
        raise ApplicationError("Choose coaching, mentoring or both.")
    if not Profile.objects.filter(user=user, organisation__isnull=False).exists():
        raise ApplicationError(
            "Add your organisation to your profile first: clients are never matched with "
            "someone from their own organisation."
        )
    if mentors:
        reason = band_refusal(
            user=user,
            minimum=settings.COACHING_MIN_PRACTITIONER_BAND["mentoring"],
            who="Mentors",
        )
        if reason:
            raise ApplicationError(reason)
    if coaches:
        reason = band_refusal(
            user=user, minimum=settings.COACHING_MIN_PRACTITIONER_BAND["coaching"], who="Coaches"
        )
        if reason:
            raise ApplicationError(reason)
    practitioner = Practitioner(
        user=user,
        coaches=coaches,
        mentors=mentors,
        modes=modes,
        languages=[lang.strip() for lang in languages if lang.strip()],
        capacity=capacity,
        experience=experience.strip(),
        biography=biography.strip(),
        submitted_on=today,
    )
    practitioner.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            practitioner.save()
    except IntegrityError:  # a double submit
        raise ApplicationError("You are already registered as a practitioner.") from None
    practitioner.themes.set(themes)
    practitioner.sectors.set(sectors)
    return practitioner


@transaction.atomic
def practitioner_update(*, practitioner: Practitioner, themes, sectors, **fields) -> Practitioner:
    allowed = {"modes", "languages", "capacity", "is_open", "experience", "biography"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(practitioner, name, value)
    practitioner.full_clean()
    practitioner.save()
    practitioner.themes.set(themes)
    practitioner.sectors.set(sectors)
    return practitioner


def practitioner_decision_refusal(*, practitioner: Practitioner, by: User) -> str | None:
    """Why `by` cannot decide this registration, or None: the one rule for what the team
    page offers and what `practitioner_decide` accepts. Nobody approves their own."""
    if practitioner.status != ApprovalStatus.SUBMITTED:
        return "This registration has already been decided."
    if practitioner.user_id == by.pk:
        return "Someone else in the team must decide on your own registration."
    return None


@transaction.atomic
def practitioner_decide(
    *, practitioner: Practitioner, approve: bool, today: date, by: User
) -> Practitioner:
    """The coaching team approves (the date is recorded) or declines a practitioner; the
    approver grants the coach or mentor role, so it is never the registrant."""
    practitioner = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    refusal = practitioner_decision_refusal(practitioner=practitioner, by=by)
    if refusal:
        raise ApplicationError(refusal)
    practitioner.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
    practitioner.approved_on = today if approve else None
    practitioner.save(update_fields=["status", "approved_on"])
    if approve:
        if practitioner.coaches:
            role_grant(user=practitioner.user, role=Role.COACH, granted_by=by)
        if practitioner.mentors:
            role_grant(user=practitioner.user, role=Role.MENTOR, granted_by=by)
    emails.practitioner_decided(practitioner)
    return practitioner


@transaction.atomic
def qualification_add(
    *, practitioner: Practitioner, body: str, level: str, awarded_on: date, evidence=None
) -> Qualification:
    """Evidence must be what its name says: the model refuses another type or a large file
    (ValidationError) before its content is read; a PDF or image that is not one is refused
    here (ApplicationError), whichever way it came."""
    qualification = Qualification(
        practitioner=practitioner, body=body.strip(), level=level.strip(), awarded_on=awarded_on
    )
    if evidence:
        qualification.evidence = evidence
    qualification.full_clean()
    if evidence:
        try:
            check_upload_content(evidence)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages)) from None
    qualification.save()
    return qualification


@transaction.atomic
def development_record(
    *,
    practitioner: Practitioner,
    type: str,
    held_on: date,
    hours: Decimal,
    description: str,
    today: date,
) -> DevelopmentRecord:
    if held_on > today:
        raise ApplicationError("Record supervision and CPD once they have happened.")
    record = DevelopmentRecord(
        practitioner=practitioner,
        type=type,
        held_on=held_on,
        hours=hours,
        description=description.strip(),
    )
    record.full_clean()
    record.save()
    return record


def supervision_due_on(*, practitioner: Practitioner) -> date | None:
    """The day the practitioner's supervision lapses (12 months after the last), or None."""
    last = (
        practitioner.development.filter(type=DevelopmentRecord.Type.SUPERVISION)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if last is None:
        return None
    return last + relativedelta(months=settings.COACHING_SUPERVISION_MONTHS)


def supervision_reminders(*, today: date) -> int:
    """Remind practitioners whose supervision lapses within 30 days, once per lapse."""
    sent = 0
    practitioners = (
        Practitioner.objects.filter(status=ApprovalStatus.APPROVED)
        .annotate(
            last_supervision=Max(
                "development__held_on",
                filter=Q(development__type=DevelopmentRecord.Type.SUPERVISION),
            )
        )
        .filter(last_supervision__isnull=False)
        .select_related("user")
    )
    lapse = relativedelta(months=settings.COACHING_SUPERVISION_MONTHS)
    for practitioner in practitioners:
        due = practitioner.last_supervision + lapse
        if not (today <= due <= today + timedelta(days=30)):
            continue
        reminded = practitioner.supervision_reminded_on
        if reminded and reminded >= due - timedelta(days=30):
            continue
        with transaction.atomic():
            emails.supervision_due(practitioner, due)
            Practitioner.objects.filter(pk=practitioner.pk).update(supervision_reminded_on=today)
        sent += 1
    return sent


# Clients


@transaction.atomic
def application_submit(
    *,
    client: User,
    kind: str,
    goals: str,
    themes,
    mode: str,
    language: str,
    prefers_other_system: bool,
    line_manager_agrees: bool,
    today: date,
) -> Application:
    if not line_manager_agrees:
        raise ApplicationError("Your line manager needs to agree before you apply.")
    if not Profile.objects.filter(user=client, organisation__isnull=False).exists():
        raise ApplicationError(
            "Add your organisation to your profile first, so we never match you with "
            "someone from your own organisation."
        )
    who = "Coaching clients" if kind == Kind.COACHING else "Mentees"
    reason = band_refusal(user=client, minimum=settings.COACHING_MIN_CLIENT_BAND[kind], who=who)
    if reason:
        raise ApplicationError(reason)
    if Relationship.objects.filter(client=client, kind=kind, status__in=Relationship.OPEN).exists():
        raise ApplicationError(f"You already have {Kind(kind).label.lower()} under way.")
    application = Application(
        client=client,
        kind=kind,
        goals=goals.strip(),
        mode=mode,
        language=language.strip(),
        prefers_other_system=prefers_other_system,
        line_manager_agrees=line_manager_agrees,
        submitted_on=today,
    )
    application.full_clean(validate_constraints=False)  # the database enforces them below
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ApplicationError(
            f"You already have a {Kind(kind).label.lower()} application waiting for approval."
        ) from None
    application.themes.set(themes)
    return application


def application_decision_refusal(*, application: Application, by: User) -> str | None:
    """Why `by` cannot decide this application, or None: the one rule for what the team
    page offers and what `application_decide` accepts. Nobody approves their own."""
    if application.status != ApprovalStatus.SUBMITTED:
        return "This application has already been decided."
    if application.client_id == by.pk:
        return "Someone else in the team must decide on your own application."
    return None


@transaction.atomic
def application_decide(
    *, application: Application, approve: bool, today: date, by: User
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    refusal = application_decision_refusal(application=application, by=by)
    if refusal:
        raise ApplicationError(refusal)
    application.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
    application.approved_on = today if approve else None
    application.save(update_fields=["status", "approved_on"])
    emails.application_decided(application)
    return application


# Relationships


def _lock_practitioner_with_a_place(practitioner: Practitioner, kind: str, today: date):
    """Lock the practitioner, then check they can still take a client (free place, etc.)."""
    Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    if not available_practitioners(kind=kind, today=today).filter(pk=practitioner.pk).exists():
        raise ApplicationError(
            f"{practitioner} cannot take a new client at the moment; choose someone else."
        )


@transaction.atomic
def relationship_request(
    *, application: Application, practitioner: Practitioner, today: date
) -> Relationship:
    """The client asks a practitioner from their shortlist; the practitioner has a set number
    of days to accept or decline."""
    from .matching import shortlist

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApprovalStatus.APPROVED:
        raise ApplicationError("Your application has not been approved yet.")
    if practitioner.pk not in {
        c.practitioner.pk for c in shortlist(application=application, today=today)
    }:
        raise ApplicationError(
            "That practitioner is no longer available to you: choose someone from your shortlist."
        )
    _lock_practitioner_with_a_place(practitioner, application.kind, today)
    relationship = Relationship(
        kind=application.kind,
        practitioner=practitioner,
        client=application.client,
        application=application,
        status=Relationship.Status.REQUESTED,
        requested_on=today,
        respond_by=today + timedelta(days=settings.COACHING_RESPONSE_DAYS),
        goals=application.goals,
    )
    try:
        with transaction.atomic():
            relationship.save()
    except IntegrityError:
        raise ApplicationError(
            f"You already have {application.get_kind_display().lower()} requested or under way."
        ) from None
    emails.relationship_requested(relationship)
    return relationship


def _lock(relationship: Relationship) -> Relationship:
    return (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("practitioner__user", "client")
        .get(pk=relationship.pk)
    )


@transaction.atomic
def relationship_respond(
    *, relationship: Relationship, by: User, accept: bool, today: date, reason: str = ""
) -> Relationship:
    relationship = _lock(relationship)
    if relationship.practitioner.user_id != by.pk:
        raise ApplicationError("Only the practitioner asked can answer this request.")
    if relationship.status != Relationship.Status.REQUESTED:
        raise ApplicationError("This request has already been answered.")
    if accept and relationship.respond_by and today > relationship.respond_by:
        raise ApplicationError("The time to answer this request has passed.")
    if accept:
        relationship.status = Relationship.Status.ACTIVE
        relationship.started_on = today
        relationship.last_activity_on = today
    else:
        relationship.status = Relationship.Status.DECLINED
        relationship.decline_reason = reason.strip()[:200]
    relationship.save()
    emails.relationship_answered(relationship)
    return relationship


def requests_expire(*, today: date) -> int:
    """Requests not answered in time count as declined; the client chooses again."""
    expired = 0
    for pk in Relationship.objects.filter(
        status=Relationship.Status.REQUESTED, respond_by__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            relationship = _lock(Relationship(pk=pk))
            if relationship.status != Relationship.Status.REQUESTED:
                continue
            relationship.status = Relationship.Status.DECLINED
            relationship.decline_reason = "No answer in time"
            relationship.save(update_fields=["status", "decline_reason"])
            emails.relationship_answered(relationship)
            expired += 1
    return expired


def _member(relationship: Relationship, user: User) -> str | None:
    if relationship.practitioner.user_id == user.pk:
        return "practitioner"
    if relationship.client_id == user.pk:
        return "client"
    return None


@transaction.atomic
def relationship_contract(
    *, relationship: Relationship, by: User, goals: str, agreed_sessions: int | None
) -> Relationship:
    relationship = _lock(relationship)
    if _member(relationship, by) is None:
        raise ApplicationError("Only the pair can change this relationship.")
    if relationship.status != Relationship.Status.ACTIVE:
        raise ApplicationError("Contracting happens once the relationship is active.")
    relationship.goals = goals.strip()
    relationship.agreed_sessions = agreed_sessions
    relationship.save(update_fields=["goals", "agreed_sessions"])
    return relationship


class SameDaySession(ApplicationError):
    """A session is already logged on that day; the practitioner is asked to confirm."""


@transaction.atomic
def session_log(
    *,
    relationship: Relationship,
    by: User,
    held_on: date,
    hours: Decimal,
    mode: str,
    today: date,
    second_on_the_day: bool = False,
) -> LoggedSession:
    """Log a session held. A first conversation often comes before the practitioner
    accepts in the portal, so a session may be dated back to the client's request; a
    second session on a day already logged is usually a double entry, so it needs
    `second_on_the_day` (the practitioner confirmed it)."""
    relationship = _lock(relationship)
    if _member(relationship, by) != "practitioner":
        raise ApplicationError("Sessions are logged by the practitioner.")
    if relationship.status != Relationship.Status.ACTIVE:
        raise ApplicationError("Sessions can be logged while the relationship is active.")
    if held_on > today:
        raise ApplicationError("Log a session once it has taken place.")
    earliest = relationship.requested_on or relationship.started_on
    if earliest and held_on < earliest:
        raise ApplicationError(
            f"The session is dated before {relationship.client.get_full_name() or 'the client'}"
            f" asked for this {relationship.get_kind_display().lower()} on"
            f" {earliest:%-d %B %Y}: check the date."
        )
    session = LoggedSession(relationship=relationship, held_on=held_on, hours=hours, mode=mode)
    session.full_clean()
    if not second_on_the_day and relationship.sessions.filter(held_on=held_on).exists():
        raise SameDaySession(
            f"A session on {held_on:%-d %B %Y} is already logged. If there were two that day,"
            " tick the box to log this one too."
        )
    session.save()
    Relationship.objects.filter(pk=relationship.pk).update(
        last_activity_on=max(held_on, relationship.last_activity_on or held_on)
    )
    return session


@transaction.atomic
def session_confirm(*, session: LoggedSession, by: User) -> LoggedSession:
    if session.relationship.client_id != by.pk:
        raise ApplicationError("Only the client confirms a session.")
    session.confirmed_by_client = True
    session.save(update_fields=["confirmed_by_client"])
    return session


@transaction.atomic
def message_send(*, relationship: Relationship, sender: User, body: str, now: datetime) -> Message:
    relationship = _lock(relationship)
    role = _member(relationship, sender)
    if role is None:
        raise ApplicationError("Only the pair can write here.")
    if relationship.status != Relationship.Status.ACTIVE:
        raise ApplicationError("Messages can be sent while the relationship is active.")
    if not body.strip():
        raise ApplicationError("Write a message before sending it.")
    message = Message.objects.create(
        relationship=relationship, sender=sender, body=body.strip()[:10_000], sent_at=now
    )
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_on=timezone.localdate(now))
    recipient = relationship.client if role == "practitioner" else relationship.practitioner.user
    emails.message_waiting(relationship, recipient)
    return message


@transaction.atomic
def note_add(*, relationship: Relationship, author: User, text: str) -> PrivateNote:
    relationship = _lock(relationship)
    if _member(relationship, author) != "practitioner":
        raise ApplicationError("Private notes are the practitioner's own.")
    if not text.strip():
        raise ApplicationError("Write the note before saving it.")
    return PrivateNote.objects.create(relationship=relationship, author=author, text=text.strip())


@transaction.atomic
def relationship_end(
    *, relationship: Relationship, by: User | None, completed: bool, today: date
) -> Relationship:
    """Complete or withdraw. Either member may; both are asked for a short evaluation."""
    relationship = _lock(relationship)
    member = _member(relationship, by) if by is not None else None
    if by is not None and member is None:
        raise ApplicationError("Only the pair can end this relationship.")
    if relationship.status not in Relationship.OPEN:
        raise ApplicationError("This relationship has already ended.")
    if relationship.status == Relationship.Status.REQUESTED and member == "practitioner":
        raise ApplicationError("Accept or decline the request instead.")
    if completed and relationship.status != Relationship.Status.ACTIVE:
        raise ApplicationError("Only an active relationship can be completed.")
    relationship.status = (
        Relationship.Status.COMPLETED if completed else Relationship.Status.WITHDRAWN
    )
    relationship.ended_on = today
    relationship.save(update_fields=["status", "ended_on"])
    if relationship.started_on:
        emails.evaluation_invites(relationship)
    return relationship


@transaction.atomic
def evaluation_submit(
    *, relationship: Relationship, author: User, rating: int, comments: str, now: datetime
) -> Evaluation:
    relationship = _lock(relationship)
    if _member(relationship, author) is None:
        raise ApplicationError("Only the pair evaluates a relationship.")
    if (
        relationship.status not in (Relationship.Status.COMPLETED, Relationship.Status.WITHDRAWN)
        or relationship.started_on is None
    ):
        raise ApplicationError("Evaluations come once the relationship has ended.")
    if Evaluation.objects.filter(relationship=relationship, author=author).exists():
        raise ApplicationError("You have already sent your evaluation.")
    evaluation = Evaluation(
        relationship=relationship,
        author=author,
        rating=rating,
        comments=comments.strip(),
        submitted_at=now,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def relationships_inactivity(*, today: date) -> tuple[int, int]:
    """Remind pairs of quiet relationships, and close the ones quiet for too long: closed
    as withdrawn (not completed), dated at their last activity, so silence never inflates
    the completed figure. Returns (reminded, closed)."""
    remind_before = today - timedelta(days=settings.COACHING_INACTIVE_REMINDER_DAYS)
    close_before = today - timedelta(days=settings.COACHING_INACTIVE_CLOSE_DAYS)
    closed = 0
    for pk in Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, last_activity_on__lt=close_before
    ).values_list("pk", flat=True):
        with transaction.atomic():
            relationship = _lock(Relationship(pk=pk))
            if relationship.status != Relationship.Status.ACTIVE:
                continue  # ended meanwhile by the pair
            relationship.status = Relationship.Status.WITHDRAWN
            relationship.ended_on = relationship.last_activity_on or today
            relationship.decline_reason = "Closed after a long time without activity"
            relationship.save(update_fields=["status", "ended_on", "decline_reason"])
            closed += 1
    reminded = 0
    quiet = Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, last_activity_on__lt=remind_before
    ).exclude(inactivity_reminded_on__gte=F("last_activity_on"))
    for relationship in quiet.select_related("practitioner__user", "client"):
        with transaction.atomic():
            emails.relationship_quiet(relationship)
            Relationship.objects.filter(pk=relationship.pk).update(inactivity_reminded_on=today)
        reminded += 1
    return reminded, closed


# Cohort matching by the team


OWN_MATCH = "Someone else in the team must match your own application."
OWN_MATCH_PUBLISH = (
    "Your own application is in this match: someone else in the team must publish it."
)


@transaction.atomic
def cohort_match_create(
    *, name: str, kind: str, applications: list[Application], by: User, now: datetime
) -> CohortMatch:
    """Compute the optimal assignment for a cohort and keep it for review. Nobody matches
    a cohort with their own application in it (they would choose their own coach)."""
    from .matching import cohort_assignment

    for a in applications:
        if a.client_id == by.pk:
            raise ApplicationError(OWN_MATCH)
        if a.kind != kind or a.status != ApprovalStatus.APPROVED:
            raise ApplicationError(
                f"{a} is not an approved {Kind(kind).label.lower()} application."
            )
    match = CohortMatch.objects.create(name=name, kind=kind, created_by=by, created_at=now)
    total = 0
    for application, candidate in cohort_assignment(
        applications=applications, kind=kind, today=timezone.localdate(now)
    ):
        CohortMatchPair.objects.create(
            match=match,
            application=application,
            practitioner=candidate.practitioner if candidate else None,
            score=candidate.score if candidate else 0,
            reasons=candidate.reason_text if candidate else "No available practitioner fits",
        )
        total += candidate.score if candidate else 0
    match.total_score = total
    match.save(update_fields=["total_score"])
    return match


@transaction.atomic
def cohort_match_publish(*, match: CohortMatch, now: datetime, by: User) -> tuple[int, list[str]]:
    """Ask each matched practitioner, as if the client had chosen them. Pairs that no longer
    hold (the client found someone meanwhile, the practitioner filled up) are skipped and
    reported, never half-published. Returns (requests sent, reasons for skipped pairs).
    Nobody publishes a match with their own application in it."""
    match = CohortMatch.objects.select_for_update().get(pk=match.pk)
    if match.status != CohortMatch.Status.DRAFT:
        raise ApplicationError("This cohort match has already been published.")
    if match.pairs.filter(application__client=by).exists():
        raise ApplicationError(OWN_MATCH_PUBLISH)
    today = timezone.localdate(now)
    pairs = list(
        match.pairs.filter(practitioner__isnull=False).select_related(
            "application__client", "practitioner__user"
        )
    )
    # Lock every practitioner of the cohort up front, in one order: no deadlocks.
    list(
        Practitioner.objects.select_for_update()
        .filter(pk__in={p.practitioner_id for p in pairs})
        .order_by("pk")
    )
    published, skipped = 0, []
    for pair in pairs:
        application, practitioner = pair.application, pair.practitioner
        client = application.client
        if application.status != ApprovalStatus.APPROVED:
            skipped.append(f"{client}: the application is no longer approved")
            continue
        if Relationship.objects.filter(
            client=client, kind=match.kind, status__in=Relationship.OPEN
        ).exists():
            skipped.append(f"{client}: already has {match.get_kind_display().lower()} under way")
            continue
        if (
            not available_practitioners(kind=match.kind, today=today)
            .filter(pk=practitioner.pk)
            .exists()
        ):
            skipped.append(f"{client}: {practitioner} can no longer take a client")
            continue
        relationship = Relationship.objects.create(
            kind=match.kind,
            practitioner=practitioner,
            client=client,
            application=application,
            status=Relationship.Status.REQUESTED,
            requested_on=today,
            respond_by=today + timedelta(days=settings.COACHING_RESPONSE_DAYS),
            goals=application.goals,
        )
        emails.relationship_requested(relationship)
        published += 1
    match.status = CohortMatch.Status.PUBLISHED
    match.published_at = now
    match.save(update_fields=["status", "published_at"])
    return published, skipped


@transaction.atomic
def cohort_match_adjust(
    *,
    pair: CohortMatchPair,
    by: User,
    practitioner: Practitioner | None = None,
    swap_with: CohortMatchPair | None = None,
    now: datetime,
) -> None:
    """The team adjusts a draft match before publishing: give a client another practitioner
    (or none), or swap two clients' practitioners. The hard rules of matching still hold
    (matching._score: never a forbidden pair) and nobody is given more clients than they have
    places free; each changed pair says who chose it. Never a match with one's own
    application in it."""
    from .matching import _score

    match = CohortMatch.objects.select_for_update().get(pk=pair.match_id)
    if match.status != CohortMatch.Status.DRAFT:
        raise ApplicationError("This cohort match has already been published.")
    if match.pairs.filter(application__client=by).exists():
        raise ApplicationError(OWN_MATCH_PUBLISH)
    changes = [(pair, practitioner)]
    if swap_with is not None:
        if swap_with.match_id != match.pk or swap_with.pk == pair.pk:
            raise ApplicationError("Swap with another client of this match.")
        changes = [(pair, swap_with.practitioner), (swap_with, pair.practitioner)]
    today = timezone.localdate(now)
    free = {
        p.pk: p
        for p in available_practitioners(kind=match.kind, today=today).filter(
            pk__in=[c.pk for _, c in changes if c is not None]
        )
    }
    moving = {p.pk for p, _ in changes}
    name = by.get_full_name() or by.email
    for target_pair, chosen in changes:
        if chosen is None:
            target_pair.practitioner, target_pair.score = None, 0
            target_pair.reasons = f"No practitioner: left out by {name}"
            target_pair.save(update_fields=["practitioner", "score", "reasons"])
            continue
        available = free.get(chosen.pk)
        if available is None:
            raise ApplicationError(f"{chosen} cannot take a new client now.")
        others = match.pairs.filter(practitioner=chosen).exclude(pk__in=moving).count()
        incoming = sum(1 for _, c in changes if c is not None and c.pk == chosen.pk)
        if others + incoming > available.free:
            raise ApplicationError(f"{chosen} has {available.free} places free in this match.")
        application = target_pair.application
        client = (
            Profile.objects.select_related("organisation__system", "organisation__type")
            .filter(user_id=application.client_id)
            .first()
        )
        scored = _score(application, {t.pk for t in application.themes.all()}, client, available)
        if scored is None:
            raise ApplicationError(f"{chosen} cannot be matched with {application.client}.")
        target_pair.practitioner, target_pair.score = chosen, scored[0]
        target_pair.reasons = "; ".join([*scored[1], f"chosen by {name}"])
        target_pair.save(update_fields=["practitioner", "score", "reasons"])
    match.total_score = sum(match.pairs.values_list("score", flat=True))
    match.save(update_fields=["total_score"])

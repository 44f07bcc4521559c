"""Every write of the programme catalogue: booking, cancelling, waiting lists, registers.

Capacity rule (pretix/Saleor style): a place is taken only by a guarded
`UPDATE ... SET taken = taken + 1 WHERE taken < capacity` on the session or
cohort (and on the person's system allocation first, if the cohort has one),
inside the booking's transaction. The row lock the UPDATE takes serialises
bookings of the same target; CHECK constraints make overbooking impossible
even for code that forgets the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Now
from django.utils import timezone

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import EqualityMonitoring, Profile, User

from . import emails
from .eligibility import refusal_reason
from .models import (
    AssessmentAnswer,
    AssessmentDimension,
    Booking,
    Cohort,
    CohortAllocation,
    Evaluation,
    Format,
    Programme,
    RegisterEntry,
    Session,
)
from .selectors import target_sessions

Target = Session | Cohort


@dataclass(frozen=True)
class EqualityAnswers:
    ethnic_category: str
    disability: str
    sex: str


def _first_start(target: Target) -> datetime | None:
    if isinstance(target, Session):
        return target.starts_at
    sessions = target_sessions(target)
    return sessions[0].starts_at if sessions else None


_UNSET = object()


def booking_refusal(
    *, target: Target, person: User, now: datetime, profile: Profile | None | object = _UNSET
) -> str | None:
    """Why `person` cannot book `target` now, or None. Waiting-list places count as bookable.

    Pages checking many targets pass the person's `profile` to save a query each."""
    reason = _target_refusal(target=target, now=now)
    if reason:
        return reason
    if profile is _UNSET:
        profile = profile_for_eligibility(person)
    return refusal_reason(programme=target.programme, profile=profile)


def _target_refusal(*, target: Target, now: datetime) -> str | None:
    """Why nobody can book `target` now (unpublished, cancelled, started, booking not open),
    or None: the part of `booking_refusal` that does not depend on the person."""
    programme = target.programme
    if not programme.published:
        return "This programme is not open for booking."
    if isinstance(target, Session):
        if target.status != Session.Status.SCHEDULED:
            return (
                "This session has been cancelled."
                if target.status == Session.Status.CANCELLED
                else "This session has already taken place."
            )
        if target.cohort_id:
            return "This session is part of a cohort: book the cohort to attend it."
        if target.module_id and not target.module.bookable_singly:
            return "This module cannot be booked on its own."
    elif target.cancelled:
        return "This cohort has been cancelled."
    start = _first_start(target)
    if start is None:
        return "No dates have been set yet."
    if start <= now:
        return "This has already started, so it can no longer be booked."
    if target.booking_opens_at and now < target.booking_opens_at:
        local = timezone.localtime(target.booking_opens_at)
        return f"Booking opens on {local:%-d %B %Y at %H:%M}."
    if target.booking_closes_at and now >= target.booking_closes_at:
        return "Booking has closed."
    return None


def profile_for_eligibility(person: User) -> Profile | None:
    return (
        Profile.objects.select_related("organisation__type", "organisation__system")
        .filter(user=person)
        .first()
    )


def _lock_target(target: Target) -> Target:
    """Lock the session or cohort row. Every write that moves places takes locks in one
    order (this row, then an allocation, then bookings), so none can deadlock another."""
    return type(target).objects.select_for_update().get(pk=target.pk)


def _allocation(target: Target, system_id: int | None) -> CohortAllocation | None:
    if not isinstance(target, Cohort) or system_id is None:
        return None
    return CohortAllocation.objects.filter(cohort=target, system_id=system_id).first()


class _Full(Exception):
    pass


def _take_place(
    target: Target, system_id: int | None
) -> tuple[str | None, CohortAllocation | None]:
    """Take one place with guarded UPDATEs: (None, allocation used) on success, or what was
    full: ("capacity", None) or ("allocation", None) for the person's system."""
    allocation = _allocation(target, system_id)
    places = type(target).objects.filter(pk=target.pk, taken__lt=F("capacity"))
    if allocation is None:  # one UPDATE: nothing to undo, so no savepoint
        return (None if places.update(taken=F("taken") + 1) else "capacity"), None
    try:
        with transaction.atomic():
            if not places.update(taken=F("taken") + 1):
                return "capacity", None
            taken = CohortAllocation.objects.filter(pk=allocation.pk, taken__lt=F("places")).update(
                taken=F("taken") + 1
            )
            if not taken:
                raise _Full  # undo the target's increment
    except _Full:
        return "allocation", None
    return None, allocation


def _release_place(booking: Booking) -> None:
    """Give back the place a booking held: on its target, and on the allocation it used."""
    target = booking.target
    type(target).objects.filter(pk=target.pk, taken__gt=0).update(taken=F("taken") - 1)
    if booking.allocation_id:
        CohortAllocation.objects.filter(pk=booking.allocation_id, taken__gt=0).update(
            taken=F("taken") - 1
        )


def _register(booking: Booking, sessions: list[Session]) -> None:
    RegisterEntry.objects.bulk_create(
        [RegisterEntry(booking=booking, session=s) for s in sessions], ignore_conflicts=True
    )


def _snapshot(
    person: User, answers: EqualityAnswers | None, profile: Profile | None | object = _UNSET
) -> dict:
    if profile is _UNSET:
        profile = Profile.objects.select_related("organisation").filter(user=person).first()
    organisation = profile.organisation if profile else None
    if answers is None:
        record = EqualityMonitoring.objects.filter(user=person).first()
        answers = EqualityAnswers(
            ethnic_category=record.ethnic_category if record else "Z",
            disability=record.disability if record else "not_stated",
            sex=record.sex if record else "not_stated",
        )
    return {
        "organisation": organisation,
        "system_id": organisation.system_id if organisation else None,
        "band": profile.band if profile else "",
        "staff_group": profile.staff_group if profile else "",
        "ethnic_category": answers.ethnic_category,
        "disability": answers.disability,
        "sex": answers.sex,
    }


def _target_filter(target: Target) -> Q:
    return Q(session=target) if isinstance(target, Session) else Q(cohort=target)


def booking_create(
    *,
    person: User,
    target: Target,
    now: datetime,
    equality: EqualityAnswers | None = None,
) -> Booking:
    """Book a place, or join the waiting list when the target is full or people are
    already waiting (nobody jumps the queue).

    `equality` holds the answers the person confirmed at booking (prefilled from
    their profile, "prefer not to say" allowed); they are stored with the booking.
    """
    profile = Profile.objects.select_related("organisation").filter(user=person).first()
    reason = booking_refusal(target=target, person=person, now=now, profile=profile)
    if reason:
        raise ApplicationError(reason)
    snapshot = _snapshot(person, equality, profile)
    programme = target.programme
    try:
        with transaction.atomic():
            target = _lock_target(target)
            target.programme = programme
            # Checked again on the locked row: the organiser may have just cancelled it.
            # (Who may book was checked above: the lock does not guard the person's profile
            # or the programme's rules, so reading them again here would add nothing.)
            reason = _target_refusal(target=target, now=now)
            if reason:
                raise ApplicationError(reason)
            # A second active booking of the same person and target is refused by the partial
            # unique constraint when the booking is inserted (IntegrityError below).
            queue = Booking.objects.filter(_target_filter(target), status=Booking.Status.WAITLISTED)
            # Nobody else moves `taken` or `capacity` while this transaction holds the row.
            free = target.taken < target.capacity
            if free and queue.exists():
                # People waiting come first: offer them any free place they can take...
                while waitlist_offer_next(target=target, now=now) is not None:
                    pass
            # ... then the newcomer takes what is left, if anything.
            full, allocation = (
                _take_place(target, snapshot["system_id"]) if free else ("capacity", None)
            )
            booking = Booking(
                person=person,
                status=Booking.Status.WAITLISTED if full else Booking.Status.CONFIRMED,
                created_at=now,
                confirmed_at=None if full else now,
                allocation=allocation,
                **{"session" if isinstance(target, Session) else "cohort": target},
                **snapshot,
            )
            if full:
                last = queue.aggregate(m=Max("waitlist_position"))["m"]
                booking.waitlist_position = (last or 0) + 1
            # The constraints (one target, one active booking per person) are the database's.
            booking.full_clean(
                exclude=["session", "cohort", "person", "system", "organisation", "allocation"],
                validate_constraints=False,
            )
            booking.save()
            if full:
                emails.waitlist_joined(booking)
            else:
                _register(booking, target_sessions(target))
                emails.booking_confirmed(booking)
            return booking
    except IntegrityError:
        # The partial unique constraint: the person already holds or awaits a place here.
        raise ApplicationError(
            "You already have a place or are on the waiting list for this."
        ) from None


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session", "cohort")
        .get(pk=booking.pk)
    )


def _lock_booking_and_target(booking: Booking) -> tuple[Booking, Target]:
    """Lock a booking's session or cohort first, then the booking (the one lock order)."""
    booking = Booking.objects.select_related("session", "cohort").get(pk=booking.pk)
    target = _lock_target(booking.target)
    return _lock(booking), target


def waitlist_offer_next(*, target: Target, now: datetime) -> Booking | None:
    """Offer a freed place to the first eligible person waiting; None if nobody can take it.
    The caller holds the lock on `target`."""
    start = _first_start(target)
    if start is None or start <= now:
        return None  # too late to offer anything
    expires = min(now + timedelta(hours=settings.PROGRAMMES_OFFER_HOURS), start)
    waiting = (
        Booking.objects.select_for_update(of=("self",))
        .filter(_target_filter(target), status=Booking.Status.WAITLISTED)
        .select_related("person")
        .order_by("waitlist_position", "created_at", "id")
    )
    for candidate in waiting:
        if booking_refusal(target=target, person=candidate.person, now=now):
            continue  # nobody is offered a place they are not eligible for
        full, allocation = _take_place(target, candidate.system_id)
        if full == "capacity":
            return None
        if full == "allocation":
            continue
        candidate.status = Booking.Status.OFFERED
        candidate.offered_at = now
        candidate.offer_expires_at = expires
        candidate.allocation = allocation
        candidate.save(update_fields=["status", "offered_at", "offer_expires_at", "allocation"])
        emails.place_offered(candidate)
        return candidate
    return None


def waitlist_fill(*, target: Target, now: datetime) -> int:
    """Offer every free place to the people waiting (after capacity is raised, say)."""
    offered = 0
    with transaction.atomic():
        target = _lock_target(target)
        while waitlist_offer_next(target=target, now=now) is not None:
            offered += 1
    return offered


def cancellation_is_late(*, target: Target, now: datetime) -> bool:
    """A booked place given up within PROGRAMMES_LATE_CANCELLATION_HOURS of the start is a
    late cancellation (recorded; the confirmation page warns of it first)."""
    start = _first_start(target)
    window = timedelta(hours=settings.PROGRAMMES_LATE_CANCELLATION_HOURS)
    return start is not None and start - now < window


def booking_cancel(*, booking: Booking, now: datetime) -> Booking:
    """The participant cancels. Up to the start; inside the late window it is recorded as late."""
    with transaction.atomic():
        booking, target = _lock_booking_and_target(booking)
        if booking.status not in Booking.ACTIVE:
            raise ApplicationError("This booking is not active.")
        start = _first_start(target)
        if booking.status == Booking.Status.CONFIRMED and start is not None and start <= now:
            raise ApplicationError(
                "This has already started, so the booking can no longer be cancelled."
            )
        was = booking.status
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        if was == Booking.Status.CONFIRMED:
            booking.late_cancellation = cancellation_is_late(target=target, now=now)
        booking.save(update_fields=["status", "cancelled_at", "late_cancellation"])
        if was in Booking.HOLDING:
            _release_place(booking)
            waitlist_offer_next(target=target, now=now)
        emails.booking_cancelled(booking)
        return booking


def offer_accept(*, booking: Booking, now: datetime) -> Booking:
    with transaction.atomic():
        booking, target = _lock_booking_and_target(booking)
        if booking.status != Booking.Status.OFFERED:
            raise ApplicationError("There is no open offer on this booking.")
        if booking.offer_expires_at and booking.offer_expires_at <= now:
            raise ApplicationError("This offer has expired.")
        start = _first_start(target)
        if start is None or start <= now:
            raise ApplicationError("This has already started, so the place can no longer be taken.")
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.waitlist_position = None
        booking.save(update_fields=["status", "confirmed_at", "waitlist_position"])
        _register(booking, target_sessions(target))
        emails.booking_confirmed(booking)
        return booking


def offer_decline(*, booking: Booking, now: datetime) -> Booking:
    return booking_cancel(booking=booking, now=now)


def offers_expire(*, now: datetime) -> int:
    """Expire unanswered offers and pass each place down the list. Returns how many expired."""
    expired = 0
    ids = list(
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            booking, target = _lock_booking_and_target(Booking(pk=pk))
            if booking.status != Booking.Status.OFFERED or booking.offer_expires_at > now:
                continue
            booking.status = Booking.Status.EXPIRED
            booking.save(update_fields=["status"])
            emails.offer_expired(booking)
            _release_place(booking)
            waitlist_offer_next(target=target, now=now)
            expired += 1
    return expired


@transaction.atomic
def waitlist_move(*, booking: Booking, position: int) -> tuple[int, int]:
    """An administrator puts a waiting booking at `position` (1 = next to be offered), or
    last if the list is shorter. Returns where it is now and how many are waiting."""
    booking, _ = _lock_booking_and_target(booking)
    if booking.status != Booking.Status.WAITLISTED:
        raise ApplicationError("Only bookings on the waiting list can be moved.")
    queue = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(_target_filter(booking.target), status=Booking.Status.WAITLISTED)
        .exclude(pk=booking.pk)
        .order_by("waitlist_position", "created_at", "id")
    )
    position = max(1, min(position, len(queue) + 1))
    queue.insert(position - 1, booking)
    for index, item in enumerate(queue, start=1):
        if item.waitlist_position != index:
            item.waitlist_position = index
            item.save(update_fields=["waitlist_position"])
    return position, len(queue)


@transaction.atomic
def waitlist_remove(*, booking: Booking, now: datetime) -> None:
    booking, _ = _lock_booking_and_target(booking)
    if booking.status != Booking.Status.WAITLISTED:
        raise ApplicationError("Only bookings on the waiting list can be removed from it.")
    booking.status = Booking.Status.REMOVED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    emails.waitlist_removed(booking)


@transaction.atomic
def session_cancel(*, session: Session, now: datetime) -> int:
    """The organiser cancels a session: everyone booked or waiting is told. Returns how many."""
    session = _lock_target(session)
    if session.status == Session.Status.CANCELLED:
        raise ApplicationError("This session is already cancelled.")
    if session.status == Session.Status.DELIVERED:
        raise ApplicationError("This session has already been delivered.")
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status", "changed_at"])
    notified = 0
    if session.cohort_id:
        # The cohort goes on; its members hear that this date is off.
        bookings = Booking.objects.filter(cohort_id=session.cohort_id, status__in=Booking.ACTIVE)
        for booking in bookings.select_related("person"):
            emails.session_cancelled(booking, session, waiting=booking.status != "confirmed")
            notified += 1
        return notified
    bookings = Booking.objects.select_for_update(of=("self",)).filter(
        session=session, status__in=Booking.ACTIVE
    )
    for booking in bookings.select_related("person"):
        waiting = booking.status != Booking.Status.CONFIRMED
        booking.status = Booking.Status.ORGANISER_CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        emails.session_cancelled(booking, session, waiting=waiting)
        notified += 1
    Session.objects.filter(pk=session.pk).update(taken=0)
    return notified


@transaction.atomic
def cohort_cancel(*, cohort: Cohort, now: datetime) -> int:
    """The organiser cancels a whole cohort: its dates, its bookings and its waiting list,
    and everyone booked or waiting is told. Returns how many people were told."""
    cohort = _lock_target(cohort)
    if cohort.cancelled:
        raise ApplicationError("This cohort is already cancelled.")
    cohort.cancelled = True
    cohort.taken = 0
    cohort.save(update_fields=["cancelled", "taken"])
    CohortAllocation.objects.filter(cohort=cohort).update(taken=0)
    cohort.sessions.filter(status=Session.Status.SCHEDULED).update(
        status=Session.Status.CANCELLED, changed_at=Now()
    )
    notified = 0
    bookings = Booking.objects.select_for_update(of=("self",)).filter(
        cohort=cohort, status__in=Booking.ACTIVE
    )
    for booking in bookings.select_related("person"):
        waiting = booking.status != Booking.Status.CONFIRMED
        booking.status = Booking.Status.ORGANISER_CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        emails.cohort_cancelled(booking, waiting=waiting)
        notified += 1
    return notified


def register_mark(*, session: Session, marks: dict[int, str], by: User, now: datetime) -> int:
    """Mark attendance for register entries of `session` ({entry id: attendance}).

    Only once the session has started; "" puts an entry back to "not yet recorded".
    Attendees get the evaluation the first time they are marked attended.
    """
    if session.starts_at > now:
        raise ApplicationError("Attendance can be recorded once the session has started.")
    if session.status == Session.Status.CANCELLED:
        raise ApplicationError("This session was cancelled.")
    allowed = set(RegisterEntry.Attendance.values)
    bad = {v for v in marks.values() if v not in allowed}
    if bad:
        raise ApplicationError("Choose attended or did not attend.")
    changed = 0
    with transaction.atomic():
        entries = (
            RegisterEntry.objects.select_for_update(of=("self",))
            .filter(session=session, pk__in=list(marks), booking__status=Booking.Status.CONFIRMED)
            .select_related("booking__person")
        )
        for entry in entries:
            value = marks[entry.pk]
            if entry.attendance == value:
                continue
            first_attendance = (
                value == RegisterEntry.Attendance.ATTENDED
                and not RegisterEntry.objects.filter(
                    booking=entry.booking, attendance=RegisterEntry.Attendance.ATTENDED
                ).exists()
            )
            entry.attendance = value
            entry.recorded_at = now if value else None
            entry.recorded_by = by if value else None
            entry.save(update_fields=["attendance", "recorded_at", "recorded_by"])
            if first_attendance:
                emails.evaluation_invite(entry.booking)
            changed += 1
        if changed and session.status == Session.Status.SCHEDULED and session.ends_at <= now:
            Session.objects.filter(pk=session.pk).update(status=Session.Status.DELIVERED)
    return changed


def reminders_send(*, now: datetime) -> int:
    """Remind everyone booked on sessions starting within the reminder window, once."""
    horizon = now + timedelta(hours=settings.PROGRAMMES_REMINDER_HOURS)
    sent = 0
    ids = list(
        RegisterEntry.objects.filter(
            reminded_at__isnull=True,
            booking__status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=horizon,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            entry = (
                RegisterEntry.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("booking__person", "session__programme")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if entry is None:
                continue
            emails.session_reminder(entry)
            entry.reminded_at = now
            entry.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def evaluation_submit(
    *, booking: Booking, rating: int, will_do_differently: str, comments: str, now: datetime
) -> Evaluation:
    if not RegisterEntry.objects.filter(
        booking=booking, attendance=RegisterEntry.Attendance.ATTENDED
    ).exists():
        raise ApplicationError("Evaluations are for people who attended.")
    if Evaluation.objects.filter(booking=booking).exists():
        raise ApplicationError("You have already sent your evaluation.")
    evaluation = Evaluation(
        booking=booking,
        rating=rating,
        will_do_differently=will_do_differently.strip(),
        comments=comments.strip(),
        submitted_at=now,
    )
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:  # a double submit
        raise ApplicationError("You have already sent your evaluation.") from None
    return evaluation


@transaction.atomic
def evaluation_approve(*, evaluation: Evaluation, approved: bool, by: User, now: datetime) -> None:
    """Mark a comment approved for anonymous publication in the annual review (or withdraw it)."""
    evaluation.approved_for_publication = approved
    evaluation.approved_by = by if approved else None
    evaluation.approved_at = now if approved else None
    evaluation.save(update_fields=["approved_for_publication", "approved_by", "approved_at"])


def series_sessions(*, programme: Programme, now: datetime) -> list[Session]:
    """The upcoming workshops of a series bundle that can be booked one by one."""
    return list(
        programme.sessions.filter(
            cohort__isnull=True, status=Session.Status.SCHEDULED, starts_at__gt=now
        ).order_by("starts_at")
    )


@transaction.atomic
def series_book(
    *, person: User, programme: Programme, now: datetime, equality: EqualityAnswers | None = None
) -> list[Booking]:
    """Book every upcoming workshop of a series bundle at once (a waiting-list place where
    one is full). Workshops the person already holds a place for are left as they are."""
    if programme.format != Format.SERIES_BUNDLE:
        raise ApplicationError("Only a series can be booked as a set.")
    held = set(
        Booking.objects.filter(
            person=person, session__programme=programme, status__in=Booking.ACTIVE
        ).values_list("session_id", flat=True)
    )
    bookings = []
    for session in series_sessions(programme=programme, now=now):
        if session.pk in held:
            continue
        bookings.append(booking_create(person=person, target=session, now=now, equality=equality))
    if not bookings:
        raise ApplicationError(
            "You already have a place on every upcoming workshop of this series."
        )
    return bookings


def _programme_of(booking: Booking) -> Programme:
    return booking.session.programme if booking.session_id else booking.cohort.programme


def self_assessment_refusal(
    *,
    stage: str,
    confirmed: bool,
    assessed: bool,
    answered: bool,
    last_start: datetime | None,
    last_end: datetime | None,
    now: datetime,
) -> str | None:
    """Why this stage of a booking's self-assessment cannot be answered now, or None: the
    one rule for what My bookings offers and what `self_assessment_submit` accepts. A
    confirmed place on a programme with dimensions rates itself once "before" (until its
    last date has ended) and once "after" (from that date's start; on the last day, both)."""
    if not confirmed:
        return "Only a confirmed place has a self-assessment."
    if not assessed:
        return "This programme has no self-assessment."
    if last_start is None or last_end is None:
        return "This booking has no dates."
    if stage == AssessmentAnswer.Stage.BEFORE:
        if now >= last_end:
            return "The programme has finished: rate yourself as you are now."
    elif stage == AssessmentAnswer.Stage.AFTER:
        if now < last_start:
            return "You can rate yourself again once you reach the last date."
    else:
        return "Unknown stage of the self-assessment."
    if answered:
        return "You have already rated yourself at this stage."
    return None


@transaction.atomic
def self_assessment_submit(
    *, booking: Booking, stage: str, ratings: dict[int, int], now: datetime
) -> list[AssessmentAnswer]:
    """A participant rates themselves on each of the programme's dimensions: once before
    they start (until the last date has ended) and once they finish (from the last date)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    dimensions = list(AssessmentDimension.objects.filter(programme=_programme_of(booking)))
    sessions = target_sessions(booking.target)
    reason = self_assessment_refusal(
        stage=stage,
        confirmed=booking.status == Booking.Status.CONFIRMED,
        assessed=bool(dimensions),
        answered=booking.assessment_answers.filter(stage=stage).exists(),
        last_start=sessions[-1].starts_at if sessions else None,
        last_end=sessions[-1].ends_at if sessions else None,
        now=now,
    )
    if reason:
        raise ApplicationError(reason)
    missing = [d.name for d in dimensions if ratings.get(d.pk) not in (1, 2, 3, 4, 5)]
    if missing:
        raise ApplicationError(f"Rate yourself from 1 to 5 on: {', '.join(missing)}.")
    return AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(booking=booking, dimension=d, stage=stage, rating=ratings[d.pk],
                         answered_at=now)
        for d in dimensions
    )  # fmt: skip


# Running the catalogue (the team's pages and the admin site share these) -------------------

# What a change to a session tells the people booked on it: these fields are in the invite.
INVITE_FIELDS = ("starts_at", "ends_at", "venue", "joining_url", "title")


@transaction.atomic
def target_save(*, target: Target, fields: dict, now: datetime) -> tuple[Target, int]:
    """Create or change a session or cohort. `taken` is never written from here (bookings
    move it meanwhile); capacity may not go below the places taken; raising it offers the new
    places to people waiting; a changed date, time, venue or joining link sends everyone
    booked an updated calendar invitation. Returns the target and the offers made."""
    creating = target.pk is None
    changed = []
    if not creating:
        current = _lock_target(target)
        changed = [f for f in INVITE_FIELDS if f in fields and getattr(current, f) != fields[f]]
        target.taken = current.taken
    for name, value in fields.items():
        setattr(target, name, value)
    if target.capacity is not None and target.capacity < target.taken:
        raise ApplicationError(
            f"{target.taken} places are already taken, so the capacity cannot be lower."
        )
    target.full_clean()
    if creating:
        target.save()
        return target, 0
    target.save(update_fields=[f.name for f in target._meta.concrete_fields
                               if not f.primary_key and f.name != "taken"])  # fmt: skip
    if changed and isinstance(target, Session):
        for booking in Booking.objects.filter(
            _target_session_bookings(target), status=Booking.Status.CONFIRMED
        ).select_related("person"):
            emails.session_changed(booking, target, changed=changed)
    offered = 0
    while waitlist_offer_next(target=target, now=now) is not None:
        offered += 1
    return target, offered


def _target_session_bookings(session: Session) -> Q:
    """The bookings that hold a place on a session: its own, or its cohort's."""
    return Q(session=session) | (
        Q(cohort_id=session.cohort_id) if session.cohort_id else Q(pk=None)
    )


@transaction.atomic
def waitlist_offer(*, booking: Booking, by: User, reason: str, now: datetime) -> Booking:
    """The team offers a waiting person a free place by hand. Out of queue order only with a
    reason, which is kept with who decided; never one's own booking."""
    booking, target = _lock_booking_and_target(booking)
    if booking.person_id == by.pk:
        raise ApplicationError("Someone else in the team must offer you a place.")
    if booking.status != Booking.Status.WAITLISTED:
        raise ApplicationError("Only people on the waiting list can be offered a place.")
    start = _first_start(target)
    if start is None or start <= now:
        raise ApplicationError("It has already started, so no place can be offered.")
    first = (
        Booking.objects.filter(_target_filter(target), status=Booking.Status.WAITLISTED)
        .order_by("waitlist_position", "created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    reason = reason.strip()
    if booking.pk != first and not reason:
        raise ApplicationError(
            "They are not first on the waiting list: say why they are offered the place first."
        )
    refusal = booking_refusal(target=target, person=booking.person, now=now)
    if refusal:
        raise ApplicationError(f"They cannot book it: {refusal}")
    full, allocation = _take_place(target, booking.system_id)
    if full:
        raise ApplicationError(
            "There is no free place to offer."
            if full == "capacity"
            else "Their system's share of places is all taken."
        )
    booking.status = Booking.Status.OFFERED
    booking.offered_at = now
    booking.offer_expires_at = min(now + timedelta(hours=settings.PROGRAMMES_OFFER_HOURS), start)
    booking.allocation = allocation
    booking.offered_by = by
    booking.offer_reason = reason[:300]
    booking.save(update_fields=["status", "offered_at", "offer_expires_at", "allocation",
                                "offered_by", "offer_reason"])  # fmt: skip
    emails.place_offered(booking)
    return booking


@transaction.atomic
def programme_save(*, programme: Programme, fields: dict) -> Programme:
    """Create or change a programme's catalogue entry. A new one belongs to the portal's
    region (PORTAL_REGION) and gets a unique address from its title."""
    from django.utils.text import slugify

    from talentportal.directory.models import Region

    for name, value in fields.items():
        setattr(programme, name, value)
    if programme.pk is None:
        programme.region = Region.objects.get(name=settings.PORTAL_REGION)
        base = slugify(programme.title)[:200] or "programme"
        slug, n = base, 1
        while Programme.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        programme.slug = slug
    programme.full_clean()
    programme.save()
    return programme

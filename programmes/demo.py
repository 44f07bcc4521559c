"""Demo data: a year of programmes, sessions, bookings and attendance in the demo region.

Dates are anchored on the 2026/27 financial year (1 April 2026 to 31 March 2027), so the
same command always builds the same records: the first half of the year is history with
registers marked, the rest is open for booking (one workshop is full with a waiting list).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils.text import slugify

from talentportal.directory.models import (
    EqualityMonitoring,
    IntegratedCareSystem,
    Profile,
    Region,
    User,
)

from .models import (
    AssessmentAnswer,
    AssessmentDimension,
    Booking,
    Cohort,
    CohortAllocation,
    Delivery,
    Evaluation,
    Format,
    Module,
    PeoplePlanTheme,
    Programme,
    RegisterEntry,
    Session,
    Workstream,
)

LONDON = ZoneInfo("Europe/London")
YEAR_START = datetime(2026, 4, 1, tzinfo=LONDON)
# Bookings made before this moment are history: attended, did not attend or cancelled.
HISTORY_UNTIL = datetime(2026, 11, 1, tzinfo=LONDON)

PROGRAMMES = [
    # title, workstream, theme, format, delivery, sessions, capacity, bands, summary
    (
        "Compassionate Leadership Essentials",
        "Leadership Development",
        "LOOKING_AFTER",
        "WORKSHOP",
        "VIRTUAL",
        8,
        30,
        [],
        "A half-day workshop on leading with compassion: attending, understanding, empathising "
        "and helping, for anyone who leads a team or hopes to.",
    ),
    (
        "Leading Across Systems Masterclass",
        "Board and In-place ICS Systems",
        "NEW_WAYS",
        "MASTERCLASS",
        "HYBRID",
        4,
        60,
        ["8a", "8b", "8c", "8d", "9", "vsm"],
        "A masterclass for senior leaders working across organisational boundaries in an "
        "integrated care system.",
    ),
    (
        "PCN Clinical Directors' Development Programme",
        "PCN Development",
        "NEW_WAYS",
        "MULTI_MODULE",
        "VIRTUAL",
        5,
        24,
        [],
        "Five modules for primary care network clinical directors and managers: pick the "
        "modules you need.",
    ),
    (
        "Reverse Mentoring for Inclusion",
        "Equality, Diversity and Inclusion",
        "BELONGING",
        "ACTION_LEARNING",
        "VIRTUAL",
        6,
        16,
        [],
        "Senior leaders are mentored by colleagues from under-represented groups, with "
        "action learning sets to turn insight into change.",
    ),
    (
        "Coffee and Chat: New to Management",
        "Leadership Development",
        "GROWING",
        "DROP_IN",
        "VIRTUAL",
        10,
        40,
        [],
        "An informal hour for new managers to share what is working and what is hard.",
    ),
    (
        "Introduction to Coaching Conversations",
        "Coaching and Mentoring",
        "LOOKING_AFTER",
        "WEBINAR",
        "VIRTUAL",
        6,
        100,
        [],
        "A webinar on coaching conversations for managers, and how to find a coach through "
        "CoachNet.",
    ),
    (
        "GMTS Trainee Induction Days",
        "GMTS",
        "GROWING",
        "DEVELOPMENT_CENTRE",
        "IN_PERSON",
        2,
        40,
        [],
        "Induction days for Graduate Management Training Scheme trainees and their placement "
        "managers.",
    ),
    (
        "Resilient Teams Series",
        "Leadership Development",
        "LOOKING_AFTER",
        "SERIES_BUNDLE",
        "VIRTUAL",
        4,
        25,
        [],
        "Four workshops on team wellbeing; book one or the whole series.",
    ),
]

VENUES = ["Birmingham: The Bond Company", "Nottingham: Trent Vineyard",
          "Leicester: Athena", "Online (Microsoft Teams)"]  # fmt: skip


def _at(day: datetime, hour: int) -> datetime:
    return datetime.combine(day.date(), time(hour), tzinfo=LONDON)


def load(context: dict) -> None:
    rng = context["rng"]
    region = Region.objects.get(name="Midlands")
    people = list(context["people"])
    facilitator = User.objects.filter(email__startswith="programmes@").first()
    workstreams = {w.name: w for w in Workstream.objects.all()}
    sessions: list[Session] = []
    earlier: list[Session] = []
    for index, (title, stream, theme, fmt, delivery, count, capacity, bands, summary) in enumerate(
        PROGRAMMES
    ):
        programme = Programme.objects.create(
            title=title,
            slug=slugify(title),
            summary=summary,
            workstream=workstreams[stream],
            people_plan_theme=PeoplePlanTheme[theme],
            format=Format[fmt],
            delivery=Delivery[delivery],
            provider=rng.choice(["Academy team", "NHS Leadership Academy", "The King's Fund"]),
            audience="Health and care staff in the Midlands",
            region=region,
            eligible_bands=bands,
            published=True,
        )
        modules = []
        if fmt == "MULTI_MODULE":
            for n, name in enumerate(
                ["Leading a PCN", "Population health", "Finance and contracts",
                 "Workforce planning", "Quality improvement"], start=1
            ):  # fmt: skip
                modules.append(Module.objects.create(programme=programme, title=name, order=n))
        # This year's run of every programme, and last year's of the first three (whose
        # participants by ethnic group are published, the year having ended).
        runs = [(YEAR_START, count, sessions)]
        if index < 3:
            runs.append((YEAR_START - timedelta(days=365), max(2, count // 2), earlier))
        for (first_day, number, into), n in ((run, n) for run in runs for n in range(run[1])):
            day = first_day + timedelta(days=int((n + 0.5) * 360 / number) + index * 3)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            start = _at(day, rng.choice([9, 10, 13, 14]))
            into.append(
                Session.objects.create(
                    programme=programme,
                    module=modules[n % len(modules)] if modules else None,
                    title=f"{modules[n % len(modules)].title}" if modules else "",
                    starts_at=start,
                    ends_at=start + timedelta(hours=3 if fmt != "DROP_IN" else 1),
                    venue="" if delivery == "VIRTUAL" else rng.choice(VENUES[:3]),
                    joining_url="https://teams.example/meet" if delivery != "IN_PERSON" else "",
                    capacity=capacity,
                    facilitator=facilitator,
                )
            )

    sessions += earlier
    # A cohort programme with places shared equally among the 11 systems.
    cohort_programme = Programme.objects.create(
        title="Aspiring Senior Leaders Cohort",
        slug="aspiring-senior-leaders-cohort",
        summary="Six months, six days together: leadership for bands 7 to 8b stepping up to "
        "senior roles. Places are shared equally among the integrated care systems.",
        workstream=workstreams["Leadership Development"],
        people_plan_theme=PeoplePlanTheme.GROWING,
        format=Format.MULTI_MODULE,
        delivery=Delivery.HYBRID,
        provider="Academy team",
        audience="Bands 7 to 8b",
        region=region,
        eligible_bands=["7", "8a", "8b"],
        published=True,
    )
    cohort = Cohort.objects.create(
        programme=cohort_programme, name="Cohort 3 (January 2027)", capacity=22
    )
    for system in IntegratedCareSystem.objects.filter(region=region):
        CohortAllocation.objects.create(cohort=cohort, system=system, places=2)
    for n in range(6):
        day = datetime(2027, 1, 12, tzinfo=LONDON) + timedelta(weeks=4 * n)
        Session.objects.create(
            programme=cohort_programme,
            cohort=cohort,
            title=f"Day {n + 1}",
            starts_at=_at(day, 9),
            ends_at=_at(day, 16),
            venue=VENUES[n % 3],
            capacity=22,
        )

    profiles = {
        p.user_id: p for p in Profile.objects.filter(user__in=people).select_related("organisation")
    }
    equality = {e.user_id: e for e in EqualityMonitoring.objects.filter(user__in=people)}
    bookings, entries = [], []
    for session in sessions:
        past = session.starts_at < HISTORY_UNTIL
        full = session.programme.format == Format.WORKSHOP and session is sessions[5]
        share = 1.0 if full else (rng.uniform(0.6, 1.0) if past else rng.uniform(0.1, 0.6))
        chosen = rng.sample(people, min(len(people), int(session.capacity * share) + 4))
        confirmed = 0
        for person in chosen:
            profile, answers = profiles[person.pk], equality[person.pk]
            snapshot = {
                "organisation": profile.organisation,
                "system_id": profile.organisation.system_id,
                "band": profile.band,
                "staff_group": profile.staff_group,
                "ethnic_category": answers.ethnic_category,
                "disability": answers.disability,
                "sex": answers.sex,
            }
            created = session.starts_at - timedelta(days=rng.randint(5, 40))
            if confirmed >= session.capacity:
                if past:
                    continue
                position = len(
                    [b for b in bookings if b.session is session and b.status == "waitlisted"]
                )
                bookings.append(Booking(person=person, session=session, status="waitlisted",
                                        created_at=created, waitlist_position=position + 1,
                                        **snapshot))  # fmt: skip
                continue
            cancelled = past and rng.random() < 0.08
            booking = Booking(
                person=person,
                session=session,
                status="cancelled" if cancelled else "confirmed",
                created_at=created,
                confirmed_at=created,
                cancelled_at=session.starts_at - timedelta(days=1) if cancelled else None,
                late_cancellation=cancelled and rng.random() < 0.5,
                **snapshot,
            )
            bookings.append(booking)
            if not cancelled:
                confirmed += 1
        session.taken = confirmed
    Booking.objects.bulk_create(bookings)
    Session.objects.bulk_update(sessions, ["taken"])

    for booking in bookings:
        if booking.status != "confirmed":
            continue
        session = booking.session
        attendance = ""
        if session.starts_at < HISTORY_UNTIL:
            attendance = "attended" if rng.random() < 0.82 else "did_not_attend"
        entries.append(
            RegisterEntry(
                booking=booking,
                session=session,
                attendance=attendance,
                recorded_at=session.ends_at if attendance else None,
                recorded_by=facilitator if attendance else None,
            )
        )
    RegisterEntry.objects.bulk_create(entries)
    Session.objects.filter(ends_at__lt=HISTORY_UNTIL).update(status=Session.Status.DELIVERED)
    # One recent register is left incomplete for the "registers to complete" list.
    last = (
        Session.objects.filter(ends_at__lt=HISTORY_UNTIL)
        .annotate(n=Count("register_entries"))
        .filter(n__gt=0)
        .order_by("-ends_at")
        .first()
    )
    if last:
        RegisterEntry.objects.filter(session=last).update(attendance="", recorded_at=None)
        Session.objects.filter(pk=last.pk).update(status=Session.Status.SCHEDULED)

    quotes = [
        "It gave me the confidence to have the difficult conversation I had been putting off.",
        "The best use of a morning this year: practical, kind and honest.",
        "I met colleagues from three other trusts facing exactly the same problems.",
        "I now start every team meeting with a check-in, and it has changed the tone.",
        "Useful, though I would have liked more time in small groups.",
    ]
    attended = [e for e in entries if e.attendance == "attended"]
    evaluations = []
    for entry in rng.sample(attended, min(60, len(attended))):
        comment = rng.choice(quotes)
        evaluations.append(
            Evaluation(
                booking=entry.booking,
                rating=rng.choice([3, 4, 4, 5, 5, 5]),
                will_do_differently="Make more time to listen to my team.",
                comments=comment,
                submitted_at=entry.session.ends_at + timedelta(days=1),
                approved_for_publication=comment != quotes[-1] and rng.random() < 0.5,
            )
        )
    Evaluation.objects.bulk_create(evaluations, ignore_conflicts=True)
    _self_assessment(rng, attended)
    context["sessions"] = sessions
    context["booking_count"] = Booking.objects.filter(~Q(status="waitlisted")).count()


SYSTEM_LEADERSHIP = ["Being", "Relating and communicating", "Leading and visioning", "Delivering"]


def _self_assessment(rng, attended) -> None:
    """The programme with the most attendances carries the four system leadership
    dimensions; its attenders rated themselves before, and most of them again after."""
    by_programme: dict[int, list] = {}
    for entry in attended:
        by_programme.setdefault(entry.session.programme_id, []).append(entry)
    if not by_programme:
        return
    entries = max(by_programme.values(), key=len)
    programme = entries[0].session.programme
    dimensions = [
        AssessmentDimension.objects.create(programme=programme, name=name, order=n)
        for n, name in enumerate(SYSTEM_LEADERSHIP)
    ]
    answers, seen = [], set()
    for entry in entries:
        if entry.booking_id in seen:
            continue
        seen.add(entry.booking_id)
        for d in dimensions:
            before = rng.randint(1, 4)
            start, end = entry.session.starts_at, entry.session.ends_at
            answers.append(
                AssessmentAnswer(booking=entry.booking, dimension=d, stage="before",
                                 rating=before, answered_at=start - timedelta(days=3))
            )  # fmt: skip
            if rng.random() < 0.8:
                after = min(5, before + rng.choice([0, 1, 1, 2]))
                answers.append(
                    AssessmentAnswer(booking=entry.booking, dimension=d, stage="after",
                                     rating=after, answered_at=end + timedelta(days=1))
                )  # fmt: skip
    AssessmentAnswer.objects.bulk_create(answers, ignore_conflicts=True)

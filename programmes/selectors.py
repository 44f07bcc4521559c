"""Reads of the catalogue, bookings and registers, filtered to what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.formats import date_format

from talentportal.core.disclosure import (
    Published,
    audit_linked,
    breakdown,
    equality_breakdown,
    is_small,
)
from talentportal.core.periods import financial_year
from talentportal.directory.models import ETHNIC_GROUPS, EqualitySnapshot, Profile, Role, User
from talentportal.directory.permissions import has_role
from talentportal.directory.selectors import equality_history

from .models import (
    AssessmentAnswer,
    AssessmentDimension,
    Booking,
    CatalogueVersion,
    Cohort,
    Evaluation,
    Programme,
    RegisterEntry,
    Session,
)


def target_sessions(target: Session | Cohort) -> list[Session]:
    """The sessions a booking of a session or a cohort covers: the cohort's dates that are not
    cancelled, in order (using prefetched sessions when present)."""
    if isinstance(target, Session):
        return [target]
    sessions = [s for s in target.sessions.all() if s.status != Session.Status.CANCELLED]
    return sorted(sessions, key=lambda s: s.starts_at)


def catalogue_version() -> int:
    """How many statements have changed the catalogue's programmes, sessions (their dates,
    status or programme) and workstreams: one index read. A different number means the
    catalogue may look different. (Plain SQL: on a cached catalogue page, building this
    query through the ORM would cost more than the rest of the view.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n FROM {CatalogueVersion._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def programme_list(*, now: datetime) -> QuerySet:
    """Published programmes with their next scheduled date; one query, whatever the length.
    The date is one probe of the (programme, starts_at) index per programme, not a join
    with every session the programme ever had (hundreds of thousands at national scale)."""
    return (
        Programme.objects.filter(published=True)
        .select_related("workstream")
        .annotate(next_date=next_date_subquery(now=now))
        .order_by(F("next_date").asc(nulls_last=True), "title")
    )


_PLACES_SQL = """
SELECT s.programme_id,
       GREATEST(COALESCE(c.capacity, s.capacity) - COALESCE(c.taken, s.taken), 0) AS places_left,
       p.eligible_bands <> '{}' OR p.eligible_staff_groups <> '{}'
         OR EXISTS (SELECT 1 FROM programmes_programme_eligible_sectors e
                     WHERE e.programme_id = p.id)
         OR EXISTS (SELECT 1 FROM programmes_programme_eligible_systems e
                     WHERE e.programme_id = p.id)
         AS restricted
  FROM unnest(%s::bigint[], %s::timestamptz[]) AS shown(programme_id, starts_at)
  JOIN programmes_session s
    ON s.programme_id = shown.programme_id AND s.status = 'scheduled'
   AND s.starts_at >= shown.starts_at AND s.starts_at < shown.starts_at + interval '1 second'
  JOIN programmes_programme p ON p.id = s.programme_id
  LEFT JOIN programmes_cohort c ON c.id = s.cohort_id
"""


def catalogue_places(
    *, dates: set[tuple[int, datetime]], profile: Callable[[], Profile | None]
) -> dict[int, tuple[int | None, str | None]]:
    """For each catalogue row shown (a programme and its next date): the places left on that
    date (a cohort's, if the date is part of one) and why the person cannot book the
    programme, or None. Read per request, since the kept catalogue HTML does not change when
    someone books: one statement for the page, and the person's profile (`profile()`) and
    the eligibility rules (eligibility.refusal_reason) only for programmes that have rules."""
    from .eligibility import refusal_reason

    if not dates:
        return {}
    shown = sorted(dates)
    with connection.cursor() as cursor:
        cursor.execute(_PLACES_SQL, [[pk for pk, _ in shown], [when for _, when in shown]])
        rows = cursor.fetchall()
    left, restricted = {}, set()
    for programme_id, places_left, is_restricted in rows:
        left.setdefault(programme_id, places_left)
        if is_restricted:
            restricted.add(programme_id)
    refusals = {}
    if restricted:
        person = profile()
        for p in Programme.objects.filter(pk__in=restricted).prefetch_related(
            "eligible_sectors", "eligible_systems"
        ):
            refusals[p.pk] = refusal_reason(programme=p, profile=person)
    return {pk: (left.get(pk), refusals.get(pk)) for pk, _ in shown}


def next_date_subquery(*, now: datetime, first_day=None, last_day=None) -> Subquery:
    """A programme's next scheduled date after `now`, or its next one between two days
    (UK dates, both included)."""
    upcoming = Session.objects.filter(
        programme=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=now
    )
    if first_day:
        upcoming = upcoming.filter(starts_at__date__gte=first_day)
    if last_day:
        upcoming = upcoming.filter(starts_at__date__lte=last_day)
    return Subquery(upcoming.order_by("starts_at").values("starts_at")[:1])


def programme_eligible_filter(qs: QuerySet, *, profile: Profile | None) -> QuerySet:
    """Only programmes this profile meets the eligibility rules of, decided in SQL."""
    through_sectors = Programme.eligible_sectors.through
    through_systems = Programme.eligible_systems.through
    restricted_sector = Exists(through_sectors.objects.filter(programme=OuterRef("pk")))
    restricted_system = Exists(through_systems.objects.filter(programme=OuterRef("pk")))
    unrestricted = (
        Q(eligible_bands=[])
        & Q(eligible_staff_groups=[])
        & ~Q(restricted_sector)
        & ~Q(restricted_system)
    )
    if profile is None or not profile.is_complete:
        return qs.filter(unrestricted)
    org = profile.organisation
    sector_ok = Exists(
        through_sectors.objects.filter(programme=OuterRef("pk"), organisationtype_id=org.type_id)
    )
    system_ok = Exists(
        through_systems.objects.filter(
            programme=OuterRef("pk"), integratedcaresystem_id=org.system_id
        )
    )
    return qs.filter(
        (Q(eligible_bands=[]) | Q(eligible_bands__contains=[profile.band]))
        & (Q(eligible_staff_groups=[]) | Q(eligible_staff_groups__contains=[profile.staff_group]))
        & (~Q(restricted_sector) | Q(sector_ok))
        & (~Q(restricted_system) | Q(system_ok))
    )


def programme_detail(*, slug: str, user: User) -> Programme:
    """A programme with its sessions and cohorts (unpublished ones only for administrators)."""
    qs = Programme.objects.select_related("workstream", "region").prefetch_related(
        "eligible_sectors",
        "eligible_systems",
        "modules",
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("module", "cohort").order_by("starts_at"),
        ),
        Prefetch(
            "cohorts",
            queryset=Cohort.objects.prefetch_related(
                Prefetch("sessions", queryset=Session.objects.order_by("starts_at")),
                "allocations__system",
            ),
        ),
    )
    if not has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN):
        qs = qs.filter(published=True)
    return qs.get(slug=slug)


def booking_list(*, user: User) -> QuerySet:
    """The user's own bookings: nobody lists anyone else's here."""
    return (
        Booking.objects.filter(person=user)
        .select_related("session__programme", "session__module", "cohort__programme")
        .annotate(
            first_start=Min(
                "cohort__sessions__starts_at",
                filter=~Q(cohort__sessions__status=Session.Status.CANCELLED),
            ),
            last_start=Max(
                "cohort__sessions__starts_at",
                filter=~Q(cohort__sessions__status=Session.Status.CANCELLED),
            ),
            # The end of the last date (the latest to start), as the service reads it.
            last_end=Subquery(
                Session.objects.filter(cohort=OuterRef("cohort"))
                .exclude(status=Session.Status.CANCELLED)
                .order_by("-starts_at", "-pk")
                .values("ends_at")[:1]
            ),
            # The programme's before-and-after self-assessment, and what is answered.
            assessed=Exists(
                AssessmentDimension.objects.filter(
                    Q(programme=OuterRef("session__programme"))
                    | Q(programme=OuterRef("cohort__programme"))
                )
            ),
            rated_before=Exists(
                AssessmentAnswer.objects.filter(booking=OuterRef("pk"), stage="before")
            ),
            rated_after=Exists(
                AssessmentAnswer.objects.filter(booking=OuterRef("pk"), stage="after")
            ),
        )
        .order_by("-created_at")
    )


def booking_for_owner(*, user: User, pk: int) -> Booking:
    """One of the user's own bookings; anyone else's is indistinguishable from a missing one."""
    return Booking.objects.select_related("session__programme", "cohort__programme").get(
        pk=pk, person=user
    )


def can_run_register(*, user: User, session: Session) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN) or (
        session.facilitator_id == user.pk
    )


def register_entries(*, session: Session) -> QuerySet:
    return (
        RegisterEntry.objects.filter(session=session, booking__status=Booking.Status.CONFIRMED)
        .select_related("booking__person", "booking__organisation", "booking__system")
        .order_by("booking__person__last_name", "booking__person__first_name", "pk")
    )


def registers_to_complete(*, user: User, now: datetime) -> QuerySet:
    """Sessions past their end, not cancelled, with somebody's attendance not yet recorded."""
    pending = RegisterEntry.objects.filter(
        session=OuterRef("pk"),
        booking__status=Booking.Status.CONFIRMED,
        attendance=RegisterEntry.Attendance.NOT_RECORDED,
    )
    qs = (
        Session.objects.filter(ends_at__lte=now)
        .exclude(status=Session.Status.CANCELLED)
        .filter(Exists(pending))
        .select_related("programme", "module", "cohort")
        .annotate(
            not_recorded=Count(
                "register_entries",
                filter=Q(
                    register_entries__booking__status=Booking.Status.CONFIRMED,
                    register_entries__attendance=RegisterEntry.Attendance.NOT_RECORDED,
                ),
            )
        )
        .order_by("ends_at")
    )
    if not has_role(user, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN):
        qs = qs.filter(facilitator=user)
    return qs


def waiting_list(*, target) -> QuerySet:
    field = "session" if isinstance(target, Session) else "cohort"
    return (
        Booking.objects.filter(
            **{field: target}, status__in=[Booking.Status.WAITLISTED, Booking.Status.OFFERED]
        )
        .select_related("person", "organisation")
        .order_by("status", "waitlist_position", "created_at", "id")
    )


# Figures for the year in review ----------------------------------------------------------

# A booking counts on every session it covers (a place on a five-date cohort is five session
# bookings, as attendance is marked per session) once it has held a place: confirmed,
# cancelled or cancelled by the organiser, but never only waiting (waiting, offered, offer
# expired, removed from the list, or a cancelled or withdrawn place in the queue).
BOOKED = ("confirmed", "cancelled", "organiser_cancelled")
BAME = tuple(sorted("DEFGHJKLMNPRS"))

_FIGURES_SQL = """
WITH s AS (
    SELECT s.id, s.cohort_id, p.workstream_id
    FROM programmes_session s JOIN programmes_programme p ON p.id = s.programme_id
    WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'
      AND (%(region)s::bigint IS NULL OR p.region_id = %(region)s::bigint)
), pairs AS (
    SELECT s.id AS session_id, s.workstream_id, b.id AS booking_id, b.status, b.system_id,
           b.ethnic_category, b.staff_group, b.confirmed_at IS NOT NULL AS held
    FROM s JOIN programmes_booking b ON b.session_id = s.id
    UNION ALL
    SELECT s.id, s.workstream_id, b.id, b.status, b.system_id, b.ethnic_category, b.staff_group,
           b.confirmed_at IS NOT NULL
    FROM s JOIN programmes_booking b ON b.cohort_id = s.cohort_id
    WHERE s.cohort_id IS NOT NULL
)
SELECT GROUPING(pairs.workstream_id) AS g_ws, GROUPING(pairs.system_id) AS g_sys,
       pairs.workstream_id, pairs.system_id,
       COUNT(*) FILTER (WHERE pairs.held AND pairs.status IN %(booked)s) AS bookings,
       COUNT(*) FILTER (WHERE pairs.held AND pairs.status = 'cancelled') AS cancellations,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended') AS attendances,
       COUNT(r.id) FILTER (WHERE r.attendance = 'did_not_attend') AS did_not_attend,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.ethnic_category IN %(bame)s)
           AS bame,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.ethnic_category <> 'Z')
           AS ethnicity_stated,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.staff_group = 'clinical')
           AS clinical,
       COUNT(r.id) FILTER (WHERE r.attendance = 'attended' AND pairs.staff_group <> '')
           AS staff_group_stated
FROM pairs
LEFT JOIN programmes_registerentry r
       ON r.booking_id = pairs.booking_id AND r.session_id = pairs.session_id
GROUP BY GROUPING SETS ((), (pairs.workstream_id), (pairs.system_id))
"""

_SESSIONS_SQL = """
SELECT GROUPING(p.workstream_id) AS g_ws, p.workstream_id, COUNT(*) AS sessions
FROM programmes_session s JOIN programmes_programme p ON p.id = s.programme_id
WHERE s.starts_at >= %(start)s AND s.starts_at < %(end)s AND s.status <> 'cancelled'
  AND (%(region)s::bigint IS NULL OR p.region_id = %(region)s::bigint)
GROUP BY GROUPING SETS ((), (p.workstream_id))
"""


def intervention_figures(*, start: datetime, end: datetime, region_id: int | None) -> dict:
    """The year's interventions: sessions starting in [start, end) not cancelled by the
    organiser, the bookings on them, attendance and reach, in two grouped queries.

    Returns raw counts by workstream id and system id; the report names them."""

    params = {"start": start, "end": end, "region": region_id, "booked": BOOKED, "bame": BAME}
    with connection.cursor() as cursor:
        cursor.execute(_SESSIONS_SQL, params)
        sessions = {("ws", r[1]) if r[0] == 0 else "all": r[2] for r in cursor.fetchall()}
        cursor.execute(_FIGURES_SQL, params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    total = next((r for r in rows if r["g_ws"] == 1 and r["g_sys"] == 1), None)
    return {
        "sessions": sessions.get("all", 0),
        "sessions_by_workstream": {k[1]: v for k, v in sessions.items() if k != "all"},
        "total": total,
        "by_workstream": {r["workstream_id"]: r for r in rows if r["g_ws"] == 0},
        "by_system": {r["system_id"]: r for r in rows if r["g_sys"] == 0},
    }


def approved_quotes(*, start: datetime, end: datetime, region_id: int | None, limit: int = 12):
    """Participants' comments the team approved for publication, without names."""
    qs = Evaluation.objects.filter(
        approved_for_publication=True, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(comments="")
    if region_id is not None:
        qs = qs.filter(
            Q(booking__session__programme__region=region_id)
            | Q(booking__cohort__programme__region=region_id)
        )
    rows = qs.order_by("-rating", "-submitted_at").values_list(
        "comments", "booking__session__programme__title", "booking__cohort__programme__title"
    )[: limit * 5]
    quotes: dict[str, dict] = {}  # the same words from two people are quoted once
    for text, a, b in rows:
        quotes.setdefault(text, {"text": text, "programme": a or b or ""})
    return list(quotes.values())[:limit]


REACH = "programmes.impact:"
REACH_DIMENSION = "Ethnic group"  # the one equality dimension of programmes' reach


def reach_key(programme_id: int, year: int) -> str:
    """The snapshot key of a programme's participants in a financial year (2025 = April
    2025 to March 2026)."""
    return f"{REACH}{programme_id}:{year}"


# Each person once per programme and financial year (of the session, or of a cohort's first
# session), by the answer on their latest booking of it in that year, for the years ended
# before `open_year`: who gave each answer, and the fingerprint of who took part that
# disclosure.members_key computes.
_REACH_SQL = """
WITH cohort_start AS (
    SELECT cohort_id, MIN(starts_at) AS starts_at
    FROM programmes_session WHERE cohort_id IS NOT NULL GROUP BY cohort_id
), latest AS (
    SELECT DISTINCT ON (prog, year, person_id) prog, year, person_id, ethnic_category
    FROM (
        SELECT COALESCE(s.programme_id, c.programme_id) AS prog, b.person_id,
               EXTRACT(YEAR FROM (COALESCE(s.starts_at, cs.starts_at) AT TIME ZONE %(tz)s)
                                 - INTERVAL '3 months')::int AS year,
               b.ethnic_category, b.created_at, b.id
        FROM programmes_booking b
        LEFT JOIN programmes_session s ON s.id = b.session_id
        LEFT JOIN programmes_cohort c ON c.id = b.cohort_id
        LEFT JOIN cohort_start cs ON cs.cohort_id = b.cohort_id
        WHERE b.status = ANY(%(booked)s) AND b.confirmed_at IS NOT NULL
    ) b
    WHERE prog IS NOT NULL AND year < %(open_year)s
    ORDER BY prog, year, person_id, created_at DESC, id DESC
)
SELECT prog, year, ethnic_category, array_agg(person_id),
       SUM(('x' || substr(md5(person_id::text), 1, 12))::bit(48)::bigint)
FROM latest
GROUP BY prog, year, ethnic_category
"""


def reach_tables(*, today: date) -> tuple[dict[str, dict], list]:
    """Every programme's participants by ethnic group in each financial year ended before
    `today`, as published (the disclosure rule of `core/disclosure.equality_breakdown`), by
    snapshot key, with each table and its members to remember: one statement for all.

    A year is published once it has ended, so the week-by-week bookings of a running
    programme are never compared. A table changes after that only if the year's records do
    (history imported late, an erasure); the new one is then checked beside every one shown
    before for that year (`audit_linked` with the history), so the change cannot tell what
    the people added or removed answered."""
    group_of = {code: label for label, codes in ETHNIC_GROUPS for code in codes}
    labels = [label for label, _ in ETHNIC_GROUPS]
    counts: dict[str, dict[str, int]] = {}
    fingerprints: dict[str, int] = {}
    answers: dict[str, dict[int, str]] = {}
    open_year = financial_year(today)[0].year
    with connection.cursor() as cursor:
        cursor.execute(
            _REACH_SQL,
            {"booked": list(BOOKED), "tz": settings.TIME_ZONE, "open_year": open_year},
        )
        for programme, year, code, people, fingerprint in cursor.fetchall():
            key, label = reach_key(programme, year), group_of.get(code, "Not stated")
            by = counts.setdefault(key, {})
            by[label] = by.get(label, 0) + len(people)
            answers.setdefault(key, {}).update(dict.fromkeys(people, label))
            fingerprints[key] = (fingerprints.get(key, 0) + int(fingerprint)) % 2**63
    shown = dict(EqualitySnapshot.objects.filter(key__in=list(counts)).values_list("key", "data"))
    tables, published = {}, []
    for key, by in counts.items():
        table = equality_breakdown(
            [(label, by.get(label, 0)) for label in labels],
            members=str(fingerprints[key]),  # as disclosure.members_key
            neutral=frozenset({"Not stated"}),
        )
        if key in shown and shown[key] != table.as_dict():
            # A revision of a year already published: checked beside what was shown.
            members = frozenset(answers[key])
            table = audit_linked(
                {key: Published(members, table)},
                answers=answers[key],
                labels=labels,
                history=equality_history(prefix=key, dimension=REACH_DIMENSION),
            )[key]
        tables[key] = table.as_dict()
        published.append((key, REACH_DIMENSION, answers[key], tables[key]))
    return tables, published


def reach_published(*, programme_id: int, today: date) -> dict:
    """A programme's participants by ethnic group as published: {"years": [{"year",
    "label" ("April 2025 to March 2026"), "data", "taken_on"}] newest first, "open" (the
    label of the year not yet ended), "next_on" (the day its table is due, in words)}."""
    prefix = f"{REACH}{programme_id}:"
    years = []
    for snapshot in EqualitySnapshot.objects.filter(key__startswith=prefix):
        year = int(snapshot.key.rsplit(":", 1)[1])
        years.append(
            {
                "year": year,
                "label": _year_label(year),
                "data": snapshot.data,
                "taken_on": date_format(timezone.localdate(snapshot.taken_at), "j F Y"),
            }
        )
    years.sort(key=lambda y: -y["year"])
    start, end = financial_year(today)
    return {
        "years": years,
        "open": _year_label(start.year),
        "next_on": date_format(end + timedelta(days=1), "j F Y"),
    }


def _year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def impact(*, programme: Programme, cohort: Cohort | None = None) -> dict:
    """A programme's (or one cohort's) impact report as plain data: reach with the
    small-number rule, the paired before-and-after shift per dimension, evaluation
    ratings and approved quotes. A handful of grouped queries."""
    bookings = Booking.objects.filter(
        Q(session__programme=programme) | Q(cohort__programme=programme)
    )
    if cohort is not None:
        bookings = bookings.filter(Q(cohort=cohort) | Q(session__cohort=cohort))
    booked = bookings.filter(status__in=BOOKED, confirmed_at__isnull=False)
    entries = RegisterEntry.objects.filter(booking__in=booked)
    attended = Q(attendance=RegisterEntry.Attendance.ATTENDED)
    dna = Q(attendance=RegisterEntry.Attendance.DID_NOT_ATTEND)
    totals = booked.aggregate(bookings=Count("pk"), people=Count("person", distinct=True))
    totals.update(
        entries.aggregate(attended=Count("pk", filter=attended), dna=Count("pk", filter=dna))
    )

    def cells(counts):
        total, out = breakdown(counts)
        return {
            "total": total,
            "rows": [{"label": c.label, "count": c.count, "share": c.share} for c in out],
        }

    by_system = (
        booked.values("system__name")
        .annotate(n=Count("person", distinct=True))
        .order_by("system__name")
    )
    before = AssessmentAnswer.objects.filter(
        booking=OuterRef("booking"), dimension=OuterRef("dimension"), stage="before"
    ).values("rating")[:1]
    shifts = (
        AssessmentAnswer.objects.filter(booking__in=booked, stage="after")
        .annotate(before=Subquery(before))
        .filter(before__isnull=False)
        .values("dimension__name", "dimension__order")
        .annotate(n=Count("pk"), mean_before=Avg("before"), mean_after=Avg("rating"))
        .order_by("dimension__order", "dimension__name")
    )
    evaluations = Evaluation.objects.filter(booking__in=bookings)
    ratings = dict(
        evaluations.values("rating").annotate(n=Count("pk")).order_by().values_list("rating", "n")
    )
    return {
        "programme": programme.title,
        "cohort": cohort.name if cohort else None,
        "bookings": totals["bookings"],
        "participants": totals["people"],
        "attendances": totals["attended"],
        "did_not_attend": totals["dna"],
        "attendance_rate": totals["attended"] / (totals["attended"] + totals["dna"])
        if totals["attended"] + totals["dna"]
        else None,
        "by_system": cells([(r["system__name"] or "Not recorded", r["n"]) for r in by_system]),
        # Equality make-up only for the whole programme (a cohort's beside the programme's,
        # or its sister cohorts', would let small groups be worked out by subtraction), and
        # only for financial years that have ended, published once (`reach_published`).
        "by_ethnic_group": None
        if cohort is not None
        else reach_published(programme_id=programme.pk, today=timezone.localdate()),
        # Averages of fewer than 8 people are not shown: they would tell individuals' ratings.
        "shift": [
            {
                "dimension": r["dimension__name"],
                "n": r["n"],
                **(
                    {"before": None, "after": None, "change": None}
                    if is_small(r["n"])
                    else {
                        "before": round(float(r["mean_before"]), 2),
                        "after": round(float(r["mean_after"]), 2),
                        "change": round(float(r["mean_after"]) - float(r["mean_before"]), 2),
                    }
                ),
            }
            for r in shifts
        ],
        "ratings": {
            "count": sum(ratings.values()),
            "mean": round(sum(k * v for k, v in ratings.items()) / sum(ratings.values()), 2)
            if ratings
            else None,
            "by_rating": [{"rating": k, "count": ratings.get(k, 0)} for k in (5, 4, 3, 2, 1)],
        },
        # The same words from two people are quoted once.
        "quotes": list(
            dict.fromkeys(
                evaluations.filter(approved_for_publication=True)
                .exclude(comments="")
                .order_by("-rating", "-submitted_at")
                .values_list("comments", flat=True)[:50]
            )
        )[:10],
    }

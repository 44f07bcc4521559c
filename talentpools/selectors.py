"""Reads of talent records, filtered to what the asking user may see, and the figures."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from talentportal.core.disclosure import (
    Published,
    Table,
    audit_linked,
    breakdown,
    equality_breakdown,
    members_key,
)
from talentportal.directory.models import (
    ETHNIC_GROUPS,
    Disability,
    Profession,
    Sex,
    User,
)
from talentportal.directory.selectors import equality_history, equality_snapshot

from . import permissions
from .models import (
    Dimension,
    Nomination,
    NominationStatus,
    Pool,
    PoolMembership,
    Post,
    Rag,
    Route,
    SchemeCohort,
    SeniorPost,
    Specialism,
    Successor,
    SuccessorReadiness,
    TalentReview,
    Trainee,
    Vacancy,
    WorkforceBaseline,
)

# Access -----------------------------------------------------------------------------------


def nomination_list(*, user: User) -> QuerySet[Nomination]:
    """The team: every nomination; a talent lead: their organisation's or system's; anyone
    else: nominations of themselves."""
    qs = Nomination.objects.select_related(
        "nominee", "organisation", "system", "window", "nominated_by"
    )
    if permissions.is_team(user):
        return qs
    scope = permissions.organisation_scope(user)
    if permissions.has_role(user, "talent_lead"):
        return qs.filter(scope | Q(nominee=user))
    return qs.filter(nominee=user)


def people_in_scope(*, user: User) -> QuerySet[User]:
    """People a talent lead may nominate, review or name as successors."""
    qs = User.objects.filter(is_active=True).select_related("profile__organisation__system")
    scope = permissions.organisation_scope(user, "profile__")
    return qs if scope is None else qs.filter(scope)


def nominee_candidates(*, user: User) -> QuerySet[User]:
    """Whom a talent lead may nominate: people of the organisations and systems they lead,
    never themselves."""
    return (
        User.objects.filter(is_active=True)
        .select_related("profile__organisation")
        .filter(permissions.lead_scope(user, "profile__"))
        .exclude(pk=user.pk)
    )


def successor_candidates(*, user: User) -> QuerySet[User]:
    """Whom a person may name as a successor: people in their scope, never themselves."""
    return people_in_scope(user=user).exclude(pk=user.pk)


def review_list(*, user: User) -> QuerySet[TalentReview]:
    qs = TalentReview.objects.select_related("organisation", "system").annotate(
        people=Count("placements")
    )
    if permissions.is_team(user):
        return qs
    orgs, systems = permissions.talent_lead_scopes(user)
    return qs.filter(
        Q(organisation__in=orgs) | Q(organisation__system__in=systems) | Q(system__in=systems)
    )


def review_people(*, review: TalentReview) -> QuerySet[User]:
    """Who may be placed on a review: the people of its organisation or system."""
    qs = User.objects.filter(is_active=True).select_related("profile__organisation")
    if review.organisation_id:
        return qs.filter(profile__organisation=review.organisation_id)
    return qs.filter(profile__organisation__system=review.system_id)


def cohort_list(*, user: User) -> QuerySet[SchemeCohort]:
    return (
        SchemeCohort.objects.filter(scheme__in=permissions.managed_schemes(user))
        .prefetch_related("systems")
        .annotate(
            participant_count=Count("participants"),
            appointed=Count("participants", filter=~Q(participants__outcome="")),
        )
    )


def my_vacancies(*, user: User, today: date) -> QuerySet[Vacancy]:
    """Open vacancies in the role families of the person's current pool memberships."""
    current = PoolMembership.objects.filter(member=user, left_on__isnull=True)
    matching = Q(role_family__in=current.values("role_family"))
    # Members imported without a role family hear of every vacancy until one is recorded.
    if current.filter(role_family="").exists():
        matching = Q()
    return (
        Vacancy.objects.filter(matching, closes_on__gte=today)
        .select_related("organisation")
        .annotate(interested=Exists(user.vacancy_interests.filter(vacancy=OuterRef("pk"))))
    )


# Succession RAG ---------------------------------------------------------------------------

# Red: vacant, or nobody named as a successor. Amber: filled, but nobody ready now, or the
# incumbent likely to leave. Green: filled, at least one ready-now successor, incumbent staying.
RAG_CASE = Case(
    When(Q(incumbent="") | Q(has_successor=False), then=Value(Rag.RED)),
    When(Q(has_ready_now=False) | Q(incumbent_likely_to_leave=True), then=Value(Rag.AMBER)),
    default=Value(Rag.GREEN),
)


def with_rag(qs: QuerySet[SeniorPost]) -> QuerySet[SeniorPost]:
    successors = Successor.objects.filter(post=OuterRef("pk"))
    return qs.annotate(
        has_successor=Exists(successors),
        has_ready_now=Exists(successors.filter(readiness=SuccessorReadiness.READY_NOW)),
    ).annotate(rag=RAG_CASE)


def post_list(*, user: User) -> QuerySet[SeniorPost]:
    qs = with_rag(SeniorPost.objects.select_related("organisation__system"))
    scope = permissions.organisation_scope(user)
    return qs if scope is None else qs.filter(scope)


def succession_heatmap(*, user: User) -> dict:
    """Counts of green, amber and red posts per system × post, in one grouped query.

    Returns {"posts": [(code, label)], "rows": [{"system", "system_id", "cells": [{post,
    green, amber, red, total, worst}]}]}: the page draws each cell's mix (not only its worst
    rating) and links it to the organisations behind it."""
    grouped = (
        post_list(user=user)
        .values("organisation__system__name", "organisation__system_id", "post")
        .annotate(
            green=Count("pk", filter=Q(rag=Rag.GREEN)),
            amber=Count("pk", filter=Q(rag=Rag.AMBER)),
            red=Count("pk", filter=Q(rag=Rag.RED)),
        )
        .order_by("organisation__system__name", "post")
    )
    by_system: dict[tuple[str, int], dict[str, dict]] = {}
    for row in grouped:
        key = (row["organisation__system__name"], row["organisation__system_id"])
        by_system.setdefault(key, {})[row["post"]] = row
    rows = []
    for (system, system_id), cells in by_system.items():
        out = []
        for code, _ in Post.choices:
            c = cells.get(code, {"green": 0, "amber": 0, "red": 0})
            worst = "red" if c["red"] else "amber" if c["amber"] else "green" if c["green"] else ""
            counts = {k: c[k] for k in ("green", "amber", "red")}
            out.append(
                {"post": code, **counts, "total": sum(counts.values()), "worst": worst,
                 "bar": _mix_bar(counts),
                 "words": ", ".join(f"{counts[r]} {r}" for r in ("red", "amber", "green")
                                    if counts[r])}
            )  # fmt: skip
        rows.append({"system": system, "system_id": system_id, "cells": out})
    return {"posts": Post.choices, "rows": rows}


def _mix_bar(counts: dict[str, int]) -> list[tuple[str, float, float]]:
    """(rating, x, width) of each coloured part of a 100-wide bar, red first."""
    total = sum(counts.values())
    parts, x = [], 0.0
    for rating in ("red", "amber", "green"):
        if counts[rating]:
            width = 100 * counts[rating] / total
            parts.append((rating, round(x, 2), round(width, 2)))
            x += width
    return parts


def succession_drilldown(*, user: User, system_id: int, post: str) -> list[SeniorPost]:
    """The posts behind one heatmap cell: each organisation of the system (within the
    person's scope) with that post, its rating and successors, worst first."""
    order = Case(
        When(rag=Rag.RED, then=Value(0)), When(rag=Rag.AMBER, then=Value(1)), default=Value(2)
    )
    return list(
        post_list(user=user)
        .filter(organisation__system_id=system_id, post=post)
        .annotate(successor_count=Count("successors"), worst_first=order)
        .order_by("worst_first", "organisation__name")
    )


# Diversity of pipelines -------------------------------------------------------------------


def _ethnic_group_case():
    return Case(
        *[
            When(equality__ethnic_category__in=list(codes), then=Value(label))
            for label, codes in ETHNIC_GROUPS
        ],
        default=Value("Not stated"),
    )


SENSITIVE = {Dimension.ETHNIC_GROUP, Dimension.SEX, Dimension.DISABILITY}
NOT_STATED_LABELS = frozenset({"Not stated", Sex.NOT_STATED.label, Disability.NOT_STATED.label})


def make_up(people: QuerySet[User]) -> dict:
    """The make-up of a group of people by ethnic group, sex, disability, profession and
    system, against the workforce baseline, as it may be published: equality dimensions
    under the disclosure rule (`core/disclosure.equality_breakdown`: whole-table
    suppression, 1 to 7 hidden, perturbed and rounded counts, whole-per-cent shares),
    profession and system exactly with 1 to 7 hidden.

    One grouped query per dimension; returns plain data (kept as a snapshot):
    {"total", "dimensions": [{"label", "withheld", "cells": [{label, count, share,
    baseline}]}]}."""
    baselines: dict[str, dict[str, float]] = {}
    for b in WorkforceBaseline.objects.all():
        baselines.setdefault(b.dimension, {})[b.category] = float(b.percent) / 100
    ids = people.values("pk")
    users = User.objects.filter(pk__in=ids)
    members = members_key(users.values_list("pk", flat=True))
    specs = [
        (Dimension.ETHNIC_GROUP, _ethnic_group_case(), [label for label, _ in ETHNIC_GROUPS]),
        (Dimension.SEX, F("equality__sex"), Sex.values),
        (Dimension.DISABILITY, F("equality__disability"), Disability.values),
        (Dimension.PROFESSION, F("profile__profession"), Profession.values),
        (Dimension.SYSTEM, F("profile__organisation__system__name"), None),
    ]
    labels = {
        Dimension.SEX: dict(Sex.choices),
        Dimension.DISABILITY: dict(Disability.choices),
        Dimension.PROFESSION: dict(Profession.choices),
    }
    total = users.count()
    dimensions = []
    for dimension, expression, order in specs:
        counts = dict(
            users.annotate(category=expression)
            .values("category")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("category", "n")
        )
        # People with no answer recorded count as not stated.
        missing = total - sum(counts.values())
        not_stated = {
            Dimension.ETHNIC_GROUP: "Not stated",
            Dimension.SEX: Sex.NOT_STATED,
            Dimension.DISABILITY: Disability.NOT_STATED,
        }.get(dimension)
        if None in counts or "" in counts:
            missing += counts.pop(None, 0) + counts.pop("", 0)
        if missing:
            key = not_stated or "Not recorded"
            counts[key] = counts.get(key, 0) + missing
        if dimension in SENSITIVE:
            # Every category, empty or not: a table listing only the answers given would
            # say that nobody gave the others.
            keys = list(order) + [k for k in counts if k not in order]
        else:
            keys = [k for k in (order or sorted(counts)) if k in counts]
            keys += [k for k in counts if k not in keys]
        named = [(labels.get(dimension, {}).get(k, k), counts.get(k, 0)) for k in keys]
        if dimension in SENSITIVE:
            table = equality_breakdown(
                named,
                members=members,
                neutral=NOT_STATED_LABELS,
                baselines=baselines.get(dimension),
            )
        else:
            table = Table(*breakdown(named, baselines=baselines.get(dimension)))
        dimensions.append({"label": Dimension(dimension).label, **table.as_dict()})
    return {"total": total, "dimensions": dimensions}


# The groups whose make-up is published: the pool, every cohort and every GMTS intake,
# refreshed together as one kind of snapshot (they share people, so they are checked
# together: `core/disclosure.audit_linked`) and read back by key.
MAKE_UP = "talentpools.make_up:"
MAKE_UP_POOL = "pool"
MAKE_UP_COHORT = "cohort"
MAKE_UP_INTAKE = "intake"


def make_up_key(kind: str, group) -> str:
    """The snapshot key of one group: a pool's value, a cohort, or an intake's first day."""
    if kind == MAKE_UP_INTAKE:
        return f"{MAKE_UP}{kind}:{group:%Y-%m-%d}"
    return f"{MAKE_UP}{kind}:{getattr(group, 'pk', group)}"


def make_up_published(kind: str, group) -> dict:
    """A group's make-up as last published: {"data", "taken_on", "next_on", "period_days"}."""
    return equality_snapshot(key=make_up_key(kind, group))


def _answers(people: QuerySet[User]) -> dict[str, dict[int, str]]:
    """Each person's answer in every equality dimension, labelled as `make_up` labels it
    (for the linked check only; never published)."""
    rows = people.annotate(ethnic=_ethnic_group_case()).values_list(
        "pk", "ethnic", "equality__sex", "equality__disability"
    )
    sex, disability = dict(Sex.choices), dict(Disability.choices)
    out: dict[str, dict[int, str]] = {
        Dimension(d).label: {}
        for d in (Dimension.ETHNIC_GROUP, Dimension.SEX, Dimension.DISABILITY)
    }
    for pk, ethnic, s, d in rows:
        out[Dimension.ETHNIC_GROUP.label][pk] = ethnic
        out[Dimension.SEX.label][pk] = sex[s or Sex.NOT_STATED]
        out[Dimension.DISABILITY.label][pk] = disability[d or Disability.NOT_STATED]
    return out


def make_up_tables(*, on: date) -> tuple[dict[str, dict], list[tuple]]:
    """The make-up of the pool on a day, of every cohort and of every GMTS intake, by
    snapshot key, each equality table withheld where beside the others, and beside every
    make-up table shown before, it would let a hidden count or someone's answer be worked
    out; with each equality table and its members, to be remembered for the next check
    (as `directory.services.equality_snapshots_refresh` takes them)."""
    groups: dict[str, QuerySet[User]] = {
        make_up_key(MAKE_UP_POOL, Pool.ASPIRANT_DIRECTORS): User.objects.filter(
            pool_memberships__in=pool_members(on=on)
        )
    }
    for pk in SchemeCohort.objects.values_list("pk", flat=True):
        groups[make_up_key(MAKE_UP_COHORT, pk)] = User.objects.filter(scheme_places__cohort=pk)
    for intake in Trainee.objects.values_list("intake", flat=True).distinct().order_by():
        groups[make_up_key(MAKE_UP_INTAKE, intake)] = User.objects.filter(
            gmts_places__intake=intake
        )
    tables = {key: make_up(people) for key, people in groups.items()}
    members = {
        key: frozenset(people.values_list("pk", flat=True)) for key, people in groups.items()
    }
    history = {
        d.label: equality_history(prefix=MAKE_UP, dimension=d.label)
        for d in (Dimension.ETHNIC_GROUP, Dimension.SEX, Dimension.DISABILITY)
    }
    earlier = {p for published in history.values() for h in published for p in h.members}
    everyone = User.objects.filter(pk__in=set().union(earlier, *members.values()))
    published = []
    for label, answers in _answers(everyone).items():
        linked = audit_linked(
            {
                key: Published(members[key], Table.from_dict(_dimension(tables[key], label)))
                for key in tables
            },
            answers=answers,
            labels=[c["label"] for c in _dimension(next(iter(tables.values())), label)["cells"]],
            history=history[label],
        )
        for key, table in linked.items():
            _dimension(tables[key], label).update(table.as_dict())
            published.append((key, label, members[key], table.as_dict()))
    return tables, published


def _dimension(make_up_data: dict, label: str) -> dict:
    return next(d for d in make_up_data["dimensions"] if d["label"] == label)


def pool_members(*, on: date, pool: str = Pool.ASPIRANT_DIRECTORS) -> QuerySet[PoolMembership]:
    """Members on a day: joined on or before it and not yet left (the leaving day is the
    first day they are no longer a member)."""
    return PoolMembership.objects.filter(pool=pool, joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )


# Figures ----------------------------------------------------------------------------------


# The year in review's talent figures in one statement, one row per part: the aspirant
# director pool's movements, nominations by route and decision, EDP and HPS participants of
# cohorts running in the period, and GMTS trainees active (by specialism, host organisation
# type and system) and completing. With a region: pool, nominations and scheme places by
# the system recorded on them, trainees by their host.
_IN_REGION = "(%(region)s::int IS NULL OR {}.region_id = %(region)s::int)"
_FIGURES_SQL = f"""
SELECT * FROM (
SELECT 'pool', NULL, NULL,
    COUNT(*) FILTER (WHERE m.joined_on < %(start)s
                       AND (m.left_on IS NULL OR m.left_on >= %(start)s)),
    COUNT(*) FILTER (WHERE m.joined_on <= %(end)s AND (m.left_on IS NULL OR m.left_on > %(end)s)),
    COUNT(*) FILTER (WHERE m.joined_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE m.left_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE m.left_on BETWEEN %(start)s AND %(end)s
                       AND m.leave_reason = 'appointed')
FROM talentpools_poolmembership m
JOIN directory_integratedcaresystem ics ON ics.id = m.system_id
WHERE m.pool = %(pool)s AND {_IN_REGION.format("ics")}
UNION ALL
SELECT 'nominations', n.route, n.status, COUNT(*), 0, 0, 0, 0
FROM talentpools_nomination n JOIN directory_integratedcaresystem ics ON ics.id = n.system_id
WHERE n.submitted_on BETWEEN %(start)s AND %(end)s AND {_IN_REGION.format("ics")}
GROUP BY n.route, n.status
UNION ALL
SELECT 'scheme', c.scheme, NULL, COUNT(*),
    COUNT(*) FILTER (WHERE p.outcome = 'appointed' AND p.outcome_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE p.outcome IN ('new_role', 'promotion', 'appointed')
                       AND p.outcome_on BETWEEN %(start)s AND %(end)s), 0, 0
FROM talentpools_schemeparticipant p
JOIN talentpools_schemecohort c ON c.id = p.cohort_id
LEFT JOIN directory_integratedcaresystem ics ON ics.id = p.system_id
WHERE c.starts_on <= %(end)s AND c.ends_on >= %(start)s
  AND (p.left_on IS NULL OR p.left_on >= %(start)s) AND {_IN_REGION.format("ics")}
GROUP BY c.scheme
UNION ALL
SELECT CASE WHEN GROUPING(t.specialism) = 0 THEN 'specialism'
            WHEN GROUPING(ot.name) = 0 THEN 'organisation_type'
            WHEN GROUPING(ics.name) = 0 THEN 'system' ELSE 'active' END,
       COALESCE(t.specialism, ot.name, ics.name), NULL, COUNT(*), 0, 0, 0, 0
FROM talentpools_trainee t
JOIN directory_organisation o ON o.id = t.host_organisation_id
JOIN directory_organisationtype ot ON ot.id = o.type_id
JOIN directory_integratedcaresystem ics ON ics.id = o.system_id
WHERE t.intake <= %(end)s AND (t.completed_on IS NULL OR t.completed_on >= %(start)s)
  AND {_IN_REGION.format("ics")}
GROUP BY GROUPING SETS ((), (t.specialism), (ot.name), (ics.name))
UNION ALL
SELECT 'completed', NULL, NULL, COUNT(*), COUNT(*) FILTER (WHERE t.destination <> ''),
    COUNT(*) FILTER (WHERE t.destination = 'nhs_employment'), 0, 0
FROM talentpools_trainee t
JOIN directory_organisation o ON o.id = t.host_organisation_id
JOIN directory_integratedcaresystem ics ON ics.id = o.system_id
WHERE t.status = 'completed' AND t.completed_on BETWEEN %(start)s AND %(end)s
  AND {_IN_REGION.format("ics")}
) AS parts (part, name, status, a, b, c, d, e)
ORDER BY part, name
"""  # noqa: S608 (values are bound; only the fixed region test is formatted in)


def figures(*, start: date, end: date, region_id: int | None = None) -> dict:
    """The talent figures of the year in review for the period start..end (inclusive); with
    `region_id`, of that region's systems (pool members, nominations and scheme places by
    the system recorded on them, trainees by their host). One statement, whatever the
    number of people."""
    with connection.cursor() as cursor:
        cursor.execute(
            _FIGURES_SQL,
            {"start": start, "end": end, "region": region_id, "pool": Pool.ASPIRANT_DIRECTORS},
        )
        rows = cursor.fetchall()
    pool = next(r[3:] for r in rows if r[0] == "pool")
    grouped = {(route, status): n for part, route, status, n, *_ in rows if part == "nominations"}
    by_route = []
    for route, label in Route.choices:
        row = {"route": route, "label": label}
        for status in NominationStatus.values:
            row[status] = grouped.get((route, status), 0)
        row["received"] = sum(row[s] for s in NominationStatus.values)
        by_route.append(row)
    by_decision = {
        s: sum(n for (_, st), n in grouped.items() if st == s) for s in NominationStatus.values
    }
    schemes = {scheme: r for part, scheme, _, *r in rows if part == "scheme"}
    edp_row, hps_row = schemes.get("edp", (0, 0, 0)), schemes.get("hps", (0, 0, 0))
    edp = {"participants": edp_row[0], "appointed": edp_row[1]}
    hps = {"participants": hps_row[0], "new_role": hps_row[2]}
    hps["new_role_share"] = (hps["new_role"] / hps["participants"]) if hps["participants"] else None

    specialisms = dict(Specialism.choices)

    def by(part: str, label_of=None) -> list[dict]:
        return [
            {"name": label_of(name) if label_of else name, "trainees": n}
            for kind, name, _, n, *_ in rows
            if kind == part
        ]

    active = next((r[3] for r in rows if r[0] == "active"), 0)
    completed, destination_known, nhs = next(r[3:6] for r in rows if r[0] == "completed")
    gmts = {
        "active": active,
        "by_specialism": by("specialism", lambda v: specialisms.get(v, v)),
        "by_organisation_type": by("organisation_type"),
        "by_system": by("system"),
        "completed": completed,
        "destination_known": destination_known,
        "employed_in_nhs": nhs,
        # Of everyone who completed: an unknown destination is not counted as NHS work.
        "employed_in_nhs_share": (nhs / completed) if completed else None,
    }
    return {
        "aspirant_pool_start": pool[0],
        "aspirant_pool_end": pool[1],
        "aspirant_pool_joined": pool[2],
        "aspirant_pool_left": pool[3],
        "aspirant_pool_appointed": pool[4],
        "nominations": {
            "received": sum(by_decision.values()),
            "by_route": by_route,
            "by_decision": by_decision,
        },
        "edp": edp,
        "hps": hps,
        "gmts": gmts,
    }

"""Who can be matched with whom, how well, and why: the shortlist and the cohort assignment.

Hard rules (never broken): an approved practitioner of the right kind, open, with
supervision in the last 12 months, with a free place, and never from the client's own
organisation. Within those, a score with its reasons in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, prefetch_related_objects
from scipy.optimize import linear_sum_assignment

from talentportal.directory.models import Profile

from .models import (
    Application,
    ApprovalStatus,
    DevelopmentRecord,
    Kind,
    Mode,
    Practitioner,
    Relationship,
)


@dataclass
class Candidate:
    practitioner: Practitioner
    score: int
    reasons: list[str] = field(default_factory=list)
    # The applicant's themes this practitioner works with, by name (the shortlist shows them).
    matched_themes: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


def supervision_cutoff(today: date) -> date:
    """Supervision on or after this day is current."""
    return today - relativedelta(months=settings.COACHING_SUPERVISION_MONTHS)


def available_practitioners(*, kind: str, today: date) -> QuerySet:
    """Practitioners who can take a new client of `kind` today, with `free` places annotated."""
    current_supervision = DevelopmentRecord.objects.filter(
        practitioner=OuterRef("pk"),
        type=DevelopmentRecord.Type.SUPERVISION,
        held_on__gte=supervision_cutoff(today),
        held_on__lte=today,
    )
    offers = Q(coaches=True) if kind == Kind.COACHING else Q(mentors=True)
    return (
        Practitioner.objects.filter(offers, status=ApprovalStatus.APPROVED, is_open=True)
        .filter(Exists(current_supervision))
        .annotate(
            open_count=Count("relationships", filter=Q(relationships__status__in=Relationship.OPEN))
        )
        .annotate(free=F("capacity") - F("open_count"))
        .filter(free__gt=0)
        .select_related("user__profile__organisation__system", "user__profile__organisation__type")
        .prefetch_related("themes", "sectors", "qualifications")
    )


def _score(application: Application, themes: set[int], client: Profile | None, p: Practitioner):
    """(score, reasons) for a practitioner, or None when a hard rule forbids the pair."""
    p_profile = getattr(p.user, "profile", None)
    p_org = p_profile.organisation if p_profile else None
    c_org = client.organisation if client else None
    if p.user_id == application.client_id:
        return None
    if p_org is None or c_org is None or p_org.pk == c_org.pk:
        return None  # never from the client's own organisation (nor when we cannot tell)
    score, reasons = 0, []
    shared = themes & {t.pk for t in p.themes.all()}
    if shared:
        score += 3 * len(shared)
        reasons.append(f"shares {len(shared)} of your themes")
    if application.mode and application.mode in p.modes:
        score += 2
        reasons.append(f"offers {Mode(application.mode).label.lower()}")
    if application.language and application.language.lower() in {
        lang.lower() for lang in p.languages
    }:
        score += 2
        reasons.append(f"speaks {application.language}")
    if c_org and p_org:
        if p_org.system_id != c_org.system_id:
            if application.prefers_other_system:
                score += 3
            reasons.append(f"from another system ({p_org.system})")
        elif not application.prefers_other_system:
            score += 1
            reasons.append("in your system")
        if c_org.type_id in {s.pk for s in p.sectors.all()}:
            score += 1
            reasons.append(f"knows {c_org.type.name.lower()}")
    reasons.append("different organisation")
    return score, reasons


def shortlist(*, application: Application, today: date, size: int | None = None) -> list[Candidate]:
    """The best available practitioners for an approved application, best first."""
    size = size or settings.COACHING_SHORTLIST_SIZE
    client = (
        Profile.objects.select_related("organisation__system", "organisation__type")
        .filter(user_id=application.client_id)
        .first()
    )
    themes = {t.pk for t in application.themes.all()}
    declined = set(
        Relationship.objects.filter(
            application=application, status=Relationship.Status.DECLINED
        ).values_list("practitioner_id", flat=True)
    )
    candidates = []
    for p in available_practitioners(kind=application.kind, today=today):
        if p.pk in declined:
            continue
        scored = _score(application, themes, client, p)
        if scored is None:
            continue
        score, reasons = scored
        if p.free > 1:
            reasons.append(f"{p.free} places free")
        matched = [t.name for t in p.themes.all() if t.pk in themes]
        candidates.append(Candidate(p, score, reasons, matched))
    candidates.sort(key=lambda c: (-c.score, -c.practitioner.free, c.practitioner.user.last_name))
    return candidates[:size]


FORBIDDEN = 10**6


def cohort_assignment(
    *, applications: list[Application], kind: str, today: date
) -> list[tuple[Application, Candidate | None]]:
    """One optimal assignment of a whole cohort: the largest number of clients matched,
    and among those the greatest total score, within every practitioner's free places.

    Solved as a rectangular assignment problem (Hungarian algorithm, scipy's
    linear_sum_assignment) over practitioner *slots*: a practitioner with three free
    places is three columns. Forbidden pairs cost more than any feasible assignment."""
    prefetch_related_objects(applications, "themes")  # one query, not one per client
    practitioners = list(available_practitioners(kind=kind, today=today))
    slots = [p for p in practitioners for _ in range(max(p.free, 0))]
    if not applications or not slots:
        return [(a, None) for a in applications]
    profiles = {
        p.user_id: p
        for p in Profile.objects.select_related(
            "organisation__system", "organisation__type"
        ).filter(user_id__in=[a.client_id for a in applications])
    }
    scored: dict[tuple[int, int], tuple[int, list[str]]] = {}
    max_score = 1
    for a in applications:
        themes = {t.pk for t in a.themes.all()}
        for p in practitioners:
            result = _score(a, themes, profiles.get(a.client_id), p)
            if result is not None:
                scored[(a.pk, p.pk)] = result
                max_score = max(max_score, result[0])
    # Matching someone always beats leaving them out: every feasible pair is worth a bonus
    # larger than any difference in score.
    bonus = (max_score + 1) * (len(applications) + 1)
    cost = np.full((len(applications), len(slots)), FORBIDDEN, dtype=np.int64)
    for i, a in enumerate(applications):
        for j, p in enumerate(slots):
            if (a.pk, p.pk) in scored:
                cost[i, j] = -(bonus + scored[(a.pk, p.pk)][0])
    rows, cols = linear_sum_assignment(cost)
    chosen = {}
    for i, j in zip(rows, cols, strict=True):
        if cost[i, j] < FORBIDDEN:
            a, p = applications[i], slots[j]
            score, reasons = scored[(a.pk, p.pk)]
            chosen[a.pk] = Candidate(p, score, reasons)
    return [(a, chosen.get(a.pk)) for a in applications]

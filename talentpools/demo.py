"""Demo data for talent pools: a pool with past members, an open nomination window with
nominations from both demo talent leads, vacancies, EDP, HPS and GMTS cohorts, nine-box
reviews, succession plans and a workforce baseline. Dates follow today's date, so the
nomination window is open whenever the demo is loaded."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from talentportal.directory.models import IntegratedCareSystem, Organisation, Profile, User

from .models import (
    BidReview,
    CareerConversation,
    Destination,
    Dimension,
    LeaveReason,
    Milestone,
    NineBoxPlacement,
    Nomination,
    NominationStatus,
    NominationWindow,
    Outcome,
    ParticipantStatus,
    PlacementBid,
    PoolMembership,
    Post,
    Readiness,
    RoleFamily,
    Route,
    SchemeCohort,
    SchemeParticipant,
    SeniorPost,
    Specialism,
    Successor,
    SuccessorReadiness,
    TalentReview,
    Trainee,
    TraineePlacement,
    TraineeStatus,
    Vacancy,
    WorkforceBaseline,
)
from .services import scheme_place_system

BASELINE = {
    Dimension.ETHNIC_GROUP: {
        "White": 71.0, "Mixed": 2.0, "Asian or Asian British": 14.0,
        "Black or Black British": 8.0, "Other ethnic group": 2.0, "Not stated": 3.0,
    },
    Dimension.SEX: {"Female": 77.0, "Male": 23.0},
    Dimension.DISABILITY: {"Yes": 4.5, "No": 80.0, "Prefer not to say": 15.5},
}  # fmt: skip
SOURCE = "NHS workforce statistics, Midlands, March 2026 (entered by the talent team)"


def load(context: dict) -> None:
    rng = context["rng"]
    today = timezone.localdate()
    organisation_of = {
        p.user_id: p.organisation for p in Profile.objects.select_related("organisation")
    }

    def _org_of(user: User) -> Organisation | None:
        return organisation_of.get(user.pk)

    # Staff with an organisation on their profile (a few demo people have none).
    staff: list[User] = [p for p in context["people"] if _org_of(p) is not None]
    people = list(staff)
    logins = {u.email.split("@")[0]: u for u in context["logins"]}
    team = logins["admin"]
    tom, sam = logins["talentlead"], logins["systemlead"]
    uhb = Organisation.objects.get(name="University Hospitals Birmingham NHS Foundation Trust")
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    families = [f for f in RoleFamily.values if f != RoleFamily.OTHER]

    for dimension, values in BASELINE.items():
        for category, percent in values.items():
            WorkforceBaseline.objects.create(
                dimension=dimension, category=category, percent=percent, source=SOURCE
            )

    # Past members, joined over the last three years; some appointed, some withdrew.
    rng.shuffle(people)
    pool_people, people = people[:36], people[36:]
    for n, person in enumerate(pool_people):
        joined = today - timedelta(days=rng.randint(60, 1100))
        left = reason = None
        if n % 4 == 0:
            left = min(today, joined + timedelta(days=rng.randint(120, 600)))
            reason = LeaveReason.APPOINTED if n % 8 == 0 else LeaveReason.WITHDREW
        membership = PoolMembership.objects.create(
            member=person,
            route=Route.SELF if n % 3 == 0 else Route.NOMINATED,
            organisation=_org_of(person),
            system=_org_of(person).system,
            role_family=rng.choice(families),
            readiness=rng.choice(Readiness.values),
            joined_on=joined,
            left_on=left,
            leave_reason=reason or "",
        )
        if n % 5 == 0:
            CareerConversation.objects.create(
                membership=membership, held_on=joined + timedelta(days=45),
                held_with="Talent team", logged_by=team,
                summary="Talked through next steps, board exposure and a stretch project.",
            )  # fmt: skip

    # The demo participant is a current member looking for a nursing director role.
    pat = logins["participant"]
    PoolMembership.objects.create(
        member=pat, route=Route.NOMINATED, organisation=_org_of(pat),
        system=_org_of(pat).system, role_family=RoleFamily.NURSING,
        readiness=Readiness.READY_NOW, joined_on=today - timedelta(days=200),
    )  # fmt: skip

    previous = NominationWindow.objects.create(
        name=f"{today.year - 1} nominations",
        opens_on=today - timedelta(days=420),
        closes_on=today - timedelta(days=380),
    )
    window = NominationWindow.objects.create(
        name=f"{today.year} nominations",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
    )
    in_uhb = [p for p in people if _org_of(p).pk == uhb.pk]
    in_bc = [p for p in people if _org_of(p).system_id == black_country.pk]
    others = [p for p in people if p not in in_uhb and p not in in_bc]
    statuses = [NominationStatus.ACCEPTED, NominationStatus.NOT_YET, NominationStatus.DECLINED]
    candidates = (
        [(p, tom, Route.NOMINATED) for p in in_uhb[:5]]
        + [(p, sam, Route.NOMINATED) for p in in_bc[:8]]
        + [(p, p, Route.SELF) for p in others[:8]]
    )
    for n, (person, nominator, route) in enumerate(candidates):
        past = n % 3 == 0
        decided = past  # the team decides once a window has closed
        submitted = (
            previous.opens_on + timedelta(days=5) if past else window.opens_on + timedelta(days=n)
        )
        status = statuses[n % 3] if decided else NominationStatus.SUBMITTED
        nomination = Nomination.objects.create(
            window=previous if past else window, nominee=person, route=route,
            nominated_by=nominator, organisation=_org_of(person),
            system=_org_of(person).system, role_family=rng.choice(families),
            readiness=rng.choice(Readiness.values),
            evidence="Leads a large service through change; acts up at board level.",
            sponsor_name=rng.choice(["Dr Helen Ward", "Mark Evans", "Ruth Singh"]),
            sponsor_job_title="Chief Executive", sponsor_endorsed=True, status=status,
            feedback="Build finance experience first." if status == "not_yet" else "",
            decided_by=team if decided else None,
            decided_on=submitted + timedelta(days=40) if decided else None,
            submitted_on=submitted,
        )  # fmt: skip
        if status == NominationStatus.ACCEPTED:
            PoolMembership.objects.create(
                member=person, route=route, nomination=nomination,
                organisation=nomination.organisation, system=nomination.system,
                role_family=nomination.role_family, readiness=nomination.readiness,
                joined_on=nomination.decided_on,
            )  # fmt: skip
    nominated = {c[0] for c in candidates}
    people = [p for p in people if p not in nominated]

    organisations = list(Organisation.objects.filter(type__code__endswith="_trust")) or list(
        Organisation.objects.all()
    )
    for family, title in [
        (RoleFamily.NURSING, "Chief Nurse"),
        (RoleFamily.FINANCE, "Director of Finance"),
        (RoleFamily.OPERATIONS, "Chief Operating Officer"),
    ]:
        Vacancy.objects.create(
            title=title, role_family=family, organisation=rng.choice(organisations),
            description="A substantive board role. Informal conversations welcome.",
            closes_on=today + timedelta(days=rng.randint(14, 40)),
            posted_on=today - timedelta(days=3), posted_by=team,
        )  # fmt: skip

    # EDP and HPS cohorts.
    edp = SchemeCohort.objects.create(
        scheme="edp", name="Cohort 4", starts_on=today - timedelta(days=400),
        ends_on=today + timedelta(days=150),
    )  # fmt: skip
    hps = SchemeCohort.objects.create(
        scheme="hps", name="Black Country and Birmingham 2025", starts_on=date(2025, 4, 1),
        ends_on=date(2027, 3, 31),
    )  # fmt: skip
    hps.systems.set(
        IntegratedCareSystem.objects.filter(name__in=["Black Country", "Birmingham and Solihull"])
    )
    for n, person in enumerate(people[:12]):
        outcome = Outcome.APPOINTED if n < 3 else ""
        p = SchemeParticipant.objects.create(
            cohort=edp, person=person, system=scheme_place_system(person=person),
            target_role=rng.choice(families),
            outcome=outcome, outcome_on=today - timedelta(days=30 * n + 10) if outcome else None,
            outcome_role="Director of Nursing" if outcome else "",
            outcome_organisation=str(rng.choice(organisations)) if outcome else "",
        )  # fmt: skip
        Milestone.objects.create(
            participant=p, title="Board shadowing", due_on=edp.starts_on + timedelta(days=120),
            completed_on=edp.starts_on + timedelta(days=110),
        )  # fmt: skip
        Milestone.objects.create(
            participant=p, title="360-degree feedback", due_on=today + timedelta(days=60)
        )
    for n, person in enumerate(people[12:22]):
        outcome = [Outcome.NEW_ROLE, Outcome.PROMOTION, ""][n % 3]
        SchemeParticipant.objects.create(
            cohort=hps, person=person, system=scheme_place_system(person=person),
            coach=f"Coach {n + 1}", mentor=f"Mentor {n + 1}",
            sponsor="Director of Workforce", action_learning_facilitator="Jo Bennett",
            status=ParticipantStatus.WITHDREW if n == 9 else ParticipantStatus.ACTIVE,
            left_on=today - timedelta(days=90) if n == 9 else None,
            outcome=outcome, outcome_on=today - timedelta(days=20 * n + 5) if outcome else None,
        )  # fmt: skip

    # GMTS intakes, one a year, with placements; the oldest has completed.
    specialisms = Specialism.values
    trainees = people[22:62]
    for n, person in enumerate(trainees):
        year = 2023 + n % 4
        intake = date(year, 9, 1)
        if intake > today:
            intake = date(year - 1, 9, 1)
        finished = intake <= today - timedelta(days=800)
        host = rng.choice(organisations)
        trainee = Trainee.objects.create(
            person=person, intake=intake, specialism=specialisms[n % 4], host_organisation=host,
            support_manager="Ade Okafor",
            status=TraineeStatus.COMPLETED if finished else TraineeStatus.IN_TRAINING,
            completed_on=intake + timedelta(days=730) if finished else None,
            destination=(Destination.NHS if n % 5 else Destination.OTHER) if finished else "",
        )  # fmt: skip
        TraineePlacement.objects.create(
            trainee=trainee, organisation=host, starts_on=intake,
            ends_on=intake + timedelta(days=364), manager="Placement manager",
        )  # fmt: skip
        TraineePlacement.objects.create(
            trainee=trainee, organisation=rng.choice(organisations),
            starts_on=intake + timedelta(days=365), ends_on=intake + timedelta(days=729),
            manager="Placement manager", is_flexi=n % 6 == 0,
        )  # fmt: skip
    next_intake = date(today.year + (1 if today.month >= 9 else 0), 9, 1)
    for n, org in enumerate(rng.sample(organisations, min(5, len(organisations)))):
        review = [BidReview.PENDING, BidReview.APPROVED, BidReview.CONDITIONS][n % 3]
        PlacementBid.objects.create(
            organisation=org, intake=next_intake, specialism=specialisms[n % 4],
            places=1 + n % 3, placement_manager="Head of Service",
            offer="Operational management of a clinical division, with a senior mentor.",
            submitted_on=today - timedelta(days=20),
            review=review, reviewed_by=team if review != "pending" else None,
            reviewed_on=today - timedelta(days=5) if review != "pending" else None,
        )  # fmt: skip

    # Nine-box reviews: the organisation lead's and the system lead's.
    now = timezone.make_aware(datetime.combine(today - timedelta(days=10), time(10)))
    for review, lead, reviewed in (
        (
            TalentReview.objects.create(
                name="Autumn talent review", organisation=uhb, held_on=today - timedelta(days=10),
                created_by=tom,
            ),
            tom,
            [p for p in staff if _org_of(p).pk == uhb.pk][:10],
        ),
        (
            TalentReview.objects.create(
                name="System talent board", system=black_country,
                held_on=today - timedelta(days=10), created_by=sam,
            ),
            sam,
            [p for p in staff if _org_of(p).system_id == black_country.pk][:12],
        ),
    ):  # fmt: skip
        for person in reviewed:
            NineBoxPlacement.objects.create(
                review=review, person=person, performance=rng.randint(1, 3),
                potential=rng.randint(1, 3), placed_by=lead, placed_at=now,
            )  # fmt: skip

    # Succession plans for the organisations of both demo leads' scopes and a few more.
    planned = list(Organisation.objects.filter(system=black_country)) + [uhb]
    planned += rng.sample(organisations, min(6, len(organisations)))
    staff_by_system: dict[int, list[User]] = {}
    for p in staff:
        staff_by_system.setdefault(_org_of(p).system_id, []).append(p)
    for org in dict.fromkeys(planned):
        for code in Post.values:
            roll = rng.random()
            post = SeniorPost.objects.create(
                organisation=org, post=code,
                incumbent="" if roll < 0.1 else rng.choice(["A. Patel", "J. Smith", "K. Osei"]),
                incumbent_likely_to_leave=0.1 <= roll < 0.25,
            )  # fmt: skip
            pool = staff_by_system.get(org.system_id, [])
            for person in rng.sample(pool, min(len(pool), rng.choice([0, 1, 1, 2]))):
                Successor.objects.create(
                    post=post, person=person, readiness=rng.choice(SuccessorReadiness.values)
                )

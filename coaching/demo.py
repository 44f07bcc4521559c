"""Demo data for CoachNet and MentorNet: practitioners with supervision, clients and a
year of relationships with logged sessions, anchored on the 2026/27 financial year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from talentportal.directory.models import Role, User
from talentportal.directory.services import role_grant

from .models import (
    Application,
    ApprovalStatus,
    DevelopmentRecord,
    Kind,
    LoggedSession,
    Practitioner,
    Qualification,
    Relationship,
    Theme,
)

YEAR_START = date(2026, 4, 1)
TODAY = date(2026, 11, 20)


def load(context: dict) -> None:
    rng = context["rng"]
    people: list[User] = list(context["people"])
    themes = list(Theme.objects.all())
    demo_coach = User.objects.get(email__startswith="coach@")
    demo_mentor = User.objects.get(email__startswith="mentor@")
    practitioners = []
    pool = [demo_coach, demo_mentor, *rng.sample(people, min(14, len(people) // 2))]
    for n, user in enumerate(pool):
        coaches = user is demo_coach or (user is not demo_mentor and n % 3 != 0)
        mentors = user is demo_mentor or n % 2 == 0
        coaches = coaches or not mentors
        p = Practitioner.objects.create(
            user=user,
            coaches=coaches,
            mentors=mentors,
            modes=rng.sample(["video", "phone", "in_person"], rng.randint(1, 3)),
            languages=["English"] + (["Punjabi"] if n % 5 == 0 else []),
            capacity=rng.randint(2, 4),
            experience="Experienced leader and accredited practitioner.",
            biography=f"{user.first_name} has supported colleagues across the Midlands for years.",
            status=ApprovalStatus.APPROVED if n < 14 else ApprovalStatus.SUBMITTED,
            submitted_on=YEAR_START - timedelta(days=rng.randint(30, 400)),
            approved_on=(YEAR_START + timedelta(days=rng.randint(-200, 150))) if n < 14 else None,
        )
        p.themes.set(rng.sample(themes, 3))
        Qualification.objects.create(
            practitioner=p, body=rng.choice(["EMCC", "ICF", "ILM", "AoEC"]),
            level=rng.choice(["Level 7", "Senior Practitioner", "Associate"]),
            awarded_on=date(2018 + n % 6, 5, 1),
        )  # fmt: skip
        # Most are supervised recently; one has lapsed and one is due soon.
        supervised = TODAY - timedelta(
            days=400 if n == 3 else (345 if n == 4 else rng.randint(20, 200))
        )
        DevelopmentRecord.objects.create(
            practitioner=p, type="supervision", held_on=supervised, hours=Decimal("1.5")
        )
        DevelopmentRecord.objects.create(
            practitioner=p, type="cpd", held_on=TODAY - timedelta(days=rng.randint(10, 300)),
            hours=Decimal("3"), description="Coaching supervision skills workshop",
        )  # fmt: skip
        if p.status == ApprovalStatus.APPROVED:
            if coaches:
                role_grant(user=user, role=Role.COACH)
            if mentors:
                role_grant(user=user, role=Role.MENTOR)
            practitioners.append(p)

    participant = User.objects.get(email__startswith="participant@")
    clients = [u for u in people if u not in pool][:60]
    for n, client in enumerate(clients):
        kind = Kind.COACHING if n % 3 else Kind.MENTORING
        submitted = YEAR_START + timedelta(days=rng.randint(-60, 220))
        approved = n % 10 != 0
        application = Application.objects.create(
            client=client, kind=kind, goals="Build confidence as a new senior leader.",
            mode=rng.choice(["video", "phone", ""]), line_manager_agrees=True,
            status=ApprovalStatus.APPROVED if approved else ApprovalStatus.SUBMITTED,
            submitted_on=submitted, approved_on=submitted + timedelta(days=7) if approved else None,
        )  # fmt: skip
        application.themes.set(rng.sample(themes, 2))
        if not approved or n % 7 == 0:
            continue  # waiting for approval, or approved and still choosing
        choices = [p for p in practitioners if p.offers(kind) and p.user_id != client.pk]
        p = rng.choice(choices)
        started = application.approved_on + timedelta(days=rng.randint(3, 20))
        if started > TODAY:
            continue
        ended = started + timedelta(days=rng.randint(90, 240))
        finished = ended <= TODAY
        status = (
            (Relationship.Status.COMPLETED if n % 6 else Relationship.Status.WITHDRAWN)
            if finished
            else Relationship.Status.ACTIVE
        )
        rel = Relationship.objects.create(
            kind=kind, practitioner=p, client=client, application=application, status=status,
            requested_on=started - timedelta(days=2), respond_by=started + timedelta(days=5),
            started_on=started, ended_on=ended if finished else None, agreed_sessions=6,
            goals=application.goals, last_activity_on=min(ended, TODAY),
        )  # fmt: skip
        day = started + timedelta(days=7)
        while day <= min(ended, TODAY) and rng.random() < 0.85:
            LoggedSession.objects.create(
                relationship=rel, held_on=day, hours=Decimal(rng.choice(["1", "1", "1.5", "0.75"])),
                mode=rng.choice(p.modes), confirmed_by_client=rng.random() < 0.7,
            )  # fmt: skip
            day += timedelta(days=rng.randint(14, 35))
    # The demo participant has an approved coaching application to choose from.
    application = Application.objects.create(
        client=participant, kind=Kind.COACHING, goals="Prepare for an 8a role.", mode="video",
        line_manager_agrees=True, status=ApprovalStatus.APPROVED,
        submitted_on=TODAY - timedelta(days=14), approved_on=TODAY - timedelta(days=7),
    )  # fmt: skip
    application.themes.set(themes[:2])

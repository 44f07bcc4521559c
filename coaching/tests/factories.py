from datetime import date, timedelta

from coaching.models import (
    Application,
    ApprovalStatus,
    DevelopmentRecord,
    Practitioner,
    Theme,
)

TODAY = date(2026, 11, 20)


def practitioner(user, *, coaches=True, mentors=False, capacity=2, themes=(), modes=("video",),
                 languages=(), approved=True, supervised_on=TODAY - timedelta(days=30), **fields):  # fmt: skip
    p = Practitioner.objects.create(
        user=user,
        coaches=coaches,
        mentors=mentors,
        capacity=capacity,
        modes=list(modes),
        languages=list(languages),
        submitted_on=TODAY - timedelta(days=90),
        status=ApprovalStatus.APPROVED if approved else ApprovalStatus.SUBMITTED,
        approved_on=TODAY - timedelta(days=60) if approved else None,
        **fields,
    )
    p.themes.set(Theme.objects.filter(name__in=themes))
    if supervised_on:
        DevelopmentRecord.objects.create(
            practitioner=p, type=DevelopmentRecord.Type.SUPERVISION, held_on=supervised_on
        )
    return p


def application(client, *, kind="coaching", themes=(), mode="video", approved=True, **fields):
    a = Application.objects.create(
        client=client,
        kind=kind,
        goals="Grow into a senior role",
        mode=mode,
        line_manager_agrees=True,
        submitted_on=TODAY - timedelta(days=10),
        status=ApprovalStatus.APPROVED if approved else ApprovalStatus.SUBMITTED,
        approved_on=TODAY - timedelta(days=5) if approved else None,
        **fields,
    )
    a.themes.set(Theme.objects.filter(name__in=themes))
    return a

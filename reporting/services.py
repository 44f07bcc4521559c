"""Every write of the year in review: the team's words, entered figures, and PDF builds."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import Region, User

from .models import EnteredFigure, ReportFile, YearInReview

logger = logging.getLogger(__name__)

NARRATIVE_FIELDS = [
    "title", "foreword_chair", "foreword_director", "executive_summary",
    *[name for name, _ in YearInReview.THEMES], "team", "looking_ahead", "bame_baseline",
    "clinical_baseline",
]  # fmt: skip


def review_ensure(*, year: int, region: Region) -> YearInReview:
    review, _ = YearInReview.objects.get_or_create(year=year, region=region)
    return review


@transaction.atomic
def review_update(*, review: YearInReview, **fields) -> YearInReview:
    unknown = set(fields) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown parts of the review: {', '.join(sorted(unknown))}.")
    review = YearInReview.objects.select_for_update().get(pk=review.pk)
    for name, value in fields.items():
        setattr(review, name, value.strip() if isinstance(value, str) else value)
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def entered_figure_set(*, review: YearInReview, name: str, value, source: str) -> EnteredFigure:
    name, source = name.strip(), source.strip()
    if not source:
        raise ApplicationError("Say where the figure comes from.")
    figure, _ = EnteredFigure.objects.update_or_create(
        review=review, name=name, defaults={"value": value, "source": source}
    )
    figure.full_clean()
    return figure


@transaction.atomic
def entered_figure_remove(*, figure: EnteredFigure) -> None:
    figure.delete()


def _dispatch(file_id: int) -> None:
    from .tasks import report_render_task

    try:
        report_render_task.delay(file_id)
    except Exception as exc:  # the broker is down: the sweep queues it again
        logger.warning("could not queue report %s (%s); the sweep will retry", file_id, exc)


def pdf_request(
    *,
    user: User,
    now: datetime,
    review: YearInReview | None = None,
    programme=None,
    cohort=None,
) -> ReportFile:
    """Ask Celery for a PDF of a year in review, or of a programme's (or cohort's) impact
    report; while one of the same is queued or rendering, that one is returned instead of
    starting a duplicate."""
    kind = ReportFile.Kind.YEAR_IN_REVIEW if review is not None else ReportFile.Kind.IMPACT
    subject = {"kind": kind, "review": review, "programme": programme, "cohort": cohort}
    in_progress = ReportFile.objects.filter(**subject, status__in=["queued", "rendering"])
    existing = in_progress.first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            report = ReportFile.objects.create(**subject, requested_by=user, requested_at=now)
            transaction.on_commit(lambda: _dispatch(report.pk))
    except IntegrityError:  # someone asked at the same moment: theirs is the one
        return in_progress.first() or review_latest(**subject)
    return report


def review_latest(**subject) -> ReportFile | None:
    return ReportFile.objects.filter(**subject).order_by("-requested_at", "-id").first()


def pdf_render(*, file_id: int, now_func) -> ReportFile | None:
    """Build one PDF: queued → rendering → ready (or failed, with the reason).

    Idempotent: a file that is no longer queued is left alone, so a redelivered task
    does nothing."""
    from . import pdf, selectors

    with transaction.atomic():
        report = ReportFile.objects.select_for_update(skip_locked=True).filter(pk=file_id).first()
        if report is None or report.status != ReportFile.Status.QUEUED:
            return report
        report.status = ReportFile.Status.RENDERING
        report.started_at = now_func()
        report.save(update_fields=["status", "started_at"])
    try:
        if report.kind == ReportFile.Kind.IMPACT:
            snapshot = selectors.impact_snapshot(programme=report.programme, cohort=report.cohort)
        else:
            snapshot = selectors.review_snapshot(review=report.review)
        content, pages = pdf.render(snapshot)
        with transaction.atomic():
            report = ReportFile.objects.select_for_update().get(pk=file_id)
            report.pdf.save(report.filename, ContentFile(content), save=False)
            report.snapshot = snapshot
            report.pages = pages
            report.status = ReportFile.Status.READY
            report.finished_at = now_func()
            report.save()
    except Exception as exc:  # any failure is shown to the team, who can retry
        logger.exception("report %s failed", file_id)
        ReportFile.objects.filter(pk=file_id).update(
            status=ReportFile.Status.FAILED,
            finished_at=now_func(),
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        return ReportFile.objects.get(pk=file_id)
    return report


def pdf_sweep(*, now: datetime) -> dict:
    """Queue again builds whose dispatch was lost (Redis down); fail builds whose worker
    died mid-render, or that no worker picked up within 15 minutes, so the team can retry."""
    stale = ReportFile.objects.filter(
        status=ReportFile.Status.RENDERING, started_at__lt=now - timedelta(minutes=6)
    ).update(
        status=ReportFile.Status.FAILED,
        finished_at=now,
        error="The build stopped before finishing (the report builder was interrupted).",
    )
    stale += ReportFile.objects.filter(
        status=ReportFile.Status.QUEUED, requested_at__lt=now - timedelta(minutes=15)
    ).update(
        status=ReportFile.Status.FAILED,
        finished_at=now,
        error="No report builder picked the request up within 15 minutes.",
    )
    queued = list(
        ReportFile.objects.filter(
            status=ReportFile.Status.QUEUED, requested_at__lt=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )
    for pk in queued:
        _dispatch(pk)
    return {"requeued": len(queued), "failed": stale}

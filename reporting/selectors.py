"""The year in review's figures: one source of truth for the page, JSON, CSV and PDF.

Each capability computes its own figures in grouped queries (programmes, coaching and
talentpools selectors); this module gathers them under the keys the report team's
tools read, names what the queries return by id, and adds the team's baselines and
entered figures."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from coaching.selectors import figures_by_kind as coaching_figures
from programmes.models import AssessmentDimension, Programme, Workstream
from programmes.selectors import approved_quotes, impact, intervention_figures
from talentpools.selectors import figures as talent_figures
from talentportal.core.disclosure import equality_share
from talentportal.core.periods import financial_year_instants, financial_year_of
from talentportal.core.tables import spreadsheet_safe
from talentportal.directory.models import IntegratedCareSystem, Region

from . import summaries
from .models import YearInReview

COACHING_KEYS = (
    "practitioners_approved", "clients_approved", "relationships_commenced",
    "relationships_active", "relationships_completed", "hours_logged", "sessions_logged",
    "clients_with_sessions",
)  # fmt: skip


TALENT_KEYS = ("aspirant_pool_start", "aspirant_pool_end", "nominations", "edp", "hps", "gmts")


def default_region() -> Region:
    return Region.objects.get(name=settings.PORTAL_REGION)


def review_for(*, year: int, region: Region) -> YearInReview | None:
    return YearInReview.objects.filter(year=year, region=region).first()


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share(part: int, whole: int) -> float | None:
    """A share as published: a whole per cent, as a 0–1 fraction."""
    return round(part / whole, 2) if whole else None


def _baseline(value: Decimal | None) -> float | None:
    return None if value is None else float(value) / 100


def interventions(
    *, year: int, region: Region | None, review: YearInReview | None, recount: bool = False
) -> dict:
    """The interventions section: from the summary tables, or with `recount` straight from
    the bookings (the same figures, which tests check; the summary is what scales)."""
    region_id = region.pk if region else None
    if recount:
        start, end = financial_year_instants(year)
        raw = intervention_figures(start=start, end=end, region_id=region_id)
        # Erased people's answers are gone from their bookings; their reach was kept.
        erased = summaries.erased_reach(year=year, region_id=region_id)
        if raw["total"] is not None and any(erased.values()):
            raw["total"] = {**raw["total"], **{k: raw["total"][k] + n for k, n in erased.items()}}
    else:
        raw = summaries.intervention_figures(year=year, region_id=region_id)
    empty = {"bookings": 0, "cancellations": 0, "attendances": 0, "did_not_attend": 0,
             "bame": 0, "ethnicity_stated": 0, "clinical": 0, "staff_group_stated": 0}  # fmt: skip
    total = raw["total"] or empty
    by_workstream = []
    for ws in Workstream.objects.order_by("name"):
        row = raw["by_workstream"].get(ws.pk, empty)
        delivered = raw["sessions_by_workstream"].get(ws.pk, 0)
        by_workstream.append(
            {
                "workstream": ws.name,
                "sessions_delivered": delivered,
                "bookings": row["bookings"],
                "attendances": row["attendances"],
                "average_attendance": round(row["attendances"] / delivered, 2)
                if delivered
                else None,
            }
        )
    systems = {s.pk: s.name for s in IntegratedCareSystem.objects.all()}
    in_scope = (
        IntegratedCareSystem.objects.filter(region=region).values_list("pk", flat=True)
        if region
        else systems
    )
    shown = set(raw["by_system"]) | set(in_scope)
    by_system = sorted(
        (
            {
                "system": systems.get(pk, "Not recorded"),
                "attendances": raw["by_system"].get(pk, empty)["attendances"],
                "did_not_attend": raw["by_system"].get(pk, empty)["did_not_attend"],
            }
            for pk in shown
        ),
        key=lambda r: (r["system"] == "Not recorded", r["system"]),
    )
    return {
        "sessions_delivered": raw["sessions"],
        "bookings": total["bookings"],
        "attendances": total["attendances"],
        "did_not_attend": total["did_not_attend"],
        "cancellations": total["cancellations"],
        "attendance_rate": _ratio(total["attendances"], total["bookings"]),
        "by_workstream": by_workstream,
        "by_system": by_system,
        "reach": {
            # An equality share, under the disclosure rule (core/disclosure.equality_share),
            # and only for a year that has ended: a live year's share would move with each
            # booking the same staff see on the registers.
            "bame_share": equality_share(
                total["bame"],
                total["ethnicity_stated"],
                context=f"bame:{year}:{region_id if region_id is not None else 'all'}",
            )
            if financial_year_instants(year)[1] <= timezone.now()
            else None,
            "bame_baseline": _baseline(review.bame_baseline) if review else None,
            "clinical_share": _share(total["clinical"], total["staff_group_stated"]),
            "clinical_baseline": _baseline(review.clinical_baseline) if review else None,
        },
    }


def annual_report(
    *, year: int, region: Region | None = None, national: bool = False, recount: bool = False
) -> dict:
    """The year in review's figures as plain data (numbers as numbers, rates 0–1): for one
    region (the portal's own by default) or, `national`, for every region together.

    The summaries are brought up to date first (a no-op when nothing changed; skipped if
    a sweep is running, which reads at most seconds behind). `recount` counts the
    interventions and the coaching figures from the source tables instead, for checks."""
    if national:
        region, review = None, None
    else:
        region = region or default_region()
        review = review_for(year=year, region=region)
    region_id = region.pk if region else None
    if not recount:
        summaries.refresh()
    start, end = financial_year_of(year)
    by_kind = None if recount else summaries.coaching_figures(year=year, region_id=region_id)
    if by_kind is None:
        by_kind = coaching_figures(start=start, end=end, region_id=region_id)
    coaching = {kind: {k: f[k] for k in COACHING_KEYS} for kind, f in by_kind.items()}
    talent = talent_figures(start=start, end=end, region_id=region_id)
    return {
        "year": year,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "interventions": interventions(year=year, region=region, review=review, recount=recount),
        "coaching": coaching["coaching"],
        "mentoring": coaching["mentoring"],
        "talent": {
            k: talent[k]
            for k in (
                "aspirant_pool_start",
                "aspirant_pool_end",
                "nominations",
                "edp",
                "hps",
                "gmts",
            )
        },
        "entered": [
            {"name": e.name, "value": float(e.value), "source": e.source}
            for e in (review.entered.all() if review else [])
        ],
    }


def report_rows(report: dict) -> list[tuple[str, str, str, object]]:
    """The report flattened for CSV: (section, item, measure, value)."""
    rows: list[tuple[str, str, str, object]] = [
        ("period", "", "start", report["period"]["start"]),
        ("period", "", "end", report["period"]["end"]),
    ]
    i = report["interventions"]
    for key in ("sessions_delivered", "bookings", "attendances", "did_not_attend",
                "cancellations", "attendance_rate"):  # fmt: skip
        rows.append(("interventions", "", key, i[key]))
    for row in i["by_workstream"]:
        for key in ("sessions_delivered", "bookings", "attendances", "average_attendance"):
            rows.append(("interventions by workstream", row["workstream"], key, row[key]))
    for row in i["by_system"]:
        for key in ("attendances", "did_not_attend"):
            rows.append(("interventions by system", row["system"], key, row[key]))
    for key, value in i["reach"].items():
        rows.append(("reach", "", key, value))
    for section in ("coaching", "mentoring"):
        for key, value in report[section].items():
            rows.append((section, "", key, value))
    t = report["talent"]
    rows.append(("talent", "aspirant director pool", "at start", t["aspirant_pool_start"]))
    rows.append(("talent", "aspirant director pool", "at end", t["aspirant_pool_end"]))
    rows.append(("talent", "nominations", "received", t["nominations"]["received"]))
    for route in t["nominations"]["by_route"]:
        for status in ("received", "accepted", "not_yet", "declined", "submitted"):
            rows.append(("talent", f"nominations: {route['label']}", status, route[status]))
    for key, value in t["edp"].items():
        rows.append(("talent", "EDP", key, value))
    for key, value in t["hps"].items():
        rows.append(("talent", "HPS", key, value))
    g = t["gmts"]
    for key in ("active", "completed", "destination_known", "employed_in_nhs",
                "employed_in_nhs_share"):  # fmt: skip
        rows.append(("talent", "GMTS", key, g[key]))
    for by in ("by_specialism", "by_organisation_type", "by_system"):
        for row in g[by]:
            rows.append((f"GMTS {by.replace('_', ' ')}", row["name"], "trainees", row["trainees"]))
    for e in report["entered"]:
        rows.append(("entered", e["name"], e["source"], e["value"]))
    return rows


def review_snapshot(*, review: YearInReview) -> dict:
    """Everything a PDF is built from, as plain data kept with the PDF: this year's and
    last year's figures, the team's words and the approved quotes."""
    start, end = financial_year_instants(review.year)
    return {
        "kind": "year_in_review",
        "region": review.region.name,
        "built_at": timezone.now().isoformat(),
        "figures": annual_report(year=review.year, region=review.region),
        "previous": annual_report(year=review.year - 1, region=review.region),
        "narrative": {
            name: getattr(review, name) or ""
            for name in (
                "title",
                "foreword_chair",
                "foreword_director",
                "executive_summary",
                *[n for n, _ in YearInReview.THEMES],
                "team",
                "looking_ahead",
            )
        },  # fmt: skip
        "quotes": approved_quotes(start=start, end=end, region_id=review.region_id),
    }


def year_on_year(current: dict, previous: dict) -> list[dict]:
    """The headline figures beside last year's, with the change. A year before with no
    records at all (before the portal, or before history was imported) is "no records",
    not a year of zeros: a rise from nothing would read as growth."""
    counts = [_dig(previous, path) for _, path, is_rate in HEADLINES if not is_rate]
    no_records = not any(counts)
    rows = []
    for label, path, is_rate in HEADLINES:
        now, before = _dig(current, path), None if no_records else _dig(previous, path)
        change = None
        if now is not None and before is not None:
            change = now - before
        rows.append(
            {"label": label, "now": now, "before": before, "change": change, "rate": is_rate,
             "no_records": no_records}
        )  # fmt: skip
    return rows


HEADLINES = [
    ("Sessions delivered", "interventions.sessions_delivered", False),
    ("Bookings", "interventions.bookings", False),
    ("Attendances", "interventions.attendances", False),
    ("Did not attend", "interventions.did_not_attend", False),
    ("Cancellations", "interventions.cancellations", False),
    ("Attendance rate", "interventions.attendance_rate", True),
    ("Coaching relationships commenced", "coaching.relationships_commenced", False),
    ("Coaching hours logged", "coaching.hours_logged", False),
    ("Mentoring relationships commenced", "mentoring.relationships_commenced", False),
    ("Mentoring hours logged", "mentoring.hours_logged", False),
    ("Aspirant director pool at the end of the year", "talent.aspirant_pool_end", False),
    ("Nominations received", "talent.nominations.received", False),
    ("GMTS trainees in training", "talent.gmts.active", False),
]


def _dig(data: dict, path: str):
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def report_csv(report: dict) -> str:
    """The report as CSV text (section, item, measure, value), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "item", "measure", "value"])
    for row in report_rows(report):
        writer.writerow([spreadsheet_safe(v) for v in row])
    return buffer.getvalue()


def impact_snapshot(*, programme, cohort=None) -> dict:
    return {
        "kind": "impact",
        "built_at": timezone.now().isoformat(),
        "impact": impact(programme=programme, cohort=cohort),
    }


def programmes_of_year(*, year: int, region: Region):
    """Programmes with sessions in the year, for their impact reports (self-assessed first)."""
    start, end = financial_year_instants(year)
    return (
        Programme.objects.filter(
            region=region, sessions__starts_at__gte=start, sessions__starts_at__lt=end
        )
        .annotate(
            sessions_in_year=Count("sessions", distinct=True),
            assessed=Exists(AssessmentDimension.objects.filter(programme=OuterRef("pk"))),
        )
        .order_by("-assessed", "title")[:200]
    )

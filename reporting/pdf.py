"""The year in review as a PDF (WeasyPrint): A4, running header and footer with page X of
Y, contents with page numbers, vector charts, embedded fonts, tagged for accessibility."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from .selectors import year_on_year


def render(snapshot: dict) -> tuple[bytes, int]:
    """(PDF bytes, page count) for a year-in-review or impact-report snapshot."""
    if snapshot.get("kind") == "impact":
        html = render_to_string(
            "reporting/pdf/impact.html",
            {"s": snapshot, "i": snapshot["impact"], "portal_name": settings.PORTAL_NAME},
        )
    else:
        html = render_to_string(
            "reporting/pdf/year_in_review.html",
            {
                "s": snapshot,
                "f": snapshot["figures"],
                "portal_name": settings.PORTAL_NAME,
                "yoy": year_on_year(snapshot["figures"], snapshot["previous"]),
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(pdf_tags=True), len(document.pages)

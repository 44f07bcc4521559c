"""Filters every app's templates share: `{% load portal %}` (registered in TEMPLATES)."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A 0–1 share as a whole per cent; a dash when hidden or unknown."""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.0f}%"


@register.filter
def financial_year(start_year) -> str:
    """A financial year by the calendar year it starts in: 2026 is "2026/27"."""
    start_year = int(start_year)
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@register.filter
def amount(value) -> str:
    """A number as people write it: 412 not 412.00, 1.5 not 1.50; a dash when unknown."""
    if value is None or value == "":
        return "–"
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0")

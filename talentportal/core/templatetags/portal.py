"""Filters every app's templates share: `{% load portal %}` (registered in TEMPLATES)."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A 0–1 share as a whole per cent; a dash when hidden or unknown."""
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.0f}%"

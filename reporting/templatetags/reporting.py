"""Filters for the year in review: the team's plain text and the figures' formats."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reporting.charts import Series, bar_chart

register = template.Library()


@register.filter
def simple_text(text: str) -> str:
    """Plain text with simple formatting: a blank line starts a paragraph, lines starting
    "- " are bullets, **words** are bold. Everything else is escaped."""
    html = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue

        def inline(s: str) -> str:
            return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(s))

        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{inline(line.lstrip()[2:])}</li>" for line in lines)
            html.append(f'<ul class="nhsuk-list nhsuk-list--bullet">{items}</ul>')
        else:
            html.append("<p>" + "<br>".join(inline(line) for line in lines) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 – the text was escaped above


@register.filter
def cssstring(value) -> str:
    """Text for a CSS string in a <style> block (the PDF's running header and footer):
    backslashes, quotes and angle brackets escaped the CSS way, as HTML entities are not
    read inside <style>."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return mark_safe(text.replace("<", "\\3C ").replace(">", "\\3E "))  # noqa: S308


@register.filter
def number(value) -> str:
    if value is None:
        return "–"
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


@register.filter
def change(row) -> str:
    """A year-on-year change: percentage points for rates, signed numbers otherwise."""
    if row["change"] is None:
        return "–"
    if row["rate"]:
        return f"{row['change'] * 100:+.0f} points"
    value = float(row["change"])
    return f"{value:+,.0f}" if value.is_integer() else f"{value:+,.1f}"


@register.simple_tag
def system_chart(figures):
    rows = figures["interventions"]["by_system"]
    return bar_chart(
        title="Attendances and did-not-attend by integrated care system",
        labels=[r["system"] for r in rows],
        series=[
            Series("Attended", [r["attendances"] for r in rows]),
            Series("Did not attend", [r["did_not_attend"] for r in rows]),
        ],
    )


@register.simple_tag
def workstream_chart(figures):
    rows = figures["interventions"]["by_workstream"]
    return bar_chart(
        title="Attendances by workstream",
        labels=[r["workstream"] for r in rows],
        series=[Series("Attendances", [r["attendances"] for r in rows])],
    )


@register.simple_tag
def reach_chart(figures):
    reach = figures["interventions"]["reach"]
    return bar_chart(
        title="Reach against the workforce",
        labels=["Black, Asian and minority ethnic", "Clinical staff"],
        series=[
            Series("Our attendances", [reach["bame_share"], reach["clinical_share"]]),
            Series("Workforce", [reach["bame_baseline"], reach["clinical_baseline"]]),
        ],
        percent=True,
    )


@register.simple_tag
def gmts_chart(figures, key, title):
    rows = figures["talent"]["gmts"][key]
    return bar_chart(
        title=title,
        labels=[r["name"] for r in rows],
        series=[Series("Trainees", [r["trainees"] for r in rows])],
    )

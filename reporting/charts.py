"""Server-rendered SVG bar charts: vector in the PDF, no JavaScript on the page.

Each chart carries a title and description for screen readers, and every page that shows
one also shows the same figures as a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# NHS identity colours: blue, dark blue, warm yellow, pale grey (for baselines).
COLOURS = ["#005eb8", "#003087", "#ffb81c", "#768692"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    percent: bool = False,
    label_width: int = 230,
    width: int = 640,
) -> SafeString:
    """Horizontal grouped bars, one group per label, one bar per series."""
    bar, gap, pad = 14, 10, 6
    group = len(series) * bar + gap
    legend = 24 if len(series) > 1 else 0
    height = legend + len(labels) * group + pad * 2
    values = [v for s in series for v in s.values if v is not None]
    top = max(values, default=0) or 1
    plot = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="tp-chart">'
        f"<title>{escape(title)}</title>"
    ]
    if legend:
        x = label_width
        for n, s in enumerate(series):
            colour = COLOURS[n % len(COLOURS)]
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 16}" y="14" font-size="12">{escape(s.name)}</text>'
            )
            x += 24 + 7 * len(s.name)
    for i, label in enumerate(labels):
        y0 = legend + pad + i * group
        parts.append(
            f'<text x="{label_width - 8}" y="{y0 + len(series) * bar / 2 + 4}" '
            f'font-size="12" text-anchor="end">{escape(label)}</text>'
        )
        for n, s in enumerate(series):
            value = s.values[i]
            y = y0 + n * bar
            if value is None:
                parts.append(
                    f'<text x="{label_width + 4}" y="{y + bar - 3}" font-size="11">not shown</text>'
                )
                continue
            length = max(value / top * plot, 0)
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{COLOURS[n % len(COLOURS)]}"/>'
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 3}" font-size="11">'
                f"{_fmt(value, percent)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 – every text node above is escaped

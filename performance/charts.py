"""Charts drawn on the server as inline SVG (no script, no CDN), mirrored for Arabic (right to left).

Each chart has a <title> and is followed on the page by the table it draws, which is the accessible
form of the same figures.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

GREEN = "#0b5d3b"
GOLD = "#b08d3c"
LIGHT = "#9cc9b4"
RED = "#b3261e"
GREY = "#5f6b66"
# 13 px on every screen: the fluid charts are never scaled (the WCAG floor the portal keeps is 12 px).
FONT = 'font-family="inherit" font-size="13"'

_ids = itertools.count(1)


@dataclass
class Canvas:
    width: int
    rtl: bool

    def x(self, x: float) -> float:
        """Mirror a left-to-right x coordinate when the page reads right to left."""
        return self.width - x if self.rtl else x

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> str:
        left = self.width - x - w if self.rtl else x
        return f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}"/>'

    def text(self, x: float, y: float, content, *, align: str = "start", fill: str = "#1b1b1b", bold=False) -> str:
        """``align`` is in reading terms: "start" (towards the reader's start side) or "end"."""
        weight = ' font-weight="bold"' if bold else ""
        direction = ' direction="rtl"' if self.rtl else ""
        anchor = {"start": "start", "end": "end", "middle": "middle"}[align]
        return (
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}"{direction} fill="{fill}" {FONT}{weight}>'
            f"{escape(content)}</text>"
        )


def _svg(canvas: Canvas, height: float, title: str, body: list[str]) -> SafeString:
    ident = f"chart-{next(_ids)}"
    return mark_safe(  # noqa: S308 - every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {canvas.width} {height:.0f}" width="{canvas.width}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{ident}" class="perf-chart">'
        f'<title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _pct_x(rtl: bool, pct: float) -> str:
    """A horizontal position as a share of the chart's width, from the reader's start side."""
    return f"{100 - pct if rtl else pct:.2f}%"


def bar_chart(
    rows: list[tuple[str, float | None, float | None]],
    *,
    title: str,
    value_format=lambda v: f"{v:.1f}",
    marker_label: str = "",
) -> SafeString:
    """Horizontal bars: ``(label, value, marker)`` per row; ``marker`` (e.g. the standard time) is a red tick.

    The chart takes the width of its container and keeps its text at the page's size: there is no viewBox
    to scale it (a 640-unit chart shrunk to a 390 px phone drew 7 px labels). Horizontal positions are
    shares of the width, vertical ones pixels; each label has a line of its own above its bar, so a long
    service name has the whole width.
    """
    rtl = get_language_bidi()
    direction = ' direction="rtl"' if rtl else ""
    plot, row_h, top = 82.0, 46, 4  # the bars use 82% of the width; the rest is for the value after them
    top_value = max([v for _l, v, m in rows for v in (v, m) if v] + [1])
    body = []

    def text(x: str, y: float, content, *, fill="#1b1b1b", dx: int = 0) -> str:
        shift = f' dx="{-dx if rtl else dx}"' if dx else ""
        return (
            f'<text x="{x}" y="{y:.0f}"{shift} text-anchor="start"{direction} fill="{fill}" {FONT}>'
            f"{escape(content)}</text>"
        )

    for i, (label, value, marker) in enumerate(rows):
        y = top + i * row_h
        body.append(text(_pct_x(rtl, 0), y + 15, label))
        share = plot * (value or 0) / top_value
        left = 100 - share if rtl else 0
        body.append(f'<rect x="{left:.2f}%" y="{y + 22}" width="{share:.2f}%" height="16" fill="{GREEN}"/>')
        shown = "–" if value is None else value_format(value)
        body.append(text(_pct_x(rtl, share), y + 35, shown, fill=GREY, dx=6))
        if marker:
            mx = _pct_x(rtl, plot * marker / top_value)
            body.append(f'<line x1="{mx}" x2="{mx}" y1="{y + 19}" y2="{y + 41}" stroke="{RED}" stroke-width="3"/>')
    height = top + len(rows) * row_h + 4
    if marker_label and any(m for _l, _v, m in rows):
        # The legend's tick is 14 px from the start side; its text follows it.
        edge = "100%" if rtl else "0"
        sign = -1 if rtl else 1
        body.append(
            f'<line x1="{edge}" x2="{edge}" y1="{height + 2}" y2="{height + 18}" stroke="{RED}" stroke-width="3" '
            f'transform="translate({sign * 6} 0)"/>'
        )
        body.append(text(edge, height + 15, marker_label, fill=GREY, dx=16))
        height += 24
    ident = f"chart-{next(_ids)}"
    return mark_safe(  # noqa: S308 - every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height:.0f}" role="img" '
        f'aria-labelledby="{ident}" class="perf-chart perf-chart-fluid">'
        f'<title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def column_chart(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    *,
    title: str,
    value_format=lambda v: f"{v:,.0f}",
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Columns over time (days), one colour per series ``(name, colour, values)``; time runs in reading order."""
    canvas = Canvas(width=width, rtl=get_language_bidi())
    left, right, top, bottom = 56, 8, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    top_value = max([v for _n, _c, values in series for v in values] + [1])
    slot = plot_w / n
    bar_w = max(slot / (len(series) + 0.5), 0.5)
    body = [
        f'<line x1="{canvas.x(left):.1f}" x2="{canvas.x(left + plot_w):.1f}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" stroke="{GREY}"/>',
        canvas.text(left - 4, top + 4, value_format(top_value), align="end", fill=GREY),
        canvas.text(left - 4, top + plot_h, "0", align="end", fill=GREY),
    ]
    for s, (_name, colour, values) in enumerate(series):
        for i, value in enumerate(values):
            h = plot_h * (value or 0) / top_value
            body.append(canvas.rect(left + i * slot + s * bar_w, top + plot_h - h, bar_w, h, colour))
    if labels:
        for i in sorted({0, len(labels) // 2, len(labels) - 1}):
            align = "start" if i == 0 else ("end" if i == len(labels) - 1 else "middle")
            body.append(canvas.text(left + i * slot + slot / 2, top + plot_h + 16, labels[i], align=align, fill=GREY))
    x = left
    for name, colour, _values in series:
        body.append(canvas.rect(x, top + plot_h + 26, 12, 12, colour))
        body.append(canvas.text(x + 16, top + plot_h + 37, name))
        x += 24 + 8 * len(name)
    return _svg(canvas, height, title, body)

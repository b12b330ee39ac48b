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


def bar_chart(
    rows: list[tuple[str, float | None, float | None]],
    *,
    title: str,
    value_format=lambda v: f"{v:.1f}",
    marker_label: str = "",
    width: int = 640,
    label_width: int = 190,
) -> SafeString:
    """Horizontal bars: ``(label, value, marker)`` per row; ``marker`` (e.g. the standard time) is a red tick."""
    canvas = Canvas(width=width, rtl=get_language_bidi())
    label_w, gap, value_w, row_h, top = label_width, 8, 70, 30, 8
    plot_w = width - label_w - gap - value_w
    top_value = max([v for _l, v, m in rows for v in (v, m) if v] + [1])
    body = []
    for i, (label, value, marker) in enumerate(rows):
        y = top + i * row_h
        body.append(canvas.text(label_w, y + 19, label, align="end"))
        x0 = label_w + gap
        w = plot_w * (value or 0) / top_value
        body.append(canvas.rect(x0, y + 5, w, row_h - 10, GREEN))
        body.append(canvas.text(x0 + w + 4, y + 19, "–" if value is None else value_format(value), fill=GREY))
        if marker:
            mx = x0 + plot_w * marker / top_value
            body.append(
                f'<line x1="{canvas.x(mx):.1f}" x2="{canvas.x(mx):.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                f'stroke="{RED}" stroke-width="3"/>'
            )
    height = top + len(rows) * row_h + 8
    if marker_label and any(m for _l, _v, m in rows):
        body.append(
            f'<line x1="{canvas.x(label_w + gap):.1f}" x2="{canvas.x(label_w + gap + 14):.1f}" y1="{height + 6}" '
            f'y2="{height + 6}" stroke="{RED}" stroke-width="3"/>'
        )
        body.append(canvas.text(label_w + gap + 20, height + 10, marker_label, fill=GREY))
        height += 20
    return _svg(canvas, height, title, body)


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

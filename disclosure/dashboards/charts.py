"""Server-drawn SVG charts (DESIGN §7): horizontal bars, stacked share bars and columns.

Plain functions from numbers to SVG markup, no ORM and no JavaScript. The SVG is inline in the
page, so its text takes the page's font (Noto Sans CJK SC for Chinese) and prints as vectors; it
scales with its viewBox (width 100 %, height from the aspect ratio), so a phone shows the whole
chart. Labels sit above the bars, never beside them, so the drawing can stay narrow enough for a
phone and its text readable. Each chart is an image (role="img") named by its <title> and
described by its <desc>; the page puts the same numbers in a table beside it.

Colours: every fill has at least 3:1 contrast against white (WCAG 2.1 1.4.11, graphical objects)
and text is INK on white (at least 4.5:1, 1.4.3); adjacent segments are parted by a white gap.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from django.utils import html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
FONT = 15  # user units; about 13.5 CSS pixels on a phone (the chart 360 px wide), 18 on a desk
SMALL = 13
INK = "#212529"  # text: 15.4:1 on white
MUTED = "#5c636a"  # secondary text: 6.1:1 on white
TRACK = "#e9ecef"  # the empty part of a bar (decorative)
AXIS = "#6c757d"  # gridlines and baseline: 4.7:1 on white
PALETTE = (
    "#1f5f99",  # blue
    "#a94f00",  # orange
    "#2e7d32",  # green
    "#7b3fa0",  # purple
    "#b3261e",  # red
    "#00695c",  # teal
    "#6d4c41",  # brown
    "#455a64",  # slate
)


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar, segment or column: its label, the number it is drawn to, the text shown for it."""

    label: str
    value: Decimal | int
    display: str


@dataclasses.dataclass(frozen=True)
class ShareRow:
    """One 100 % bar of a share chart: its label and its segments (in legend order)."""

    label: str
    parts: Sequence[Bar]


# Characters XML 1.0 does not allow (control characters, surrogates, U+FFFE/U+FFFF): a name
# typed with one must not make the page's SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text) -> str:
    """Text for SVG markup: HTML-escaped, without the characters XML refuses."""
    return html.escape(_NOT_XML.sub("", str(text)))


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the drawn width: wide (CJK, full-width) characters one em, others 0.56 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in text)


def fit(text: str, room: float, size: float = FONT) -> str:
    """The text, cut with an ellipsis to fit `room` user units."""
    if text_width(text, size) <= room:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > room:
            break
        out += ch
    return out.rstrip() + "…"


def _number(value) -> float:
    return float(value or 0)


def _frame(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    cid = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
        f'class="dashboard-chart" id="{cid}" font-size="{FONT}" fill="{INK}">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text escaped above and below


def _empty(chart_id: str, title: str, desc: str, empty_text: str) -> SafeString:
    body = [f'<text x="0" y="24" fill="{MUTED}">{escape(empty_text)}</text>']
    return _frame(chart_id, title, desc, 36, body)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    scale: Decimal | int | None = None,
    empty_text: str = "—",
) -> SafeString:
    """Horizontal bars, one per row: the label on the left and the shown value on the right of a
    line, the bar below it, scaled to `scale` (100 for percentages) or else the largest value."""
    if not bars:
        return _empty(chart_id, title, desc, empty_text)
    largest = _number(scale) or max(_number(b.value) for b in bars) or 1.0
    row, bar_height = 46, 14
    body = []
    for i, bar in enumerate(bars):
        top = i * row
        value_room = text_width(bar.display) + 12
        label = fit(bar.label, WIDTH - value_room)
        length = WIDTH * _number(bar.value) / largest
        body.append(
            f'<g class="bar"><title>{escape(bar.label)}: {escape(bar.display)}</title>'
            f'<text x="0" y="{top + 16}">{escape(label)}</text>'
            f'<text class="value" x="{WIDTH}" y="{top + 16}" text-anchor="end">{escape(bar.display)}</text>'
            f'<rect x="0" y="{top + 23}" width="{WIDTH}" height="{bar_height}" fill="{TRACK}"/>'
            f'<rect x="0" y="{top + 23}" width="{length:.2f}" height="{bar_height}" fill="{colour(0)}"/>'
            "</g>"
        )
    return _frame(chart_id, title, desc, len(bars) * row, body)


def share_chart(
    *, chart_id: str, title: str, desc: str, rows: Sequence[ShareRow], empty_text: str = "—"
) -> SafeString:
    """One 100 % bar per row, split into its parts' shares, and one legend below for all rows
    (a swatch, the part's label and, per row, its shown value)."""
    rows = [r for r in rows if sum(_number(p.value) for p in r.parts) > 0]
    if not rows:
        return _empty(chart_id, title, desc, empty_text)
    body = []
    y = 0
    bar_height = 22
    for row in rows:
        total = sum(_number(p.value) for p in row.parts)
        body.append(f'<text x="0" y="{y + 16}">{escape(fit(row.label, WIDTH))}</text>')
        x = 0.0
        for i, part in enumerate(row.parts):
            length = WIDTH * _number(part.value) / total
            if length > 0:
                body.append(
                    f'<rect class="segment" x="{x:.2f}" y="{y + 22}" width="{length:.2f}" '
                    f'height="{bar_height}" fill="{colour(i)}" stroke="#ffffff" stroke-width="1.5">'
                    f"<title>{escape(row.label)} · {escape(part.label)}: {escape(part.display)}</title>"
                    "</rect>"
                )
            x += length
        y += 22 + bar_height + 14
    # Legend: one line per part, its shown value in each row.
    names = [p.label for p in rows[0].parts]
    for i, name in enumerate(names):
        shown = " · ".join(r.parts[i].display for r in rows if i < len(r.parts))
        room = WIDTH - 22 - text_width(shown, SMALL) - 10
        body.append(
            f'<g class="legend"><rect x="0" y="{y + 3}" width="14" height="14" fill="{colour(i)}"/>'
            f'<text x="22" y="{y + 15}" font-size="{SMALL}">{escape(fit(name, room, SMALL))}</text>'
            f'<text class="value" x="{WIDTH}" y="{y + 15}" font-size="{SMALL}" text-anchor="end">'
            f"{escape(shown)}</text></g>"
        )
        y += 22
    return _frame(chart_id, title, desc, y + 4, body)


def column_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    columns: Sequence[Bar],
    top_label: str = "",
    empty_text: str = "—",
) -> SafeString:
    """Vertical columns (months, counts) on a baseline, their labels below (every n-th when they
    would collide), the largest value written at the top gridline (`top_label`)."""
    if not columns:
        return _empty(chart_id, title, desc, empty_text)
    largest = max(_number(c.value) for c in columns) or 1.0
    top, plot, below = 22, 150, 24
    slot = WIDTH / len(columns)
    widest = max(text_width(c.label, SMALL) for c in columns) + 6
    step = max(1, -(-int(widest) // max(1, int(slot))))  # ceil(widest / slot)
    body = [
        f'<line x1="0" y1="{top}" x2="{WIDTH}" y2="{top}" stroke="{AXIS}" stroke-width="0.6" '
        'stroke-dasharray="3 3"/>',
        f'<text x="0" y="{top - 7}" font-size="{SMALL}" fill="{MUTED}">{escape(top_label)}</text>',
    ]
    for i, column in enumerate(columns):
        height = plot * _number(column.value) / largest
        x = i * slot + slot * 0.15
        body.append(
            f'<rect class="column" x="{x:.2f}" y="{top + plot - height:.2f}" width="{slot * 0.7:.2f}" '
            f'height="{height:.2f}" fill="{colour(0)}">'
            f"<title>{escape(column.label)}: {escape(column.display)}</title></rect>"
        )
        if i % step == 0:
            body.append(
                f'<text x="{i * slot + slot / 2:.2f}" y="{top + plot + 17}" font-size="{SMALL}" '
                f'text-anchor="middle">{escape(column.label)}</text>'
            )
    body.append(
        f'<line x1="0" y1="{top + plot}" x2="{WIDTH}" y2="{top + plot}" stroke="{AXIS}" stroke-width="1"/>'
    )
    return _frame(chart_id, title, desc, top + plot + below, body)


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

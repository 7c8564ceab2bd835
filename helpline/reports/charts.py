"""Charts as SVG text made on the server: no JavaScript, no library, readable on a phone.

Each chart scales to its container (viewBox, width 100%). Every bar carries its label and the
value as shown ("<5" for small counts) in ``data-`` attributes and a <title>, so a screen
reader, a tooltip and a test all read the same number. A small count is drawn as a short
hatched stub of fixed size: its length must not reveal the number the "<5" hides.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .figures import SMALL_COUNT, Figure

WIDTH = 400
BAR_COLOUR = "#1f5f99"
DAILY_COLOUR = "#2c7a4b"
TEXT_COLOUR = "#1a1a1a"
MUTED = "#666666"


def _scale_top(figures: Sequence[Figure]) -> int:
    """The value a full-length bar stands for: the largest count shown as a number."""
    return max([f.value for f in figures if not f.suppressed] + [SMALL_COUNT])


def _hatch(pattern_id: str, colour: str) -> str:
    return (f'<defs><pattern id="{pattern_id}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="3" height="6" fill="{colour}"/></pattern></defs>')


def _bar(figure: Figure, x: float, y: float, w: float, h: float, fill: str) -> str:
    label, value = escape(figure.label), escape(figure.shown)
    return (f'<rect class="bar" data-label="{label}" data-value="{value}" x="{x:.1f}" '
            f'y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}">'
            f'<title>{label}: {value}</title></rect>')


def bars(figures: Sequence[Figure], chart_id: str, title: str,
         colour: str = BAR_COLOUR) -> Markup:
    """Horizontal bars, the label above each bar and the value at its end."""
    row, bar_height, room_for_value = 44, 16, 52
    length = WIDTH - room_for_value
    top = _scale_top(figures)
    stub = length * (SMALL_COUNT / 2) / max(top, 1) if top else 4
    pattern = f"hatch-{chart_id}"
    height = row * len(figures) + 4
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'data-chart="{escape(chart_id)}">', _hatch(pattern, colour)]
    for i, figure in enumerate(figures):
        y = i * row
        if figure.suppressed:
            w, fill = max(stub, 6.0), f"url(#{pattern})"
        else:
            w, fill = length * figure.value / top, colour
        parts.append(f'<text x="0" y="{y + 15}" font-size="15" fill="{TEXT_COLOUR}">'
                     f'{escape(figure.label)}</text>')
        parts.append(_bar(figure, 0, y + 21, w, bar_height, fill))
        parts.append(f'<text class="value" x="{w + 5:.1f}" y="{y + 35}" font-size="15" '
                     f'font-weight="bold" fill="{TEXT_COLOUR}">{escape(figure.shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def daily(figures: Sequence[Figure], chart_id: str, title: str,
          colour: str = DAILY_COLOUR) -> Markup:
    """One column per day (labels are YYYY-MM-DD), with the scale's top and a few dates."""
    height, left, right, top_pad, bottom = 170, 30, 6, 14, 22
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    n = max(len(figures), 1)
    slot = plot_w / n
    col = max(slot * 0.75, 1.0)
    top = _scale_top(figures)
    stub = plot_h * (SMALL_COUNT / 2) / top
    pattern = f"hatch-{chart_id}"
    base = top_pad + plot_h
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'data-chart="{escape(chart_id)}">', _hatch(pattern, colour),
             f'<line x1="{left}" y1="{top_pad}" x2="{WIDTH - right}" y2="{top_pad}" '
             f'stroke="#dddddd"/>',
             f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{MUTED}"/>',
             f'<text x="{left - 4}" y="{top_pad + 4}" font-size="11" text-anchor="end" '
             f'fill="{MUTED}">{top}</text>',
             f'<text x="{left - 4}" y="{base}" font-size="11" text-anchor="end" '
             f'fill="{MUTED}">0</text>']
    every = 1 if n <= 8 else 7 if n <= 62 else max(n // 6, 1)
    for i, figure in enumerate(figures):
        x = left + i * slot + (slot - col) / 2
        if figure.suppressed:
            h, fill = stub, f"url(#{pattern})"
        else:
            h, fill = plot_h * figure.value / top, colour
        parts.append(_bar(figure, x, base - h, col, h, fill))
        if n <= 14 and figure.value:
            parts.append(f'<text class="value" x="{x + col / 2:.1f}" y="{base - h - 3:.1f}" '
                         f'font-size="10" text-anchor="middle" fill="{TEXT_COLOUR}">'
                         f'{escape(figure.shown)}</text>')
        if i % every == 0 or i == n - 1 and n <= 8:
            parts.append(f'<text x="{x + col / 2:.1f}" y="{height - 6}" font-size="10" '
                         f'text-anchor="middle" fill="{MUTED}">{escape(figure.label[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def chart(section_key: str, kind: str, figures: Sequence[Figure], title: str) -> Markup:
    if kind == "daily":
        return daily(figures, section_key, title)
    return bars(figures, section_key, title)

"""Inline SVG interval plots, generated in Python (no JS, no network, no plotting library).

One plot per numeric claim: a row per interval (reported, derived from cells, implied, replicated
prediction/confidence interval), the seed values as dots on one row, the reported interval as a
shaded band across every row, a dashed zero line when zero is in range, and an x axis with ticks.
Coordinates are in SVG user units (px at 100 % zoom), written with one decimal so output is stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from claimcheck.reports.html_escape import escape
from claimcheck.reports.labels import ROLE_NAMES, format_number, span_text
from claimcheck.verifier.verdict import Span

ROLE_COLOURS: dict[str, str] = {
    "reported": "#1d4ed8",
    "derived": "#111827",
    "implied": "#7c3aed",
    "replicated_pi": "#c2410c",
    "replicated_ci": "#9a3412",
    "seed": "#c2410c",
}
OTHER_COLOUR = "#6b7280"
LABEL_W, VALUE_W, GAP = 200, 120, 12  # px: label column, value column, padding
TOP, AXIS_H, ROW_H = 10, 38, 24  # px
MAX_LABEL = 30  # characters shown before the label is cut (the full label is the row's tooltip)


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 x 10^k apart) covering [lo, hi]."""
    span = hi - lo
    raw = span / max(target - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= hi + step * 1e-9:
        ticks.append(round(first + k * step, 10))
        k += 1
    return ticks


def _domain(spans: Sequence[Span]) -> tuple[float, float]:
    values = [v for s in spans for v in (s.lo, s.hi)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 if hi > lo else max(abs(lo) * 0.05, 0.5)
    return lo - pad, hi + pad


def _rows(spans: Sequence[Span]) -> list[tuple[str, str, list[Span]]]:
    """(label, role, spans) per row; every seed span shares one row."""
    rows: list[tuple[str, str, list[Span]]] = []
    seeds: list[Span] = []
    for span in spans:
        if span.role == "seed":
            if not seeds:
                rows.append(("", "seed", seeds))
            seeds.append(span)
        else:
            rows.append((span.label, span.role, [span]))
    return [
        (f"seeds (n={len(group)})" + _seed_suffix(group) if role == "seed" else label, role, group)
        for label, role, group in rows
    ]


def _seed_suffix(group: Sequence[Span]) -> str:
    """Keep a fidelity mark such as "(proxy)" that the seed labels carry."""
    tails = {s.label[s.label.rfind("(") :] for s in group if s.label.endswith(")") and "(" in s.label}
    return " " + " ".join(sorted(tails)) if tails else ""


def _cut(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"


def render_svg_intervals(
    spans: Sequence[Span], width: int = 640, height: int | None = None, axis_label: str = "points"
) -> str:
    """An inline ``<svg>`` drawing each span on a shared x axis; all text is escaped.

    ``height`` defaults to what the rows need; a given height stretches or squeezes the rows.
    Non-finite spans are listed but not drawn.
    """
    finite = [s for s in spans if math.isfinite(s.lo) and math.isfinite(s.hi)]
    rows = _rows(spans)
    if height is None:
        height = TOP + max(len(rows), 1) * ROW_H + AXIS_H
    row_h = max((height - TOP - AXIS_H) / max(len(rows), 1), 12.0)
    x0, x1 = LABEL_W + GAP, width - VALUE_W
    names = ", ".join(sorted({ROLE_NAMES.get(s.role, s.role) for s in spans})) or "no intervals"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="intervals" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(f"Intervals: {names}")}">',
        f"<title>{escape(f'Intervals: {names}')}</title>",
    ]
    if not finite:
        out.append(_text(width / 2, height / 2, "no finite intervals to draw", "muted", anchor="middle"))
        return "\n".join(out + ["</svg>"]) + "\n"

    lo, hi = _domain(finite)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])

    def x(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    bottom = TOP + len(rows) * row_h  # y of the x axis
    for s in finite:  # the reported interval as a band behind every row
        if s.role == "reported":
            left, right = x(s.lo), max(x(s.hi), x(s.lo) + 1.5)
            out.append(f'<rect x="{left:.1f}" y="{TOP:.1f}" width="{right - left:.1f}" height="{bottom - TOP:.1f}" '
                       f'fill="{ROLE_COLOURS["reported"]}" fill-opacity="0.12"/>')
    out += [_line(x(t), TOP, x(t), bottom, "#e5e7eb") for t in ticks]  # grid
    if lo < 0 < hi:
        out.append(_line(x(0), TOP, x(0), bottom, "#6b7280", ' stroke-dasharray="4 3"'))
    for i, (label, role, group) in enumerate(rows):
        out.extend(_row(label, role, group, x, TOP + (i + 0.5) * row_h, width))
    out.append(_line(x0, bottom, x1, bottom, "#374151"))
    for t in ticks:
        out.append(_line(x(t), bottom, x(t), bottom + 5, "#374151"))
        out.append(_text(x(t), bottom + 17, format_number(t), "tick", anchor="middle"))
    out.append(_text((x0 + x1) / 2, bottom + 32, axis_label, "axis", anchor="middle"))
    return "\n".join(out + ["</svg>"]) + "\n"


def _line(xa: float, ya: float, xb: float, yb: float, stroke: str, extra: str = "") -> str:
    return f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{stroke}"{extra}/>'


def _text(x: float, y: float, text: str, cls: str, anchor: str = "", fill: str = "") -> str:
    """A text element; ``text`` is escaped here."""
    attrs = (f' text-anchor="{anchor}"' if anchor else "") + (f' fill="{fill}"' if fill else "")
    return f'<text x="{x:.1f}" y="{y:.1f}"{attrs} class="{cls}">{escape(text)}</text>'


def _row(label: str, role: str, group: Sequence[Span], x, y: float, width: int) -> list[str]:
    colour = ROLE_COLOURS.get(role, OTHER_COLOUR)
    full = f"{label}: " + ", ".join(span_text(s) for s in group)
    parts = [f'<g class="row role-{escape(role)}"><title>{escape(full)}</title>',
             _text(LABEL_W, y + 4, _cut(label), "label", anchor="end", fill=colour)]
    drawn = [s for s in group if math.isfinite(s.lo) and math.isfinite(s.hi)]
    for s in drawn:
        a, b = x(s.lo), x(s.hi)
        if role == "seed" or b - a < 1.0:  # a point, or an interval narrower than a pixel
            parts.append(f'<circle cx="{(a + b) / 2:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" fill-opacity="0.8"/>')
            continue
        dash = ' stroke-dasharray="5 3"' if role == "implied" else ""
        thick = 5 if role == "replicated_ci" else 3
        parts.append(_line(a, y, b, y, colour, f' stroke-width="{thick}"{dash}'))
        parts += [_line(end, y - 6, end, y + 6, colour, ' stroke-width="1.5"') for end in (a, b)]  # end caps
    if role == "seed":
        value = f"{len(drawn)} values"
    elif drawn:
        value = span_text(drawn[0])
    else:
        value = "not finite"
    parts += [_text(width - VALUE_W + GAP, y + 4, value, "value"), "</g>"]
    return parts

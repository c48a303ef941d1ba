"""Inline SVG interval plots, generated in Python (no JS, no network, no plotting library).

One plot per numeric claim: a row per interval (reported, derived from cells, implied, replicated
prediction/confidence interval), the seed values as dots on one row, the reported interval as a
shaded band across every row, a dashed zero line when zero is in range, and an x axis with ticks.
Coordinates are in SVG user units (px at 100 % zoom), written with one decimal so output is stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

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
        out.append(f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" class="muted">no finite intervals to draw</text>')
        return "\n".join(out + ["</svg>"]) + "\n"

    lo, hi = _domain(finite)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])

    def x(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    plot_bottom = TOP + len(rows) * row_h
    for s in finite:  # the reported interval as a band behind every row
        if s.role == "reported":
            left, right = x(s.lo), max(x(s.hi), x(s.lo) + 1.5)
            out.append(
                f'<rect x="{left:.1f}" y="{TOP:.1f}" width="{right - left:.1f}" height="{plot_bottom - TOP:.1f}" '
                f'fill="{ROLE_COLOURS["reported"]}" fill-opacity="0.12"/>'
            )
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP:.1f}" x2="{x(t):.1f}" y2="{plot_bottom:.1f}" stroke="#e5e7eb"/>')
    if lo < 0 < hi:
        out.append(
            f'<line x1="{x(0):.1f}" y1="{TOP:.1f}" x2="{x(0):.1f}" y2="{plot_bottom:.1f}" '
            'stroke="#6b7280" stroke-dasharray="4 3"/>'
        )
    for i, (label, role, group) in enumerate(rows):
        out.extend(_row(label, role, group, x, TOP + (i + 0.5) * row_h, width))
    out.append(f'<line x1="{x0:.1f}" y1="{plot_bottom:.1f}" x2="{x1:.1f}" y2="{plot_bottom:.1f}" stroke="#374151"/>')
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{plot_bottom:.1f}" x2="{x(t):.1f}" y2="{plot_bottom + 5:.1f}" stroke="#374151"/>')
        out.append(
            f'<text x="{x(t):.1f}" y="{plot_bottom + 17:.1f}" text-anchor="middle" class="tick">{escape(format_number(t))}</text>'
        )
    out.append(
        f'<text x="{(x0 + x1) / 2:.1f}" y="{plot_bottom + 32:.1f}" text-anchor="middle" class="axis">{escape(axis_label)}</text>'
    )
    return "\n".join(out + ["</svg>"]) + "\n"


def _row(label: str, role: str, group: Sequence[Span], x, y: float, width: int) -> list[str]:
    colour = ROLE_COLOURS.get(role, OTHER_COLOUR)
    full = f"{label}: " + ", ".join(span_text(s) for s in group)
    parts = [
        f'<g class="row role-{escape(role)}"><title>{escape(full)}</title>',
        f'<text x="{LABEL_W:.1f}" y="{y + 4:.1f}" text-anchor="end" class="label" fill="{colour}">{escape(_cut(label))}</text>',
    ]
    drawn = [s for s in group if math.isfinite(s.lo) and math.isfinite(s.hi)]
    for s in drawn:
        a, b = x(s.lo), x(s.hi)
        if role == "seed" or b - a < 1.0:
            parts.append(f'<circle cx="{(a + b) / 2:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" fill-opacity="0.8"/>')
            continue
        dash = ' stroke-dasharray="5 3"' if role == "implied" else ""
        thick = 5 if role == "replicated_ci" else 3
        parts.append(f'<line x1="{a:.1f}" y1="{y:.1f}" x2="{b:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="{thick}"{dash}/>')
        for end in (a, b):
            parts.append(f'<line x1="{end:.1f}" y1="{y - 6:.1f}" x2="{end:.1f}" y2="{y + 6:.1f}" stroke="{colour}" stroke-width="1.5"/>')
    if role == "seed":
        value = f"{len(drawn)} values"
    elif drawn:
        value = span_text(drawn[0])
    else:
        value = "not finite"
    parts.append(f'<text x="{width - VALUE_W + GAP:.1f}" y="{y + 4:.1f}" class="value">{escape(value)}</text>')
    parts.append("</g>")
    return parts

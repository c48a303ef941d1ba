"""The self-contained HTML report: inline CSS, inline SVG plots, no scripts, no network.

Every string that came from a claim file or a run record passes through ``escape`` (``html.escape``,
copied in ``html_escape``); a Content-Security-Policy meta tag forbids scripts and remote loads as a
second line of defence.
Every verdict is a link to its evidence section (``#claim-…``, ``#claim-…-source``,
``#claim-…-replication``). ``render_page`` is the frame other reports reuse (the audit scorecard).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from claimcheck.reports.html_escape import escape
from claimcheck.reports.labels import (
    FIDELITY_NOTES,
    MEANINGS,
    ROLE_NAMES,
    attributed_note,
    claim_anchors,
    claim_marks,
    claim_spans,
    coverage_counts_text,
    coverage_reasons_text,
    fidelity_mark,
    is_superseded,
    located_note,
    ordered_tiers,
    replication_label,
    rule_text,
    span_text,
    superseded_note,
    tone_of,
)
from claimcheck.reports.plots import OTHER_COLOUR, ROLE_COLOURS, render_svg_intervals
from claimcheck.reports.visible_page import visible_page
from claimcheck.verifier.verdict import ClaimVerdict, TierResult, VerificationReport, ViewResult

CSS = """
:root { --good:#15803d; --bad:#b91c1c; --warn:#a16207; --fail:#a21caf; --none:#6b7280; --line:#e5e7eb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:#111827;
       margin: 0 auto; padding: 1.5rem; max-width: 1180px; background:#fff; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid var(--line); }
h3 { margin: 0 0 .4rem; font-size: 1.15rem; } h4 { margin: 1.1rem 0 .3rem; }
nav a { margin-right: 1rem; } a { color:#1d4ed8; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background:#f9fafb; }
pre { background:#f6f8fa; padding: .6rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem;
      border-radius: 4px; }
.nowrap { white-space: nowrap; }
code { font-size: .88em; overflow-wrap: anywhere; }
blockquote { margin: .3rem 0 .6rem; padding-left: .8rem; border-left: 4px solid #93c5fd; font-size: 1.05rem; }
.claim { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; margin: 1.2rem 0; }
.claim:target, .tier:target { outline: 3px solid #93c5fd; }
.v { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: .85rem; font-weight: 600;
     text-decoration: none; color: #fff; white-space: nowrap; }
.v-good { background: var(--good); } .v-bad { background: var(--bad); } .v-warn { background: var(--warn); }
.v-fail { background: var(--fail); } .v-none { background: var(--none); }
.mark { display: inline-block; padding: 0 .4rem; border: 1px solid var(--warn); color: var(--warn);
        border-radius: 4px; font-size: .8rem; margin-left: .3rem; }
.proxy { border-color: var(--fail); color: var(--fail); font-weight: 600; }
.meta { color: #4b5563; font-size: .9rem; margin: 0; }
.muted { color: var(--none); fill: var(--none); }
figure { margin: .6rem 0; } figcaption { font-size: .85rem; color: #4b5563; }
svg.intervals { display: block; max-width: 100%; height: auto; }
svg.intervals text { font: 12px system-ui, "DejaVu Sans", sans-serif; }
svg.intervals .tick { fill: #374151; font-size: 11px; } svg.intervals .axis { fill: #4b5563; }
svg.intervals .value { fill: #111827; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: .9rem; height: .45rem; margin: 0 .25rem 0 .8rem; vertical-align: middle; }
@media print { .claim { break-inside: avoid; } a { color: inherit; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_page(title: str, body_html: str) -> str:
    """A complete, self-contained HTML document around ``body_html`` (the title is escaped here).
    Control characters are shown as escapes (``visible``: ``\\x1b``), as on the terminal: the page
    may be printed to one, and a bidi control would reorder the text in a browser too (``visible_page``:
    ``visible`` with a cheaper check for a page with nothing to show)."""
    return visible_page(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"{body_html}\n</body>\n</html>\n"
    )


def badge(verdict: str, text: str | None = None, href: str | None = None) -> str:
    """A coloured verdict badge, a link when ``href`` is given."""
    cls = f"v v-{tone_of(verdict)}"
    label = escape(text if text is not None else verdict)
    if href:
        return f'<a class="{cls}" href="#{escape(href)}">{label}</a>'
    return f'<span class="{cls}">{label}</span>'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """Cells are HTML already (escape before passing them)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _code_list(items: Sequence[str]) -> str:
    """``", ".join(f"<code>{escape(x)}</code>" for x in items)``: a claim's run ids and reported values.
    When no item holds a character ``escape`` replaces (run ids never do), one join writes the list:
    about 1 M instructions less for the ~1,100 run ids of ``verify all``."""
    joined = "".join(items)
    if "&" in joined or "<" in joined or ">" in joined or '"' in joined or "'" in joined:
        return ", ".join(f"<code>{escape(x)}</code>" for x in items)
    return "<code>" + "</code>, <code>".join(items) + "</code>" if items else ""


def render_html(report: VerificationReport, title: str = "claimcheck verification report") -> str:
    """The report as one self-contained HTML page."""
    anchors = claim_anchors(cv.claim_id for cv in report.claims)
    counts = " ".join(badge(v, f"{v} {n}") for v, n in sorted(report.overall_counts.items()))
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="meta">{len(report.claims)} claims. Overall: {counts or "none"}</p>',
    ]
    if report.results_sources:
        parts.append(f'<p class="meta">Runs from: {escape("; ".join(report.results_sources))}</p>')
    parts.append('<nav><a href="#coverage">Coverage</a><a href="#verdicts">Verdicts</a>'
                 '<a href="#rules">Rules</a><a href="#evidence">Evidence</a></nav></header>')
    parts += [_coverage(report), _verdict_table(report, anchors), _rules(report)]
    parts.append(f'<h2 id="evidence">Evidence</h2>\n<p class="meta">Plot key: {_role_key()}</p>')
    parts += [_claim(cv, anchors, report.rules) for cv in report.claims]
    return render_page(title, "\n".join(parts))


def _role_key() -> str:
    return "".join(
        f'<span class="swatch" style="background:{ROLE_COLOURS.get(role, OTHER_COLOUR)}"></span>{escape(name)}'
        for role, name in ROLE_NAMES.items()
    )


def _coverage(report: VerificationReport) -> str:
    rows = []
    for tier in ordered_tiers(report):
        cov = report.coverage[tier]
        rows.append([escape(tier), str(cov.checked), str(cov.total), escape(coverage_counts_text(cov.counts)),
                     escape(coverage_reasons_text(cov.reasons))])
    out = ['<h2 id="coverage">Coverage</h2>',
           "<p>How many claims each tier could check, and why it could not check the others.</p>",
           _table(["tier", "checked", "of", "verdicts", "not checked: why"], rows)]
    below = [cv for cv in report.claims if fidelity_mark(cv.replication)]
    if below:
        items = ", ".join(f"{escape(cv.claim_id)} {_fidelity_tag(cv.replication)}" for cv in below)
        out.append(f"<p>Replications below full fidelity ({len(below)}): {items}. A proxy (substituted model or "
                   "data) can at most support or contradict a direction; only a full-fidelity replication can "
                   "reproduce a magnitude.</p>")
    meanings = "".join(f"<li>{badge(v)} {escape(m)}</li>" for v, m in MEANINGS.items())
    out.append(f"<details><summary>Verdict meanings</summary><ul>{meanings}</ul></details>")
    return "\n".join(out)


def _fidelity_tag(tier: TierResult) -> str:
    mark = fidelity_mark(tier)
    if not mark:
        return escape(tier.fidelity or "-")
    return f'<span class="mark proxy">{escape(mark)}</span>'


def _verdict_table(report: VerificationReport, anchors: dict[str, str]) -> str:
    rows = []
    for cv in report.claims:
        a = anchors[cv.claim_id]
        claim = f'<a href="#{a}">{escape(cv.claim_id)}</a>' + "".join(
            f'<span class="mark">{escape(m)}</span>' for m in claim_marks(cv))
        rows.append([
            claim,
            escape(cv.kind),
            escape(", ".join(cv.reported)) or "-",
            badge(cv.source.verdict, href=f"{a}-source"),
            badge(cv.replication.verdict, replication_label(cv.replication), href=f"{a}-replication"),
            _fidelity_tag(cv.replication),
            f'<span class="nowrap">{badge(cv.overall.value, href=a)} '
            f'<span class="meta">{escape(cv.overall_rule)}</span></span>',
        ])
    header = ["claim", "kind", "reported", "source", "replication", "fidelity", "overall"]
    return '<h2 id="verdicts">Verdicts</h2>\n' + _table(header, rows, "verdicts")


def _rules(report: VerificationReport) -> str:
    rows = ([escape(rid), escape(text)] for rid, text in report.rules)
    return ('<h2 id="rules">Rules for the overall verdict</h2>\n<p>The first matching row decides.</p>\n'
            + _table(["rule", "condition -> overall"], rows))


def _claim(cv: ClaimVerdict, anchors: dict[str, str], rules) -> str:
    a = anchors[cv.claim_id]
    marks = "".join(f'<span class="mark">{escape(m)}</span>' for m in claim_marks(cv))
    out = [f'<section class="claim" id="{a}">', f"<h3>{escape(cv.claim_id)}{marks}</h3>",
           f"<blockquote>{escape(cv.statement)}</blockquote>",
           f'<p class="meta">{escape(cv.kind)} · paper {escape(cv.paper_id)} {escape(cv.version)} '
           f"(pinned {escape(cv.pinned_version)}) · location: {escape(cv.location)}</p>"]
    if cv.reported:
        out.append("<p>Reported: " + _code_list(cv.reported) + "</p>")
    if is_superseded(cv):
        note = escape(superseded_note(cv))
        if cv.superseded_by in anchors:
            note += f' (<a href="#{anchors[cv.superseded_by]}">see {escape(cv.superseded_by)}</a>)'
        out.append(f'<p><span class="mark">superseded</span> {note}</p>')
    if cv.attributed_to:
        out.append(f'<p><span class="mark">attributed</span> {escape(attributed_note(cv))}</p>')
    if not cv.located:
        out.append(f'<p><span class="mark">not located</span> {escape(located_note(cv))}</p>')
    elif cv.location_note:
        out.append(f'<p class="meta">location note: {escape(cv.location_note)}</p>')
    out.append(f"<p>Overall: {badge(cv.overall.value)} rule {escape(cv.overall_rule)}: "
               f"{escape(rule_text(rules, cv.overall_rule))}</p>")
    all_spans = claim_spans(cv)
    # An implied value is on another scale (the missing cells' score, not the claimed gain): own plot.
    spans = [s for s in all_spans if s.role != "implied"]
    implied = [s for s in all_spans if s.role == "implied"]
    if spans:
        caption = "Reported interval against every derived and replicated interval."
        if fidelity_mark(cv.replication) and cv.replication.spans:
            caption += f" Replicated intervals come from a {fidelity_mark(cv.replication)} replication."
        if implied:
            caption += (" Implied values (not found numbers, on the missing cells' own scale, so not drawn): "
                        + "; ".join(f"{s.label} [{s.lo:.2f}, {s.hi:.2f}]" for s in implied) + ".")
        out.append(f"<figure>{render_svg_intervals(spans)}<figcaption>{escape(caption)}</figcaption></figure>")
    out.append(f'<div class="tier" id="{a}-source"><h4>Source tier: {badge(cv.source.verdict)}</h4>')
    out.append(_tier_body(cv.source))
    out += [_view(view) for view in cv.source.views]
    out.append("</div>")
    rep = cv.replication
    out.append(f'<div class="tier" id="{a}-replication"><h4>Replication tier: '
               f"{badge(rep.verdict, replication_label(rep))}</h4>")
    out.append(_tier_body(rep))
    out.append(_replication_facts(rep))
    out.append("</div>")
    if spans:
        rows = ([escape(s.role), escape(span_text(s)), escape(s.label)] for s in spans)
        out.append("<h4>Intervals</h4>" + _table(["role", "interval", "label"], rows))
    out.append("</section>")
    return "\n".join(out)


def _tier_body(tier: TierResult) -> str:
    out = f"<p>{escape(tier.summary)}</p>" if tier.summary else ""
    if tier.lines:
        out += "<pre>" + escape("\n".join(tier.lines)) + "</pre>"
    return out


def _replication_facts(rep: TierResult) -> str:
    items = []
    if rep.fidelity:
        note = escape(FIDELITY_NOTES.get(rep.fidelity, rep.fidelity))
        items.append(f"<li>Fidelity: {_fidelity_tag(rep)} {note}</li>")
    if rep.seeds or rep.seeds_needed:
        needed = f" (about {rep.seeds_needed} would decide)" if rep.seeds_needed else ""
        items.append(f"<li>Seeds: {rep.seeds}{needed}</li>")
    if rep.runs:
        items.append("<li>Runs: " + _code_list(rep.runs) + "</li>")
    if rep.failed_runs:
        items.append("<li>Failed runs (not evidence either way): "
                     + _code_list(rep.failed_runs) + "</li>")
    if rep.deviations:
        devs = "".join(f"<li>{escape(d)}</li>" for d in rep.deviations)
        items.append(f"<li>Deviations from the paper:<ul>{devs}</ul></li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _view(view: ViewResult) -> str:
    out = [f"<p>View <strong>{escape(view.label)}</strong>: {badge(view.verdict.value)}</p>"]
    if view.lines:
        out.append("<pre>" + escape("\n".join(view.lines)) + "</pre>")
    if view.cells:
        header = ["system", "task", "language", "metric", "split", "value", "origin", "reliability"]
        rows = ([escape(v) or "-" for v in (c.system, c.task, c.language, c.metric, c.split, c.value, c.origin,
                                              c.reliability)] for c in view.cells)
        out.append(_table(header, rows, "cells"))
    if view.missing:
        items = "".join(f"<li><code>{escape(m)}</code></li>" for m in view.missing)
        out.append(f"<p>Missing cells ({len(view.missing)}):</p><ul>{items}</ul>")
    return "\n".join(out)

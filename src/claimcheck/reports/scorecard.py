"""Scorecards of audited synthesis reports as terminal text, Markdown and JSON (pure renderers).

``render_scorecard_*`` render one report's scorecard; ``render_audit_*`` render a whole audit
(every scorecard, and with ``all_in_one`` the cross-report aggregate). The HTML page is in
``scorecard_html.py``. Report labels are shown by file name only, so output does not depend on
where the files lie. Markdown escapes every string that came from a report or the registry the way
the verification report does (``markdown.md_text``), so a synthesis carrying ``<script>`` or
``<img onerror=...>`` shows it as text. Every format shows a control character as the terminal
scorecard does (``visible``: ``\x1b``, ``\u202e``; JSON as a JSON escape, ``jsonout.json_text``), so
printed to a terminal, none of them can recolour, hide or reorder what is shown.

The JSON is strict, as the verification report's is: no ``NaN`` or ``Infinity``, which strict parsers
(JavaScript's ``JSON.parse``, Go's ``encoding/json``) refuse. Every number of the audit is finite where
it is made: a confidence is read only within 0..1, a quality score from at most three digits, and a
match score or share is a ratio of counts with a nonzero denominator (``audit.claim_match``). A
non-finite number would be a bug there, so it fails the rendering (``ValueError``) rather than being
written.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from claimcheck.audit.models import AuditResult, PassedOver, ReferenceAudit, RowAudit, Scorecard
from claimcheck.reports.jsonout import json_text
from claimcheck.reports.markdown import md_code, md_heading, md_text
from claimcheck.visible import visible

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def short(label: str) -> str:
    return PurePath(label).name or label


# whitespace but what ``visible`` shows as an escape (\x0b, \x0c, \x1c-\x1f, \x85, U+2028, U+2029: the HTML page shows
# them so, and a line or paragraph separator folded into a space would hide that the report holds one)
_SPACES = re.compile(r"[^\S\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")


def folded(text: str) -> str:
    """``text`` as one line: each run of whitespace one space, none at either end (as
    ``" ".join(text.split())``, but what ``visible`` shows as an escape is kept for it to show)."""
    return _SPACES.sub(" ", text).strip(" ")


def _clip(text: str, n: int) -> str:
    text = folded(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def headline(card: Scorecard) -> str:
    c = card.counts
    parts = [
        f"{c['rows']} rows",
        f"{c['matched']} matched",
        f"{c['unknown']} unknown",
        f"{c['truncated']} truncated",
        f"{c['ticks_without_evidence']}/{c['ticked']} ticks without evidence",
    ]
    for key, one, many in (("number_mismatch", "number mismatch", "number mismatches"),
                           ("negation_mismatch", "may state the opposite", "may state the opposite"),
                           ("model_size_mismatch", "model size differs", "model sizes differ"),
                           ("other_claim_count", "count another claim states otherwise", "counts other claims state otherwise"),
                           ("list_count_mismatch", "count differs from its own list", "counts differ from their own lists"),
                           ("name_mismatch", "names another task or model", "name other tasks or models"),
                           ("other_claim_direction", "ranking reverses another claim", "rankings reverse other claims"),
                           ("superseded", "quoting an old version", "quoting an old version"),
                           ("misattributed", "misattributed", "misattributed")):  # fmt: skip
        if c.get(key):
            parts.append(f"{c[key]} {one if c[key] == 1 else many}")
    parts.append(f"{c['references_without_claims']}/{c['references']} references hold none of the claims")
    parts.append(f"question {card.question.verdict}")
    return " · ".join(parts)


def stated(card: Scorecard) -> str:
    r = card.report
    bits = []
    if r.papers_retrieved is not None:
        bits.append(f"{r.papers_retrieved} papers retrieved")
    if r.claims_extracted is not None:
        bits.append(f"{r.claims_extracted} claims extracted")
    if r.claims_verified is not None:
        bits.append(f"{r.claims_verified} verified")
    if r.quality_score is not None:
        bits.append(f"quality {r.quality_score:g}" + (f"/{r.quality_scale:g}" if r.quality_scale else ""))
    return " · ".join(bits) or "no counts stated"


def row_flags(r: RowAudit) -> list[str]:
    flags = []
    if r.status == "unknown":
        flags.append("unknown claim")
    if r.row.truncated:
        flags.append("truncated")
    if r.number_mismatch:
        flags.append("number mismatch")
    if r.negation_mismatch:
        flags.append("may state the opposite")
    if r.model_size_mismatch:
        flags.append("model size differs")
    if r.other_claim_counts:
        flags.append("count differs from another claim")
    if r.list_count_mismatch:
        flags.append("count differs from its own list")
    if r.name_mismatch:
        flags.append("name differs")
    if r.other_claim_directions:
        flags.append("ranking differs from another claim")
    if r.superseded:
        flags.append(f"old version ({r.claim_version})")
    if r.status == "matched" and not r.claim_located:
        flags.append("not located in the paper")
    if r.tick_reasons:
        flags.append("tick without evidence")
    return flags


def passed_over_groups(passed: list[PassedOver]) -> list[tuple[str, list[str]]]:
    """The files passed over, by reason (in the order the reasons first come): ``[(reason, [path, ...])]``."""
    groups: dict[str, list[str]] = {}
    for x in passed:
        groups.setdefault(x.reason, []).append(x.path)
    return list(groups.items())


def passed_over_line(result: AuditResult) -> str:
    """``passed over, not audited: 2 file(s): README.md (shows no part of ...); audit.md (a scorecard ...)``
    (files by name, as reports are); "" when nothing was."""
    if not result.passed_over:
        return ""
    groups = "; ".join(f"{', '.join(short(p) for p in paths)} ({reason})" for reason, paths in passed_over_groups(result.passed_over))
    return f"passed over, not audited: {len(result.passed_over)} file(s): {groups}"


def row_names(card: Scorecard, numbers: list[int]) -> str:
    """Rows by position, each with the table's own number where that differs ("2, 4 (its #7)")."""
    shown = {x.row.number: x.row.shown for x in card.rows}
    return ", ".join(shown.get(n, str(n)) for n in numbers)


def ref_holds(ref: ReferenceAudit, card: Scorecard | None = None) -> str:
    if ref.rows:
        return f"row{'s' if len(ref.rows) > 1 else ''} {row_names(card, ref.rows) if card else ', '.join(map(str, ref.rows))}"
    return "not checked (not an arXiv reference)" if ref.status == "not arXiv" else "none of the listed claims"


def tick(r: RowAudit) -> str:
    return {True: "✓", False: "✗"}.get(r.row.verified, r.row.verified_mark or "–")


def conf(r: RowAudit) -> str:
    return f"{r.row.confidence:.2f}" if r.row.confidence is not None else (r.row.confidence_text or "–")


CONTRADICTED_NOTE = "of the registry claim, which this row contradicts"


def verdict_text(r: RowAudit) -> str:
    if r.verdict is None:
        return "–" if r.status == "unknown" else "not verified"
    note = f"; {CONTRADICTED_NOTE}" if r.contradicts else ""
    return f"{r.verdict.overall} (source {r.verdict.source}, replication {r.verdict.replication}{note})"


def sorted_findings(card: Scorecard):
    return sorted(card.findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.row or 0))


# ----------------------------------------------------------------------------------------- terminal


def render_scorecard_terminal(card: Scorecard) -> str:
    r, a, q = card.report, card.attribution, card.question
    out = [f"━━ scorecard: {short(r.label)} ━━", f"title:     {r.title or '(none found)'}" + (f"  ({r.date})" if r.date else "")]
    ex = f"  → {a.examined_label}" if a.examined_label else "  → not identified"
    out += [f"examines:  {r.examined_paper or '(not stated)'}{ex}", f"question:  {r.research_question or '(not stated)'}"]
    out += [f"states:    {stated(card)}", f"audit:     {headline(card)}", "", "claims"]
    out.append(f"  {'#':>2}  {'tick':4} {'conf':5} {'canonical claim':44} {'score':5}  {'registry verdict':24} flags")
    for x in card.rows:
        cid = x.claim_id or (f"? nearest {x.best.claim_id}" if x.best else "?")
        score = f"{x.best.score:.2f}" if x.best else "  –  "
        overall = x.verdict.overall if x.verdict else ("–" if x.status == "unknown" else "not verified")
        overall += " (claim; not this row)" if x.verdict and x.contradicts else ""
        out.append(f"  {x.row.shown:>2}  {tick(x):4} {conf(x):5} {_clip(cid, 44):44} {score:5}  {overall:24} {', '.join(row_flags(x))}")
        out.append(f"        \"{_clip(x.row.text, 100)}\"")
    out += ["", "attribution"]
    cited = {True: "yes", False: "NO", None: "unknown (paper not identified)"}[a.examined_in_references]
    version = f" (cited {a.examined_cited_version}; registry pins {a.pinned_version})" if a.examined_cited_version and a.pinned_version else ""
    out.append(f"  examined paper in the reference list: {cited}{version}")
    for ref in a.references:
        holds = ref_holds(ref, card)
        ident = f"arXiv {ref.arxiv_id}{ref.cited_version or ''}" if ref.arxiv_id else ref.text
        out.append(f"  - {ident}: {ref.label} — {holds}")
    out += ["", f"research question: {q.verdict}"]
    for f in q.facets:
        mark = "✓" if f.rows else "✗"
        where = f"row{'s' if len(f.rows) > 1 else ''} {row_names(card, f.rows)}" if f.rows else "no listed claim"
        out.append(f"  {mark} {f.label}{'' if f.core else ' (context)'}: {where}" + (f" — {f.note}" if f.note else ""))
    out += ["", "internal consistency"]
    for c in card.checks:
        out.append(f"  {'✓' if c.ok else '✗'} {c.name}: stated {c.stated}" + (f", found {c.observed}" if c.observed else ""))
    for s in card.spreads:
        vals = "; ".join(f"{short(k)}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
        out.append(f"  ✗ confidence of {s.key}{' (same sentence)' if s.same_text else ''}: {vals}")
    out += ["", "findings"]
    for f in sorted_findings(card):
        out.append(f"  {f.severity.upper():7} {f.message}")
    return "\n".join(out) + "\n"


def render_aggregate_terminal(result: AuditResult) -> str:
    agg = result.aggregate
    if agg is None:
        return ""
    out = [f"━━ across {agg.reports} reports: {agg.rows} rows, {agg.unknown_rows} unknown ━━", "recurring canonical claims"]
    for c in agg.claims:
        verdict = (c.verdict.overall if c.verdict else "not verified") + ("" if c.located else " (not located in the paper)")
        confs = ", ".join(f"{v:.2f}" for v in c.confidences)
        out.append(f"  {len(c.reports)}× {c.claim_id}: {verdict}; ticked {c.ticked}/{c.rows}; confidences {confs or '–'}")
    if agg.spreads:
        out.append("same claim, different confidence")
        for s in agg.spreads:
            vals = "; ".join(f"{short(k)}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
            out.append(f"  {s.key}{' (same sentence)' if s.same_text else ''}: {vals}")
    out.append("findings over all reports (how many findings; one may cover several rows): " + ", ".join(f"{k} {n}" for k, n in agg.finding_counts.items()))
    return "\n".join(out) + "\n"


def render_audit_terminal(result: AuditResult, *, all_in_one: bool = False, passed_over: bool = True) -> str:
    """The terminal scorecards; ``passed_over=False`` leaves out the line naming what a folder scan
    passed over, for a screen that shows the same line as a ``note:`` on standard error."""
    parts = [folded(passed_over_line(result)) + "\n"] if result.passed_over and passed_over else []
    parts += [render_scorecard_terminal(c) for c in result.scorecards]
    if all_in_one:
        parts.append(render_aggregate_terminal(result))
    return visible("\n".join(parts))


# ----------------------------------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """Report or registry text as one escaped line of Markdown (no tag, link or emphasis survives)."""
    return md_text(folded(text))


def render_scorecard_markdown(card: Scorecard, *, level: int = 2) -> str:
    h = "#" * level
    r, a, q = card.report, card.attribution, card.question
    out = [f"{h} Scorecard: {md_heading(folded(short(r.label)))}", ""]
    out += [f"- **Title:** {_md(r.title or '(none found)')}" + (f" ({_md(r.date)})" if r.date else "")]
    out += [f"- **Examines:** {_md(r.examined_paper or '(not stated)')}" + (f" → {_md(a.examined_label)}" if a.examined_label else " → not identified")]
    out += [f"- **Question:** {_md(r.research_question or '(not stated)')}", f"- **States:** {stated(card)}", f"- **Audit:** {headline(card)}", ""]
    out += [f"{h}# Claims", "", "| # | tick | conf | canonical claim | match | registry verdict | flags | row text |", "|---|---|---|---|---|---|---|---|"]
    for x in card.rows:
        if x.claim_id:
            claim = md_code(x.claim_id)
        else:
            claim = f"unknown (nearest {md_code(x.best.claim_id)})" if x.best else "unknown"
        match = f"{x.best.score:.2f} {x.method}".strip() if x.best else "–"
        out.append(f"| {_md(x.row.shown)} | {_md(tick(x))} | {_md(conf(x))} | {claim} | {_md(match)} | {_md(verdict_text(x))} | {_md(', '.join(row_flags(x)))} | {_md(x.row.text)} |")
    out += ["", f"{h}# Attribution", ""]
    cited = {True: "yes", False: "**no**", None: "unknown (paper not identified)"}[a.examined_in_references]
    version = f" (cited {a.examined_cited_version}; registry pins {a.pinned_version})" if a.examined_cited_version and a.pinned_version else ""
    out += [f"Examined paper in the reference list: {cited}{version}", "", "| reference | identified as | listed claims it holds |", "|---|---|---|"]
    for ref in a.references:
        holds = ", ".join(md_code(c) for c in ref.claims) if ref.claims else ("not checked" if ref.status == "not arXiv" else "**none**")
        ident = _md(f"arXiv {ref.arxiv_id}{ref.cited_version or ''}" if ref.arxiv_id else ref.text)
        topic = f" — {ref.topic}" if ref.topic else ""
        out.append(f"| {ident} | {_md(ref.label + topic)} | {holds} |")
    out += ["", f"{h}# Research question: {q.verdict}", "", _md(q.message), ""]
    for f in q.facets:
        where = f"row{'s' if len(f.rows) > 1 else ''} {_md(row_names(card, f.rows))}" if f.rows else "no listed claim"
        out.append(f"- {'✓' if f.rows else '✗'} {_md(f.label)}{'' if f.core else ' (context)'}: {where}" + (f" — {_md(f.note)}" if f.note else ""))
    out += ["", f"{h}# Internal consistency", "", "| check | stated | found | |", "|---|---|---|---|"]
    for c in card.checks:
        out.append(f"| {_md(c.name)} | {_md(c.stated)} | {_md(c.observed)} | {'ok' if c.ok else '**inconsistent**'} |")
    for s in card.spreads:
        vals = "; ".join(f"{_md(short(k))}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
        out.append(f"| confidence of {md_code(s.key)}{' (same sentence)' if s.same_text else ''} | {vals} | | **differs** |")
    out += ["", f"{h}# Findings", ""]
    out += [f"- **{f.severity}** ({f.code}): {_md(f.message)}" for f in sorted_findings(card)]
    return visible("\n".join(out) + "\n")


def render_aggregate_markdown(result: AuditResult, *, level: int = 2) -> str:
    agg = result.aggregate
    if agg is None:
        return ""
    h = "#" * level
    out = [f"{h} Across {agg.reports} reports", "", f"{agg.rows} rows, {agg.unknown_rows} unknown.", ""]
    out += ["| canonical claim | reports | rows ticked | confidences | registry verdict |", "|---|---|---|---|---|"]
    for c in agg.claims:
        verdict = f"{c.verdict.overall} (source {c.verdict.source})" if c.verdict else "not verified"
        verdict += "" if c.located else "; not located in the paper"
        out.append(f"| {md_code(c.claim_id)} | {len(c.reports)} | {c.ticked}/{c.rows} | {', '.join(f'{v:.2f}' for v in c.confidences) or '–'} | {verdict} |")
    if agg.spreads:
        out += ["", "Same claim, different confidence:", ""]
        for s in agg.spreads:
            vals = "; ".join(f"{_md(short(k))}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
            out.append(f"- {md_code(s.key, cell=False)}{' (same sentence)' if s.same_text else ''}: {vals}")
    out += ["", "Findings over all reports (how many findings; one may cover several rows): " + ", ".join(f"{k} {n}" for k, n in agg.finding_counts.items())]
    return "\n".join(out) + "\n"


def render_audit_markdown(result: AuditResult, *, all_in_one: bool = False, title: str = "claimcheck audit of synthesis reports") -> str:
    parts = [f"# {md_heading(folded(title))}", "", f"Registry: {result.registry_claims} claims. Verdicts: {_md(result.verdicts_from or 'from the verifier')}.", ""]
    if result.problems:
        parts += ["Inputs that could not be audited:", ""] + [f"- {_md(short(p.path))}: {_md(p.message)}" for p in result.problems] + [""]
    if result.passed_over:  # files of a folder given that are no reports
        parts += ["Passed over, not audited:", ""] + [f"- {_md(short(p.path))}: {_md(p.reason)}" for p in result.passed_over] + [""]
    if all_in_one:
        parts.append(render_aggregate_markdown(result))
    parts += [render_scorecard_markdown(c) for c in result.scorecards]
    return visible("\n".join(parts))


# --------------------------------------------------------------------------------------------- json


# The audit's models hold only JSON types, so they are dumped in Python mode: in JSON mode pydantic
# turns a byte of a dict key that was not UTF-8 (a report label in ``spreads``) into three U+FFFD,
# unlike the same label elsewhere, which ``visible_json`` shows as "\\xff".


def render_audit_json(result: AuditResult, *, all_in_one: bool = False) -> str:
    data = result.model_dump()
    if not all_in_one:
        data["aggregate"] = None
    return json_text(data)


def render_scorecard_json(card: Scorecard) -> str:
    return json_text(card.model_dump())

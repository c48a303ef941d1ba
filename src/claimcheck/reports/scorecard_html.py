"""The audit scorecards as one self-contained HTML page (the frame and CSS of ``reports/html.py``).

Every string that came from a report passes through ``html.escape``; ``render_page`` adds the
Content-Security-Policy that forbids scripts and remote loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from claimcheck.reports.html import badge, render_page
from claimcheck.reports.labels import anchors_for
from claimcheck.reports.scorecard import CONTRADICTED_NOTE, conf, headline, row_flags, row_names, short, sorted_findings, stated, tick
from claimcheck.audit.models import AuditResult, Scorecard

_SEVERITY_TONE = {"error": "contradicted", "warning": "inconclusive", "info": "unverified"}


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_anchors(cards: Iterable[Scorecard]) -> dict[str, str]:
    """Each report's section anchor (``report-`` and its file name, ``labels.anchors_for``): two files
    of one name in two folders, or ``a.md`` and ``a-md``, get two anchors (the path then decides the
    hash that tells them apart)."""
    return anchors_for((c.report.label for c in cards), "report-", name=short)


def render_scorecard_section(card: Scorecard, anchor: str | None = None) -> str:
    r, a, q = card.report, card.attribution, card.question
    e = escape
    anchor = anchor or report_anchors([card])[r.label]
    parts = [f'<section class="claim" id="{e(anchor)}">', f"<h2>Scorecard: {e(short(r.label))}</h2>"]
    examined = e(a.examined_label) if a.examined_label else "not identified"
    parts.append(
        f'<p class="meta"><b>{e(r.title or "(no title found)")}</b> {e(r.date)}<br>'
        f"examines: {e(r.examined_paper or '(not stated)')} → {examined}<br>"
        f"question: {e(r.research_question or '(not stated)')}<br>states: {e(stated(card))}</p>"
        f"<p><b>Audit:</b> {e(headline(card))}</p>"
    )
    rows = []
    for x in card.rows:
        if x.claim_id:
            claim = f"<code>{e(x.claim_id)}</code>"
        else:
            claim = f"unknown (nearest <code>{e(x.best.claim_id)}</code>)" if x.best else "unknown"
        match = f"{x.best.score:.2f} {e(x.method)}" if x.best else "–"
        verdict = badge(x.verdict.overall) + f' <span class="meta">source {e(x.verdict.source)}</span>' if x.verdict else "–"
        verdict += f'<br><span class="meta">{e(CONTRADICTED_NOTE)}</span>' if x.verdict and x.contradicts else ""
        flags = "".join(f'<span class="mark">{e(f)}</span>' for f in row_flags(x))
        why = f'<br><span class="meta">{e("; ".join(x.tick_reasons))}</span>' if x.tick_reasons else ""
        rows.append([e(x.row.shown), e(tick(x)), e(conf(x)), claim, match, verdict, flags, e(x.row.text) + why])
    parts += ["<h3>Claims</h3>", _table(["#", "tick", "conf", "canonical claim", "match", "registry verdict", "flags", "row text"], rows)]
    cited = {True: "yes", False: "<b>no</b>", None: "unknown (paper not identified)"}[a.examined_in_references]
    ref_rows = []
    for ref in a.references:
        ident = f"arXiv {e(ref.arxiv_id)}{e(ref.cited_version or '')}" if ref.arxiv_id else e(ref.text)
        if ref.claims:
            holds = ", ".join(f"<code>{e(c)}</code>" for c in ref.claims)
        else:
            holds = "not checked (not arXiv)" if ref.status == "not arXiv" else badge("contradicted", "none")
        ref_rows.append([ident, e(ref.label) + (f'<br><span class="meta">{e(ref.topic)}</span>' if ref.topic else ""), holds])
    parts += ["<h3>Attribution</h3>", f"<p>Examined paper in the reference list: {cited}</p>",
              _table(["reference", "identified as", "listed claims it holds"], ref_rows)]  # fmt: skip
    facets = "".join(
        f"<li>{'✓' if f.rows else '✗'} {e(f.label)}{'' if f.core else ' (context)'}: "
        f"{('row ' if len(f.rows) == 1 else 'rows ') + e(row_names(card, f.rows)) if f.rows else 'no listed claim'}{' — ' + e(f.note) if f.note else ''}</li>"
        for f in q.facets
    )
    parts += [f"<h3>Research question: {e(q.verdict)}</h3>", f"<p>{e(q.message)}</p><ul>{facets}</ul>"]
    checks = [[e(c.name), e(c.stated), e(c.observed), badge("supported", "ok") if c.ok else badge("contradicted", "inconsistent")] for c in card.checks]
    for s in card.spreads:
        vals = "; ".join(f"{e(short(k))}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
        checks.append([f"confidence of <code>{e(s.key)}</code>" + (" (same sentence)" if s.same_text else ""), vals, "", badge("contradicted", "differs")])
    parts += ["<h3>Internal consistency</h3>", _table(["check", "stated", "found", ""], checks)]
    items = "".join(f"<li>{badge(_SEVERITY_TONE[f.severity], f.severity)} {e(f.message)}</li>" for f in sorted_findings(card))
    parts += ["<h3>Findings</h3>", f"<ul>{items}</ul>", "</section>"]
    return "\n".join(parts)


def _aggregate_section(result: AuditResult) -> str:
    agg = result.aggregate
    if agg is None:
        return ""
    e = escape
    rows = [
        [f"<code>{e(c.claim_id)}</code>", str(len(c.reports)), f"{c.ticked}/{c.rows}", ", ".join(f"{v:.2f}" for v in c.confidences) or "–",
         (badge(c.verdict.overall) if c.verdict else "not verified") + ("" if c.located else " not located in the paper")]
        for c in agg.claims
    ]  # fmt: skip
    spreads = "".join(
        f"<li><code>{e(s.key)}</code>{' (same sentence)' if s.same_text else ''}: "
        + "; ".join(f"{e(short(k))}: {', '.join(f'{v:.2f}' for v in vs)}" for k, vs in s.values.items())
        + "</li>"
        for s in agg.spreads
    )
    counts = ", ".join(f"{e(k)} {n}" for k, n in agg.finding_counts.items())
    return (
        f'<section id="aggregate"><h2>Across {agg.reports} reports</h2><p>{agg.rows} rows, {agg.unknown_rows} unknown.</p>'
        + _table(["canonical claim", "reports", "rows ticked", "confidences", "registry verdict"], rows)
        + (f"<h3>Same claim, different confidence</h3><ul>{spreads}</ul>" if spreads else "")
        + f"<p>Findings over all reports (how many findings; one may cover several rows): {counts}</p></section>"
    )


def render_audit_html(result: AuditResult, *, all_in_one: bool = False, title: str = "claimcheck audit of synthesis reports") -> str:
    anchors = report_anchors(result.scorecards)
    nav = " ".join(f'<a href="#{escape(anchors[c.report.label])}">{escape(short(c.report.label))}</a>' for c in result.scorecards)
    problems = "".join(f"<li>{escape(short(p.path))}: {escape(p.message)}</li>" for p in result.problems)
    passed = "".join(f"<li>{escape(short(p.path))}: {escape(p.reason)}</li>" for p in result.passed_over)
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Registry: {result.registry_claims} claims. Verdicts: {escape(result.verdicts_from or "from the verifier")}.</p>',
        f"<nav>{nav}</nav>",
    ]
    if problems:
        body.append(f"<p>Inputs that could not be audited:</p><ul>{problems}</ul>")
    if passed:  # files of a folder given that are no reports
        body.append(f"<p>Passed over, not audited:</p><ul>{passed}</ul>")
    if all_in_one:
        body.append(_aggregate_section(result))
    body += [render_scorecard_section(c, anchors[c.report.label]) for c in result.scorecards]
    return render_page(title, "\n".join(body))


def render_scorecard_html(card: Scorecard) -> str:
    return render_page(f"Scorecard: {short(card.report.label)}", render_scorecard_section(card))

"""Auditing synthesis reports against the claim registry (pure: values in, a scorecard out).

Per report (issue 3, sections 1-5):

1. resolution (``resolve``): each row is matched to a canonical claim, unknown rows are kept,
   truncated rows marked, numbers, negation, model sizes and directions compared with the claim's,
   quotations of a superseded version flagged, and the registry's verdict is put beside the report's
   tick;
2. ticks without evidence (``findings``, which also words every row's findings): a tick with
   a confidence below ``LOW_CONFIDENCE``, or on a claim the registry cannot support (verdict in
   ``WEAK_VERDICTS``), or on an unknown row;
3. attribution (``attribution.py``): the work each claim really comes from, the references that
   hold none of the listed claims, and whether the examined paper is cited;
4. research-question coverage (``question.py``);
5. internal consistency: the report's own counts against its table and reference list, and
   (across reports, in ``audit_reports``) the confidence the same claim gets.

This module puts them together: ``audit_report`` gives one report's scorecard, ``audit_reports``
every report's with the cross-report spreads and the aggregate (``aggregate``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from claimcheck.claims.models import Paper
from claimcheck.claims.names import KnownNames
from claimcheck.claims.registry import Registry
from claimcheck.sources.bibliography import Bibliography
from claimcheck.sources.synthesis import SynthesisReport
from claimcheck.sources.synthesis_table import EMPTY_NOTES
from claimcheck.audit.attribution import check_attribution, resolve_examined
from claimcheck.audit.aggregate import aggregate, confidence_spreads, spread_finding
from claimcheck.audit.findings import LOW_CONFIDENCE, SHOWN_CLAIMS, WEAK_VERDICTS, row_findings, tick_reasons
from claimcheck.audit.models import AuditResult, Check, Finding, InputProblem, PassedOver, ReportInfo, Scorecard, VerdictView
from claimcheck.audit.resolve import (
    EXAMINED_MARGIN,
    NEAR_MISS,
    NEAR_MISS_TERMS,
    _prefer_examined,
    candidate_floor,
    opposite_reason,
    resolve_row,
)
from claimcheck.audit.foreign_names import PaperMentions
from claimcheck.audit.paper_names import PaperNames
from claimcheck.audit.question import FACETS, check_question
from claimcheck.verifier.verdict import VerificationReport

__all__ = [
    "EXAMINED_MARGIN", "LOW_CONFIDENCE", "NEAR_MISS", "NEAR_MISS_TERMS", "SHOWN_CLAIMS", "WEAK_VERDICTS",
    "_prefer_examined", "audit_report", "audit_reports", "candidate_floor", "opposite_reason", "resolve_row",
    "row_findings", "tick_reasons", "verdict_views",
]  # fmt: skip


def verdict_views(report: VerificationReport | None) -> dict[str, VerdictView]:
    """The verifier's verdicts reduced to what a scorecard shows beside a tick."""
    if report is None:
        return {}
    views = {}
    for v in report.claims:
        summary = v.source.summary
        if v.replication.verdict not in ("not_run",):
            summary += f"; replication: {v.replication.summary}"
        views[v.claim_id] = VerdictView(
            overall=v.overall.value, source=v.source.verdict, replication=v.replication.verdict, summary=summary
        )
    return views



def _consistency(report: SynthesisReport) -> list[Check]:
    checks = []
    n_refs, n_rows = len(report.references), len(report.rows) + report.rows_dropped
    if report.papers_retrieved is not None:
        checks.append(Check(name="papers retrieved vs references listed", stated=str(report.papers_retrieved), observed=str(n_refs),
                            ok=report.papers_retrieved == n_refs,
                            message=f"says {report.papers_retrieved} papers were retrieved but lists {n_refs} reference(s)"))
    mentions = sorted(set(report.papers_retrieved_mentions))
    if len(mentions) > 1:
        checks.append(Check(name="papers retrieved, stated twice", stated=" and ".join(map(str, mentions)), observed="",
                            ok=False, message=f"states {' and '.join(map(str, mentions))} papers retrieved in different places"))
    if report.claims_extracted is not None:
        checks.append(Check(name="claims extracted vs table rows", stated=str(report.claims_extracted), observed=str(n_rows),
                            ok=report.claims_extracted == n_rows,
                            message=f"says {report.claims_extracted} claims were extracted; the table has {n_rows} row(s)"))
    if report.claims_verified is not None:
        # the rows past the row cap count too (their ticks were counted, not kept): the report's count is of them all
        ticked = sum(1 for r in report.rows if r.verified is True) + report.rows_dropped_ticked
        past = (f" ({report.rows_dropped_ticked} of them among the {report.rows_dropped} rows past the cap, counted but not audited)"
                if report.rows_dropped_ticked else "")
        # a table without a Verified column has no tick to count: it is not that no row is ticked
        where = ("the claims table has no Verified column to show which" if report.columns and "verified" not in report.columns
                 else f"{ticked} row(s) carry a tick{past}")
        checks.append(Check(name="claims verified vs ticked rows", stated=str(report.claims_verified), observed=str(ticked),
                            ok=report.claims_verified == ticked,
                            message=f"says {report.claims_verified} claims were verified; {where}"))
    if report.quality_score is not None and report.quality_scale:
        checks.append(Check(name="quality score within its scale", stated=f"{report.quality_score:g}/{report.quality_scale:g}", observed="",
                            ok=0 <= report.quality_score <= report.quality_scale,
                            message=f"quality score {report.quality_score:g} lies outside 0-{report.quality_scale:g}"))
    return checks



def audit_report(report: SynthesisReport, registry: Registry, verdicts: Mapping[str, VerdictView], bibliography: Bibliography,
                 names: PaperNames | None = None, mentions: PaperMentions | None = None) -> Scorecard:
    """The scorecard of one report (cross-report confidence spreads are added by ``audit_reports``)."""
    examined_id = resolve_examined(report.examined_paper, registry, bibliography)
    names = names or PaperNames(registry)
    mentions = mentions or PaperMentions(registry)
    rows = [resolve_row(r, registry, verdicts, bibliography, examined_id, names, mentions) for r in report.rows]
    attribution, attr_findings = check_attribution(report, rows, registry, bibliography)
    texts = [(r.row.number, r.row.text + (" " + registry.claims[r.claim_id].statement if r.claim_id else "")) for r in rows]
    examined = bibliography.lookup(attribution.examined_id)
    years = {f.introduced_by: e.year for f in FACETS if f.introduced_by and (e := bibliography.lookup(f.introduced_by)) and e.year}
    question = check_question(report.research_question, texts, examined_year=examined.year if examined else None, facet_years=years,
                              shown={r.row.number: r.row.shown for r in rows})
    checks = _consistency(report)

    findings = row_findings(rows, registry) + attr_findings
    if question.verdict in ("not addressed", "partly addressed"):
        findings.append(Finding(code=f"question_{question.verdict.replace(' ', '_')}", severity="warning", section="question", message=question.message))
    findings += [Finding(code="question_facet_postdates", severity="info", section="question", message=f.note) for f in question.facets if f.note]
    findings += [Finding(code="count_mismatch", severity="warning", section="consistency", message=c.message) for c in checks if not c.ok]
    # a report of which no row was read was not audited: an error, so that `audit --strict` does not pass it
    findings += [Finding(code="no_claims_table", severity="error", section="parser", message=EMPTY_NOTES[n]) if n in EMPTY_NOTES
                 else Finding(code="parser_note", severity="info", section="parser", message=n) for n in report.notes]

    info = ReportInfo(
        label=report.label, format=report.format, title=report.title, date=report.date, examined_paper=report.examined_paper,
        research_question=report.research_question, papers_retrieved=report.papers_retrieved,
        claims_extracted=report.claims_extracted, claims_verified=report.claims_verified,
        quality_score=report.quality_score, quality_scale=report.quality_scale,
        rows=len(report.rows), references=len(report.references), notes=list(report.notes),
    )  # fmt: skip
    counts = {
        "rows": len(rows),
        "matched": sum(r.status == "matched" for r in rows),
        "unknown": sum(r.status == "unknown" for r in rows),
        "truncated": sum(r.row.truncated for r in rows),
        "number_mismatch": sum(r.number_mismatch for r in rows),
        "negation_mismatch": sum(bool(r.negation_mismatch) for r in rows),
        "model_size_mismatch": sum(bool(r.model_size_mismatch) for r in rows),
        "other_claim_count": sum(bool(r.other_claim_counts) for r in rows),
        "list_count_mismatch": sum(bool(r.list_count_mismatch) for r in rows),
        "name_mismatch": sum(bool(r.name_mismatch) for r in rows),
        "other_claim_direction": sum(bool(r.other_claim_directions) for r in rows),
        "superseded": sum(r.superseded for r in rows),
        "ticked": sum(r.row.verified is True for r in rows),
        "ticks_without_evidence": sum(bool(r.tick_reasons) for r in rows),
        "misattributed": sum(f.code == "misattributed" for f in attr_findings),
        "references": len(report.references),
        "references_without_claims": sum(f.code == "reference_without_claims" for f in attr_findings),
        "checks_failed": sum(not c.ok for c in checks),
    }
    return Scorecard(report=info, rows=rows, attribution=attribution, question=question, checks=checks, findings=findings, counts=counts)


def audit_reports(
    reports: Sequence[SynthesisReport],
    registry: Registry,
    verdicts: Mapping[str, VerdictView],
    bibliography: Bibliography,
    problems: Sequence[InputProblem] = (),
    verdicts_from: str = "",
    passed_over: Sequence[PassedOver] = (),
    known_names: Callable[[Paper], KnownNames] | None = None,
) -> AuditResult:
    """Scorecards for every report, the cross-report confidence spreads, and the aggregate.
    ``known_names``: the names ``claimcheck validate`` knows for a paper besides its registry entries
    (the task catalogue, the presets' arms), asked only for a name a row puts in place of a claim's."""
    names, mentions = PaperNames(registry, known_names), PaperMentions(registry)
    cards = [audit_report(r, registry, verdicts, bibliography, names, mentions) for r in reports]
    spreads = confidence_spreads(cards, registry)
    updated = []
    for card in cards:
        mine = [s for s in spreads if card.report.label in s.values]
        extra = [spread_finding(s, card.report.label) for s in mine]
        counts = {**card.counts, "confidence_spreads": len(mine)}
        updated.append(card.model_copy(update={"spreads": mine, "findings": card.findings + extra, "counts": counts}))
    return AuditResult(
        scorecards=updated,
        aggregate=aggregate(updated, registry, verdicts, spreads),
        problems=list(problems),
        passed_over=list(passed_over),
        registry_claims=len(registry.claims),
        verdicts_from=verdicts_from,
    )

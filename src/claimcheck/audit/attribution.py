"""Attribution: whose claim each row really is, what the cited references contribute, and whether
the examined paper is cited at all. Pure; names papers from the bundled bibliography (title, year)
and says "unidentified" where the bibliography cannot name a paper.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from claimcheck.claims.models import Claim
from claimcheck.claims.registry import Registry
from claimcheck.sources.bibliography import Bibliography
from claimcheck.sources.synthesis import SynthesisReport
from claimcheck.audit.models import Attribution, Finding, ReferenceAudit, RowAudit


def _norm(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def paper_label(paper_id: str, registry: Registry, bibliography: Bibliography) -> str:
    entry = bibliography.lookup(paper_id)
    if entry and entry.status == "identified":
        year = f" ({entry.year})" if entry.year and str(entry.year) not in entry.short else ""
        return f"{entry.label()}{year}, arXiv {paper_id}"
    paper = registry.papers.get(paper_id)
    if paper:
        return f'"{paper.title}" ({paper.year}), arXiv {paper_id}'
    return (entry or bibliography.describe(paper_id)).label()


def source_of(claim: Claim, registry: Registry, bibliography: Bibliography) -> tuple[str, str]:
    """(arXiv id or free text, readable label) of the work a claim really comes from."""
    if claim.attributed_to:
        entry = bibliography.find_work(claim.attributed_to)
        if entry:
            return entry.arxiv_id, paper_label(entry.arxiv_id, registry, bibliography)
        return claim.attributed_to, claim.attributed_to
    return claim.paper_id, paper_label(claim.paper_id, registry, bibliography)


def resolve_examined(title: str, registry: Registry, bibliography: Bibliography) -> str | None:
    """The arXiv id of the paper a report says it examines, by its title (exact, then close)."""
    want = _norm(title)
    if not want:
        return None
    known = [(p.id, p.title) for p in registry.papers.values()] + [(e.arxiv_id, e.title) for e in bibliography.entries.values() if e.title]
    for pid, t in known:
        if _norm(t) == want:
            return pid
    best = max(known, key=lambda k: SequenceMatcher(None, want, _norm(k[1])).ratio(), default=None)
    if best and SequenceMatcher(None, want, _norm(best[1])).ratio() >= 0.9:
        return best[0]
    return None


def check_attribution(
    report: SynthesisReport, rows: list[RowAudit], registry: Registry, bibliography: Bibliography
) -> tuple[Attribution, list[Finding]]:
    findings: list[Finding] = []
    examined_id = resolve_examined(report.examined_paper, registry, bibliography)
    examined_label = paper_label(examined_id, registry, bibliography) if examined_id else ""
    cited = {r.arxiv_id: r for r in report.references if r.arxiv_id}
    pinned = registry.papers[examined_id].version if examined_id and examined_id in registry.papers else None
    unknown_rows = sum(r.status == "unknown" for r in rows)

    # Each row's real source against the examined paper and the reference list.
    not_cited: dict[str, list[str]] = {}  # each row as shown: its position, and the table's own number where that differs
    for r in rows:
        if r.status != "matched" or not r.source_work:
            continue
        n = r.row.number
        if examined_id and r.source_work != examined_id:
            claim = registry.claims[r.claim_id]
            how = "a result the examined paper only cites" if claim.attributed_to else "a claim of another paper"
            message = f"row {r.row.shown} is {how}: it comes from {r.source_label}, not from the examined paper ({examined_label})"
            # Citing the real source lets a reader find it: the table's attribution is then misleading, not false.
            if r.source_work in cited:
                message += "; the report does cite that work, but its table lists the row among the examined paper's claims"
            findings.append(Finding(code="misattributed", severity="warning" if r.source_work in cited else "error",
                                    section="attribution", row=n, claim_id=r.claim_id, message=message))
        if r.source_work not in cited and r.source_work != examined_id:  # the examined paper has its own finding
            not_cited.setdefault(r.source_work, []).append(r.row.shown)
    for work, nums in not_cited.items():
        label = next(r.source_label for r in rows if r.source_work == work)
        findings.append(Finding(code="source_not_cited", severity="warning", section="attribution", reference=work,
                                message=f"the source of row{'s' if len(nums) > 1 else ''} {', '.join(nums)}, {label}, is not in the reference list"))

    # Each reference: which listed claims it holds.
    refs = []
    for ref in report.references:
        if not ref.arxiv_id:
            refs.append(ReferenceAudit(text=ref.text, status="not arXiv", label=ref.url or ref.text))
            findings.append(Finding(code="reference_not_identified", severity="info", section="attribution",
                                    message=f"reference \"{ref.text[:80]}\" is not an arXiv reference: not checked"))
            continue
        entry = bibliography.describe(ref.arxiv_id)
        holds = [r for r in rows if r.status == "matched" and r.source_work == ref.arxiv_id]
        audit = ReferenceAudit(
            text=ref.text, arxiv_id=ref.arxiv_id, cited_version=ref.arxiv_version, status=entry.status,
            label=paper_label(ref.arxiv_id, registry, bibliography), year=entry.year, topic=entry.topic,
            is_examined=ref.arxiv_id == examined_id,
            claims=sorted({r.claim_id for r in holds if r.claim_id}), rows=[r.row.number for r in holds],
        )  # fmt: skip
        refs.append(audit)
        if entry.status != "identified":
            why = f"of uncertain identity ({entry.note})" if entry.status == "uncertain" and entry.note else "not identified in the bundled bibliography"
            findings.append(Finding(code="reference_unidentified", severity="info", section="attribution", reference=ref.arxiv_id,
                                    message=f"reference arXiv {ref.arxiv_id}{ref.arxiv_version or ''} is {why}"))
        if not holds:
            caveat = f" (of the {len(rows) - unknown_rows} resolved rows; {unknown_rows} row(s) unresolved)" if unknown_rows else ""
            topic = f" [{entry.topic}]" if entry.topic else ""
            findings.append(Finding(code="reference_without_claims", severity="warning", section="attribution", reference=ref.arxiv_id,
                                    message=f"cited {audit.label}{topic} contains none of the listed claims{caveat}"))

    # The examined paper itself.
    examined_cited_version = cited[examined_id].arxiv_version if examined_id in cited else None
    in_refs = (examined_id in cited) if examined_id else None
    if examined_id is None and report.examined_paper:
        findings.append(Finding(code="examined_unidentified", severity="info", section="attribution",
                                message=f"the examined paper \"{report.examined_paper[:100]}\" is neither in the registry nor in the bibliography"))
    elif in_refs is False:
        findings.append(Finding(code="examined_not_cited", severity="warning", section="attribution", reference=examined_id,
                                message=f"the examined paper ({examined_label}) is not in the reference list"))
    elif in_refs and pinned and examined_cited_version and examined_cited_version != pinned:
        findings.append(Finding(code="cited_version_differs", severity="info", section="attribution", reference=examined_id,
                                message=f"the examined paper is cited as {examined_cited_version}; the registry pins {pinned}"))
    attribution = Attribution(
        examined_title=report.examined_paper, examined_id=examined_id, examined_label=examined_label,
        examined_in_references=in_refs, examined_cited_version=examined_cited_version, pinned_version=pinned, references=refs,
    )  # fmt: skip
    return attribution, findings

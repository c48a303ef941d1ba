"""verify(): every selected claim through both tiers, the overall rule, and per-tier coverage.

Pure: takes a registry and run records, returns a ``VerificationReport``. Loading files and the
store is the caller's business (``claimcheck.verifier.inputs``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from claimcheck.claims.models import Claim
from claimcheck.claims.registry import Registry
from claimcheck.results.records import RunRecord
from claimcheck.verifier.replication_tier import SeedTables, check_replication, needed_systems
from claimcheck.verifier.source_tier import check_source
from claimcheck.verifier.verdict import ClaimVerdict, ReplicationVerdict, SourceVerdict, TierCoverage, VerificationReport, decide_overall

_UNCHECKED = {SourceVerdict.not_derivable.value, ReplicationVerdict.not_run.value, ReplicationVerdict.infra_failure.value}


def _location(claim: Claim) -> str:
    loc = claim.location
    return ", ".join(x for x in (loc.section, loc.table, f"source {loc.quote_source}" if loc.quote_source else "") if x)


def _index(records: Sequence[RunRecord]) -> dict[tuple[str, str], list[RunRecord]]:
    index: dict[tuple[str, str], list[RunRecord]] = {}
    for r in records:
        index.setdefault((r.paper_id, r.system), []).append(r)
    return index


def verify_claim(claim: Claim, registry: Registry, records: Sequence[RunRecord], index: dict | None = None,
                 tables: SeedTables | None = None) -> ClaimVerdict:
    paper = registry.paper_of(claim)
    source = check_source(claim, paper)
    index = _index(records) if index is None else index
    mine = [r for s in needed_systems(claim) for r in index.get((claim.paper_id, s), [])]
    replication = check_replication(claim, mine, tables)
    overall, rule = decide_overall(source.verdict, replication.verdict, replication.fidelity)
    return ClaimVerdict(
        claim_id=claim.id,
        paper_id=claim.paper_id,
        kind=claim.kind.value,
        statement=claim.statement,
        version=claim.version,
        pinned_version=paper.version,
        superseded_by=claim.superseded_by,
        attributed_to=claim.attributed_to,
        reported=list(claim.reported),
        location=_location(claim),
        source=source,
        replication=replication,
        overall=overall,
        overall_rule=rule,
    )


def _reason(summary: str) -> str:
    """A short, countable reason from a tier summary ('not derivable: missing ...' -> 'cells missing')."""
    s = summary.lower()
    if "missing" in s:
        return "cells missing"
    if "claim of" in s:
        return "cited from other work"
    if "could not be read" in s:
        return "fact not available"
    if "no available source holds" in s:
        return "paper text not available"
    if "no derivation" in s:
        return "no derivation declared (draft)"
    if "no replication applies" in s:
        return "setup/background claim"
    if "no runs" in s:
        return "arms not run"
    if "failed" in s:
        return "runs failed"
    if "lack" in s:
        return "runs lack needed tasks"
    return "other"


def _coverage(verdicts: list[ClaimVerdict], tier: str) -> TierCoverage:
    results = [getattr(v, tier) for v in verdicts]
    counts = Counter(r.verdict for r in results)
    reasons = Counter(_reason(r.summary) for r in results if r.verdict in _UNCHECKED)
    checked = sum(n for k, n in counts.items() if k not in _UNCHECKED)
    return TierCoverage(checked=checked, total=len(results), counts=dict(sorted(counts.items())), reasons=dict(sorted(reasons.items())))


def verify(registry: Registry, records: Iterable[RunRecord], claim_ids: Sequence[str] = (), results_sources: Sequence[str] = ()) -> VerificationReport:
    records = list(records)
    claims = registry.select(claim_ids)
    index = _index(records)
    tables = SeedTables([r for r in records if r.status == "ok"])
    verdicts = [verify_claim(c, registry, records, index, tables) for c in claims]
    return VerificationReport(
        claims=verdicts,
        coverage={"source": _coverage(verdicts, "source"), "replication": _coverage(verdicts, "replication")},
        overall_counts=dict(sorted(Counter(v.overall.value for v in verdicts).items())),
        results_sources=list(results_sources),
    )

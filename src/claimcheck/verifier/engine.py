"""verify(): every selected claim through both tiers, the overall rule, and per-tier coverage.

Pure: takes a registry and run records, returns a ``VerificationReport`` (it only pauses the garbage
collector while it runs: ``claimcheck.gcpause``). Loading files and the store is the caller's business
(``claimcheck.verifier.inputs``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from claimcheck.claims.models import Claim, Paper
from claimcheck.claims.names import KnownNames
from claimcheck.claims.registry import Registry
from claimcheck.gcpause import gc_paused
from claimcheck.results.records import RunRecord
from claimcheck.verifier.replication_tier import check_replication, check_replication_groups, needed_systems
from claimcheck.verifier.run_tables import RunGroup, SeedTables, gather
from claimcheck.verifier.source_tier import PaperSources, check_source
from claimcheck.verifier.verdict import (ClaimVerdict, ReplicationVerdict, SourceVerdict, TierCoverage, VerificationReport, decide_overall,
                                         trusted)

_UNCHECKED = {SourceVerdict.not_derivable.value, ReplicationVerdict.not_run.value, ReplicationVerdict.infra_failure.value}


def _location(claim: Claim) -> str:
    loc = claim.location.__dict__  # the fields as dict items (a pydantic attribute is a slow lookup: ``verify_claim``)
    section, table, quote_source = loc["section"], loc["table"], loc["quote_source"]
    return ", ".join(x for x in (section, table, f"source {quote_source}" if quote_source else "") if x)


def _index(records: Sequence[RunRecord], ok: list[RunRecord] | None = None) -> dict[tuple[str, str], list[RunRecord]]:
    """The records by (paper, system), in record order; the successful ones also appended to ``ok``
    when given (one pass over the records, each field read as an item of the record's dict: a pydantic
    model's attribute is a slow lookup, see ``run_tables.SeedTables``)."""
    index: dict[tuple[str, str], list[RunRecord]] = {}
    for r in records:
        fields = r.__dict__
        key = (fields["paper_id"], fields["system"])
        found = index.get(key)
        if found is None:
            index[key] = [r]
        else:
            found.append(r)
        if ok is not None and fields["status"] == "ok":
            ok.append(r)
    return index


def verify_claim(claim: Claim, registry: Registry, records: Sequence[RunRecord], index: dict | None = None,
                 tables: SeedTables | None = None, shared: _Shared | None = None, drop_ambiguous_seeds: bool = False) -> ClaimVerdict:
    """One claim through both tiers. ``index``, ``tables`` and ``shared`` are what ``verify`` builds once
    and shares across claims (built here when absent); ``drop_ambiguous_seeds`` as in ``verify``."""
    paper_id = claim.paper_id
    paper = registry.papers[paper_id]
    source = check_source(claim, paper, shared.sources(paper) if shared is not None else None)
    systems = needed_systems(claim)
    if shared is not None:
        replication = check_replication_groups(claim, shared.groups(paper_id, systems), tables, systems, drop_ambiguous_seeds)
    else:
        index = _index(records) if index is None else index
        mine = [r for s in systems for r in index.get((paper_id, s), ())]
        replication = check_replication(claim, mine, tables, systems, drop_ambiguous_seeds)
    # the claim's fields read as items of its dict: an attribute of a pydantic model goes through the
    # model's __getattr__ hook (about 440 instructions against 220 for a dict item), and a verdict
    # copies a dozen of them
    fields = claim.__dict__
    draft = fields["draft"] or paper.draft
    overall, rule = decide_overall(source.verdict, replication.verdict, replication.fidelity, draft)
    # built without validation (``verdict.trusted``): each field is the claim's own validated value or
    # one the tiers built with its type
    return trusted(ClaimVerdict, {
        "claim_id": fields["id"],
        "paper_id": paper_id,
        "kind": fields["kind"]._value_,  # ``_value_``: what ``.value`` gives, without its slow Python-level descriptor
        "statement": fields["statement"],
        "version": fields["version"],
        "pinned_version": paper.version,
        "superseded_by": fields["superseded_by"],
        "attributed_to": fields["attributed_to"],
        "reported": list(fields["reported"]),
        "location": _location(claim),
        "source": source,
        "replication": replication,
        "overall": overall,
        "overall_rule": rule,
        "draft": draft,
        "located": fields["located"],
        "location_note": fields["location"].__dict__["note"],
    })


class _Shared:
    """What ``verify`` reads once and shares across claims: each paper's source views (PaperSources),
    built on first use, and each arm's runs (the RunGroup of each (paper, system) with runs: ``gather``)."""

    def __init__(self, groups: dict[tuple[str, str], RunGroup], known_names: Callable[[Paper], KnownNames] | None = None):
        self._groups = groups
        self._known_names = known_names
        self._sources: dict[str, PaperSources] = {}

    def sources(self, paper: Paper) -> PaperSources:
        found = self._sources.get(paper.id)
        if found is None:
            found = self._sources[paper.id] = PaperSources(paper, self._known_names)
        return found

    def groups(self, paper_id: str, systems: list[str]) -> list[RunGroup]:
        """The groups of ``systems`` that have runs, in the order of ``systems``."""
        out, groups = [], self._groups
        for s in systems:
            group = groups.get((paper_id, s))
            if group is not None:
                out.append(group)
        return out


def _reason(summary: str) -> str:
    """A short, countable reason from a tier summary ('not derivable: missing ...' -> 'cells missing')."""
    if "missing" in summary:  # found as written, so in the lowered text too: the usual not-derivable summary, not lowered
        return "cells missing"
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
    if "no replication arms" in s:
        return "no replication arms declared"
    if "no runs" in s:
        return "arms not run"
    if "failed" in s:
        return "runs failed"
    if "lack" in s:
        return "runs lack needed tasks"
    return "other"


def _coverage(verdicts: list[ClaimVerdict], tier: str) -> TierCoverage:
    # each tier result's fields read as its dict (not pydantic attributes), and counted by Counter over
    # a map, in C rather than a generator (test_verifier_gather holds it to getattr and a generator)
    results = [v.__dict__[tier].__dict__ for v in verdicts]
    counts = Counter(map(_VERDICT, results))
    reasons = Counter(map(_reason, [r["summary"] for r in results if r["verdict"] in _UNCHECKED]))
    checked = sum(n for k, n in counts.items() if k not in _UNCHECKED)
    return trusted(TierCoverage, dict(checked=checked, total=len(results), counts=dict(sorted(counts.items())), reasons=dict(sorted(reasons.items()))))


_VERDICT = itemgetter("verdict")


def verify(registry: Registry, records: Iterable[RunRecord], claim_ids: Sequence[str] = (), results_sources: Sequence[str] = (),
           known_names: Callable[[Paper], KnownNames] | None = None, drop_ambiguous_seeds: bool = False) -> VerificationReport:
    """Every selected claim (all when ``claim_ids`` is empty) through both tiers.

    ``known_names``: the names ``claimcheck validate`` counts as known for a paper (its cells, its
    presets' arms, the task catalogue: ``workflow.known_paper_names``). A not-derivable summary names
    a likely typo only for a name outside them; without it, only the paper's cells are known.

    ``drop_ambiguous_seeds``: a seed in which two runs give one cell a claim reads (two configurations
    of one arm) is left out of that claim's replication, which is judged on its other seeds and names
    the seeds left out with their runs; by default such a claim is refused (``not_run``).

    What does not depend on the claim is built once and shared: the run index, one table per
    (paper, seed), each paper's source views and each arm's runs. The garbage collector is paused
    meanwhile (``claimcheck.gcpause``); the result is the same as verifying claim by claim.
    """
    with gc_paused():
        records = list(records)
        claims = registry.select(claim_ids)
        groups, tables = gather(records)  # one pass over the records: each arm's runs and the seed tables
        shared = _Shared(groups, known_names)
        verdicts = [verify_claim(c, registry, records, None, tables, shared, drop_ambiguous_seeds) for c in claims]
        return trusted(VerificationReport, dict(
            claims=verdicts,
            coverage={"source": _coverage(verdicts, "source"), "replication": _coverage(verdicts, "replication")},
            overall_counts=dict(sorted(Counter([v.__dict__["overall"]._value_ for v in verdicts]).items())),
            results_sources=list(results_sources),
        ))

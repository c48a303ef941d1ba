"""Contract over every shipped paper and claim: a new paper is tested the moment it is added."""

from __future__ import annotations

import pytest

from claimcheck.claims.models import ClaimKind
from claimcheck.claims.registry import load_registry
from claimcheck.claims.derivation_params import PARAMS, check_params
from claimcheck.verifier.derive import DERIVATIONS
from claimcheck.verifier.engine import verify

REGISTRY = load_registry()
CLAIMS = sorted(REGISTRY.claims)


def test_both_papers_are_bundled():
    assert {"2005.13013", "2210.01091"} <= set(REGISTRY.papers)
    assert REGISTRY.papers["2005.13013"].version == "v2"


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_every_claim_is_well_formed(claim_id):
    claim = REGISTRY.claims[claim_id]
    paper = REGISTRY.paper_of(claim)
    assert claim.derivation.name in DERIVATIONS
    assert check_params(claim.derivation.name, claim.derivation.params) is None
    assert claim.location.section or claim.location.table or claim.location.quote_source
    if claim.location.quote_source:
        assert claim.location.quote_source in {s.id for s in paper.sources}
    assert not claim.draft, "shipped claims are confirmed, never drafts"
    assert claim.key_terms, "every shipped claim has key terms for matching syntheses"
    if claim.version != paper.version:
        assert claim.superseded_by in REGISTRY.claims, "an older version's claim points at its replacement"
    if claim.kind is ClaimKind.background:
        assert claim.attributed_to


def test_every_derivation_declares_its_parameters():
    assert set(DERIVATIONS) == set(PARAMS)


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_every_claim_gets_a_verdict_with_evidence(claim_id):
    verdict = verify(REGISTRY, [], [claim_id]).claims[0]
    assert verdict.source.summary
    if verdict.source.verdict == "not_derivable":
        view = verdict.source.views[0]
        assert view.missing or view.lines or "needs" in verdict.source.summary, "not_derivable must say what is missing"


def test_cells_cite_their_source():
    for paper in REGISTRY.papers.values():
        for c in paper.cells:
            assert c.locator and c.source in {s.id for s in paper.sources}


def test_second_paper_is_not_derivable_except_abstract_facts():
    report = verify(REGISTRY, [], ["2210.01091"])
    consistent = [c.claim_id for c in report.claims if c.source.verdict == "consistent"]
    assert consistent == ["2210.01091/setup-models-and-tasks"]
    assert all(c.overall.value != "supported" for c in report.claims if c.claim_id not in consistent)


def test_headline_gain_needs_retrieval_cells_and_shows_implied_mean():
    v = verify(REGISTRY, [], ["2005.13013/xtreme-test-gain"]).claims[0]
    assert v.source.verdict == "not_derivable"
    assert "X-STILTs (test): bucc2018 f1, tatoeba accuracy" in v.source.summary
    implied = [s for s in v.source.spans if s.role == "implied"]
    assert implied and all(76.0 < s.lo < s.hi < 78.0 for s in implied)


def test_bundled_run_records_carry_the_ids_of_their_specs():
    """verify reads the bundled results without re-hashing every spec; this is where they are checked."""
    from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths

    assert len(load_result_paths([BUNDLED_RESULTS], check_ids=True)) >= 189

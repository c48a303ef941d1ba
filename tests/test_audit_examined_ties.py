"""A row is another work's claim (an error) only on a clear win over the examined paper's claims.

Rows from a reviewer's variants of seed 000, audited against the bundled registry: each matched a
claim of 2210.01091, or a result 2005.13013 only cites, by a near-tie or by a number that only
shares its value with the claim's; a row that is another paper's claim is still flagged.
"""

from __future__ import annotations

import pytest

from audit_fixtures import audit_rows as audit
from audit_fixtures import misattributed
from claimcheck.audit.models import MatchScore


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


QA = "The three question answering targets, XQuAD, MLQA and TyDiQA, improve moderately."
LANGUAGES = "We use the pretrained XLM-R Large model, which was trained on 100 languages, as a starting point for all our experiments."
POINTS = "Translate-train improves XNLI accuracy by 3 points over zero-shot transfer."
SHIFTED = "Intermediate-task training on SQuAD, MNLI, and HellaSwag yields large target-task improvements of 82, 75, and 70 points."
XTREME = ("Evaluating our best performing models for each target task on the XTREME benchmark, which spans 9 tasks and 40 "
          "languages, yields a 5.4-point gain.")


def test_the_reviewers_rows_are_no_claims_of_another_work(registry):
    card = audit(registry, QA, LANGUAGES, POINTS, SHIFTED, XTREME)
    assert not misattributed(card)
    assert not any(f.severity == "error" and f.section == "attribution" for f in card.findings)
    qa, languages, points, shifted, xtreme = card.rows
    assert qa.claim_id == "2005.13013/qa-moderate-gains"  # once a near-tie with bert-other-three (0.515 against 0.527)
    # 2210.01091 never mentions XQuAD, MLQA or TyDiQA: none of its claims is a candidate (``foreign_names``)
    assert qa.runner_up is None or not qa.runner_up.claim_id.startswith("2210.01091/")
    assert xtreme.claim_id == "2005.13013/xtreme-test-gain"  # 0.705 against the cited XTREME scope's 0.727
    assert xtreme.runner_up.claim_id == "2005.13013/background-xtreme-scope"
    assert not (languages.claim_id or "").startswith("2210.01091/")  # "100 languages" is no "100 epochs"
    assert not (points.claim_id or "").startswith("2210.01091/")  # "3 points" is no count "three"
    assert shifted.claim_id == "2005.13013/best-single-tasks" and shifted.number_mismatch  # "70 points" is no "70%"


@pytest.mark.parametrize(
    "text, claim",
    [
        ("BERT outperformed others in the rest three tasks (text classification - domain adaptation and cross-lingual adaptation).",
         "2210.01091/bert-other-three"),
        ("For the intermediate task training, each pre-trained LLM was trained for 100 epochs using the large dataset.",
         "2210.01091/intermediate-100-epochs"),
        ("The pretrained XLM-R Large model achieves state-of-the-art performance on many zero-shot cross-lingual transfer tasks.",
         "2005.13013/background-xlmr-sota"),  # a result the examined paper only cites
    ],
)
def test_a_row_that_is_another_works_claim_is_still_flagged(registry, text, claim):
    card = audit(registry, text)
    assert card.rows[0].claim_id == claim
    (finding,) = misattributed(card)
    assert finding.severity == "error"


def _ranked(*scores, verbatim=False):
    return [(MatchScore(claim_id=cid, score=s), s, verbatim and i == 0) for i, (cid, s) in enumerate(scores)]


@pytest.mark.parametrize(
    "ranked, first",
    [
        (_ranked(("2210.01091/bert-other-three", 0.53), ("2005.13013/qa-moderate-gains", 0.515)), "2005.13013/qa-moderate-gains"),
        (_ranked(("2005.13013/background-xtreme-scope", 0.727), ("2005.13013/xtreme-test-gain", 0.705)), "2005.13013/xtreme-test-gain"),
        (_ranked(("2210.01091/bert-other-three", 0.60), ("2005.13013/qa-moderate-gains", 0.54)), "2210.01091/bert-other-three"),  # a clear win
        (_ranked(("2210.01091/bert-other-three", 0.52), ("2005.13013/qa-moderate-gains", 0.49)), "2210.01091/bert-other-three"),  # no match of its own
        (_ranked(("2210.01091/bert-other-three", 1.0), ("2005.13013/qa-moderate-gains", 0.96), verbatim=True), "2210.01091/bert-other-three"),
        (_ranked(("2005.13013/multitask-gain", 0.7), ("2005.13013/qa-moderate-gains", 0.69)), "2005.13013/multitask-gain"),  # the paper's own
    ],
)
def test_the_examined_papers_claim_wins_a_near_tie(registry, ranked, first):
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.audit.engine import _prefer_examined

    out = _prefer_examined(ranked, registry, load_bibliography(), "2005.13013")
    assert out[0][0].claim_id == first
    assert sorted(s[0].claim_id for s in out) == sorted(s[0].claim_id for s in ranked)
    assert _prefer_examined(ranked, registry, load_bibliography(), None) == ranked  # no examined paper: as ranked

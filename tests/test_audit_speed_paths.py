"""The audit's fast ranking gives the answers of the plain one.

``claim_match.rank_claims`` with a floor bounds each claim's text similarity from above (the longest
common subsequence, ``text_bound``) and computes it only for the claims that may reach the floor or
be among the two best. Each test compares that path with scoring every claim in full, on rows of
every kind the audit sees: quotations, paraphrases, cut rows, wrong numbers, unknown claims.
"""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest

from claimcheck.claims.registry import load_registry
from claimcheck.audit.claim_match import normalise, rank_claims
from claimcheck.audit.text_similarity import common_subsequence, text_bound, text_similarity

ROWS = [
    # (text, truncated)
    ("Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points.", False),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 5.4", True),
    ("The pretrained XLM-R Large model achieves state-of-the-art performance on many zero-shot cross-lingual transfer tasks.", False),
    ("We study the effect of intermediate-task training (STILTs; Phang et al., 2018) with nine different English intermediate", True),
    ("Gradient checkpointing halves the memory footprint of the largest speech encoders on long audio.", False),
    ("The study investigates how training on 9 different intermediate tasks impacts zero-shot cross-lingual transfer across 40 languages.", False),
    ("Evaluating our best performing models for each target task on the XTREME benchmark, which spans 9 tasks and 40 languages, yields a "
     "5.4-point gain.", False),
    ("XLNet was consistently the worst performing model in all of our experiments.", False),
    ("XLNet outperforms BERT and RoBERTa.", False),
    ("RoBERTa and BERT trail XLNet.", False),
    ("For the intermediate task training, each pre-trained LLM was trained for 100 steps using the large dataset.", False),
    ("In each of the following tasks, both intermediate task training and fine-tuning were performed by training over 70% of t", True),
    ("Selecting the best intermediate model per target task gives a 6.1 point improvement over XLM-R Large on XTREME.", False),
    ("Intermediate-task training hurts BUCC and Tatoeba, the two sentence retrieval target tasks.", False),
    ("SQuAD, MNLI, and QQP are the best single intermediate tasks, improving by 8.2, 7.5, and 7.0 points.", False),
    ("Multi-task training on twelve intermediate tasks improves the average by 9.1 points.", False),
    ("Using 7 English intermediate tasks, we see gains of over five points on XTREME", True),
    ("", False),
]


@pytest.fixture(scope="module")
def claims():
    return list(load_registry().claims.values())


def _key(entry):
    ms, blind, verbatim = entry
    return ms.model_dump(), blind, verbatim


@pytest.mark.parametrize(("text", "truncated"), ROWS)
@pytest.mark.parametrize("floor", [0.5, 0.35, 0.0, 1.0])
def test_the_floored_ranking_keeps_what_every_decision_reads(claims, text, truncated, floor):
    """The same two best, in the same order with the same scores, and every claim whose score or
    number-blind score reaches the floor; every claim returned is scored as in full."""
    full = rank_claims(text, truncated, claims)
    fast = rank_claims(text, truncated, claims, floor)
    assert [_key(s) for s in fast[:2]] == [_key(s) for s in full[:2]]
    wanted = [_key(s) for s in full if s[0].score >= floor or s[1] >= floor]
    got = [_key(s) for s in fast]
    assert all(w in got for w in wanted)
    assert got == [k for k in map(_key, full) if k in got]  # a sub-list of the full ranking, in its order


@pytest.mark.parametrize("seed", range(5))
def test_the_longest_common_subsequence_bounds_the_text_similarity(seed):
    rng = random.Random(seed)
    for _ in range(300):
        alphabet = rng.choice(["ab", "abc ", "abcdefgh -.9"])
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        prev = [0] * (len(b) + 1)  # the textbook dynamic programme
        for ca in a:
            cur = [0]
            for j, cb in enumerate(b):
                cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
            prev = cur
        assert common_subsequence(a, b) == prev[-1]
        for truncated in (False, True):
            bound, verbatim = text_bound(a, truncated, [b])
            exact, exact_verbatim = text_similarity(a, truncated, [b])
            assert bound >= exact and verbatim == exact_verbatim
        assert text_bound(a, False, [b])[0] >= SequenceMatcher(None, a, normalise(b), autojunk=False).ratio()


def test_the_audit_resolves_every_row_as_with_every_claim_scored_in_full(monkeypatch):
    """The floors the audit gives ``rank_claims`` (``audit_resolve.candidate_floor``: lower for a row
    that ranks names) change nothing it decides: the same scorecard as with every claim scored in full."""
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis
    from claimcheck.audit import engine as audit, resolve as audit_resolve
    from audit_fixtures import make_report

    texts = [t for t, _ in ROWS if t] + [
        "XLNet outperforms BERT and RoBERTa in every experiment.",
        "BERT, RoBERTa and XLNet are compared on three tasks; XLNet performs worst.",
        "BERT and RoBERTa are worse than XLNet on all three NLP tasks.",  # the claim that ranks them is fifth
        "Each model was trained for 100 iterations on the intermediate dataset.",
    ]
    registry, bibliography = load_registry(), load_bibliography()

    def card():
        report = parse_synthesis(make_report([(t, "✓", "0.8") for t in texts]), label="r.md")
        return audit.audit_report(report, registry, {}, bibliography).model_dump()

    fast = card()
    monkeypatch.setattr(audit_resolve, "candidate_floor", lambda row: None)
    assert card() == fast

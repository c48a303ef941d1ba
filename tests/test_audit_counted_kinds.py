"""A count states a claim's count only where both count the same things (``counted_things.kinds_agree``):
"three stages" or "three language models" is not "the other three target tasks" (their head nouns
differ), though "three targets" and "three NLP tasks" may be."""

from __future__ import annotations

import re

import pytest

from claimcheck.audit.claim_match import MATCH_THRESHOLD, score_claim
from claimcheck.audit.counted_things import claim_number_kind, kinds_agree, number_kind
from claimcheck.claims.registry import load_registry

OTHER_THREE = "BERT is the best model on the other three target tasks, including the text-classification targets."


def _kind(text: str):
    m = re.search(r"\b(?:three|3)\b", text, re.I)
    return number_kind(text, m.start(), m.end())


@pytest.mark.parametrize(("row", "agrees"), [
    ("The approach has three stages: pretraining, intermediate and target training.", False),
    ("XLNet ranks last of the three models in all experiments.", False),
    ("We compare three language models on the tasks.", False),
    ("BERT compared on three NLP tasks, with and without it.", True),  # the words before the noun are not compared
    ("BERT wins three tasks.", True),
    ("BERT wins the remaining three target tasks.", True),
    ("BERT wins the other three targets.", True),
    ("RoBERTa wins in three out of six tasks, across", True),
    ("BERT wins the other three target datasets.", True),  # a task is named by its data
    ("BERT wins the other three data sets.", True),
    ("BERT wins the other three benchmarks.", True),
    ("BERT improves by 3 here.", True),  # a bare number: the text does not say what it counts
])  # fmt: skip
def test_a_count_agrees_with_the_claims_count_only_where_it_counts_the_same_things(row, agrees):
    assert kinds_agree(_kind(row), claim_number_kind(OTHER_THREE, "3")) is agrees


def test_kinds_of_a_thing_count_that_thing():
    statement = "The study compares BERT, RoBERTa and XLNet on three kinds of NLP task."
    assert kinds_agree(_kind("BERT, RoBERTa and XLNet are compared on three NLP tasks."), claim_number_kind(statement, "3"))
    assert kinds_agree(_kind("They cover three types of NLP task."), claim_number_kind(statement, "3"))


def test_counts_of_other_things_do_not_resolve_a_row_to_a_claim_by_its_count():
    claims = load_registry().claims
    other_three = claims["2210.01091/bert-other-three"]
    for row in ("The approach has three stages: start from a publicly available multilingual masked language model, "
                "train on an English intermediate task, and finally fine-tune on the English target task.",
                "The study evaluates three language models (BERT, RoBERTa, XLNet) with and without an intermediate "
                "training step.",
                "XLNet reportedly ranks last of the three models in all of the experiments."):
        score, _, _ = score_claim(row, False, other_three)
        assert score.numbers == 0.0 and score.score < MATCH_THRESHOLD, row


def test_a_row_counting_the_tasks_as_datasets_resolves_to_the_claim_by_its_count():
    nine = load_registry().claims["2005.13013/setup-nine-tasks"]
    score, _, _ = score_claim("The study uses nine English intermediate datasets for intermediate training.", False, nine)
    assert score.score >= MATCH_THRESHOLD

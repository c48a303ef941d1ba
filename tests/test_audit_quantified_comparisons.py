"""A comparison under a negated subject restates an order: "no other single task helps as much as
SQuAD" and "no single task matches multi-task training" say SQuAD, and multi-task training, do best
(``negation._COMPARISON``, ``polarity_mentions._EQUATIVE``: one list, ``polarity_lexicon.EQUATIVE``);
"no task helps XNLI" still denies."""

from __future__ import annotations

import pytest

from claimcheck.audit.resolve import opposite_reason

BEST_SINGLE = ("SQuAD, MNLI and HellaSwag are the three single English intermediate tasks that improve most on plain "
               "XLM-R Large, by 8.2, 7.5 and 7.0 points.")
MULTITASK = ("Training on all nine intermediate tasks at once (multi-task) does best, improving on XLM-R Large by 8.7 "
             "points: a small step above the best single task.")
XNLI = "TyDiQA-GoldP improves with many intermediate tasks, while XNLI gains nothing from intermediate training."


@pytest.mark.parametrize(("row", "statement"), [
    ("No other single intermediate task helps as much as SQuAD, MNLI or HellaSwag, whose improvements reach 8.2, 7.5 "
     "and 7.0 points.", BEST_SINGLE),
    # one list of these comparisons for both readings (``polarity_lexicon.EQUATIVE``): "as well as" and
    # "as good as" after a negation as after a direction word
    ("No other single intermediate task does as well as SQuAD, MNLI or HellaSwag, whose improvements reach 8.2, "
     "7.5 and 7.0 points.", BEST_SINGLE),
    ("No other single intermediate task helps as good as SQuAD, MNLI or HellaSwag, whose improvements reach 8.2, "
     "7.5 and 7.0 points.", BEST_SINGLE),
    ("No single intermediate task matches the multi-task setup on all nine tasks, which improves by 8.7 points.", MULTITASK),
    ("No single intermediate task rivals multi-task training on all nine tasks, which improves by 8.7 points.", MULTITASK),
])  # fmt: skip
def test_a_negated_subject_of_a_comparison_is_no_opposite(row, statement):
    assert opposite_reason(row, statement) == ""


@pytest.mark.parametrize(("row", "statement"), [
    ("No intermediate task helps SQuAD, MNLI or HellaSwag.", BEST_SINGLE),
    ("SQuAD does not help as much as MNLI or HellaSwag.", BEST_SINGLE),
    ("TyDiQA-GoldP improves with many intermediate tasks, and XNLI gains as much as TyDiQA.", XNLI),
])  # fmt: skip
def test_a_negation_or_a_change_that_denies_the_claim_is_still_read(row, statement):
    assert opposite_reason(row, statement)


DEPENDING = "With intermediate training, the best model is RoBERTa or BERT depending on the task."


@pytest.mark.parametrize("row", [
    "After intermediate training, no single model wins everywhere: RoBERTa and BERT each come out on top depending on the task.",
    "No model won on every task after intermediate training; the best is RoBERTa or BERT depending on the task.",
])
def test_no_single_winner_is_a_quantified_comparison(row):
    """"Wins" compares as "beats" does: under a quantifier it restates how the best is spread."""
    assert opposite_reason(row, DEPENDING) == ""


def test_a_name_that_does_not_win_is_still_a_negation():
    assert opposite_reason("After intermediate training, RoBERTa does not win on any task.", DEPENDING)

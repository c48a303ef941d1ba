"""A "no" denies the head of the noun phrase it opens (``negation._denied``): "no target-language data
is used" denies data, so its "target" does not make it the opposite of a claim about retrieval targets."""

from __future__ import annotations

import pytest

from claimcheck.audit.negation import statement_negation_conflict
from claimcheck.audit.resolve import opposite_reason

RETRIEVAL = "Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba."


@pytest.mark.parametrize("row", [
    "Even though no target-language data is used, intermediate training boosts sentence retrieval on BUCC and Tatoeba considerably.",
    "No target-language data is used, and intermediate training brings large gains on the retrieval targets BUCC and Tatoeba.",
    "Although no target-task examples are seen, BUCC and Tatoeba gain a lot from intermediate training.",
])  # fmt: skip
def test_a_no_that_denies_something_else_is_no_opposite(row):
    assert statement_negation_conflict(row, RETRIEVAL) == ""
    assert opposite_reason(row, RETRIEVAL) == ""


@pytest.mark.parametrize(("row", "statement"), [
    ("No gain is seen on the retrieval targets BUCC and Tatoeba.", RETRIEVAL),
    ("Intermediate training gives no gains on the retrieval targets BUCC and Tatoeba.", RETRIEVAL),
    ("Target-language data is used for intermediate training.", "No target-language data is used in any phase."),
    ("All layers are frozen in both settings.", "All model weights are updated; no layer is frozen."),
])  # fmt: skip
def test_a_no_that_denies_what_the_other_side_says_is_still_read(row, statement):
    assert opposite_reason(row, statement)


@pytest.mark.parametrize("row", [
    "The retrieval targets BUCC and Tatoeba have no training data of their own, yet both benefit strongly from "
    "intermediate-task training.",
    # the clause ends the phrase: its head, "data", is what they lack, not its "training"
    "BUCC and Tatoeba have no training data, yet intermediate training brings large gains on these two sentence-retrieval targets.",
])  # fmt: skip
def test_what_a_subject_has_none_of_bears_on_the_other_side_not_the_subject(row):
    assert statement_negation_conflict(row, RETRIEVAL) == ""
    assert opposite_reason(row, RETRIEVAL) == ""


@pytest.mark.parametrize("row", [
    "BUCC and Tatoeba have no gains from intermediate training.",
    "Intermediate training has no effect on BUCC and Tatoeba.",
    "BUCC and Tatoeba have no large gains.",
    "The retrieval targets BUCC and Tatoeba have no gains, despite intermediate training.",
])
def test_a_subject_that_has_no_gain_is_still_read(row):
    assert opposite_reason(row, RETRIEVAL)


def test_a_no_phrase_ends_where_a_counted_phrase_ends():
    # one list of the words that end a noun phrase (``normal_text.PHRASE_END``), for the phrase a "no"
    # opens as for the one a count counts
    from claimcheck.audit import counted_things, negation, normal_text

    assert negation.PHRASE_END is counted_things.PHRASE_END is normal_text.PHRASE_END
    assert negation._denied("target-language data before fine-tuning".split()) == ["data", "before", "fine-tuning"]
    assert negation._denied("target-language data during fine-tuning".split()) == ["data", "during", "fine-tuning"]


BERT_OTHER_THREE = ("BERT is the best model on the other three target tasks, including the domain-adaptation and "
                    "cross-lingual text-classification targets.")


@pytest.mark.parametrize("row", [
    "BERT comes out ahead in the three tasks RoBERTa does not win, which include the two text-classification targets.",
    "BERT comes out ahead in the three tasks that RoBERTa does not win, including the two text-classification targets.",
])
def test_a_relative_clause_without_its_that_describes_the_tasks(row):
    """"The three tasks RoBERTa does not win" picks out tasks; it does not deny that BERT is best on them."""
    assert opposite_reason(row, BERT_OTHER_THREE) == ""


@pytest.mark.parametrize("row", [
    "BERT does not come out ahead in the three other tasks.",
    "On the three tasks RoBERTa does not win, BERT is not the best model.",
])
def test_a_negation_of_the_main_clause_is_still_read(row):
    assert opposite_reason(row, BERT_OTHER_THREE)

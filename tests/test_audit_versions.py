"""Rows of the bundled registry's paper (2005.13013, pinned v2, with v1 statements kept as superseded):
what a count counts, which version a row quotes, and which other claim's count it contradicts."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_row

from claimcheck.claims.registry import load_registry
from claimcheck.audit.counted_things import same_things


@pytest.fixture(scope="module")
def bundled():
    return load_registry()


def findings(card, severity=None):
    return [(f.code, f.message) for f in card.findings
            if f.section == "resolution" and f.code != "truncated" and (severity is None or f.severity == severity)]


@pytest.mark.parametrize(("row", "claim", "same"), [
    (("task", frozenset({"intermediate", "language", "understanding"})), ("task", frozenset({"english", "intermediate"})), True),
    (("task", frozenset({"intermediate", "nlu"})), ("task", frozenset({"english", "intermediate"})), True),
    (("task", frozenset({"target"})), ("task", frozenset({"english", "intermediate"})), False),
    (("task", frozenset({"intermediate"})), ("task", frozenset({"single", "english", "intermediate"})), False),
    (("task", frozenset({"intermediate"})), ("task", frozenset({"best", "intermediate"})), False),
    (("task", frozenset({"top", "intermediate"})), ("task", frozenset({"top", "intermediate"})), True),
    (("task", frozenset()), ("task", frozenset({"english", "intermediate"})), True),
])
def test_same_things_skips_words_that_tell_nothing_apart_and_keeps_those_that_pick(row, claim, same):
    assert same_things(row, claim) is same


def test_a_list_of_all_nine_tasks_is_no_count_of_the_three_best(bundled):
    """A cut row listing the nine intermediate tasks counts all of them, not the three single tasks
    that improve most: no "states nine" against best-single-tasks."""
    text = "We use nine intermediate tasks: ANLI+, MNLI, QQP, SQuAD v1.1, SQuAD v2, HellaSwag, CCG, CosmosQA and Commonsen"
    card = audit_row(bundled, text)
    assert card.rows[0].row.truncated
    assert not findings(card), findings(card)


@pytest.mark.parametrize(("text", "claim", "differing"), [
    # nine is v2's count, so the row is no v1 quote: its 7.8 differs from the multi-task gain's 8.7
    ("Multi-task training on all nine intermediate tasks gives the largest improvement, 7.8 points on average.",
     "multitask-gain", ["7.8"]),
    ("Training on all nine intermediate tasks jointly is best, with a gain of 7.8 points.", "multitask-gain", ["7.8"]),
    # "about 5" is no v1 6.1 and does not contradict 5.4
    ("Using the best intermediate-task model per target task gives an XTREME gain of about 5 points over XLM-R Large.",
     "xtreme-test-gain", []),
    # a range holding both versions' numbers (5.4 and 6.1): the current version wins the tie
    ("Using the best intermediate-task model per target task gives an XTREME gain of 5-6 points over XLM-R Large.",
     "xtreme-test-gain", []),
])  # fmt: skip
def test_a_row_whose_numbers_fit_the_current_version_quotes_no_superseded_one(bundled, text, claim, differing):
    card = audit_row(bundled, text)
    row = card.rows[0]
    assert (row.claim_id, row.superseded, row.differing_numbers) == (f"2005.13013/{claim}", False, differing), findings(card)
    assert not [c for c, _ in findings(card) if c == "superseded_version"]
    if differing:
        ((code, message),) = findings(card)
        assert code == "number_mismatch" and f"states {', '.join(differing)} where 2005.13013/{claim}" in message and "8.7" in message
    else:
        assert not findings(card), findings(card)


@pytest.mark.parametrize(("text", "claim"), [
    # the v1 abstract's sentence verbatim: its "9 target tasks" are no count of the nine intermediate tasks
    ("Using a set of 7 intermediate language understanding tasks, we evaluate intermediate-task transfer in a "
     "zero-shot cross-lingual setting on 9 target tasks from the XTREME benchmark.", "v1-seven-tasks"),
    ("Using a set of 7 intermediate language understanding tasks, we evaluate intermediate-task transfer in a "
     "zero-shot cross-lingual setting on the XTREME benchmark.", "v1-seven-tasks"),
    ("The study uses seven English intermediate tasks.", "v1-seven-tasks"),
    ("Using the best intermediate-task model per target task gives an XTREME gain of 6.1 points over XLM-R Large.",
     "v1-xtreme-test-gain"),
])  # fmt: skip
def test_a_real_v1_quote_is_still_flagged_superseded(bundled, text, claim):
    card = audit_row(bundled, text)
    row = card.rows[0]
    assert (row.claim_id, row.superseded) == (f"2005.13013/{claim}", True), findings(card)
    assert [c for c, _ in findings(card, "error")] == ["superseded_version"], findings(card)


@pytest.mark.parametrize("text", [
    "We study 12 different intermediate tasks across 40 languages, on 7 target tasks.",
    "We study 12 different intermediate tasks across 40 languages, on 7 target tasks, with gains of 7.8 points.",
])
def test_a_near_miss_of_v1_stating_neither_versions_count_is_the_current_claims_mismatch(bundled, text):
    """The row nearly matches v1's seven tasks on its own terms (its "7 target tasks" count other
    things), and its 12 is neither v1's seven nor v2's nine: it quotes no version, so it is the
    current claim's number mismatch, not a quote of v1. Before, the rule that keeps a near miss from
    being handed to another claim also kept it from its own current version."""
    card = audit_row(bundled, text)
    row = card.rows[0]
    assert (row.claim_id, row.superseded, row.differing_numbers) == ("2005.13013/setup-nine-tasks", False, ["12"]), findings(card)
    assert [c for c, _ in findings(card, "error")] == ["number_mismatch"], findings(card)


def test_the_v2_abstract_sentence_is_no_v1_quote(bundled):
    text = ("Using nine intermediate language understanding tasks, we evaluate intermediate-task transfer in a "
            "zero-shot cross-lingual setting on 9 target tasks from the XTREME benchmark.")
    card = audit_row(bundled, text)
    assert (card.rows[0].claim_id, card.rows[0].superseded) == ("2005.13013/setup-nine-tasks", False)
    assert not findings(card), findings(card)


@pytest.mark.parametrize("text", [
    "We use the pretrained XLM-R Large model, evaluated on 7 tasks with English training data, as a starting point.",
    "XTREME covers up to 40 tasks across a diverse set of languages.",
    "We use the pretrained XLM-R Large model, evaluated on 7 English tasks, as a starting point.",
])
def test_a_bare_count_of_tasks_is_no_count_of_another_claims_intermediate_tasks(bundled, text):
    """"7 tasks" or "40 tasks" in a row matched to another claim may count anything (target tasks,
    XTREME's tasks): only a count that says what tells the nine intermediate tasks apart is checked
    against setup-nine-tasks."""
    card = audit_row(bundled, text)
    assert not card.rows[0].other_claim_counts
    assert "other_claim_count" not in [c for c, _ in findings(card)], findings(card)


def test_a_count_of_intermediate_tasks_is_still_checked_against_another_claim(bundled):
    text = "We use the pretrained XLM-R Large model, fine-tuned on 12 intermediate tasks, as a starting point."
    card = audit_row(bundled, text)
    assert card.rows[0].claim_id == "2005.13013/setup-base-model"
    assert card.rows[0].other_claim_counts == ["12 (2005.13013/setup-nine-tasks: nine)"]


def test_a_number_mismatch_never_names_a_number_the_row_states(bundled):
    """The row states 8.7 and 9 as the claim does, and another count of tasks, 7: the message names
    the 7, not the claim's 8.7 and nine as if they were missing."""
    text = "Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points across the 7 tasks with training data."
    card = audit_row(bundled, text)
    ((code, message),) = [f for f in findings(card) if f[0] == "number_mismatch"]
    assert "states 7 " in message and "8.7" not in message.replace("2005.13013", "") and "nine" not in message, message


@pytest.mark.parametrize(("text", "differing"), [
    ("The two best intermediate tasks, SQuAD and MNLI, improve by 8.2 and 7.5 points.", []),
    ("The two best intermediate tasks, SQuAD and MNLI, improve by 9.9 and 7.5 points.", ["9.9"]),
    ("SQuAD, MNLI and HellaSwag, the three single best intermediate tasks, improve by 8.2, 7.5 and 6.1 points.", ["6.1"]),
])
def test_a_count_of_other_things_stands_in_for_no_missing_measure(bundled, text, differing):
    """"The two best intermediate tasks" leave out the third task's 7.0: their count is of other things
    than the claim's three single tasks, no misstated gain; a gain that differs still is one."""
    card = audit_row(bundled, text)
    row = card.rows[0]
    assert (row.claim_id, row.differing_numbers) == ("2005.13013/best-single-tasks", differing), findings(card)


@pytest.mark.parametrize(("text", "claim"), [
    # cut off before its number: the wording is nearer v1's, but nothing in it is v1's
    ("When the top intermediate-task model per target task is evaluated on the XTREME benchmark, the average gain over XLM-R La",
     "xtreme-test-gain"),
    ("Picking the best intermediate model per target task gives an XTREME gain over XLM-R Large.", "xtreme-test-gain"),
])  # fmt: skip
def test_a_row_that_states_none_of_the_old_versions_numbers_quotes_the_current_one(bundled, text, claim):
    card = audit_row(bundled, text)
    row = card.rows[0]
    assert (row.claim_id, row.superseded) == (f"2005.13013/{claim}", False), findings(card)
    assert "none of the old version's numbers" in row.method
    assert not [c for c, _ in findings(card) if c == "superseded_version"]

"""A row that states the count a setup claim makes, of the same things, is not held back from that
claim by a count in a unit it states besides ("9 different intermediate tasks ... across 40
languages" is the study's nine-task setup, not the XTREME scope the paper only cites); a score or a
gain beside the count ("7.8 points") still is. Rows audited against the bundled registry, with
``2005.13013`` as the examined paper."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_rows as audit
from audit_fixtures import misattributed


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


@pytest.mark.parametrize("text", [
    "The study investigates how training on 9 different intermediate tasks impacts zero-shot cross-lingual transfer across 40 languages.",
    "We study nine English intermediate tasks evaluated on nine XTREME target tasks in up to 40 languages.",
])  # fmt: skip
def test_the_studys_count_beside_a_count_of_languages_is_its_setup_claim(registry, text):
    card = audit(registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/setup-nine-tasks" and not row.number_mismatch, row.best
    assert not misattributed(card) and not [f for f in card.findings if f.severity == "error"]


@pytest.mark.parametrize(("text", "claim", "mismatch"), [
    # the cited XTREME scope, said of XTREME: still the background claim (another work's: flagged)
    ("The XTREME benchmark measures zero-shot cross-lingual transfer on a varied set of tasks covering up to 40 languages.",
     "2005.13013/background-xtreme-scope", False),
    # a gain beside the nine tasks is a result, not the setup: the multi-task claim, with its number wrong
    ("Multi-task training on all nine intermediate tasks gives the largest improvement, 7.8 points on average.",
     "2005.13013/multitask-gain", True),
    ("Training on all nine intermediate tasks jointly is best, with a gain of 7.8 points.", "2005.13013/multitask-gain", True),
    # the 5.4-point gain over XTREME's 9 tasks and 40 languages: the examined paper's result ("9 tasks" counts XTREME's)
    ("Evaluating our best performing models for each target task on the XTREME benchmark, which spans 9 tasks and 40 languages, "
     "yields a 5.4-point gain.", "2005.13013/xtreme-test-gain", False),
    # the setup in plain words, no other number: as before
    ("We study the effect of intermediate-task training with nine different English intermediate tasks.",
     "2005.13013/setup-nine-tasks", False),
    # another count of the same things, no other number: a mismatch of the setup claim
    ("The study investigates how training on 12 different intermediate tasks impacts zero-shot cross-lingual transfer.",
     "2005.13013/setup-nine-tasks", True),
])  # fmt: skip
def test_other_rows_keep_their_claims(registry, text, claim, mismatch):
    row = audit(registry, text).rows[0]
    assert (row.claim_id, row.number_mismatch) == (claim, mismatch), row.best


@pytest.mark.parametrize(("row", "statement", "states"), [
    ("training on 9 different intermediate tasks across 40 languages", "The study uses nine English intermediate tasks.", True),
    ("XTREME spans 9 tasks and 40 languages", "The study uses nine English intermediate tasks.", False),  # a bare "9 tasks"
    ("training on 12 intermediate tasks", "The study uses nine English intermediate tasks.", False),  # another count
    ("nine target tasks in 40 languages", "The study uses nine English intermediate tasks.", False),  # other things
    ("9 intermediate tasks", "Training has three phases.", False),
])  # fmt: skip
def test_which_rows_state_the_count_a_statement_makes(row, statement, states):
    from claimcheck.audit.claim_match import states_its_count

    assert states_its_count(row, statement) is states


@pytest.mark.parametrize(("text", "count"), [
    ("The study investigates how training on 12 different intermediate tasks impacts zero-shot cross-lingual transfer across 40 languages.", "12"),
    ("We evaluate 12 different intermediate tasks across 40 languages.", "12"),
    ("We study twelve English intermediate tasks evaluated on nine XTREME target tasks in up to 40 languages.", "twelve"),
])  # fmt: skip
def test_another_count_of_the_studys_tasks_beside_a_count_of_languages_is_a_mismatch_of_its_setup_claim(registry, text, count):
    """The 40 of "across 40 languages" is XTREME's, but the row also counts intermediate tasks, which the
    XTREME claim never speaks of: its 40 no longer carries the row there, and the wrong count is the
    setup claim's mismatch, not a cited result put in the examined paper's mouth. The count of the
    tasks is the one number that differs: 40 counts languages, nine the target tasks."""
    card = audit(registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/setup-nine-tasks" and row.number_mismatch, row.best
    assert row.differing_numbers == [count], row.differing_numbers
    message = next(f.message for f in card.findings if f.code == "number_mismatch")
    assert f"states {count} " in message and "40" not in message, message
    assert not misattributed(card)


@pytest.mark.parametrize(("text", "differing"), [
    ("We use 12 intermediate tasks, evaluated on 7 target tasks.", ["12"]),  # 7 counts other things
    ("The study uses 12 intermediate tasks and reports a 7.8 point gain.", ["12"]),  # a measure is no count of tasks
    ("The study uses 12 tasks across 40 languages.", ["12"]),
    ("The study uses 40 languages.", ["40"]),  # no count of the tasks stands in the place of nine: as before
])  # fmt: skip
def test_only_the_count_of_the_same_things_differs(registry, text, differing):
    from claimcheck.audit.contradiction import number_conflicts

    assert number_conflicts(text, registry.claims["2005.13013/setup-nine-tasks"]) == differing


@pytest.mark.parametrize(("text", "claim"), [
    # XTREME's own scope with a count of its target tasks: still the XTREME claim
    ("The XTREME benchmark covers 40 languages and 9 different target tasks.", "2005.13013/background-xtreme-scope"),
    # a measure is not thinned by a count beside it: the 8.7 points are the multi-task claim's
    ("Training on all nine intermediate tasks at once gives an 8.7-point gain over 7 target tasks.", "2005.13013/multitask-gain"),
])  # fmt: skip
def test_a_count_beside_the_claims_own_numbers_keeps_it(registry, text, claim):
    assert audit(registry, text).rows[0].claim_id == claim


@pytest.mark.parametrize(("row", "statement", "values", "found"), [
    ("training on 12 different intermediate tasks across 40 languages", "tasks covering up to 40 languages", (40,), 1),
    ("xtreme spans 9 tasks and 40 languages", "tasks covering up to 40 languages", (40,), 0),  # bare counts may count anything
    ("12 intermediate tasks", "nine english intermediate tasks", (9,), 0),  # the statement speaks of them
    ("7 english tasks", "tasks covering up to 40 languages", (40,), 0),  # "English" tells no set apart
    ("40 different intermediate tasks", "tasks covering up to 40 languages", (40,), 0),  # the claim's own value
])  # fmt: skip
def test_counts_of_other_things(row, statement, values, found):
    from claimcheck.audit.counted_things import counts_of_other_things

    assert counts_of_other_things(row, statement, values) == found

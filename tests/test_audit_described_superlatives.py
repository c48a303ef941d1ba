"""Things a superlative describes, selected from the other end ("our worst performing models for each
target task" against "the best intermediate-task model for each target task"):
``audit.described_superlatives`` and the audit's ``negation_mismatch`` it feeds."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_row

XTREME = "2005.13013/xtreme-test-gain"


@pytest.mark.parametrize(("text", "found"), [
    ("Using the best intermediate-task model for each target task gives 5.4 points.", {"model": [("up", "best intermediate-task model")]}),
    ("Our worst performing models for each target task", {"model": [("down", "worst performing models")]}),
    ("The worst-performing model for each task still gains.", {"model": [("down", "worst-performing model")]}),
    ("Our lowest-scoring models for each target task", {"model": [("down", "lowest-scoring models")]}),
    ("The best single task gains 8.2 points.", {"task": [("up", "best single task")]}),
    ("Both the best and the weakest models gain.", {"model": [("up", "best and the weakest models"), ("down", "weakest models")]}),
    # said of the subject, which polarity reads: no described superlative
    ("RoBERTa is the best model on three of the six target tasks.", {}),
    ("XLNet performs worst of the three models in every experiment.", {}),
    ("XLNet gives the worst results of the three models.", {}),
    # "one" stands for the last noun before it; a superlative set apart says nothing of what the text is about
    ("Discarding the worst intermediate-task models and keeping the best one per target task improves XTREME by 5.4 points.",
     {"model": [("up", "best one")]}),
    ("Rather than the worst-performing intermediate model, picking the top-performing one for each target task gives 5.4 points.",
     {"model": [("up", "top-performing one")]}),
    ("The best one for each target task gives 5.4 points.", {}),
    ("Not only the worst intermediate-task model per target task, but every model gains.",
     {"model": [("down", "worst intermediate-task model")]}),
    # past the subject of the first clause: something the text compares with or adds
    ("Multi-task training is a small step above the best single task.", {}),
    ("Multi-task training does best, and even the worst single task helps.", {}),
    ("XTREME improves by 5.4 points with the best model for each target task.", {}),
    # no noun of HEADS right after it
    ("The best results come from SQuAD.", {}),
    ("Gains are modest at best for every model.", {}),
])  # fmt: skip
def test_what_a_superlative_describes(text, found):
    from claimcheck.audit.described_superlatives import described

    assert described(text) == found


def test_a_noun_that_may_have_been_cut_is_not_read():
    from claimcheck.audit.described_superlatives import described

    assert described("Evaluating our worst performing models", truncated=True) == {}
    assert described("Evaluating our worst performing models for each target task on XTREME", truncated=True) != {}


@pytest.mark.parametrize(("row", "statement", "flagged"), [
    ("Our worst performing models for each target task give 5.4 points.", "The best model for each target task gives 5.4 points.", True),
    ("Our best performing models for each target task give 5.4 points.", "The best model for each target task gives 5.4 points.", False),
    ("Both the best and the worst models for each target task gain.", "The best model for each target task gives 5.4 points.", False),
    # the claim's superlative describes what it is compared with, the row's something it adds
    ("Multi-task training on all nine tasks does best, even the worst single task helps, and the gain is 8.7 points.",
     "Training on all nine tasks at once does best, improving by 8.7 points: a small step above the best single task.", False),
    ("Rather than the worst-performing intermediate model, picking the top-performing one for each target task gives 5.4 points.",
     "The best model for each target task gives 5.4 points.", False),
    # another noun: nothing to hold against
    ("The worst task for each model gives 5.4 points.", "The best model for each target task gives 5.4 points.", False),
])  # fmt: skip
def test_the_other_end_of_the_same_things_is_a_conflict(row, statement, flagged):
    from claimcheck.audit.described_superlatives import selection_conflict

    assert bool(selection_conflict(row, statement)) is flagged


def test_the_audit_flags_the_worst_models_against_the_best():
    from claimcheck.claims.registry import load_registry

    bundled = load_registry([])
    row = "Evaluating our {} performing models for each target task on the XTREME benchmark yields an average improvement of 5.4 points."
    flagged = audit_row(bundled, row.format("worst")).rows[0]
    assert flagged.claim_id == XTREME and flagged.contradicts
    assert flagged.negation_mismatch == ('the row speaks of the "worst performing models", the claim of the '
                                         '"best intermediate-task model"')
    as_written = audit_row(bundled, row.format("best")).rows[0]
    assert as_written.claim_id == XTREME and not as_written.negation_mismatch

"""Rows of the bundled registry's paper (2005.13013, pinned v2, with v1 statements kept as superseded):
what a count counts, which version a row quotes, and which other claim's count it contradicts."""

from __future__ import annotations

import pytest

try:
    from audit_fixtures import audit_row
except ImportError:  # tests/ imported as a package
    from audit_fixtures import audit_row

from claimcheck.claims.registry import load_registry
from claimcheck.verifier.claim_match import same_things


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

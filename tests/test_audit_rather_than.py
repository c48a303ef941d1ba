""""Rather than" and "instead of" deny the phrase they open, as "without" does: read where the other
side negates the same thing ("update all weights rather than freezing any layer" says "no layer is
frozen"), never as a negation of the row's own (``negation._CUE``, ``_NOUN_ASIDE``, ``_negated_words``)."""

from __future__ import annotations

import pytest

from claimcheck.audit.resolve import opposite_reason

FROZEN = "All model weights are updated in both transfer settings; no layer is frozen."


@pytest.mark.parametrize(("row", "statement"), [
    ("Both transfer settings update all weights rather than freezing any layer.", FROZEN),
    ("In both settings every weight is updated instead of freezing some of the layers.", FROZEN),
])  # fmt: skip
def test_rather_than_is_no_opposite(row, statement):
    assert opposite_reason(row, statement) == ""


@pytest.mark.parametrize("row", [
    "Some layers are frozen rather than updated in both transfer settings.",  # it denies the updates, not the freezing
    "Some layers are frozen in both transfer settings.",
])
def test_a_row_that_freezes_layers_is_still_the_opposite(row):
    assert opposite_reason(row, FROZEN)


def test_rather_than_is_no_negation_of_the_rows_own():
    statement = "Multi-task intermediate training does best, improving on XLM-R Large by 8.7 points."
    assert opposite_reason("Training on all nine tasks at once rather than one does best, improving by 8.7 points.", statement) == ""

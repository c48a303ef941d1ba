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


@pytest.mark.parametrize("row", [
    "The model weights are frozen rather than updated in both transfer settings.",  # no "layer": the claim's "no" bears on nothing
    "The weights were frozen, rather than updated, in both transfer settings.",
    "Rather than being updated, the weights were frozen.",
    "The weights are frozen instead of being updated.",
])
def test_frozen_rather_than_updated_turns_the_claim_round(row):
    """What the row says rather than what it denies is what the claim denies, and the reverse: an opposite,
    even where the claim's own negation ("no layer") names nothing the row names."""
    assert "rather than" in opposite_reason(row, FROZEN)


@pytest.mark.parametrize("row", [
    "The model weights are updated rather than frozen in both transfer settings.",
    "The weights were updated, rather than frozen, in both transfer settings.",
    "Rather than being frozen, the weights were updated.",
    "All weights are updated instead of frozen.",
])
def test_updated_rather_than_frozen_agrees(row):
    assert opposite_reason(row, FROZEN) == ""


def test_a_contrast_is_read_only_against_what_the_claim_denies():
    statement = "Multi-task intermediate training does best, improving on XLM-R Large by 8.7 points."  # it denies nothing
    assert opposite_reason("Multi-task training rather than XLM-R Large alone does best, improving by 8.7 points.", statement) == ""


def test_a_row_with_frozen_rather_than_updated_is_flagged_in_an_audit(tmp_path):
    from claimcheck.workflow_audit import audit_from_disk

    rows = ["The model weights are frozen rather than updated in both transfer settings.",
            "The model weights are updated rather than frozen in both transfer settings."]
    table = "\n".join(f"{r}\t✓\t0.5" for r in rows)
    (tmp_path / "r.txt").write_text(
        "A synthesis\n\nThis paper examines: The (In)Effectiveness of Intermediate Task Training For Domain Adaptation and "
        f"Cross-Lingual Transfer Learning.\n\nClaim\tVerified\tConfidence\n{table}\n\nReferences\n\n- <http://arxiv.org/abs/2210.01091v2>\n",
        encoding="utf-8")
    card = audit_from_disk([tmp_path]).scorecards[0]
    assert [(r.claim_id, r.contradicts) for r in card.rows] == [
        ("2210.01091/no-frozen-layers", True), ("2210.01091/no-frozen-layers", False)]

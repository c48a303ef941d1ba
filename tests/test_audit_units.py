"""A row that gives its claim's number in another unit ("100 steps" for "100 epochs") matches that
claim with a number mismatch that names both units, instead of matching no claim; the same number in
the claim's unit, or in a unit of another quantity ("100 languages"), does not."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, toy_registry

UNITS_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/epochs
    statement: "Each pretrained model is trained for 100 epochs on the large intermediate dataset."
    kind: setup
    version: v2
    location: {section: Methods}
    reported: ["100"]
    derivation: {name: unavailable_source}
    key_terms: ["100", epochs, intermediate]
  - id: 2005.13013/split
    statement: "Intermediate training and fine-tuning both train on 70% of the data."
    kind: setup
    version: v2
    location: {section: Methods}
    reported: ["70%"]
    derivation: {name: unavailable_source}
    key_terms: ["70%", training, split]
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("units"), UNITS_YAML)


def _mismatches(card):
    return [f for f in card.findings if f.code == "number_mismatch"]


@pytest.mark.parametrize(("text", "shown"), [
    ("For the intermediate task training, each pre-trained model was trained for 100 steps using the large dataset.",
     "states 100 steps where 2005.13013/epochs reports 100 epochs: the same number in another unit"),
    ("Each pretrained model is trained for 100 iterations on the large intermediate dataset.", "states 100 iterations where"),
    ("Each pretrained model is trained for 100 training steps on the large intermediate dataset.", "states 100 training steps where"),
    ("Every model gets 100 updates of intermediate training on the large dataset.", "states 100 updates where"),
])  # fmt: skip
def test_the_claims_number_in_another_unit_is_a_number_mismatch_of_that_claim(registry, text, shown):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert (row.status, row.claim_id, row.number_mismatch) == ("matched", "2005.13013/epochs", True), row.best
    (finding,) = _mismatches(card)
    assert shown in finding.message and finding.severity == "error"
    assert not [f for f in card.findings if f.code == "unknown_claim"]
    # the tick's reason names the unit, not the number, as what differs
    assert any("the same number in another unit" in r and "(the claim: 100 epochs)" in r for r in row.tick_reasons), row.tick_reasons
    assert not any("its number differs" in r for r in row.tick_reasons), row.tick_reasons


@pytest.mark.parametrize(("text", "shown"), [
    # another number in the claim's unit: a plain number mismatch, no unit named
    ("For the intermediate task training, each pre-trained model was trained for 10 epochs using the large dataset.",
     "states 10 where 2005.13013/epochs reports 100"),
])  # fmt: skip
def test_another_number_in_the_claims_unit_is_still_a_plain_mismatch(registry, text, shown):
    card = audit_row(registry, text)
    (finding,) = _mismatches(card)
    assert shown in finding.message and "another unit" not in finding.message
    assert any("its number differs" in r for r in card.rows[0].tick_reasons)


@pytest.mark.parametrize(("text", "claim"), [
    ("For the intermediate task training, each pre-trained model was trained for 100 epochs using the large dataset.", "epochs"),
    ("Each pretrained model is trained for 100 epochs (about 30k steps) on the large intermediate dataset.", "epochs"),
    ("Both intermediate training and fine-tuning use a 70% training split of the data.", "split"),
    ("Both intermediate training and fine-tuning use 70 percent of the data as the training split.", "split"),
])  # fmt: skip
def test_the_claims_number_in_its_own_unit_is_not_flagged(registry, text, claim):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert (row.status, row.claim_id) == ("matched", f"2005.13013/{claim}") and not row.number_mismatch
    assert not _mismatches(card)


@pytest.mark.parametrize("text", [
    "The intermediate dataset covers 100 languages in the large multilingual setting.",  # another quantity
])
def test_the_number_in_a_unit_of_another_quantity_does_not_reach_the_claim(registry, text):
    row = audit_row(registry, text).rows[0]
    assert row.claim_id != "2005.13013/epochs"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("step", "epoch", True), ("iteration", "update", True), ("epoch", "epoch", True), ("point", "point", True),
    ("language", "epoch", False), ("layer", "step", False), (None, "epoch", False),
])  # fmt: skip
def test_which_units_measure_one_quantity(a, b, same):
    from claimcheck.audit.row_numbers import same_quantity

    assert same_quantity(a, b) is same

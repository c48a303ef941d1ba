"""How a row's numbers are read against a claim's: a number word is as precise as its digits
("five" is "5", [4.5, 5.5]), and a number after "over", "nearly" or "about" (and their kin) is an
approximation that agrees with a claim's number it is consistent with."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, toy_registry

from claimcheck.audit.row_numbers import approximate_numbers, approximately, same_number, states_number

SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
SEED_000 = SEEDS / "000_083e1e17f6b30f53.txt"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("five", "5.4", True), ("5", "5.4", True), ("eight", "8.7", False), ("nine", "8.7", True), ("nine", "9", True),
    ("twelve", "nine", False), ("five", "6.1", False),
])  # fmt: skip
def test_a_number_word_is_as_precise_as_its_digits(a, b, same):
    assert same_number(a, b) is same and same_number(b, a) is same


def test_a_number_word_states_no_more_than_its_digits():
    assert states_number("nine", "9") and states_number("9", "nine") and states_number("five", "5")
    assert not states_number("five", "5.4") and not states_number("5", "5.4")
    assert not states_number("8.7", "nine")  # a count the statement writes out is stated only by its value


@pytest.mark.parametrize(("text", "expected"), [
    ("a gain of over five points", [("five", "over")]),
    ("a gain of more than 5.4 points", [("5.4", "over")]),
    ("nearly nine points", [("nine", "nearly")]), ("almost 9 points", [("9", "nearly")]),
    ("about 5 points", [("5", "about")]), ("roughly 5%", [("5", "about")]), ("a ~5 point gain", [("5", "about")]),
    ("approximately 40 languages", [("40", "about")]), ("around 12 tasks", [("12", "about")]),
    # "over" before a count is a preposition, not a bound
    ("averaged over nine tasks", []), ("over 12 intermediate tasks", []), ("a gain of 5 points", []),
])  # fmt: skip
def test_approximate_numbers(text, expected):
    assert approximate_numbers(text) == expected


@pytest.mark.parametrize(("row", "qualifier", "claim", "agrees"), [
    ("five", "over", "5.4", True), ("5", "over", "5.4", True), ("eight", "over", "8.7", True),
    ("5", "over", "4.8", False),  # below the bound
    ("five", "over", "6.1", False),  # "over six" would say it
    ("70%", "over", "72%", True), ("70%", "over", "0.72", True), ("100", "over", "150", True), ("100", "over", "250", False),
    ("nine", "nearly", "8.7", True), ("9", "nearly", "9.3", False), ("nine", "nearly", "7.9", False),
    ("5", "about", "5.4", True), ("8", "about", "8.7", True), ("five", "about", "4.1", True), ("7", "about", "8.7", False),
    ("5.4", "about", "5.6", False),
])  # fmt: skip
def test_approximately(row, qualifier, claim, agrees):
    assert approximately(row, qualifier, claim) is agrees


# ------------------------------------------------------------------------------------ whole rows

GAIN_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/joint
    statement: "Intermediate training on all intermediate tasks together gives the largest mean gain, 8.7 points."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.7"]
    derivation: {name: unavailable_source}
    key_terms: [multi-task, largest, gain]
"""


@pytest.fixture
def registry(tmp_path):
    return toy_registry(tmp_path, GAIN_YAML, "approx")


@pytest.mark.parametrize("number", ["over eight points", "over 8 points", "nearly nine points", "almost 9 points",
                                    "about 9 points", "about 8 points", "roughly nine points", "~8.7 points", "8.7 points"])
def test_an_approximation_consistent_with_the_claim_is_no_number_mismatch(registry, number):
    card = audit_row(registry, f"Multi-task intermediate training gives the largest gain, {number}.")
    row = card.rows[0]
    assert row.claim_id == "2005.13013/joint" and not row.number_mismatch, row.differing_numbers


@pytest.mark.parametrize(("number", "shown"), [
    ("eight points", "eight"),  # a plain number word is exact to its unit: 8 is not 8.7
    ("nearly eight points", "eight"), ("over nine points", "nine"), ("about 7 points", "7"), ("over 9.5 points", "9.5"),
    ("nearly 8.5 points", "8.5"),
])  # fmt: skip
def test_an_approximation_the_claim_contradicts_is_still_a_number_mismatch(registry, number, shown):
    card = audit_row(registry, f"Multi-task intermediate training gives the largest gain, {number}.")
    row = card.rows[0]
    assert row.claim_id == "2005.13013/joint" and row.differing_numbers == [shown], row


# --------------------------------------------------------------------- the reviewer's rows, in seed 000

def seed_with_rows(tmp_path, rows):
    """Seed 000 with ``rows`` added to its claim table (ticked, confidence 0.8), audited with the
    bundled registry."""
    from claimcheck.workflow_audit import audit_from_disk

    text = SEED_000.read_text(encoding="utf-8")
    last = "with nine different English intermediate\t✓\t0.28\n"
    assert text.count(last) == 1
    extended = tmp_path / "000_extended.txt"
    extended.write_text(text.replace(last, last + "".join(f"{r}\t✓\t0.8\n" for r in rows)), encoding="utf-8")
    (card,) = audit_from_disk([extended], include_bundled_results=False).scorecards
    return card, card.rows[-len(rows):]


needs_seeds = pytest.mark.skipif(not SEED_000.is_file(), reason=f"{SEED_000} not present")


@needs_seeds
@pytest.mark.parametrize(("row", "claim"), [
    ("Using the best intermediate-task model per target task gives an XTREME gain of over five points over XLM-R Large.",
     "2005.13013/xtreme-test-gain"),
    ("Using the best intermediate-task model per target task gives an XTREME gain of over 5 points over XLM-R Large.",
     "2005.13013/xtreme-test-gain"),
    ("Using the best intermediate-task model per target task gives an XTREME gain of about 5 points over XLM-R Large.",
     "2005.13013/xtreme-test-gain"),
    ("Multi-task intermediate-task training on all 9 tasks performs best, improving by over eight points.",
     "2005.13013/multitask-gain"),
])  # fmt: skip
def test_reviewer_rows_with_an_approximate_number_match_their_claim_without_a_mismatch(tmp_path, row, claim):
    card, (added,) = seed_with_rows(tmp_path, [row])
    assert added.claim_id == claim and not added.number_mismatch, (added.claim_id, added.differing_numbers)
    assert not [f for f in card.findings if f.row == added.row.number and f.severity == "error"]


@needs_seeds
def test_reviewer_row_with_a_contradicting_approximation_is_a_number_mismatch(tmp_path):
    """Control: "nearly five points" says less than 5, and 5.4 is more."""
    row = "Using the best intermediate-task model per target task gives an XTREME gain of nearly five points over XLM-R Large."
    card, (added,) = seed_with_rows(tmp_path, [row])
    assert added.number_mismatch and added.differing_numbers == ["five"], (added.claim_id, added.differing_numbers)


# ------------------------------------------------------------------------------------ decimal commas

@pytest.mark.parametrize(("text", "expected"), [
    ("a 5,4 point gain", [("5.4", True)]),
    ("from 80,1 to 85,55 F1", [("80.1", True), ("85.55", True)]),
    # thousands groups, lists and years are no decimals
    ("12,000 examples", [("12", False), ("000", False)]),
    ("tasks 1,2,3", [("1", False), ("2", False), ("3", False)]),
    ("in 2020,21", [("21", False)]),
    ("SQuAD, MNLI, 9 tasks", [("9", False)]),
])  # fmt: skip
def test_a_decimal_comma_is_a_point(text, expected):
    from claimcheck.audit.row_numbers import numbers_in

    assert [(w, measure) for w, _, measure in numbers_in(text)] == expected


def test_a_decimal_comma_in_a_row_is_no_number_mismatch(registry):
    card = audit_row(registry, "Multi-task intermediate training gives the largest gain, 8,7 points.")
    row = card.rows[0]
    assert row.claim_id == "2005.13013/joint" and not row.number_mismatch, row.differing_numbers
    card = audit_row(registry, "Multi-task intermediate training gives the largest gain, 9,7 points.")  # control
    assert card.rows[0].differing_numbers == ["9.7"]


@needs_seeds
def test_reviewer_row_with_a_decimal_comma_matches_its_claim(tmp_path):
    row = "Using the best intermediate-task model per target task gives a 5,4 point XTREME gain over XLM-R Large."
    card, (added,) = seed_with_rows(tmp_path, [row])
    assert added.claim_id == "2005.13013/xtreme-test-gain" and not added.number_mismatch, added.differing_numbers
    assert not [f for f in card.findings if f.row == added.row.number and f.severity == "error"]


# ----------------------------------------------------------------------- the unit of a number key term

@pytest.mark.parametrize(("row", "terms", "statement", "share"), [
    # a count key term is no percentage, nor a number of epochs
    ("were performed by training over 7% of th", ["seven", "7"], "(v1) the study uses seven english intermediate tasks.", 0.0),
    ("training on 7 epochs", ["7"], "the study uses seven english intermediate tasks.", 0.0),
    ("the study uses 7 intermediate tasks", ["seven", "7"], "(v1) the study uses seven english intermediate tasks.", 1.0),
    ("the study uses seven tasks", ["7"], "the study uses seven english intermediate tasks.", 1.0),
    # a measure's unit is compared with the statement's
    ("each llm was trained for 100 steps", ["100"], "each pretrained model is trained for 100 epochs.", 0.0),
    ("each llm was trained for 100 epochs", ["100"], "each pretrained model is trained for 100 epochs.", 1.0),
    ("each llm was trained for 100 iterations", ["100"], "each pretrained model is trained for 100 epochs.", 0.0),  # another unit
    ("each llm was trained for 100 training epochs", ["100"], "each pretrained model is trained for 100 epochs.", 1.0),
    ("a 5.4% gain", ["5.4"], "a 5.4-point improvement over xlm-r large.", 1.0),  # % and points are one
    ("a gain of 5.4 points", ["5.4"], "a gain of 5.4 over xlm-r large.", 1.0),  # the statement gives no unit
    ("train on 70% of the data", ["70%"], "both train on 70% of the data.", 1.0),
])  # fmt: skip
def test_a_number_key_term_is_found_only_in_a_unit_that_agrees(row, terms, statement, share):
    from claimcheck.audit.claim_match import term_share

    assert term_share(row, terms, False, statement) == share
    assert term_share(row, terms, False) == (1.0 if any(c.isdigit() for c in row) else share)  # without a statement: as before


@needs_seeds
def test_reviewer_rows_with_another_unit(tmp_path):
    """Seed 004's paper (2210.01091) rows, as the reviewer's G1 has them: "7% of th" is no count of
    seven tasks, and "100 steps" is not the claim's 100 epochs."""
    cut = "In each of the following tasks, both intermediate task training and fine-tuning were performed by training over 7% of th"
    steps = "For the intermediate task training, each pre-trained LLM was trained for 100 steps using the large dataset."
    epochs = "For the intermediate task training, each pre-trained LLM was trained for 100 epochs using the large dataset."
    card, (a, b, c) = seed_with_rows(tmp_path, [cut, steps, epochs])
    assert a.claim_id != "2005.13013/v1-seven-tasks", a.best
    # never passes as the 100-epoch claim: matched with a number mismatch, or (numbers of another kind
    # do not count towards a match: "100 steps" is no "100 epochs") left an unknown claim, a warning
    assert (b.claim_id == "2210.01091/intermediate-100-epochs" and b.number_mismatch) or b.status == "unknown", b
    assert any(f.row == b.row.number and f.code in ("number_mismatch", "unknown_claim") for f in card.findings)
    assert c.claim_id == "2210.01091/intermediate-100-epochs" and not c.number_mismatch, c.differing_numbers  # control

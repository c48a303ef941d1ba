"""Rows whose key terms match a claim but whose numbers all disagree with it: a shifted decimal ("54",
"+54" or "0.54" for 5.4) is a number mismatch against that claim, never a silent match and never an
unknown claim."""

from __future__ import annotations

import pytest

from audit_fixtures import OTHER_XTREME_ROWS, PAPER_HEAD, audit_row, make_report, toy_registry

from claimcheck.sources.bibliography import load_bibliography
from claimcheck.sources.synthesis import parse_synthesis
from claimcheck.audit.engine import audit_report

# the gain claim as the bundled registry words it: its number is one of its key terms
GAIN_YAML = PAPER_HEAD + """  facts:
    - {key: task_count, value: 9, source: abs}
    - {key: epochs, value: 100, source: abs}
claims:
  - id: 2005.13013/gain
    statement: >-
      Using the best intermediate-task model for each target task gives a 5.4-point improvement over
      XLM-R Large on the XTREME benchmark.
    kind: quantity
    version: v2
    location: {section: Abstract}
    reported: ["5.4"]
    derivation: {name: unavailable_source}
    key_terms: [XTREME, best, "5.4", average, improvement]
  - id: 2005.13013/v1-gain
    statement: "(v1) Picking the best intermediate model per target task gives a 6.1-point XTREME gain over XLM-R Large."
    kind: quantity
    version: v1
    superseded_by: 2005.13013/gain
    location: {section: Abstract}
    reported: ["6.1"]
    derivation: {name: unavailable_source}
    key_terms: [XTREME, "6.1", improvement]
  - id: 2005.13013/task-count
    statement: "The study uses nine English intermediate tasks."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count, expect: 9}}
    key_terms: [nine, "9", intermediate tasks]
  - id: 2005.13013/epochs
    statement: "Each model trains for 100 epochs on the intermediate data."
    kind: setup
    version: v2
    location: {section: Setup}
    derivation: {name: fact, params: {key: epochs, expect: 100}}
    key_terms: ["100", epochs, intermediate]
"""


@pytest.fixture
def registry(tmp_path):
    return toy_registry(tmp_path, GAIN_YAML, "gain")


@pytest.mark.parametrize(("text", "shown"), [
    # whole rows: the number key term "5.4" is missed, and the number-blind score fell short without it
    ("The best model per target task improves the XTREME score by 0.54.", "0.54"),
    ("The best model per target task improves the XTREME score by +54.", "54"),
    # rows cut off after a bare number that is no count: it stands where 5.4 should
    ("Evaluating our best performing models for each target task on XTREME yields an average improvement of 54 over the baselin", "54"),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of +54 poi", "54"),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 54", "54"),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 54 points.", "54"),
])  # fmt: skip
def test_a_shifted_decimal_is_a_number_mismatch_against_the_claim(registry, text, shown):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/gain" and row.number_mismatch, row
    (f,) = [f for f in card.findings if f.code == "number_mismatch"]
    assert f.severity == "error" and f.message == f"row 1 states {shown} where 2005.13013/gain reports 5.4"


@pytest.mark.parametrize(("text", "claim"), [
    # a cut row whose bare number may count something else, with no digits of 5.4, is not blamed
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement over 9 tas", "gain"),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 5", "gain"),
    ("Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 5.4", "gain"),
])  # fmt: skip
def test_a_cut_row_without_a_shifted_number_is_not_blamed(registry, text, claim):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}" and not row.number_mismatch, row.differing_numbers


@pytest.mark.parametrize("text", [
    # "+3.1 points" is no number of epochs; "9 tasks" counts things, it measures nothing
    "Multi-task intermediate training across the 9 tasks yields +3.1 points on average.",
    "The best intermediate models are picked per target task across the 9 XTREME tasks.",
])  # fmt: skip
def test_only_a_number_of_the_claims_kind_fills_its_number_term(registry, text):
    card = audit_row(registry, text)
    assert card.rows[0].claim_id not in ("2005.13013/epochs", "2005.13013/gain") or not card.rows[0].number_mismatch


# rows about XTREME, its best model and an average gain that state another measure than 5.4: a number that
# is not 5.4 with its decimal point moved is another result ("7.6 points" of XLM-R over mBERT, the gap to
# human performance), not the gain claim's number misread. Each stays an unknown claim (a warning), as
# it was before measure terms were number-blind; none is a number mismatch against the gain claim.
@pytest.mark.parametrize("text", OTHER_XTREME_ROWS)
def test_another_measure_does_not_fill_the_claims_number_term(registry, text):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.status == "unknown" and not row.number_mismatch, (row.claim_id, row.differing_numbers)
    assert not [f for f in card.findings if f.severity == "error"], [f.message for f in card.findings]


@pytest.mark.parametrize("text", OTHER_XTREME_ROWS)
def test_another_measure_is_no_mismatch_against_the_bundled_gain_claim(text):
    """The same rows against the bundled registry: none is a number mismatch against
    2005.13013/xtreme-test-gain (+5.4 on XTREME), nor counts 10 tasks against its nine."""
    from claimcheck.claims.registry import load_registry

    card = audit_report(parse_synthesis(make_report([(text, "✓", "0.9")]), label="r.md"), load_registry(), {}, load_bibliography())
    row = card.rows[0]
    assert row.status == "unknown" and not row.number_mismatch and not row.other_claim_counts, (row.claim_id, row.differing_numbers)
    assert not [f for f in card.findings if f.severity == "error"], [f.message for f in card.findings]


@pytest.mark.parametrize(("measure", "row", "filled"), [
    ("5.4", "an average improvement of 54", True),
    ("5.4", "an average improvement of +0.54 points", True),
    ("5.4", "an average improvement of 540", True),
    ("5.4", "an average improvement of 7.6 points", False),
    ("5.4", "lags behind humans by 20 points", False),
    ("5.4", "an improvement of 0.9", False),
    ("5.4", "gains on 54 tasks", False),  # counts tasks
    ("5.4", "after 54 epochs", False),  # another unit
    ("100", "after 10 epochs", False),  # one significant digit: no shifted form
])  # fmt: skip
def test_only_a_shifted_decimal_fills_a_measure_term(measure, row, filled):
    from claimcheck.audit.key_terms import _measured

    assert _measured(row, [measure], {"point"} if measure == "5.4" else {"epoch"}) is filled


# a score beside a metric's name ("SQuAD (82 F1)") is no gain with its decimal point moved
BEST_TASKS_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/best-tasks
    statement: >-
      SQuAD, MNLI and HellaSwag are the three single English intermediate tasks that improve most on
      XLM-R Large, by 8.2, 7.5 and 7.0 points.
    kind: comparison
    version: v2
    location: {section: Abstract}
    reported: ["8.2", "7.5", "7.0"]
    derivation: {name: unavailable_source}
    key_terms: [SQuAD, MNLI, HellaSwag, intermediate]
"""


@pytest.fixture
def best_tasks(tmp_path):
    return toy_registry(tmp_path, BEST_TASKS_YAML, "best")


CUT_SCORE_ROW = "Intermediate-task training on SQuAD (82 F1), MNLI, and HellaSwag yields the largest target-task improvements of all the int"


@pytest.mark.parametrize("text", [
    CUT_SCORE_ROW,
    CUT_SCORE_ROW.replace("(82 F1)", "(F1 82)"),
    CUT_SCORE_ROW.replace("(82 F1)", "(EM: 82)"),
    CUT_SCORE_ROW.replace("(82 F1)", "(an accuracy of 82)")[:120],
])  # fmt: skip
def test_a_score_beside_a_metric_is_no_shifted_decimal(best_tasks, text):
    card = audit_row(best_tasks, text)
    row = card.rows[0]
    assert row.row.truncated and row.claim_id == "2005.13013/best-tasks"
    assert not row.number_mismatch, row.differing_numbers


@pytest.mark.parametrize(("text", "shown"), [
    # no metric beside them: 82 and 75 are 8.2 and 7.5 with their decimal points moved
    ("Intermediate-task training on SQuAD, MNLI, and HellaSwag yields large target-task improvements of 82, 75, and 70 poi", "82, 75"),
    ("Intermediate-task training on SQuAD, MNLI, and HellaSwag yields large target-task improvements of 82 over the baseline, fo", "82"),
])  # fmt: skip
def test_a_shifted_decimal_without_a_metric_is_still_flagged(best_tasks, text, shown):
    card = audit_row(best_tasks, text)
    (f,) = [f for f in card.findings if f.code == "number_mismatch"]
    assert f.message == f"row 1 states {shown} where 2005.13013/best-tasks reports 8.2, 7.5, 7.0"


def test_the_cut_score_row_is_no_mismatch_against_the_bundled_claim():
    """The bundled 2005.13013/best-single-tasks (8.2, 7.5 and 7.0 points): "SQuAD (82 F1)" is SQuAD's
    score, not a shifted 8.2."""
    from claimcheck.claims.registry import load_registry

    card = audit_report(parse_synthesis(make_report([(CUT_SCORE_ROW, "✓", "0.9")]), label="r.md"), load_registry(), {}, load_bibliography())
    row = card.rows[0]
    assert row.claim_id == "2005.13013/best-single-tasks" and not row.number_mismatch, row.differing_numbers
    assert not [f for f in card.findings if f.code == "number_mismatch"]


@pytest.mark.parametrize(("text", "number", "beside"), [
    ("squad (82 f1), mnli", "82", True),
    ("squad (f1 82), mnli", "82", True),
    ("squad (em: 82)", "82", True),
    ("82% accuracy", "82", True),
    ("an accuracy of 82", "82", True),
    ("82 acc. on xnli", "82", True),
    ("a bleu of 30.1", "30.1", True),
    ("an average score of 54", "54", True),
    ("an average improvement of 54 points", "54", False),
    ("an average improvement of +54 poi", "+54", False),
    ("improves the xtreme score by 0.54", "0.54", False),
    ("an f1 gain of 54", "54", False),
    ("54 across tasks", "54", False),
])  # fmt: skip
def test_beside_metric(text, number, beside):
    from claimcheck.audit.row_numbers import beside_metric

    assert beside_metric(text, text.index(number)) is beside


@pytest.mark.parametrize(("row", "filled"), [
    ("the best model reaches 54 f1 on xtreme", False),
    ("the best model reaches an average xtreme f1 of 54", False),
    ("the best model improves the average by 54 points", True),
])  # fmt: skip
def test_a_score_does_not_fill_a_measure_term(row, filled):
    from claimcheck.audit.key_terms import _measured

    assert _measured(row, ["5.4"], {"point"}) is filled

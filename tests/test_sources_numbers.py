"""Numbers as written: precision kept, units only when stated, suffixes never guessed."""

from __future__ import annotations

import pytest

from claimcheck.sources.numbers import extract_numbers, is_numeric_cell, parse_written_number, split_cell


@pytest.mark.parametrize("text, expected", [
    # (written, unit, kind, decimals)
    ("improves by 8.7 points", [("8.7", "points", "plain", 1)]),
    ("a 5.4 point improvement", [("5.4", "points", "plain", 1)]),
    ("a 5.4-point gain", [("5.4", "points", "plain", 1)]),
    ("an 80.0 accuracy", [("80.0", "", "plain", 1)]),
    ("85.2% and 85.2\\%", [("85.2%", "%", "plain", 1), ("85.2%", "%", "plain", 1)]),
    ("3.1 percent", [("3.1", "percent", "plain", 1)]),
    ("2 pp and 0.5pp", [("2", "pp", "plain", 0), ("0.5", "pp", "plain", 1)]),
    ("12 percentage points", [("12", "percentage points", "plain", 0)]),
    ("-0.4, −1.2 and +0.3", [("-0.4", "", "plain", 1), ("-1.2", "", "plain", 1), ("+0.3", "", "plain", 1)]),
    ("1,000 examples", [("1000", "", "plain", 0)]),
    (".5 of them", [("0.5", "", "plain", 1)]),
    ("72.66", [("72.66", "", "plain", 2)]),
    ("lr 1e-5", [("1e-5", "", "scientific", 0)]),
    ("10^-5", [("10", "", "scientific", 0)]),
    ("392k examples, 550M parameters, the 3rd run", [("392", "", "suffixed", 0), ("550", "", "suffixed", 0),
                                                      ("3", "", "suffixed", 0)]),
    ("EM/F1, XLM-R, v2, F1", []),
    ("pages 3-5", [("3", "", "plain", 0), ("5", "", "plain", 0)]),
])
def test_extract_numbers(text, expected):
    assert [(n.text, n.unit, n.kind, n.decimals) for n in extract_numbers(text)] == expected


def test_no_unit_is_invented():
    # A bare number next to a word that is not a unit keeps an empty unit, even where a reader would assume one.
    (n,) = extract_numbers("accuracy of 80.1 on XNLI")
    assert n.unit == "" and n.text == "80.1"


def test_written_precision_and_half_unit():
    assert parse_written_number("80.0").half_unit == pytest.approx(0.05)
    assert parse_written_number("72.66").half_unit == pytest.approx(0.005)
    assert parse_written_number("8").half_unit == pytest.approx(0.5)
    assert parse_written_number(" 80.0 ").text == "80.0"
    assert parse_written_number("80.0 points").unit == "points"
    assert parse_written_number("80.0 on XNLI") is None and parse_written_number("") is None


def test_written_forms_are_valid_reported_values():
    from claimcheck.claims.models import check_written_number

    for text in ["-0.4", "+1.3", "85.2%", "1,000", "−1.2", ".5", "８０.１", "−٠.٤"]:
        (n,) = extract_numbers(text)
        assert check_written_number(n.text) == n.text


def test_digits_of_another_script_are_stored_as_ascii_with_their_precision():
    """A claim file takes ASCII digits only: "８０.１" (full-width) is the written number "80.1",
    one decimal, and keeps the characters as printed in ``raw``."""
    (n,) = extract_numbers("accuracy of ８０.１０% on XNLI")
    assert (n.text, n.raw, n.value, n.decimals, n.unit) == ("80.10%", "８０.１０%", 80.1, 2, "%")


@pytest.mark.parametrize("cell, header, expected", [
    ("63.3/78.7", "QA (EM/F1) / XQuAD", [("63.3", "EM", ""), ("78.7", "F1", "")]),
    ("63.3 / 78.7", "XQuAD", [("63.3", "1", ""), ("78.7", "2", "")]),
    ("70.1/72.3/71.2", "P/R/F1", [("70.1", "P", ""), ("72.3", "R", ""), ("71.2", "F1", "")]),
    ("80.1±0.3", "XNLI", [("80.1", "", "0.3")]),
    ("80.1 +/- 0.3", "XNLI", [("80.1", "", "0.3")]),
    ("63.3±0.2/78.7±0.1", "EM/F1", [("63.3", "EM", "0.2"), ("78.7", "F1", "0.1")]),
    ("79.2 (+0.9)", "XNLI", [("79.2", "", "")]),
    ("85.2%", "Acc", [("85.2%", "", "")]),
    ("Layer 12", "", []),
    ("n/a", "", []),
    ("1e-5", "lr", []),
    ("110M", "Params", []),
])
def test_split_cell(cell, header, expected):
    assert [(c.number.text, c.part, c.spread) for c in split_cell(cell, header)] == expected


def test_numeric_cell_tolerates_a_unit_but_not_words():
    assert is_numeric_cell("8.7pp") and is_numeric_cell("80.1±0.3")
    assert not is_numeric_cell("BERT-base 2019") and not is_numeric_cell("")

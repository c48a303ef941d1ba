"""A row number fills a claim's number only where both are the same kind of number: a count is no
measure, a count in languages no count in epochs, a measure in points no percentage of the data.

The rows come from a reviewer's variants of seed 000, each matched before to a claim of another
paper by a number that only shares its value ("100 languages" for "100 epochs").
"""

from __future__ import annotations

import pytest

from claimcheck.audit.claim_match import number_share, score_claim, term_share
from claimcheck.audit.counted_things import claim_number_kind, kinds_agree, number_kind


def _kind(text: str, written: str):
    """The kind of the first number of ``text`` written ``written``."""
    a = text.index(written)
    return number_kind(text, a, a + len(written))


@pytest.mark.parametrize(
    "row, written, statement, claim_written, agree",
    [
        ("trained on 100 languages", "100", "Each pretrained model is trained for 100 epochs.", "100", False),
        ("trained for 100 epochs", "100", "Each pretrained model is trained for 100 epochs.", "100", True),
        ("improves XNLI accuracy by 3 points", "3", "BERT is best on the other three target tasks.", "3", False),
        ("improvements of 82, 75, and 70 points", "70", "Both train on 70% of the data.", "70%", False),
        ("70% of the examples", "70", "Both train on 70% of the data.", "70%", True),
        ("a 5.4% gain", "5.4", "It gives a 5.4-point improvement on XTREME.", "5.4", True),  # a gain in points written "%"
        ("across 40 typologically diverse languages", "40", "XTREME covers up to 40 languages.", "40", True),
        ("XTREME spans 9 tasks and 40 languages", "40", "XTREME covers up to 40 languages.", "40", True),
        ("the three question answering targets", "three", "BERT is best on the other three target tasks.", "3", True),
        ("improves by 3 over zero-shot", "3", "BERT is best on the other three target tasks.", "3", True),  # a bare number says no kind
        ("by 3 points", "3", "RoBERTa is best on three of the six target tasks.", "3", False),  # three of the target tasks: a count
        ("trained for 100 steps", "100", "Each pretrained model is trained for 100 epochs.", "100", False),
        # the things a count counts are not compared, only units: a paraphrase names them otherwise
        ("on three NLP tasks", "three", "It compares three models on three kinds of NLP task.", "3", True),
        ("XTREME covers up to 40 tasks", "40", "XTREME covers up to 40 languages.", "40", True),
    ],
)
def test_a_row_number_agrees_with_a_claim_number_of_its_kind(row, written, statement, claim_written, agree):
    assert kinds_agree(_kind(row, written), claim_number_kind(statement, claim_written)) is agree


def test_the_number_share_needs_the_kinds_to_agree():
    epochs = [claim_number_kind("Each model is trained for 100 epochs.", "100")]
    row = "trained on 100 languages"
    assert number_share(["100"], ["100"]) == 1.0  # without kinds: the value alone
    assert number_share(["100"], ["100"], (), [_kind(row, "100")], epochs) == 0.0
    assert number_share(["100"], ["100"], (), [_kind("for 100 epochs", "100")], epochs) == 1.0


def test_a_number_key_term_needs_the_kind_the_statement_gives_it():
    statement = "Each pretrained model is trained for 100 epochs on the large intermediate dataset."
    terms = ["100", "epochs", "intermediate"]
    assert term_share("we use xlm-r, trained on 100 languages", terms, statement=statement) == 0.0
    assert term_share("we use xlm-r, trained on 100 languages", terms) == pytest.approx(1 / 3)  # no statement: as before
    assert term_share("each model trains 100 epochs", terms, statement=statement) == pytest.approx(2 / 3)


class _Claim:
    def __init__(self, statement, reported, key_terms):
        self.id, self.statement, self.reported, self.key_terms, self.reported_by = "x/y", statement, reported, key_terms, []


@pytest.mark.parametrize(
    "row, claim",
    [
        (
            "We use the pretrained XLM-R Large model, which was trained on 100 languages, as a starting point for all our experiments.",
            _Claim("Each pretrained model is trained for 100 epochs on the large intermediate dataset.", ["100"], ["100", "epochs", "intermediate"]),
        ),
        (
            "Translate-train improves XNLI accuracy by 3 points over zero-shot transfer.",
            _Claim("BERT is the best model on the other three target tasks, including the text-classification targets.", ["3"],
                   ["BERT", "rest", "three", "text classification"]),
        ),
        (
            "Intermediate-task training on SQuAD, MNLI, and HellaSwag yields large target-task improvements of 82, 75, and 70 points.",
            _Claim("Both intermediate training and fine-tuning train on 70% of the data.", ["70%"], ["70%", "training", "split"]),
        ),
    ],
)
def test_a_number_of_another_kind_does_not_match_a_claim(row, claim):
    ms, _, _ = score_claim(row, False, claim)
    assert ms.numbers == 0.0
    assert ms.score < 0.5

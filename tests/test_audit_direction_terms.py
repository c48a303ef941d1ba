"""A key term that names a direction ("benefit", "outperforms") is found in a row that says it with
another direction word of the same kind ("helps", "gains", "falls short of": ``direction_terms``),
so that a paraphrase reaches its claim and is judged there like a plainer wording, a reversal
included. Rows audited against the bundled registry, with ``2005.13013`` as the examined paper."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_rows as audit

from claimcheck.audit.direction_terms import found_by_direction, term_kind

TYDIQA = "2005.13013/tydiqa-up-xnli-flat"
ENGLISH = "2005.13013/english-beats-alternatives"


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


@pytest.mark.parametrize(("text", "claim"), [
    # rewordings of "benefit": each was an unknown claim, below the threshold with "benefit" missing
    ("Intermediate training helps TyDiQA, but it does not help XNLI.", TYDIQA),
    ("Intermediate-task training boosts TyDiQA but leaves XNLI unchanged.", TYDIQA),
    # rewordings of "outperforms", the comparison turned round
    ("Continued MLM and translated intermediate data both fall short of plain English intermediate training.", ENGLISH),
    ("Both continuing MLM and machine-translated intermediate data trail plain English intermediate training.", ENGLISH),
])  # fmt: skip
def test_a_reworded_direction_reaches_its_claim_and_agrees_with_it(registry, text, claim):
    card = audit(registry, text)
    row = card.rows[0]
    assert row.status == "matched" and row.claim_id == claim, row.best
    assert not row.negation_mismatch and not row.number_mismatch and not row.other_claim_directions
    assert not [f for f in card.findings if f.severity == "error"]


def test_negligible_gains_reach_the_tydiqa_claim(registry):
    # its reading ("gains ... negligible", three words apart) is polarity's to make; the row is matched
    row = audit(registry, "Gains on XNLI are negligible, whereas TyDiQA-GoldP consistently improves.").rows[0]
    assert row.status == "matched" and row.claim_id == TYDIQA, row.best


@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("Intermediate training hurts TyDiQA but helps XNLI.", TYDIQA, "roles swapped"),
    ("Plain English intermediate training falls short of continued MLM and translated intermediate data.", ENGLISH, "roles swapped"),
])  # fmt: skip
def test_a_reworded_reversal_reaches_its_claim_and_is_flagged(registry, text, claim, shown):
    row = audit(registry, text).rows[0]
    assert row.claim_id == claim and shown in row.negation_mismatch, (row.best, row.negation_mismatch)


@pytest.mark.parametrize(("text", "claim"), [
    ("Intermediate training helps BUCC and Tatoeba the most.", "2005.13013/retrieval-gains"),  # another claim's targets
    ("Intermediate training helps on most tasks.", None),  # a direction word alone is no topic
    ("SQuAD beats MNLI as an intermediate task.", None),
    ("XNLI improves by 3 points with MNLI.", None),
])  # fmt: skip
def test_a_direction_word_alone_draws_no_row_to_these_claims(registry, text, claim):
    row = audit(registry, text).rows[0]
    assert row.claim_id == claim, row.best


@pytest.mark.parametrize(("term", "statement", "kind"), [
    ("benefit", "tydiqa improves, while xnli gains nothing.", ("change", False)),  # not in the statement: read alone
    ("outperforms", "english training outperforms both alternatives.", ("standing", True)),
    ("worst", "xlnet performs worst of the three models.", ("standing", False)),
    ("best", "using the best model per task gives a 5.4-point gain.", None),  # describes a noun: ranks nothing
    ("best", "", None),  # alone, a superlative ranks nothing either
    ("xtreme", "the xtreme benchmark improves.", None),  # not a direction word
])  # fmt: skip
def test_which_terms_name_a_direction(term, statement, kind):
    assert term_kind(term, statement) == kind


@pytest.mark.parametrize(("row", "term", "statement", "found"), [
    ("gains on xnli are negligible", "benefit", "", True),
    ("xnli stays unchanged", "benefit", "", True),  # a change either way, or none
    ("mlm falls short of english training", "outperforms", "english training outperforms mlm.", True),
    ("bert outperforms xlnet", "worst", "xlnet performs worst of the three models.", False),  # a comparison is no superlative
    ("roberta and bert outperform xlnet", "best", "the best model is roberta or bert.", False),
    ("english training outperforms mlm", "benefit", "", False),  # a comparison is no change
])  # fmt: skip
def test_which_rows_find_a_direction_term(row, term, statement, found):
    assert found_by_direction(row, term, statement) is found


def test_the_number_blind_share_takes_the_terms_as_written():
    """A row matched on the number-blind share is called wrong on its numbers: the claim's own words,
    not a rewording of them, must show that it speaks of the claim."""
    from claimcheck.audit.claim_match import blind_term_share, term_share

    row, terms = "the best model improves the xtreme average by 2.3 points", ["XTREME", "best", "5.4", "average", "improvement"]
    statement = "using the best model per task gives a 5.4-point improvement on the xtreme average."
    assert term_share(row, terms, statement=statement) == pytest.approx(4 / 5)  # "improves" for "improvement"
    assert term_share(row, terms, statement=statement, reworded=False) == pytest.approx(3 / 5)
    assert blind_term_share(row, terms, statement=statement) == pytest.approx(3 / 5)

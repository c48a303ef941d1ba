"""A key term is found in a row through simple inflections ("moderately" for "moderate": ``term_forms``),
through a term it abbreviates ("QA", "question answering"), and through the names the claim's
statement says it stands for ("the two sentence-retrieval targets, BUCC and Tatoeba":
``described_names``), so that a paraphrase reaches its claim; a noun is not found in a verb spelled
alike, and one name of a described list is not the list. Rows audited against the bundled registry,
with ``2005.13013`` as the examined paper."""

from __future__ import annotations

import re

import pytest

from audit_fixtures import audit_rows as audit

from claimcheck.audit.claim_match import term_share
from claimcheck.audit.described_names import described, described_terms, names_all
from claimcheck.audit.normal_text import normalise
from claimcheck.audit.term_forms import partners, word_pattern

QA = "2005.13013/qa-moderate-gains"
RETRIEVAL = "2005.13013/retrieval-gains"


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


@pytest.mark.parametrize(("word", "form", "found"), [
    ("moderate", "moderately", True),  # an adjective's adverb
    ("consistently", "consistent", True),  # an adverb's adjective
    ("significant", "significantly", True),
    ("considerable", "considerably", True),
    ("outperformed", "outperforms", True),  # a verb form's other forms
    ("updated", "updating", True),
    ("tuning", "tuned", True),
    ("improvement", "improvements", True),  # a noun in -ment takes its plural, no adverb
    ("retrieval", "retrievals", True),
    ("moderate", "moderated", False),  # an adjective is no participle spelled alike
    ("target", "targeted", False),  # a noun is no verb spelled alike
    ("weights", "weighted", False),
    ("layers", "layered", False),
    ("best", "bested", False),  # short words take the plural only
    ("rest", "rested", False),
])  # fmt: skip
def test_the_forms_a_word_is_found_in(word, form, found):
    assert bool(re.fullmatch(word_pattern(word), form)) == found


def test_names_take_the_plural_only():
    assert re.fullmatch(word_pattern("english", name=True), "english")
    assert not re.fullmatch(word_pattern("intermediate", name=True), "intermediately")


def test_a_term_and_its_initials_are_one_concept():
    assert partners(("question answering", "QA", "moderate")) == {"QA": "question answering", "question answering": "QA"}
    assert partners(("MLM", "translated", "English")) == {}  # nothing it abbreviates
    assert term_share("the qa targets improve", ["question answering", "QA"]) == 1.0


@pytest.mark.parametrize(("row", "share"), [
    ("xquad, mlqa and tydiqa improve moderately", 1.0),
    ("tydiqa and mlqa improve moderately", 1 / 3),  # two of the three question-answering targets are not all of them
    ("qa targets are moderately better", 1.0),
    ("moderate gains overall", 1 / 3),
])  # fmt: skip
def test_a_described_list_named_in_full_finds_its_terms(registry, row, share):
    claim = registry.claims[QA]
    terms = claim.key_terms
    assert term_share(row, terms, statement=normalise(claim.statement), described=described_terms(claim.statement, terms)) == pytest.approx(share)


def test_which_terms_describe_a_list():
    statement = "Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba."
    assert described(statement, ("BUCC", "Tatoeba", "retrieval", "sentence")) == {
        "retrieval": frozenset({"bucc", "tatoeba"}), "sentence": frozenset({"bucc", "tatoeba"})}
    after = "BUCC and Tatoeba, the sentence-retrieval targets, gain most."
    assert described(after, ("retrieval",)) == {"retrieval": frozenset({"bucc", "tatoeba"})}
    parenthesised = "The question-answering targets (XQuAD, MLQA, TyDiQA-GoldP) improve moderately."
    assert described(parenthesised, ("question answering", "moderate")) == {"question answering": frozenset({"xquad", "mlqa", "tydiqagoldp"})}
    # a term outside the phrase the list stands beside describes nothing
    assert described("Training on SQuAD and MNLI gives large gains on retrieval.", ("retrieval", "gains")) == {}
    assert names_all("tydiqa, mlqa and xquad", frozenset({"xquad", "mlqa", "tydiqagoldp"}))
    assert not names_all("mlqa and xquad", frozenset({"xquad", "mlqa", "tydiqagoldp"}))


@pytest.mark.parametrize(("text", "claim"), [
    ("Intermediate training helps XQuAD, MLQA and TyDiQA moderately", QA),
    ("The QA targets gain moderately from intermediate-task training.", QA),
    ("XQuAD, MLQA and TyDiQA-GoldP see moderate gains after intermediate training.", QA),
    ("BUCC and Tatoeba improve greatly with intermediate training", RETRIEVAL),
    ("After intermediate training, Tatoeba and BUCC improve a great deal.", RETRIEVAL),
])  # fmt: skip
def test_a_paraphrase_reaches_its_claim(registry, text, claim):
    card = audit(registry, text)
    row = card.rows[0]
    assert row.status == "matched" and row.claim_id == claim, row.best
    assert not row.negation_mismatch and not row.number_mismatch and not [f for f in card.findings if f.severity == "error"]


def test_a_reversal_reached_through_the_names_is_flagged(registry):
    row = audit(registry, "Intermediate-task training hurts BUCC and Tatoeba.").rows[0]
    assert row.claim_id == RETRIEVAL and row.negation_mismatch, row.best


@pytest.mark.parametrize(("text", "not_claim"), [
    ("TyDiQA improves moderately.", QA),  # one of the three targets is not the question-answering targets
    ("XQuAD and MLQA improve moderately.", QA),
    ("BUCC improves greatly with intermediate training.", RETRIEVAL),  # one of the two
    ("The nine intermediate tasks were trained with a moderated learning rate.", QA),  # "moderated" is no "moderate"
    ("Intermediate training helps XNLI and PAWS-X greatly.", RETRIEVAL),  # other targets
    ("BUCC and Tatoeba use the model's representations directly.", RETRIEVAL),  # names them, says nothing of a change
])  # fmt: skip
def test_rows_that_do_not_reach_the_claim(registry, text, not_claim):
    row = audit(registry, text).rows[0]
    assert row.claim_id != not_claim, row.best


@pytest.mark.parametrize(("word", "written"), [
    ("phases", "stages"), ("stage", "phases"), ("larger", "bigger"), ("big", "large"), ("dataset", "data"), ("data", "datasets"),
])
def test_a_word_is_found_as_another_that_names_the_same_thing(word, written):
    assert re.fullmatch(word_pattern(word), written)


def test_a_name_takes_no_other_word():
    assert not re.fullmatch(word_pattern("large", name=True), "big")


@pytest.mark.parametrize(("text", "claim"), [
    ("The approach has three stages: start from a publicly available multilingual masked language model, train on an "
     "English intermediate task, and finally fine-tune on the English target task.", "2005.13013/setup-three-phases"),
    ("For every NLP task, the intermediate-training data is at least ten times bigger.", "2210.01091/intermediate-data-larger"),
])  # fmt: skip
def test_a_row_in_other_words_for_the_same_things_reaches_its_claim(registry, text, claim):
    assert audit(registry, text).rows[0].claim_id == claim

"""A degree word a claim grades its change with ("moderate" of "improve moderately") does not keep a
row that names what changed and says which way from its claim: "Intermediate training hurts XQuAD,
MLQA and TyDiQA" leaves out how much, not what it is about, and reaches the question-answering claim
to be flagged as its opposite, and so does one that names them by the phrase the claim lists them
under ("hurts the question-answering targets"). A row about other tasks, about part of them, with
its change said of another name, or about another study still does not reach it. Rows audited against the bundled
registry, with ``2005.13013`` as the examined paper."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_rows as audit

from claimcheck.audit.normal_text import normalise

QA = "2005.13013/qa-moderate-gains"
QA_STATEMENT = "The question-answering targets (XQuAD, MLQA, TyDiQA-GoldP) improve moderately after intermediate training."


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


def _row(registry, text):
    card = audit(registry, text)
    return card, card.rows[0]


@pytest.mark.parametrize(("text", "shown"), [
    ("Intermediate training hurts XQuAD, MLQA and TyDiQA.", ["XQuAD, MLQA and TyDiQA", " lose ("]),
    ("Intermediate-task training degrades XQuAD, MLQA and TyDiQA-GoldP.", ["XQuAD, MLQA and TyDiQA", " lose ("]),
    ("XQuAD, MLQA and TyDiQA get worse after intermediate training.", ["XQuAD, MLQA and TyDiQA", " lose ("]),
    # the group said by the phrase the claim lists it under
    ("Intermediate training hurts question answering.", ['"hurts" (a loss)', '"improve" (a gain)']),
    ("Intermediate training hurts the question-answering targets.", ['"hurts" (a loss)', '"improve" (a gain)']),
])  # fmt: skip
def test_a_reversal_without_the_claims_degree_word_reaches_it_and_is_flagged(registry, text, shown):
    card, row = _row(registry, text)
    assert row.claim_id == QA, (row.claim_id, row.best)
    (f,) = [f for f in card.findings if f.code == "negation_mismatch"]
    assert f.severity == "warning" and all(part in f.message for part in shown), f.message


def test_the_same_direction_without_the_degree_word_reaches_it_unflagged(registry):
    card, row = _row(registry, "Intermediate training helps XQuAD, MLQA and TyDiQA.")
    assert row.claim_id == QA and not row.negation_mismatch
    assert not [f for f in card.findings if f.code == "negation_mismatch"]


@pytest.mark.parametrize("text", [
    "Intermediate training hurts XQuAD and MLQA.",  # part of the claim's targets
    "Intermediate training hurts question answering on XNLI.",  # its change is said of another name
    "XQuAD, MLQA and TyDiQA were evaluated with XLM-R.",  # no change said
    "Intermediate training hurts XQuAD, MLQA and TyDiQA on GPT-3 for SuperGLUE.",  # another study
])  # fmt: skip
def test_rows_that_do_not_reach_the_claim(registry, text):
    _, row = _row(registry, text)
    assert row.claim_id != QA, row.best


def test_a_row_about_other_targets_goes_to_their_claim(registry):
    _, row = _row(registry, "Intermediate training hurts BUCC, Tatoeba and PAWS-X.")
    assert row.claim_id == "2005.13013/retrieval-gains" and row.negation_mismatch


@pytest.mark.parametrize(("term", "statement", "grades"), [
    ("moderate", QA_STATEMENT, True),
    ("large", "Intermediate training brings large gains on BUCC and Tatoeba.", True),
    ("significant", "Neither multi-task training nor MLM brings a significant improvement.", True),
    ("moderate", "XNLI improves only moderately.", True),
    ("Large", "Every experiment starts from the pretrained XLM-R Large encoder.", False),  # a model size
    ("large", "A large dataset helps XNLI after intermediate training.", False),  # describes the dataset
    ("consistently", "XLNet performs worst of the three models in every experiment.", False),
    ("retrieval", "Intermediate training brings large gains on the retrieval targets.", False),
])  # fmt: skip
def test_which_terms_grade_a_change(term, statement, grades):
    from claimcheck.audit.direction_terms import grades_change

    assert grades_change(term, normalise(statement)) is grades


def test_the_degree_word_is_waived_only_where_the_row_changes_a_name_of_the_statement():
    from claimcheck.audit.direction_terms import changes_a_shared_name
    from claimcheck.audit.key_terms import term_share

    terms = ("question answering", "QA", "moderate")
    statement = normalise(QA_STATEMENT)
    named = "Intermediate training hurts XQuAD, MLQA and TyDiQA."
    described = {"question answering": frozenset({"xquad", "mlqa", "tydiqa"})}
    assert changes_a_shared_name(named, QA_STATEMENT)
    assert not changes_a_shared_name("Intermediate training hurts question answering on XNLI.", QA_STATEMENT)
    assert term_share(normalise(named), terms, statement=statement, described=described, written=(named, QA_STATEMENT)) == 1.0
    # without the texts as written, or on the number-blind path, the word counts as before
    assert term_share(normalise(named), terms, statement=statement, described=described) == pytest.approx(2 / 3)
    assert term_share(normalise(named), terms, statement=statement, reworded=False, written=(named, QA_STATEMENT)) == 0.0

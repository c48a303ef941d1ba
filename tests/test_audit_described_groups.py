"""A row that speaks of a group by the phrase its claim lists the group under ("hurts the
question-answering targets" against "the question-answering targets (XQuAD, MLQA, TyDiQA-GoldP)
improve") is read for direction against what the claim says of the group's names
(``audit.polarity``, ``audit.described_names``)."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, retrieval_claim, toy_registry

from claimcheck.audit.normal_text import normalise

QA = "The question-answering targets (XQuAD, MLQA, TyDiQA-GoldP) improve moderately after intermediate training."

GROUPS_YAML = PAPER_HEAD + f"""claims:
  - id: 2005.13013/qa
    statement: "{QA}"
    kind: effect
    version: v2
    location: {{section: Results}}
    derivation: {{name: unavailable_source}}
    key_terms: [question answering, QA, moderate]
""" + retrieval_claim("sentence")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("groups"), GROUPS_YAML)


def _opposite(registry, text: str, claim: str) -> list[str]:
    card = audit_row(registry, text)
    assert card.rows[0].claim_id == f"2005.13013/{claim}", (card.rows[0].claim_id, card.rows[0].best)
    return [f.message for f in card.findings if f.code == "negation_mismatch"]


@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("Intermediate training hurts the question-answering targets.", "qa",
     'the row reads "hurts" (a loss) where the claim reads "improve" (a gain)'),
    ("The question answering targets degrade after intermediate training.", "qa", '"degrade" (a loss)'),
    ("Intermediate training hurts the sentence-retrieval targets.", "retrieval",
     'the row reads "hurts" (a loss) where the claim reads "gains" (a gain)'),
])  # fmt: skip
def test_a_row_that_names_the_group_by_its_phrase_may_state_the_opposite(registry, text, claim, shown):
    messages = _opposite(registry, text, claim)
    assert len(messages) == 1 and shown in messages[0] and "may state the opposite" in messages[0]


@pytest.mark.parametrize(("text", "claim"), [
    ("Intermediate training helps the question-answering targets moderately.", "qa"),
    ("Question answering improves moderately with intermediate-task training.", "qa"),
    ("Intermediate training brings large gains in sentence retrieval.", "retrieval"),
])
def test_a_row_that_says_the_same_of_the_group_is_not_flagged(registry, text, claim):
    assert _opposite(registry, text, claim) == []


def test_the_phrase_works_both_ways_and_only_for_the_group_it_describes():
    from claimcheck.audit.polarity import compare

    # the row lists the names under the phrase, the claim speaks of the group by it
    listed = "The question-answering targets (XQuAD, MLQA, TyDiQA) all degrade after intermediate training."
    assert '"degrade" (a loss)' in compare(listed, "Question answering improves with intermediate training.").reason
    # a row about another name says nothing of the group, whatever its direction
    assert compare("Intermediate training hurts XNLI.", QA).reason == ""
    # a row that uses none of the phrase's words is not read against the group
    assert compare("Intermediate training hurts answering questions in other languages.", QA).reason == ""


@pytest.mark.parametrize(("text", "uses"), [
    ("hurts the question-answering targets", True),
    ("the question answering target improves", True),  # singular or plural
    ("hurts question answering on XTREME", True),  # the generic head noun may be left out
    ("hurts the question\u2013answering targets", True),  # any dash
    ("hurts the question-answering benchmarks", True),  # the head noun is generic: the rest names the group
    ("answering questions is hard", False),
    ("the answering targets", False),
])
def test_where_a_text_uses_a_described_phrase(text, uses):
    from claimcheck.audit.described_names import described_lists
    from claimcheck.audit.group_phrases import phrase_spans

    (phrase, keys), = described_lists(QA)
    assert phrase == "question-answering targets" and keys == {"xquad", "mlqa", "tydiqagoldp"}
    assert bool(phrase_spans(text, phrase)) is uses


def test_a_phrase_of_one_word_besides_its_head_noun_needs_the_head_noun():
    from claimcheck.audit.described_names import described_lists
    from claimcheck.audit.group_phrases import phrase_spans

    (phrase, _), = described_lists("Large gains on the retrieval targets, BUCC and Tatoeba.")
    assert phrase == "retrieval targets"
    assert phrase_spans("hurts the retrieval targets", phrase) and not phrase_spans("retrieval gets worse", phrase)


def test_an_empty_phrase_is_used_by_no_text():
    from claimcheck.audit.group_phrases import phrase_spans

    assert phrase_spans("any text, at all.", "") == [] and phrase_spans("any text, at all.", " - ") == []


@pytest.mark.parametrize("text", [
    "Intermediate training hurts the question-answering targets.",  # the phrase as the change's object
    "Intermediate training hurts performance on question answering.",
    "The question answering targets degrade after intermediate training.",  # as its subject
    "Question answering clearly gets worse with intermediate training.",
])  # fmt: skip
def test_the_phrase_as_subject_or_object_of_a_change_speaks_of_the_group(text):
    from claimcheck.audit.group_phrases import changed_groups

    assert changed_groups(text, QA) == {"xquad", "mlqa", "tydiqagoldp"}


@pytest.mark.parametrize("text", [
    # the phrase sets the scene: intermediate data, a comparison, a modifier, another topic's change
    "Intermediate training on question answering data hurts the other targets.",
    "Intermediate training on question-answering tasks degrades performance on syntactic targets.",
    "Training first on question answering hurts results on the other targets.",
    "Compared with question answering, sentence retrieval declines.",
    "Question-answering tasks degrade the other targets.",
    "The question-answering targets are XQuAD, MLQA and TyDiQA.",  # no change said
])  # fmt: skip
def test_a_phrase_that_only_sets_the_scene_speaks_of_no_group(text):
    from claimcheck.audit.group_phrases import changed_groups

    assert changed_groups(text, QA) == frozenset()


@pytest.mark.parametrize(("text", "claim"), [
    ("Compared with question answering, sentence retrieval declines.", "qa"),
    ("Intermediate training on question answering data hurts the other targets.", "qa"),
    ("Intermediate training on question-answering tasks degrades performance on syntactic targets.", "qa"),
    ("Training first on question answering hurts results on the other targets.", "qa"),
    ("Sentence retrieval intermediate tasks hurt performance.", "retrieval"),
])  # fmt: skip
def test_a_row_that_only_mentions_the_phrase_is_not_flagged_against_the_group(registry, text, claim):
    card = audit_row(registry, text)
    row = card.rows[0]
    flagged = [f for f in card.findings if f.code == "negation_mismatch" and f"2005.13013/{claim}" in f.message]
    assert not flagged, (row.claim_id, flagged)


def test_the_degree_word_is_not_held_against_a_row_that_says_how_the_group_changed(registry):
    """"moderate" grades the claim's change; a row that says which way the group went, by its phrase,
    leaves out a nuance, not the topic (as "hurts XQuAD, MLQA and TyDiQA" does): its key-term share
    is whole, so it reaches the claim and its direction is read."""
    from claimcheck.audit.direction_terms import changes_a_shared_name

    assert changes_a_shared_name("Intermediate training hurts the question-answering targets.", QA)
    assert changes_a_shared_name("Intermediate training hurts question answering.", QA)
    # a change word said of another name of the row is about that name; a row without a change says none
    assert not changes_a_shared_name("Intermediate training hurts question answering on XNLI.", QA)
    assert not changes_a_shared_name("The question-answering targets are XQuAD, MLQA and TyDiQA.", QA)
    card = audit_row(registry, "Intermediate training hurts question answering.")
    row = card.rows[0]
    assert row.claim_id == "2005.13013/qa" and row.best.terms == 1.0
    assert [f.code for f in card.findings if f.code == "negation_mismatch"] == ["negation_mismatch"]


RETRIEVAL = "Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba."


def test_a_row_that_names_the_group_by_its_phrase_has_the_names_as_key_terms():
    """The reverse of a row that names BUCC and Tatoeba having the "retrieval" term: a row that says
    "sentence retrieval" changed speaks of BUCC and Tatoeba, the names the statement lists under it;
    one that says nothing of a change does not (as with the names written out)."""
    from claimcheck.audit.key_terms import term_share

    terms, statement = ("BUCC", "Tatoeba", "retrieval"), normalise(RETRIEVAL)
    for text, share in [("Sentence retrieval gets worse after intermediate-task training.", 1.0),
                        ("Sentence retrieval uses the encoder's representations directly.", 1 / 3)]:
        assert term_share(normalise(text), terms, statement=statement, written=(text, RETRIEVAL)) == pytest.approx(share), text
        # without the texts as written (the number-blind path, a caller without them) only the word is found
        assert term_share(normalise(text), terms, statement=statement) == pytest.approx(1 / 3), text


def test_a_row_about_the_group_by_its_phrase_alone_reaches_the_claim_and_is_flagged(registry):
    card = audit_row(registry, "Sentence retrieval gets worse after intermediate-task training.")
    assert card.rows[0].claim_id == "2005.13013/retrieval"
    (f,) = [f for f in card.findings if f.code == "negation_mismatch"]
    assert '"gets worse" (a loss)' in f.message and '"gains" (a gain)' in f.message



@pytest.mark.parametrize(("statement", "phrases"), [
    ("Large gains on the two sentence-retrieval targets, BUCC and Tatoeba.", ["sentence-retrieval targets"]),
    ("Large gains on the retrieval targets: BUCC and Tatoeba.", ["retrieval targets"]),
    ("The question-answering targets (XQuAD, MLQA, TyDiQA-GoldP) improve.", ["question-answering targets"]),
    # a list that opens a clause after a colon is that clause's subject, not the phrase's apposition
    ("The same pattern holds across the transfer-learning experiments: RoBERTa and BERT perform alike.", []),
])  # fmt: skip
def test_a_list_in_apposition_closes_its_clause(statement, phrases):
    from claimcheck.audit.described_names import described_lists

    assert [p for p, _ in described_lists(statement)] == phrases

"""Counts that stand beside a list of named items ("BUCC and Tatoeba, the two retrieval targets"),
and the audit's use of them: a row counting the statement's named things otherwise is flagged."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, retrieval_claim, toy_registry



def names_of(text: str) -> list[tuple[str, frozenset[str] | None]]:
    from claimcheck.audit.counted_things import count_spans
    from claimcheck.audit.named_lists import listed_names

    return [(w, listed_names(text, a, b)) for w, _, a, b in count_spans(text)]


BUCC_TATOEBA = frozenset({"bucc", "tatoeba"})


@pytest.mark.parametrize(("text", "expected"), [
    # the list before the count, in apposition
    ("Applying intermediate-task training to BUCC and Tatoeba, the three sentence retrieval target tasks that have no training d",
     [("three", BUCC_TATOEBA)]),
    ("BUCC and Tatoeba, two retrieval tasks without training data, improve after intermediate-task training.", [("two", BUCC_TATOEBA)]),
    ("We compare XLM-RoBERTa and mBERT, the three models of this study.", [("three", frozenset({"xlm-r", "mbert"}))]),
    # the list after the count's noun phrase
    ("Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba.", [("two", BUCC_TATOEBA)]),
    ("Gains are large on the two retrieval tasks (BUCC and Tatoeba) without training data.", [("two", BUCC_TATOEBA)]),
    ("Three classification tasks: XNLI, PAWS-X and MLQA.", [("Three", frozenset({"xnli", "paws-x", "mlqa"}))]),
    # "are", "were", "namely", "i.e." make the list the whole set the count counts
    ("The two sentence-retrieval targets are BUCC and Tatoeba.", [("two", BUCC_TATOEBA)]),
    ("The two retrieval tasks were BUCC and Tatoeba, which have no training data.", [("two", BUCC_TATOEBA)]),
    ("We evaluate on two retrieval tasks namely BUCC and Tatoeba.", [("two", BUCC_TATOEBA)]),
    ("We evaluate on two retrieval tasks i.e. BUCC and Tatoeba.", [("two", BUCC_TATOEBA)]),
    # no list beside the count
    ("On BUCC and Tatoeba, the three seeds agree.", [("three", None)]),
    ("Across the nine intermediate tasks, SQuAD, MNLI and HellaSwag help most.", [("nine", None)]),
    ("Of the nine intermediate tasks, SQuAD, MNLI and HellaSwag are the best.", [("nine", None)]),
    ("We use nine intermediate tasks such as MNLI and SQuAD.", [("nine", None)]),
    ("We use nine tasks, e.g. MNLI, SQuAD and QQP.", [("nine", None)]),
    ("The nine intermediate tasks include MNLI and SQuAD.", [("nine", None)]),
    ("The two retrieval tasks are harder than XNLI and PAWS-X.", [("two", None)]),
    ("The two retrieval tasks are, like XNLI and PAWS-X, multilingual.", [("two", None)]),
    ("Training on SQuAD and MNLI, the 9 tasks improve on average.", [("9", None)]),
    ("For two of the target tasks, BUCC and Tatoeba, training helps.", [("two", None)]),
    ("The two retrieval tasks improve on BUCC.", [("two", None)]),
])  # fmt: skip
def test_listed_names(text, expected):
    assert names_of(text) == expected


RETRIEVAL_YAML = PAPER_HEAD + "claims:\n" + retrieval_claim("sentence")

SEED_ROW = "Applying intermediate-task training to BUCC and Tatoeba, the two sentence retrieval target tasks that have no training d"


@pytest.fixture
def registry(tmp_path):
    return toy_registry(tmp_path, RETRIEVAL_YAML, "lists")


@pytest.mark.parametrize("text", [
    SEED_ROW.replace("the two", "the three"),
    SEED_ROW.replace("the two", "the 3"),
    "BUCC and Tatoeba, the four retrieval tasks, gain the most from intermediate training.",
    "Intermediate training brings large gains on the three retrieval tasks (BUCC and Tatoeba).",
])  # fmt: skip
def test_a_row_counting_the_statements_named_things_otherwise_is_a_number_mismatch(registry, text):
    """The row's count and the statement's stand beside the same names: they count the same things,
    though one says "target tasks" and the other "targets"."""
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/retrieval" and row.number_mismatch, row
    (f,) = [f for f in card.findings if f.code == "number_mismatch"]
    assert f.severity == "error" and "where 2005.13013/retrieval reports two" in f.message


@pytest.mark.parametrize("text", [
    SEED_ROW,
    SEED_ROW.replace("the two", "the 2"),
    "On the sentence retrieval tasks BUCC and Tatoeba, the three seeds of intermediate training all gain.",
    "BUCC and Tatoeba, two of the nine XTREME tasks, gain from intermediate sentence retrieval training.",
])  # fmt: skip
def test_a_row_counting_the_named_things_alike_or_other_things_is_no_mismatch(registry, text):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/retrieval" and not row.number_mismatch, row.differing_numbers


@pytest.mark.parametrize(("text", "said"), [
    ("We compare XLM-RoBERTa and mBERT, the three models of this study.", "three models, but 2 named (mbert, xlm-r)"),
    ("Three classification tasks: XNLI and PAWS-X.", "Three tasks, but 2 named (paws-x, xnli)"),
    ("BUCC and Tatoeba, the three sentence retrieval target tasks, gain the most.", "three tasks, but 2 named (bucc, tatoeba)"),
])  # fmt: skip
def test_a_row_whose_count_disagrees_with_its_own_list_is_flagged_matched_or_not(registry, text, said):
    """Whichever of the two is wrong, the row cannot be right: flagged even when it matches no claim."""
    card = audit_row(registry, text)
    (row,) = card.rows
    assert row.list_count_mismatch == [said]
    (f,) = [f for f in card.findings if f.code == "list_count_mismatch"]
    assert f.severity == "warning" and f.row == 1 and said in f.message
    assert card.counts["list_count_mismatch"] == 1


@pytest.mark.parametrize("text", [
    SEED_ROW,  # two, and two named
    "Gains are large on the two retrieval tasks (BUCC and Tatoeba) without training data.",
    "On BUCC and Tatoeba, the three seeds agree.",  # no list beside the count
    "We use nine intermediate tasks such as MNLI and SQuAD.",  # examples, not the whole set
    "Found: the 7 non-retrieval per-task scores (RemBERT T16 and mT5 README, which disagree slightly).",  # sources, not items
])  # fmt: skip
def test_a_count_that_agrees_with_its_list_or_lists_no_items_is_not_flagged(registry, text):
    card = audit_row(registry, text)
    assert card.rows[0].list_count_mismatch == [] and not any(f.code == "list_count_mismatch" for f in card.findings)


@pytest.mark.parametrize(("text", "expected"), [
    # the reviewer's rows: the count before "are" disagrees with the list after it
    ("The nine intermediate tasks are ANLI+, MNLI, QQP, SQuAD v1.1, SQuAD v2, HellaSwag, CosmosQA and CommonsenseQA.",
     ["nine tasks, but 8 named (anli+, commonsenseqa, cosmosqa, hellaswag, mnli, qqp, squad v1.1, squad v2)"]),
    ("The two phases are MLM Pretraining, Intermediate Training and Target Fine-tuning.",
     ["two phases, but 3 named (intermediate training, mlm pretraining, target fine-tuning)"]),
    # controls: the count agrees, or the list gives examples
    ("The nine intermediate tasks are ANLI+, MNLI, QQP, SQuAD v1.1, SQuAD v2, HellaSwag, CCG, CosmosQA and CommonsenseQA.", []),
    ("The nine intermediate tasks include ANLI+, MNLI, QQP, SQuAD v1.1, SQuAD v2, HellaSwag, CosmosQA and CommonsenseQA.", []),
    ("The nine intermediate tasks, such as MNLI and QQP, help.", []),
])  # fmt: skip
def test_a_count_before_are_and_its_list(text, expected):
    from claimcheck.audit.contradiction import list_count_conflicts

    assert list_count_conflicts(text) == expected

"""A row that lists the claim's names beside its numbers with one of them replaced by another name
the paper knows ("SQuAD, MNLI, and QQP ... 8.2, 7.5, and 7.0" for "SQuAD, MNLI and HellaSwag"):
``audit.name_substitution`` and the audit's ``name_mismatch`` finding."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, audit_rows, best_single_claim, make_report, toy_registry

from claimcheck.claims.names import KnownNames

NAMES_YAML = PAPER_HEAD + "claims:\n" + best_single_claim("    replication_arms: [XLM-R, MNLI, SQuADv1.1, HellaSwag, QQP, ANLI+, CommonsenseQA]\n")
CLAIM = "2005.13013/best-single"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("names"), NAMES_YAML)


@pytest.mark.parametrize(("text", "renamed", "message"), [
    ("Intermediate-task training on SQuAD, MNLI, and QQP yields large target-task improvements of 8.2, 7.5, and 7.0 points.",
     ["QQP (the claim: HellaSwag)"], f"row 1 names QQP where {CLAIM} names HellaSwag, beside the same numbers"),
    ("SQuAD, QQP and ANLI+ are the best single intermediate tasks, improving by 8.2, 7.5 and 7.0 points.",
     ["QQP (the claim: MNLI)", "ANLI+ (the claim: HellaSwag)"], f"row 1 names QQP and ANLI+ where {CLAIM} names MNLI and HellaSwag"),
    ("SQuAD, MNLI and CommonsenseQA are the three best single intermediate tasks, improving by 8.2, 7.5 and 7.0 points.",
     ["CommonsenseQA (the claim: HellaSwag)"], "names CommonsenseQA where"),
])  # fmt: skip
def test_a_known_name_in_place_of_the_claims_is_flagged(registry, text, renamed, message):
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == CLAIM and row.name_mismatch == renamed and row.contradicts
    (f,) = [f for f in card.findings if f.code == "name_mismatch"]
    assert message in f.message and f.severity == "error"  # the claim is located (toy registry), like a number mismatch
    assert card.counts["name_mismatch"] == 1 and any("beside the claim's numbers" in r for r in row.tick_reasons)
    from claimcheck.reports.scorecard import render_scorecard_markdown, render_scorecard_terminal

    assert "name differs" in render_scorecard_terminal(card) and "names another task or model" in render_scorecard_markdown(card)


@pytest.mark.parametrize("text", [
    "Intermediate-task training on SQuAD, MNLI, and HellaSwag yields large target-task improvements of 8.2, 7.5, and 7.0 points.",
    "Intermediate-task training on SQuAD v1.1, MNLI, and HellaSwag yields large target-task improvements of 8.2, 7.5, and 7.0 points.",
    "MNLI, SQuAD and HellaSwag are the best single intermediate tasks, with gains of 7.5, 8.2 and 7.0 points.",
    # an unknown word may be another spelling of the claim's name
    "SQuAD, MNLI and SWAG are the best single intermediate tasks, improving by 8.2, 7.5 and 7.0 points.",
    # another list, of another length, names other things
    "SQuAD, MNLI, and HellaSwag improve by 8.2, 7.5 and 7.0 points, well ahead of QQP and ANLI+.",
    # examples, not whose numbers these are
    "Intermediate tasks such as SQuAD, MNLI and QQP help most, with the best three improving by 8.2, 7.5 and 7.0 points.",
])  # fmt: skip
def test_the_claims_names_or_no_known_substitute_are_not_flagged(registry, text):
    card = audit_row(registry, text)
    assert card.rows[0].claim_id == CLAIM and not card.rows[0].name_mismatch
    assert not [f for f in card.findings if f.code == "name_mismatch"]


def test_a_list_beside_none_of_the_claims_numbers_is_not_read(registry):
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    claim = registry.claims[CLAIM]
    text = "SQuAD, MNLI and QQP are the best single intermediate tasks, improving by {} points."
    assert substituted_names(text.format("8.2, 7.5 and 7.0"), claim, PaperNames(registry)) == ["QQP (the claim: HellaSwag)"]
    assert substituted_names(text.format("3, 2 and 1"), claim, PaperNames(registry)) == []


def test_the_callers_names_are_asked_only_for_a_name_the_registry_lacks(registry):
    """The task catalogue and the presets' arms live outside the verifier: the caller hands them over
    as a function, asked once per paper, and only when the registry does not know a name."""
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    asked = []

    def more(paper):
        asked.append(paper.id)
        return KnownNames(systems=frozenset(), tasks=frozenset({"siqa"}), facts=frozenset())

    claim = registry.claims[CLAIM]
    names = PaperNames(registry, more)
    qqp = "SQuAD, MNLI and QQP are the best single intermediate tasks, improving by 8.2, 7.5 and 7.0 points."
    assert substituted_names(qqp, claim, names) == ["QQP (the claim: HellaSwag)"] and asked == []
    siqa = qqp.replace("QQP", "SIQA")
    assert substituted_names(siqa, claim, PaperNames(registry)) == []  # the registry alone does not know SIQA
    assert substituted_names(siqa, claim, names) == ["SIQA (the claim: HellaSwag)"] and asked == ["2005.13013"]
    assert substituted_names(siqa.replace("SIQA", "PIQA"), claim, names) == [] and asked == ["2005.13013"]


def test_audit_from_disk_knows_the_task_catalogue(tmp_path):
    """``claimcheck audit`` hands the verifier the names ``validate`` knows: SocialIQA ("siqa") is a
    catalogue task no claim of the bundled registry names."""
    from claimcheck.workflow_audit import audit_from_disk

    text = "SQuAD, MNLI and SIQA are the best single intermediate tasks, improving by 8.2, 7.5 and 7.0 points."
    path = tmp_path / "r.md"
    path.write_text(make_report([(text, "✓", "0.9")]), encoding="utf-8")
    (card,) = audit_from_disk([path], include_bundled_results=False).scorecards
    assert card.rows[0].claim_id == "2005.13013/best-single-tasks"
    assert card.rows[0].name_mismatch == ["SIQA (the claim: HellaSwag)"]


# ------------------------------------------------------------------------------ a ranking's subject

SUBJECT_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/roberta-three
    statement: "After intermediate training, RoBERTa is the best model on three of the six target tasks."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["3", "6"]
    derivation: {name: unavailable_source}
    key_terms: [RoBERTa, three, six, best]
    replication_arms: [BERT, RoBERTa, XLNet]
"""


@pytest.fixture(scope="module")
def subject_registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("subject"), SUBJECT_YAML)


@pytest.mark.parametrize(("text", "renamed"), [
    # another known model ranked beside the claim's numbers
    ("XLNet is best on three of the six target tasks.", ["XLNet (the claim: RoBERTa)"]),
    ("After intermediate training, BERT is the best model on three of the six target tasks.", ["BERT (the claim: RoBERTa)"]),
    # the claim's own subject, the claim's subject beside another, an unknown word, no number of the claim's
    ("After intermediate training, RoBERTa is the best model on three of the six target tasks.", []),
    ("RoBERTa beats XLNet on three of the six target tasks.", []),
    ("XLNet has the lowest scores on three of the six target tasks.", []),  # another ranking, not another subject
    ("After intermediate training, Roberta-X is the best model on three of the six target tasks.", []),
])  # fmt: skip
def test_another_model_ranked_in_place_of_the_claims_subject_is_flagged(subject_registry, text, renamed):
    card = audit_row(subject_registry, text)
    row = card.rows[0]
    assert row.claim_id == "2005.13013/roberta-three", row.best
    assert row.name_mismatch == renamed
    findings = [f for f in card.findings if f.code == "name_mismatch"]
    assert len(findings) == bool(renamed)
    if renamed:
        assert f"names {renamed[0].split(' ')[0]} where 2005.13013/roberta-three names RoBERTa" in findings[0].message


def test_a_ranked_subject_beside_none_of_the_claims_numbers_is_not_read(subject_registry):
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    claim = subject_registry.claims["2005.13013/roberta-three"]
    text = "After intermediate training, XLNet is the best model on {} target tasks."
    assert substituted_names(text.format("three of the six"), claim, PaperNames(subject_registry)) == ["XLNet (the claim: RoBERTa)"]
    assert substituted_names(text.format("the"), claim, PaperNames(subject_registry)) == []


def test_a_subject_another_claim_of_the_paper_ranks_so_is_no_substitute(tmp_path):
    """"BERT is best on three of the six target tasks", read against RoBERTa's claim, is what the
    paper's claim about BERT's other three says: no substitute for RoBERTa."""
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    registry = toy_registry(tmp_path, SUBJECT_YAML + """  - id: 2005.13013/bert-other-three
    statement: "BERT is the best model on the other three target tasks."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["3"]
    derivation: {name: unavailable_source}
    key_terms: [BERT, three, best]
""")
    roberta, names = registry.claims["2005.13013/roberta-three"], PaperNames(registry)
    assert substituted_names("BERT is best on three of the six target tasks.", roberta, names) == []
    assert substituted_names("XLNet is best on three of the six target tasks.", roberta, names) == ["XLNet (the claim: RoBERTa)"]
    # BERT's claim ranks it ahead, not behind: "BERT is worst" is no restatement of it (nor a substitute:
    # the other way round is polarity's to read)
    assert substituted_names("BERT is worst on three of the six target tasks.", roberta, names) == []


# ------------------------------------------------------------------------------ a ranking with no numbers

UNNUMBERED_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/xlnet-last
    statement: "XLNet performs worst of the three models in every experiment."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [XLNet, worst, models, experiment]
    replication_arms: [BERT, RoBERTa, XLNet, MNLI]
"""
LAST = "2005.13013/xlnet-last"


@pytest.fixture(scope="module")
def unnumbered_registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("unnumbered"), UNNUMBERED_YAML)


@pytest.mark.parametrize(("text", "renamed"), [
    # another known model ranked the same way, with no numbers (or some) beside it
    ("RoBERTa performs worst of the three models in every experiment.", ["RoBERTa (the claim: XLNet)"]),
    ("BERT was the weakest of the three models in all 6 experiments.", ["BERT (the claim: XLNet)"]),
    # the claim's own subject, the claim's subject named too, an unknown word, another ranking
    ("XLNet performs worst of the three models in every experiment.", []),
    ("RoBERTa performs worst of the three models in every experiment, just behind XLNet.", []),
    ("DeBERTa performs worst of the three models in every experiment.", []),
    ("RoBERTa performs best of the three models in every experiment.", []),  # the other way round: polarity's
])  # fmt: skip
def test_another_model_ranked_in_place_of_an_unnumbered_claims_subject_is_flagged(unnumbered_registry, text, renamed):
    card = audit_row(unnumbered_registry, text)
    row = card.rows[0]
    assert row.claim_id == LAST, row.best
    assert row.name_mismatch == renamed
    findings = [f for f in card.findings if f.code == "name_mismatch"]
    assert len(findings) == bool(renamed)
    if renamed:
        name = renamed[0].split(" ")[0]
        # the claim has no numbers: the message says what the names share, not "beside the same numbers"
        assert findings[0].message == (f"row 1 names {name} where {LAST} names XLNet, "
                                       "as the subject of the same ranking (the claim has no numbers)")
        assert any(r.endswith(f"names {renamed[0]} as the subject of the claim's ranking") for r in row.tick_reasons)
        assert not any("numbers" in r for r in row.tick_reasons if "names" in r)


def test_an_unnumbered_claims_subject_another_claim_ranks_so_is_no_substitute(tmp_path):
    """A row that restates another claim of the paper ranking its subject the same way (with no numbers,
    or beside a number of that claim's the row states) names no substitute for XLNet."""
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    registry = toy_registry(tmp_path, UNNUMBERED_YAML + """  - id: 2005.13013/bert-last-on-sentiment
    statement: "BERT performs worst on the sentiment targets."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [BERT, worst, sentiment]
  - id: 2005.13013/roberta-weakest-on-two
    statement: "RoBERTa is the weakest model on 2 of the 6 targets."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["2", "6"]
    derivation: {name: unavailable_source}
    key_terms: [RoBERTa, weakest, targets]
""")
    last, names = registry.claims[LAST], PaperNames(registry)
    assert substituted_names("BERT performs worst of the three models in every experiment.", last, names) == []
    assert substituted_names("RoBERTa performs worst of the three models on 2 of the 6 targets.", last, names) == []
    # the other claim ranks RoBERTa so only beside its numbers, which this row does not state
    assert substituted_names("RoBERTa performs worst of the three models in every experiment.", last, names) == [
        "RoBERTa (the claim: XLNet)"]


def test_an_unnumbered_claims_subject_must_be_a_known_name(tmp_path):
    """With no numbers to stand beside, a claim that ranks a capitalised first word ("Multi-task
    training performs best") has no model subject for a known name to replace."""
    from claimcheck.audit.name_substitution import substituted_names
    from claimcheck.audit.paper_names import PaperNames

    registry = toy_registry(tmp_path, UNNUMBERED_YAML + """  - id: 2005.13013/multi-best
    statement: "Multi-task training performs best of all the setups."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [multi-task, best, setups]
""")
    multi = registry.claims["2005.13013/multi-best"]
    assert substituted_names("MNLI performs best of all the setups.", multi, PaperNames(registry)) == []


# ---------------------------------------------------------------- a list beside the claim's group phrase

RETRIEVAL, QA_GAINS = "2005.13013/retrieval-gains", "2005.13013/qa-moderate-gains"


@pytest.fixture(scope="module")
def bundled():
    from claimcheck.claims.registry import load_registry

    return load_registry()


@pytest.mark.parametrize(("text", "claim", "renamed"), [
    ("Applying intermediate-task training to PAWS-X and Tatoeba, the two sentence retrieval target tasks that have no "
     "training data, yields large gains.", RETRIEVAL, ["PAWS-X (the claim: BUCC)"]),
    ("Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and PAWS-X.", RETRIEVAL,
     ["PAWS-X (the claim: Tatoeba)"]),
    ("The question-answering targets (XQuAD, MLQA, PAN-X) improve moderately after intermediate training.", QA_GAINS,
     ["PAN-X (the claim: TyDiQA-GoldP)"]),
])  # fmt: skip
def test_a_known_name_in_the_list_under_the_claims_phrase_is_flagged(bundled, text, claim, renamed):
    """The claim lists its names under a phrase ("the two sentence-retrieval targets, BUCC and Tatoeba");
    a row that lists as many names beside that phrase, one of them another the paper knows, says the
    group is something else, with no numbers needed."""
    card = audit_rows(bundled, text)
    row = card.rows[0]
    assert row.claim_id == claim and row.name_mismatch == renamed and row.name_mismatch_basis == "group"
    (f,) = [f for f in card.findings if f.code == "name_mismatch"]
    assert "in the list the claim gives under the same phrase" in f.message
    assert any("in the list the claim gives under the same phrase" in r for r in row.tick_reasons)


@pytest.mark.parametrize("text", [
    "Applying intermediate-task training to BUCC and Tatoeba, the two sentence retrieval target tasks, yields large gains.",
    # the list does not stand beside the phrase, or stands apart from it
    "Large gains on PAWS-X and Tatoeba, unlike the sentence-retrieval targets.",
    "Large gains on PAWS-X and Tatoeba as well as on the sentence-retrieval targets.",
    "XNLI and PAWS-X improve little, while the sentence-retrieval targets gain a lot.",
])  # fmt: skip
def test_a_list_not_given_as_the_group_is_not_read_against_it(bundled, text):
    from claimcheck.audit.name_substitution import substitution
    from claimcheck.audit.paper_names import PaperNames

    assert substitution(text, bundled.claims[RETRIEVAL], PaperNames(bundled)) == ([], "")


def test_the_basis_of_a_substitution_beside_numbers_is_numbers(registry):
    card = audit_row(registry, "Intermediate-task training on SQuAD, MNLI, and QQP yields improvements of 8.2, 7.5, and 7.0 points.")
    assert card.rows[0].name_mismatch_basis == "numbers"


def test_a_list_set_apart_from_the_group_is_not_read_against_it(bundled):
    from claimcheck.audit.name_substitution import substitution
    from claimcheck.audit.paper_names import PaperNames

    text = "Compared with XNLI and Tatoeba, the two sentence-retrieval targets, BUCC and Tatoeba, gain more."
    assert substitution(text, bundled.claims[RETRIEVAL], PaperNames(bundled)) == ([], "")


def test_a_ranked_subject_beside_the_claims_numbers_is_worded_as_beside_them(bundled):
    """A claim with numbers: its ranked subject, put in beside them, is read beside the numbers (the
    finding does not say the claim has none)."""
    card = audit_rows(bundled, "After intermediate training, XLNet is the best model on three of the six target tasks.")
    row = card.rows[0]
    assert row.claim_id == "2210.01091/roberta-three-of-six" and row.name_mismatch_basis == "numbers"
    (f,) = [f for f in card.findings if f.code == "name_mismatch"]
    assert f.message.endswith("beside the same numbers") and "has no numbers" not in f.message


def test_a_facts_key_and_the_parameters_own_names_are_no_names_the_paper_knows():
    # "training_phases" (a fact's key) once made "Training", the first word of the multi-task claim,
    # a known name: a row naming HellaSwag beside 8.7 was told it "names HellaSwag where the claim names Training"
    from claimcheck.claims.registry import load_registry
    from claimcheck.audit.name_substitution import substitution
    from claimcheck.audit.paper_names import PaperNames

    bundled = load_registry([])
    names = PaperNames(bundled)
    assert not names.knows("2005.13013", "training") and not names.knows("2005.13013", "candidates")
    assert names.knows("2005.13013", "xnli") and names.knows("2005.13013", "hellaswag")  # names under "expect", and arms
    claim = bundled.claims["2005.13013/multitask-gain"]
    for text in ["Multi-task training, but not HellaSwag, does best, improving by 8.7 points.",
                 "HellaSwag training on all nine tasks does best, improving by 8.7 points."]:
        assert substitution(text, claim, names) == ([], "")

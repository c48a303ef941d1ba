"""A row that names another of the paper's target tasks in place of one the claim is checked on
("PAN-X improves ..., whereas XNLI does not" for "TyDiQA-GoldP improves ..., while XNLI gains
nothing"): ``audit.task_substitution``, ``PaperNames.target_tasks`` and the audit's
``name_mismatch`` finding with basis "tasks"."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_rows, toy_registry

FLAT = "2005.13013/tydiqa-up-xnli-flat"
RETRIEVAL = "2005.13013/retrieval-gains"


@pytest.fixture(scope="module")
def bundled():
    from claimcheck.claims.registry import load_registry

    return load_registry([])


def _substitution(registry, claim_id, text):
    from claimcheck.audit.name_substitution import substitution
    from claimcheck.audit.paper_names import PaperNames

    return substitution(text, registry.claims[claim_id], PaperNames(registry))


@pytest.mark.parametrize(("claim", "text", "renamed"), [
    (FLAT, "PAN-X shows consistent improvements with many intermediate tasks, whereas XNLI does not see benefits from "
           "intermediate training.", ["PAN-X (the claim: TyDiQA-GoldP)"]),
    (FLAT, "XNLI gains nothing from intermediate training, while MLQA improves with many of the intermediate tasks.",
     ["MLQA (the claim: TyDiQA-GoldP)"]),
    (FLAT, "TyDiQA improves with many intermediate tasks, while UD-POS gains nothing from intermediate training.",
     ["UD-POS (the claim: XNLI)"]),
    (RETRIEVAL, "Intermediate-task training gives large gains on Tatoeba and PAWS-X.", ["PAWS-X (the claim: BUCC)"]),
    (FLAT, "TyDiQA-GoldP improves with many intermediate tasks, while PAWS-X is unaffected by intermediate training.",
     ["PAWS-X (the claim: XNLI)"]),
])  # fmt: skip
def test_another_target_task_in_place_of_the_claims_is_read(bundled, claim, text, renamed):
    assert _substitution(bundled, claim, text) == (renamed, "tasks")


@pytest.mark.parametrize(("claim", "text"), [
    # the claim's own tasks, in other spellings or with another task beside them
    (FLAT, "TyDiQA shows consistent improvements with many intermediate tasks, whereas XNLI does not see benefits."),
    (FLAT, "TyDiQA-GoldP and PAN-X improve with many intermediate tasks, while XNLI gains nothing."),
    # an intermediate task the paper trains on is not a target task
    (FLAT, "MNLI improves with many intermediate tasks, while XNLI gains nothing from intermediate training."),
    # an example, not what the row names
    (FLAT, "Some targets, such as PAN-X, improve with many intermediate tasks, while XNLI gains nothing."),
    # more other tasks than the row lacks: a summary over other tasks, not one put in place
    (FLAT, "PAN-X and UD-POS improve with many intermediate tasks, while XNLI gains nothing."),
    # a task set apart, or named without doing what the task it would replace does
    (FLAT, "XNLI does not see benefits from intermediate training, unlike Tatoeba."),
    (FLAT, "TyDiQA-GoldP improves with many intermediate tasks, much as MLQA does."),
    (FLAT, "TyDiQA-GoldP improves with many intermediate tasks, while for PAN-X the picture is mixed."),
    ("2005.13013/qa-moderate-gains",
     "Intermediate training improves XQuAD and MLQA moderately, and the Typologically Diverse QA benchmark too, unlike PAWS-X."),
    # none of the claim's tasks named: nothing ties the row's names to the claim's
    (FLAT, "PAN-X improves with many intermediate tasks, while UD-POS gains nothing."),
    # the group named by the phrase the claim lists it under
    (RETRIEVAL, "Large gains on PAWS-X and Tatoeba as well as on the sentence-retrieval targets."),
    # a partial quote: a task left out, none put in
    (RETRIEVAL, "Intermediate-task training gives large gains on Tatoeba."),
])  # fmt: skip
def test_the_claims_tasks_or_no_substitute_are_not_read(bundled, claim, text):
    assert _substitution(bundled, claim, text) == ([], "")


def test_a_claim_naming_one_of_its_tasks_has_none_to_replace(bundled):
    from claimcheck.audit.paper_names import PaperNames
    from claimcheck.audit.task_substitution import substituted_tasks

    claim = bundled.claims[FLAT].model_copy(update={"statement": "TyDiQA-GoldP improves with many intermediate tasks."})
    assert substituted_tasks("PAN-X improves with many intermediate tasks.", claim, PaperNames(bundled)) == []


def test_the_target_tasks_are_the_cells_and_checks_tasks_not_the_catalogue(tmp_path):
    from claimcheck.claims.names import KnownNames
    from claimcheck.audit.paper_names import PaperNames

    yaml = PAPER_HEAD + """  cells:
    - {system: X-STILTs, task: siqa_target, metric: accuracy, split: test, value: "80.0", source: abs, locator: "a table"}
claims:
  - id: 2005.13013/gain
    statement: "Training on MNLI first improves XNLI and PAWS-X."
    kind: effect
    version: v2
    location: {section: Results}
    derivation: {name: mean_gain, params: {system: MNLI, tasks: [xnli, pawsx], split: dev}}
    key_terms: [MNLI, XNLI]
  - id: 2005.13013/xtreme
    statement: "MNLI improves the XTREME score."
    kind: effect
    version: v2
    location: {section: Results}
    derivation: {name: xtreme_gain, params: {system: MNLI}}
    key_terms: [MNLI, XTREME]
"""
    registry = toy_registry(tmp_path, yaml)
    catalogue = KnownNames(systems=frozenset(), tasks=frozenset({"mnli", "squad_v1"}), facts=frozenset())
    names = PaperNames(registry, lambda paper: catalogue)
    targets = names.target_tasks("2005.13013")
    assert {"xnli", "pawsx"} <= targets and {"tatoeba", "bucc2018", "tydiqa"} <= targets  # the xtreme_gain's default tasks
    assert "siqatarget" in targets  # a cell's task (as a key: letters and digits)
    assert "mnli" not in targets and "squadv1" not in targets  # a system and catalogue tasks, not measured


def test_the_audit_reports_it_as_a_name_mismatch_among_the_checked_tasks(bundled):
    card = audit_rows(bundled, "PAN-X shows consistent improvements with many intermediate tasks, whereas XNLI does not see "
                               "benefits from intermediate training.")
    row = card.rows[0]
    assert row.claim_id == FLAT and row.name_mismatch == ["PAN-X (the claim: TyDiQA-GoldP)"] and row.name_mismatch_basis == "tasks"
    assert row.contradicts
    (f,) = [f for f in card.findings if f.code == "name_mismatch"]
    assert f.message == (f"row 1 names PAN-X where {FLAT} names TyDiQA-GoldP, among the target tasks it is checked on "
                         "(the claim says nothing of PAN-X)")
    assert f.severity == "warning"  # PAN-X may well improve: the claim only does not back it
    assert any("names PAN-X (the claim: TyDiQA-GoldP) among the target tasks the claim is checked on" in r for r in row.tick_reasons)


def test_a_task_put_in_against_a_located_claim_is_still_a_warning(bundled):
    """A number or a listed name that differs from a located claim is an error; a task put among the
    checked ones may be a true statement the claim does not make, so it is a warning."""
    assert bundled.claims[RETRIEVAL].located
    card = audit_rows(bundled, "Intermediate-task training gives large gains on the retrieval tasks Tatoeba and PAWS-X.")
    row = card.rows[0]
    assert row.claim_id == RETRIEVAL and row.name_mismatch_basis == "tasks"
    (f,) = [f for f in card.findings if f.code == "name_mismatch"]
    assert f.severity == "warning" and "PAWS-X where 2005.13013/retrieval-gains names BUCC" in f.message

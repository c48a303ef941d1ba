"""Names in derivation parameters are checked against what the paper and claimcheck know.

A near miss of a known name (``X-STILT`` for ``X-STILTs``, ``xnil`` for ``xnli``) is a warning with a
suggestion; a name unlike every known one is a note (a system whose cells nobody has read is a
legitimate, not derivable, claim). ``claimcheck validate`` prints both and fails only with --strict.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.claims.derivation_params import DEFAULT_BASELINE, PARAMS
from claimcheck.claims.models import PaperFile
from claimcheck.claims.name_typos import typo_of
from claimcheck.claims.names import NAME_PARAMS, NOT_NAMES, check_names
from claimcheck.claims.registry import BUNDLED_PAPERS, load_paper_file
from claimcheck.cli import app
from claimcheck.workflow import check_claim_names

FILE = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
  cells:
    - {system: XLM-R, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}
    - {system: X-STILTs, task: xnli, metric: accuracy, split: dev, value: "71.0", source: t1, locator: "T1 r2"}
  facts:
    - {key: base_model, value: XLM-R Large, source: t1}
claims:
  - id: 1234.5678/gain
    statement: A claim.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["1.0"]
    derivation: {name: mean_gain, params: PARAMS}
"""
GOOD_PARAMS = "{system: X-STILTs, baseline: XLM-R, tasks: [xnli]}"


def _file(params: str = GOOD_PARAMS, extra_claim: str = "") -> str:
    return FILE.replace("PARAMS", params) + extra_claim


def _findings(text: str, **catalogue):
    import yaml

    return check_names(PaperFile.model_validate(yaml.safe_load(text)), "p.yaml", **catalogue)


def _validate(tmp_path, text: str, *args: str):
    path = tmp_path / "paper.yaml"
    path.write_text(text, encoding="utf-8")
    return path, CliRunner().invoke(app, ["validate", str(path), *args])


def test_known_names_give_no_finding():
    assert _findings(_file()) == []


def test_typo_of_a_system_is_a_warning_with_a_suggestion():
    (f,) = _findings(_file("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}"))
    assert (f.level, f.kind, f.name, f.suggestions) == ("warning", "system", "X-STILT", ("X-STILTs",))
    assert f.field == "claims[0].derivation.params.system" and f.claim_id == "1234.5678/gain"
    assert "did you mean 'X-STILTs'?" in f.render()


def test_typo_of_a_task_is_a_warning_with_a_suggestion():
    (f,) = _findings(_file("{system: X-STILTs, baseline: XLM-R, tasks: [xnli, xnil]}"))
    assert (f.level, f.kind, f.name, f.field) == ("warning", "task", "xnil", "claims[0].derivation.params.tasks[1]")
    assert "did you mean 'xnli'?" in f.message


def test_catalogue_tasks_are_known_without_cells():
    """A target the paper has no cells for (or an intermediate task) is still a task claimcheck knows."""
    text = _file("{system: X-STILTs, baseline: XLM-R, tasks: [xnli, tydiqa]}")
    assert [f.name for f in _findings(text)] == ["tydiqa"]
    assert _findings(text, catalogue_tasks={"xnli", "tydiqa", "mnli"}) == []


def test_case_and_punctuation_variants_are_typos():
    (f,) = _findings(_file("{system: X-STILTs, baseline: XLMR, tasks: [xnli]}"))
    assert (f.level, f.suggestions) == ("warning", ("XLM-R",))


def _with_arms(params: str, arms: str) -> str:
    return _file(params).replace("    reported:", f"    replication_arms: {arms}\n    reported:")


def test_a_system_only_in_replication_arms_is_a_note_unless_cells_or_a_preset_know_it():
    """A claim's own arms do not make a name known: only the paper's cells and its presets do. A name
    unlike every known one is still no warning, in the parameters or in the arms."""
    arms = _with_arms("{system: Multi-task, baseline: XLM-R, tasks: [xnli]}", "[XLM-R, Multi-task]")
    assert [(f.level, f.field) for f in _findings(arms)] == [
        ("note", "claims[0].derivation.params.system"), ("note", "claims[0].replication_arms[1]")]
    assert "no preset can run this arm" in _findings(arms)[1].message
    assert _findings(arms, preset_systems={"XLM-R", "Multi-task"}) == []


def test_a_typo_repeated_in_replication_arms_is_a_warning_in_both_fields():
    """The arms used to count as known systems, so a typo written both as the system and as an arm
    vouched for itself and passed silently."""
    text = _with_arms("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}", "[XLM-R, X-STILT]")
    assert [(f.level, f.field, f.suggestions) for f in _findings(text)] == [
        ("warning", "claims[0].derivation.params.system", ("X-STILTs",)),
        ("warning", "claims[0].replication_arms[1]", ("X-STILTs",)),
    ]


def test_a_typo_only_in_replication_arms_is_a_warning():
    text = _with_arms(GOOD_PARAMS, "[XLMR, X-STILTs, X-STILTs]")
    (f,) = _findings(text)
    assert (f.level, f.field, f.name, f.suggestions) == ("warning", "claims[0].replication_arms[0]", "XLMR", ("XLM-R",))
    assert "did you mean 'XLM-R'?" in f.render()


def test_a_system_only_in_a_preset_is_known():
    text = _file("{system: Multi-task, baseline: XLM-R, tasks: [xnli]}")
    assert [f.level for f in _findings(text)] == ["note"]
    assert _findings(text, preset_systems={"XLM-R", "Multi-task"}) == []


def test_a_name_unlike_any_known_one_is_a_note_not_a_warning():
    """A paper may name a system nobody has cells for: its claims are honestly not derivable."""
    (f,) = _findings(_file("{system: Translated intermediate, baseline: XLM-R, tasks: [xnli]}"))
    assert f.level == "note" and "not derivable" in f.message and "did you mean" not in f.message


def test_short_names_are_not_typos_of_each_other():
    assert typo_of("B", ["A"]) == () and typo_of("mT5", ["MNLI", "XLM-R"]) == ()
    # "panx" is a changed letter away: below eight letters only a swap or a non-initial insertion counts
    assert typo_of("pawx", ["pawsx", "panx", "xnli"]) == ("pawsx",)


TYPOS = [  # (written, known): a slip of the pen, both ways round
    ("xnil", "xnli"),  # adjacent swap
    ("pawx", "pawsx"),  # a dropped letter, not the first
    ("X-STILT", "X-STILTs"),  # a dropped last letter
    ("XLMR", "XLM-R"),  # punctuation
    ("xlm-r", "XLM-R"),  # case
    ("mT5XXL", "mT5-XXL"),  # punctuation, size token and all
    ("HelaSwag", "HellaSwag"),  # eight letters or more: up to two edits
    ("CommonsensQA", "CommonsenseQA"),
    ("SQuAD v1.1", "SQuADv1.1"),  # the same numbers, punctuation aside
    ("tydqa", "tydiqa"),  # a dropped letter inside a five-letter name
    ("RoBERTa-larg", "RoBERTa-large"),  # a misspelled size
    ("BERT-bse", "BERT-base"),
]
OTHER_MODELS = [  # (written, known): different systems or tasks, however few letters apart
    ("GPT-3", "GPT-4"),  # the digits differ
    ("Llama-2", "Llama-3"),
    ("SQuADv2.0", "SQuADv1.1"),
    ("BLOOM-7B", "BLOOM-3B"),
    ("mT5-XL", "mT5-XXL"),  # only a size token differs
    ("mT5XL", "mT5XXL"),
    ("BLOOM-7B", "BLOOM-7M"),
    ("BERT-base", "BERT-large"),
    ("XLM-R", "XLM-R-L"),
    ("XLM-R Large", "XLM-R Base"),
    ("BERT", "mBERT"),  # short: an insertion at the start makes another name
    ("qnli", "mnli"),  # short: a changed letter makes another name
    ("anli", "xnli"),
    ("XLM-E", "XLM-R"),
    ("panx", "pawx"),
    ("OPT-13B", "OPT-1.3B"),  # a decimal point is part of a number, not punctuation
    ("SQuADv11", "SQuADv1.1"),
    # the same size or variant: the rule holds for the stem, where these are other families
    ("BART-large", "BERT-large"),  # a changed letter
    ("DeBERTa-large", "RoBERTa-large"),  # two changed letters in a seven-letter stem
    ("XLM-R Large", "XLM-E Large"),
    ("mBERT-base", "BERT-base"),  # a letter added at the start
    ("ALBERT-base", "BERT-base"),
    ("ALBERT-xxlarge", "ALBERT-xlarge"),  # only a variant differs
    ("bert-base-cased", "bert-base-uncased"),
    ("MNLI-mm", "MNLI-m"),
    ("BLOOMZ", "BLOOM"),  # a letter added at the end of a name shorter than six: a variant
    ("BART-larg", "BERT-large"),  # a misspelled size does not make another family a typo
    # long names (eight letters and digits or more): still no letter added or changed at the start
    ("mBERTLarge", "BERTLarge"),
    ("mBERT-multilingual", "BERT-multilingual"),
    ("mXLM-RoBERTa", "XLM-RoBERTa"),
    ("mBERTbase", "BERTbase"),
    ("XRoBERTaLarge", "RoBERTaLarge"),
    ("CommonsenseQA", "KommonsenseQA"),  # a changed first letter
]


@pytest.mark.parametrize(("written", "known"), TYPOS)
def test_near_misses_are_typos_both_ways(written, known):
    assert typo_of(written, [known]) == (known,)
    assert typo_of(known, [written]) == (written,)


@pytest.mark.parametrize(("written", "known"), OTHER_MODELS)
def test_different_models_are_not_typos_either_way(written, known):
    assert typo_of(written, [known]) == ()
    assert typo_of(known, [written]) == ()


def test_a_name_the_cells_use_is_never_flagged(tmp_path):
    """OPT-13B and OPT-1.3B are both in the cells: "13" and "1.3" are different numbers, so neither is a
    typo of the other, and a name the cells themselves use finds its cells."""
    from claimcheck.claims.name_typos import spelled_otherwise

    cells = ('    - {system: OPT-13B, task: xnli, metric: accuracy, split: dev, value: "72.0", source: t1, locator: "T1 r3"}\n'
             '    - {system: OPT-1.3B, task: xnli, metric: accuracy, split: dev, value: "60.0", source: t1, locator: "T1 r4"}\n')
    text = _derivation("{name: mean_better, params: {better: [OPT-13B], worse: [OPT-1.3B], tasks: [xnli]}}")
    text = text.replace("  facts:\n", cells + "  facts:\n")
    assert _findings(text) == []
    _, result = _validate(tmp_path, text, "--strict")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    assert spelled_otherwise("OPT-13B", ["OPT-13B", "OPT-1.3B"]) is None
    assert spelled_otherwise("OPT-1.3B", ["OPT-13B"]) is None  # another number
    assert spelled_otherwise("opt-13b", ["OPT-1.3B", "OPT-13B"]) == "OPT-13B"
    assert spelled_otherwise("xnli", ["XNLI", "xnli"]) is None


def test_other_models_are_notes_not_warnings():
    """A claim naming a size or version of a model the paper has no cells for is honestly not derivable."""
    text = FILE.replace("X-STILTs", "mT5-XXL").replace("PARAMS", "{system: mT5-XL, baseline: XLM-R, tasks: [xnli, qnli]}")
    assert [(f.name, f.level) for f in _findings(text)] == [("mT5-XL", "note"), ("qnli", "note")]


def _derivation(derivation: str) -> str:
    """The file with its claim's derivation replaced (and no reported number, as effects and facts have)."""
    return FILE.replace("{name: mean_gain, params: PARAMS}", derivation).replace('    reported: ["1.0"]\n', "")


def test_direction_tasks_fact_keys_and_list_parameters_are_checked():
    direction = _derivation("{name: direction_per_task, params: {systems: [X-STILTs, X-STILT], expect: {xnli: up, xnil: up}}}")
    fact = _derivation("{name: fact, params: {key: base_model, expect: a, also: [{key: base_modle, expect: b}]}}")
    assert [(f.field, f.suggestions) for f in _findings(direction)] == [
        ("claims[0].derivation.params.systems[1]", ("X-STILTs",)),
        ("claims[0].derivation.params.expect.xnil", ("xnli",)),
    ]
    assert [(f.field, f.level) for f in _findings(fact)] == [("claims[0].derivation.params.also[0].key", "warning")]


def test_a_name_is_reported_once_per_claim():
    text = _derivation("{name: top_k_gains, params: {expected: [X-STILT], candidates: [X-STILT, X-STILTs], "
                       "baseline: XLM-R, tasks: [xnli]}}")
    assert [f.field for f in _findings(text)] == ["claims[0].derivation.params.expected[0]"]


def test_the_default_baseline_is_checked_when_a_claim_names_none():
    text = FILE.replace("XLM-R", "mBERT").replace("PARAMS", "{system: X-STILTs, tasks: [xnli]}")
    (f,) = _findings(text)
    assert (f.name, f.default, f.field) == (DEFAULT_BASELINE, True, "claims[0].derivation.params.baseline")
    assert "not given: the default" in f.message


def test_the_default_tasks_are_checked_when_a_claim_names_none():
    """A claim without ``tasks`` reads the nine XTREME task ids; cells that spell them otherwise give no cell."""
    from claimcheck.verifier.table import XTREME_TASKS

    text = _file("{system: X-STILTs, baseline: XLM-R}").replace("task: xnli", "task: XNLI")
    assert _findings(text.replace("task: XNLI", "task: xnli"), catalogue_tasks=XTREME_TASKS) == []
    (f,) = _findings(text, catalogue_tasks=XTREME_TASKS)
    assert (f.level, f.name, f.default, f.field, f.suggestions) == (
        "warning", "xnli", True, "claims[0].derivation.params.tasks", ("XNLI",))
    assert "task 'xnli' (not given: the default) is spelled otherwise in the paper's cells" in f.message
    assert "not in the task catalogue" not in f.message  # it is: only the cells spell it otherwise


def test_the_default_tasks_are_the_ones_the_derivations_use():
    from claimcheck.claims.names import names_in_params
    from claimcheck.verifier.derive import task_list

    for derivation, model in PARAMS.items():
        if "tasks" in model.model_fields:
            defaults = [name for where, kind, name, default in names_in_params(derivation, {"system": "S"}) if kind == "task"]
            assert defaults == task_list({}), derivation
    assert [n for _, k, n, _ in names_in_params("mean_gain", {"system": "S", "tasks": ["xnli"]}) if k == "task"] == ["xnli"]


def test_the_default_baseline_is_the_one_the_derivations_use():
    from claimcheck.verifier.derive import Context, run_derivation
    from claimcheck.verifier.table import NotDerivable, Table

    with pytest.raises(NotDerivable) as exc:
        run_derivation("mean_gain", Table([]), {"system": "S", "tasks": ["xnli"]}, Context())
    assert DEFAULT_BASELINE in {cell.system for cell in exc.value.missing}


def test_every_parameter_is_classified_as_a_name_or_not():
    """A new parameter (a metric, a language) must be placed in NAME_PARAMS or NOT_NAMES."""
    fields = {f for model in PARAMS.values() for f in model.model_fields}
    assert fields <= set(NAME_PARAMS) | NOT_NAMES, fields - set(NAME_PARAMS) - NOT_NAMES
    assert not set(NAME_PARAMS) & NOT_NAMES


def test_the_bundled_registry_has_no_warnings():
    files = [(p, load_paper_file(p)) for p in sorted(BUNDLED_PAPERS.glob("*.yaml"))]
    assert [f.render() for f in check_claim_names(files) if f.level == "warning"] == []


# --- through `claimcheck validate` ---------------------------------------------------------------


def test_validate_prints_the_warning_with_file_claim_field_and_suggestion(tmp_path):
    path, result = _validate(tmp_path, _file("{system: X-STILT, baseline: XLM-R, tasks: [xnil]}"))
    assert result.exit_code == 0, result.output
    text = result.output.replace("\n", " ")
    assert f"warning: {path}: claim 1234.5678/gain: field 'claims[0].derivation.params.system'" in text
    assert "did you mean 'X-STILTs'?" in text and "did you mean 'xnli'?" in text
    assert "ok: 1 file(s), 1 claims valid (2 warnings)" in text


def test_validate_strict_fails_on_a_warning_naming_file_and_field(tmp_path):
    path, result = _validate(tmp_path, _file("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}"), "--strict")
    assert result.exit_code == 2, result.output
    text = result.output.replace("\n", " ")
    assert str(path) in text and "claims[0].derivation.params.system" in text and "X-STILT" in text
    assert "--strict" in text and "ok:" not in text and "Traceback" not in text


def test_validate_strict_fails_on_a_typo_repeated_in_replication_arms(tmp_path):
    text = _with_arms("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}", "[XLM-R, X-STILT]")
    _, result = _validate(tmp_path, text, "--strict")
    assert result.exit_code == 2, result.output
    text = result.output.replace("\n", " ")
    assert "claims[0].replication_arms[1]" in text and "did you mean 'X-STILTs'?" in text


def test_validate_strict_passes_notes(tmp_path):
    _, result = _validate(tmp_path, _file("{system: Translated intermediate, baseline: XLM-R, tasks: [xnli]}"), "--strict")
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "warning:" not in result.output and "(1 note)" in result.output


def test_validate_strict_accepts_the_bundled_registry():
    result = CliRunner().invoke(app, ["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output


def test_verify_names_the_likely_typo_in_a_not_derivable_verdict(tmp_path):
    """A user who runs `verify` without `validate` still learns why the cells are missing."""
    import json

    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "p.yaml").write_text(_file("{system: X-STILT, baseline: XLM-R, tasks: [xnil]}"), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "1234.5678", "-r", str(claims), "--format", "json", "--no-bundled-results"])
    assert result.exit_code == 0, result.output
    (verdict,) = json.loads(result.output)["claims"]
    summary = verdict["source"]["summary"]
    assert verdict["source"]["verdict"] == "not_derivable"
    assert "no cell names system 'X-STILT'; did you mean 'X-STILTs'?" in summary
    assert "no cell names task 'xnil'; did you mean 'xnli'?" in summary

    (claims / "p.yaml").write_text(_file(), encoding="utf-8")  # the names right: no hint
    result = CliRunner().invoke(app, ["report", "1234.5678", "-r", str(claims), "--format", "json", "--no-bundled-results"])
    assert "did you mean" not in result.output


# --- verify's hint agrees with validate --------------------------------------------------------------


def _warned_and_hinted(tmp_path, text: str) -> tuple[list[str], str]:
    """(the names `validate` warns about, the summary `report` gives) for one claim file."""
    import json

    claims = tmp_path / "claims"
    claims.mkdir(exist_ok=True)
    path = claims / "p.yaml"
    path.write_text(text, encoding="utf-8")
    validated = CliRunner().invoke(app, ["validate", str(path)])
    assert validated.exit_code == 0, validated.output
    warned = [line.split(" ", 1)[0] for line in validated.output.replace("\n", " ").split("did you mean ")[1:]]
    result = CliRunner().invoke(app, ["report", "1234.5678", "-r", str(claims), "--format", "json", "--no-bundled-results"])
    assert result.exit_code == 0, result.output
    (verdict,) = json.loads(result.output)["claims"]
    assert verdict["source"]["verdict"] == "not_derivable"
    return warned, verdict["source"]["summary"]


def test_a_name_the_cells_spell_otherwise_is_a_warning_even_when_claimcheck_knows_it(tmp_path):
    """The cells say `XNLI`, the claim `xnli`: `xnli` is a catalogue task, but derivations match names
    exactly, so the claim finds no cell. Both commands say so (a note would not: it reads as
    "legitimately unknown")."""
    warned, summary = _warned_and_hinted(tmp_path, _file().replace("task: xnli", "task: XNLI"))
    assert warned == ["'XNLI'?"] and "no cell names task 'xnli'; did you mean 'XNLI'?" in summary

    other = _file().replace("task: xnli", "task: pawsx")  # a catalogue task the cells do not have: no warning
    warned, summary = _warned_and_hinted(tmp_path, other.replace("tasks: [xnli]", "tasks: [pawsx, xnli]"))
    assert warned == [] and "did you mean" not in summary


def test_default_tasks_the_cells_spell_otherwise_are_warned_and_hinted_alike(tmp_path):
    """A claim with no ``tasks`` reads "xnli", "pawsx", ...; the cells say XNLI and PAWS-X. `verify`
    hinted at both names and `validate` said nothing about them: now both say it."""
    paws = ('    - {system: XLM-R, task: PAWS-X, metric: accuracy, split: dev, value: "80.0", source: t1, locator: "T1 r3"}\n'
            '    - {system: X-STILTs, task: PAWS-X, metric: accuracy, split: dev, value: "81.0", source: t1, locator: "T1 r4"}\n')
    text = _file("{system: X-STILTs, baseline: XLM-R, split: dev}").replace("task: xnli", "task: XNLI")
    warned, summary = _warned_and_hinted(tmp_path, text.replace("  facts:\n", paws + "  facts:\n"))
    assert warned == ["'XNLI'?", "'PAWS-X'?"]
    assert "no cell names task 'xnli'; did you mean 'XNLI'?" in summary
    assert "no cell names task 'pawsx'; did you mean 'PAWS-X'?" in summary
    path = tmp_path / "claims" / "p.yaml"
    result = CliRunner().invoke(app, ["validate", str(path), "--strict"])
    assert result.exit_code == 2 and "task 'pawsx' (not given: the default)" in result.output.replace("\n", " ")


def test_verify_gives_no_hint_for_a_preset_system(tmp_path, monkeypatch):
    """A system a preset written for the paper runs is known to `validate`; `verify` must not call it a typo."""
    from claimcheck.replication import presets

    text = _file("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}")
    monkeypatch.setattr(presets, "preset_systems", lambda paper_id: {"XLM-R", "X-STILT"} if paper_id == "1234.5678" else set())
    warned, summary = _warned_and_hinted(tmp_path, text)
    assert warned == [] and "did you mean" not in summary

    monkeypatch.setattr(presets, "preset_systems", lambda paper_id: set())  # no preset: both say it
    warned, summary = _warned_and_hinted(tmp_path, text)
    assert warned == ["'X-STILTs'?"] and "no cell names system 'X-STILT'; did you mean 'X-STILTs'?" in summary


def test_verify_gives_no_hint_for_a_different_model(tmp_path):
    """The hint follows `typo_of`'s rule: mT5-XL is no typo of the cells' mT5-XXL, in either command."""
    text = FILE.replace("X-STILTs", "mT5-XXL").replace("PARAMS", "{system: mT5-XL, baseline: XLM-R, tasks: [xnli]}")
    warned, summary = _warned_and_hinted(tmp_path, text)
    assert warned == [] and "did you mean" not in summary and "mT5-XL" in summary


@pytest.mark.parametrize(("written", "cell"), TYPOS + OTHER_MODELS)
def test_a_hint_goes_with_a_warning(written, cell):
    """The source tier's hint, given what `validate` knows, is there exactly when `validate` warns."""
    import yaml

    from claimcheck.verifier.source_tier import PaperSources
    from claimcheck.verifier.table import CellKey
    from claimcheck.workflow import known_paper_names

    text = FILE.replace("X-STILTs", cell).replace("PARAMS", f"{{system: '{written}', baseline: XLM-R, tasks: [xnli]}}")
    pf = PaperFile.model_validate(yaml.safe_load(text))
    warned = [f for f in check_claim_names([("p.yaml", pf)]) if f.level == "warning"]
    hints = PaperSources(pf.paper, known_paper_names).typo_hints([CellKey(written, "xnli", "accuracy", "dev")])
    assert bool(hints) == bool(warned) == ((written, cell) in TYPOS)


def test_the_verifier_does_not_import_replication():
    """Layering: the verifier gets the presets' and catalogue's names from its caller."""
    import subprocess
    import sys
    from pathlib import Path

    import claimcheck

    code = ("import sys, pkgutil, importlib, claimcheck.verifier as v\n"
            "for m in pkgutil.iter_modules(v.__path__): importlib.import_module('claimcheck.verifier.' + m.name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('claimcheck.replication')))")
    here = str(Path(claimcheck.__file__).parents[1])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": here}).stdout.strip()
    assert out == "[]"


def test_verify_loads_the_presets_and_catalogue_only_when_a_name_looks_like_a_typo():
    """The hint's extra known names come from claimcheck.replication: `verify all` on a registry without
    a likely typo must not pay for importing them."""
    import subprocess
    import sys

    code = ("import sys\nfrom claimcheck.workflow import verify_from_disk\nverify_from_disk()\n"
            "print(','.join(m for m in ('claimcheck.replication.presets', 'claimcheck.replication.tasks.catalog') if m in sys.modules))")
    here = str(Path(__file__).resolve().parents[1] / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": here, "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == ""


def test_notes_about_one_name_are_one_line_warnings_stay_one_per_field(tmp_path):
    """A name the paper does not know, repeated in three claims and their arms, is one note that counts
    the fields and names the first; a typo stays a warning per field, since each is a field to correct."""
    claim = """
  - id: 1234.5678/gain{i}
    statement: A claim.
    kind: quantity
    version: v1
    location: {{section: Results}}
    reported: ["1.0"]
    derivation: {{name: mean_gain, params: {{system: Translated intermediate, baseline: XLM-R, tasks: [xnli]}}}}
    replication_arms: [XLM-R, Translated intermediate]
"""
    text = _file("{system: X-STILT, baseline: XLM-R, tasks: [xnli]}") + "".join(claim.format(i=i) for i in range(3))
    findings = _findings(text)
    assert [f.level for f in findings].count("note") == 6  # three parameters, three arms
    _, result = _validate(tmp_path, text)
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.replace("\n ", " ").splitlines() if x.startswith(("note:", "warning:"))]
    assert len(lines) == 2, result.output
    warning, note = lines
    assert warning.startswith("warning:") and "X-STILT" in warning and "did you mean 'X-STILTs'?" in warning
    assert note.startswith("note:") and "'Translated intermediate'" in note
    assert "named in 6 fields of 3 claims (1234.5678/gain0, 1234.5678/gain1, 1234.5678/gain2)" in note
    assert "first claim 1234.5678/gain0 field 'claims[1].derivation.params.system'" in note
    assert "claims naming it are not derivable" in note
    assert "(1 warning, 1 note)" in result.output


def test_a_single_note_keeps_its_claim_and_field():
    from claimcheck.claims.names import grouped

    findings = _findings(_file("{system: Translated intermediate, baseline: XLM-R, tasks: [xnli]}"))
    [line] = grouped(findings)
    assert line.render() == findings[0].render()

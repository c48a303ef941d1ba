"""Malformed claim files each give a clear error naming file and field, and exit 2 through the CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.claims.registry import load_registry
from claimcheck.errors import RegistryError

GOOD = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
  cells:
    - {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}
claims:
  - id: 1234.5678/gain
    statement: A claim.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["1.0"]
    derivation: {name: mean_gain, params: {system: B, tasks: [xnli]}}
"""

P = "params: {system: B, tasks: [xnli]}"
CASES = {
    "bad_yaml": (GOOD.replace("title: T", "title: [unclosed"), "invalid YAML at line", None),
    "unknown_field": (GOOD.replace("kind: quantity", "kind: quantity\n    colour: red"), "unknown field", "claims[0].colour"),
    "unknown_derivation": (GOOD.replace("name: mean_gain", "name: mean_gainz"), "unknown derivation 'mean_gainz'", "claims[0].derivation.name"),
    "missing_param": (GOOD.replace(P, "params: {tasks: [xnli]}"), "'mean_gain' needs this parameter", "claims[0].derivation.params.system"),
    # a typo in a parameter must not fall back to a default silently (baselin -> the default baseline)
    "misspelt_param": (GOOD.replace(P, "params: {system: B, baselin: A, tasks: [xnli]}"), "takes no parameter 'baselin'", "claims[0].derivation.params.baselin"),
    # a string where a list belongs would be read letter by letter
    "tasks_not_a_list": (GOOD.replace(P, "params: {system: B, tasks: xnli}"), "valid list", "claims[0].derivation.params.tasks"),
    "unknown_split": (GOOD.replace(P, "params: {system: B, tasks: [xnli], split: tset}"), "'dev' or 'test'", "claims[0].derivation.params.split"),
    "empty_tasks": (GOOD.replace(P, "params: {system: B, tasks: []}"), "at least one item", "claims[0].derivation.params"),
    "bad_direction": (GOOD.replace(P, "params: {systems: [B], expect: {xnli: upward}}").replace("name: mean_gain", "name: direction_per_task"), "'up', 'down' or 'no_gain'", "claims[0].derivation.params.expect.xnli"),
    "bad_quorum": (GOOD.replace(P, "params: {systems: [B], expect: {xnli: up}, quorum: 2}").replace("name: mean_gain", "name: direction_per_task"), "less than or equal to 1", "claims[0].derivation.params.quorum"),
    "fact_without_test": (GOOD.replace(P, "params: {key: models}").replace("name: mean_gain", "name: fact"), "exactly one of expect, count or includes", "claims[0].derivation.params"),
    "non_finite": (GOOD.replace('value: "70.0"', "value: .nan"), "not a finite number", "paper.cells[0].value"),
    "unquoted_number": (GOOD.replace('reported: ["1.0"]', "reported: [1.0]"), "quoted strings", "claims[0].reported[0]"),
    "bad_written_number": (GOOD.replace('reported: ["1.0"]', 'reported: ["about 1"]'), "not a written number", "claims[0].reported[0]"),
    "id_with_path": (GOOD.replace("id: 1234.5678/gain", "id: 1234.5678/../../etc"), "no path parts", "claims[0].id"),
    "paper_id_with_path": (GOOD.replace('id: "1234.5678"', 'id: "../x"'), "no paths", "paper.id"),
    "claim_of_other_paper": (GOOD.replace("id: 1234.5678/gain", "id: 9999.0000/gain"), "must start with the file's paper id", "claims[0].id"),
    "unknown_source": (GOOD.replace("source: t1, locator", "source: t9, locator"), "not one of the paper's sources", None),
    "background_without_attribution": (GOOD.replace("kind: quantity", "kind: background"), "attributed_to", None),
    "not_a_mapping": ("- just\n- a list\n", "expected a mapping", None),
    # 0.5 + 0.9999999999999999 / 2 rounds to 1: the quantile there is infinite
    "confidence_rounding_to_one": (GOOD.replace("kind: quantity", "kind: quantity\n    tolerance: {confidence: 0.9999999999999999}"),
                                   "rounds to 1", "claims[0].tolerance.confidence"),
    # a number the derivation never compares would sit in the claim unchecked
    "extra_gain_number": (GOOD.replace('reported: ["1.0"]', 'reported: ["1.0", "-9.9"]'), "compares 0 to 1 reported number(s), not 2", "claims[0].reported"),
    "score_without_number": (GOOD.replace('reported: ["1.0"]', "reported: []").replace("name: mean_gain", "name: mean_score"), "exactly 1", "claims[0].reported"),
    "number_on_a_direction": (GOOD.replace(P, "params: {systems: [B], expect: {xnli: up}}").replace("name: mean_gain", "name: direction_per_task"), "for a size, use mean_gain", "claims[0].reported"),
    "duplicate_key": (GOOD.replace("year: 2020", "year: 2020\n  year: 2021"), "key 'year' appears twice", None),
    "own_baseline": (GOOD.replace(P, "params: {system: B, baseline: B, tasks: [xnli]}"), "is its own baseline", "claims[0].derivation.params"),
    "better_and_worse": (GOOD.replace(P, "params: {better: [B, C], worse: [C]}").replace("name: mean_gain", "name: mean_better").replace('reported: ["1.0"]', "reported: []"), "'C' is both better and worse", "claims[0].derivation.params"),
    "expected_outside_candidates": (GOOD.replace(P, "params: {expected: [B], candidates: [C, D]}").replace("name: mean_gain", "name: top_k_gains"), "not among the candidates", "claims[0].derivation.params"),
    "superseded_by_itself": (GOOD.replace("location: {section: Results}", "location: {section: Results}\n    superseded_by: 1234.5678/gain"), "must name another claim of the same paper", "superseded_by"),
    "fact_number_disagrees": (GOOD.replace(P, "params: {key: languages, expect: 40}").replace("name: mean_gain", "name: fact").replace('reported: ["1.0"]', 'reported: ["12"]'), "states 12, but its fact check expects 40", "claims[0].reported"),
    # a second number, or a number beside a check that compares none, would sit in the claim unchecked
    "fact_second_number_unchecked": (GOOD.replace(P, "params: {key: languages, expect: 40}").replace("name: mean_gain", "name: fact").replace('reported: ["1.0"]', 'reported: ["40", "7"]'), "states 7, but its fact check expects 40", "claims[0].reported"),
    "fact_number_without_numeric_check": (GOOD.replace(P, "params: {key: models, includes: [A]}").replace("name: mean_gain", "name: fact").replace('reported: ["1.0"]', 'reported: ["7"]'), "compares no number", "claims[0].reported"),
    "fact_number_disagrees_with_also": (GOOD.replace(P, "params: {key: models, includes: [A], also: [{key: kinds, count: 3}]}").replace("name: mean_gain", "name: fact").replace('reported: ["1.0"]', 'reported: ["4"]'), "states 4, but its fact check counts 3", "claims[0].reported"),
    "more_numbers_than_top_k": (GOOD.replace(P, "params: {expected: [B], candidates: [B, C], tasks: [xnli]}").replace("name: mean_gain", "name: top_k_gains").replace('reported: ["1.0"]', 'reported: ["1.0", "0.5"]'), "0 to 1", "claims[0].reported"),
    # a statement no readable source carries says what was looked for, and quotes no source
    "unlocated_without_note": (GOOD.replace("kind: quantity", "kind: quantity\n    located: false"), "needs location.note", None),
    # the verifier reads the first, so the order of the lines would decide the verdict
    "one_cell_two_values": (GOOD.replace('value: "70.0", source: t1, locator: "T1 r1"}', 'value: "70.0", source: t1, locator: "T1 r1"}\n'
                            '    - {system: A, task: xnli, metric: accuracy, split: dev, value: "79.2", source: t1, locator: "T2 r1"}'),
                            "gives it as 70.0: one source prints one value per cell", "paper.cells[1]"),
    # shown on terminals: an escape sequence or a bidi override could hide or reorder the text around it
    "escape_sequence": (GOOD.replace("statement: A claim.", 'statement: "A \\e[31mclaim."'), "control character \\x1b",
                        "claims[0].statement (claim 1234.5678/gain)"),
    "bidi_override": (GOOD.replace("title: T", "title: T \u202e"), "control character \\u202e", "paper.title"),
    # a trailing line break is no part of an id (the id patterns' "$" matched before one)
    "claim_id_line_break": (GOOD.replace("id: 1234.5678/gain", 'id: "1234.5678/gain\\n"'), "lower-case slug",
                            "claims[0].id"),
    "paper_id_line_break": (GOOD.replace('id: "1234.5678"', 'id: "1234.5678\\n"'), "paper id", "paper.id"),
    "deep_nesting": (GOOD + "x: " + "[" * 20000 + "]" * 20000 + "\n", "nested more than 1000 deep", None),
    "huge_integer": (GOOD.replace("year: 2020", "year: " + "9" * 5000), "an integer of more than", None),
    # (an unquoted date is text: claim files are read by the YAML 1.2 core schema, tests/test_claim_yaml_core_schema.py)
    # only ASCII digits are a written number: \d, float() and str.isdigit() take every script's digits
    "full_width_reported": (GOOD.replace('reported: ["1.0"]', 'reported: ["１.０"]'), "digits other than ASCII 0-9: write it as '1.0'",
                            "claims[0].reported[0]"),
    "full_width_cell": (GOOD.replace('value: "70.0"', 'value: "７０.０"'), "write it as '70.0'", "paper.cells[0].value"),
    "arabic_indic_reported": (GOOD.replace('reported: ["1.0"]', 'reported: ["١.٠"]'), "write it as '1.0'", "claims[0].reported[0]"),
    # the other numbers are YAML numbers: text was parsed by laxer rules ("0_5" read as 5)
    "tolerance_as_text": (GOOD.replace("kind: quantity", 'kind: quantity\n    tolerance: {extra: "0_5"}'),
                          "'0_5' is text, not a number", "claims[0].tolerance.extra"),
    "full_width_tolerance": (GOOD.replace("kind: quantity", "kind: quantity\n    tolerance: {extra: ０.５}"),
                             "write 0.5 unquoted, in ASCII digits", "claims[0].tolerance.extra"),
    "full_width_year": (GOOD.replace("year: 2020", "year: ２０２０"), "write 2020 unquoted", "paper.year"),
    "quorum_as_bool": (GOOD.replace(P, "params: {systems: [B], expect: {xnli: up}, quorum: true}").replace("name: mean_gain", "name: direction_per_task")
                       .replace('reported: ["1.0"]', "reported: []"), "true is not a number", "claims[0].derivation.params.quorum"),
    # the verifier read the raw text again with int(): a traceback at verify
    "count_as_text": (GOOD.replace(P, 'params: {key: models, count: "3.0"}').replace("name: mean_gain", "name: fact").replace('reported: ["1.0"]', "reported: []"),
                      "'3.0' is text, not a whole number", "claims[0].derivation.params.count"),
    "unlocated_with_quote_source": (GOOD.replace("kind: quantity", "kind: quantity\n    located: false").replace(
        "location: {section: Results}", "location: {section: Results, quote_source: t1, note: not seen}"), "has no quote_source", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_fails_with_file_and_field(tmp_path, case):
    text, message, field = CASES[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as exc:
        load_registry([tmp_path])
    rendered = exc.value.render()
    assert str(path) in rendered
    assert message in rendered
    if field:
        assert field in rendered
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in result.output


def test_duplicate_claim_id_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace('id: "1234.5678"', 'id: "1234.5678"'), encoding="utf-8")
    with pytest.raises(RegistryError) as exc:
        load_registry([tmp_path])
    assert "already defined" in exc.value.render() or "duplicate" in exc.value.render()


def test_duplicate_claim_id_in_one_file(tmp_path):
    claim = GOOD.split("claims:\n", 1)[1]
    (tmp_path / "a.yaml").write_text(GOOD + claim, encoding="utf-8")
    with pytest.raises(RegistryError) as exc:
        load_registry([tmp_path])
    assert "duplicate claim id '1234.5678/gain'" in exc.value.render()
    assert "claims[1].id" in exc.value.render()


def test_not_utf8_and_missing_path(tmp_path):
    (tmp_path / "x.yaml").write_bytes(b"paper: \xff\xfe\n")
    with pytest.raises(RegistryError, match="not UTF-8"):
        load_registry([tmp_path])
    with pytest.raises(RegistryError, match="no such registry"):
        load_registry([tmp_path / "nope"])


@pytest.mark.parametrize("data, message", [
    (GOOD.encode("utf-16"), "is UTF-16 text (it starts with a UTF-16 byte-order mark): a claim file is UTF-8; save it as UTF-8"),
    (b"\xfe\xff" + GOOD.encode("utf-16-be"), "is UTF-16 text"),
    (GOOD.encode("utf-32"), "is UTF-32 text (it starts with a UTF-32 byte-order mark)"),
    # valid UTF-8, NUL characters and all: YAML's error was two lines about "#x0000"
    (GOOD.encode("utf-16-le"), "holds NUL characters: not UTF-8 text (UTF-16 without a byte-order mark?)"),
], ids=["UTF-16", "UTF-16 big-endian", "UTF-32", "UTF-16 without a mark"])
def test_a_claim_file_in_utf16_is_refused_naming_its_encoding(tmp_path, data, message):
    path = tmp_path / "wide.yaml"
    path.write_bytes(data)
    with pytest.raises(RegistryError) as exc:
        load_registry([tmp_path])
    assert exc.value.render().startswith(f"{path}: {message}")
    result = CliRunner().invoke(app, ["validate", str(path)])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said == f"error: {exc.value.render()}", said  # one line


def test_good_user_file_adds_to_bundled(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    reg = load_registry([tmp_path])
    assert "1234.5678/gain" in reg.claims and "2005.13013/xtreme-test-gain" in reg.claims


def test_a_file_given_twice_is_read_once(tmp_path):
    """`validate` of a bundled file (or the same file twice) is not a duplicate of itself."""
    from claimcheck.claims.registry import BUNDLED_PAPERS

    path = tmp_path / "a.yaml"
    path.write_text(GOOD, encoding="utf-8")
    bundled = sorted(BUNDLED_PAPERS.glob("*.yaml"))[0]
    result = CliRunner().invoke(app, ["validate", str(path), str(path), str(bundled)])
    assert result.exit_code == 0, result.output
    assert "ok: " in result.output


@pytest.mark.parametrize("command", [["verify", "all", "--no-write"], ["list"], ["validate"]])
def test_a_registry_folder_without_claim_files_is_refused(tmp_path, command):
    """A mistyped or empty --registry folder must not read as "no user claims"."""
    empty = tmp_path / "claims"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a claim file", encoding="utf-8")
    result = CliRunner().invoke(app, [*command, "-r", str(empty)])
    assert result.exit_code == 2 and "no claim files" in result.output and str(empty) in result.output.replace("\n", ""), result.output


def test_all_with_a_mistyped_id_names_the_id_not_all():
    result = CliRunner().invoke(app, ["verify", "all", "2005.13013/nosuch", "--no-write"])
    assert result.exit_code == 2 and "'2005.13013/nosuch'" in result.output and "'all'" not in result.output, result.output
    assert CliRunner().invoke(app, ["verify", "all", "2005.13013/multitask-gain", "--no-write"]).exit_code in (0, 1)


def test_yaml_merge_keys_still_work_and_may_be_overridden(tmp_path):
    merged = GOOD.replace(
        '    - {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}',
        '    - &c {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}\n'
        '    - {<<: *c, system: B, value: "71.0"}')
    f = tmp_path / "m.yaml"
    f.write_text(merged, encoding="utf-8")
    cells = load_registry([tmp_path]).papers["1234.5678"].cells
    assert [(c.system, c.value) for c in cells] == [("A", "70.0"), ("B", "71.0")]

"""Claim files are read by the YAML 1.2 core schema (claims.yaml_text), not PyYAML's YAML 1.1: what
1.1 turns into another value (``1:30`` -> 90, ``010`` -> 8, ``1_000`` -> 1000, ``no`` -> False, an
unquoted date -> a date) is kept as the text written, or refused naming what was written; drafts are
written so that either schema reads them back as written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.claims.draft import render_paper_yaml
from claimcheck.claims.registry import load_paper_file
from paper_fixtures import PAPER

CELL = '- {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}'
assert CELL in PAPER


def _validate(tmp_path, text: str):
    path = tmp_path / "1234.5678.yaml"
    path.write_text(text, encoding="utf-8")
    return path, CliRunner().invoke(app, ["validate", str(path)])


# Text that YAML 1.1 reads as a boolean, a base-60 or octal integer, or a date, kept as written
KEPT = {
    # "no" is Norwegian's language code; YAML 1.1 made it False (refused: "Input should be a valid string")
    "language_no": (PAPER.replace("task: xnli, metric", "task: xnli, language: no, metric"),
                    lambda pf: pf.paper.cells[0].language, "no"),
    "system_on": (PAPER.replace("system: A, task", "system: on, task"), lambda pf: pf.paper.cells[0].system, "on"),
    "author_yes": (PAPER.replace("authors: [A]", "authors: [yes, Off]"), lambda pf: pf.paper.authors, ["yes", "Off"]),
    "key_term_sexagesimal": (PAPER.replace("reported: [\"1.0\"]", "reported: [\"1.0\"]\n    key_terms: [1:30, 1_000, 0b101]"),
                             lambda pf: pf.claims[0].key_terms, ["1:30", "1_000", "0b101"]),
    "version_note_date": (PAPER.replace("year: 2020", "year: 2020\n  version_notes: [{version: v0, date: 2020-05-27, summary: s}]"),
                          lambda pf: pf.paper.version_notes[0].date, "2020-05-27"),
    # the core schema's exponent needs no dot or sign: YAML 1.1 kept "1e-1" as text, and a number field refused it
    "tolerance_exponent": (PAPER.replace("kind: quantity", "kind: quantity\n    tolerance: {extra: 1e-1}"),
                           lambda pf: pf.claims[0].tolerance.extra, 0.1),
}


@pytest.mark.parametrize("case", sorted(KEPT))
def test_text_yaml_11_would_change_is_kept_as_written(tmp_path, case):
    text, read, wanted = KEPT[case]
    path, result = _validate(tmp_path, text)
    assert result.exit_code == 0, result.output
    assert read(load_paper_file(path)) == wanted


# A written number unquoted: refused naming the file, the field and the number as written (YAML 1.1
# said 90, 8 or 1000: a number the user never wrote)
REFUSED = {
    "sexagesimal": ("1:30", "'1:30' is not a written number", "'90'"),
    "underscore": ("1_000", "'1_000' is not a written number", "'1000'"),
    "leading_zero": ("010", "quoted strings (e.g. '10')", "'8'"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_unquoted_reported_number_is_refused_as_written(tmp_path, case):
    written, message, yaml11 = REFUSED[case]
    path, result = _validate(tmp_path, PAPER.replace('reported: ["1.0"]', f"reported: [{written}]"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    out = " ".join(result.output.split())  # rich wraps long lines
    assert str(path.name) in out and "claims[0].reported[0]" in out and message in out, out
    assert yaml11 not in out


def test_the_core_schema_scalars():
    from claimcheck.claims.yaml_text import load_yaml

    assert load_yaml("[true, False, TRUE, null, ~, Null, 010, 0o10, 0x1f, -3, 1., .5, 1e3, -.inf]") == [
        True, False, True, None, None, None, 10, 8, 31, -3, 1.0, 0.5, 1000.0, float("-inf")]
    assert load_yaml("[yes, No, ON, off, y, n, 1:30, 1_000, 0b101, 2020-05-27, =, 1.0e+5x]") == [
        "yes", "No", "ON", "off", "y", "n", "1:30", "1_000", "0b101", "2020-05-27", "=", "1.0e+5x"]
    assert load_yaml("a: &x {b: 1}\nc: {<<: *x, d: 2}") == {"a": {"b": 1}, "c": {"b": 1, "d": 2}}  # merge keys stay


def test_a_draft_keeps_text_either_schema_would_read_otherwise(tmp_path):
    """A key term "1e-4" is text to YAML 1.1, so PyYAML's dumper wrote it plain; the core schema reads
    that as the float 0.0001. Drafts quote whatever either schema reads as something else."""
    terms = ["1e-4", "1:30", "yes", "010", "0o10", "1_000", "null", "plain"]
    path = tmp_path / "1234.5678.yaml"
    path.write_text(PAPER.replace('reported: ["1.0"]', 'reported: ["1.0"]\n    key_terms: []'), encoding="utf-8")
    pf = load_paper_file(path)
    pf = pf.model_copy(update={"claims": [pf.claims[0].model_copy(update={"key_terms": terms})]})
    text = render_paper_yaml(pf)
    assert "'1e-4'" in text and "'0o10'" in text
    path.write_text(text, encoding="utf-8")
    assert load_paper_file(path).claims[0].key_terms == terms
    import yaml

    assert yaml.safe_load(text)["claims"][0]["key_terms"] == terms

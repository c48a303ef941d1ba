"""`--drop-ambiguous-seeds` through the real commands, on a registry and run files the test writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import report as synthesis_report

PAPER = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
  cells: []
claims:
  - id: 1234.5678/gain
    statement: B beats A by two points.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["2.0"]
    derivation: {name: mean_gain, params: {system: B, baseline: A, tasks: [xnli]}}
"""
LEFT_OUT = ("left out seed(s) 3 (--drop-ambiguous-seeds): two runs give the same cell there, two configurations that are "
            "never averaged (seed 3: B-3 and B-3-other-config)")


def _record(run_id: str, system: str, seed: int, value: float) -> dict:
    return {"run_id": run_id, "paper_id": "1234.5678", "system": system, "seed": seed, "preset": "t", "fidelity": "full",
            "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": "dev", "value": value}]}


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    """A registry with one gain claim, and runs of five seeds in which B trails A (the claim is
    contradicted), one of them (seed 3) with a second configuration of B."""
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    runs = []
    for seed, delta in enumerate([-1.0, -1.2, -0.8, -1.1, -0.9]):
        runs += [_record(f"A-{seed}", "A", seed, 70.0 + seed), _record(f"B-{seed}", "B", seed, 70.0 + seed + delta)]
    runs.append(_record("B-3-other-config", "B", 3, 75.0))
    results = tmp_path / "runs.json"
    results.write_text(json.dumps({"runs": runs}), encoding="utf-8")
    return ["-r", str(folder), "--no-bundled-results", "--results", str(results)]


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _replication(tmp_path: Path, inputs: list[str], *switch: str) -> dict:
    out = tmp_path / "report.json"
    result = _run("report", "1234.5678/gain", *inputs, "--format", "json", "--out", str(out), *switch)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))["claims"][0]


def test_without_the_switch_the_claim_is_refused_and_the_switch_is_suggested(tmp_path, inputs):
    claim = _replication(tmp_path, inputs)
    assert (claim["replication"]["verdict"], claim["overall"]) == ("not_run", "unverified")
    assert claim["replication"]["summary"] == (
        "runs cannot be used: two runs give B / xnli / accuracy / en for seed 3 (B-3 and B-3-other-config): verify one "
        "configuration at a time (a separate --store, or --no-bundled-results), or leave out each seed run in two "
        "configurations (--drop-ambiguous-seeds)")
    verify = _run("verify", "all", *inputs, "--no-write")
    assert verify.exit_code == 0 and "left out" not in verify.output  # nothing contradicted, nothing left out


def test_with_the_switch_the_other_seeds_decide_and_the_seed_is_named(tmp_path, inputs):
    claim = _replication(tmp_path, inputs, "--drop-ambiguous-seeds")
    rep = claim["replication"]
    assert (rep["verdict"], rep["seeds"], claim["overall"]) == ("not_reproduced", 4, "contradicted")
    assert rep["summary"].endswith("; " + LEFT_OUT)
    assert rep["lines"][0] == ("seed 3 left out (--drop-ambiguous-seeds): two runs give B / xnli / accuracy / en "
                               "(B-3 and B-3-other-config)")
    assert "B-3" not in rep["runs"] and "A-3" not in rep["runs"] and len(rep["runs"]) == 8
    verify = _run("verify", "all", *inputs, "--out", str(tmp_path / "out"), "--drop-ambiguous-seeds")
    assert verify.exit_code == 1, verify.output  # a contradicted claim, as documented
    assert "left out seed(s) 3: two runs each" in verify.output  # marked in the table, next to the claim id
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "left out seed(s) 3 (--drop-ambiguous-seeds)" in md and "B-3-other-config" in md
    show = _run("show", "1234.5678/gain", *inputs, "--drop-ambiguous-seeds")
    assert show.exit_code == 0 and "seed 3 left out (--drop-ambiguous-seeds)" in show.output, show.output


def test_the_switch_is_documented_with_an_example():
    for command in ("verify", "report"):
        text = _run(command, "--help").output
        assert "--drop-ambiguous-seeds" in text and "Example" in text


REPORT = synthesis_report("B beats A by two points.")


def test_audit_takes_the_switch_to_the_verdicts_it_quotes(tmp_path, inputs):
    report = tmp_path / "synthesis.txt"
    report.write_text(REPORT, encoding="utf-8")
    audit_inputs = [a for a in inputs if a != "--no-bundled-results"]  # audit always reads the bundled runs

    def row(*switch: str) -> dict:
        result = _run("audit", str(report), *audit_inputs, "--format", "json", *switch)
        assert result.exit_code == 0, result.output
        (card,) = json.loads(result.stdout)["scorecards"]
        (resolved,) = card["rows"]
        assert resolved["claim_id"] == "1234.5678/gain"
        return resolved["verdict"]

    plain, dropped = row(), row("--drop-ambiguous-seeds")
    assert (plain["replication"], plain["overall"]) == ("not_run", "unverified")
    assert (dropped["replication"], dropped["overall"]) == ("not_reproduced", "contradicted")
    assert LEFT_OUT in dropped["summary"] and "over 4 seeds" in dropped["summary"]

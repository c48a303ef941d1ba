"""`--out` naming a file the command reads is refused (exit 2) before anything is written: the claim
file, the result file, the run store or the audited report would be replaced by the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore
from paper_fixtures import PAPER, report as synthesis_report


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _refused(result, path: Path, before: bytes) -> None:
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "--out" in flat and "this command reads" in flat and "Traceback" not in flat, result.output
    assert path.read_bytes() == before  # the input is whole


@pytest.fixture
def claims(tmp_path) -> Path:
    path = tmp_path / "claims" / "1234.5678.yaml"
    path.parent.mkdir()
    path.write_text(PAPER, encoding="utf-8")
    return path


def test_report_refuses_to_write_over_a_claim_file_or_a_result_file(tmp_path, claims):
    results = tmp_path / "runs.json"
    record = RunRecord(run_id="r-1", paper_id="1234.5678", system="B", seed=1, preset="t", fidelity="full",
                       metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=71.0)])
    results.write_text(json.dumps({"runs": [json.loads(record.model_dump_json())]}), encoding="utf-8")
    for target in (claims, results):
        before = target.read_bytes()
        _refused(_run("report", "-r", claims.parent, "--results", tmp_path, "--no-bundled-results", "--out", target), target, before)
    done = _run("report", "-r", claims.parent, "--no-bundled-results", "--out", tmp_path / "report.md")
    assert done.exit_code == 0 and (tmp_path / "report.md").is_file(), done.output


def test_audit_refuses_to_write_over_the_report_it_audits(tmp_path, claims):
    report = tmp_path / "synthesis.md"
    report.write_text(synthesis_report(), encoding="utf-8")
    before = report.read_bytes()
    _refused(_run("audit", report, "-r", claims.parent, "--format", "md", "--out", report), report, before)
    linked = tmp_path / "link.md"  # the same file under another name
    linked.symlink_to(report)
    _refused(_run("audit", report, "-r", claims.parent, "--format", "md", "--out", linked), report, before)
    done = _run("audit", report, "-r", claims.parent, "--format", "md", "--out", tmp_path / "scorecard.md")
    assert done.exit_code == 0 and (tmp_path / "scorecard.md").is_file(), done.output


def test_runs_export_refuses_to_write_over_the_store(tmp_path):
    store = tmp_path / "runs.sqlite"
    with RunStore(store) as s:
        s.save_many([RunRecord(run_id="r-1", paper_id="1234.5678", system="B", seed=1, preset="t", fidelity="full")])
    before = store.read_bytes()
    _refused(_run("runs", "export", "--store", store, "--out", store), store, before)
    with RunStore(store) as s:
        assert [r.run_id for r in s.records()] == ["r-1"]

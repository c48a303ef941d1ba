"""The commands that only read runs: a missing store is never created, a mistyped `--store` is an
error, ids cited by verdicts can be looked up, and piped output is whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore


def _record(run_id: str, status: str = "ok") -> RunRecord:
    return RunRecord(run_id=run_id, paper_id="2005.13013", system="MNLI", seed=1, preset="proxy", fidelity="proxy",
                     deviations=["a deviation long enough to be wrapped by a terminal of eighty columns, " * 3],
                     spec={"target": {"task": "xnli"}}, status=status, error="killed" if status == "failed" else None,
                     metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=70.0)] if status == "ok" else [])


def _invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_reading_commands_leave_a_missing_default_store_uncreated():
    home = Path(os.environ["CLAIMCHECK_HOME"])
    listed = _invoke("runs", "list")
    assert listed.exit_code == 0 and listed.stdout.splitlines() == ["run id\tpaper\tsystem\ttarget\tseed\tpreset\tfidelity\tstatus\tmetrics"]
    assert "0 runs" in listed.stderr
    assert _invoke("runs", "export").exit_code == 0
    assert _invoke("verify", "all", "--no-write").exit_code in (0, 1)
    assert not (home / "runs.sqlite").exists()


@pytest.mark.parametrize("args", [("runs", "list"), ("runs", "export"), ("runs", "show", "r-0"), ("runs", "remove", "r-0"),
                                  ("verify", "all", "--no-write"), ("show", "2005.13013/multitask-gain"), ("report",)])
def test_a_mistyped_store_is_an_error_not_an_empty_store(tmp_path, args):
    typo = tmp_path / "runz.sqlite"
    result = _invoke(*args, "--store", typo)
    assert result.exit_code == 2, result.output
    assert "no such run store" in result.output and "--store" in result.output and "Traceback" not in result.output
    assert not typo.exists()


def test_a_run_cited_by_a_bundled_verdict_can_be_shown():
    report = json.loads(_invoke("report", "2005.13013/multitask-gain", "--format", "json").stdout)
    cited = report["claims"][0]["replication"]["runs"][0]
    shown = _invoke("runs", "show", cited[:12])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["runs"][0]["run_id"] == cited
    assert _invoke("runs", "show", cited[:12], "--no-bundled-results").exit_code == 2
    missing = _invoke("runs", "show", "zz")
    assert missing.exit_code == 2 and "no run in the store" in missing.output and "prefix" not in missing.output


def test_show_prints_json_that_parses_when_piped(tmp_path):
    store = tmp_path / "runs.sqlite"
    with RunStore(store) as s:
        s.save_many([_record("r-long01")])
    shown = _invoke("runs", "show", "r-long", "--store", store)
    assert json.loads(shown.stdout)["runs"][0]["deviations"] == [_record("r-long01").deviations[0]]


def test_export_says_what_it_left_out_and_all_exports_failed_runs(tmp_path):
    store = tmp_path / "runs.sqlite"
    with RunStore(store) as s:
        s.save_many([_record("r-ok01"), _record("r-bad01", status="failed")])
    out = tmp_path / "runs.json"
    result = _invoke("runs", "export", "--store", store, "--out", out)
    assert result.exit_code == 0 and "1 failed run(s) left out" in " ".join(result.output.split())
    assert [r["run_id"] for r in json.loads(out.read_text())["runs"]] == ["r-ok01"]
    assert _invoke("runs", "export", "--store", store, "--out", out, "--status", "all").exit_code == 0
    assert {r["run_id"] for r in json.loads(out.read_text())["runs"]} == {"r-ok01", "r-bad01"}
    bad = _invoke("runs", "list", "--store", store, "--status", "done")
    assert bad.exit_code == 2 and "choose ok, failed or all" in bad.output


def test_import_warns_when_a_stored_run_of_the_same_id_says_something_else(tmp_path):
    store, other = tmp_path / "runs.sqlite", tmp_path / "other.json"
    with RunStore(store) as s:
        s.save_many([_record("r-same01")])
    changed = _record("r-same01").model_copy(update={"metrics": [Metric(task="xnli", language="en", metric="accuracy", split="dev", value=99.0)]})
    other.write_text(json.dumps({"runs": [json.loads(changed.model_dump_json())]}), encoding="utf-8")
    result = _invoke("runs", "import", other, "--store", store)
    assert result.exit_code == 0 and "0 of 1 runs imported" in result.output
    assert "differ from the stored run" in " ".join(result.stderr.split()) and "r-same01" in result.stderr
    with RunStore(store) as s:
        assert s.get("r-same01").metrics[0].value == 70.0  # the stored run was kept


def test_a_record_whose_id_does_not_name_its_spec_is_refused(tmp_path):
    """Copying a run and editing its spec (or its id) would pass a second configuration off as the first."""
    from claimcheck.content_hash import content_hash

    spec = {"system": "MNLI", "seed": 1, "target": {"task": "xnli", "evals": [{"limit": 100}]}}
    good_id = "r-" + content_hash(spec)
    good = _record(good_id).model_copy(update={"spec": {**spec, "run_id": good_id}})
    edited = good.model_copy(update={"spec": {**spec, "target": {"task": "xnli", "evals": [{"limit": 2000}]}, "run_id": good_id}})
    for record, ok in ((good, True), (edited, False)):
        path = tmp_path / "runs.json"
        path.write_text(json.dumps({"runs": [json.loads(record.model_dump_json())]}), encoding="utf-8")
        result = _invoke("runs", "import", path, "--store", tmp_path / "store.sqlite")
        assert (result.exit_code == 0) is ok, result.output
        if not ok:
            assert "does not name this spec" in " ".join(result.output.split()) and "runs[0].run_id" in result.output


@pytest.mark.parametrize("edit", [{"fidelity": "full"}, {"system": "SQuAD"}, {"seed": 3}, {"paper_id": "2210.01091"},
                                  {"preset": "paper"}], ids=lambda e: next(iter(e)))
def test_a_record_edited_away_from_its_spec_is_refused(tmp_path, edit):
    """A proxy run relabelled full fidelity would turn a disputed claim contradicted; one moved to
    another arm or seed would be read as that arm's run."""
    from claimcheck.content_hash import content_hash

    spec = {"paper_id": "2005.13013", "system": "MNLI", "seed": 1, "preset": "proxy", "fidelity": "proxy",
            "target": {"task": "xnli"}}
    run_id = "r-" + content_hash(spec)
    record = json.loads(_record(run_id).model_copy(update={"spec": {**spec, "run_id": run_id}}).model_dump_json())
    for command in (("runs", "import", "--store", tmp_path / "store.sqlite"), ("verify", "all", "--no-write", "--results")):
        for changed, ok in ((record, True), ({**record, **edit}, False)):
            path = tmp_path / "runs.json"
            path.write_text(json.dumps({"runs": [changed]}), encoding="utf-8")
            result = _invoke(*command, path)
            assert (result.exit_code != 2) is ok, (command, result.output)
            field = next(iter(edit))
            if not ok:
                assert f"runs[0].{field}" in result.output and "its spec states" in " ".join(result.output.split())


@pytest.mark.parametrize("seed", [2**63, -(2**63) - 1])
def test_a_seed_the_store_cannot_hold_is_refused_naming_it(tmp_path, seed):
    record = {**json.loads(_record("r-big").model_dump_json()), "seed": seed}
    path = tmp_path / "runs.json"
    path.write_text(json.dumps({"runs": [record]}), encoding="utf-8")
    for command in (("runs", "import", "--store", tmp_path / "store.sqlite"), ("verify", "all", "--no-write", "--results")):
        result = _invoke(*command, path)
        assert result.exit_code == 2 and "runs[0].seed" in result.output and "Traceback" not in result.output, result.output


@pytest.mark.parametrize(("payload", "message"), [
    ('{"runs": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),  # past Python's recursion limit
    ('{"runs": [' + "9" * 5000 + "]}", "an integer of more than"),  # past Python's int-to-string limit
], ids=["deep", "huge-integer"])  # fmt: skip
@pytest.mark.parametrize("command", [("runs", "import", "--store", "{store}"), ("verify", "all", "--no-write", "--results")])
def test_a_result_file_python_cannot_decode_is_bad_input_not_a_crash(tmp_path, payload, message, command):
    path = tmp_path / "runs.json"
    path.write_text(payload, encoding="utf-8")
    result = _invoke(*(a.format(store=tmp_path / "s.sqlite") for a in command), path)
    assert result.exit_code == 2, result.output
    assert f"{path}: not valid JSON for run records: " in " ".join(result.output.split()) and message in result.output

"""A result file holding a lone surrogate (the JSON escape ``\\udcff`` or ``\\ud800`` with no other half), in a
text or in a key, is refused by every command that reads result files (`runs import`, `verify --results`,
`report --results`): exit 2, one line naming the file and the field, no traceback. It is no character,
so no UTF-8 text holds it: `runs import` stopped with a UnicodeEncodeError when it stored the record,
and a key holding one was stored as other characters (U+FFFD). A surrogate pair, and a backslash
written before "ud800", are text like any other."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app


def _record(**changes) -> dict:
    record = {"run_id": "r-1", "paper_id": "1234.5678", "system": "A", "seed": 1, "preset": "t", "fidelity": "full",
              "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": "dev", "value": 70.0}]}
    return {**record, **changes}


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _readers(path, tmp_path) -> dict[str, object]:
    store = tmp_path / "runs.sqlite"
    return {
        "runs import": _run("runs", "import", path, "--store", store),
        "verify --results": _run("verify", "all", "--no-write", "--no-bundled-results", "--results", path),
        "report --results": _run("report", "--format", "json", "--no-bundled-results", "--results", path),
    }


# (the file's payload, the field the error names, the escape it names)
CASES = {
    "system": (_record(system="\udcff"), "system", "\\udcff"),
    "note": ({"runs": [_record(fidelity="proxy", deviations=["fine", "note \ud800"])]}, "runs[0].deviations[1]", "\\ud800"),
    "metric": ([_record(metrics=[{**_record()["metrics"][0], "task": "x\udcff"}])], "[0].metrics[0].task", "\\udcff"),
    "error text": (_record(status="failed", error="stopped at \udfff"), "error", "\\udfff"),
    "record key": ({**_record(), "sys\udcfftem": "A"}, "sys\\udcfftem", "\\udcff"),
    "spec key": (_record(spec={"target": {"k\udcffey": 1}}), "spec.target.k\\udcffey", "\\udcff"),
    # pydantic wrote this one as other characters, "p\ufffd\ufffd\ufffd", and the import went through
    "package key": (_record(provenance={"packages": {"p\ud800": "1.0"}}), "provenance.packages.p\\ud800", "\\ud800"),
    "key beside runs": ({"runs": [_record()], "x\udcff": 1}, "x\\udcff", "\\udcff"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_lone_surrogate_is_refused_naming_the_file_and_field_by_every_reader(tmp_path, case):
    payload, field, escape = CASES[case]
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(payload), encoding="utf-8")  # ensure_ascii: the surrogate is written as its escape
    assert escape in path.read_text(encoding="utf-8")
    for reader, result in _readers(path, tmp_path).items():
        assert result.exit_code == 2, (reader, result.output)
        assert not isinstance(result.exception, UnicodeError) and "Traceback" not in result.output, (reader, result.output)
        line = " ".join(result.output.split())
        assert f"{path}: field '{field}': " in line and f"JSON escape {escape}, a lone surrogate" in line, (reader, line)
    store = tmp_path / "runs.sqlite"
    if store.exists():
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)  # nothing was imported


def test_a_file_holding_one_in_a_results_folder_is_named(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "good.json").write_text(json.dumps(_record(run_id="r-good")), encoding="utf-8")
    bad = tmp_path / "results" / "zz.json"
    bad.write_text(json.dumps({"runs": [_record(system="A\udc80")]}), encoding="utf-8")
    for reader, result in _readers(tmp_path / "results", tmp_path).items():
        assert result.exit_code == 2 and f"{bad}: field 'runs[0].system': " in " ".join(result.output.split()), (reader, result.output)


def test_a_surrogate_pair_and_an_escaped_backslash_are_text_as_before(tmp_path):
    path, store = tmp_path / "runs.json", tmp_path / "runs.sqlite"
    # an emoji written as its UTF-16 pair of escapes (as json.dumps writes it), and the six characters \ud800 as text
    path.write_text(json.dumps(_record(system="A \U0001f600 \\ud800 \\uDCFF", spec={"k\U0001f600": "\\udcff"})), encoding="utf-8")
    assert "\\ud83d\\ude00" in path.read_text(encoding="utf-8")
    for reader, result in _readers(path, tmp_path).items():
        assert result.exit_code in (0, 1), (reader, result.output)
    exported = _run("runs", "export", "--store", store)
    (run,) = json.loads(exported.stdout)["runs"]
    assert run["system"] == "A \U0001f600 \\ud800 \\uDCFF" and run["spec"] == {"k\U0001f600": "\\udcff"}

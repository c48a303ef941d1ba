"""How run-record files are read by `verify --results PATH` and `runs import PATH`: what is accepted,
what is refused (exit 2, one line naming the file and field), and what is said along the way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app


def _record(run_id: str = "r-1", system: str = "A", seed: int = 1, value: float = 70.0) -> dict:
    return {"run_id": run_id, "paper_id": "1234.5678", "system": system, "seed": seed, "preset": "t", "fidelity": "full",
            "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": "dev", "value": value}]}


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _verify(*results: Path, bundled: bool = False) -> object:
    args = ["verify", "all", "--no-write"] + ([] if bundled else ["--no-bundled-results"])
    for r in results:
        args += ["--results", r]
    return _run(*args)


def _sources(*results: Path, bundled: bool = False) -> list[str]:
    """The report's "runs from" notes, as `report --format json` gives them (the table wraps them)."""
    args = ["report", "--format", "json"] + ([] if bundled else ["--no-bundled-results"])
    for r in results:
        args += ["--results", r]
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results_sources"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_utf8_byte_order_mark_is_read_as_claim_files_read_it(tmp_path):
    f = tmp_path / "runs.json"
    f.write_text(json.dumps({"runs": [_record()]}), encoding="utf-8-sig")  # what Notepad and PowerShell write
    assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    verified = _verify(f)
    assert verified.exit_code in (0, 1), verified.output
    assert _sources(f) == [f"files {f} (1 runs)"]
    imported = _run("runs", "import", f, "--store", tmp_path / "runs.sqlite")
    assert imported.exit_code == 0 and "1 of 1 runs imported" in imported.output, imported.output
    # an error further on still names its line and column as an editor shows them (the mark is no column)
    bad = tmp_path / "bad.json"
    bad.write_text('{"runs": [}', encoding="utf-8-sig")
    refused = _verify(bad)
    assert refused.exit_code == 2 and "line 1, column 11" in refused.output and "BOM" not in refused.output, refused.output


def _with(path: tuple, value) -> dict:
    """``_record()`` with the field at ``path`` (keys and list indexes) set to ``value``."""
    record = _record()
    record.setdefault("provenance", {"stage_seconds": {"evaluate": 1.5}})
    here = record
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return record


@pytest.mark.parametrize("path, value, field, message", [
    (("metrics", 0, "value"), True, "runs[0].metrics[0].value", "Input should be a valid number, not true"),
    (("metrics", 0, "value"), "70.5", "runs[0].metrics[0].value", 'Input should be a valid number, not "70.5"'),
    (("metrics", 0, "n_examples"), False, "runs[0].metrics[0].n_examples", "Input should be a valid integer, not false"),
    (("seed",), True, "runs[0].seed", "Input should be a valid integer, not true"),
    (("seed",), 1.5, "runs[0].seed", "Input should be a valid integer, not 1.5"),
    (("schema_version",), True, "runs[0].schema_version", "Input should be a valid integer, not true"),
    (("provenance", "stage_seconds", "evaluate"), True, "runs[0].provenance.stage_seconds.evaluate",
     "Input should be a valid number, not true"),
])  # fmt: skip
def test_a_boolean_or_text_where_a_number_belongs_is_refused_naming_the_field(tmp_path, path, value, field, message):
    """`true` was read as 1.0 (a value) or 1 (a seed), so a record could pass for another run."""
    f = tmp_path / "runs.json"
    f.write_text(json.dumps({"runs": [_with(path, value)]}), encoding="utf-8")
    for result in (_verify(f), _run("runs", "import", f, "--store", tmp_path / "runs.sqlite")):
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert f"{f}: field '{field}': {message}" in _flat(result.output), result.output
    assert not (tmp_path / "runs.sqlite").exists()  # nothing imported, no store started


def test_integers_stay_numbers_where_a_number_belongs(tmp_path):
    f = tmp_path / "runs.json"
    f.write_text(json.dumps([_with(("provenance", "stage_seconds", "evaluate"), 2) | {"metrics": [_record()["metrics"][0] | {"value": 70}]}]), encoding="utf-8")
    assert '"value": 70}' in f.read_text(encoding="utf-8") and '"evaluate": 2}' in f.read_text(encoding="utf-8")
    assert _run("runs", "import", f, "--store", tmp_path / "runs.sqlite").exit_code == 0


def test_the_results_schema_describes_a_result_file_as_it_is_read(tmp_path):
    """`claimcheck schema results` described one record, so the `{"runs": [...]}` that `runs export`
    writes did not validate against it; and it left a metric's split and scale open."""
    jsonschema = pytest.importorskip("jsonschema")
    printed = _run("schema", "results")
    assert printed.exit_code == 0, printed.output
    validator = jsonschema.Draft202012Validator(json.loads(printed.stdout))
    validator.check_schema(validator.schema)
    bad_split = _record() | {"metrics": [_record()["metrics"][0] | {"split": "tst"}]}
    cases = [(_record(), True), ([_record(), _record("r-2")], True), ({"runs": [_record()]}, True), ({"runs": []}, True),
             (_record() | {"seed": True}, False), (_with(("metrics", 0, "value"), 0.71 + 100), False), (bad_split, False),
             (_record() | {"extra": 1}, False), ({"claims": [], "coverage": {}}, False),
             # in {"runs": ...} the runs are a list, and nothing stands beside them
             ({"runs": _record()}, False), ({"runs": [_record()], "x": 1}, False), ({"runs": None}, False),
             ({"runs": [], "schema_version": 1}, False)]
    for i, (payload, accepted) in enumerate(cases):
        f = tmp_path / f"case{i}.json"
        f.write_text(json.dumps(payload), encoding="utf-8")
        read = _run("runs", "import", f, "--store", tmp_path / "runs.sqlite")
        assert (read.exit_code == 0) is accepted, (payload, read.output)
        assert validator.is_valid(payload) is accepted, payload


def test_a_named_folder_without_result_files_is_an_error_for_both_commands(tmp_path):
    """It read as "no runs" (exit 0), while an empty registry (-r) or audit folder is an error."""
    empty = tmp_path / "results"
    empty.mkdir()
    (empty / "notes.txt").write_text("runs go here\n", encoding="utf-8")  # only what is not a result file
    store = tmp_path / "runs.sqlite"
    for result in (_verify(empty), _run("report", "--results", empty), _run("runs", "import", empty, "--store", store)):
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert f"error: {empty}: no result files (*.json) in this folder" in _flat(result.output), result.output
    assert not store.exists()
    # worded as the registry's own refusal of an empty folder
    assert f"{empty}: no claim files (*.yaml) in this folder" in _flat(_run("list", "-r", empty).output)
    (empty / "runs.json").write_text(json.dumps({"runs": []}), encoding="utf-8")  # a file of no runs is a result file
    assert _run("runs", "import", empty, "--store", store).exit_code == 0


def test_a_report_claimcheck_wrote_into_a_results_folder_is_passed_over_and_refused_when_named(tmp_path):
    """`verify all --results .` writes ./claimcheck-report/report.json; the next `verify all --results .`
    read it as run records and stopped on "field 'run_id': Field required", every time."""
    from paper_fixtures import PAPER, report

    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "runs.json").write_text(json.dumps({"runs": [_record()]}), encoding="utf-8")
    registry = tmp_path / "claims"
    registry.mkdir()
    (registry / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    first = _run("verify", "all", "--no-bundled-results", "--results", folder, "--out", folder / "claimcheck-report")
    assert first.exit_code in (0, 1) and (folder / "claimcheck-report" / "report.json").is_file(), first.output
    synthesis = tmp_path / "synthesis.md"
    synthesis.write_text(report(), encoding="utf-8")
    (folder / "scorecards").mkdir()
    for out in (folder / "audit.json", folder / "scorecards"):  # one file, and a folder of one scorecard per report
        audited = _run("audit", synthesis, "-r", registry, "--format", "json", "--out", out)
        assert audited.exit_code == 0, audited.output
    (folder / "schema.json").write_text(_run("schema", "results").stdout, encoding="utf-8")
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    assert "claimcheck-report/report.json" in written and "audit.json" in written and "schema.json" in written
    assert any(p.startswith("scorecards/") for p in written), written
    kinds = {"claimcheck-report/report.json": "a claimcheck verification report", "audit.json": "a claimcheck audit",
             "schema.json": "a JSON Schema"} | {p: "a claimcheck audit" for p in written if p.startswith("scorecards/")}

    again = _verify(folder)  # the trap: now read again, the report passed over
    assert again.exit_code in (0, 1), again.output
    [note] = _sources(folder)
    assert note.startswith(f"files {folder} (1 runs; passed over ") and note.endswith(": not run records)"), note
    for name, kind in kinds.items():
        assert f"{folder / name} ({kind})" in note, note
    imported = _run("runs", "import", folder, "--store", tmp_path / "runs.sqlite")
    assert imported.exit_code == 0 and "1 of 1 runs imported" in imported.output, imported.output
    assert "note: passed over " in imported.output and all(f"{folder / name} ({kind})" in _flat(imported.output)
                                                           for name, kind in kinds.items()), imported.output

    for name, kind in kinds.items():  # named on its own: refused, saying what it is
        for result in (_verify(folder / name), _run("runs", "import", folder / name, "--store", tmp_path / "other.sqlite")):
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output
            assert f"{folder / name}: is {kind}, not a file of run records" in _flat(result.output), result.output
            assert "run_id" not in result.output
    (folder / "runs.json").unlink()  # a folder holding nothing else: no result files, saying what was passed over
    alone = _verify(folder)
    assert alone.exit_code == 2 and f"{folder}: no result files (*.json) in this folder; passed over" in _flat(alone.output)
    # a file that merely lacks a record's fields is still a result file with an error, not passed over
    (folder / "typo.json").write_text(json.dumps({"run_idd": "r-1"}), encoding="utf-8")
    typo = _verify(folder)
    assert typo.exit_code == 2 and "field 'run_id': Field required" in typo.output, typo.output


def test_a_file_record_that_replaces_a_bundled_run_with_other_content_is_named(tmp_path):
    """The file's record is used (files over bundled, as documented), but it was silent, while one
    that differs from a stored run was already counted in the results line."""
    from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths

    bundled = json.loads((BUNDLED_RESULTS / "phang2020-proxy-runs.json").read_text(encoding="utf-8"))["runs"]
    shipped, other = bundled[0], bundled[1]
    assert shipped["status"] == "ok" and shipped["metrics"], shipped["run_id"]
    edited = json.loads(json.dumps(shipped))
    edited["metrics"][0]["value"] = round(edited["metrics"][0]["value"] + 1.0, 4)
    f = tmp_path / "rerun.json"
    f.write_text(json.dumps({"runs": [edited, other]}), encoding="utf-8")  # `other` as shipped: nothing to say
    [files, bundled_line] = _sources(f, bundled=True)
    assert files == (f"files {f} (2 runs; 1 of them differ from the bundled run of the same id and replace it: "
                     f"{shipped['run_id']} ({f}))"), files
    assert bundled_line.startswith("bundled results (")
    from claimcheck.results.collect import collect_records

    used = {r.run_id: r for r in collect_records([f]).records}[shipped["run_id"]]
    assert used == load_result_paths([f])[0] and used.metrics[0].value == edited["metrics"][0]["value"]  # still replaced
    # the stored-run note names the run and its file the same way
    store = tmp_path / "runs.sqlite"
    assert _run("runs", "import", f, "--store", store).exit_code == 0
    edited["metrics"][0]["value"] = round(edited["metrics"][0]["value"] + 1.0, 4)
    g = tmp_path / "again.json"
    g.write_text(json.dumps([edited]), encoding="utf-8")
    got = collect_records([g], store).sources
    assert got[1] == (f"files {g} (1 runs; 1 of them differ from the stored run of the same id, and the stored one is used: "
                      f"{shipped['run_id']} ({g}))"), got
    assert got[2].startswith("bundled results (") and len(got) == 3  # the stored run replaced it: not the file's doing


def test_a_results_path_that_is_not_utf8_is_shown_as_escapes_in_every_report(tmp_path):
    """A results folder whose name is not UTF-8 (surrogate escapes in Python) reaches the reports'
    "runs from" line as ``\\xff``: `report --format json` and the files `verify` writes used to stop
    with "surrogates not allowed"."""
    import os

    raw = os.fsencode(tmp_path) + b"/r\xffdir"
    try:
        os.mkdir(raw)
    except (OSError, ValueError):
        pytest.skip("this file system takes only UTF-8 file names")
    folder = Path(os.fsdecode(raw))
    (folder / "a.json").write_text(json.dumps(_record()), encoding="utf-8")
    assert _sources(folder) == [f"files {tmp_path}/r\\xffdir (1 runs)"]
    out = tmp_path / "out"
    result = _run("verify", "all", "--no-bundled-results", "--results", folder, "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["results_sources"] == [f"files {tmp_path}/r\\xffdir (1 runs)"]
    assert "/r\\\\xffdir (1 runs)" in (out / "report.md").read_text(encoding="utf-8")  # Markdown escapes the backslash
    assert "/r\\xffdir (1 runs)" in (out / "report.html").read_text(encoding="utf-8")

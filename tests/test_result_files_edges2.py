"""More edges of reading result files (`verify --results PATH`, `runs import PATH`): files that are
not UTF-8, what a scanned folder holds besides result files, the shape of ``{"runs": [...]}``, and how
error places and notes are written. Each expected failure is exit 2 with one line naming the file
(and the field), never a traceback."""

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


def _flat(text: str) -> str:
    return " ".join(text.split())


def _both(path: Path, store: Path) -> list:
    """`verify` and `runs import` of ``path``: both read result files the same way."""
    return [_run("verify", "all", "--no-write", "--no-bundled-results", "--results", path),
            _run("runs", "import", path, "--store", store)]


def _refused(result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"error: {expected}" in _flat(result.output), result.output


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
                                            ("utf-32-be", "UTF-32")])
def test_a_utf16_or_utf32_result_file_is_refused_naming_its_encoding(tmp_path, encoding, name):
    """It stopped with the codec's own words ("'utf-8' codec can't decode byte 0xff in position 0")."""
    f = tmp_path / "runs.json"
    text = json.dumps({"runs": [_record()]})
    f.write_bytes(("\ufeff" + text).encode(encoding))  # with its byte-order mark, as Windows tools write it
    store = tmp_path / "runs.sqlite"
    for result in _both(f, store):
        _refused(result, f"{f}: is {name} text (it starts with a {name} byte-order mark): a result file is JSON, "
                         "which is UTF-8; save it as UTF-8")
        assert "codec" not in result.output, result.output
    assert not store.exists()
    # in a scanned folder it is refused the same way, naming the file
    folder = tmp_path / "results"
    folder.mkdir()
    f.rename(folder / "runs.json")
    for result in _both(folder, store):
        _refused(result, f"{folder / 'runs.json'}: is {name} text")


def test_a_result_file_that_is_not_utf8_is_refused_naming_the_byte(tmp_path):
    f = tmp_path / "runs.json"
    text = json.dumps({"runs": [_record(system="Bäseline")]}, ensure_ascii=False)
    f.write_bytes(text.encode("latin-1"))
    at = text.index("ä")  # all ASCII before it: the character's index is its byte offset
    for result in _both(f, tmp_path / "runs.sqlite"):
        _refused(result, f"{f}: not UTF-8 text (invalid continuation byte at byte {at}): a result file is JSON, which "
                         "is UTF-8; save it as UTF-8")
        assert "codec" not in result.output, result.output


def test_a_utf16_result_file_without_a_byte_order_mark_is_said_to_be_no_utf8(tmp_path):
    """Its ASCII characters are valid UTF-8, each with a NUL byte beside it: JSON sees no value."""
    f = tmp_path / "runs.json"
    f.write_bytes(json.dumps(_record()).encode("utf-16-le"))
    for result in _both(f, tmp_path / "runs.sqlite"):
        _refused(result, f"{f}: holds NUL characters: not UTF-8 text (UTF-16 or UTF-32 without a byte-order mark?)")


def _sources(*results: Path) -> list[str]:
    """The report's "runs from" notes, as `report --format json` gives them."""
    args = ["report", "--format", "json", "--no-bundled-results"]
    for r in results:
        args += ["--results", r]
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results_sources"]


def test_a_sub_folder_named_like_a_json_file_is_scanned_as_a_folder_not_read_as_a_file(tmp_path):
    """It was read as a file: "cannot read: [Errno 21] Is a directory"."""
    import os

    folder = tmp_path / "results"
    (folder / "x.json").mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(_record("r-1")), encoding="utf-8")
    (folder / "x.json" / "b.json").write_text(json.dumps(_record("r-2", seed=2)), encoding="utf-8")
    (folder / "empty.json").mkdir()  # a folder with nothing in it adds nothing
    (folder / "linked.json").symlink_to(folder / "x.json", target_is_directory=True)  # not followed, as any link to a folder
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.json")  # reading it would wait for a writer forever
    assert _sources(folder) == [f"files {folder} (2 runs)"]
    store = tmp_path / "runs.sqlite"
    imported = _run("runs", "import", folder, "--store", store)
    assert imported.exit_code == 0 and "2 of 2 runs imported" in imported.output, imported.output
    # a folder with nothing but such folders holds no result files
    bare = tmp_path / "bare"
    (bare / "x.json").mkdir(parents=True)
    for result in _both(bare, tmp_path / "other.sqlite"):
        _refused(result, f"{bare}: no result files (*.json) in this folder")
    # a link that leads nowhere stands where a result file was meant: refused, not passed over
    (folder / "gone.json").symlink_to(tmp_path / "nowhere.json")
    for result in _both(folder, tmp_path / "third.sqlite"):
        _refused(result, f"{folder / 'gone.json'}: no such result file")


@pytest.mark.parametrize("payload, field, message", [
    ({"runs": _record()}, "runs", 'must be a list of run records ({"runs": [...]}), not an object'),
    ({"runs": "r-1"}, "runs", 'must be a list of run records ({"runs": [...]}), not a string'),
    ({"runs": None}, "runs", 'must be a list of run records ({"runs": [...]}), not null'),
    ({"runs": [_record()], "x": 1}, "x", """unknown key beside 'runs': a file of several records is {"runs": [...]} and nothing else"""),
    ({"note": "mine", "runs": []}, "note", "unknown key beside 'runs'"),
    (_record() | {"runs": []}, "run_id", "unknown key beside 'runs'"),  # a record with a "runs" key is neither
])  # fmt: skip
def test_runs_must_be_a_list_with_nothing_beside_it(tmp_path, payload, field, message):
    """``{"runs": {record}}`` was read as a file of that one record, and a key beside ``runs`` was
    dropped unread (a typo such as "run" for a second list of runs among them)."""
    f = tmp_path / "runs.json"
    f.write_text(json.dumps(payload), encoding="utf-8")
    store = tmp_path / "runs.sqlite"
    for result in _both(f, store):
        _refused(result, f"{f}: field '{field}': {message}")
    assert not store.exists()


def test_the_derivations_schema_and_a_parsed_copy_are_known_as_claimcheck_output(tmp_path):
    """`claimcheck schema derivations` prints a mapping of derivation name to JSON Schema (no ``$schema``
    at the top), and a claim file's parsed copy is ``{"written_by", "text", "data"}``: in a results
    folder both stopped the scan with "field 'run_id': Field required"."""
    from claimcheck.claims.parsed_copy import copy_text

    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "runs.json").write_text(json.dumps({"runs": [_record()]}), encoding="utf-8")
    printed = _run("schema", "derivations")
    assert printed.exit_code == 0, printed.output
    (folder / "derivations.json").write_text(printed.stdout, encoding="utf-8")
    text = "paper:\n  id: '1234.5678'\n"
    (folder / "1234.5678.yaml.parsed.json").write_text(copy_text(text, {"paper": {"id": "1234.5678"}}), encoding="utf-8")
    (folder / "copy.json").write_text(copy_text(text, {"paper": {}}), encoding="utf-8")  # told by content, not by name
    kinds = {"1234.5678.yaml.parsed.json": "a claimcheck parsed copy of a claim file",
             "copy.json": "a claimcheck parsed copy of a claim file",
             "derivations.json": "a claimcheck schema of derivation parameters"}
    [note] = _sources(folder)
    assert note == (f"files {folder} (1 runs; passed over "
                    + ", ".join(f"{folder / name} ({kind})" for name, kind in sorted(kinds.items())) + ": not run records)"), note
    imported = _run("runs", "import", folder, "--store", tmp_path / "runs.sqlite")
    assert imported.exit_code == 0 and "1 of 1 runs imported" in imported.output, imported.output
    for name, kind in kinds.items():  # named on its own: refused, saying what it is
        for result in _both(folder / name, tmp_path / "other.sqlite"):
            _refused(result, f"{folder / name}: is {kind}, not a file of run records")


@pytest.mark.parametrize("payload, field", [
    ({"written_by": "me", "text": "t", "data": {}, "extra": 1}, "run_id"),  # not a parsed copy: a fourth key
    ({"written_by": "me", "text": 1, "data": {}}, "run_id"),  # nor with text that is not text
    ({"xnli": {"type": "object", "properties": {}}, "seed": 1}, "run_id"),  # nor a mapping with a member that is no schema
    ({}, "run_id"),
])  # fmt: skip
def test_json_merely_like_claimcheck_output_is_still_read_as_a_result_file(tmp_path, payload, field):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "like.json").write_text(json.dumps(payload), encoding="utf-8")
    for result in _both(folder, tmp_path / "runs.sqlite"):
        _refused(result, f"{folder / 'like.json'}: field '{field}': Field required")


@pytest.mark.parametrize("payload, field", [
    ({"runs": [_record(), _record("r-2") | {"metrics": [_record()["metrics"][0], {"split": "dev"}]}]}, "runs[1].metrics[1].task"),
    ([_record(), _record("r-2", value=True)], "[1].metrics[0].value"),  # a list of records
    (_record(value=-5.0), "metrics[0].value"),  # a file of one record: off the scale (checked after the model)
    (_record() | {"metrics": [_record()["metrics"][0] | {"split": "tst"}]}, "metrics[0].split"),
    ({"runs": [_record() | {"provenance": {"stage_seconds": {"0": "x"}}}]}, "runs[0].provenance.stage_seconds.0"),  # a key
    ({"runs": [_record(), _record(value=71.0)]}, "runs[1].run_id"),  # one id, two records
])  # fmt: skip
def test_error_places_write_list_indexes_in_brackets_as_claim_files_do(tmp_path, payload, field):
    """They were written ``runs[0].metrics.0.value``, while a claim file's error says ``claims[0].cells[1]``."""
    f = tmp_path / "runs.json"
    f.write_text(json.dumps(payload), encoding="utf-8")
    for result in _both(f, tmp_path / "runs.sqlite"):
        _refused(result, f"{f}: field '{field}': ")


def test_a_claim_file_and_a_result_file_name_a_list_index_alike(tmp_path):
    from paper_fixtures import PAPER

    registry = tmp_path / "claims"
    registry.mkdir()
    bad_claim = PAPER.replace("value:", "valu:", 1)  # the first cell's value misspelt
    assert bad_claim != PAPER
    (registry / "1234.5678.yaml").write_text(bad_claim, encoding="utf-8")
    listed = _run("list", "-r", registry)
    assert listed.exit_code == 2 and "field 'paper.cells[0].value': Field required" in _flat(listed.output), listed.output
    f = tmp_path / "runs.json"
    metric = {k: v for k, v in _record()["metrics"][0].items() if k != "value"} | {"valu": 70.0}
    f.write_text(json.dumps({"runs": [_record() | {"metrics": [metric]}]}), encoding="utf-8")
    read = _run("runs", "import", f, "--store", tmp_path / "runs.sqlite")
    assert read.exit_code == 2 and "field 'runs[0].metrics[0].value': Field required" in _flat(read.output), read.output


def test_a_stored_run_that_replaces_a_bundled_run_with_other_content_is_named(tmp_path):
    """A `--results` file's record that replaces a bundled run of the same id with other content was
    named in the files' line; a stored one was used without a word."""
    from claimcheck.results.collect import collect_records
    from claimcheck.results.files import BUNDLED_RESULTS

    bundled = json.loads((BUNDLED_RESULTS / "phang2020-proxy-runs.json").read_text(encoding="utf-8"))["runs"]
    shipped, other = bundled[0], bundled[1]
    edited = json.loads(json.dumps(shipped))
    edited["metrics"][0]["value"] = round(edited["metrics"][0]["value"] + 1.0, 4)
    f = tmp_path / "rerun.json"
    f.write_text(json.dumps({"runs": [edited, other]}), encoding="utf-8")  # `other` as shipped: nothing to say
    store = tmp_path / "runs.sqlite"
    imported = _run("runs", "import", f, "--store", store)
    assert imported.exit_code == 0, imported.output

    got = collect_records([], store).sources
    assert got[0] == (f"store {store} (2 runs; 1 of them differ from the bundled run of the same id and replace it: "
                      f"{shipped['run_id']})"), got
    assert got[1].startswith("bundled results (") and len(got) == 2, got
    used = {r.run_id: r for r in collect_records([], store).records}[shipped["run_id"]]
    assert used.metrics[0].value == edited["metrics"][0]["value"]  # still the stored one, as documented
    result = _run("report", "--format", "json", "--store", store)  # and the report's "runs from" says it
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results_sources"][0] == got[0]

    # with a file of the same content as the store: the store's record is kept, so the store's line says it
    got = collect_records([f], store).sources
    assert got[0].endswith(f"replace it: {shipped['run_id']})") and got[1] == f"files {f} (2 runs)", got
    # a stored run as shipped is nothing to say
    plain = tmp_path / "plain.sqlite"
    g = tmp_path / "shipped.json"
    g.write_text(json.dumps([shipped]), encoding="utf-8")
    assert _run("runs", "import", g, "--store", plain).exit_code == 0
    assert collect_records([], plain).sources[0] == f"store {plain} (1 runs)"
    # without the bundled runs there is nothing to replace
    assert collect_records([], store, include_bundled=False).sources == [f"store {store} (2 runs)"]

"""A run store whose record column holds bytes that are not UTF-8. No claimcheck writes them (a record is
UTF-8 text), but SQLite keeps whatever another program gives it: a BLOB, or text whose bytes are not
UTF-8. Python's sqlite3 stops on such text naming only the column ("Could not decode to UTF-8 column
'record' with text ..."), and a BLOB reached the record's parser as bytes. The store reads such a row as
a record that does not validate (``UnreadableRun``), named by its run id: each command that reads it
stops with exit 2 naming the run and saying the record is not UTF-8, and `runs remove ID`, which that
message proposes, takes it out; its backup keeps the record with each byte that is not UTF-8 as a JSON
escape (0xe9 as ``\\udce9``), which `runs import` refuses, naming the field, until it is mended."""

from __future__ import annotations

import json
import sqlite3

import pytest
from replication_fixtures import save_two_runs
from typer.testing import CliRunner

from claimcheck.cli import app


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _line(result) -> str:
    return " ".join(result.output.split())


def _store(tmp_path, how: str):
    """A store of two runs whose r-aa01 record another program rewrote with its system in Latin-1 ("MNLI-é"
    as the byte 0xe9): as a BLOB (``how="blob"``) or as text (``"text"``). Returns the store and the record
    as it was before, with the system as the backup keeps it."""
    path = tmp_path / "runs.sqlite"
    save_two_runs(path)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-aa01'").fetchone()
        raw = text.replace('"system": "MNLI"', '"system": "MNLI-\xe9"').encode("latin-1")
        db.execute("UPDATE runs SET record = ? WHERE run_id = 'r-aa01'" if how == "blob" else
                   "UPDATE runs SET record = CAST(? AS TEXT) WHERE run_id = 'r-aa01'", (raw,))
        assert db.execute("SELECT typeof(record) FROM runs WHERE run_id = 'r-aa01'").fetchone() == (how,)
    kept = json.loads(text)
    kept["system"] = "MNLI-\udce9"
    return path, kept


@pytest.mark.parametrize("how", ["blob", "text"])
def test_each_command_that_reads_it_names_the_run_and_says_it_is_not_utf8(tmp_path, how):
    store, _ = _store(tmp_path, how)
    stored = "a BLOB of bytes" if how == "blob" else "text"
    for args in (("runs", "list"), ("runs", "show", "r-aa"), ("runs", "export"),
                 ("verify", "all", "--no-write", "--no-bundled-results"), ("report", "--format", "json", "--no-bundled-results")):
        result = _run(*args, "--store", store)
        line = _line(result)
        assert result.exit_code == 2 and "Traceback" not in result.output and "Could not decode" not in line, (args, line)
        assert (f"{store}: field 'system': stored run 'r-aa01' does not validate: the record is not UTF-8: byte 0xe9 at "
                f"offset ") in line and f"(stored as {stored} by another program" in line, (args, line)
        assert "`claimcheck runs remove r-aa01` on this store takes it out" in line and "0xe9 as \\udce9" in line, (args, line)
    # the other run is read as ever
    other = _run("runs", "show", "r-bb", "--store", store)
    assert other.exit_code == 0 and json.loads(other.output)["runs"][0]["run_id"] == "r-bb01", other.output
    for args in (("r-aa",), ("--task", "xnli")):  # the listing of what would be removed says it too
        dry = _run("runs", "remove", *args, "--dry-run", "--store", store)
        assert dry.exit_code == 0 and "r-aa01 MNLI xnli seed 1 proxy ok (does not validate: system: the record is not UTF-8: " \
            "byte 0xe9" in _line(dry), _line(dry)


@pytest.mark.parametrize("how", ["blob", "text"])
def test_runs_remove_takes_it_out_and_its_backup_keeps_each_byte_as_an_escape(tmp_path, how):
    store, kept = _store(tmp_path, how)
    backup = tmp_path / "backup.json"
    removed = _run("runs", "remove", "r-aa01", "--store", store, "--backup", backup)
    line = _line(removed)
    assert removed.exit_code == 0 and "1 runs removed" in line, line
    assert "r-aa01 was not UTF-8 and is kept there with each byte that is not UTF-8 as a JSON escape (0xe9 as \\udce9)" in line, line
    assert '"system": "MNLI-\\udce9"' in backup.read_text(encoding="utf-8")  # UTF-8 text, the byte as its escape
    assert json.loads(backup.read_text(encoding="utf-8"))["runs"] == [kept]  # the rest as it was stored
    listed = _run("runs", "list", "--store", store)
    assert listed.exit_code == 0 and "r-bb01" in listed.output and "r-aa01" not in listed.output, listed.output
    # the backup is refused as a result file with the escape is, naming the field, until it is mended
    again = _run("runs", "import", backup, "--store", tmp_path / "other.sqlite")
    line = _line(again)
    assert again.exit_code == 2 and f"{backup}: field 'runs[0].system': holds the JSON escape \\udce9, a lone surrogate" in line, line
    mended = json.loads(backup.read_text(encoding="utf-8"))
    mended["runs"][0]["system"] = "MNLI-é"
    backup.write_text(json.dumps(mended), encoding="utf-8")
    assert _run("runs", "import", backup, "--store", tmp_path / "other.sqlite").exit_code == 0


def test_a_record_that_is_no_json_once_decoded_and_a_run_id_that_is_not_utf8(tmp_path):
    """A byte outside any string leaves no JSON: the backup keeps the record as one text. A run id that is
    not UTF-8 is shown with the byte's escape, and its run is matched by its bytes to be removed."""
    store, _ = _store(tmp_path, "text")
    with sqlite3.connect(store) as db:
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-bb01'").fetchone()
        db.execute("UPDATE runs SET run_id = CAST(? AS TEXT), record = CAST(? AS TEXT) WHERE run_id = 'r-bb01'",
                   (b"r-bb\xff", b"\xff" + text.encode()))
    dry = _run("runs", "remove", "r-bb", "--dry-run", "--store", store)
    assert dry.exit_code == 0 and "r-bb\\xff MNLI xnli seed 1 proxy ok (does not validate: the record is not UTF-8: byte " \
        "0xff at offset 0" in _line(dry), _line(dry)
    backup = tmp_path / "backup.json"
    removed = _run("runs", "remove", "r-bb", "--store", store, "--backup", backup)
    assert removed.exit_code == 0 and "1 runs removed" in _line(removed), _line(removed)
    assert json.loads(backup.read_text(encoding="utf-8"))["runs"] == ["\udcff" + text]
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT run_id FROM runs").fetchall() == [("r-aa01",)]


def test_a_blob_of_utf8_text_is_read_as_its_text(tmp_path):
    store, _ = _store(tmp_path, "blob")
    with sqlite3.connect(store) as db:
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-bb01'").fetchone()
        db.execute("UPDATE runs SET record = ? WHERE run_id = 'r-bb01'", (text.encode(),))
        db.execute("DELETE FROM runs WHERE run_id = 'r-aa01'")
    listed = _run("runs", "list", "--store", store)
    assert listed.exit_code == 0 and "r-bb01" in listed.output, listed.output
    removed = _run("runs", "remove", "r-bb01", "--store", store, "--backup", tmp_path / "b.json")
    assert removed.exit_code == 0 and "1 runs removed" in _line(removed) and "not UTF-8" not in _line(removed), _line(removed)

"""A run store whose record holds a lone surrogate. No claimcheck writes one: SQLite text is UTF-8, which
cannot hold it (storing such a record stops before anything is written, and every result-file reader
refuses one), and each version wrote the record with ``ensure_ascii=False``, so never as the JSON escape
``\\udcff``. A store edited by hand, or by another program, may hold that escape: each command that
reads the run refuses it (exit 2, naming the store and the run), and `runs remove`, which that message
proposes, takes it out, writing the backup with the escape as it was stored."""

from __future__ import annotations

import json
import sqlite3

from replication_fixtures import save_two_runs
from typer.testing import CliRunner

from claimcheck.cli import app


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _store_by_hand(tmp_path):
    """A store of two runs, r-aa01 edited by hand to hold the escape in its system and in a key of its spec."""
    path = tmp_path / "runs.sqlite"
    save_two_runs(path)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-aa01'").fetchone()
        text = text.replace('"system": "MNLI"', '"system": "MNLI\\udcff"').replace('"target":', '"k\\ud800": 1, "target":')
        db.execute("UPDATE runs SET record = ? WHERE run_id = 'r-aa01'", (text,))
    return path, text


def test_reading_the_run_is_refused_naming_the_store_and_the_run(tmp_path):
    store, _ = _store_by_hand(tmp_path)
    for args in (("runs", "list"), ("runs", "show", "r-aa"), ("runs", "export"),
                 ("verify", "all", "--no-write", "--no-bundled-results"), ("report", "--format", "json", "--no-bundled-results")):
        result = _run(*args, "--store", store)
        line = " ".join(result.output.split())
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, line)
        # the field and what is wrong, not the JSON parser's "unexpected end of hex escape at line 1 column 522"
        assert (f"{store}: field 'spec.k\\ud800': stored run 'r-aa01' does not validate: a key holding the JSON escape "
                "\\ud800, a lone surrogate") in line, (args, line)  # the first in the record's order (its keys are sorted)
    dry = _run("runs", "remove", "r-aa", "--dry-run", "--store", store)  # the listing of what would be removed says it too
    assert dry.exit_code == 0 and "(does not validate: spec.k\\ud800: a key holding the JSON escape \\ud800" in " ".join(dry.output.split()), dry.output


def test_runs_remove_takes_it_out_and_its_backup_keeps_it_as_stored(tmp_path):
    store, text = _store_by_hand(tmp_path)
    backup = tmp_path / "backup.json"
    removed = _run("runs", "remove", "r-aa", "--store", store, "--backup", backup)
    assert removed.exit_code == 0 and "1 runs removed" in " ".join(removed.output.split()), removed.output
    assert "\\udcff" in backup.read_text(encoding="utf-8")  # UTF-8 text, with the escape as the store had it
    assert json.loads(backup.read_text(encoding="utf-8"))["runs"] == [json.loads(text)]
    assert _run("runs", "list", "--store", store).exit_code == 0  # the other run is read again
    # the backup is refused as the record was, naming the field: it holds no run the store can take
    again = _run("runs", "import", backup, "--store", tmp_path / "other.sqlite")
    line = " ".join(again.output.split())
    assert again.exit_code == 2 and f"{backup}: field 'runs[0].spec.k\\ud800': a key holding the JSON escape \\ud800" in line, line

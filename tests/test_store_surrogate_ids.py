"""A run id holding a lone surrogate on its way to the run store's lookups. Python reads an argument holding
a byte that is not UTF-8 (`runs show $'r-aa\\xff'`) with that byte as a lone surrogate (U+DCFF), and
sqlite3 cannot send such a text ("surrogates not allowed"): `runs show ID` and `runs remove ID` stopped
with that UnicodeEncodeError's traceback, and so did ``RunStore.claim`` (its claim file named by
``run_id.encode()``), ``claim_holder``, ``get``, ``has_ok`` and ``delete`` given such an id.

Such an id is looked up by its bytes, as the store reads a run id that another program stored with bytes
that are not UTF-8 (``stored_text.lenient_text``): the run stored with exactly those bytes is found (and can be
removed by the id `runs list` cannot print as it is), and none else; when none is, the error names the
argument and says what the character is (exit 2)."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from replication_fixtures import save_two_runs
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.results.store import RunStore

BYTE = os.fsdecode(b"\xff")  # "\udcff", as Python reads the byte 0xff of an argument


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _line(result) -> str:
    return " ".join(result.output.split())


@pytest.mark.parametrize("args, field", [
    (("runs", "show", f"r-aa{BYTE}"), "run_id"),
    (("runs", "show", f"r-aa{BYTE}", "--no-bundled-results"), "run_id"),
    (("runs", "remove", f"r-aa{BYTE}"), "run_ids"),
    (("runs", "remove", f"r-aa{BYTE}", "--dry-run"), "run_ids"),
    (("runs", "remove", f"r-bb{BYTE}", "r-aa01"), "run_ids"),
])
def test_an_argument_naming_no_run_is_refused_naming_it(tmp_path, args, field):
    store = tmp_path / "runs.sqlite"
    save_two_runs(store)
    for where in (("--store", store), ()):  # a store, and the default one not started yet
        result = _run(*args, *where)
        line = _line(result)
        assert result.exit_code == 2 and "Traceback" not in result.output and "surrogates not allowed" not in line, line
        assert f"field '{field}': no " in line and "has an id starting with 'r-" in line, line
        assert "(it holds U+DCFF, a lone surrogate: no character: byte 0xff of a text that was not UTF-8" in line, line
    with sqlite3.connect(store) as db:  # nothing was removed
        assert sorted(db.execute("SELECT run_id FROM runs").fetchall()) == [("r-aa01",), ("r-bb01",)]


def _store_of_ids_not_utf8(tmp_path):
    """A store of r-aa01 and two runs another program stored with ids that are not UTF-8, r-bb 0xff and
    r-bb 0xfe (their records holding the id as the JSON escape: they do not validate)."""
    path = tmp_path / "runs.sqlite"
    save_two_runs(path)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-bb01'").fetchone()
        for byte in (0xFF, 0xFE):
            raw = b"r-bb" + bytes([byte])
            db.execute("INSERT INTO runs SELECT CAST(? AS TEXT), paper_id, system, seed, preset, fidelity, status, tasks, "
                       "written_at, ? FROM runs WHERE run_id = 'r-bb01'", (raw, text.replace("r-bb01", f"r-bb\\udc{byte:02x}")))
        db.execute("DELETE FROM runs WHERE run_id = 'r-bb01'")
    return path


def test_an_argument_holding_the_byte_names_the_run_stored_with_it(tmp_path):
    store = _store_of_ids_not_utf8(tmp_path)
    shown = _run("runs", "show", f"r-bb{BYTE}", "--store", store)  # that one run: its record does not validate
    assert shown.exit_code == 2 and "Traceback" not in shown.output, shown.output
    assert f"{store}: field 'run_id': stored run 'r-bb\\udcff' does not validate" in _line(shown), _line(shown)
    backup = tmp_path / "backup.json"
    removed = _run("runs", "remove", f"r-bb{BYTE}", "--store", store, "--backup", backup)
    assert removed.exit_code == 0 and "1 runs removed" in _line(removed), _line(removed)
    assert [r["run_id"] for r in json.loads(backup.read_text(encoding="utf-8"))["runs"]] == ["r-bb\udcff"]
    with sqlite3.connect(store) as db:  # the other id that is not UTF-8 is left
        assert sorted(db.execute("SELECT hex(run_id) FROM runs").fetchall()) == [(b"r-aa01".hex().upper(),),
                                                                                  (b"r-bb\xfe".hex().upper(),)]


def test_the_store_looks_such_an_id_up_by_its_bytes_and_claims_it(tmp_path):
    path = _store_of_ids_not_utf8(tmp_path)
    with RunStore(path) as store:
        assert store.has_ok(f"r-bb{BYTE}") and store.has_ok("r-bb\udcfe")
        assert [r.run_id for r in store.find_as_stored("r-bb")] == ["r-bb\udcfe", f"r-bb{BYTE}"]  # by their bytes' order
        assert [r.run_id for r in store.find_as_stored(f"r-bb{BYTE}")] == [f"r-bb{BYTE}"]
        for other in ("r-bb\ud800", f"r-cc{BYTE}"):  # half of a UTF-16 pair names no stored id; nor does another byte
            assert (store.get(other), store.has_ok(other), store.find(other), store.delete([other])) == (None, False, [], 0)
        with store.claim(f"r-bb{BYTE}") as claim:  # a lock file named by the id's hash
            assert claim.enforced and claim.path.name.startswith("h-")
            assert store.claim_holder(f"r-bb{BYTE}").startswith(f"pid {os.getpid()} on ")
            assert store.claim(f"r-bb{BYTE}") is None  # held: another claim on it waits
            with store.claim("r-bb\udcfe") as other, store.claim("r-bb\ud800") as third:  # other ids, other claims
                assert other.enforced and third.enforced and len({claim.path, other.path, third.path}) == 3
        assert store.delete([f"r-bb{BYTE}"]) == 1 and not store.has_ok(f"r-bb{BYTE}") and store.has_ok("r-bb\udcfe")


def test_a_paper_filter_holding_the_byte_picks_the_runs_stored_with_it(tmp_path):
    """`--paper` is looked up in SQL too: an argument holding a byte that is not UTF-8 stopped `runs list`,
    `runs export` and `runs remove` with the same UnicodeEncodeError; it picks the runs whose paper id
    another program stored with that byte, and none else."""
    store = tmp_path / "runs.sqlite"
    save_two_runs(store)
    for args in (("runs", "list"), ("runs", "export"), ("runs", "remove", "--dry-run")):
        result = _run(*args, "--paper", f"2005.13013{BYTE}", "--store", store)
        assert result.exit_code == 0 and "Traceback" not in result.output, _line(result)
        assert ("0 runs" in _line(result)) if args[1] != "export" else json.loads(result.stdout) == {"runs": []}, _line(result)
    with sqlite3.connect(store) as db:  # r-bb01 of a paper id that is not UTF-8, in its column and its record
        (text,) = db.execute("SELECT record FROM runs WHERE run_id = 'r-bb01'").fetchone()
        db.execute("UPDATE runs SET paper_id = CAST(? AS TEXT), record = CAST(? AS TEXT) WHERE run_id = 'r-bb01'",
                   (b"2005.13013\xff", text.replace('"2005.13013"', '"2005.13013\xff"').encode("latin-1")))
    dry = _run("runs", "remove", "--paper", f"2005.13013{BYTE}", "--dry-run", "--store", store)
    assert dry.exit_code == 0 and "r-bb01 MNLI xnli seed 1 proxy ok (does not validate: paper_id: the record is not UTF-8" \
        in _line(dry) and "r-aa01" not in _line(dry) and "1 runs would be removed" in _line(dry), _line(dry)

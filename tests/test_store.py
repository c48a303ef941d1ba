"""The SQLite run store: one row per run, ok records immutable, failed ones replaceable, concurrent
writers lose nothing, export/import round-trips with provenance intact."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from replication_fixtures import make_record

from claimcheck.errors import StoreError
from claimcheck.results.backup import save_records_json
from claimcheck.results.files import load_result_file
from claimcheck.results.records import Metric, Provenance, RunRecord
from claimcheck.results.store import RunStore, load_store_records, open_store

FIXTURES = Path(__file__).resolve().parent / "replication_fixtures.py"


def _failed(run_id: str) -> RunRecord:
    return RunRecord(run_id=run_id, paper_id="2005.13013", system="MNLI", seed=1, preset="smoke", fidelity="proxy",
                     deviations=["test"], status="failed", error="CUDA out of memory")


def test_save_and_read_back(tmp_path):
    with RunStore(tmp_path / "runs.sqlite") as store:
        assert store.save(make_record(1, "a")) is True
        got = store.get("r-a-0001")
    assert got == make_record(1, "a")
    assert load_store_records(tmp_path / "runs.sqlite") == [got]


def test_wal_mode_is_on(tmp_path):
    RunStore(tmp_path / "runs.sqlite").close()
    mode = sqlite3.connect(tmp_path / "runs.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_ok_record_is_immutable_and_never_duplicated(tmp_path):
    first = make_record(1, "a")
    changed = first.model_copy(update={"metrics": [Metric(task="xnli", language="en", metric="accuracy", split="dev", value=99.0)]})
    with RunStore(tmp_path / "runs.sqlite") as store:
        store.save(first)
        assert store.save(changed) is False
        assert store.save(_failed(first.run_id)) is False  # a failure never hides a result
        assert store.count() == 1
        assert store.get(first.run_id).metrics[0].value == 50.0


def test_failed_run_is_replaced_by_its_success(tmp_path):
    with RunStore(tmp_path / "runs.sqlite") as store:
        store.save(_failed("r-x"))
        assert [r.status for r in store.records()] == ["failed"]
        assert store.ok_ids() == set()
        ok = make_record(0, "a").model_copy(update={"run_id": "r-x"})
        assert store.save(ok) is True
        assert [r.status for r in store.records()] == ["ok"]
        assert store.ok_ids() == {"r-x"}


def test_filters_and_prefix_lookup(tmp_path):
    with open_store(tmp_path / "s.sqlite") as store:
        store.save_many([make_record(i, "a") for i in range(3)] + [_failed("r-f")])
        assert len(store.records(status="ok")) == 3
        assert [r.run_id for r in store.records(status="failed")] == ["r-f"]
        assert [r.run_id for r in store.find("r-a-0002")] == ["r-a-0002"]
        assert len(store.find("r-a")) == 3
        assert store.records(paper_id="other") == []


def test_default_location_follows_claimcheck_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    with open_store() as store:
        store.save(make_record(1, "a"))
    assert (tmp_path / "home" / "runs.sqlite").exists()


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    n = 60
    procs = [subprocess.Popen([sys.executable, str(FIXTURES), "write", str(path), w, str(n)], stderr=subprocess.PIPE, text=True)
             for w in ("p", "q")]
    for p in procs:
        _, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
    with RunStore(path) as store:
        ids = {r.run_id for r in store.records()}
    assert ids == {f"r-{w}-{i:04d}" for w in ("p", "q") for i in range(n)}


def test_a_new_store_another_process_is_making_at_the_same_moment_is_waited_for(tmp_path):
    """Two replicate commands started together on a store not made yet: both switch it to WAL mode, and
    SQLite answers the one that finds the other's write lock there with "database is locked" at once,
    without waiting out its busy timeout. Before, that one stopped (exit 2, "cannot open the run store:
    database is locked"); now it waits for the lock, as for any other write."""
    import threading
    import time

    path = tmp_path / "runs.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the other process, making the store: its write lock, held a moment
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    with RunStore(path) as store:
        assert time.monotonic() - started >= 0.25  # waited for the other's lock
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.save(make_record(1, "a"))
    other.close()


def test_export_import_round_trip_keeps_provenance(tmp_path):
    rec = make_record(7, "a").model_copy(update={"provenance": Provenance(device="cuda:0 (H100)", git_revision="abc", data_files={"xnli/dev-en.tsv.xz": "f0"})})
    with RunStore(tmp_path / "a.sqlite") as store:
        store.save(rec)
        save_records_json(store.records(), tmp_path / "out" / "runs.json")
    loaded = load_result_file(tmp_path / "out" / "runs.json")
    with RunStore(tmp_path / "b.sqlite") as other:
        assert other.save_many(loaded) == 1
        assert other.save_many(loaded) == 0
        assert other.get(rec.run_id) == rec


def test_unreadable_store_is_a_store_error(tmp_path):
    bad = tmp_path / "runs.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        RunStore(bad)
    assert str(bad) in info.value.render()

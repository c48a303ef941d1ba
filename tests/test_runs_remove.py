"""`claimcheck runs remove`: selected runs leave the store, and their records are written first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.errors import InputError
from claimcheck.results.files import load_result_file
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore


def _record(run_id: str, system: str, task: str, seed: int) -> RunRecord:
    return RunRecord(run_id=run_id, paper_id="2005.13013", system=system, seed=seed, preset="proxy", fidelity="proxy",
                     deviations=["test record"], spec={"target": {"task": task}},
                     metrics=[Metric(task=task, language="zh", metric="f1", split="dev", value=90.0 + seed)])


def _store(tmp_path):
    path = tmp_path / "runs.sqlite"
    with RunStore(path) as s:
        s.save_many([_record("r-aa01", "XLM-R", "bucc2018", 1), _record("r-aa02", "MNLI", "bucc2018", 1),
                     _record("r-bb01", "MNLI", "xnli", 1), _record("r-bb02", "MNLI", "xnli", 2)])
    return path


def _ids(path) -> set[str]:
    with RunStore(path) as s:
        return {r.run_id for r in s.records()}


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result, result.output.replace("\n", " ")


def test_remove_by_task_writes_the_backup_then_deletes(tmp_path):
    store, backup = _store(tmp_path), tmp_path / "removed.json"
    result, text = _invoke("runs", "remove", "--task", "bucc2018", "--store", str(store), "--backup", str(backup))
    assert result.exit_code == 0, text
    assert "2 runs removed" in text
    assert _ids(store) == {"r-bb01", "r-bb02"}
    assert {r.run_id for r in load_result_file(backup)} == {"r-aa01", "r-aa02"}
    # the backup is an ordinary result file: importing it restores the runs, provenance and all
    result, text = _invoke("runs", "import", str(backup), "--store", str(store))
    assert result.exit_code == 0 and "2 of 2 runs imported" in text, text
    assert len(_ids(store)) == 4


def test_filters_combine_and_ids_take_unique_prefixes(tmp_path):
    store = _store(tmp_path)
    result, text = _invoke("runs", "remove", "--task", "bucc2018", "--system", "MNLI", "--store", str(store),
                           "--backup", str(tmp_path / "b1.json"))
    assert result.exit_code == 0 and _ids(store) == {"r-aa01", "r-bb01", "r-bb02"}, text
    result, text = _invoke("runs", "remove", "r-bb02", "r-aa0", "--store", str(store), "--backup", str(tmp_path / "b2.json"))
    assert result.exit_code == 0 and _ids(store) == {"r-bb01"}, text


def test_dry_run_lists_and_keeps_everything(tmp_path):
    store = _store(tmp_path)
    result, text = _invoke("runs", "remove", "--system", "MNLI", "--dry-run", "--store", str(store))
    assert result.exit_code == 0 and "3 runs would be removed" in text, text
    assert "r-aa02" in text and "r-aa01" not in text
    assert len(_ids(store)) == 4


def test_default_backup_lives_in_the_home_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    store = _store(tmp_path)
    for run_id in ("r-aa01", "r-aa02"):  # usually within the same second: the second gets its own file
        result, text = _invoke("runs", "remove", run_id, "--store", str(store))
        assert result.exit_code == 0, text
    files = sorted((tmp_path / "home" / "removed").glob("runs-*.json"))
    assert len(files) == 2
    assert sorted(r["run_id"] for f in files for r in json.loads(f.read_text())["runs"]) == ["r-aa01", "r-aa02"]


def test_bad_selection_exits_2_and_removes_nothing(tmp_path):
    store = _store(tmp_path)
    for args in (["runs", "remove"], ["runs", "remove", "r-"], ["runs", "remove", "r-zz"]):
        result, text = _invoke(*args, "--store", str(store))
        assert result.exit_code == 2, (args, text)
        assert "run_ids" in text
    assert len(_ids(store)) == 4
    result, text = _invoke("runs", "remove", "--task", "panx", "--store", str(store))
    assert result.exit_code == 0 and "0 runs match: nothing removed" in text, text


def test_an_existing_backup_is_refused_before_anything_is_removed(tmp_path):
    store, backup = _store(tmp_path), tmp_path / "bk.json"
    result, text = _invoke("runs", "remove", "--system", "XLM-R", "--store", str(store), "--backup", str(backup))
    assert result.exit_code == 0, text
    first = backup.read_text()
    for extra in ([], ["--dry-run"]):  # the same --backup again: A's records would be lost for good
        result, text = _invoke("runs", "remove", "--task", "xnli", "--store", str(store), "--backup", str(backup), *extra)
        assert result.exit_code == 2, text
        assert "bk.json" in text and "--backup" in text and "already exists" in text
        assert result.exception is None or isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert backup.read_text() == first
    assert _ids(store) == {"r-aa02", "r-bb01", "r-bb02"}


def test_the_store_refuses_an_existing_backup_too(tmp_path):
    store, backup = _store(tmp_path), tmp_path / "bk.json"
    backup.write_text("keep")
    with RunStore(store) as s, pytest.raises(InputError, match="already exists"):
        s.remove(s.records(), backup)
    assert backup.read_text() == "keep" and len(_ids(store)) == 4


def test_a_backup_that_appears_while_it_is_written_is_kept_and_nothing_is_removed(tmp_path, monkeypatch):
    """The existence check comes first; a file created by another process after it must still not
    be replaced (it may hold the only copy of runs removed earlier)."""
    import tempfile

    import claimcheck.atomic as atomic

    store, backup, real_mkstemp = _store(tmp_path), tmp_path / "bk.json", tempfile.mkstemp

    def racing_mkstemp(*args, **kwargs):
        backup.write_text("runs removed by another process")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", racing_mkstemp)
    with RunStore(store) as s, pytest.raises(InputError, match="already exists"):
        s.remove(s.records(), backup)
    assert backup.read_text() == "runs removed by another process" and len(_ids(store)) == 4


def test_the_default_backup_name_taken_by_a_concurrent_removal_is_chosen_again(tmp_path, monkeypatch):
    """Without --backup, another `runs remove` may take the chosen name before the write: the removal
    moves on to the next free name instead of failing with a message about a --backup never given."""
    import tempfile

    import claimcheck.atomic as atomic

    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    store, real_mkstemp, raced = _store(tmp_path), tempfile.mkstemp, []

    def racing_mkstemp(*args, dir=None, prefix="", **kwargs):
        if not raced:  # the other process writes its backup under the same name first
            target = Path(dir) / prefix[1:].rsplit(".", 1)[0]
            target.write_text('{"runs": []}')
            raced.append(target)
        return real_mkstemp(*args, dir=dir, prefix=prefix, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", racing_mkstemp)
    result, text = _invoke("runs", "remove", "r-aa01", "--store", str(store))
    assert result.exit_code == 0, text
    (theirs,) = raced
    assert theirs.read_text() == '{"runs": []}'  # kept
    ours = [f for f in (tmp_path / "home" / "removed").glob("runs-*.json") if f != theirs]
    assert [r["run_id"] for f in ours for r in json.loads(f.read_text())["runs"]] == ["r-aa01"]
    assert ours[0].name in text.replace(" ", "") and "r-aa01" not in _ids(store)


def test_a_run_replaced_between_the_listing_and_the_removal_is_kept(tmp_path):
    """A retry that finishes after `runs remove` listed the failed run must not be deleted unseen: only
    runs still stored as listed are backed up and removed, under the store's write lock."""
    store, backup = _store(tmp_path), tmp_path / "bk.json"
    failed = _record("r-cc01", "MNLI", "xnli", 3).model_copy(update={"status": "failed", "error": "worker lost", "metrics": []})
    with RunStore(store) as s:
        s.save(failed)
        chosen = s.select(["r-cc01", "r-bb01"])
    with RunStore(store) as other:  # the retry lands in between
        assert other.save(_record("r-cc01", "MNLI", "xnli", 3))
    with RunStore(store) as s:
        assert s.remove(chosen, backup) == 1
        assert s.get("r-cc01").status == "ok" and s.get("r-bb01") is None
    assert [r.run_id for r in load_result_file(backup)] == ["r-bb01"]

    with RunStore(store) as s:  # nothing left as listed: nothing removed, no backup
        assert s.remove(chosen, tmp_path / "bk2.json") == 0
    assert not (tmp_path / "bk2.json").exists()


def test_a_backup_that_cannot_be_written_names_the_option(tmp_path):
    store = _store(tmp_path)
    (tmp_path / "afile").write_text("x")
    result, text = _invoke("runs", "remove", "--system", "MNLI", "--store", str(store), "--backup", str(tmp_path / "afile" / "b.json"))
    assert result.exit_code == 2 and "field '--backup'" in text and "is a file, not a folder" in text, text
    assert len(_ids(store)) == 4

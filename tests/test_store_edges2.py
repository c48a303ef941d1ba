"""Edges of the run store, through the real store and the real commands on stores the tests build:
a store the user may only read serves every reading command, and reading writes nothing."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.errors import StoreError
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore, open_store

CLAIM = "2005.13013/xtreme-test-gain"


def _record(run_id: str, system: str = "MNLI", task: str = "xnli", seed: int = 1) -> RunRecord:
    return RunRecord(run_id=run_id, paper_id="2005.13013", system=system, seed=seed, preset="proxy", fidelity="proxy",
                     deviations=["test record"], spec={"target": {"task": task}},
                     metrics=[Metric(task=task, language="en", metric="accuracy", split="dev", value=70.0 + seed)])


def _store(path: Path, *run_ids: str) -> Path:
    with RunStore(path) as s:
        s.save_many([_record(r) for r in run_ids])
    return path


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _as_a_user_permissions_bind() -> None:
    """In the child before exec: root gives up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (prctl
    PR_CAPBSET_DROP), so file permissions bind it as they bind any user; another user needs nothing."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _cli(*args: str, read_only: bool = False) -> subprocess.CompletedProcess:
    """The command in a process of its own; ``read_only``: one that file permissions bind."""
    try:
        return subprocess.run([sys.executable, "-m", "claimcheck", *map(str, args)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"},
                              preexec_fn=_as_a_user_permissions_bind if read_only else None)
    except subprocess.SubprocessError as exc:  # root without CAP_SETPCAP cannot give the others up
        pytest.skip(f"cannot run a process that file permissions bind: {exc}")


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _exported(tmp_path: Path) -> Path:
    from claimcheck.results.backup import save_records_json

    path = tmp_path / "runs.json"
    save_records_json([_record("r-zz01")], path)
    return path


_CRASH = """import os, sys
from claimcheck.results.records import RunRecord
from claimcheck.results.store import RunStore
store = RunStore(sys.argv[1])
store.save_many([RunRecord.model_validate_json(text) for text in sys.argv[2:]])
os._exit(0)  # no close: the -wal and -shm stay, as after a crash
"""


def _crashed_writer(path: Path, *records: RunRecord) -> None:
    subprocess.run([sys.executable, "-c", _CRASH, str(path), *(r.model_dump_json() for r in records)], check=True,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


# -- a command that only reads opens the store read-only ------------------------------------------------

def test_the_store_opened_to_read_refuses_every_write(tmp_path):
    path = _store(tmp_path / "s.sqlite", "r-aa01")
    before = _files(tmp_path)
    with open_store(path, readonly=True) as s:
        assert [r.run_id for r in s.records()] == ["r-aa01"]
        for write in (lambda: s.save(_record("r-bb01")), lambda: s.delete(["r-aa01"])):
            with pytest.raises(StoreError, match="attempt to write a readonly database"):
                write()
    assert _files(tmp_path) == before


def test_opening_to_read_creates_no_store(tmp_path):
    with pytest.raises(StoreError, match="cannot open the run store"):
        open_store(tmp_path / "new.sqlite", readonly=True)
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")  # a new or empty file is a store with no runs, and stays as it is
    with open_store(empty, readonly=True) as s:
        assert s.records() == [] and s.count() == 0 and s.ok_ids() == set()
    assert [p.name for p in tmp_path.iterdir()] == ["empty.sqlite"] and empty.read_bytes() == b""


_READING = [("runs", "list"), ("runs", "export", "--status", "all"), ("runs", "show", "r-aa01"), ("verify", CLAIM, "--no-write"),
            ("report", CLAIM, "--format", "json"), ("plan", "all", "--preset", "proxy"),
            ("runs", "remove", "--task", "xnli", "--dry-run")]


def test_reading_commands_write_nothing_to_the_store_nor_beside_it(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = _store(folder / "runs.sqlite", "r-aa01")  # WAL mode, closed: no -wal, no -shm
    before = _files(folder)
    for args in _READING:
        result = _cli(*args, "--store", path)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (args, result.stderr)
        assert _files(folder) == before, args  # no -wal or -shm left behind for another user's writer to trip on


@pytest.mark.parametrize("state", ["closed", "held open by a writer", "left by a crashed writer", "crashed, its -shm gone"])
def test_a_store_this_user_may_only_read_serves_every_reading_command(tmp_path, state):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = _store(folder / "runs.sqlite", "r-aa01")
    writer = None
    if state == "held open by a writer":
        writer = RunStore(path)
        writer.save(_record("r-bb01"))  # in the -wal until a checkpoint
    elif state != "closed":
        _crashed_writer(path, _record("r-bb01"))
        assert (folder / "runs.sqlite-wal").stat().st_size > 0
        if state == "crashed, its -shm gone":
            (folder / "runs.sqlite-shm").unlink()
    expected = ["r-aa01"] if state == "closed" else ["r-aa01", "r-bb01"]
    before = _files(folder)
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        for args in _READING:
            result = _cli(*args, "--store", path, read_only=True)
            assert "Traceback" not in result.stderr, (args, result.stderr)
            if state == "crashed, its -shm gone":  # its log is read through an -shm it may not create: said so
                assert result.returncode == 2 and f"{path}-shm, and this user can neither read nor create" in \
                    _one_line(result.stderr), (args, result.stderr)
                continue
            assert result.returncode in (0, 1) and not result.stderr.startswith("error"), (args, result.stderr)
        if state != "crashed, its -shm gone":
            listed = _cli("runs", "list", "--store", path, read_only=True)
            assert [line.split("\t")[0] for line in listed.stdout.splitlines()[1:]] == expected, listed.stderr
        imported = _cli("runs", "import", _exported(tmp_path), "--store", path, read_only=True)
        assert imported.returncode == 2 and "Traceback" not in imported.stderr, imported.stderr
        assert imported.stderr.startswith(f"error: {path}: cannot "), imported.stderr
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(0o644)
        if writer is not None:
            writer.close()
    if writer is None:
        assert _files(folder) == before


def test_a_reader_sees_what_a_writer_wrote_after_it_opened_the_store(tmp_path):
    path = _store(tmp_path / "s.sqlite", "r-aa01")
    with open_store(path, readonly=True) as reader:  # no -wal: read as an immutable file
        assert [r.run_id for r in reader.records()] == ["r-aa01"]
        with RunStore(path) as writer:  # written and checkpointed into the file: no -wal left
            writer.save(_record("r-bb01"))
        assert not Path(f"{path}-wal").exists()
        assert [r.run_id for r in reader.records()] == ["r-aa01", "r-bb01"]
        with RunStore(path) as writer:  # a writer that holds the store: its write is in the -wal
            writer.save(_record("r-cc01"))
            assert [r.run_id for r in reader.records()] == ["r-aa01", "r-bb01", "r-cc01"]
            writer.save(_record("r-dd01"))
            assert reader.count() == 4 and reader.get("r-dd01") == _record("r-dd01")


# -- a stored record that does not validate can be removed by its id --------------------------------------

def _run(*args: str):
    from typer.testing import CliRunner

    from claimcheck.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _spoil(path: Path, run_id: str, record_sql: str) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute(f"UPDATE runs SET record = {record_sql} WHERE run_id = ?", (run_id,))
    db.commit()
    db.close()


def _stored_ids(path: Path) -> list[str]:
    with open_store(path, readonly=True) as s:
        return sorted(s.ok_ids() | s.failed_ids())


@pytest.mark.parametrize("record_sql, kept", [("json_set(record, '$.fidelity', 'bogus')", "bogus"),
                                              ("'not JSON at all'", "not JSON at all")])
def test_a_stored_record_that_does_not_validate_is_removed_by_its_id_and_kept_as_stored(tmp_path, record_sql, kept):
    path, backup = _store(tmp_path / "s.sqlite", "r-aa01", "r-bb02"), tmp_path / "b.json"
    _spoil(path, "r-bb02", record_sql)
    blocked = _run("runs", "list", "--store", path)  # every reading command stops on it, and says how to take it out
    assert blocked.exit_code == 2 and "`claimcheck runs remove r-bb02` on this store takes it out" in _one_line(blocked.output)
    dry = _run("runs", "remove", "r-bb0", "--dry-run", "--store", path)
    assert dry.exit_code == 0 and "r-bb02 MNLI xnli seed 1 proxy ok (does not validate: " in _one_line(dry.output), dry.output
    assert "1 runs would be removed" in dry.output and _stored_ids(path) == ["r-aa01", "r-bb02"]
    removed = _run("runs", "remove", "r-bb02", "--store", path, "--backup", backup)
    assert removed.exit_code == 0 and "1 runs removed" in _one_line(removed.output), removed.output
    assert "r-bb02 did not validate and is kept there as stored" in _one_line(removed.output)
    assert _stored_ids(path) == ["r-aa01"]
    import json

    stored = json.loads(backup.read_text(encoding="utf-8"))["runs"]
    if kept == "not JSON at all":
        assert stored == [kept]
    else:
        assert stored[0]["fidelity"] == kept and stored[0]["run_id"] == "r-bb02"
    listed = _run("runs", "list", "--store", path)
    assert listed.exit_code == 0 and listed.stdout.splitlines()[1].startswith("r-aa01\t"), listed.output


def test_a_broken_record_replaced_meanwhile_is_kept(tmp_path):
    path = _store(tmp_path / "s.sqlite", "r-aa01", "r-bb02")
    _spoil(path, "r-bb02", "json_set(record, '$.fidelity', 'bogus')")
    with RunStore(path) as s:
        chosen = s.select(["r-bb02"])
        assert [(r.run_id, r.problem) for r in chosen] == [("r-bb02", "fidelity: Input should be 'full', 'reduced' or 'proxy'")]
        _spoil(path, "r-bb02", "json_set(record, '$.fidelity', 'other')")  # another process rewrote it
        assert s.remove(chosen, tmp_path / "b.json") == 0
    assert _stored_ids(path) == ["r-aa01", "r-bb02"] and not (tmp_path / "b.json").exists()


def test_filters_take_out_a_broken_record_their_columns_match_and_pass_over_one_they_do_not(tmp_path):
    """`runs remove --task X` / `--system Y` / `--paper P` stopped on any stored record that did not
    validate, though `runs remove ID` takes one out: a filter now judges it, as an id does, by the
    store's columns (written from the record when it was stored). One that matches is listed with what
    is wrong and kept as stored in the backup; one that does not is left alone, and the others go."""
    import json

    path = tmp_path / "s.sqlite"
    with RunStore(path) as s:
        s.save_many([_record("r-aa01"), _record("r-bb02"), _record("r-cc03", system="SQuAD", task="xquad")])
    _spoil(path, "r-bb02", "json_set(record, '$.fidelity', 'bogus')")
    for args in (("--task", "xnli"), ("--system", "MNLI"), ("--paper", "2005.13013")):
        dry = _run("runs", "remove", *args, "--dry-run", "--store", path)
        said = _one_line(dry.output)
        assert dry.exit_code == 0 and "r-bb02 MNLI xnli seed 1 proxy ok (does not validate: fidelity: " in said, dry.output
    passed = _run("runs", "remove", "--system", "SQuAD", "--store", path, "--backup", tmp_path / "squad.json")
    assert passed.exit_code == 0 and "1 runs removed" in _one_line(passed.output) and "r-bb02" not in passed.output, passed.output
    assert _stored_ids(path) == ["r-aa01", "r-bb02"]
    backup = tmp_path / "b.json"
    removed = _run("runs", "remove", "--task", "xnli", "--store", path, "--backup", backup)
    said = _one_line(removed.output)
    assert removed.exit_code == 0 and "2 runs removed" in said and "r-bb02 did not validate and is kept there as stored" in said, said
    assert _stored_ids(path) == []
    stored = {r["run_id"]: r for r in json.loads(backup.read_text(encoding="utf-8"))["runs"]}
    assert sorted(stored) == ["r-aa01", "r-bb02"] and stored["r-bb02"]["fidelity"] == "bogus"


def test_runs_show_of_a_broken_record_names_it_and_a_broken_record_does_not_hide_another(tmp_path):
    """`runs show ID` of a record that does not validate: exit 2 naming the store, the field and the run,
    no JSON and no traceback. A prefix that names it and a valid run says there are two (it said the
    broken one did not validate), and a valid run beside it is shown."""
    path = _store(tmp_path / "s.sqlite", "r-aa01", "r-ab02")
    _spoil(path, "r-ab02", "'not JSON at all'")
    shown = _run("runs", "show", "r-ab", "--store", path, "--no-bundled-results")
    said = _one_line(shown.output)
    assert shown.exit_code == 2 and "Traceback" not in shown.output and "{" not in said, shown.output
    assert f"{path}: stored run 'r-ab02' does not validate: Invalid JSON" in said and "runs remove r-ab02" in said, said
    _spoil(path, "r-ab02", "'{}'")
    shown = _run("runs", "show", "r-ab02", "--store", path)
    assert shown.exit_code == 2 and f"{path}: field 'run_id': stored run 'r-ab02' does not validate" in _one_line(shown.output)
    several = _run("runs", "show", "r-a", "--store", path, "--no-bundled-results")
    assert several.exit_code == 2 and "2 runs in the store" in _one_line(several.output) and "give a longer prefix" in several.output
    one = _run("runs", "show", "r-aa", "--store", path, "--no-bundled-results")
    assert one.exit_code == 0 and '"run_id": "r-aa01"' in one.output, one.output
    assert _run("runs", "remove", "r-a", "--dry-run", "--store", path).exit_code == 2  # an ambiguous id: as before


# -- a run id that no command could name, or that splits `runs list` lines, is refused ---------------------

def _result_file(tmp_path: Path, run_id: str, *, wrapped: bool = True) -> Path:
    import json

    path = tmp_path / "in.json"
    record = _record("r-aa01").model_dump(mode="json") | {"run_id": run_id}
    path.write_text(json.dumps({"runs": [record]} if wrapped else record), encoding="utf-8")
    return path


@pytest.mark.parametrize("run_id, why", [("", "is empty"), ("   ", "is empty"),
                                         ("r-a\nb", "holds a control character or line break (U+000A)"),
                                         ("r-a\tb", "holds a control character or line break (U+0009)"),
                                         ("r-a\x1b[2Jb", "holds a control character or line break (U+001B)"),
                                         ("r-a\u2028b", "holds a control character or line break (U+2028)")])
def test_a_run_id_no_command_could_name_is_refused_naming_file_and_field(tmp_path, run_id, why):
    store = tmp_path / "s.sqlite"
    for wrapped, field in ((True, "runs[0].run_id"), (False, "run_id")):
        given = _result_file(tmp_path, run_id, wrapped=wrapped)
        for args in (("runs", "import", given, "--store", store), ("verify", CLAIM, "--results", given, "--no-write")):
            result = _run(*args)
            message = _one_line(result.output)
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output
            assert f"{given}: field '{field}': run id " in message and why in message, message
    assert not store.exists()


def test_the_bundled_runs_still_validate():
    from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths

    records = load_result_paths([BUNDLED_RESULTS])  # with the id checks of any result file
    assert len(records) > 100 and all(r.run_id.startswith("r-") for r in records)


def test_a_store_written_before_the_check_stays_readable_and_its_runs_removable(tmp_path):
    from claimcheck.results.records import STORED

    path = tmp_path / "s.sqlite"
    legacy = [RunRecord.model_validate(_record("r-aa01").model_dump() | {"run_id": run_id}, context=STORED)
              for run_id in ("r-a\tb", "r-c\nd", "")]
    with RunStore(path) as s:
        s.save_many(legacy + [_record("r-ee01")])
    listed = _run("runs", "list", "--store", path)  # piped: one line per run, nine fields each
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["run id", "", "r-a\\tb", "r-c\\nd", "r-ee01"], lines
    assert {len(line.split("\t")) for line in lines} == {9}
    removed = _run("runs", "remove", "r-c", "--store", path, "--backup", tmp_path / "b.json")
    assert removed.exit_code == 0 and "1 runs removed" in removed.output, removed.output
    assert _stored_ids(path) == ["", "r-a\tb", "r-ee01"]


# -- a store path that can hold no store is refused by plan, as by every other command ---------------------

@pytest.mark.parametrize("args", [("plan", "all", "--preset", "smoke"), ("runs", "list"), ("runs", "export"),
                                  ("runs", "remove", "r-aa01"), ("verify", CLAIM, "--no-write"), ("report", CLAIM),
                                  ("runs", "import", "RUNS")])
def test_a_store_path_under_a_file_is_refused_naming_it(tmp_path, args):
    blocker = tmp_path / "afile"
    blocker.write_text("keep me", encoding="utf-8")
    store = blocker / "x.sqlite"
    args = [_exported(tmp_path) if a == "RUNS" else a for a in args]
    result = _run(*args, "--store", store)
    message = _one_line(result.output)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert f"{store}: field '--store': cannot open the run store: {blocker} is a file, not a folder" in message or \
        (args[1] == "import" and f"{store}: cannot open the run store: {blocker} is a file, not a folder" in message), message
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_plan_still_reads_a_store_not_made_yet_as_empty_and_refuses_a_folder(tmp_path):
    new = tmp_path / "later" / "runs.sqlite"  # replicate --store will make it
    planned = _run("plan", "all", "--preset", "smoke", "--store", new)
    assert planned.exit_code == 0 and "0 stored" in _one_line(planned.output), planned.output
    assert not new.exists() and not new.parent.exists()
    folder = _run("plan", "all", "--preset", "smoke", "--store", tmp_path)
    assert folder.exit_code == 2 and f"{tmp_path}: field '--store': is a folder, not a run store" in _one_line(folder.output), \
        folder.output


# -- a loop of symbolic links given as the store is said to be one --------------------------------------------

@pytest.mark.parametrize("args", [("plan", "all", "--preset", "smoke"), ("runs", "list"), ("runs", "show", "r-aa01"),
                                  ("runs", "remove", "r-aa01"), ("verify", CLAIM, "--no-write"), ("report", CLAIM),
                                  ("runs", "import", "RUNS")])
@pytest.mark.parametrize("where", ["two links", "one link to itself", "a folder on the way"])
def test_a_loop_of_symbolic_links_as_the_store_is_said_to_be_one(tmp_path, args, where):
    links = tmp_path / "links"
    links.mkdir()
    if where == "one link to itself":
        (links / "a").symlink_to("a")
    else:
        (links / "a").symlink_to("b")
        (links / "b").symlink_to("a")
    store = links / "a" / "runs.sqlite" if where == "a folder on the way" else links / "a"
    args = [_exported(tmp_path) if a == "RUNS" else a for a in args]
    result = _run(*args, "--store", store)
    message = _one_line(result.output)
    assert result.exit_code == 2 and "Traceback" not in result.output and "no such run store" not in message, result.output
    said = ("is a loop of symbolic links, not a run store" if store == links / "a" else
            f"cannot open the run store: {links / 'a'} is a loop of symbolic links")
    assert f"{store}: " in message and said in message, message
    assert sorted(p.name for p in links.iterdir()) == (["a"] if where == "one link to itself" else ["a", "b"])

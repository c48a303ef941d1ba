"""Edge cases of `verify --out` and the `runs` commands, run through the real commands on files the
tests write: a failure leaves a consistent set of files and a one-line message (exit 2), never a
traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app

CLAIM = "2005.13013/xtreme-test-gain"
NAMES = ("report.md", "report.html", "report.json")


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cli(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own; ``fsize``: the largest file it may write (RLIMIT_FSIZE,
    which binds root too, unlike file permissions), so a write fails as on a full disk."""
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "claimcheck", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"},
                          preexec_fn=limit if fsize is not None else None)


# -- verify --out: the three reports are one set ---------------------------------------------------------

@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and its EFBIG as on Linux")
def test_a_report_that_cannot_be_written_leaves_every_old_report_as_it_was(tmp_path):
    fresh = tmp_path / "fresh"
    assert _cli("verify", CLAIM, "--out", str(fresh)).returncode == 0
    sizes = sorted((fresh / name).stat().st_size for name in NAMES)
    assert sizes[0] + 64 < sizes[1]  # the smallest fits under the limit, the next does not
    out = tmp_path / "reports"
    out.mkdir()
    for name in NAMES:
        (out / name).write_text("the last run's", encoding="utf-8")
    result = _cli("verify", CLAIM, "--out", str(out), fsize=(sizes[0] + sizes[1]) // 2)
    assert result.returncode == 2, result.stderr
    message = _one_line(result.stderr)
    assert "Traceback" not in message and "nothing was written" in message and str(out) in message, message
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == dict.fromkeys(NAMES, "the last run's")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_report_name_linked_to_a_full_device_changes_no_report(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "report.md").write_text("the last run's", encoding="utf-8")
    (out / "report.json").symlink_to("/dev/full")  # written in place (a device), and that write fails
    result = _run("verify", CLAIM, "--out", str(out))
    message = _one_line(result.output)
    assert result.exit_code == 2 and "report.json" in message and "nothing was written" in message, result.output
    assert (out / "report.md").read_text(encoding="utf-8") == "the last run's" and not (out / "report.html").exists()
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]  # no temporary file left


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_an_out_that_is_a_file_is_refused_naming_the_option_before_verifying(tmp_path, where):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me", encoding="utf-8")
    target = blocker if where == "a file" else blocker / "reports"
    result = _run("verify", CLAIM, "--out", str(target))
    message = _one_line(result.output)
    assert result.exit_code == 2 and "Traceback" not in message, result.output
    assert f"{blocker}: field '--out': is a file, not a folder" in message, message
    assert "holds" not in message  # refused before the verdict table is printed
    assert blocker.read_text(encoding="utf-8") == "keep me"


# -- runs remove with no store yet: as with a store that lacks the runs -----------------------------------

def _record(run_id: str, system: str = "MNLI", task: str = "xnli", seed: int = 1):
    from claimcheck.results.records import Metric, RunRecord

    return RunRecord(run_id=run_id, paper_id="2005.13013", system=system, seed=seed, preset="proxy", fidelity="proxy",
                     deviations=["test record"], spec={"target": {"task": task}},
                     metrics=[Metric(task=task, language="en", metric="accuracy", split="dev", value=70.0 + seed)])


def _empty_store(tmp_path: Path) -> Path:
    from claimcheck.results.store import RunStore

    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    return path


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_remove_by_filter_with_no_store_yet_matches_nothing_as_an_empty_store_does(tmp_path, dry_run):
    home = Path(os.environ["CLAIMCHECK_HOME"])
    empty = _run("runs", "remove", "--task", "xnli", "--store", str(_empty_store(tmp_path)), *dry_run)
    none = _run("runs", "remove", "--task", "xnli", *dry_run)
    assert empty.exit_code == none.exit_code == 0, none.output
    assert none.output == empty.output and none.output.startswith("0 runs"), none.output
    assert not (home / "runs.sqlite").exists() and not (home / "removed").exists()  # nothing created


def test_remove_of_a_run_id_with_no_store_yet_is_an_unknown_id_as_in_an_empty_store(tmp_path):
    home = Path(os.environ["CLAIMCHECK_HOME"])
    empty = _run("runs", "remove", "r-0", "--store", str(_empty_store(tmp_path)))
    none = _run("runs", "remove", "r-0")
    assert empty.exit_code == none.exit_code == 2, none.output
    for result in (empty, none):
        assert "field 'run_ids': no stored run has an id starting with 'r-0'" in _one_line(result.output), result.output
    assert "there is no run store" in _one_line(none.output) and str(home / "runs.sqlite") in _one_line(none.output)
    assert not (home / "runs.sqlite").exists()


# -- run ids are matched as written: no SQL wildcards, no case folding -------------------------------------

def _store_of(tmp_path: Path, *ids: str) -> Path:
    from claimcheck.results.store import RunStore

    path = tmp_path / "runs.sqlite"
    with RunStore(path) as s:
        s.save_many([_record(run_id, seed=i + 1) for i, run_id in enumerate(ids)])
    return path


def _stored_ids(path: Path) -> set[str]:
    from claimcheck.results.store import RunStore

    with RunStore(path) as s:
        return {r.run_id for r in s.records()}


@pytest.mark.parametrize("given", ["r_aa01", "R-AA01", "%", "_", "r-a_01", "r%1"])
def test_a_prefix_names_only_the_runs_whose_ids_start_with_it_as_written(tmp_path, given):
    store = _store_of(tmp_path, "r-aa01")
    removed = _run("runs", "remove", given, "--store", str(store), "--backup", str(tmp_path / "b.json"))
    assert removed.exit_code == 2 and "no stored run has an id starting with" in _one_line(removed.output), removed.output
    assert _stored_ids(store) == {"r-aa01"} and not (tmp_path / "b.json").exists()
    shown = _run("runs", "show", given, "--store", str(store), "--no-bundled-results")
    assert shown.exit_code == 2 and "no run in the store" in _one_line(shown.output), shown.output


def test_an_id_holding_sql_wildcards_or_other_scripts_is_found_by_its_own_prefix(tmp_path):
    store = _store_of(tmp_path, "r-50%_x", "r-50ab", "r-ü日本", "../../etc/x")
    for prefix, expected in (("r-50%", "r-50%_x"), ("r-50a", "r-50ab"), ("r-ü", "r-ü日本"), ("../", "../../etc/x")):
        shown = _run("runs", "show", prefix, "--store", str(store), "--no-bundled-results")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["runs"][0]["run_id"] == expected
    removed = _run("runs", "remove", "r-50%", "--store", str(store), "--backup", str(tmp_path / "b.json"))
    assert removed.exit_code == 0 and "1 runs removed" in _one_line(removed.output), removed.output
    assert _stored_ids(store) == {"r-50ab", "r-ü日本", "../../etc/x"}


# -- a --store that is no run store is refused, and left as it was -----------------------------------------

def _export_one(tmp_path: Path) -> Path:
    from claimcheck.results.backup import save_records_json

    path = tmp_path / "one.json"
    save_records_json([_record("r-cc01")], path)
    return path


def _sqlite_file(path: Path, *statements: str) -> bytes:
    import sqlite3

    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("statements, message", [
    (("CREATE TABLE bookmarks (url TEXT)", "INSERT INTO bookmarks VALUES ('https://example.org')"),
     "not a run store: a SQLite database without a runs table (it has bookmarks)"),
    (("CREATE TABLE runs (x TEXT)",), "not a run store: its runs table has no column"),
])
def test_another_sqlite_database_given_as_the_store_is_refused_and_left_unchanged(tmp_path, statements, message):
    other = tmp_path / "places.sqlite"
    before = _sqlite_file(other, *statements)
    for args in (("runs", "list"), ("runs", "export"), ("runs", "remove", "--task", "xnli"), ("verify", CLAIM, "--no-write"),
                 ("runs", "import", str(_export_one(tmp_path)))):
        result = _run(*args, "--store", str(other))
        assert result.exit_code == 2 and message in _one_line(result.output) and str(other) in _one_line(result.output), \
            (args, result.output)
        assert other.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["one.json", "places.sqlite"]


def test_a_store_path_through_a_file_or_at_a_folder_says_so(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me", encoding="utf-8")
    one = str(_export_one(tmp_path))
    under = _run("runs", "import", one, "--store", str(blocker / "runs.sqlite"))
    assert under.exit_code == 2 and f"{blocker} is a file, not a folder" in _one_line(under.output), under.output
    folder = _run("runs", "import", one, "--store", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder, not a run store" in _one_line(folder.output), folder.output
    assert blocker.read_text(encoding="utf-8") == "keep me"


# -- verify --out never replaces a file it read; claimcheck's own report in a --results folder is no input ----

def _runs_file_named_report(tmp_path: Path) -> Path:
    folder = tmp_path / "rd"
    folder.mkdir()
    from claimcheck.results.backup import save_records_json

    save_records_json([_record("r-cc01")], folder / "report.json")
    return folder


@pytest.mark.parametrize("results", ["the file", "its folder"])
def test_verify_refuses_an_out_whose_report_json_is_a_result_file_it_read(tmp_path, results):
    folder = _runs_file_named_report(tmp_path)
    before = (folder / "report.json").read_bytes()
    given = folder / "report.json" if results == "the file" else folder
    result = _run("verify", CLAIM, "--results", str(given), "--out", str(folder))
    message = _one_line(result.output)
    assert result.exit_code == 2 and "field '--out': is a file this command reads" in message, result.output
    assert str(folder / "report.json") in message
    assert (folder / "report.json").read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["report.json"]


@pytest.mark.parametrize("command", ["verify", "report"])
def test_a_report_written_into_the_results_folder_is_replaced_by_the_next_run(tmp_path, command):
    folder = tmp_path / "rd"
    folder.mkdir()
    from claimcheck.results.backup import save_records_json

    save_records_json([_record("r-cc01")], folder / "runs.json")
    args = (["verify", CLAIM, "--out", str(folder)] if command == "verify" else
            ["report", CLAIM, "--format", "json", "--out", str(folder / "report.json")])
    for _ in range(2):  # the second run finds the first one's report.json among the results, and passes it over
        result = _run(*args, "--results", str(folder))
        assert result.exit_code == 0, result.output
    assert json.loads((folder / "report.json").read_text(encoding="utf-8"))["claims"][0]["claim_id"] == CLAIM
    assert json.loads((folder / "runs.json").read_text(encoding="utf-8"))["runs"][0]["run_id"] == "r-cc01"


# -- replicate --device is checked before anything is started ---------------------------------------------

@pytest.mark.parametrize("device", ["bogus", "cudax", "cuda:", "CPU", "gpu"])
def test_an_unknown_device_is_refused_naming_the_option_before_the_store_is_made(tmp_path, device):
    store = tmp_path / "runs.sqlite"
    result = _run("replicate", CLAIM, "--device", device, "--store", str(store))
    message = _one_line(result.output)
    assert result.exit_code == 2 and f"field '--device': unknown device {device!r}" in message, result.output
    assert not store.exists()


# -- a stored record that no longer validates is named ----------------------------------------------------

@pytest.mark.parametrize("path, value, where", [("$.fidelity", "'bogus'", "field 'fidelity': "),
                                                ("$.metrics[0].value", "'high'", "field 'metrics[0].value': "),
                                                ("$.schema_version", "99", "")])  # the last: the whole record's rule
def test_a_stored_record_that_does_not_validate_is_named_with_its_field(tmp_path, path, value, where):
    import sqlite3

    store = _store_of(tmp_path, "r-aa01", "r-bb02")
    db = sqlite3.connect(store)
    db.execute(f"UPDATE runs SET record = json_set(record, '{path}', {value}) WHERE run_id = 'r-bb02'")
    db.commit()
    db.close()
    for args in (("runs", "list"), ("runs", "export"), ("verify", CLAIM, "--no-write")):
        result = _run(*args, "--store", str(store))
        message = _one_line(result.output)
        assert result.exit_code == 2 and "Traceback" not in message, result.output
        assert f"{store}: {where}stored run 'r-bb02' does not validate: " in message, message

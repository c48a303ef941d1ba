"""`claimcheck audit` driven as a user would: folders holding more than reports, odd tables, odd
paths for --out. Each test builds its own input in tmp_path; exit 2 means a one-line message naming
the file, never a traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from audit_fixtures import ROW_MULTITASK, ROW_XTREME, make_report

from claimcheck.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def labels(res) -> list[str]:
    return [card["report"]["label"] for card in json.loads(res.stdout)["scorecards"]]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_folder_audited_twice_into_itself_does_not_audit_its_own_scorecards(tmp_path):
    """`audit reports --out reports` writes a scorecard per report beside it; the next run audited
    those as reports (each .md scorecard read as a synthesis with junk rows), and an --all-in-one
    --out reports/audit.md was refused on the second run as a file the command reads."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / "b.txt").write_text(make_report(markdown=False), encoding="utf-8")
    for fmt in ("md", "terminal"):
        assert run(folder, "--format", fmt, "--out", folder).exit_code == 0
    assert run(folder, "--all-in-one", "--format", "md", "--out", folder / "audit.md").exit_code == 0
    for _ in range(2):
        res = run(folder, "--all-in-one", "--format", "md", "--out", folder / "audit.md")
        assert res.exit_code == 0, res.output
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    assert [label.rsplit("/", 1)[-1] for label in labels(res)] == ["a.md", "b.txt"]
    # named as such, a scorecard is refused, naming it; the report beside it is audited
    res = run(folder / "audit.md", folder / "a.md", "--format", "json")
    assert res.exit_code == 2
    assert "audit.md: a scorecard `claimcheck audit` wrote, not a synthesis report" in flat(res.stderr)
    assert "Traceback" not in res.output and len(labels(res)) == 1


def test_a_folder_passes_over_hidden_entries_and_follows_a_linked_folder_once(tmp_path):
    """Hidden files and folders (Jupyter's .ipynb_checkpoints copies, .git) were audited as reports,
    doubling a report in the scorecards and the aggregate; a linked folder of reports was left out
    without a word. A link back up (a loop) adds nothing and does not hang."""
    folder = tmp_path / "reports"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / ".ipynb_checkpoints" / "a-checkpoint.md").write_text(make_report(), encoding="utf-8")
    (folder / ".draft.md").write_text(make_report(), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.txt").write_text(make_report(markdown=False), encoding="utf-8")
    (folder / "more").symlink_to(elsewhere, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "again").symlink_to(elsewhere, target_is_directory=True)
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    found = [label[len(str(folder)) + 1:] for label in labels(res)]
    assert found == ["a.md", "again/c.txt"]  # of two links to one folder, the first by name
    # a hidden file or folder named as an input is read
    res = run(folder / ".draft.md", "--format", "json")
    assert res.exit_code == 0 and len(labels(res)) == 1


def test_a_missing_path_or_an_empty_folder_among_the_inputs_does_not_stop_the_others(tmp_path):
    """An empty file among the inputs is named and the rest audited (exit 2); a path that names nothing
    or a folder without reports stopped the whole command before any report was audited."""
    good = tmp_path / "good.md"
    good.write_text(make_report(), encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run(empty, good, tmp_path / "typo.md", "--format", "json")
    assert res.exit_code == 2
    assert labels(res) == [str(good)]
    stderr = flat(res.stderr)
    assert f"{empty}: no report files" in stderr and f"{tmp_path / 'typo.md'}: no such report file or folder" in stderr
    assert "Traceback" not in res.output
    res = run(tmp_path / "typo.md")  # alone: exit 2, named
    assert res.exit_code == 2 and "typo.md: no such report file or folder" in flat(res.stderr) and not res.stdout
    # --out is still checked against the inputs that exist
    res = run(good, tmp_path / "typo.md", "--out", good)
    assert res.exit_code == 2 and "is a file this command reads" in flat(res.stderr)
    assert good.read_text(encoding="utf-8") == make_report()

"""`claimcheck audit` edges: what a folder scan passes over is carried in the audit itself (every
format, not only a stderr note), and the research-question finding names rows as the row findings do.
Each test builds its own input in tmp_path."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from audit_fixtures import ROW_MULTITASK, ROW_SOTA, ROW_XTREME, make_report

from claimcheck.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.split())


def pipe_report(rows: list[str], header: str, separator: str) -> str:
    return make_report([(r, "", "") for r in rows], header=f"{header}\n{separator}", row_format=lambda r: r[0])


def test_the_question_finding_names_a_row_by_the_tables_own_number_too(tmp_path):
    """Row findings say "row 2 (its #7)" where the claims table numbers its rows 1, 7, 3; the
    research-question finding said "(row 2)" only, naming a row the reader cannot find by that number."""
    rows = [f"| 1 | {ROW_XTREME} | ✓ | 0.9 |", f"| 7 | {ROW_MULTITASK} | ✓ | 0.3 |", f"| 3 | {ROW_SOTA} | ✓ | 0.9 |"]
    path = tmp_path / "own.md"
    path.write_text(pipe_report(rows, "| # | Claim | Verified | Confidence |", "|---|---|---|---|"), encoding="utf-8")
    res = run(path, "--format", "json")
    card = json.loads(res.stdout)["scorecards"][0]
    facets = {f["key"]: f["rows"] for f in card["question"]["facets"]}
    assert facets["multi-task"] == [2]  # the JSON keeps positions
    message = card["question"]["message"]
    assert "multi-task vs single-task intermediate training (row 2 (its #7))" in message, message
    partly = [f for f in card["findings"] if f["code"] == "question_partly_addressed"]
    assert [f["message"] for f in partly] == [message]  # no listed claim touches XTREME-R
    # a table numbered by position: as before
    plain = tmp_path / "plain.md"
    plain.write_text(pipe_report(rows[:1] + [f"| 2 | {ROW_MULTITASK} | ✓ | 0.3 |"], "| # | Claim | Verified | Confidence |",
                                 "|---|---|---|---|"), encoding="utf-8")
    card = json.loads(run(plain, "--format", "json").stdout)["scorecards"][0]
    assert "(row 2)" in card["question"]["message"] and "its #" not in card["question"]["message"]


README = "# reports\n\nThe syntheses we collected in June.\n\n## Usage\n\n    claimcheck audit .\n"


def _folder(tmp_path):
    """A folder of one report, beside it a README, an earlier scorecard, a hidden draft, Jupyter's
    checkpoint copy and a .git folder (which holds no report: not named)."""
    folder = tmp_path / "reports"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / ".ipynb_checkpoints" / "a-checkpoint.md").write_text(make_report(), encoding="utf-8")
    (folder / ".draft.md").write_text(make_report(), encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    old = run(folder / "a.md", "--format", "md", "--out", folder / "old.md")
    assert old.exit_code == 0, old.output
    return folder


PASSED = {".draft.md": "hidden: its name starts with '.'",
          ".ipynb_checkpoints": "a hidden folder: the report files in it are not read",
          "README.md": "shows no part of a synthesis report",
          "old.md": "a scorecard `claimcheck audit` wrote"}


def test_what_a_folder_scan_passes_over_is_in_every_format_of_the_audit(tmp_path):
    """The files `audit DIR` passed over were named on stderr only (a README) or not at all (a scorecard,
    a hidden file): an audit written with --out did not say what it left out. The result carries them
    (``passed_over``: path and reason) and each format shows them once, as it shows the problems."""
    folder = _folder(tmp_path)
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [c["report"]["label"].rsplit("/", 1)[-1] for c in data["scorecards"]] == ["a.md"]
    assert {p["path"].rsplit("/", 1)[-1]: p["reason"] for p in data["passed_over"]} == PASSED
    assert data["problems"] == []
    notes = [line for line in res.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and all(name in notes[0] for name in PASSED), res.stderr
    assert "no claims table" in notes[0]  # why a README is passed over, spelled out

    for fmt in ("md", "html", "terminal"):
        out = tmp_path / f"audit.{fmt}"
        res = run(folder, "--all-in-one", "--format", fmt, "--out", out)
        assert res.exit_code == 0, res.output
        text = out.read_text(encoding="utf-8")
        if fmt == "md":
            assert "Passed over, not audited:" in text and "- README.md: shows no part of a synthesis report" in text
            assert "- old.md: a scorecard \\`claimcheck audit\\` wrote" in text
        elif fmt == "html":
            assert "<p>Passed over, not audited:</p><ul>" in text and "<li>README.md: shows no part of a synthesis report</li>" in text
        else:
            line = text.splitlines()[0]
            assert line.startswith("passed over, not audited: 4 file(s): "), line
            assert "README.md (shows no part of a synthesis report)" in line and "old.md (a scorecard" in line
        assert all((name.replace("_", "\\_") if fmt == "md" else name) in text for name in PASSED)
        assert text.count("a hidden folder") == 1

    # one scorecard per report (--out DIR): each card stands alone, as with the problems
    cards = tmp_path / "cards"
    res = run(folder, folder / "README.md", "--format", "json", "--out", cards)
    assert res.exit_code == 0, res.output
    for card in cards.iterdir():
        assert "passed_over" not in json.loads(card.read_text(encoding="utf-8"))


def test_a_file_named_itself_is_not_said_to_be_passed_over_and_nothing_passed_over_adds_no_field(tmp_path):
    """A hidden draft or a README named on the command line is audited, so it is not listed as passed
    over; an audit that passed nothing over has no ``passed_over`` in its JSON (as before the field)."""
    folder = _folder(tmp_path)
    res = run(folder, folder / ".draft.md", folder / "README.md", "--format", "json")
    data = json.loads(res.stdout)
    assert sorted(c["report"]["label"].rsplit("/", 1)[-1] for c in data["scorecards"]) == [".draft.md", "README.md", "a.md"]
    assert sorted(p["path"].rsplit("/", 1)[-1] for p in data["passed_over"]) == [".ipynb_checkpoints", "old.md"]
    # the folder given twice names each once
    data = json.loads(run(folder, folder, "--format", "json").stdout)
    assert len(data["passed_over"]) == len(PASSED)
    alone = json.loads(run(folder / "a.md", "--format", "json").stdout)
    assert "passed_over" not in alone
    md = run(folder / "a.md", "--format", "md").stdout
    assert "Passed over" not in md and "passed over" not in run(folder / "a.md").stdout


def test_the_file_standard_output_goes_to_is_named_as_passed_over_in_it(tmp_path):
    """`audit reports --format md > reports/audit.md`: the scorecard written there says it passed its
    own file over, and why."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import claimcheck

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(claimcheck.__file__).parents[1]), "CLAIMCHECK_HOME": str(tmp_path)}
    with (folder / "audit.md").open("w") as out:
        done = subprocess.run([sys.executable, "-m", "claimcheck", "audit", str(folder), "--all-in-one", "--format", "md"],
                              stdout=out, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    text = (folder / "audit.md").read_text(encoding="utf-8")
    assert "- audit.md: this command's standard output" in text
    assert "audit.md (this command's standard output)" in flat(done.stderr)


def _on_a_terminal(args: list[str], env: dict[str, str], *, stderr_to=None) -> tuple[int, str]:
    """Run claimcheck with standard output (and standard error, unless ``stderr_to`` names a file) on a
    pseudo-terminal, as a user at a screen runs it; (exit code, what the screen showed)."""
    import errno
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    try:
        err = stderr_to.open("w") if stderr_to is not None else slave
        try:
            proc = subprocess.Popen([sys.executable, "-m", "claimcheck", *args], stdin=subprocess.DEVNULL,
                                    stdout=slave, stderr=err, env=env)
        finally:
            if stderr_to is not None:
                err.close()
        os.close(slave)
        slave = -1
        shown = bytearray()
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            shown += chunk
        return proc.wait(timeout=120), shown.decode("utf-8", "replace").replace("\r\n", "\n")
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)


def test_a_terminal_shows_what_was_passed_over_once(tmp_path):
    """`audit DIR` at a terminal printed the passed-over files twice: as the `note:` on stderr and again
    as the first line of the terminal scorecards on stdout, both on the same screen. The screen shows
    the note alone; with either stream redirected, each keeps its line (a file of terminal scorecards
    names what was passed over, as one written with --out does), and the other formats are unchanged."""
    import os
    from pathlib import Path

    import claimcheck

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(claimcheck.__file__).parents[1]), "CLAIMCHECK_HOME": str(tmp_path / "home"),
           "COLUMNS": "200", "TERM": "dumb"}
    code, shown = _on_a_terminal(["audit", str(folder)], env)
    assert code == 0, shown
    assert shown.count("passed over, not audited") == 1 and "README.md" in shown, shown
    assert "note: passed over, not audited: 1 file(s): " in flat(shown) and "scorecard: a.md" in shown
    # standard error elsewhere: the screen's scorecards keep the line, and the note goes to its file
    code, shown = _on_a_terminal(["audit", str(folder)], env, stderr_to=tmp_path / "err.txt")
    assert code == 0 and shown.count("passed over, not audited") == 1, shown
    assert shown.lstrip().startswith("passed over, not audited: 1 file(s): README.md"), shown
    assert "note: passed over, not audited" in (tmp_path / "err.txt").read_text(encoding="utf-8")
    # standard output redirected (here: captured): the scorecards keep the line, the note is on stderr
    res = run(folder)
    assert res.stdout.startswith("passed over, not audited: 1 file(s): README.md") and "note: passed over" in res.stderr
    # the documents are as they were: the list in Markdown and HTML, the field in JSON
    assert "Passed over, not audited:" in run(folder, "--format", "md").stdout
    assert "<p>Passed over, not audited:</p>" in run(folder, "--format", "html").stdout
    assert [p["reason"] for p in json.loads(run(folder, "--format", "json").stdout)["passed_over"]] == [PASSED["README.md"]]

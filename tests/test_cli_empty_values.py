"""An empty path or id given explicitly is bad input: `--out ""` would be the current folder
(typer and pathlib read Path("") as Path(".")), `--id ""` or `--paper ""` would read as not given.
Each is refused with one line naming the option, exit 2, before anything is read or written; the
typer-free door of `verify` says the same as typer's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import PAPER

SRC = str(Path(__file__).resolve().parent.parent / "src")


EMPTY = [
    (["list", "-r", ""], "--registry"),
    (["validate", ""], "a path to validate"),
    (["validate", "claims", "--registry", ""], "--registry"),
    (["verify", "all", "--out", ""], "--out"),
    (["verify", "all", "--no-write", "-r", "claims", "-r", ""], "--registry"),
    (["verify", "all", "--no-write", "--store", ""], "--store"),
    (["verify", "all", "--no-write", "--results", ""], "--results"),
    (["report", "--results", ""], "--results"),
    (["audit", ""], "a report path"),
    (["audit", "notes.txt", "--out", ""], "--out"),
    (["audit", "notes.txt", "--results", ""], "--results"),
    (["audit", "notes.txt", "--store", ""], "--store"),
    (["show", "1234.5678/gain", "-r", "claims", "--store", ""], "--store"),
    (["report", "--out", ""], "--out"),
    (["report", "-o", ""], "--out"),
    (["plan", "all", "--data-dir", ""], "--data-dir"),
    (["plan", "all", "--model", ""], "--model"),
    (["plan", "all", "--store", ""], "--store"),
    (["runs", "list", "--paper", ""], "--paper"),
    (["runs", "export", "--out", ""], "--out"),
    (["runs", "export", "--paper", ""], "--paper"),
    (["runs", "import", ""], "a file to import"),
    (["runs", "show", ""], "the run id"),
    (["runs", "remove", "", "--dry-run"], "a run id"),
    (["runs", "remove", "--task", "xnli", "--backup", ""], "--backup"),
    (["add", "--text", ""], "--text"),
    (["add", "--pdf", ""], "--pdf"),
    (["add", "--tex", ""], "--tex"),
    (["add", "--text", "notes.txt", "--id", ""], "--id"),
    (["add", "--text", "notes.txt", "--out", ""], "--out"),
    (["add", "--text", "notes.txt", "-r", ""], "--registry"),
    (["add", ""], "the source"),
]  # fmt: skip


@pytest.mark.parametrize("args, named", EMPTY, ids=[" ".join(a or '""' for a in args) for args, _ in EMPTY])
def test_an_empty_path_or_id_is_refused_naming_the_option(tmp_path, monkeypatch, args, named):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
    said = " ".join(result.output.split())
    assert said.startswith(f"error: {named} is empty: ") and "Usage" not in said and "Traceback" not in said, said
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before  # nothing written, no store made


@pytest.mark.parametrize("args", [
    ["verify", "all", "--out", ""],
    ["verify", "all", "--no-write", "-r", ""],
    ["verify", "1234.5678/gain", "--store", "", "-r", "claims"],
    ["verify", "all", "--no-write", "--results", ""],
])
def test_both_doors_of_verify_refuse_it_alike(tmp_path, args):
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    seen = []
    for code in ("from claimcheck.cli import main; main()", "from claimcheck.cli import app; app()"):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(tmp_path / "home"), "COLUMNS": "120"})
        seen.append((done.returncode, done.stdout, done.stderr))
    assert seen[0] == seen[1]
    code, stdout, stderr = seen[0]
    assert code == 2 and stdout == "" and stderr.startswith("error: --") and " is empty: " in stderr, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims"]  # no report folder, no store


def test_add_as_a_library_call_refuses_an_empty_id_too(tmp_path):
    """``AddRequest(paper_id="")`` is an id given empty, not a missing one (it fell back to the file name)."""
    from claimcheck.errors import InputError
    from claimcheck.workflow_add import AddRequest, add_paper

    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    with pytest.raises(InputError, match="paper id '' must be") as exc:
        add_paper(AddRequest(text=text, paper_id="", registry=tmp_path / "claims"))
    assert exc.value.field == "--id" and not (tmp_path / "claims").exists()

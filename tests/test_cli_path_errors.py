"""A path the file system refuses (a name too long, here) is bad input on every command: one line
naming it, exit 2, no traceback, on both doors of `verify`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app

SRC = str(Path(__file__).resolve().parent.parent / "src")
LONG = "a" * 300  # longer than a file name may be (255 bytes on common file systems)


@pytest.mark.parametrize("args", [
    ["validate", f"{LONG}.yaml"],
    ["verify", "all", "--no-write", "-r", LONG],
    ["verify", "all", "--no-write", "--results", f"{LONG}.json"],
    ["report", "--results", f"{LONG}.json"],
    ["audit", f"{LONG}.txt"],
    ["runs", "import", f"{LONG}.json"],
    ["runs", "list", "--store", LONG],
    ["add", "--text", f"{LONG}.txt"],
], ids=lambda a: " ".join(a[:2]))  # fmt: skip
def test_a_name_too_long_is_bad_input(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
    assert "Traceback" not in result.output and LONG in "".join(result.output.split()), result.output


def test_the_fast_door_of_verify_says_the_same(tmp_path):
    code = "from claimcheck.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "verify", "all", "--no-write", "-r", LONG], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(tmp_path)})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "File name too long" in done.stderr and LONG in "".join(done.stderr.split())

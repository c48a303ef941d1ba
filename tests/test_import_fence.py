"""`import claimcheck.cli` (and so `claimcheck verify all`) must not load the heavy ML stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import claimcheck

HEAVY = ("torch", "transformers", "datasets", "arxiv", "ray", "pypdf")


def test_cli_import_leaves_heavy_packages_out():
    code = "import sys, claimcheck.cli; print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_verify_all_leaves_heavy_packages_out(tmp_path):
    code = (
        "import sys\n"
        "from claimcheck.workflow import verify_from_disk\n"
        "verify_from_disk()\n"
        "print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    )
    here = str(Path(claimcheck.__file__).parents[1])  # the code under test, not whatever is installed
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"CLAIMCHECK_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": here}).stdout.strip()
    assert out == ""


def test_validate_leaves_heavy_packages_out():
    """`validate` checks names against the replication presets and task catalogue: those are data, and
    reading them must not load the training stack."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from claimcheck.cli import app\n"
        "result = CliRunner().invoke(app, ['validate'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'claimcheck.replication.presets' in sys.modules\n"
        "print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_cli_modules_keep_real_annotations():
    """typer evaluates every command's string annotations (twice) on every call of the CLI; the cli
    modules keep real ones (cli/__init__.py explains the ~40 ms)."""
    cli_dir = Path(claimcheck.__file__).parent / "cli"
    offenders = [p.name for p in sorted(cli_dir.glob("*.py"))
                 if "\nfrom __future__ import annotations" in p.read_text()]
    assert offenders == []

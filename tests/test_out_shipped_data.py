"""`--out` inside claimcheck's shipped data (the bundled results and claim files, the bibliography) is
refused with exit 2, naming the path and the option, before any work and with nothing written:
`runs export`, `report`, `audit` and `verify` (cli.plain.not_shipped_data). The one exception is the
bundled proxy report, which `claimcheck report` generated and the bundled README's command regenerates.

Each test puts back whatever a write it should have refused changed, so a regression cannot leave the
checkout's shipped data altered."""

from __future__ import annotations

import contextlib
from pathlib import Path

from typer.testing import CliRunner

from claimcheck.claims.registry import BUNDLED_PAPERS
from claimcheck.cli import app
from claimcheck.sources.bibliography import BUNDLED_BIBLIOGRAPHY


def _run(tmp_path: Path, *args) -> object:
    """The command with an empty home (no store of the user's is read)."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "CLAIMCHECK_HOME": str(tmp_path / "home")})


@contextlib.contextmanager
def _kept(*folders: Path):
    """Every file under ``folders`` as it was, before and after: put back (and what was added
    removed) if the command under test wrote there."""
    before = {p: p.read_bytes() for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()}
    try:
        yield
    finally:
        after = {p for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()}
        for path in sorted(after - set(before), reverse=True):
            path.unlink()
        for path, data in before.items():
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
        for f in folders:  # folders a refused write would have made
            for d in sorted((d for d in f.rglob("*") if d.is_dir() and d.name != "__pycache__"), reverse=True):
                with contextlib.suppress(OSError):
                    d.rmdir()
    assert {p: p.read_bytes() for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()} == before, \
        "the command wrote into claimcheck's shipped data"


def _refused(result, out: str, option: str = "--out") -> None:
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert "Traceback" not in message and f"field '{option}'" in message and "shipped data" in message, message
    assert out in message and "nothing was written" in message, message
    assert len(result.output.strip().splitlines()) == 1, result.output  # no table, no "written:" before it


# -- runs export: the claim files and the bibliography too, not only the bundled results ---------------

def test_runs_export_refuses_the_bundled_claim_files_and_the_bibliography(tmp_path):
    link = tmp_path / "papers"
    link.symlink_to(BUNDLED_PAPERS, target_is_directory=True)
    outs = [BUNDLED_PAPERS / "claimcheck-test-runs.json", BUNDLED_PAPERS / "2005.13013.yaml.parsed.json",
            link / "claimcheck-test-linked.json", BUNDLED_BIBLIOGRAPHY]
    with _kept(BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for out in outs:
            _refused(_run(tmp_path, "runs", "export", "--out", out), str(out))

"""scripts/proxy_matrix.py: `pack` copies exactly what the proxy preset reads; `run` replicates into a
store that survives between calls and exports the finished runs as an importable file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import replication_fixtures
from replication_fixtures import SHARED
from script_modules import load_script

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "proxy_matrix.py"


def _module():
    return load_script("scripts/proxy_matrix.py")


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600)


def test_data_files_are_those_of_every_arm_and_target():
    files = _module().data_files()
    for expected in ("xnli/dev-en.tsv.xz", "anli", "siqa", "tydiqa/train-en", "tydiqa/train-ko", "tatoeba", "bucc2018",
                     "udpos", "panx", "xquad", "mlqa"):
        assert any(f.startswith(expected) for f in files), expected


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="needs ../shared/data")
def test_every_needed_file_is_in_the_shared_kit():
    assert [f for f in _module().data_files() if not (SHARED / "data" / f).is_file()] == []


def _fake_shared(root: Path, files: list[str], skip: str | None = None) -> Path:
    for rel in files:
        if rel != skip:
            (root / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "data" / rel).write_bytes(b"x" * 10)
    (root / "models" / "me5-small-q4").mkdir(parents=True)
    (root / "models" / "me5-small-q4" / "weights.bin").write_bytes(b"w" * 1000)
    (root / "tools").mkdir()
    (root / "tools" / "unpack_model.py").write_text("print('unpack')\n")
    return root


def test_pack_copies_the_pack_the_tool_and_only_the_needed_data(tmp_path):
    files = _module().data_files()
    shared = _fake_shared(tmp_path / "shared", files)
    (shared / "data" / "unused.txt").write_text("not needed")
    result = _script("pack", "--shared", str(shared), "--carry", str(tmp_path / "carry"))
    assert result.returncode == 0, result.stderr
    carry = tmp_path / "carry"
    copied = sorted(str(p.relative_to(carry / "data")) for p in (carry / "data").rglob("*") if p.is_file())
    assert copied == files
    assert (carry / "me5-small-q4" / "weights.bin").stat().st_size == 1000 and (carry / "unpack_model.py").is_file()
    assert f"packed {len(files)} data files" in result.stdout


def test_pack_names_a_missing_data_file_and_exits_2(tmp_path):
    files = _module().data_files()
    shared = _fake_shared(tmp_path / "shared", files, skip=files[3])
    result = _script("pack", "--shared", str(shared), "--carry", str(tmp_path / "carry"))
    assert result.returncode == 2 and "data files missing" in result.stderr and files[3] in result.stderr
    assert "Traceback" not in result.stderr


def test_run_replicates_resumes_and_exports_importable_runs(tmp_path, smoke_kit):
    data, model = smoke_kit
    common = ["run", "--preset", "smoke", "--device", "cpu", "--seeds", "1", "--model", str(model), "--data-dir", str(data),
              "--work", str(tmp_path / "work"), "--system", "XLM-R", "--task", "xnli"]
    first = _script(*common, "--out", str(tmp_path / "out1"))
    assert first.returncode == 0, first.stdout + first.stderr
    runs = json.loads((tmp_path / "out1" / "proxy-runs.json").read_text())["runs"]
    assert [(r["system"], r["spec"]["target"]["task"], r["status"]) for r in runs] == [("XLM-R", "xnli", "ok")]
    again = _script(*common, "--out", str(tmp_path / "out2"))  # the store survives: nothing runs twice
    assert again.returncode == 0 and "0 runs executed" in again.stdout
    from typer.testing import CliRunner

    from claimcheck.cli import app

    imported = CliRunner().invoke(app, ["runs", "import", str(tmp_path / "out2" / "proxy-runs.json"),
                                        "--store", str(tmp_path / "here.sqlite")])
    assert imported.exit_code == 0, imported.output
    listed = CliRunner().invoke(app, ["runs", "list", "--store", str(tmp_path / "here.sqlite")])
    assert runs[0]["run_id"] in listed.output

"""`plan` and `replicate` show text from a claim file or a crashed run's error by ``visible``: a bidi mark
or an escape sequence reaches the terminal as its escape (``\\u200f``, ``\\x1b``), never as itself."""

from __future__ import annotations

import json
import shutil

import replication_fixtures
from paper_fixtures import PAPER
from typer.testing import CliRunner

from claimcheck.cli import app

smoke_kit = replication_fixtures.smoke_kit  # the fixture, by its name

RAW = ("\x1b", "\u200f", "\u2028", "\u061c")  # what must never reach the terminal as itself


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_plan_shows_a_bidi_mark_from_a_claim_file_as_its_escape(tmp_path):
    # the claim registry refuses C0/C1 controls and bidi embeddings but takes the bidi marks
    claims = tmp_path / "claims.yaml"
    claims.write_text(PAPER.replace("system: B,", 'system: "B\\u200f",')
                      .replace("    reported:", '    replication_arms: ["B\\u200f"]\n    reported:'), encoding="utf-8")
    result, text = _invoke("plan", "1234.5678", "-r", str(claims), "--store", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 0, text
    flat = text.replace("\n", "")
    assert "B\\u200f" in flat and "has no arm" in flat, text
    assert not any(c in text for c in RAW), ascii(text)


def test_replicate_shows_a_crashed_runs_error_as_escapes(tmp_path, smoke_kit):
    data, model = smoke_kit
    broken = tmp_path / "model"
    shutil.copytree(model, broken)
    config = json.loads((broken / "config.json").read_text())
    # a dtype torch does not have: loading the encoder crashes with AttributeError("module 'torch' has no
    # attribute '...'"), the name as written (not its repr): not bad input, so the run is stored as failed
    config["dtype"] = "x\u200f\x1b[2J\x1b]0;title\x07y"
    (broken / "config.json").write_text(json.dumps(config))
    store = tmp_path / "s.sqlite"
    result, text = _invoke("replicate", "2005.13013/tydiqa-up-xnli-flat", "--preset", "smoke", "--seeds", "1",
                           "--system", "XLM-R", "--task", "xnli", "--model", str(broken), "--data-dir", str(data),
                           "--device", "cpu", "--store", str(store))
    assert result.exit_code == 1, text
    assert "1 failed" in text, text
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert failed, text
    assert "AttributeError" in " ".join(failed) and "x\\u200f\\x1b[2J\\x1b]0;title\\x07y" in "".join(failed), ascii(text)
    assert not any(c in text for c in (*RAW, "\x07")), ascii(text)
    result, text = _invoke("runs", "list", "--store", str(store), "--status", "failed")
    assert result.exit_code == 0 and "1 run" in text, text  # the failure is stored, as it was written

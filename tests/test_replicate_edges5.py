"""`plan` and `replicate` as a user drives them: the edges found in a bug hunt (model folders,
interrupts, ...). Each test builds its inputs in tmp_path; runs use the smoke kit's tiny models."""

from __future__ import annotations

import pytest
import replication_fixtures
from typer.testing import CliRunner

from claimcheck.cli import app

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

CLAIM = "2005.13013/tydiqa-up-xnli-flat"
ONE_RUN = [CLAIM, "--seeds", "1", "--system", "XLM-R", "--task", "xnli"]


def _invoke(*args: str, env: dict | None = None):
    result = CliRunner().invoke(app, list(args), env=env)
    return result, " ".join(result.output.split())  # stdout and stderr, as a terminal shows them


def _one_error_line(result, text: str, *words: str) -> None:
    assert result.exit_code == 2, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    assert "Traceback" not in text and text.startswith("error:") and text.count("error:") == 1, text
    for w in words:
        assert w in text, (w, text)


def test_a_model_that_is_no_model_folder_is_refused_by_plan_and_replicate(tmp_path, smoke_kit):
    data, model = smoke_kit
    store = tmp_path / "runs.sqlite"
    env = {"CLAIMCHECK_HOME": str(tmp_path / "home")}
    a_file = model / "config.json"
    no_config = tmp_path / "not-a-model"
    no_config.mkdir()
    (no_config / "notes.txt").write_text("weights elsewhere")
    missing = tmp_path / "nowhere" / "me5"
    for preset, where in (("smoke", []), ("proxy", ["--data-dir", str(data)]), ("paper", [])):
        for bad, words in ((a_file, ("is a file", "config.json")), (no_config, ("no config.json",)),
                           (missing, ("no such model directory",))):
            result, text = _invoke("plan", *ONE_RUN, "--preset", preset, "--model", str(bad), "--store", str(store), env=env)
            _one_error_line(result, text, "--model", bad.name, *words)
            result, text = _invoke("replicate", *ONE_RUN, "--preset", preset, "--model", str(bad), *where,
                                   "--store", str(store), "--device", "cpu", env=env)
            _one_error_line(result, text, "--model", bad.name, *words)
    assert not store.exists()  # refused before the store was made
    # a hub id is still taken as one by plan (no network: plan reads nothing from the hub)
    result, text = _invoke("plan", *ONE_RUN, "--preset", "paper", "--model", "FacebookAI/xlm-roberta-base",
                           "--store", str(store), env=env)
    assert result.exit_code == 0 and "1 runs (1 to run" in text, text


def test_ctrl_c_midway_says_what_is_stored(tmp_path, smoke_kit):
    """SIGINT after the first run is stored: exit 130, one line saying how many runs are kept (no
    traceback; before, nothing was said at all), every stored run complete, the rest still to do."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time
    from pathlib import Path

    data, model = smoke_kit
    store = tmp_path / "runs.sqlite"
    args = [CLAIM, "--preset", "smoke", "--seeds", "3", "--system", "XLM-R", "--task", "xnli", "--model", str(model),
            "--data-dir", str(data), "--device", "cpu", "--store", str(store)]
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "CLAIMCHECK_HOME": str(tmp_path / "home"), "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "claimcheck", "replicate", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal's Ctrl-C

    def stored() -> int:
        if not store.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                return db.execute("SELECT count(*) FROM runs WHERE status = 'ok'").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 60
    while stored() < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, errtext = proc.communicate(timeout=60)
    kept = stored()
    assert proc.returncode == 130, (out, errtext)
    assert 1 <= kept < 3, kept
    said = " ".join(errtext.split())
    assert "Traceback" not in said and f"interrupted: {kept} of the 3 runs to do are in the store" in said, said
    assert "resumes" in said

    # every stored run is whole and valid, and the same request plans only the rest (the resume itself:
    # test_replication_resume.py)
    from claimcheck.results.store import open_store

    with open_store(store, readonly=True) as opened:
        assert len(opened.records(status="ok")) == kept and not opened.failed_ids()
    plan_args = [a for a in args if a not in ("--device", "cpu")]
    result, text = _invoke("plan", *plan_args, env={"CLAIMCHECK_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0 and f"3 runs ({3 - kept} to run, {kept} stored" in text, text


def test_a_device_this_machine_lacks_is_bad_input_naming_the_option_not_a_failed_run(tmp_path, smoke_kit):
    """--device cuda:N without a GPU, or past the last GPU: exit 2 naming --device and the device asked
    for; no run is stored (not even as failed). Before, a missing ordinal reached torch inside each run
    ("invalid device ordinal": every run stored as failed, exit 1), and the message named 'device'."""
    import torch

    from claimcheck.results.store import open_store

    data, model = smoke_kit
    store = tmp_path / "runs.sqlite"
    past = f"cuda:{torch.cuda.device_count()}"  # one past the last GPU (cuda:0 on a machine without one)
    result, text = _invoke("replicate", *ONE_RUN, "--preset", "smoke", "--model", str(model), "--data-dir", str(data),
                           "--store", str(store), "--device", past, env={"CLAIMCHECK_HOME": str(tmp_path / "home")})
    _one_error_line(result, text, "field '--device'", past)
    if store.exists():
        with open_store(store, readonly=True) as opened:
            assert not opened.ok_ids() and not opened.failed_ids()


def test_a_data_dir_that_is_a_file_is_said_to_be_one(tmp_path, smoke_kit):
    """--data-dir naming a file (a data file given instead of its folder): plan and replicate say it
    is a file, not "no such data folder" (it is there); a missing folder is still "no such"."""
    data, model = smoke_kit
    a_file = next(p for p in data.rglob("*") if p.is_file())
    store = tmp_path / "runs.sqlite"
    env = {"CLAIMCHECK_HOME": str(tmp_path / "home")}
    for command in ("plan", "replicate"):
        result, text = _invoke(command, *ONE_RUN, "--preset", "smoke", "--data-dir", str(a_file), "--store", str(store), env=env)
        _one_error_line(result, text, "--data-dir", a_file.name, "is a file, not a data folder")
        result, text = _invoke(command, *ONE_RUN, "--preset", "smoke", "--data-dir", str(tmp_path / "gone"), "--store", str(store), env=env)
        _one_error_line(result, text, "--data-dir", "gone", "no such data folder")
    assert not store.exists()


@pytest.mark.parametrize("device", ["cuda:x", "cuda:", "CPU", "gpu"])
def test_choose_device_refuses_a_device_of_no_known_form_as_the_cli_does(device):
    """The library's own check (a run context built without the CLI) refuses what the CLI refuses,
    before asking torch: "cuda:x" met int() past the no-GPU check on a machine with a GPU."""
    pytest.importorskip("torch")
    from claimcheck.errors import InputError
    from claimcheck.replication.environment import choose_device

    with pytest.raises(InputError, match="unknown device"):
        choose_device(device)

"""A run killed (SIGKILL) in the middle of target training resumes: the finished intermediate stage is
not recomputed, training continues from its checkpoint, the store gets exactly one row, and on a CPU the
numbers equal those of a run that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import replication_fixtures
from replication_fixtures import long_run_spec

from claimcheck.replication.runners.base import RunContext
from claimcheck.replication.runners.local import LocalRunner
from claimcheck.replication.stages import StageDir, read_events
from claimcheck.results.store import RunStore

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

FIXTURES = Path(__file__).resolve().parent / "replication_fixtures.py"
EPOCHS = 40  # 160 tiny optimizer steps, a checkpoint every 2


def _script(home: Path, data: Path, model: Path) -> list[str]:
    return [sys.executable, str(FIXTURES), "run", str(home), str(data), str(model), str(EPOCHS)]


def test_sigkill_mid_training_then_resume(tmp_path, smoke_kit):
    data, model = smoke_kit
    home = tmp_path / "home"
    spec = long_run_spec(EPOCHS)
    run_stage, inter_stage = StageDir(home / "work", spec.run_id), StageDir(home / "work", spec.intermediate.key)
    tune_stage = StageDir(home / "work", spec.finetune_key)  # the target training (shareable across targets)

    proc = subprocess.Popen(_script(home, data, model), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not tune_stage.has_checkpoint():
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
        assert time.monotonic() < deadline, "no training checkpoint appeared"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert run_stage.done() is None  # nothing half-written counts as finished
    inter_done = inter_stage.done()
    assert inter_done is not None, "the intermediate stage had finished before the kill"
    with RunStore(home / "runs.sqlite") as store:
        assert store.count() == 0

    resumed = subprocess.run(_script(home, data, model), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    events = read_events(home / "work")
    inter = [e["event"] for e in events if e["key"] == spec.intermediate.key]
    assert inter.count("start") == 1 and inter.count("done") == 1  # trained once, never again
    assert inter_stage.done() == inter_done  # its completion record untouched
    train = [e for e in events if e["key"] == spec.finetune_key and e["stage"] == "target_train"]
    assert [e["event"] for e in train] == ["start", "resume", "done"]
    total_steps = 4 * EPOCHS
    assert 0 < train[1]["step"] < total_steps  # killed in the middle, resumed from its checkpoint
    assert len({e["pid"] for e in train}) == 2

    with RunStore(home / "runs.sqlite") as store:
        records = store.records()
    assert [r.run_id for r in records] == [spec.run_id] and records[0].status == "ok"
    assert not (tune_stage.path / "trained.pt").exists()  # fine-tuned weights dropped once the record is stored

    # the same run, never interrupted, in a fresh home: identical numbers (seeded, deterministic CPU)
    fresh = tmp_path / "fresh"
    with RunStore(fresh / "runs.sqlite") as store:
        (outcome,) = LocalRunner().run([spec], RunContext(home=fresh, model_path=str(model), data_dir=data, device="cpu"), store)
    assert [(m.language, m.value) for m in outcome.record.metrics] == [(m.language, m.value) for m in records[0].metrics]


def test_targets_with_the_same_training_share_one_fine_tune(tmp_path, smoke_kit):
    """XQuAD and MLQA both train on SQuAD: two runs that differ only in what they evaluate train once."""
    import dataclasses

    data, model = smoke_kit
    home = tmp_path / "home"
    both = long_run_spec(epochs=2, system="XLM-R")  # evaluated in en and de
    only_de = dataclasses.replace(both, target=dataclasses.replace(both.target, evals=both.target.evals[1:]))
    assert only_de.run_id != both.run_id and only_de.finetune_key == both.finetune_key is not None
    other_seed = dataclasses.replace(both, seed=2)
    assert other_seed.finetune_key != both.finetune_key
    with RunStore(home / "runs.sqlite") as store:
        outcomes = LocalRunner().run([both, other_seed, only_de],
                                     RunContext(home=home, model_path=str(model), data_dir=data, device="cpu"), store)
    assert [o.record.status for o in outcomes] == ["ok"] * 3
    assert [o.record.run_id for o in outcomes] == [both.run_id, only_de.run_id, other_seed.run_id]  # sharers adjacent
    train = [e["event"] for e in read_events(home / "work") if e["key"] == both.finetune_key and e["stage"] == "target_train"]
    assert train == ["start", "done", "cached"]  # trained for the first run, reused by the second
    de = {o.record.run_id: [m.value for m in o.record.metrics if m.language == "de"] for o in outcomes}
    assert de[both.run_id] == de[only_de.run_id]  # the same trained model scored the same rows
    assert outcomes[1].record.provenance.stage_seconds["target_train"] == outcomes[0].record.provenance.stage_seconds["target_train"]
    assert not (StageDir(home / "work", both.finetune_key).path / "trained.pt").exists()  # dropped after its last run

"""The Ray runner on a local Ray instance started here (2 CPUs, no GPU, no dashboard), smoke preset:
each run stored once, the intermediate stage trained once and shared, the same numbers as the local
runner, a worker SIGKILLed in the middle of training retried until the run lands, a run that keeps
failing stored as failed, bad input stopping the replication with its message, and runs another
process stores or is executing on the same store (claimed in it) left to that process."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import replication_fixtures
from replication_fixtures import long_run_spec

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

ray = pytest.importorskip("ray", reason="ray is not installed: the Ray runner cannot be tested here")

from typer.testing import CliRunner  # noqa: E402

from claimcheck.cli import app  # noqa: E402
from claimcheck.errors import InputError  # noqa: E402
from claimcheck.replication.runners.base import RunContext  # noqa: E402
from claimcheck.replication.runners.local import LocalRunner  # noqa: E402
from claimcheck.replication.runners.ray_runner import RayRunner, task_resources  # noqa: E402
from claimcheck.replication.runners.ray_tasks import (  # noqa: E402
    InfrastructureError,
    is_infrastructure_error,
    run_task,
    stage_task,
)
from claimcheck.replication.stages import StageDir, read_events  # noqa: E402
from claimcheck.results.records import Metric, RunRecord  # noqa: E402
from claimcheck.results.run_claims import CLAIMS_SUFFIX  # noqa: E402
from claimcheck.results.store import RunStore  # noqa: E402

pytestmark = pytest.mark.slow
CLAIMS = ["2005.13013/retrieval-gains", "2005.13013/tydiqa-up-xnli-flat"]  # XLM-R and MNLI on xnli, tatoeba, bucc2018


@pytest.fixture(scope="module")
def local_ray():
    if ray.is_initialized():
        pytest.skip("a Ray instance is already running in this process")
    ray.init(num_cpus=2, num_gpus=0, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_smoke_preset_through_the_cli_matches_the_local_runner(local_ray, smoke_kit, tmp_path, _isolated_home):
    data, model = smoke_kit
    store = tmp_path / "runs.sqlite"
    args = [*CLAIMS, "--preset", "smoke", "--seeds", "1", "--system", "XLM-R", "--system", "MNLI", "--store", str(store),
            "--model", str(model), "--data-dir", str(data), "--device", "cpu", "--runner", "ray"]
    result = CliRunner().invoke(app, ["replicate", *args])
    assert result.exit_code == 0, result.output
    assert "6 runs executed, 6 written to the store, 0 failed" in result.output

    with RunStore(store) as s:
        records = s.records()
    assert len(records) == 6 and len({r.run_id for r in records}) == 6 and {r.status for r in records} == {"ok"}
    events = read_events(_isolated_home / "work")
    done = [e["key"] for e in events if e["stage"] == "target" and e["event"] == "done"]
    assert sorted(done) == sorted(r.run_id for r in records)  # every run computed exactly once
    (key,) = {r.spec["intermediate_key"] for r in records if r.system == "MNLI"}
    inter = [e for e in events if e["key"] == key]
    assert [e["event"] for e in inter if e["event"] != "cached"] == ["start", "done"]  # trained once ...
    assert sum(e["event"] == "cached" for e in inter) == 3  # ... and found done by its three targets
    assert not list((_isolated_home / "work").glob("*/trained.pt"))  # every fine-tune dropped once its runs were stored

    # the same specs through the local runner, in a fresh home: the same numbers
    from claimcheck.replication.workflow import PlanRequest, make_plan

    req = PlanRequest(claims=tuple(CLAIMS), preset="smoke", seeds=1, systems=("XLM-R", "MNLI"), store=tmp_path / "fresh.sqlite")
    specs = [r.spec for r in make_plan(req).todo]
    assert sorted(s.run_id for s in specs) == sorted(r.run_id for r in records)
    ctx = RunContext(home=tmp_path / "local-home", model_path=str(model), data_dir=data, device="cpu")
    with RunStore(tmp_path / "local.sqlite") as s:
        local = {o.record.run_id: o.record for o in LocalRunner().run(specs, ctx, s)}
    for r in records:
        assert [(m.task, m.language, m.metric, m.value) for m in r.metrics] == \
               [(m.task, m.language, m.metric, m.value) for m in local[r.run_id].metrics], r.system

    result = CliRunner().invoke(app, ["replicate", *args])  # everything stored: nothing to do, no Ray task
    assert result.exit_code == 0 and "0 runs executed" in result.output, result.output


class _RecordingProgress:
    """Remembers every bar: its description, how far it advanced, whether it was closed."""

    def __init__(self):
        self.bars: list[dict] = []

    def task(self, description, total):
        bar = {"description": description, "total": total, "done": 0, "closed": False}
        self.bars.append(bar)

        class _Bar:
            def advance(self, n=1):
                bar["done"] += n

            def describe(self, text):
                pass

            def close(self):
                bar["closed"] = True

        return _Bar()

    def note(self, text):
        pass


def _kill_when_training(work: Path, key: str, killed: list[int], stop: threading.Event) -> None:
    """SIGKILL the worker that runs the target training ``key`` once it has written a checkpoint."""
    stage = StageDir(work, key)
    while not stop.is_set():
        starts = [e for e in read_events(work) if e["key"] == key and e["stage"] == "target_train" and e["event"] == "start"]
        if starts and stage.has_checkpoint():
            pid = starts[0]["pid"]
            if pid != os.getpid():  # never the test process itself
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            return
        time.sleep(0.005)


def test_a_worker_killed_mid_training_is_retried_and_the_run_lands(local_ray, smoke_kit, tmp_path):
    data, model = smoke_kit
    spec = long_run_spec(epochs=60)  # 240 tiny optimizer steps, a checkpoint every 2
    ctx = RunContext(home=tmp_path / "home", model_path=str(model), data_dir=data, device="cpu", checkpoint_every=2,
                     checkpoint_seconds=0)
    killed: list[int] = []
    progress = _RecordingProgress()
    stop = threading.Event()
    killer = threading.Thread(target=_kill_when_training, args=(ctx.work, spec.finetune_key, killed, stop), daemon=True)
    killer.start()
    try:
        with RunStore(tmp_path / "runs.sqlite") as store:
            (outcome,) = RayRunner(max_retries=2).run([spec], ctx, store, progress)
            records = store.records()
    finally:
        stop.set()
        killer.join(timeout=5)
    assert killed, "the run finished before its worker could be killed"
    assert outcome.record.status == "ok", outcome.record.error
    assert [r.run_id for r in records] == [spec.run_id] and records[0].status == "ok" and records[0].metrics
    train = [e for e in read_events(ctx.work) if e["key"] == spec.finetune_key and e["stage"] == "target_train"]
    assert [e["event"] for e in train] == ["start", "resume", "done"]  # resumed from its checkpoint
    assert train[0]["pid"] == killed[0] and train[1]["pid"] != killed[0] and 0 < train[1]["step"] < 4 * 60
    # the workers' bars reached the driver's progress sink, and none is left open
    bars = {b["description"]: b for b in progress.bars}
    assert bars["runs"]["done"] == 1 and bars["intermediate stages"]["done"] == 1
    assert any(d.startswith("target xnli MNLI seed 1") for d in bars) and any(d.startswith("evaluate xnli-de") for d in bars)
    assert all(b["closed"] for b in progress.bars)


def test_a_run_that_keeps_failing_is_stored_as_failed(local_ray, smoke_kit, tmp_path):
    data, model = smoke_kit
    spec = long_run_spec(epochs=1, system="XLM-R")
    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("")  # an unusable shared folder: every attempt fails with an OSError
    ctx = RunContext(home=not_a_folder, model_path=str(model), data_dir=data, device="cpu")
    with RunStore(tmp_path / "runs.sqlite") as store:
        (outcome,) = RayRunner(max_retries=1).run([spec], ctx, store)
        stored = store.get(spec.run_id)
        assert store.ok_ids() == set()
    assert outcome.written and stored.status == "failed" and not stored.metrics
    assert "InfrastructureError (after retries)" in stored.error and "NotADirectoryError" in stored.error


def test_bad_input_stops_the_replication_with_its_message(local_ray, smoke_kit, tmp_path):
    data, _ = smoke_kit
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    ctx = RunContext(home=tmp_path / "home", model_path=str(broken), data_dir=data, device="cpu")
    with RunStore(tmp_path / "runs.sqlite") as store:
        with pytest.raises(InputError) as info:
            RayRunner().run([long_run_spec(epochs=1, system="XLM-R")], ctx, store)
        assert store.count() == 0  # bad input is not a run
    assert info.value.field == "--model" and info.value.path == str(broken)


OTHERS = "written by the other process"


def _others_record(spec) -> RunRecord:
    """The record another process stores for ``spec`` (told apart by its deviation)."""
    return RunRecord(run_id=spec.run_id, paper_id=spec.paper_id, system=spec.system, seed=spec.seed, preset=spec.preset,
                     fidelity=spec.fidelity, deviations=[OTHERS], spec=spec.as_json(),
                     metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=50.0)])


class _Hooks:
    """A progress sink that calls ``on_bar(description)`` as each bar is made and ``on_note(text)`` on each note."""

    def __init__(self, on_bar, on_note):
        self.on_bar, self.on_note, self.notes = on_bar, on_note, []

    def task(self, description, total):
        self.on_bar(description)
        return _RecordingProgress().task(description, total)

    def note(self, text):
        self.notes.append(text)
        self.on_note(text)


def test_runs_another_process_stores_or_is_executing_are_left_to_it(local_ray, smoke_kit, tmp_path):
    """Another process on the store (a second connection here, as another replicate): a run it stored after
    this one read the store is skipped; a run it is executing (claimed) is put off and waited for, then
    skipped once it is stored, or executed here, its intermediate stage first, if the other process let
    go without storing it. Before, the Ray runner executed all four; the summary counts the two stored
    elsewhere as stored, not as executed."""
    from claimcheck.replication.workflow import PlanRequest, make_plan, replicate

    data, model = smoke_kit
    path, home = tmp_path / "runs.sqlite", tmp_path / "home"
    req = PlanRequest(claims=("2005.13013/tydiqa-up-xnli-flat",), preset="smoke", seeds=2, systems=("XLM-R", "MNLI"),
                      tasks=("xnli",), store=path, include_bundled_results=False)
    specs = {(r.spec.system, r.spec.seed): r.spec for r in make_plan(req).todo}
    stored_there, free = specs["XLM-R", 2], specs["XLM-R", 1]
    done_there, let_go = specs["MNLI", 1], specs["MNLI", 2]  # each with its own intermediate stage
    assert done_there.intermediate.key != let_go.intermediate.key
    other = RunStore(path)
    held = {s.run_id: other.claim(s.run_id) for s in (done_there, let_go)}  # the other process is executing these
    assert all(c is not None and c.enforced for c in held.values())

    def on_bar(description):  # the runner has read the store: the other process stores one more run
        if description == "runs":
            assert other.save(_others_record(stored_there))

    def on_note(text):  # the runner waits for the claimed runs: the other stores one, and fails the other
        if text.startswith(f"waiting for run {done_there.run_id} "):
            other.save(_others_record(done_there))
            held[done_there.run_id].release()
        elif text.startswith(f"waiting for run {let_go.run_id} "):
            held[let_go.run_id].release()

    hooks = _Hooks(on_bar, on_note)
    ctx = RunContext(home=home, model_path=str(model), data_dir=data, device="cpu")
    try:
        result = replicate(req, ctx, hooks, runner=RayRunner())
    finally:
        for claim in held.values():
            claim.release()
        other.close()
    assert sorted(o.record.run_id for o in result.outcomes) == sorted([free.run_id, let_go.run_id])
    assert all(o.written and o.record.status == "ok" for o in result.outcomes)
    with RunStore(path) as s:
        assert s.get(stored_there.run_id).deviations == [OTHERS] and s.get(done_there.run_id).deviations == [OTHERS]
        assert OTHERS not in s.get(let_go.run_id).deviations and s.ok_ids() == {spec.run_id for spec in specs.values()}
    assert any(n.startswith(f"waiting for run {let_go.run_id} (MNLI / xnli / seed 2), which another process (pid ")
               for n in hooks.notes), hooks.notes
    events = read_events(home / "work")
    keys = [e["key"] for e in events if e["event"] != "cached"]
    assert stored_there.run_id not in keys and done_there.run_id not in keys  # not even started here
    assert done_there.intermediate.key not in keys  # nor the stage only that run needed
    # the run let go of: submitted after the wait, its stage trained here once, before its target
    stage = [e["event"] for e in events if e["key"] == let_go.intermediate.key and e["event"] != "cached"]
    assert stage == ["start", "done"]
    first_done = keys.index(free.run_id)
    assert keys.index(let_go.intermediate.key) > first_done and keys.index(let_go.run_id) > keys.index(let_go.intermediate.key)
    plan = result.plan  # the summary: 2 executed + 2 stored (by the other process meanwhile) = the 4 planned
    assert sorted(r.spec.run_id for r in plan.runs if r.stored) == sorted([stored_there.run_id, done_there.run_id])
    assert any(n.startswith("2 of the runs to do were stored by another process") for n in plan.notes), plan.notes
    assert not Path(str(path) + CLAIMS_SUFFIX).exists()  # every claim let go of


def test_resources_and_retryable_errors():
    assert task_resources({"CPU": 2.0}, "auto") == {"num_cpus": 1.0, "num_gpus": 0}
    assert task_resources({"CPU": 16.0, "GPU": 4.0}, "auto") == {"num_cpus": 1.0, "num_gpus": 1}
    assert task_resources({"CPU": 16.0, "GPU": 4.0}, "cpu")["num_gpus"] == 0
    assert is_infrastructure_error(OSError("disk full")) and is_infrastructure_error(MemoryError())
    assert not is_infrastructure_error(ValueError("a bug")) and not is_infrastructure_error(InputError("bad --model"))


def test_worker_side_outcomes(tmp_path, smoke_kit):
    """What the task functions return or raise, called in-process: a failed stage fails its runs without
    their touching the stage; an infrastructure error raises (so Ray retries); bad input comes back as data."""
    data, model = smoke_kit
    spec = long_run_spec(epochs=1)
    ctx = RunContext(home=tmp_path / "home", model_path=str(model), data_dir=data, device="cpu")
    value = run_task(spec, ctx, None, {"error": "ValueError: a bug\ntraceback"})
    assert value == {"error": f"intermediate stage {spec.intermediate.key} failed: ValueError: a bug\ntraceback"}
    assert not ctx.work.exists()  # nothing was computed
    file_home = tmp_path / "a-file"
    file_home.write_text("")
    with pytest.raises(InfrastructureError, match="NotADirectoryError"):
        stage_task(spec.intermediate, RunContext(home=file_home, model_path=str(model), data_dir=data), None)
    bad = RunContext(home=tmp_path / "home", model_path=str(tmp_path / "no-model"), data_dir=data, device="cpu")
    value = stage_task(spec.intermediate, bad, None)
    assert value["input_error"]["field"] == "--model" and value["input_error"]["cls"] == "claimcheck.errors:InputError"


def test_cli_runner_options_are_checked():
    result = CliRunner().invoke(app, ["replicate", "--runner", "slurm"])
    assert result.exit_code == 2 and "unknown runner" in result.output
    result = CliRunner().invoke(app, ["replicate", "--ray-address", "auto"])
    assert result.exit_code == 2 and "--ray-address needs --runner ray" in result.output

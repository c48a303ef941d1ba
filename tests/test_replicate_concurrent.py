"""Two processes replicating into one store: a run the other stored after this one read the store is
not run again, a run the other is executing is left to it (claimed in the store, waited for at the
end), and the summary counts such runs as stored, not as executed. The store is a real SQLite file;
"the other process" is a second connection to it (or a real process), writing as another replicate
would."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import replication_fixtures

from claimcheck.replication.runners.base import NullProgress, RunContext
from claimcheck.replication.runners.local import LocalRunner
from claimcheck.replication.stages import read_events
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.run_claims import CLAIMS_SUFFIX
from claimcheck.results.store import RunStore

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

SRC = Path(__file__).resolve().parents[1] / "src"
CLAIM = "2005.13013/tydiqa-up-xnli-flat"
OTHERS = "written by the other process"


def _specs(n: int = 2, system: str = "XLM-R"):
    """``n`` smoke runs of one arm on XNLI (seeds 1..n): short, no intermediate stage for XLM-R."""
    from claimcheck.replication.plan import Need, build_plan
    from claimcheck.replication.presets import SMOKE

    return [r.spec for r in build_plan([Need(system, ("xnli",))], SMOKE, n).runs]


def _others_record(spec) -> RunRecord:
    """The record another process stores for ``spec`` (told apart by its deviation)."""
    return RunRecord(run_id=spec.run_id, paper_id=spec.paper_id, system=spec.system, seed=spec.seed, preset=spec.preset,
                     fidelity=spec.fidelity, deviations=[OTHERS], spec=spec.as_json(),
                     metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=50.0)])


class _Hooks(NullProgress):
    """A progress sink that calls ``on_run(text)`` when the runner names the run it turns to, and
    ``on_note(text)`` on each note (kept in ``notes``)."""

    def __init__(self, on_run=lambda text: None, on_note=lambda text: None):
        self.on_run, self.on_note, self.notes = on_run, on_note, []

    def task(self, description: str, total):
        hooks, task = self, super().task(description, total)
        if description != "runs":
            return task

        class _Runs:
            def advance(self, n: int = 1) -> None:
                pass

            def describe(self, text: str) -> None:
                hooks.on_run(text)

            def close(self) -> None:
                pass

        return _Runs()

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.on_note(text)


def _ctx(home: Path, smoke_kit) -> RunContext:
    data, model = smoke_kit
    return RunContext(home=home, model_path=str(model), data_dir=data, device="cpu")


def _target_events(home: Path, run_id: str) -> list[str]:
    return [e["event"] for e in read_events(home / "work") if e["key"] == run_id]


def test_a_run_another_process_stored_after_the_list_was_read_is_not_run_again(tmp_path, smoke_kit):
    first, second = _specs(2)
    path, home = tmp_path / "runs.sqlite", tmp_path / "home"

    def other_process_stores_the_second(text: str) -> None:  # when the runner turns to the second run
        if text.endswith(f"seed {second.seed}"):
            with RunStore(path) as other:
                assert other.save(_others_record(second))

    with RunStore(path) as store:
        outcomes = LocalRunner().run([first, second], _ctx(home, smoke_kit), store, _Hooks(other_process_stores_the_second))
        kept = store.get(second.run_id)
    assert [o.record.run_id for o in outcomes] == [first.run_id]  # before: the second was executed as well
    assert outcomes[0].written and outcomes[0].record.status == "ok"
    assert kept.deviations == [OTHERS]
    assert _target_events(home, second.run_id) == []  # not even started
    assert _target_events(home, first.run_id)[-1] == "done"


def test_replicate_counts_a_run_stored_meanwhile_as_stored_not_as_executed(tmp_path, smoke_kit):
    from claimcheck.replication.workflow import PlanRequest, replicate

    path, home = tmp_path / "runs.sqlite", tmp_path / "home"
    req = PlanRequest(claims=(CLAIM,), preset="smoke", seeds=3, systems=("XLM-R",), tasks=("xnli",), store=path,
                      include_bundled_results=False)
    specs = {s.seed: s for s in _specs(3)}

    def other_process_stores_seed_3(text: str) -> None:
        if text.endswith("seed 1"):  # while this one runs its first run, the other stores seed 3
            with RunStore(path) as other:
                other.save(_others_record(specs[3]))

    result = replicate(req, _ctx(home, smoke_kit), _Hooks(other_process_stores_seed_3))
    assert sorted(o.record.seed for o in result.outcomes) == [1, 2]
    plan = result.plan
    assert len(plan.runs) == 3 and [r.spec.seed for r in plan.todo] == [1, 2]  # seed 3: counted as stored
    assert [r.spec.seed for r in plan.runs if r.stored] == [3]
    assert len(result.outcomes) + len(plan.runs) - len(plan.todo) == len(plan.runs)  # what the summary line adds up
    assert any(n.startswith("1 of the runs to do were stored by another process") for n in plan.notes), plan.notes


def test_a_run_another_process_is_executing_is_left_to_it_and_waited_for(tmp_path, smoke_kit):
    claimed, free = _specs(2)
    path, home = tmp_path / "runs.sqlite", tmp_path / "home"
    other = RunStore(path)
    held = other.claim(claimed.run_id)  # the other process is executing this run
    assert held is not None and held.enforced
    turns = []

    def other_process_finishes(text: str) -> None:  # once this one says it waits: the other stores, lets go
        if text.startswith("waiting for run"):
            other.save(_others_record(claimed))
            held.release()

    try:
        with RunStore(path) as store:
            assert store.claim(claimed.run_id) is None  # held elsewhere
            assert store.claim_holder(claimed.run_id) == f"pid {os.getpid()} on {socket.gethostname()}"
            hooks = _Hooks(turns.append, other_process_finishes)
            outcomes = LocalRunner().run([claimed, free], _ctx(home, smoke_kit), store, hooks)
            kept = store.get(claimed.run_id)
    finally:
        held.release()
        other.close()
    assert [o.record.run_id for o in outcomes] == [free.run_id]
    assert kept.deviations == [OTHERS]
    assert _target_events(home, claimed.run_id) == []
    assert turns[:2] == [f"run XLM-R / xnli / seed {claimed.seed}", f"run XLM-R / xnli / seed {free.seed}"]  # put off
    (waited,) = hooks.notes
    assert waited.startswith(f"waiting for run {claimed.run_id} (XLM-R / xnli / seed {claimed.seed}), which another "
                             f"process (pid {os.getpid()} on "), waited
    assert not Path(str(path) + CLAIMS_SUFFIX).exists()  # the last claim out takes the folder with it


_HOLD = """
import sys, time
from claimcheck.results.store import RunStore
store = RunStore(sys.argv[1])
assert store.claim(sys.argv[2]) is not None
print("claimed", flush=True)
time.sleep(120)
"""


def test_a_claim_ends_with_its_process_however_it_ends(tmp_path, smoke_kit):
    """A claim is a lock the kernel lets go of when its process dies (SIGKILL: no cleanup ran): the run
    is then executed here, not waited for forever, and no stale claim needs a timeout."""
    (spec,) = _specs(1)
    path, home = tmp_path / "runs.sqlite", tmp_path / "home"
    RunStore(path).close()
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), spec.run_id], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "claimed"
        with RunStore(path) as store:
            assert store.claim(spec.run_id) is None
            assert store.claim_holder(spec.run_id).startswith(f"pid {proc.pid} on ")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    lock = Path(str(path) + CLAIMS_SUFFIX) / f"{spec.run_id}.lock"
    assert lock.exists()  # left behind by the killed process, and claims nothing
    with RunStore(path) as store:
        hooks = _Hooks()
        (outcome,) = LocalRunner().run([spec], _ctx(home, smoke_kit), store, hooks)
    assert outcome.written and outcome.record.status == "ok" and hooks.notes == []  # claimed at once, not waited for
    assert not lock.parent.exists()


def test_where_no_claim_can_be_taken_runs_still_go_ahead(tmp_path, smoke_kit):
    """A file where the claims folder belongs (or a folder this user may not write): claims are granted
    without being enforced, and the store still keeps one record per run."""
    (spec,) = _specs(1)
    path, home = tmp_path / "runs.sqlite", tmp_path / "home"
    Path(str(path) + CLAIMS_SUFFIX).write_text("in the way")
    with RunStore(path) as store:
        claim = store.claim(spec.run_id)
        assert claim is not None and not claim.enforced
        claim.release()
        (outcome,) = LocalRunner().run([spec], _ctx(home, smoke_kit), store)
    assert outcome.written and outcome.record.status == "ok"
    assert Path(str(path) + CLAIMS_SUFFIX).read_text() == "in the way"


def test_a_store_opened_to_read_claims_nothing_beside_it(tmp_path):
    (spec,) = _specs(1)
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    before = sorted(p.name for p in tmp_path.iterdir())
    with RunStore(path, readonly=True) as store:
        claim = store.claim(spec.run_id)
        assert claim is not None and not claim.enforced
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_two_replicate_commands_on_one_store_share_the_runs_out(tmp_path, smoke_kit):
    """The user's case: two `claimcheck replicate` started together on one store (one home, as two
    terminals on one machine). Before, each executed every run (8 + 8 for 8 runs); now no run is executed
    twice, and each summary adds up: executed + stored already (or blocked) = the runs it planned."""
    store = tmp_path / "runs.sqlite"
    _replicate_together(tmp_path, smoke_kit, store, seeds=4, runners=([], []))
    assert not Path(str(store) + CLAIMS_SUFFIX).exists()


def _replicate_together(tmp_path, smoke_kit, store: Path, *, seeds: int, runners: tuple[list[str], ...]) -> list[int]:
    """Start one `claimcheck replicate` per entry of ``runners`` (its extra arguments) at once on ``store``,
    two arms x ``seeds`` smoke runs; check each summary adds up and the store holds each run once (ok).
    Returns how many runs each command executed."""
    data, model = smoke_kit
    total = 2 * seeds
    args = [CLAIM, "--preset", "smoke", "--seeds", str(seeds), "--system", "XLM-R", "--system", "MNLI", "--task", "xnli",
            "--model", str(model), "--data-dir", str(data), "--device", "cpu", "--store", str(store)]
    env = {**os.environ, "CLAIMCHECK_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = [subprocess.Popen([sys.executable, "-m", "claimcheck", "replicate", *args, *runner], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, text=True) for runner in runners]
    results = [p.communicate(timeout=300) for p in procs]
    executed = []
    for proc, (out, err) in zip(procs, results):
        said = " ".join(out.split())
        assert proc.returncode == 0, (said, err[-3000:])
        ran, written, failed, already = map(int, re.search(
            r"(\d+) runs executed, (\d+) written to the store, (\d+) failed; (\d+) were stored already or blocked", said).groups())
        assert ran + already == total and written == ran and failed == 0, said
        meanwhile = re.search(r"note: (\d+) of the runs to do were stored by another process", said)
        assert int(meanwhile.group(1) if meanwhile else 0) <= already, said  # the rest: stored when it planned
        executed.append(ran)
    assert sum(executed) == total, results
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall() == [("ok", total)]
    return executed


def test_a_ray_replicate_and_a_local_one_on_one_store_share_the_runs_out(tmp_path, smoke_kit):
    """As above, one of the two with --runner ray (its driver starts a Ray instance of its own): its
    driver claims each run before submitting it, so no run is executed by both."""
    import pytest

    pytest.importorskip("ray", reason="ray is not installed: the Ray runner cannot be tested here")
    store = tmp_path / "runs.sqlite"
    _replicate_together(tmp_path, smoke_kit, store, seeds=3, runners=(["--runner", "ray"], []))
    done = [e["key"] for e in read_events(tmp_path / "home" / "work") if e["stage"] == "target" and e["event"] == "done"]
    assert len(done) == len(set(done)) == 6  # every run computed once, by one of the two
    assert not Path(str(store) + CLAIMS_SUFFIX).exists()

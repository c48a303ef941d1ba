"""Two processes replicating into one store: a run the other stored after this one read the store is
not run again, and the summary counts such runs as stored, not as executed. The store is a real
SQLite file; "the other process" is a second connection to it, writing as another replicate would."""

from __future__ import annotations

from pathlib import Path

import replication_fixtures

from claimcheck.replication.runners.base import NullProgress, RunContext
from claimcheck.replication.runners.local import LocalRunner
from claimcheck.replication.stages import read_events
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

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

"""Specs, presets and plans (pure): hashes, shared stages, store lookup, blocked runs, cost, leakage."""

from __future__ import annotations

import dataclasses

import pytest

from claimcheck.claims.registry import load_registry
from claimcheck.errors import InputError
from claimcheck.replication.plan import MISSING, Need, build_plan, needs_from_claims
from claimcheck.replication.presets import PRESETS, PROXY, SMOKE, with_limits
from claimcheck.replication.spec import DataUse
from claimcheck.replication.tasks import TASKS


def test_run_id_covers_what_changes_numbers_only():
    spec = build_plan([Need("MNLI", ("xnli",))], SMOKE, 2).runs[0].spec
    assert spec.run_id == dataclasses.replace(spec, deviations=("reworded",)).run_id
    assert spec.run_id != dataclasses.replace(spec, seed=spec.seed + 1).run_id
    assert spec.run_id != with_limits_spec(spec).run_id
    assert spec.run_id.startswith("r-") and spec.intermediate.key.startswith("i-")


def with_limits_spec(spec):
    evals = tuple(dataclasses.replace(u, limit=5) for u in spec.target.evals)
    return dataclasses.replace(spec, target=dataclasses.replace(spec.target, evals=evals))


def test_one_intermediate_stage_serves_every_target():
    plan = build_plan([Need("MNLI"), Need("XLM-R")], SMOKE, 2)
    targets = {t.task for t in SMOKE.targets}
    assert len(plan.runs) == 2 * 2 * len(targets)
    assert len(plan.stages) == 2  # one per seed, shared by all targets
    for stage in plan.stages:
        assert len(stage.run_ids) == len(targets)
    assert all(r.spec.intermediate is None for r in plan.runs if r.spec.system == "XLM-R")


def test_stored_runs_are_marked_and_cost_nothing():
    plan = build_plan([Need("MNLI", ("xnli",))], SMOKE, 3)
    stored = {plan.runs[0].spec.run_id}
    again = build_plan([Need("MNLI", ("xnli",))], SMOKE, 3, stored_ids=stored)
    assert [r.stored for r in again.runs] == [True, False, False]
    assert len(again.todo) == 2
    assert 0 < again.cost.train_flops < plan.cost.train_flops
    done = build_plan([Need("MNLI", ("xnli",))], SMOKE, 3, stored_ids={r.spec.run_id for r in plan.runs})
    assert done.cost.train_flops == 0 and done.cost.eval_flops == 0


def test_only_seeds_plans_those_seeds_with_the_same_run_ids():
    full = build_plan([Need("MNLI", ("xnli",))], SMOKE, 3)
    part = build_plan([Need("MNLI", ("xnli",))], SMOKE, 3, only_seeds=[3, 1, 3])
    assert part.seeds == (1, 3)
    assert [r.spec.run_id for r in part.runs] == [r.spec.run_id for r in full.runs if r.spec.seed in (1, 3)]
    assert len(part.stages) == 2  # the intermediate stages of seeds 1 and 3 only


def test_a_seed_outside_the_range_is_an_input_error():
    with pytest.raises(InputError, match="outside 1..3") as err:
        build_plan([Need("MNLI", ("xnli",))], SMOKE, 3, only_seeds=[0, 4])
    assert err.value.field == "--seed" and "0, 4" in str(err.value)


def test_filters_and_missing_arms_are_reported():
    plan = build_plan([Need("MNLI", claim="c/1"), Need("SQuADv2", claim="c/2")], SMOKE, 1, tasks=["pawsx"])
    assert {(r.spec.system, r.spec.target.task) for r in plan.runs} == {("MNLI", "pawsx")}
    assert any("SQuADv2" in n and "c/2" in n for n in plan.notes)


def test_a_mistyped_target_filter_is_an_input_error_not_an_empty_plan():
    with pytest.raises(InputError, match="'pawz' is not a target of preset 'smoke'") as err:
        build_plan([Need("MNLI", claim="c/1")], SMOKE, 1, tasks=["pawz"])
    assert err.value.field == "--task"
    with pytest.raises(InputError, match="'mnli' is not an arm of preset 'smoke'; its arms: .*MNLI") as err:
        build_plan([Need("MNLI", claim="c/1")], SMOKE, 1, systems=["mnli"])
    assert err.value.field == "--system"


def test_claims_that_need_no_runs_say_so():
    plan = build_plan([], PROXY, 3)
    assert not plan.runs and "none of the chosen claims needs runs" in plan.notes[0]


def test_an_arm_named_explicitly_is_added_on_the_needed_targets():
    plan = build_plan([Need("XLM-R", ("xnli", "tatoeba"), "c/1")], SMOKE, 1, systems=["QQP", "XLM-R"])
    assert {(r.spec.system, r.spec.target.task) for r in plan.runs} == {(s, t) for s in ("XLM-R", "QQP") for t in ("xnli", "tatoeba")}


def test_ccg_is_blocked_with_its_reason():
    plan = build_plan([Need("CCG", ("xnli",))], PRESETS["paper"], 1)
    assert plan.runs and all("LDC" in r.blocked for r in plan.runs)
    assert plan.todo == [] and plan.cost.gpu_hours == 0


def test_runs_whose_data_has_no_source_are_blocked_the_way_replicate_would_read():
    """Without --data-dir only the hub is read: targets with no hub source (UD-POS, PAN-X, TyDiQA, BUCC,
    Tatoeba) cannot run. With it, those come from the folder and the intermediate tasks still from the hub."""
    paper = PRESETS["paper"]
    hub_only = build_plan([Need("MNLI", ("xnli", "tatoeba"))], paper, 1, local_data=False)
    blocked = {r.spec.target.task: r.blocked for r in hub_only.runs}
    assert blocked["xnli"] == "" and blocked["tatoeba"] == "tatoeba has no hub source: it needs local files (--data-dir)"
    with_dir = build_plan([Need("MNLI", ("xnli", "tatoeba"))], paper, 1, local_data=True)
    assert all(r.blocked == "" for r in with_dir.runs) and len(with_dir.todo) == 2
    unchecked = build_plan([Need("MNLI", ("tatoeba",))], paper, 1)  # a caller that does not say: not checked
    assert unchecked.runs[0].blocked == ""
    # a data folder that lacks some of a target's files (the kit: Tatoeba without Afrikaans and Arabic)
    lacking = frozenset({"tatoeba/test-af.af.txt.xz", "tatoeba/test-ar.ar.txt.xz"})
    partial = build_plan([Need("MNLI", ("xnli", "tatoeba"))], paper, 1, local_data=True,
                         file_check=lambda task, split, rel: MISSING if rel in lacking else "")
    blocked = {r.spec.target.task: r.blocked for r in partial.runs}
    assert blocked == {"xnli": "", "tatoeba": "the data folder has no tatoeba/test-af.af.txt.xz (and 1 more file)"}


def test_paper_cost_is_stated_in_gpu_hours():
    plan = build_plan([Need(a.system) for a in PRESETS["paper"].arms], PRESETS["paper"], 3)
    assert 1 < plan.cost.gpu_hours < 1e5
    reduced = build_plan([Need(a.system) for a in PRESETS["reduced"].arms], PRESETS["reduced"], 3)
    assert reduced.cost.gpu_hours < plan.cost.gpu_hours


def test_needs_from_bundled_claims_include_the_baseline():
    registry = load_registry([])
    needs = needs_from_claims(registry.claims.values())
    assert needs, "the bundled claims ask for replication arms"
    for claim_id in {n.claim for n in needs}:
        assert any(n.system == "XLM-R" and n.claim == claim_id for n in needs)
    direction = [n for n in needs if n.claim.endswith("retrieval-gains")]
    assert direction and set(direction[0].tasks) == {"bucc2018", "tatoeba"}


def test_needs_take_the_derivations_default_baseline_not_the_presets(monkeypatch):
    """A claim that names no baseline is compared with the derivations' default baseline
    (derivation_params.DEFAULT_BASELINE); the presets' BASELINE is the name of an arm, another concept
    that happens to have the same value today."""
    from types import SimpleNamespace

    from claimcheck.replication import plan

    monkeypatch.setattr(plan, "BASELINE", "the presets' baseline arm", raising=False)
    monkeypatch.setattr(plan, "DEFAULT_BASELINE", "the derivations' default", raising=False)
    claim = SimpleNamespace(id="p/c", replication_arms=["MNLI"],
                            derivation=SimpleNamespace(params={"system": "MNLI", "tasks": ["xnli"]}))
    named = SimpleNamespace(id="p/d", replication_arms=["MNLI"],
                            derivation=SimpleNamespace(params={"system": "MNLI", "baseline": "mBERT", "tasks": ["xnli"]}))
    assert [n.system for n in needs_from_claims([claim])] == ["MNLI", "the derivations' default"]
    assert [n.system for n in needs_from_claims([named])] == ["MNLI", "mBERT"]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_well_formed(name):
    preset = PRESETS[name]
    if preset.fidelity != "full":
        assert preset.deviations, f"a {preset.fidelity} preset must list its deviations"
    uses = [u for a in preset.arms for u in a.train] + [u for t in preset.targets for u in (t.evals + ((t.train,) if t.train else ()))]
    for use in uses:
        assert use.task in TASKS
        task = TASKS[use.task]
        if preset.needs_data_dir:
            assert task.local_paths(use.split, use.language), f"{use.describe()} has no local file"
    assert preset.arm("XLM-R") is not None and preset.arm("XLM-R").train == ()
    for target in preset.targets:  # a target is trained on data of its own head kind (XQuAD <- SQuAD)
        assert all(TASKS[u.task].kind == TASKS[target.task].kind for u in target.evals)
        if target.train is not None:
            assert TASKS[target.train.task].kind == TASKS[target.task].kind, target.task


def _rows(use: DataUse, total: int) -> set[int]:
    start, stop = use.rows or (0, total)
    stop = min(stop, start + use.limit) if use.limit is not None else stop
    return set(range(start, stop))


@pytest.mark.parametrize("preset", [PROXY, SMOKE, with_limits(PROXY, 5000, 5000)])
def test_no_training_row_of_a_translated_dev_set_is_evaluated(preset):
    """XNLI/PAWS-X dev in every language translate the English dev rows: a trained row must never be evaluated."""
    train = [u for a in preset.arms for u in a.train] + [t.train for t in preset.targets if t.train]
    for task, total in (("xnli", 2490), ("pawsx", 2000)):
        trained = set().union(*[_rows(u, total) for u in train if u.task == task and u.split == "dev"])
        for target in preset.targets:
            for use in target.evals:
                if use.task == task and use.split == "dev":
                    assert not trained & _rows(use, total), f"{preset.name}: {use.describe()} overlaps training rows"


def test_proxy_records_every_substitution():
    plan = build_plan([Need(a.system) for a in PROXY.arms], PROXY, 1)
    for run in plan.runs:
        devs = " ".join(run.spec.deviations)
        assert "multilingual-e5-small" in devs
        if run.spec.system != "XLM-R":
            assert "substitute" in devs or "multi-task" in devs
        if run.spec.target.task == "tydiqa":
            assert "ko and sw train" in devs


def test_runs_shipped_with_claimcheck_count_as_stored_unless_left_out(tmp_path, monkeypatch):
    """verify uses the bundled proxy runs; plan and replicate must not plan them again (and say why),
    unless --no-bundled-results leaves them out, as it does for verify."""
    from typer.testing import CliRunner

    from claimcheck.cli import app
    from claimcheck.replication.workflow import PlanRequest, bundled_ok_ids, make_plan

    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))  # an empty store
    shipped = bundled_ok_ids()
    assert shipped, "the package ships finished proxy runs"
    req = PlanRequest(preset="proxy", train_examples=200, eval_examples=30)  # the limits most shipped runs used
    plan = make_plan(req)
    stored = {r.spec.run_id for r in plan.runs if r.stored}
    assert stored and stored <= shipped and stored == {r.spec.run_id for r in plan.runs} & shipped
    assert any(f"{len(stored)} of the stored runs" in n and "--no-bundled-results" in n for n in plan.notes)
    fresh = make_plan(dataclasses.replace(req, include_bundled_results=False))
    assert not any(r.stored for r in fresh.runs) and len(fresh.todo) == len(plan.todo) + len(stored)
    assert fresh.cost.cpu_hours > plan.cost.cpu_hours

    args = ["plan", "all", "--preset", "proxy", "--train-examples", "200", "--eval-examples", "30"]
    said = " ".join(CliRunner().invoke(app, args).output.split())
    assert f"{len(stored)} stored" in said and "shipped with claimcheck" in said
    said = " ".join(CliRunner().invoke(app, [*args, "--no-bundled-results"]).output.split())
    assert "0 stored" in said and "shipped" not in said

    # replicate: the shipped run is not run again (nothing executes, so no model is loaded)
    run = next(r for r in plan.runs if r.stored)
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}")  # a model folder (replicate refuses one without)
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(app, ["replicate", "all", "--preset", "proxy", "--train-examples", "200", "--eval-examples", "30",
                                      "--system", run.spec.system, "--task", run.spec.target.task, "--seed", str(run.spec.seed),
                                      "--model", str(tmp_path / "model"), "--data-dir", str(tmp_path / "data"), "--device", "cpu"])
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "0 runs executed" in said and "1 were stored already" in said, said
    assert "note: 1 of the stored runs are not in the store but shipped with claimcheck" in said


def test_a_shipped_run_that_failed_in_the_store_is_run_again(tmp_path, monkeypatch):
    """verify reads the store's record of a run before the shipped one: a failed run there must be
    planned again, not counted as stored because claimcheck ships a finished copy."""
    from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths
    from claimcheck.results.store import RunStore
    from claimcheck.replication.workflow import PlanRequest, make_plan

    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    req = PlanRequest(preset="proxy", train_examples=200, eval_examples=30)
    shipped = {r.run_id: r for r in load_result_paths([BUNDLED_RESULTS], check_ids=False)}
    run = next(r for r in make_plan(req).runs if r.stored)
    failed = shipped[run.spec.run_id].model_copy(update={"status": "failed", "error": "worker lost", "metrics": []})
    (tmp_path / "home").mkdir()
    with RunStore(tmp_path / "home" / "runs.sqlite") as s:
        s.save_many([failed])
    again = {r.spec.run_id: r for r in make_plan(req).runs}[run.spec.run_id]
    assert not again.stored and not again.blocked


def test_a_plan_under_other_settings_than_the_runs_at_hand_says_so(tmp_path, monkeypatch):
    """The shipped runs of a target used one example count; planning that target under another would
    give two protocols that verify refuses to pool: the plan warns before anything runs."""
    from claimcheck.replication.workflow import PlanRequest, bundled_ok_records, make_plan

    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    req = PlanRequest(preset="proxy", train_examples=200, eval_examples=100)
    plan = make_plan(req)
    have = {(r.system, r.spec["target"]["task"], r.seed) for r in bundled_ok_records()}
    clashing = [r for r in plan.todo if (r.spec.system, r.spec.target.task, r.spec.seed) in have]
    assert clashing, "some shipped runs used other example counts"
    (note,) = [n for n in plan.notes if "under other settings" in n]
    assert note.startswith(f"{len(clashing)} of the runs to do") and "claimcheck runs remove" in note
    import dataclasses

    fresh = make_plan(dataclasses.replace(req, include_bundled_results=False))  # nothing at hand: nothing to clash with
    assert not any("under other settings" in n for n in fresh.notes)


def test_what_blocks_a_run_is_asked_once_per_arm_and_target_not_per_seed(monkeypatch):
    """A run's data (its arm's, its target's) do not change with its seed: ``_blocked_uses`` (a task
    lookup and a head check per slice, and a data folder's file checks) is asked as often for 9 seeds as
    for 1, and every seed of a pair gets the same reason."""
    import claimcheck.replication.plan as plan_module

    real, asked = plan_module._blocked_uses, []

    def counting(uses, *args, **kwargs):
        asked.append(tuple(uses))
        return real(uses, *args, **kwargs)

    monkeypatch.setattr(plan_module, "_blocked_uses", counting)
    lacking = frozenset({"tatoeba/test-af.af.txt.xz"})
    checked = []

    def file_check(task, split, rel):
        checked.append(rel)
        return MISSING if rel in lacking else ""

    needs = [Need("MNLI", ("xnli", "tatoeba")), Need("XLM-R", ("xnli", "tatoeba"))]
    counts = []
    for seeds in (1, 9):
        asked.clear(), checked.clear()
        plan = build_plan(needs, PRESETS["paper"], seeds, local_data=True, file_check=file_check)
        counts.append((len(asked), len(checked)))
        reasons = {}
        for r in plan.runs:
            reasons.setdefault((r.spec.system, r.spec.target.task), set()).add(r.blocked)
        assert reasons == {("MNLI", "xnli"): {""}, ("XLM-R", "xnli"): {""},
                           ("MNLI", "tatoeba"): {"the data folder has no tatoeba/test-af.af.txt.xz"},
                           ("XLM-R", "tatoeba"): {"the data folder has no tatoeba/test-af.af.txt.xz"}}
        assert all(s.blocked == "" for s in plan.stages) and len(plan.stages) == seeds
    assert counts[0] == counts[1]


def test_specs_that_do_not_change_with_the_seed_or_target_are_made_once_and_shared(monkeypatch):
    """An arm's intermediate stage for a seed is one object for every target it serves, and a target's
    spec one object for all its seeds: each is hashed (and its text written) once, not once per run."""
    import collections
    import pickle

    import claimcheck.replication.spec as spec_module
    from claimcheck.replication.spec import IntermediateSpec, TargetSpec

    real, written = spec_module._fields_json, collections.Counter()
    monkeypatch.setattr(spec_module, "_fields_json", lambda obj, *a: written.update([type(obj)]) or real(obj, *a))
    plan = build_plan([Need("MNLI", ("xnli", "pawsx", "tatoeba"))], PRESETS["paper"], 4)
    assert (written[TargetSpec], written[IntermediateSpec]) == (3, 4)
    assert len(plan.runs) == 12 and len(plan.stages) == 4
    by_seed = {}
    for r in plan.runs:
        by_seed.setdefault(r.spec.seed, set()).add(id(r.spec.intermediate))
    assert all(len(ids) == 1 for ids in by_seed.values()) and len({i for ids in by_seed.values() for i in ids}) == 4
    assert {id(s.spec) for s in plan.stages} == {i for ids in by_seed.values() for i in ids}
    assert len({id(r.spec.target) for r in plan.runs}) == 3
    assert len({r.spec.run_id for r in plan.runs}) == 12  # still one run each
    again = pickle.loads(pickle.dumps(plan))
    assert again == plan and [r.spec.run_id for r in again.runs] == [r.spec.run_id for r in plan.runs]

"""From claims to runs: which (system, target, seed) runs the claims need under a preset, which
intermediate stages they share, which are already stored, and what the rest would cost.

Pure: the store lookup is passed in as a set of run ids. The cost is an *estimate*:
FLOPs ≈ 6 · params · tokens for training and 2 · params · tokens for evaluation (params = the model's
non-embedding parameters; tokens = examples × epochs × the task's typical length), converted to hours
at the assumed throughputs named below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.errors import InputError
from claimcheck.replication.heads import head_available
from claimcheck.replication.presets import Preset
from claimcheck.replication.spec import DataUse, IntermediateSpec, RunSpec, TargetSpec, TrainHParams
from claimcheck.replication.tasks import TASKS
from claimcheck.replication.tasks.declaration import TaskDecl

ASSUMED_GPU = "one A100-class GPU sustaining 100 TFLOP/s in bf16 (about a third of its dense peak)"
ASSUMED_GPU_FLOPS = 100e12
ASSUMED_CPU = "a 2-core CPU sustaining 40 GFLOP/s in float32"
# measured: mE5-small fine-tuning on XNLI rows (44 tokens) on a shared 2-core box ran at 19-60 GFLOP/s
ASSUMED_CPU_FLOPS = 40e9
MISSING = "missing"  # what a FileCheck says of a file the data folder lacks
DEFAULT_EVAL_SIZE = 2_000  # examples per evaluated slice when the data do not say (estimate only)


@dataclass(frozen=True)
class Need:
    """A claim needs this system run on these targets (empty = every target of the preset)."""

    system: str
    tasks: tuple[str, ...] = ()
    claim: str = ""


@dataclass(frozen=True)
class PlannedRun:
    spec: RunSpec
    stored: bool = False
    blocked: str = ""  # why it cannot run with what is installed / available


@dataclass(frozen=True)
class PlannedStage:
    spec: IntermediateSpec
    run_ids: tuple[str, ...]
    blocked: str = ""


@dataclass(frozen=True)
class Cost:
    train_flops: float
    eval_flops: float

    @property
    def gpu_hours(self) -> float:
        return (self.train_flops + self.eval_flops) / ASSUMED_GPU_FLOPS / 3600

    @property
    def cpu_hours(self) -> float:
        return (self.train_flops + self.eval_flops) / ASSUMED_CPU_FLOPS / 3600


@dataclass(frozen=True)
class Plan:
    preset: str
    fidelity: str
    seeds: tuple[int, ...]
    runs: tuple[PlannedRun, ...]
    stages: tuple[PlannedStage, ...]
    cost: Cost  # of what is neither stored nor blocked
    notes: tuple[str, ...] = field(default=())

    @property
    def todo(self) -> list[PlannedRun]:
        return [r for r in self.runs if not r.stored and not r.blocked]


def needs_from_claims(claims: Iterable) -> list[Need]:
    """Each claim's ``replication_arms`` on its derivation's ``tasks`` (all targets when absent), plus the
    baseline its comparison is made against: the derivation's ``baseline``, or the derivations' default
    (``derivation_params.DEFAULT_BASELINE``, what the verifier compares with), not a preset's arm name."""
    needs: list[Need] = []
    for claim in claims:
        arms = list(getattr(claim, "replication_arms", []) or [])
        if not arms:
            continue
        params = claim.derivation.params or {}
        tasks = params.get("tasks") or []
        if not tasks and isinstance(params.get("expect"), dict):  # direction_per_task: {task: up|down|no_gain}
            tasks = list(params["expect"])
        baseline = params.get("baseline", DEFAULT_BASELINE)
        for system in dict.fromkeys(arms + [baseline]):
            needs.append(Need(system, tuple(tasks), claim.id))
    return needs


FileCheck = Callable[[TaskDecl, str, str], str]  # (task, split, relative path) -> what is wrong, "" if usable


def _blocked_uses(uses: Iterable[DataUse], local_data: bool | None = None, file_check: FileCheck | None = None) -> str:
    """Why these slices cannot be read ("" when they can). ``local_data``: True with --data-dir (a split
    with a declared local file is read from it, others from the hub: ``load_examples``), False for the
    hub alone, None when the source is not checked. ``file_check``: what is wrong with a declared local
    file of the data folder (missing, unreadable, answers hidden), or None not to look."""
    problems: list[tuple[str, str]] = []
    for use in uses:
        task = TASKS.get(use.task)
        if task is None:
            return f"unknown task {use.task!r}"
        if task.unavailable:
            return f"{use.task}: {task.unavailable}"
        if not head_available(task.kind):
            return f"the {task.kind} head is not installed yet (task {use.task})"
        if task.hub is None and (local_data is False or (local_data and use.split not in task.local)):
            return (f"{use.task} has no hub source: it needs local files (--data-dir)" if not local_data
                    else f"{use.task} {use.split} has neither a local file nor a hub source")
        if local_data and file_check is not None and use.split in task.local:
            problems += [(rel, why) for rel in task.local_paths(use.split, use.language) if (why := file_check(task, use.split, rel))]
    if problems:
        (rel, why), n = problems[0], len(dict(problems)) - 1
        more = f" (and {n} more file{'s' if n > 1 else ''})" if n else ""
        return f"the data folder has no {rel}{more}" if why == MISSING else f"{rel}: {why}{more}"
    return ""


def data_files(preset) -> set[str]:
    """Every local file (relative path) the preset's runs would read from a data folder."""
    uses = [u for arm in preset.arms for u in arm.train]
    for target in preset.targets:
        uses += [u for u in (target.train, target.dev) if u is not None] + list(target.evals)
    return {rel for u in uses if (task := TASKS.get(u.task)) is not None for rel in task.local_paths(u.split, u.language)}


def build_plan(
    needs: Iterable[Need],
    preset: Preset,
    seeds: int = 3,
    *,
    stored_ids: frozenset[str] | set[str] = frozenset(),
    model_name: str | None = None,
    systems: Iterable[str] = (),
    tasks: Iterable[str] = (),
    only_seeds: Iterable[int] = (),
    local_data: bool | None = None,
    file_check: FileCheck | None = None,
) -> Plan:
    """The runs ``needs`` call for under ``preset`` with seeds 1..``seeds``, optionally filtered to some
    arms (``systems``; an arm no claim needs is added, on the targets the claims need), targets, and
    seeds (``only_seeds``, each within 1..``seeds``: one arm's seeds spread over workers or machines).
    ``local_data`` and ``file_check`` (see ``_blocked_uses``) block the runs whose data cannot be read."""
    encoder = preset.model.encoder if model_name is None else dataclasses.replace(preset.model.encoder, name=model_name)
    only_systems, only_tasks = set(systems), set(tasks)
    seed_list = tuple(range(1, seeds + 1))
    only = sorted(set(only_seeds))
    outside = [k for k in only if k not in seed_list]
    if outside:
        raise InputError(f"seed(s) {', '.join(map(str, outside))} are outside 1..{seeds} (--seeds {seeds})", field="--seed")
    if only:
        seed_list = tuple(only)
    no_arm = sorted(s for s in only_systems if preset.arm(s) is None)
    if no_arm:  # as for --task: a typo ("mnli") must not plan nothing and exit 0
        raise InputError(f"{', '.join(map(repr, no_arm))} is not an arm of preset {preset.name!r}; its arms: "
                         f"{', '.join(a.system for a in preset.arms)}", field="--system")
    unknown = sorted(only_tasks - {t.task for t in preset.targets})
    if unknown:
        raise InputError(f"{', '.join(map(repr, unknown))} is not a target of preset {preset.name!r}; its targets: "
                         f"{', '.join(t.task for t in preset.targets)}", field="--task")
    wanted: dict[tuple[str, str], None] = {}
    needs = list(needs)
    if not needs and not only_systems:
        return Plan(preset.name, preset.fidelity, seed_list, (), (), estimate_cost([], (), preset),
                    ("none of the chosen claims needs runs (setup, background and cited claims, and claims whose "
                     "source is unavailable, are not replicated)",))
    asked = {n.system for n in needs}
    all_tasks = tuple(dict.fromkeys(t for n in needs for t in n.tasks)) if all(n.tasks for n in needs) else ()
    for system in only_systems - asked:  # an arm named with --system that no claim asks for: add it
        needs.append(Need(system, all_tasks, "--system"))
    missing: dict[str, list[str]] = {}  # what the preset lacks -> claims that ask for it
    for need in needs:
        arm = preset.arm(need.system)
        if arm is None:
            missing.setdefault(f"system {need.system!r} has no arm", []).append(need.claim)
            continue
        for target in need.tasks or tuple(t.task for t in preset.targets):
            if preset.target(target) is None:
                missing.setdefault(f"target {target!r} is not a target", []).append(need.claim)
                continue
            if (not only_systems or need.system in only_systems) and (not only_tasks or target in only_tasks):
                wanted[(need.system, target)] = None
    runs: list[PlannedRun] = []
    stages: dict[str, tuple[IntermediateSpec, list[str], str]] = {}
    inters: dict[tuple[str, int], IntermediateSpec] = {}  # one per arm and seed, whatever the target
    for system, task in wanted:
        arm, target = preset.arm(system), preset.target(task)
        # what blocks a run is its arm's and target's data, the same for every seed: asked once per pair
        # (each ask looks up every slice's task and whether its head is installed)
        stage_blocked = _blocked_uses(arm.train, local_data, file_check)
        own = [u for u in (target.train, target.dev) if u is not None]
        blocked = (stage_blocked or _blocked_uses(own, local_data, file_check)
                   or _blocked_uses(target.evals, local_data, file_check))
        # the specs that do not change with the seed are made once and shared, as their kept texts and
        # hashes are: the target's for its seeds, an intermediate stage's for the targets it serves
        tspec = TargetSpec(task, target.evals, target.train, target.hparams, target.dev)
        deviations = preset.deviations + arm.deviations + target.deviations
        for seed in seed_list:
            inter = None
            if arm.train:
                inter = inters.get((system, seed))
                if inter is None:
                    inter = inters[system, seed] = IntermediateSpec(system, arm.train, preset.intermediate_hparams, encoder, seed)
            spec = RunSpec(
                paper_id=preset.paper_id, system=system, preset=preset.name, fidelity=preset.fidelity, seed=seed,
                encoder=encoder, intermediate=inter, target=tspec, deviations=deviations,
            )
            runs.append(PlannedRun(spec, spec.run_id in stored_ids, blocked))
            if inter is not None:
                _, ids, _ = stages.setdefault(inter.key, (inter, [], stage_blocked))
                ids.append(spec.run_id)
    planned_stages = tuple(PlannedStage(s, tuple(ids), b) for s, ids, b in stages.values())
    notes = tuple(
        f"{what} in preset {preset.name!r} (asked for by {', '.join(dict.fromkeys(c for c in claims if c)) or 'the request'})"
        for what, claims in missing.items()
    )
    cost = estimate_cost(runs, planned_stages, preset)
    return Plan(preset.name, preset.fidelity, seed_list, tuple(runs), planned_stages, cost, notes)


def _size(use: DataUse, *, training: bool) -> int:
    """Examples in a slice: its rows and limit when given, else the task's training size / a default."""
    n = use.rows[1] - use.rows[0] if use.rows is not None else None
    if use.limit is not None:
        n = use.limit if n is None else min(n, use.limit)
    if n is None:
        task = TASKS.get(use.task)
        n = task.train_size if training and task is not None and task.train_size else DEFAULT_EVAL_SIZE
    return n


def _train_tokens(uses: Iterable[DataUse], hp: TrainHParams) -> float:
    return sum(_size(u, training=True) * hp.epochs * TASKS[u.task].mean_tokens for u in uses if u.task in TASKS)


def estimate_cost(runs: list[PlannedRun], stages: tuple[PlannedStage, ...], preset: Preset) -> Cost:
    """FLOPs of what is left to do: each needed intermediate stage once, each target training once (runs
    that share a fine-tune, like XQuAD and MLQA, count it once), each run's evaluation."""
    params = preset.model.params
    todo = [r for r in runs if not r.stored and not r.blocked]
    needed_stages = {r.spec.intermediate.key for r in todo if r.spec.intermediate}
    train = sum(6 * params * _train_tokens(s.spec.train, s.spec.hparams) for s in stages if s.spec.key in needed_stages)
    evals = 0.0
    tuned: set[str] = set()
    for r in todo:
        t = r.spec.target
        if t.train is not None and t.hparams is not None and r.spec.finetune_key not in tuned:
            tuned.add(r.spec.finetune_key)
            train += 6 * params * _train_tokens((t.train,), t.hparams)
        for use in t.evals:
            tokens = _size(use, training=False) * TASKS[use.task].mean_tokens * (2 if TASKS[use.task].kind == "retrieval" else 1)
            evals += 2 * params * tokens
    return Cost(train, evals)

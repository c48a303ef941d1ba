"""The library calls behind ``claimcheck plan`` and ``claimcheck replicate``: claims → plan → runs.

Torch-free at import: training is imported only when ``replicate`` executes runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.replication.plan import Need, Plan, build_plan, needs_from_claims
from claimcheck.replication.presets import PRESETS, Preset, with_limits
from claimcheck.replication.runners.base import Progress, RunContext, RunOutcome


@dataclass(frozen=True)
class PlanRequest:
    claims: tuple[str, ...] = ("all",)
    preset: str = "smoke"
    seeds: int = 3
    only_seeds: tuple[int, ...] = ()  # only these of 1..seeds (--seed)
    registry: tuple[Path, ...] = ()
    store: Path | None = None
    systems: tuple[str, ...] = ()  # only these arms
    tasks: tuple[str, ...] = ()  # only these targets
    train_examples: int | None = None
    eval_examples: int | None = None
    model: str | None = None  # --model ID|PATH
    data_dir: Path | None = None  # --data-dir: declared local files are read from it (and checked by plan)
    include_bundled_results: bool = True  # runs shipped with claimcheck count as stored, as verify uses them


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise InputError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}", field="--preset") from None


def _looks_like_a_path(model: str) -> bool:
    """A name no hub id can be (hub ids are NAME or NAMESPACE/NAME, never starting with '.', '/' or '~')."""
    return model.startswith(("/", ".", "~")) or model.count("/") > 1 or "\\" in model or model.endswith("/")


def check_data_dir(data_dir: Path | str | None) -> None:
    """Refuse a ``--data-dir`` that is not a folder, saying whether it is missing or a file."""
    if data_dir is None or Path(data_dir).is_dir():
        return
    if Path(data_dir).exists():
        raise InputError("is a file, not a data folder (give the folder that holds the task folders)", path=str(data_dir),
                         field="--data-dir")
    raise InputError("no such data folder", path=str(data_dir), field="--data-dir")


def check_model_location(preset: Preset, model: str | None) -> None:
    """Refuse a ``--model`` that cannot be a model, before anything is planned or run: a file, a folder
    without ``config.json`` (every model folder has one; the loaders read it), and a path that is not
    there (one the preset needs, or one no hub id could be, which the hub would answer with a message
    about repo ids)."""
    if model is None:
        return
    path = Path(model)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise InputError("not a model folder: it has no config.json", path=model, field="--model")
    elif path.exists():
        raise InputError("is a file, not a model folder (give the folder that holds config.json)", path=model, field="--model")
    elif preset.model.needs_path or _looks_like_a_path(model):
        raise InputError("no such model directory", path=model, field="--model")


def model_name_for(preset: Preset, model: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The model identity that enters the hashes, and the deviation a substitution adds.

    A preset whose model is a local pack (proxy) keeps its declared name: ``--model`` only says where
    it is. Otherwise ``--model`` substitutes the model: a hub id is its own name; a local directory is
    named by its folder name and the sha256 of its config."""
    if model is None or preset.model.needs_path or preset.model.encoder.random_init:
        return None, ()
    path = Path(model)
    if path.is_dir():
        config = path / "config.json"
        digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12] if config.exists() else "noconfig"
        name = f"local:{path.name}:{digest}"
    else:
        name = model
    if name == preset.model.encoder.name:
        return None, ()
    return name, (f"model substituted: {name} instead of {preset.model.encoder.name}",)


def resolve_preset(req: PlanRequest) -> Preset:
    preset = with_limits(get_preset(req.preset), req.train_examples, req.eval_examples)
    check_model_location(preset, req.model)
    _, extra = model_name_for(preset, req.model)
    return dataclasses.replace(preset, deviations=preset.deviations + extra) if extra else preset


def needs_for(req: PlanRequest, preset: Preset) -> list[Need]:
    from claimcheck.claims.registry import load_registry

    registry = load_registry(list(req.registry))
    needs = needs_from_claims(registry.select(list(req.claims) or ["all"]))
    if not needs and req.claims in ((), ("all",)):  # no claim asks for replication: the whole preset
        needs = [Need(a.system) for a in preset.arms]
    return needs


def make_plan(req: PlanRequest, check_files: bool = False) -> Plan:
    """The plan for the requested claims, with what the store already holds marked as stored (a store
    that is not there yet reads as empty, but a path that can hold none is refused, as ``replicate``
    would refuse it).

    ``check_files`` (the ``plan`` command): with a data folder, a run whose local files are missing, or
    (extractive QA) unreadable or without one non-blank gold answer, is listed as blocked, with why. ``replicate`` leaves that check to loading, which stops with the file
    named (bad input, exit 2) instead of quietly skipping the run."""
    from claimcheck.results.store import open_store
    from claimcheck.results.store_file import refuse_a_path_that_holds_no_store

    preset = resolve_preset(req)
    if req.seeds < 1:
        raise InputError("--seeds must be at least 1", field="--seeds")
    from claimcheck.home import default_store_path

    store_path = req.store or default_store_path()
    refuse_a_path_that_holds_no_store(store_path, field="--store" if req.store else None)
    stored_records: list = []
    failed: set[str] = set()
    if Path(store_path).exists():  # planning never creates a store
        with open_store(store_path, readonly=True) as store:
            stored_records, failed = store.records(status="ok"), store.failed_ids()
    stored = {r.run_id for r in stored_records}
    # a shipped run counts unless the store holds that run (verify reads the store's record first: a
    # failed one there is retried, not hidden behind the shipped one)
    shipped_records = [r for r in bundled_ok_records() if r.run_id not in stored | failed] if req.include_bundled_results else []
    bundled = {r.run_id for r in shipped_records}
    name, _ = model_name_for(get_preset(req.preset), req.model)
    local = req.data_dir is not None or preset.needs_data_dir or preset.name == "smoke"
    file_check = _file_check(Path(req.data_dir)) if check_files and req.data_dir is not None else None
    plan = build_plan(needs_for(req, preset), preset, req.seeds, stored_ids=stored | bundled, model_name=name,
                      systems=req.systems, tasks=req.tasks, only_seeds=req.only_seeds, local_data=local, file_check=file_check)
    notes = []
    shipped = sum(r.spec.run_id in bundled for r in plan.runs)
    if shipped:
        notes.append(f"{shipped} of the stored runs are not in the store but shipped with claimcheck (its bundled "
                     "results, which verify uses); --no-bundled-results plans them as runs to do")
    clashes = other_settings(plan, stored_records + shipped_records)
    if clashes:
        notes.append(f"{clashes} of the runs to do have a stored or shipped run of the same arm, target, seed and preset "
                     "under other settings (other example counts, say): verify never pools two protocols, so the "
                     "claims that need them would name both runs instead of a verdict. Plan with the settings of the "
                     "runs you have, or retire those first (`claimcheck runs remove`)")
    return dataclasses.replace(plan, notes=plan.notes + tuple(notes)) if notes else plan


def _file_check(data_dir: Path):
    """What is wrong with a declared local file of ``data_dir`` (``plan.FileCheck``); each file is read
    once, however many runs use it."""
    from claimcheck.replication.tasks.loading import local_file_problem

    seen: dict[str, str] = {}

    def file_check(task, split: str, rel: str) -> str:
        if rel not in seen:
            seen[rel] = local_file_problem(task, split, data_dir / rel)
        return seen[rel]

    return file_check


def other_settings(plan: Plan, records: list) -> int:
    """How many of the plan's runs to do meet a finished run (``records``) of the same paper, arm,
    target, seed and preset whose run id differs, i.e. one run under other settings."""
    have: dict[tuple, set[str]] = {}
    for r in records:
        key = (r.paper_id, r.system, str(r.spec.get("target", {}).get("task", "")), r.seed, r.preset)
        have.setdefault(key, set()).add(r.run_id)
    return sum(1 for run in plan.todo
               if have.get((run.spec.paper_id, run.spec.system, run.spec.target.task, run.spec.seed, run.spec.preset), set())
               - {run.spec.run_id})


def bundled_ok_records() -> list:
    """The finished runs shipped with claimcheck (``results/bundled``)."""
    from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths

    if not BUNDLED_RESULTS.is_dir():
        return []
    return [r for r in load_result_paths([BUNDLED_RESULTS], check_ids=False) if r.status == "ok"]


def bundled_ok_ids() -> set[str]:
    """Run ids of the finished runs shipped with claimcheck."""
    return {r.run_id for r in bundled_ok_records()}


def run_context(req: PlanRequest, *, data_dir: Path | None, device: str, home: Path | None = None,
                keep_checkpoints: bool = False) -> RunContext:
    """Where the model and data are on this machine; the smoke preset makes its own kit when not given.
    A home whose path is not UTF-8 is refused before anything is written under it (``check_home``)."""
    from claimcheck.home import claimcheck_home, home_variable

    preset = get_preset(req.preset)
    if home is None:
        variable = home_variable()
        home = claimcheck_home()
        check_home(home, variable, from_password_database=variable is None)
    else:
        check_home(home)
    model = req.model
    if preset.name == "smoke" and (model is None or data_dir is None):
        from claimcheck.replication.smoke import save_smoke_kit

        kit_data, kit_model = save_smoke_kit(home / "smoke-kit")
        model, data_dir = model or str(kit_model), data_dir or kit_data
    if preset.model.needs_path and model is None:
        raise InputError(f"the {preset.name} preset needs --model PATH: {preset.model.note}", field="--model")
    if preset.needs_data_dir and data_dir is None:
        raise InputError(f"the {preset.name} preset reads local files: pass --data-dir (e.g. ../shared/data)", field="--data-dir")
    check_data_dir(data_dir)
    check_model_location(preset, model)
    return RunContext(home=home, model_path=model, data_dir=Path(data_dir) if data_dir else None, device=device,
                      keep_checkpoints=keep_checkpoints)


def check_home(home: Path, variable: str | None = None, *, from_password_database: bool = False) -> None:
    """Refuse a claimcheck home whose path holds a byte that is not UTF-8 (``/data/caf\\xe9``, as a Latin-1
    system names a folder), naming it and where it came from: ``variable`` (the environment variable that placed
    it), or, ``from_password_database``, this user's home folder in the password database (``HOME`` unset). Runs keep
    the datasets cache (``cache/datasets``) and the smoke kit under the home, and the libraries that read
    them take UTF-8 paths only: pyarrow, through which ``datasets`` reads its cache, stopped every run with
    a UnicodeEncodeError that ``load_local`` reported as the data file's ("cannot read as xnli_tsv"), and
    tokenizers, writing the smoke kit, with a traceback."""
    from claimcheck.home import not_utf8_path

    why = not_utf8_path(home)
    if why is None:
        return
    if from_password_database:
        why += "; HOME is unset, so it lies under this user's home folder as the password database gives it"
    raise InputError(
        f"the claimcheck home is not a UTF-8 path ({why}): `replicate` keeps the datasets cache "
        f"({home / 'cache' / 'datasets'}) and the smoke kit under it, and pyarrow and tokenizers, which read them, take "
        "UTF-8 paths only; set CLAIMCHECK_HOME to a folder whose path is UTF-8 (the run store can stay where it is: "
        "--store names it)", path=str(home), field=variable)


@dataclass(frozen=True)
class ReplicateResult:
    """``plan``: as planned, except that a run to do which another process stored before the runner came
    to it (so the runner skipped it) is marked stored, with a note saying how many (its ``cost`` is
    still the planned one). ``outcomes``: one per run executed."""

    plan: Plan
    outcomes: tuple[RunOutcome, ...]

    @property
    def failed(self) -> list[RunOutcome]:
        return [o for o in self.outcomes if o.record.status != "ok"]


RUNNERS = ("local", "ray")


def make_runner(name: str = "local", ray_address: str | None = None):
    """The runner named by ``--runner``: ``local`` (this process) or ``ray`` (``ray_address``: None starts a
    local Ray instance; ``auto`` or ``ray://host:10001`` joins an existing cluster)."""
    if name not in RUNNERS:
        raise InputError(f"unknown runner {name!r}; known: {', '.join(RUNNERS)}", field="--runner")
    if name == "local":
        if ray_address is not None:
            raise InputError("--ray-address needs --runner ray", field="--ray-address")
        from claimcheck.replication.runners.local import LocalRunner

        return LocalRunner()
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise InputError("the ray runner needs the 'ray' package (pip install 'claimcheck[ray]')", field="--runner")
    from claimcheck.replication.runners.ray_runner import RayRunner

    return RayRunner(ray_address)


def replicate(req: PlanRequest, ctx: RunContext, progress: Progress | None = None, runner=None) -> ReplicateResult:
    """Run what the plan still needs (everything not stored and not blocked), storing each run."""
    from claimcheck.replication.environment import static_provenance
    from claimcheck.results.store import open_store

    static_provenance()  # the revision of the code this process loaded, before any run starts
    plan = make_plan(req)
    if runner is None:
        from claimcheck.replication.runners.local import LocalRunner

        runner = LocalRunner()
    with open_store(req.store) as store:
        try:
            outcomes = runner.run([r.spec for r in plan.todo], ctx, store, progress)
        except KeyboardInterrupt:
            todo = {r.spec.run_id for r in plan.todo}
            raise Interrupted(len(todo), len(todo & store.ok_ids()), store.path) from None
        plan = stored_meanwhile(plan, outcomes, store)
    return ReplicateResult(plan, tuple(outcomes))


def stored_meanwhile(plan: Plan, outcomes, store) -> Plan:
    """``plan`` with the runs to do that were not executed because another process stored them after this
    one planned (a runner skips a run stored by the time it comes to it) marked stored, and a note
    saying how many: counted with the runs stored already, not as executed, nor left out of the count."""
    left = {r.spec.run_id for r in plan.todo} - {o.record.run_id for o in outcomes}
    meanwhile = left & store.ok_ids() if left else set()
    if not meanwhile:
        return plan
    runs = tuple(dataclasses.replace(r, stored=True) if r.spec.run_id in meanwhile else r for r in plan.runs)
    note = (f"{len(meanwhile)} of the runs to do were stored by another process writing this store (another replicate, "
            "say) after this one planned them, so they were not run again here")
    return dataclasses.replace(plan, runs=runs, notes=plan.notes + (note,))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during ``replicate``: ``done`` of the ``todo`` runs it set out to do are in the store
    (each run is written in one transaction when it finishes; an unfinished one leaves no record)."""

    def __init__(self, todo: int, done: int, store: Path):
        super().__init__(f"{done} of {todo}")
        self.todo, self.done, self.store = todo, done, store


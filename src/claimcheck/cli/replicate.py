"""Commands: plan and replicate (the stored runs: ``cli/runs.py``). Training is imported only by `replicate`."""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import EXIT_CONTRADICTED, NoBundledOpt, RegistryOpt, StoreOpt, app, err, expected_errors, given, out
from claimcheck.visible import visible

ClaimsArg = Annotated[list[str] | None, typer.Argument(help="Claim ids or paper ids, or 'all' (default).")]
PresetOpt = Annotated[str, typer.Option("--preset", help="paper | reduced | proxy | smoke (plan defaults to paper, to show the full cost; replicate to smoke, a quick self-check)")]
# at most 1000: the most seeds the verifier ever says would decide a claim (stats: cap=1000), so more could decide
# nothing more; not for the planning's sake, which takes about 2 s at 1000 seeds (`plan all`, either preset)
SeedsOpt = Annotated[int, typer.Option("--seeds", min=1, max=1000, help="Seeds per arm and target (seeds 1..N, the same in every arm; at most 1000).")]
SeedOpt = Annotated[list[int] | None, typer.Option("--seed", help="Only this seed of 1..N (repeatable), e.g. to spread one arm's seeds over workers.")]
ModelOpt = Annotated[str | None, typer.Option("--model", parser=given("--model", str, "give a model hub id or a local folder, or leave out --model for the preset's model"),
                                              metavar="<str>", help="Model hub id or local directory (proxy: the unpacked mE5-small).")]
SystemOpt = Annotated[list[str] | None, typer.Option("--system", help="Only this arm, e.g. MNLI or XLM-R (repeatable).")]
TaskOpt = Annotated[list[str] | None, typer.Option("--task", help="Only this target task, e.g. xnli (repeatable).")]
TrainNOpt = Annotated[int | None, typer.Option("--train-examples", min=1, help="Use the first N examples of every training slice.")]
EvalNOpt = Annotated[int | None, typer.Option("--eval-examples", min=1, help="Use the first N examples of every evaluated slice.")]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", parser=given("--data-dir"), metavar="<path>", help="Local XTREME-format files (e.g. ../shared/data): a task split with a local file is read from here, the rest from the hub.")]
RunnerOpt = Annotated[str, typer.Option("--runner", help="local (this process) | ray (one Ray task per stage and per run).")]
RayAddressOpt = Annotated[str | None, typer.Option(
    "--ray-address",
    help="With --runner ray: 'auto' or ray://HOST:10001 joins an existing cluster (its nodes must share $CLAIMCHECK_HOME); "
    "default: start Ray on this machine.",
)]


def _request(claims, preset, seeds, registry, store, system, task, train_examples, eval_examples, model, seed=None,
             data_dir=None, no_bundled_results=False):
    from claimcheck.replication.workflow import PlanRequest

    return PlanRequest(
        claims=tuple(claims or ["all"]), preset=preset, seeds=seeds, only_seeds=tuple(seed or []),
        registry=tuple(registry or []), store=store,
        systems=tuple(system or []), tasks=tuple(task or []), train_examples=train_examples,
        eval_examples=eval_examples, model=model, data_dir=data_dir, include_bundled_results=not no_bundled_results,
    )


def _hours(h: float) -> str:
    """Hours to two decimals; two significant figures below 0.1 (a proxy plan is not "0.00")."""
    if h >= 0.1 or h == 0:
        return f"{h:,.2f}"
    return f"{h:.2g}" if h >= 0.001 else "< 0.001"


def _print_plan(plan) -> None:
    """The plan as a table and lines. Every text that may come from a file (a note names a claim's
    system or target, a blocked run's reason a data file's problem) is shown by ``visible``, so a control
    character or bidi mark in it reaches the terminal as its escape, as reports/terminal.py shows it."""
    from rich.table import Table

    from claimcheck.replication.plan import ASSUMED_CPU, ASSUMED_GPU

    table = Table("system", "target", "seeds stored", "to run", "note", title=f"preset {plan.preset} ({plan.fidelity})")
    rows: dict[tuple[str, str], list] = {}
    for r in plan.runs:
        row = rows.setdefault((r.spec.system, r.spec.target.task), [0, 0, ""])
        row[0] += r.stored
        row[1] += not r.stored and not r.blocked
        row[2] = row[2] or r.blocked
    for (system, task), (stored, todo, blocked) in rows.items():
        table.add_row(visible(system), visible(task), str(stored), str(todo), visible(blocked))
    out.print(table)
    shared = [s for s in plan.stages if len(s.run_ids) > 1]
    out.print(f"{len(plan.runs)} runs ({len(plan.todo)} to run, {sum(r.stored for r in plan.runs)} stored, "
              f"{sum(bool(r.blocked) and not r.stored for r in plan.runs)} blocked); "
              f"{len(plan.stages)} intermediate stages, {len(shared)} shared by several targets")
    out.print(f"estimated cost of what is left: {_hours(plan.cost.gpu_hours)} GPU-hours on {ASSUMED_GPU}; "
              f"{_hours(plan.cost.cpu_hours)} hours on {ASSUMED_CPU} "
              f"(FLOPs ≈ 6·params·tokens to train + 2·params·tokens to evaluate; an estimate, not a measurement)")
    for note in plan.notes:
        out.print(visible(f"note: {note}"))


@app.command("plan")
@expected_errors
def plan_cmd(
    claims: ClaimsArg = None, preset: PresetOpt = "paper", seeds: SeedsOpt = 3, seed: SeedOpt = None,
    registry: RegistryOpt = None, store: StoreOpt = None, system: SystemOpt = None, task: TaskOpt = None,
    train_examples: TrainNOpt = None, eval_examples: EvalNOpt = None, model: ModelOpt = None, data_dir: DataDirOpt = None,
    no_bundled_results: NoBundledOpt = False,
) -> None:
    """List the runs the claims need, which are stored, and an estimated cost of the rest. A run whose
    data cannot be read the way `replicate` would read it (the hub, or --data-dir, whose files are
    checked) is listed as blocked. Runs shipped with claimcheck count as stored, as `verify` uses
    them (--no-bundled-results: not).

    Example: claimcheck plan all --preset proxy --seeds 3
    """
    from claimcheck.replication.workflow import check_data_dir, make_plan

    check_data_dir(data_dir)
    _print_plan(make_plan(_request(claims, preset, seeds, registry, store, system, task, train_examples, eval_examples, model, seed,
                                   data_dir, no_bundled_results), check_files=True))


class _RichProgress:
    """Progress bars on stderr for the library's progress sink. A description or note may hold a run's
    error text (a crashed run's: anything, escape sequences included): shown by ``visible``."""

    def __init__(self, progress):
        self.progress = progress

    def task(self, description: str, total: int | None):
        bars, task_id = self.progress, self.progress.add_task(visible(description), total=total)

        class _Task:
            def advance(self, n: int = 1) -> None:
                bars.advance(task_id, n)

            def describe(self, text: str) -> None:
                bars.update(task_id, description=visible(text))

            def close(self) -> None:
                bars.remove_task(task_id)

        return _Task()

    def note(self, text: str) -> None:
        self.progress.console.print(visible(text), markup=False)


@app.command("replicate")
@expected_errors
def replicate_cmd(
    claims: ClaimsArg = None, preset: PresetOpt = "smoke", seeds: SeedsOpt = 3, seed: SeedOpt = None, model: ModelOpt = None,
    data_dir: DataDirOpt = None,
    device: Annotated[str, typer.Option("--device", help="auto | cpu | cuda")] = "auto",
    store: StoreOpt = None, registry: RegistryOpt = None, system: SystemOpt = None, task: TaskOpt = None,
    train_examples: TrainNOpt = None, eval_examples: EvalNOpt = None,
    keep_checkpoints: Annotated[bool, typer.Option("--keep-checkpoints", help="Keep each run's fine-tuned weights.")] = False,
    runner: RunnerOpt = "local",
    ray_address: RayAddressOpt = None,
    no_bundled_results: NoBundledOpt = False,
) -> None:
    """Run what the claims still need and store every finished run (resumes where a killed run stopped).
    A run shipped with claimcheck is not run again unless --no-bundled-results is given.

    Exit code 1 when a run failed for a reason other than bad input (it is stored as failed); 130 on
    Ctrl-C, after saying how many of the runs to do are stored (the same command resumes).

    Example: claimcheck replicate all --preset proxy --model ./me5 --data-dir ../shared/data --system MNLI --task xnli

    Example: claimcheck replicate all --preset paper --runner ray --ray-address auto
    """
    import re

    from claimcheck.errors import InputError

    if not re.fullmatch(r"auto|cpu|cuda(:[0-9]+)?", device):  # before the store is made or torch imported
        raise InputError(f"unknown device {device!r}; use auto, cpu, cuda or cuda:N", field="--device")

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from claimcheck.replication.workflow import Interrupted, make_runner, replicate, run_context

    req = _request(claims, preset, seeds, registry, store, system, task, train_examples, eval_examples, model, seed, data_dir,
                   no_bundled_results)
    run_with = make_runner(runner, ray_address)
    ctx = run_context(req, data_dir=data_dir, device=device, keep_checkpoints=keep_checkpoints)
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bars:
            result = replicate(req, ctx, _RichProgress(bars), runner=run_with)
    except Interrupted as stop:  # Ctrl-C: say what is kept and how to go on, without a traceback
        err.print(visible(f"interrupted: {stop.done} of the {stop.todo} runs to do are in the store {stop.store} "
                          "(a run is stored when it finishes; the one under way is not); the same command resumes"),
                  markup=False)
        raise typer.Exit(130) from None
    written = sum(o.written for o in result.outcomes)
    out.print(f"{len(result.outcomes)} runs executed, {written} written to the store, {len(result.failed)} failed; "
              f"{len(result.plan.runs) - len(result.plan.todo)} were stored already or blocked")
    for note in result.plan.notes:
        out.print(visible(f"note: {note}"))
    for o in result.failed:  # the error's first line: a crashed run's text, which may hold escape sequences
        first = (o.record.error.splitlines() or [""])[0]
        err.print(visible(f"failed: {o.record.run_id} {o.record.system} seed {o.record.seed}: {first}"), markup=False)
    if result.failed:
        raise typer.Exit(EXIT_CONTRADICTED)

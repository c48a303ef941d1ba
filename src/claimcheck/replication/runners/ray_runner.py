"""The Ray runner: the local runner's plan fanned out over a Ray cluster.

    driver (replicate --runner ray)                 workers (any node)
      one task per intermediate stage ─────────►  pipeline.ensure_intermediate(ispec, ctx)
      one task per run, given its stage's ref ──►  pipeline.execute_run(spec, ctx)
      ◄── each run's record as a dict, saved to the store by the driver as soon as it arrives

* **Dependencies**: a run's task takes its intermediate stage's ObjectRef as an argument, so Ray starts
  it only once the stage has finished (and holds no worker while it waits); the stage is trained once
  and shared by every target that starts from it. Baseline runs start at once.
* **Resources**: one CPU per task by default; one GPU per task when the cluster has GPUs (and the
  context does not ask for ``device="cpu"``).
* **Lost workers**: a task whose worker dies (killed, out of memory, node lost) is retried up to
  ``max_retries`` times and resumes from its last training checkpoint (see ``stages.py``). Exceptions
  are retried only when they are infrastructure errors (``OSError``, ``MemoryError``, out-of-memory);
  a bug fails the same way twice and is not retried. A run that still fails is stored as
  ``status="failed"`` with its error, never as a result; bad input (a ``ClaimcheckError``) stops the
  replication with its message, as in the local runner.
* **One store, one writer**: workers return records as dicts; the driver validates and saves each one
  the moment it completes, in its own transaction, so a killed driver loses nothing that finished
  (its stages stay done on disk, and the next ``replicate`` rebuilds their records without retraining).
* **Other processes on the store** (another ``replicate``, local or Ray): the driver claims each run in
  the store (``RunStore.claim``) and asks the store again (``has_ok``) just before submitting its task,
  and holds the claim until it has stored the run's record (or stops). A run stored meanwhile is
  skipped; one claimed elsewhere is put off, tried again every ``RETRY_SECONDS`` while the rest runs,
  then waited for: skipped once stored, submitted here if that process let go without storing it. An
  intermediate stage is submitted with the first of its runs that this driver submits, so a stage only
  runs elsewhere need is not trained here, and a run submitted late still starts from its stage.
* **Fine-tunes**: the driver holds a use (``StageUses``) of each fine-tune of its list from the start,
  and drops one (``cleanup_run``) once the last of its runs using it is stored, and then only if no
  other process (another ``replicate``, with another list) still uses it. A worker drops a fine-tune
  only one run of the list uses, and only where nothing holds a use of it (a driver that cannot see
  the work folder).
* **Progress**: workers report through a mailbox actor to the driver's ``Progress`` (``ray_progress.py``).

Pointing it at an existing cluster
----------------------------------
1. Install the same claimcheck (and torch/transformers/datasets) on every node.
2. Give every node the same **shared filesystem** path for the claimcheck home, e.g. NFS at
   ``/shared/claimcheck``, and ``export CLAIMCHECK_HOME=/shared/claimcheck`` where the driver runs: the
   runner sends the driver's paths (home, ``--model``, ``--data-dir``) to the workers as they are, and
   stage checkpoints written by one node are read by another. The run store is written by the driver
   only (``--store`` may live on the driver's local disk).
3. Head node: ``ray start --head --port=6379``; every other node: ``ray start --address=HEAD:6379``.
   (With Ray's token authentication, ``RAY_AUTH_MODE=token``, every node and the driver need the same
   token: ``RAY_AUTH_TOKEN`` or ``~/.ray/auth_token``.)
4. On the head node: ``claimcheck replicate all --preset paper --runner ray --ray-address auto``;
   from another machine, through Ray Client: ``--ray-address ray://HEAD:10001``.
Without ``--ray-address`` the runner starts a Ray instance on this machine and stops it at the end.

What runs on the workers is in ``ray_tasks.py``; the driver's claims, put-off runs and fine-tune uses
(``Dispatch``) in ``ray_dispatch.py``.

Ray is imported only inside this module's functions (``import claimcheck.cli`` must stay light).
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Sequence
from pathlib import Path

from claimcheck.errors import ClaimcheckError, NetworkError
from claimcheck.replication.runners.base import NullProgress, Progress, RunContext, RunOutcome
from claimcheck.replication.runners.local import order_runs
from claimcheck.replication.runners.ray_dispatch import Dispatch
from claimcheck.replication.runners.ray_progress import Mailbox, ProgressRelay
from claimcheck.replication.runners.ray_tasks import InfrastructureError, describe_error, run_task, stage_task
from claimcheck.replication.spec import RunSpec

DEFAULT_MAX_RETRIES = 3
RETRY_SECONDS = 1.0  # how often the driver tries again to claim a run another process holds


def task_resources(cluster: dict, device: str, cpus_per_task: float = 1.0) -> dict:
    """Ray resource options of one task: a GPU each when the cluster has any and the run may use one."""
    gpus = 1 if cluster.get("GPU", 0) >= 1 and device != "cpu" else 0
    return {"num_cpus": cpus_per_task, "num_gpus": gpus}


def absolute_context(ctx: RunContext) -> RunContext:
    """Workers do not share the driver's working directory: send absolute paths."""
    model = ctx.model_path
    if model is not None and Path(model).exists():
        model = str(Path(model).resolve())
    return dataclasses.replace(ctx, home=Path(ctx.home).resolve(), model_path=model,
                               data_dir=Path(ctx.data_dir).resolve() if ctx.data_dir else None)


def _raise_input_error(payload: dict) -> None:
    module, _, name = payload["cls"].partition(":")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        cls = ClaimcheckError
    raise cls(payload["message"], path=payload["path"], field=payload["field"])


def _describe_ray_error(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, InfrastructureError):
        return f"InfrastructureError (after retries): {cause}"
    if cause is not None:
        return describe_error(cause)
    return f"{type(exc).__name__}: {str(exc).strip()[:2000]}"


def _run_name(spec: RunSpec) -> str:
    return f"{spec.system} / {spec.target.task} / seed {spec.seed}"


class RayRunner:
    """Executes runs as Ray tasks and stores each record from the driver.

    ``address``: None starts a local Ray instance (unless Ray is already initialised in this process,
    which is then used as it is); ``"auto"`` joins the cluster this machine belongs to; ``"ray://host:10001"``
    connects through Ray Client. A Ray instance this runner started is shut down when ``run`` returns.
    ``run`` returns one outcome per run it executed: a run another process stored meanwhile has none
    (see the module's "other processes on the store").
    """

    def __init__(self, address: str | None = None, *, max_retries: int = DEFAULT_MAX_RETRIES,
                 cpus_per_task: float = 1.0, init_options: dict | None = None):
        self.address, self.max_retries, self.cpus_per_task = address, max_retries, cpus_per_task
        self.init_options = init_options or {}

    def _connect(self) -> bool:
        """Initialise Ray if needed; True when this runner owns (and must shut down) the instance."""
        import ray

        if ray.is_initialized():
            return False
        options = {"include_dashboard": False, "log_to_driver": False, **self.init_options}
        if self.address:
            options.pop("include_dashboard")  # a setting of the cluster, not of a client
        try:
            ray.init(address=self.address, **options)
        except ConnectionError as exc:  # no cluster at that address (or a wrong token)
            raise NetworkError(f"cannot reach the Ray cluster at {self.address}: {exc}", field="--ray-address") from None
        return True

    def run(self, specs: Sequence[RunSpec], ctx: RunContext, store, progress: Progress | None = None) -> list[RunOutcome]:
        progress = progress or NullProgress()
        stored = store.ok_ids()
        todo = [s for s in order_runs(specs) if s.run_id not in stored]
        if not todo:
            return []
        n_stages = len({s.intermediate.key for s in todo if s.intermediate})
        bar_stages, bar_runs = progress.task("intermediate stages", n_stages), progress.task("runs", len(todo))
        dispatch = Dispatch(store, todo, ctx)
        try:
            first = []
            for spec in todo:
                taken = dispatch.take(spec)
                if taken == "run":
                    first.append(spec)
                elif taken == "elsewhere":
                    dispatch.put_off.append(spec)
                else:
                    bar_runs.advance()
            if not first and not dispatch.put_off:  # all stored by another process meanwhile: no Ray needed
                return []
            return self._run_claimed(first, dispatch, ctx, progress, (bar_stages, bar_runs))
        finally:
            dispatch.release_all()  # after the tasks were cancelled (``_run_claimed``'s own finally)
            bar_stages.close()
            bar_runs.close()

    def _run_claimed(self, first: list[RunSpec], dispatch: Dispatch, ctx: RunContext, progress: Progress,
                     bars: tuple) -> list[RunOutcome]:
        import ray

        ctx = absolute_context(ctx)
        owned = self._connect()
        mailbox = relay = None
        try:
            if not isinstance(progress, NullProgress):
                mailbox = ray.remote(num_cpus=0)(Mailbox).remote()
                relay = ProgressRelay(progress, mailbox)
            dispatch.submit = self._submitter(dispatch, ctx, mailbox)
            for spec in first:
                dispatch.submit(spec)
            return self._collect(dispatch, progress, relay, *bars)
        finally:
            for ref in dispatch.pending:  # stopped early (bad input, Ctrl-C): do not leave work running
                try:
                    ray.cancel(ref, force=False)
                except Exception:  # already finished, or the cluster is gone: nothing left to stop
                    pass
            if relay is not None:
                relay.close()
                ray.kill(mailbox)
            if owned:
                ray.shutdown()

    def _submitter(self, dispatch: Dispatch, ctx: RunContext, mailbox):
        """A function submitting one claimed run: its intermediate stage's task first, unless already
        submitted (a stage is trained once, and every run that starts from it is given its ref)."""
        import ray

        options = {**task_resources(ray.cluster_resources(), ctx.device, self.cpus_per_task),
                   "max_retries": self.max_retries, "retry_exceptions": [InfrastructureError]}
        remote_stage, remote_run = ray.remote(stage_task), ray.remote(run_task)

        def submit(spec: RunSpec) -> None:
            ispec, stage_ref = spec.intermediate, None
            if ispec is not None:
                if ispec.key not in dispatch.stages:
                    name = f"intermediate {ispec.system} seed {ispec.seed}"
                    dispatch.stages[ispec.key] = remote_stage.options(name=name, **options).remote(ispec, ctx, mailbox)
                    dispatch.pending[dispatch.stages[ispec.key]] = ("stage", ispec)
                stage_ref = dispatch.stages[ispec.key]
            ref = remote_run.options(name=f"run {_run_name(spec)}", **options).remote(spec, ctx, mailbox, stage_ref,
                                                                                    dispatch.shared)
            dispatch.pending[ref] = ("run", spec)

        return submit

    @staticmethod
    def _retry_put_off(dispatch: Dispatch, bar_runs) -> None:
        """Claim again the runs another process held: submit those it let go of without storing them,
        skip those it stored."""
        still = []
        for spec in dispatch.put_off:
            taken = dispatch.take(spec)
            if taken == "run":
                dispatch.submit(spec)
            elif taken == "stored":
                bar_runs.advance()
            else:
                still.append(spec)
        dispatch.put_off = still

    def _collect(self, dispatch: Dispatch, progress: Progress, relay, bar_stages, bar_runs) -> list[RunOutcome]:
        """Store each run's record the moment its task completes (failed runs as failed records), and
        submit a put-off run once another process lets go of it."""
        import ray

        from claimcheck.replication.pipeline import failed_record
        from claimcheck.results.records import RunRecord

        outcomes: list[RunOutcome] = []
        pending, noted, tried = dispatch.pending, set(), time.monotonic()
        while pending or dispatch.put_off:
            if dispatch.put_off and (not pending or time.monotonic() - tried >= RETRY_SECONDS):
                self._retry_put_off(dispatch, bar_runs)
                tried = time.monotonic()
            if not pending:
                for spec in dispatch.put_off:  # nothing of ours in flight: only waiting on other processes
                    if spec.run_id not in noted:
                        noted.add(spec.run_id)
                        holder = dispatch.store.claim_holder(spec.run_id)
                        progress.note(f"waiting for run {spec.run_id} ({_run_name(spec)}), which another process"
                                      f"{f' ({holder})' if holder else ''} is running on this store")
                if dispatch.put_off:
                    time.sleep(RETRY_SECONDS)
                continue
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
            if relay is not None:
                relay.drain()
            for ref in ready:
                kind, item = pending.pop(ref)
                try:
                    value = ray.get(ref)
                except Exception as exc:  # retries exhausted: a lost worker, a raised infrastructure error
                    value = {"error": _describe_ray_error(exc)}
                if relay is not None:
                    relay.finish(item.key if kind == "stage" else item.run_id)
                if "input_error" in value:
                    _raise_input_error(value["input_error"])
                first = value["error"].splitlines()[0] if "error" in value else ""
                if kind == "stage":
                    if first:
                        progress.note(f"intermediate stage {item.system} seed {item.seed} failed: {first}")
                    bar_stages.advance()
                    continue
                if "record" in value:
                    record = RunRecord.model_validate(value["record"])
                else:
                    record = failed_record(item, value["error"])
                    progress.note(f"run {item.run_id} failed: {first}")
                outcomes.append(RunOutcome(record, dispatch.store.save(record)))  # stored before the claim ends
                dispatch.stored(item, record.status == "ok")
                bar_runs.advance()
                bar_runs.describe(f"runs (last: {_run_name(item)})")
        return outcomes

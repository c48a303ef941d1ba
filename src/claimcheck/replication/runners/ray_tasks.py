"""What the Ray runner runs on the workers: an intermediate stage (``stage_task``) and a run (``run_task``).

Both are module-level: Ray pickles them by reference, and every node imports them from its own claimcheck.
Each returns a dict, and bad input and bugs come back as values (``_guarded``): ``{"path": ...}`` (a
stage done), ``{"record": ...}`` (a run's record, which the driver saves), ``{"error": ...}`` (the run is
stored as failed) or ``{"input_error": ...}`` (a ``ClaimcheckError``, raised again on the driver).
Infrastructure errors (``OSError``, ``MemoryError``, out-of-memory) raise ``InfrastructureError``, which
Ray retries.
"""

from __future__ import annotations

import traceback

from claimcheck.errors import ClaimcheckError
from claimcheck.replication.runners.base import RunContext
from claimcheck.replication.runners.ray_progress import RelayedProgress
from claimcheck.replication.spec import IntermediateSpec, RunSpec


class InfrastructureError(RuntimeError):
    """Raised in a worker for a failure worth retrying elsewhere or later (the original error as text)."""


def is_infrastructure_error(exc: BaseException) -> bool:
    """Failures of the machine, not of the code or the input: worth a retry."""
    if isinstance(exc, ClaimcheckError):
        return False
    return isinstance(exc, (OSError, MemoryError)) or type(exc).__name__.endswith("OutOfMemoryError")


def describe_error(exc: BaseException) -> str:
    """``Type: message`` and the last frames of the traceback (what a failed record keeps)."""
    tail = "".join(traceback.format_exception(exc)[-3:]).strip()
    return f"{type(exc).__name__}: {exc}\n{tail}"


def _input_error(exc: ClaimcheckError) -> dict:
    cls = type(exc)
    return {"input_error": {"cls": f"{cls.__module__}:{cls.__qualname__}", "message": exc.message,
                            "path": exc.path, "field": exc.field}}


def _guarded(call) -> dict:
    """Run ``call``; bad input and bugs come back as values, infrastructure errors raise (Ray retries)."""
    try:
        return call()
    except ClaimcheckError as exc:
        return _input_error(exc)
    except Exception as exc:
        if is_infrastructure_error(exc):
            raise InfrastructureError(describe_error(exc)) from None
        return {"error": describe_error(exc)}


def stage_task(ispec: IntermediateSpec, ctx: RunContext, mailbox) -> dict:
    from claimcheck.replication.pipeline import ensure_intermediate

    progress = RelayedProgress(mailbox, ispec.key) if mailbox is not None else None
    return _guarded(lambda: {"path": str(ensure_intermediate(ispec, ctx, progress))})


def run_task(spec: RunSpec, ctx: RunContext, mailbox, stage: dict | None, shared: frozenset = frozenset()) -> dict:
    """One run; ``stage`` is the value of its intermediate stage's task (Ray resolved the ref first);
    ``shared``: fine-tunes other runs of the plan use too (the driver drops them after the last)."""
    if stage is not None and "input_error" in stage:
        return stage
    if stage is not None and "error" in stage:
        return {"error": f"intermediate stage {spec.intermediate.key} failed: {stage['error']}"}
    from claimcheck.replication.pipeline import cleanup_run, execute_run

    def call() -> dict:
        progress = RelayedProgress(mailbox, spec.run_id) if mailbox is not None else None
        record = execute_run(spec, ctx, progress)
        # the stage's done.json keeps the numbers: if the driver dies before saving, a re-run rebuilds the record
        cleanup_run(spec, ctx, shared)
        return {"record": record.model_dump(mode="json")}

    return _guarded(call)


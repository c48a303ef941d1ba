"""What every runner shares: the context a run needs on this machine, progress reporting, the interface.

Torch-free: the CLI builds these before any heavy import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from claimcheck.results.records import RunRecord


@dataclass(frozen=True)
class RunContext:
    """Where things are on this machine (none of it enters a run's hash)."""

    home: Path  # claimcheck home: work/ (stage checkpoints), cache/ (datasets cache)
    model_path: str | None = None  # pretrained model directory or hub id; None = the spec's model name
    data_dir: Path | None = None  # local XTREME-format files; None = load from the hub
    device: str = "auto"  # "auto" | "cpu" | "cuda"
    keep_checkpoints: bool = False  # keep each run's fine-tuned weights after its record is stored
    eval_batch_size: int = 64
    checkpoint_every: int = 50  # optimizer steps between resumable training checkpoints ...
    checkpoint_seconds: float = 120.0  # ... and at least this long between two (a kill loses at most this much)
    cpu_threads: int | None = None  # torch intra-op threads on a CPU; None: torch's default (the smoke preset: 1)

    @property
    def work(self) -> Path:
        return self.home / "work"

    @property
    def cache(self) -> Path:
        return self.home / "cache" / "datasets"


class ProgressTask(Protocol):
    def advance(self, n: int = 1) -> None: ...
    def describe(self, text: str) -> None: ...
    def close(self) -> None: ...


class Progress(Protocol):
    """A sink for progress bars: one task per long step (training steps, evaluation batches, runs)."""

    def task(self, description: str, total: int | None) -> ProgressTask: ...
    def note(self, text: str) -> None: ...


class _NullTask:
    def advance(self, n: int = 1) -> None:
        pass

    def describe(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class NullProgress:
    def task(self, description: str, total: int | None) -> ProgressTask:
        return _NullTask()

    def note(self, text: str) -> None:
        pass


@dataclass(frozen=True)
class RunOutcome:
    record: RunRecord
    written: bool  # False when an ok record with this id was already stored
    reused_stages: tuple[str, ...] = ()


class Runner(Protocol):
    """Executes run specs and writes each finished run to the store (one transaction per run).

    A runner must: run an intermediate stage before any target that starts from it (and only once);
    skip runs whose ok record is already stored; record an infrastructure failure as ``status="failed"``
    and go on; let ``ClaimcheckError`` (bad input: a missing data file, a wrong --model) propagate.
    ``run`` returns one outcome per run it executed. Another process may write the same store: a
    runner claims each run (``RunStore.claim``) and asks the store again (``has_ok``) just before
    executing it (``RayRunner``: its driver, before submitting the run's task), holding the claim until
    the run's record is stored, so a run stored or being run elsewhere is not executed twice.
    ``LocalRunner`` does this in-process; a cluster runner fans the same units of work
    (``pipeline.ensure_intermediate`` then ``pipeline.execute_run``) out over workers.
    """

    def run(self, specs: Sequence, ctx: RunContext, store, progress: Progress | None = None) -> list[RunOutcome]: ...

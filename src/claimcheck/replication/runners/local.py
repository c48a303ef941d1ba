"""The in-process runner: one machine, CPU or one GPU, runs in order, intermediate stages first.

Runs are grouped by their intermediate stage so each stage is trained once and its targets follow it.
Every finished run is written to the store in its own transaction before the next one starts; a run
that fails for a reason other than bad input is stored as ``status="failed"`` and the loop goes on.

Several processes may write one store at once (two ``replicate`` commands, say), each with the list
of runs it read from the store up front. So each run is claimed in the store (``RunStore.claim``)
and the store asked again just before it executes: a run another process stored meanwhile is skipped,
and one another process is executing is put off to the end of the list, then waited for (and skipped
once stored; executed here if that process failed or ended without storing it).

A fine-tune that several runs share is dropped after the last of them (``cleanup_run``), and then only
if no other process uses it: the runner holds a use (``StageUses``) of each fine-tune of its list from
the start until its last run of it is done, so another ``replicate`` with another list, on the same
work folder, does not drop weights that this one is still to read (it leaves them to this one). A
runner that stops early (Ctrl-C) keeps the weights its list still needs, for the command that resumes,
but drops those whose runs the other process has all stored meanwhile (``cleanup_stored_elsewhere``).
"""

from __future__ import annotations

import traceback
from collections import Counter, deque
from collections.abc import Sequence

from claimcheck.errors import ClaimcheckError
from claimcheck.replication.runners.base import NullProgress, Progress, RunContext, RunOutcome
from claimcheck.replication.spec import RunSpec


def order_runs(specs: Sequence[RunSpec]) -> list[RunSpec]:
    """Baseline runs first, then runs grouped by intermediate stage, and within a group the runs that
    share a fine-tune next to each other (otherwise in the given order)."""
    stages: dict[str, int] = {}
    tunes: dict[str, int] = {}
    for i, s in enumerate(specs):
        stages.setdefault(s.intermediate.key if s.intermediate else "", len(stages))
        tunes.setdefault(s.finetune_key or f"run {i}", i)

    def key(item: tuple[int, RunSpec]) -> tuple:
        i, s = item
        return (0 if s.intermediate is None else 1, stages[s.intermediate.key if s.intermediate else ""],
                tunes[s.finetune_key or f"run {i}"], i)

    return [s for _, s in sorted(enumerate(specs), key=key)]


def shared_finetunes(specs: Sequence[RunSpec]) -> frozenset[str]:
    """Fine-tunes (``finetune_key``) that more than one of ``specs`` evaluates."""
    counts = Counter(s.finetune_key for s in specs if s.finetune_key)
    return frozenset(k for k, n in counts.items() if n > 1)


class LocalRunner:
    """Executes runs in this process. ``run`` returns one outcome per run it executed: a run found stored
    (ok) when its turn came, by another process since the list was read, is skipped and has none."""

    def run(self, specs: Sequence[RunSpec], ctx: RunContext, store, progress: Progress | None = None) -> list[RunOutcome]:
        from claimcheck.replication.pipeline import cleanup_run, cleanup_stored_elsewhere, execute_run, failed_record
        from claimcheck.replication.stages import StageUses

        progress = progress or NullProgress()
        stored = store.ok_ids()
        todo = [s for s in order_runs(specs) if s.run_id not in stored]
        to_come = Counter(s.finetune_key for s in todo if s.finetune_key)  # runs still to use each fine-tune
        outcomes: list[RunOutcome] = []
        queue, put_off = deque(todo), set()
        with StageUses(ctx.work, to_come) as uses:  # each let go of by cleanup_run after its last run, or here
            overall = progress.task("runs", len(todo))
            try:
                while queue:
                    spec = queue.popleft()
                    name = f"run {spec.system} / {spec.target.task} / seed {spec.seed}"
                    overall.describe(name)
                    claim = store.claim(spec.run_id)
                    if claim is None:  # another process is executing it
                        if queue and spec.run_id not in put_off:  # the others first, then back to it
                            put_off.add(spec.run_id)
                            queue.append(spec)
                            continue
                        holder = store.claim_holder(spec.run_id)
                        progress.note(f"waiting for run {spec.run_id} ({name[4:]}), which another process"
                                      f"{f' ({holder})' if holder else ''} is running on this store")
                        overall.describe(f"waiting for {name}")
                        claim = store.claim(spec.run_id, wait=True)
                    with claim:
                        if not store.has_ok(spec.run_id):
                            record = self._execute(spec, ctx, progress, execute_run, failed_record)
                            outcomes.append(RunOutcome(record, store.save(record)))  # stored before the claim ends
                        else:  # stored by another process since the list was read: not run again
                            record = None
                        if spec.finetune_key:
                            to_come[spec.finetune_key] -= 1
                        if record is None or record.status == "ok":
                            cleanup_run(spec, ctx, {k for k, n in to_come.items() if n > 0}, uses)
                    overall.advance()
            except BaseException:  # stopped early: drop what other processes finished meanwhile
                cleanup_stored_elsewhere(todo, to_come, ctx, store, uses)
                raise
            finally:
                overall.close()
        return outcomes

    @staticmethod
    def _execute(spec: RunSpec, ctx: RunContext, progress: Progress, execute_run, failed_record):
        try:
            return execute_run(spec, ctx, progress)
        except ClaimcheckError:
            raise
        except Exception as exc:  # an infrastructure failure: recorded, never a result
            tail = "".join(traceback.format_exception(exc)[-3:]).strip()
            progress.note(f"run {spec.run_id} failed: {type(exc).__name__}: {exc}")
            return failed_record(spec, f"{type(exc).__name__}: {exc}\n{tail}")

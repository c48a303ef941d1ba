"""The Ray runner's bookkeeping on the driver (``Dispatch``), for one ``RayRunner.run``: the runs it claimed
in the store, those another process held when their turn came, the tasks in flight, and the fine-tunes
it uses."""

from __future__ import annotations

from collections import Counter

from claimcheck.replication.runners.base import RunContext
from claimcheck.replication.runners.local import shared_finetunes
from claimcheck.replication.spec import RunSpec


class Dispatch:
    """The driver's side of one ``RayRunner.run``: the claims it holds, the runs it put off, the tasks in flight.

    ``take`` claims a run and asks the store again; ``submit`` (set once Ray is connected) sends the run's
    task, and its stage's first. A claim is held until the driver has stored the run's record
    (``stored``), or until ``release_all`` (the driver stops: bad input, Ctrl-C, a store error), and so is
    the use of each fine-tune of the list (``StageUses``) until the last of its runs is done (``_done``)."""

    def __init__(self, store, todo: list[RunSpec], ctx: RunContext):
        from claimcheck.replication.stages import StageUses

        self.store, self.ctx, self.todo = store, ctx, list(todo)
        self.shared = shared_finetunes(todo)  # over the whole list: a worker keeps what a run put off may need
        self.to_come = Counter(s.finetune_key for s in todo if s.finetune_key)  # runs still to use each fine-tune
        self.uses = StageUses(ctx.work, self.to_come)
        self.claims: dict[str, object] = {}  # run id -> RunClaim, held while the run is this driver's
        self.put_off: list[RunSpec] = []  # claimed by another process when their turn came
        self.pending: dict = {}  # ObjectRef -> ("stage", IntermediateSpec) | ("run", RunSpec)
        self.stages: dict[str, object] = {}  # stage key -> ObjectRef (kept: a run submitted late reuses it)
        self.submit = None

    def take(self, spec: RunSpec) -> str:
        """Claim ``spec``: "run" (claimed here, not stored: submit it), "stored" (an ok record is in the
        store: skip it) or "elsewhere" (another process holds its claim)."""
        claim = self.store.claim(spec.run_id)
        if claim is None:
            return "elsewhere"
        if self.store.has_ok(spec.run_id):  # stored by another process since the list was read
            claim.release()
            self._done(spec, True)
            return "stored"
        self.claims[spec.run_id] = claim
        return "run"

    def stored(self, spec: RunSpec, ok: bool) -> None:
        """The run's record is in the store (``ok``: a result, not a failure): let go of its claim."""
        self._done(spec, ok)
        claim = self.claims.pop(spec.run_id, None)
        if claim is not None:
            claim.release()

    def _done(self, spec: RunSpec, ok: bool) -> None:
        """The run is stored: its fine-tune is dropped after the last run of the list that uses it (as the
        local runner does, a failed one keeps it for a retry), unless another process still uses it."""
        from claimcheck.replication.pipeline import cleanup_run

        if spec.finetune_key:
            self.to_come[spec.finetune_key] -= 1
        if ok:
            cleanup_run(spec, self.ctx, {k for k, n in self.to_come.items() if n > 0}, self.uses)

    def release_all(self) -> None:
        """The driver stops (at the end, or early): let go of every claim and use, first dropping the fine-tunes
        whose runs still to come were all stored meanwhile by another process (``cleanup_stored_elsewhere``)."""
        from claimcheck.replication.pipeline import cleanup_stored_elsewhere

        while self.claims:
            self.claims.popitem()[1].release()
        if self.store is not None:  # (a Dispatch built without a store reads none)
            cleanup_stored_elsewhere(self.todo, self.to_come, self.ctx, self.store, self.uses)
        self.uses.release_all()

"""RunSpec: everything that determines a replication run, frozen, with content hashes per stage.

    RunSpec ── encoder: EncoderSpec            which pretrained model, how sentences are pooled
            ├─ intermediate: IntermediateSpec   English intermediate training (None = the baseline arm)
            └─ target: TargetSpec               English target training (None for retrieval) + evaluation

Each stage is cached by the hash of its own sub-spec: ``IntermediateSpec.key`` names the checkpoint that
every target starting from it shares; ``RunSpec.finetune_key`` names the English target training that
targets with the same training share; ``RunSpec.run_id`` names the run (and its record in the store).
Hashes cover what changes the numbers; descriptive text (``deviations``) and where files live on this
machine (model path, data folder, device) do not enter them, so a run done elsewhere on copied files has
the same id. Pure: no torch, no disk.

The hashes are computed once per object (``functools.cached_property``: kept in the instance's
``__dict__``, beside the fields, so equality, hashing, ``repr`` and ``asdict`` do not see them). A spec is
frozen, and ``dataclasses.replace`` builds a new object, which computes its own; nothing may change a
spec's fields behind the dataclass's back (``object.__setattr__``), or its kept hashes would be stale.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from claimcheck.content_hash import content_hash, run_id_of  # content_hash: the stages' cache keys

def to_dict(spec: Any) -> dict:
    return dataclasses.asdict(spec)


@dataclass(frozen=True)
class DataUse:
    """One slice of one task: its split in one language, rows [start, stop), then the first ``limit``."""

    task: str
    split: str
    language: str = "en"
    rows: tuple[int, int] | None = None
    limit: int | None = None

    def describe(self) -> str:
        rows = f" rows {self.rows[0] + 1}-{self.rows[1]}" if self.rows else ""
        limit = f" first {self.limit}" if self.limit is not None else ""
        return f"{self.task}:{self.split}-{self.language}{rows}{limit}"


@dataclass(frozen=True)
class TrainHParams:
    """Optimisation settings (defaults: jiant's XTREME guide values, which are not confirmed as the paper's)."""

    epochs: float = 3.0
    batch_size: int = 4  # examples per micro-batch
    grad_accum: int = 8  # micro-batches per optimizer step (effective batch = batch_size * grad_accum)
    lr: float = 1e-5
    warmup: float = 0.1  # share of optimizer steps with linear warm-up
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    max_length: int = 256  # tokens per feature
    early_stopping: bool = False  # on the English dev slice (``dev`` of the stage), checked every eval_every steps
    eval_every: int = 1000  # optimizer steps between early-stopping evaluations
    patience: int = 30  # evaluations without improvement before stopping
    length_group: int = 50  # micro-batches per length-sorted pool (length-grouped batching)


@dataclass(frozen=True)
class EncoderSpec:
    name: str  # identity: hub id ("xlm-roberta-large") or declared local model name ("me5-small-q4")
    pooling: str = "cls"  # sentence heads: "cls" (XLM-R classification head) or "mean" (mE5)
    text_prefix: str = ""  # prepended to every text ("query: " for mE5)
    retrieval_layer: int | None = None  # hidden_states index for BUCC/Tatoeba; None = last layer
    random_init: bool = False  # build from config only (smoke preset): weights from the seed


@dataclass(frozen=True)
class IntermediateSpec:
    system: str  # the paper's system this stage stands for ("MNLI", "Multi-task" ...)
    train: tuple[DataUse, ...]  # several tasks = multi-task with proportional sampling, one head each
    hparams: TrainHParams
    encoder: EncoderSpec
    seed: int
    dev: tuple[DataUse, ...] = ()  # English dev slices for optional early stopping

    @cached_property
    def key(self) -> str:
        return "i-" + content_hash(to_dict(self))


@dataclass(frozen=True)
class TargetSpec:
    task: str
    evals: tuple[DataUse, ...]  # one slice per evaluated language
    train: DataUse | None = None  # English target training (None: retrieval, evaluated on representations)
    hparams: TrainHParams | None = None
    dev: DataUse | None = None  # English dev slice for optional early stopping
    split_role: str = "dev"  # the role the evaluated rows play in the claim's terms


@dataclass(frozen=True)
class RunSpec:
    paper_id: str
    system: str
    preset: str
    fidelity: str  # "full" | "reduced" | "proxy"
    seed: int
    encoder: EncoderSpec
    intermediate: IntermediateSpec | None
    target: TargetSpec
    precision: str = "auto"  # "auto": bf16 autocast on a GPU, float32 on a CPU
    deviations: tuple[str, ...] = field(default=(), compare=False)

    @cached_property
    def run_id(self) -> str:
        return run_id_of(to_dict(self))

    @cached_property
    def finetune_key(self) -> str | None:
        """The English target training this run evaluates (None for retrieval). Runs that train the same
        kind of head on the same data from the same start share one fine-tuned model: XQuAD and MLQA
        both train on SQuAD, the proxy's three QA targets on TyDiQA-en. The run id still names the run."""
        t = self.target
        if t.train is None:
            return None
        from claimcheck.replication.tasks import get_task  # the task catalog: data, no I/O

        task = get_task(t.task)
        start = self.intermediate.key if self.intermediate else to_dict(self.encoder)
        return "f-" + content_hash({"start": start, "encoder": to_dict(self.encoder), "train": to_dict(t.train),
                                    "dev": to_dict(t.dev) if t.dev else None, "hparams": to_dict(t.hparams) if t.hparams else None,
                                    "head": [task.kind, list(task.labels)], "seed": self.seed, "precision": self.precision})

    def as_json(self) -> dict:
        d = to_dict(self)
        d["run_id"] = self.run_id
        d["intermediate_key"] = self.intermediate.key if self.intermediate else None
        return d

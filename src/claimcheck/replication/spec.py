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

They are ``content_hash`` of the spec as a dict (``to_dict``), but the canonical JSON text is put
together from its parts (``canonical_json``) instead of running ``asdict`` over the whole spec for
every run: the specs that runs share (a data slice, the hyperparameters, the encoder, a target, an
intermediate stage; ``build_plan`` makes one of each for all the runs that hold it) keep their own
text, as they keep a hash. A ``RunSpec`` keeps only its hashes.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from claimcheck.content_hash import HASH_CHARS, NOT_HASHED, canonical


def to_dict(spec: Any) -> dict:
    return dataclasses.asdict(spec)


# content_hash's JSON: sorted keys, no whitespace, text as is. A value's text does not depend on what
# holds it, so the text of a whole is the texts of its parts put together.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_encode_str = json.encoder.encode_basestring  # what that encoder writes a str with (ensure_ascii=False)
_LEAVES = (str, int, float, type(None))  # bool is an int
_KEEPS_TEXT: tuple[type, ...] = ()  # the specs that keep their text (``_json``): set below their classes
_FIELD_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}  # dataclass -> its (field name, '"name":'), sorted


def _is_dataclass_instance(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)  # what dataclasses.asdict recurses into


def _plain(value: Any) -> Any:
    """``value`` as ``dataclasses.asdict`` turns a field's value (for the rare values ``canonical_json``
    does not put together itself: dicts with other keys than text)."""
    if _is_dataclass_instance(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[_plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return type(value)((_plain(k), _plain(v)) for k, v in value.items())
    return copy.deepcopy(value)


def _fields_json(obj: Any, leave_out: tuple[str, ...] = ()) -> str:
    """A dataclass instance's canonical JSON (as ``canonical_json``), without the fields ``leave_out``."""
    keys = _FIELD_KEYS.get(type(obj))
    if keys is None:
        names = sorted(f.name for f in dataclasses.fields(obj))
        keys = _FIELD_KEYS[type(obj)] = tuple((n, _encode(n) + ":") for n in names)
    return "{" + ",".join(k + canonical_json(getattr(obj, n)) for n, k in keys if n not in leave_out) + "}"


def canonical_json(value: Any) -> str:
    """The text ``content_hash`` hashes for ``value`` with every dataclass in it as ``dataclasses.asdict``
    turns it (``to_dict`` of a spec): ``json.dumps`` of it made canonical, sorted keys, no whitespace. Put
    together from the texts of the parts; a spec that keeps its text (``_json``) gives it."""
    if isinstance(value, _KEEPS_TEXT):
        return value._json
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, _LEAVES):  # None, bool, float (integral: as an int), subclasses
        return _encode(canonical(value))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([canonical_json(v) for v in value]) + "]"
    if _is_dataclass_instance(value):
        return _fields_json(value)
    if isinstance(value, dict) and all(type(k) is str for k in value):
        return "{" + ",".join([_encode(k) + ":" + canonical_json(value[k]) for k in sorted(value)]) + "}"
    return _encode(canonical(_plain(value)))


def _hash(text: str) -> str:
    """``content_hash`` of the value whose canonical JSON is ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


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

    @cached_property
    def _json(self) -> str:  # canonical_json(self), kept: every run of a target holds the same slices
        return _fields_json(self)


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

    @cached_property
    def _json(self) -> str:  # canonical_json(self), kept
        return _fields_json(self)


@dataclass(frozen=True)
class EncoderSpec:
    name: str  # identity: hub id ("xlm-roberta-large") or declared local model name ("me5-small-q4")
    pooling: str = "cls"  # sentence heads: "cls" (XLM-R classification head) or "mean" (mE5)
    text_prefix: str = ""  # prepended to every text ("query: " for mE5)
    retrieval_layer: int | None = None  # hidden_states index for BUCC/Tatoeba; None = last layer
    random_init: bool = False  # build from config only (smoke preset): weights from the seed

    @cached_property
    def _json(self) -> str:  # canonical_json(self), kept
        return _fields_json(self)


@dataclass(frozen=True)
class IntermediateSpec:
    system: str  # the paper's system this stage stands for ("MNLI", "Multi-task" ...)
    train: tuple[DataUse, ...]  # several tasks = multi-task with proportional sampling, one head each
    hparams: TrainHParams
    encoder: EncoderSpec
    seed: int
    dev: tuple[DataUse, ...] = ()  # English dev slices for optional early stopping

    @cached_property
    def _json(self) -> str:  # canonical_json(self), kept: each run that starts from this stage holds it
        return _fields_json(self)

    @cached_property
    def key(self) -> str:
        return "i-" + _hash(self._json)  # content_hash(to_dict(self))


@dataclass(frozen=True)
class TargetSpec:
    task: str
    evals: tuple[DataUse, ...]  # one slice per evaluated language
    train: DataUse | None = None  # English target training (None: retrieval, evaluated on representations)
    hparams: TrainHParams | None = None
    dev: DataUse | None = None  # English dev slice for optional early stopping
    split_role: str = "dev"  # the role the evaluated rows play in the claim's terms

    @cached_property
    def _json(self) -> str:  # canonical_json(self), kept: each seed's run of the target holds it
        return _fields_json(self)


_KEEPS_TEXT = (DataUse, TrainHParams, EncoderSpec, IntermediateSpec, TargetSpec)


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
        return "r-" + _hash(_fields_json(self, NOT_HASHED))  # content_hash.run_id_of(to_dict(self))

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
        start = self.intermediate.key if self.intermediate else self.encoder
        # content_hash of this dict with to_dict of each spec in it
        return "f-" + _hash(canonical_json({"start": start, "encoder": self.encoder, "train": t.train,
                                            "dev": t.dev if t.dev else None, "hparams": t.hparams if t.hparams else None,
                                            "head": [task.kind, list(task.labels)], "seed": self.seed, "precision": self.precision}))

    def as_json(self) -> dict:
        d = to_dict(self)
        d["run_id"] = self.run_id
        d["intermediate_key"] = self.intermediate.key if self.intermediate else None
        return d

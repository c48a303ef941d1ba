"""Run records: one executed replication run, with its metrics and provenance.

This is the contract between the replication engine (which writes records) and the verifier (which
reads them as observations). It is plain validated data with no dependence on torch, so result
files written elsewhere (a GPU machine, a cluster, a colleague) can be verified anywhere.

A record is immutable once written. A failed run is still a record (``status="failed"`` with its
error text): the verifier turns it into ``infra_failure``, never into a negative result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from claimcheck.model import Field, Model, ValidationInfo, field_validator, model_validator

SCHEMA_VERSION = 1

Fidelity = Literal["full", "reduced", "proxy"]


class _Frozen(Model):
    """The base of the run record's parts (frozen, unknown fields refused: ``claimcheck.model``)."""


# Numbers are numbers. pydantic's lax mode reads `true` as 1 (a metric value of 1.0, seed 1) and
# "70.5" as 70.5; its strict mode still takes an integer as a number but refuses a boolean or a text,
# and a whole number written with a fraction. JSON Schema's "number" and "integer" say the same.
# Metric and Provenance are strict throughout (their other fields are texts and mappings, which JSON
# gives as they are), RunRecord in its numbers.
_STRICT = {"strict": True}


class Metric(_Frozen):
    """One number a run produced: task x language x metric on a split (value in points, 0-100)."""

    model_config = _STRICT

    task: str  # canonical XTREME/intermediate task name: "xnli", "tydiqa", "bucc2018" ...
    language: str  # ISO code, or "avg" for a value already averaged over languages
    metric: str  # "accuracy", "f1", "em"
    # the role of the evaluation set in the claim's terms: "dev", "test", or "train" (a labelled
    # training file scored because the dev answers are hidden, as the proxy's TyDiQA); see SPLITS
    split: str
    value: float
    n_examples: int | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("metric value must be finite (a failed evaluation is a failed run)")
        return v


SPLITS = ("dev", "test", "train")


def metric_problem(m: Metric) -> tuple[str, str] | None:
    """(field, message) when a metric read from a result file is off the scale or split, else None.
    Checked where records come in (files, ``runs import``), not by the model itself, so a store
    written by an older version stays readable (and its runs removable) whatever it holds."""
    if m.split not in SPLITS:
        return "split", f"split {m.split!r} is not one of {', '.join(map(repr, SPLITS))}"
    if not 0 <= m.value <= 100:
        return "value", f"metric value {m.value} is not in points (0 to 100); a fraction such as 0.71 is written 71.0"
    return None


class Provenance(_Frozen):
    model_config = _STRICT

    packages: dict[str, str] = Field(default_factory=dict)  # name -> version
    git_revision: str = ""
    python: str = ""
    platform: str = ""
    device: str = ""  # "cpu", "cuda:0 (NVIDIA H100 ...)"
    dtype: str = ""  # "float32", "bfloat16 autocast, bf16 LayerNorm in training" (older runs: "bfloat16 autocast")
    started_at: str = ""  # ISO 8601, UTC
    finished_at: str = ""
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    data_files: dict[str, str] = Field(default_factory=dict)  # file name -> sha256
    model_sha256: str = ""
    host: str = ""


class RunRecord(_Frozen):
    schema_version: int = Field(default=SCHEMA_VERSION, strict=True)
    run_id: str  # content hash of the spec (the cache key)
    paper_id: str  # paper whose protocol the run follows
    system: str  # the paper's system this arm stands for: "XLM-R" (baseline), "MNLI", "Multi-task" ...
    seed: int = Field(ge=-(2**63), lt=2**63, strict=True)  # what the run store (SQLite INTEGER) holds
    preset: str  # "paper", "reduced", "proxy", "smoke"
    fidelity: Fidelity
    deviations: list[str] = Field(default_factory=list)  # every way the run differs from the paper
    spec: dict = Field(default_factory=dict)  # the full RunSpec as JSON
    status: Literal["ok", "failed"] = "ok"
    error: str | None = None
    metrics: list[Metric] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)

    @field_validator("run_id")
    @classmethod
    def _addressable(cls, v: str, info: ValidationInfo) -> str:
        if v.isprintable() and not v.isspace() and v:  # every id the engine writes: one C call
            return v
        if info.context is STORED:  # read back from a store written before this check: still readable, removable
            return v
        problem = run_id_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _status_rules(self) -> RunRecord:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version} is not supported (expected {SCHEMA_VERSION})")
        if self.status == "failed" and not self.error:
            raise ValueError("a failed run needs its error text")
        if self.fidelity != "full" and not self.deviations:
            raise ValueError(f"a {self.fidelity} run must list its deviations from the paper")
        return self


# the validation context of a record read back from the run store (``RunRecord.model_validate_json(text,
# context=STORED)``): a run id that ``run_id_problem`` refuses was let in by an older version, and the
# store must stay readable, and the run removable, all the same
STORED: dict = {"stored": True}


def run_id_problem(run_id: str) -> str | None:
    """Why ``run_id`` cannot name a run, or None: an empty id, which no command can be given, one
    holding a control character or a line break, which splits the one line per run (its fields
    between tabs) that ``runs list`` prints and is hard to give on a command line, or one holding a lone
    surrogate (a record made in Python with a byte of a file name that was not UTF-8, ``os.fsdecode``),
    which the store's UTF-8 text cannot hold: refused here, naming the field, rather than by sqlite3's
    UnicodeEncodeError when the run is claimed or stored. ``RunRecord`` calls it only for an id that is
    not ``isprintable`` (a lone surrogate is not), so the engine's ids cost one C call."""
    if not run_id.strip():
        return f"run id {run_id!r} is empty: no command could name the run (the engine names a run by its spec's hash, r-...)"
    import unicodedata

    for char in run_id:
        category = unicodedata.category(char)
        if category == "Cs":
            return (f"run id {run_id!r} holds U+{ord(char):04X}, a lone surrogate ({surrogate_cause(ord(char))}): the run "
                    "store's UTF-8 text cannot hold it, nor can a claim on the run be named by it (the engine names a "
                    "run by its spec's hash, r-...)")
        if category in ("Cc", "Zl", "Zp"):
            return (f"run id {run_id!r} holds a control character or line break (U+{ord(char):04X}): `runs list` prints "
                    "one run per line, its fields between tabs, and a command could hardly name it")
    return None


SURROGATE = "[\ud800-\udfff]"  # a surrogate, as a regex class: a result file's, a stored record's, a run id's


def surrogate_cause(code: int) -> str:
    """What the lone surrogate ``code`` stands for: a byte that was not UTF-8 (U+DC80 to U+DCFF, as Python
    reads a file name, an argument or an environment variable holding one), else half of a UTF-16 pair."""
    if byte := not_utf8_byte(code):
        return f"no character: {byte} of a text that was not UTF-8, as Python reads one"
    return "half of a UTF-16 pair, no character"


def not_utf8_byte(code: int) -> str | None:
    """The byte (``"byte 0xe9"``) that the lone surrogate ``code`` stands for, one of U+DC80 to U+DCFF
    (``surrogateescape``, as Python reads a file name, an argument or an environment variable holding a
    byte that is not UTF-8); None for another code point (``home.not_utf8_path`` says so too)."""
    return f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else None


@dataclass(frozen=True, slots=True)
class Observation:
    """One row of the long table that derivations read (a plain dataclass: built in hot loops)."""

    system: str
    task: str
    language: str
    metric: str
    split: str
    seed: int | None  # None for a paper's reported cell
    value: float
    lo: float  # interval: equal to value for a measured number,
    hi: float  # widened by half a unit of the last digit for a written one
    origin: str  # "cell:<source>:<locator>" or "run:<run_id>"


def record_observations(record: RunRecord) -> list[Observation]:
    """The observations a successful run contributes (none for a failed run)."""
    if record.status != "ok":
        return []
    system, seed, origin = record.system, record.seed, f"run:{record.run_id}"
    # Positional (field order above): the verifier builds one per metric of every run.
    return [Observation(system, m.task, m.language, m.metric, m.split, seed, m.value, m.value, m.value, origin)
            for m in record.metrics]

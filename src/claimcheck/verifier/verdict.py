"""Verdicts: per tier, overall by an explicit rule table, and the report that carries them.

These are the stable, documented JSON objects that ``claimcheck report --format json`` writes
(``VerificationReport.model_json_schema()`` is exported by ``claimcheck schema --results``).
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

from claimcheck.model import Field, Model
from claimcheck.model import set_dict as _set_dict, set_fields_set as _set_fields_set


class _Frozen(Model):
    """The base of the verdict records (frozen, unknown fields refused: ``claimcheck.model``)."""


_M = TypeVar("_M", bound=Model)
_REQUIRED = object()
# per model class: (every field in declaration order -> its default, or _REQUIRED, or None for a
# default_factory), (field, factory) pairs, the required fields, the number of fields, their names in order
_PLANS: dict[type, tuple[dict[str, Any], tuple, frozenset[str], int, tuple[str, ...]]] = {}
# per (model class, the fields a caller gives, in its order; see ``trusted``): the (field, factory)
# pairs of the fields it leaves to their factories, and the fields set of the objects built from it (one
# set shared by them all, as ``_SPAN_FIELDS_SET``). The callers give a few dozen such orders.
_SHAPES: dict[tuple[type, tuple[str, ...]], tuple[tuple[tuple[str, Any], ...], set[str]]] = {}
# per model class, the fields set of an object given every field in field order (the shape of ``_PLANS``)
_ALL_SET: dict[type, set[str]] = {}
_new = object.__new__




def _plan(cls: type[Model]) -> tuple[dict[str, Any], tuple, frozenset[str], int, tuple[str, ...]]:
    defaults: dict[str, Any] = {}
    factories, required = [], []
    for name, field in cls.model_fields.items():
        if field.is_required():
            defaults[name] = _REQUIRED
            required.append(name)
        elif field.default_factory is not None:
            defaults[name] = None
            factories.append((name, field.default_factory))
        else:
            defaults[name] = field.default
    plan = _PLANS[cls] = (defaults, tuple(factories), frozenset(required), len(defaults), tuple(defaults))
    return plan


def _shape(cls: type[Model], plan: tuple, keys: tuple[str, ...]) -> tuple[tuple[tuple[str, Any], ...], set[str]]:
    """The factories ``trusted`` calls for a caller that gives ``keys``, and the fields set of the
    objects built so (remembered in ``_SHAPES``); a TypeError for an unknown field or a missing required one."""
    given = set(keys)
    if not given <= plan[0].keys() or not plan[2] <= given:
        raise TypeError(f"{cls.__name__}: unknown or missing fields in {sorted(given)}")
    shape = _SHAPES[(cls, keys)] = (tuple((name, factory) for name, factory in plan[1] if name not in given), given)
    return shape


def trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls(**values)`` without validating ``values``, for the verifier's hot path: the instance
    validation would give (the same field values and defaults, in field order; the same
    ``model_fields_set``), for values that already have their field's type as validation would
    leave it: a ``str`` for ``str``, a ``float`` for ``float`` (``span`` converts), the enum member
    for an enum field, a fresh list of built models for a list of models. ``values`` must not be
    used again by the caller (its lists become the instance's). A missing required field or an
    unknown one is a TypeError; types are not checked, so use it only where they are known.

    Why: validating the 13 or so objects of a claim's verdict took about a seventh of ``verify``;
    ``model_construct`` does the same as this but looks every field up on every call.

    The objects built from one shape (class and order of the given fields) share one fields set, about
    1,500 instructions an object less than a set each: nothing adds to a model's fields set in place (a
    frozen model refuses assignment, and ``model_copy`` copies the set before it adds updated fields)."""
    plan = _PLANS.get(cls) or _plan(cls)
    keys = tuple(values)
    if keys == plan[4]:  # every field, in field order: the dict itself
        fields = values
        given = _ALL_SET.get(cls)
        if given is None:
            given = _ALL_SET[cls] = set(keys)
    else:
        shape = _SHAPES.get((cls, keys))
        if shape is None:  # the given fields are checked once per order a caller gives them in
            shape = _shape(cls, plan, keys)
        fill, given = shape
        fields = {**plan[0], **values}  # in field order: the defaults, each given value in its field's place
        for name, factory in fill:
            fields[name] = factory()
    obj = _new(cls)
    _set_dict(obj, fields)
    _set_fields_set(obj, given)
    return obj


class SourceVerdict(str, Enum):
    consistent = "consistent"
    inconsistent = "inconsistent"
    direction_error = "direction_error"  # the sign or order flips: worse than a magnitude miss
    not_derivable = "not_derivable"  # cells missing (named in the evidence)


class ReplicationVerdict(str, Enum):
    reproduced = "reproduced"  # reported interval meets the prediction interval (full fidelity only)
    direction_only = "direction_only"  # same direction, magnitude not confirmed (or fidelity-capped)
    not_reproduced = "not_reproduced"  # the direction is contradicted, or the effect is absent
    inconclusive = "inconclusive"  # too few seeds or too wide an interval (seeds needed are stated)
    not_run = "not_run"
    infra_failure = "infra_failure"  # a crashed or missing run: never counted as not reproduced


class Overall(str, Enum):
    supported = "supported"
    direction_supported = "direction_supported"
    contradicted = "contradicted"
    disputed = "disputed"  # contradicted only by a reduced/proxy replication
    inconclusive = "inconclusive"
    infra_failure = "infra_failure"
    unverified = "unverified"  # no tier could check it


class Span(_Frozen):
    """An interval drawn in plots: reported, derived from cells, or replicated."""

    label: str
    lo: float
    hi: float
    role: str  # "reported" | "derived" | "replicated_pi" | "replicated_ci" | "seed" | "implied"


# The fields set of every Span ``span`` and ``seed_spans`` build: one set shared by them (about 1,000
# instructions a span less than a set each). Safe because nothing adds to a model's fields set in place:
# a frozen model refuses assignment, and ``model_copy`` copies the set before it adds the updated fields.
_SPAN_FIELDS_SET = {"label", "lo", "hi", "role"}


def span(label: str, lo: float, hi: float, role: str) -> Span:
    """``Span(label=label, lo=lo, hi=hi, role=role)`` for a str label and role and real bounds,
    without validation (``trusted``); the bounds become floats as validation makes them."""
    obj = _new(Span)
    _set_dict(obj, {"label": label, "lo": float(lo), "hi": float(hi), "role": role})
    _set_fields_set(obj, _SPAN_FIELDS_SET)
    return obj


def seed_spans(label: str, values: list[float]) -> list[Span]:
    """``[span(label, x, x, "seed") for x in values]``, one ``Span`` per seed's value, built in one loop
    (a replication draws one per seed of every compared quantity)."""
    out = []
    for x in values:
        x = float(x)
        obj = _new(Span)
        _set_dict(obj, {"label": label, "lo": x, "hi": x, "role": "seed"})
        _set_fields_set(obj, _SPAN_FIELDS_SET)
        out.append(obj)
    return out


def quantity_spans(label: str, pi: tuple[float, float], ci: tuple[float, float], values: list[float]) -> list[Span]:
    """``[span(f"{label} (replicated PI)", *pi, "replicated_pi"), span(f"{label} (replicated CI)", *ci,
    "replicated_ci")] + seed_spans(f"{label} seed value", values)``: a replicated quantity's spans, built
    in one call instead of three and a list joined (``tests/test_replication_judge_fast.py`` compares them)."""
    out = [span(f"{label} (replicated PI)", pi[0], pi[1], "replicated_pi"), span(f"{label} (replicated CI)", ci[0], ci[1], "replicated_ci")]
    label = f"{label} seed value"
    for x in values:
        x = float(x)
        obj = _new(Span)
        _set_dict(obj, {"label": label, "lo": x, "hi": x, "role": "seed"})
        _set_fields_set(obj, _SPAN_FIELDS_SET)
        out.append(obj)
    return out


class CellUse(_Frozen):
    system: str
    task: str
    language: str
    metric: str
    split: str
    value: str  # as written, or the measured value
    origin: str  # "cell:<source>:<locator>" or "run:<run_id>"
    reliability: str = ""


class ViewResult(_Frozen):
    """The source tier under one choice of sources (the named source takes precedence)."""

    label: str
    verdict: SourceVerdict
    lines: list[str] = Field(default_factory=list)  # the arithmetic, step by step
    cells: list[CellUse] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class TierResult(_Frozen):
    verdict: str  # a SourceVerdict or ReplicationVerdict value
    summary: str
    lines: list[str] = Field(default_factory=list)
    views: list[ViewResult] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    runs: list[str] = Field(default_factory=list)  # run ids used
    failed_runs: list[str] = Field(default_factory=list)
    seeds: int = 0
    seeds_needed: int | None = None
    fidelity: str | None = None
    deviations: list[str] = Field(default_factory=list)


def tier_result(**fields: Any) -> TierResult:
    """``TierResult(**fields)`` without validation (``trusted``), for fields of the types validation
    would leave: str, int, None, lists of str, ``ViewResult`` and ``Span`` objects."""
    return trusted(TierResult, fields)


# A seed that ``drop_ambiguous_seeds`` left out is said in one evidence line of the replication tier,
# written by ``left_out_line`` (``replication_runs``) and read back by ``left_out_seeds`` (the renderers' marks).
_LEFT_OUT = " left out (--drop-ambiguous-seeds): "


def left_out_line(seed: int, cell: str, runs: tuple[str, str]) -> str:
    """The evidence line of a seed left out because two runs give ``cell`` in it."""
    return f"seed {seed}{_LEFT_OUT}two runs give {cell} ({runs[0]} and {runs[1]})"


def left_out_seeds(tier: TierResult) -> list[str]:
    """The seeds ``tier``'s ``left_out_line`` lines name, in order ([] for a tier that left none out)."""
    return [line[5:line.index(_LEFT_OUT)] for line in tier.lines if line.startswith("seed ") and _LEFT_OUT in line]


class ClaimVerdict(_Frozen):
    claim_id: str
    paper_id: str
    kind: str
    statement: str
    version: str
    pinned_version: str
    superseded_by: str | None = None
    attributed_to: str | None = None
    reported: list[str] = Field(default_factory=list)
    location: str
    source: TierResult
    replication: TierResult
    overall: Overall
    overall_rule: str  # which row of the rule table decided
    draft: bool = False  # the claim or its paper awaits a person's confirmation (rule R0)
    located: bool = True  # False: no readable source carries the statement (it is as others quote it)
    location_note: str = ""  # the claim file's location.note (for an unlocated claim: what was looked for)


# The overall rule table: first matching row wins. (Documented in the README; tested row by row.)
OVERALL_RULES: list[tuple[str, str]] = [
    ("R0", "the claim or its paper is a draft no person has confirmed -> unverified (its tiers are shown, not counted)"),
    ("R1", "source is inconsistent or direction_error -> contradicted"),
    ("R2", "replication not_reproduced at full fidelity -> contradicted"),
    ("R3", "replication infra_failure -> infra_failure (fail closed: never support)"),
    ("R4", "replication not_reproduced at reduced/proxy fidelity -> disputed"),
    ("R5", "source consistent or replication reproduced -> supported"),
    ("R6", "replication direction_only -> direction_supported"),
    ("R7", "replication inconclusive -> inconclusive"),
    ("R8", "otherwise (not derivable and not run) -> unverified"),
]


@lru_cache(maxsize=512)
def decide_overall(source: str, replication: str, fidelity: str | None, draft: bool = False) -> tuple[Overall, str]:
    """Apply the rule table to a claim's two tier verdicts (values; the str enums compare equal to them).

    Remembered per input (a few dozen combinations occur): each rule reads Enum class attributes,
    which Python 3.11 looks up slowly (``EnumType.__getattr__``), and ``verify`` asks once per claim."""
    if draft:
        return Overall.unverified, "R0"
    if source == SourceVerdict.inconsistent or source == SourceVerdict.direction_error:
        return Overall.contradicted, "R1"
    if replication == ReplicationVerdict.not_reproduced and fidelity == "full":
        return Overall.contradicted, "R2"
    if replication == ReplicationVerdict.infra_failure:
        return Overall.infra_failure, "R3"
    if replication == ReplicationVerdict.not_reproduced:
        return Overall.disputed, "R4"
    if source == SourceVerdict.consistent or replication == ReplicationVerdict.reproduced:
        return Overall.supported, "R5"
    if replication == ReplicationVerdict.direction_only:
        return Overall.direction_supported, "R6"
    if replication == ReplicationVerdict.inconclusive:
        return Overall.inconclusive, "R7"
    return Overall.unverified, "R8"


class TierCoverage(_Frozen):
    checked: int  # claims that got a decisive verdict on this tier
    total: int
    counts: dict[str, int]
    reasons: dict[str, int] = Field(default_factory=dict)  # why claims were not checked


class VerificationReport(_Frozen):
    schema_version: int = 1
    claims: list[ClaimVerdict]
    coverage: dict[str, TierCoverage]
    overall_counts: dict[str, int]
    rules: list[tuple[str, str]] = Field(default_factory=lambda: list(OVERALL_RULES))
    results_sources: list[str] = Field(default_factory=list)  # where run records came from

    def exit_code(self, strict: bool = False) -> int:
        bad = {Overall.contradicted}
        if strict:
            bad |= {Overall.inconclusive, Overall.disputed, Overall.infra_failure}
        return 1 if any(c.overall in bad for c in self.claims) else 0

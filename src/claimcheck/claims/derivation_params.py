"""The parameters each registered derivation accepts, as validated data.

A claim names its derivation and gives parameters in YAML (``derivation: {name, params}``). A typo
there must not change the verdict silently (``baselin: mBERT`` would fall back to the default
baseline; ``tasks: xnli`` would be read letter by letter), so every derivation's parameters are a
model with unknown keys rejected and types checked. The defaults themselves live with the
derivations (``claimcheck.verifier.derive``); here a parameter is only optional or required.

``check_params`` is called by the registry for every claim it loads; the contract tests check that
every registered derivation has a model here.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from claimcheck.claims.models import Number, WholeNumber, number_error
from claimcheck.errors import error_message, field_place
from claimcheck.model import Field, Model, ValidationError, model_validator

Split = Literal["dev", "test"]
Names = list[str]
# The baseline a gain is measured against when a claim names none (as ``claimcheck.verifier.derive``
# applies it; ``claims.names`` checks that the paper knows it)
DEFAULT_BASELINE = "XLM-R"


class _Params(Model):
    """The base of the parameter models (frozen, unknown keys refused: ``claimcheck.model``)."""


def _nonempty_unique(values: list[str] | None, what: str) -> None:
    if values is None:
        return
    if not values:
        raise ValueError(f"{what} must name at least one item (leave it out for the default)")
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists an item twice")


class _OverTasks(_Params):
    # Optional parameters are typed without None: a value given must be of the type (``baseline: ~``
    # is refused, not read as a missing baseline); an absent one takes the derivation's default.
    split: Split = Field(None, description='"dev" or "test"; default "dev" for gains and comparisons, "test" for scores')  # type: ignore[assignment]
    tasks: Names = Field(None, description="task ids (xnli, pawsx, udpos, panx, xquad, mlqa, tydiqa, bucc2018, tatoeba, ...); default: the nine XTREME tasks")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _tasks(self):
        _nonempty_unique(self.tasks, "tasks")
        return self


class ScoreParams(_OverTasks):
    system: str = Field(description="the system whose score is meant, as named in the paper's cells")


class GainParams(_OverTasks):
    system: str = Field(description="the system whose gain is meant")
    baseline: str = Field(None, description='the system the gain is measured against; default "XLM-R"')  # type: ignore[assignment]

    @model_validator(mode="after")
    def _not_itself(self):
        if self.system == (self.baseline or DEFAULT_BASELINE):
            raise ValueError(f"the system {self.system!r} is its own baseline: its gain is zero by construction")
        return self


class TopKParams(_OverTasks):
    expected: Names = Field(min_length=1, description="the systems claimed to have the largest gains, in order")
    candidates: Names = Field(min_length=1, description="every system they are ranked among")
    baseline: str = Field(None, description='default "XLM-R"')  # type: ignore[assignment]
    ordered: bool = Field(True, description=(
        "false: the claim names the top systems but not which number is whose; the reported numbers are "
        "compared with their gains from largest to smallest"))

    @model_validator(mode="after")
    def _distinct(self):
        _nonempty_unique(self.expected, "expected")
        _nonempty_unique(self.candidates, "candidates")
        outside = [e for e in self.expected if e not in self.candidates]
        if outside:
            raise ValueError(f"expected {', '.join(map(repr, outside))} not among the candidates they are ranked in")
        return self


class BetterParams(_OverTasks):
    better: Names = Field(min_length=1, description="systems claimed to score higher on average")
    worse: Names = Field(min_length=1, description="systems claimed to score lower on average")

    @model_validator(mode="after")
    def _apart(self):
        both = [b for b in self.better if b in self.worse]
        if both:
            raise ValueError(f"{', '.join(map(repr, both))} is both better and worse")
        return self


class DirectionParams(_Params):
    systems: Names = Field(min_length=1, description="the systems whose gains are checked")
    expect: dict[str, Literal["up", "down", "no_gain"]] = Field(min_length=1, description="task id -> the claimed direction")
    quorum: Number = Field(1.0, gt=0.0, le=1.0, description="share of systems that must show it: 1.0 all, 0.5 most")
    no_gain_margin: Number = Field(1.0, gt=0.0, allow_inf_nan=False, description=(
        "no_gain: a gain below this many points counts as none (on runs, the CI's upper end must be below it)"))
    baseline: str = Field(None, description='default "XLM-R"')  # type: ignore[assignment]
    split: Split = Field(None, description='default "dev"')  # type: ignore[assignment]


class FactCheck(_Params):
    """Exactly one of ``expect`` (equal to), ``count`` (a list of that many items), ``includes``."""

    key: str = Field(description="the paper's fact (paper.facts[].key)")
    expect: Any = Field(None, description="the value the fact must equal")
    count: WholeNumber = Field(None, ge=0, description="the number of items the fact (a list) must have")  # type: ignore[assignment]
    includes: list[Any] = Field(None, description="items the fact (a list) must contain")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _one_test(self):
        given = [k for k in ("expect", "count", "includes") if k in self.model_fields_set]
        if len(given) != 1:
            raise ValueError("a fact needs exactly one of expect, count or includes"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self


class FactParams(FactCheck):
    also: list[FactCheck] = Field(default_factory=list, description="more facts the same statement states; all must hold")


class CitedParams(_Params):
    work: str = Field(None, description="whose claim it is")  # type: ignore[assignment]


class UnavailableParams(_Params):
    needs: str = Field(None, description="the part of the paper that would be needed")  # type: ignore[assignment]


class NoParams(_Params):
    pass


PARAMS: dict[str, type[_Params]] = {
    "mean_score": ScoreParams,
    "xtreme_score": ScoreParams,
    "mean_gain": GainParams,
    "xtreme_gain": GainParams,
    "top_k_gains": TopKParams,
    "mean_better": BetterParams,
    "direction_per_task": DirectionParams,
    "fact": FactParams,
    "cited_claim": CitedParams,
    "unavailable_source": UnavailableParams,
    "not_specified": NoParams,
}


def check_params(name: str, params: dict) -> tuple[str, str] | None:
    """None when ``params`` suit derivation ``name`` (or ``name`` has no model here); else the first
    problem as (the parameter's path under ``params``, message)."""
    model = PARAMS.get(name)
    if model is None:
        return None
    try:
        model.model_validate(params)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = field_place(err["loc"])
        msg = number_error(err) or error_message(err)
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(model.model_fields)
            msg = f"derivation {name!r} takes no parameter {err['loc'][-1]!r} (it takes: {allowed})"
        elif err["type"] == "missing":
            msg = f"derivation {name!r} needs this parameter"
        return where, msg
    return None


# How many reported numbers each table derivation compares (min, max; max None = as many as
# ``expected`` names). A number beyond these would be kept but never checked, so it is refused.
# Derivations not listed (facts, cited and unavailable sources) keep their numbers as written.
_REPORTED = {
    "mean_score": (1, 1, "a score claim states its number"),
    "xtreme_score": (1, 1, "a score claim states its number"),
    "mean_gain": (0, 1, "one gain (none: the claim is the direction, a gain above zero)"),
    "xtreme_gain": (0, 1, "one gain (none: the claim is the direction, a gain above zero)"),
    "top_k_gains": (0, None, "at most one gain per expected system"),
    "mean_better": (0, 0, "it checks an order; for a size, use mean_gain"),
    "direction_per_task": (0, 0, "it checks directions per task; for a size, use mean_gain"),
}


def check_reported(name: str, params: dict, reported: list[str]) -> str | None:
    """None when a claim's ``reported`` numbers suit derivation ``name``; else the message. A fact
    check with one number and a numeric ``expect`` or ``count`` must agree with it (a written "70%"
    may stand for 0.7), or the claim would state one number and check another."""
    if name == "fact":
        return _fact_number_problem(params, reported)
    if name not in _REPORTED:
        return None
    lo, hi, what = _REPORTED[name]
    if hi is None:
        hi = len(params.get("expected") or ())
    if lo <= len(reported) <= hi:
        return None
    allowed = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
    return f"derivation {name!r} compares {allowed} reported number(s), not {len(reported)}: {what}"


def fact_check_numbers(params: dict) -> list[tuple[str, float]]:
    """("count" | "expect", value) for each numeric check of a fact derivation, its ``also`` included:
    the numbers a fact claim states (read here at load, and by the audit against a synthesis row)."""
    checks = [params, *(c for c in params.get("also") or () if isinstance(c, dict))]
    return [(k, c[k]) for c in checks for k in ("count", "expect")
            if k in c and isinstance(c[k], (int, float)) and not isinstance(c[k], bool) and math.isfinite(c[k])]


def _fact_number_problem(params: dict, reported: list[str]) -> str | None:
    """Each number must agree with one of the numeric checks (``expect`` or ``count``, of the fact or
    of one in ``also``), so none sits in the claim unchecked; None when they all do."""
    from claimcheck.verifier.intervals import written_interval

    if not reported:
        return None
    values = fact_check_numbers(params)
    if not values:
        return (f"the claim states {', '.join(reported)}, but its fact check compares no number (give it an expect "
                "or count, or leave the number out)")
    for number in reported:
        written = written_interval(number)
        percent = number.strip().endswith("%")
        if not any(written.contains(v) or (percent and written.contains(v * 100)) for _, v in values):
            checked = " or ".join(f"{k}s {v!r}" for k, v in values)
            return f"the claim states {number}, but its fact check {checked}: one of them is wrong"
    return None

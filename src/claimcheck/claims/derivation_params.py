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

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Split = Literal["dev", "test"]
Names = list[str]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _nonempty_unique(values: list[str] | None, what: str) -> None:
    if values is None:
        return
    if not values:
        raise ValueError(f"{what} must name at least one item (leave it out for the default)")
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists an item twice")


class _OverTasks(_Params):
    split: Split | None = None  # each derivation has its own default ("dev" or "test")
    tasks: Names | None = None  # default: the nine XTREME tasks

    @model_validator(mode="after")
    def _tasks(self):
        _nonempty_unique(self.tasks, "tasks")
        return self


class ScoreParams(_OverTasks):
    system: str


class GainParams(_OverTasks):
    system: str
    baseline: str | None = None  # default "XLM-R"


class TopKParams(_OverTasks):
    expected: Names = Field(min_length=1)
    candidates: Names = Field(min_length=1)
    baseline: str | None = None

    @model_validator(mode="after")
    def _distinct(self):
        _nonempty_unique(self.expected, "expected")
        _nonempty_unique(self.candidates, "candidates")
        return self


class BetterParams(_OverTasks):
    better: Names = Field(min_length=1)
    worse: Names = Field(min_length=1)


class DirectionParams(_Params):
    systems: Names = Field(min_length=1)
    expect: dict[str, Literal["up", "down", "no_gain"]] = Field(min_length=1)  # task -> direction
    quorum: float = Field(1.0, gt=0.0, le=1.0)  # share of systems that must show it
    baseline: str | None = None
    split: Split | None = None


class FactParams(_Params):
    """Exactly one of ``expect`` (equal to), ``count`` (a list of that many items), ``includes``."""

    key: str
    expect: Any = None
    count: int | None = Field(None, ge=0)
    includes: list[Any] | None = None

    @model_validator(mode="after")
    def _one_test(self):
        given = [k for k in ("expect", "count", "includes") if k in self.model_fields_set]
        if len(given) != 1:
            raise ValueError("a fact needs exactly one of expect, count or includes"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self


class CitedParams(_Params):
    work: str | None = None  # whose claim it is


class UnavailableParams(_Params):
    needs: str | None = None  # what part of the paper would be needed


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
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(model.model_fields)
            msg = f"derivation {name!r} takes no parameter {err['loc'][-1]!r} (it takes: {allowed})"
        elif err["type"] == "missing":
            msg = f"derivation {name!r} needs this parameter"
        return where, msg
    return None

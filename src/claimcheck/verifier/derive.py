"""Registered derivations: pure functions from a table of observations to a derived value.

A claim names its derivation and parameters in YAML; the same function runs on the paper's cells
(source tier, intervals) and on each seed's replication results (replication tier, points). A
derivation raises ``NotDerivable`` naming every missing cell instead of guessing.

Parameters shared by most derivations: ``split`` ("dev" / "test"), ``tasks`` (XTREME task names,
default all nine), ``baseline`` (the system gains are measured against, default "XLM-R").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.plain_record import NEW, FrozenRecord
from claimcheck.verifier.intervals import Interval, interval_mean
from claimcheck.verifier.table import XTREME_TASKS, CellKey, NotDerivable, Table, missing_cells


# The three records below are frozen records (``plain_record``), not dataclasses: ``@dataclass`` compiles
# each class's generated methods when this module is imported, which every `claimcheck verify` does
# (about 15 M instructions for the three, 1.2 % of a `verify all --no-write`). Same constructors,
# defaults, equality, hash, repr and immutability (``tests/test_plain_record.py`` compares each with
# the dataclass it replaced). Their ``__init__`` fills the instance's ``__dict__`` in one call (a
# frozen record refuses ``setattr``): a derivation builds a ``Derived`` per claim and view, or seed.


class EffectCheck(FrozenRecord):
    _fields = ("task", "system", "expect", "gain")

    # the fields, for readers and type checkers (their values live in each instance's __dict__)
    task: str
    system: str
    expect: str
    gain: Interval

    def __init__(self, task: str, system: str, expect: str, gain: Interval) -> None:
        self.__dict__.update(task=task, system=system, expect=expect, gain=gain)  # expect: "up" | "down" | "no_gain"


class Derived(FrozenRecord):
    """What a derivation gives. The fields:

    ``values``: compared with ``claim.reported``, in order; ``labels``: one per value; ``margin``
    (comparisons): > 0 means the stated order holds; ``effects``, ``quorum`` (effects: the share of
    systems that must show the direction), ``no_gain_margin`` (effects: a gain below this, in points,
    counts as no gain); ``unordered``: True when ``values`` meet the reported numbers in any
    assignment that fits (source tier: overlap_matching), not by position, and a replication ranks
    the systems once, by their mean over seeds, largest with largest (rank_pairs); ``fact_ok``;
    ``lines``: the arithmetic, for the reader; ``signed``: False for a score (not a difference): its
    sign says nothing, so a replication compares it only at full fidelity, by magnitude.
    """

    _fields = ("values", "labels", "margin", "effects", "quorum", "no_gain_margin", "unordered", "fact_ok", "lines", "signed")

    # the fields, for readers and type checkers (their values live in each instance's __dict__)
    values: list[Interval]
    labels: list[str]
    margin: Interval | None
    effects: list[EffectCheck]
    quorum: float
    no_gain_margin: float
    unordered: bool
    fact_ok: bool | None
    lines: list[str]
    signed: bool

    def __init__(self, values: list[Interval] = NEW, labels: list[str] = NEW, margin: Interval | None = None,
                 effects: list[EffectCheck] = NEW, quorum: float = 1.0, no_gain_margin: float = 1.0, unordered: bool = False,
                 fact_ok: bool | None = None, lines: list[str] = NEW, signed: bool = True) -> None:
        self.__dict__.update(values=[] if values is NEW else values, labels=[] if labels is NEW else labels, margin=margin,
                             effects=[] if effects is NEW else effects, quorum=quorum, no_gain_margin=no_gain_margin,
                             unordered=unordered, fact_ok=fact_ok, lines=[] if lines is NEW else lines, signed=signed)


class Context(FrozenRecord):
    """What a derivation may read besides the table: the paper's facts; the tier it runs for.

    ``replication``: on replication data, candidates that were not run are left out. ``explain``: False
    when the caller reads no ``lines`` (a replication's later seeds: only the first seed's lines are
    shown), so a derivation may skip writing them; values, labels and the rest are unaffected.
    """

    _fields = ("facts", "fact_quotes", "replication", "explain")

    # the fields, for readers and type checkers (their values live in each instance's __dict__)
    facts: Mapping[str, Any]
    fact_quotes: Mapping[str, str]
    replication: bool
    explain: bool

    def __init__(self, facts: Mapping[str, Any] = NEW, fact_quotes: Mapping[str, str] = NEW, replication: bool = False,
                 explain: bool = True) -> None:
        self.__dict__.update(facts={} if facts is NEW else facts, fact_quotes={} if fact_quotes is NEW else fact_quotes,
                             replication=replication, explain=explain)


Fn = Callable[[Table, dict, Context], Derived]
DERIVATIONS: dict[str, Fn] = {}


def derivation(name: str) -> Callable[[Fn], Fn]:
    def register(fn: Fn) -> Fn:
        DERIVATIONS[name] = fn
        return fn

    return register


def task_list(params: dict) -> list[str]:
    """The claim's ``tasks`` parameter, or all nine XTREME tasks."""
    return list(params.get("tasks") or XTREME_TASKS)


def _run_tasks(table: Table, systems: Sequence[str], tasks: Sequence[str], split: str, ctx: Context) -> tuple[list[str], list[str]]:
    """On replication data, the requested tasks that every involved system was run on (and the rest).

    A proxy or reduced replication usually covers only some targets; its gains are then averaged over
    those, and the evidence says so. On the paper's cells every requested task is needed.
    """
    if not ctx.replication:
        return list(tasks), []
    return table.run_tasks(systems, tasks, split)


def subset_line(present: Sequence[str], absent: Sequence[str]) -> list[str]:
    if not absent:
        return []
    return [f"averaged over the {len(present)} of {len(present) + len(absent)} tasks that were run ({', '.join(present)}); "
            f"not run: {', '.join(absent)}"]


def mean_task_score(table: Table, system: str, tasks: Sequence[str], split: str) -> Interval:
    """Mean over ``tasks`` of ``system``'s XTREME task scores (NotDerivable names every missing cell)."""
    scores = table.scores([system], tasks, split)
    return interval_mean(scores[(system, t)] for t in tasks)


def mean_gain_interval(table: Table, system: str, baseline: str, tasks: Sequence[str], split: str, remember: bool = False) -> Interval:
    """Mean over tasks of (system - baseline); all cells needed, all missing ones reported together
    (``Table.mean_gain``: the arithmetic; ``remember`` as there)."""
    missing: list[CellKey] = []
    value = table.mean_gain(system, baseline, tasks, split, missing, remember)
    if missing:
        raise NotDerivable(missing)
    return value


@derivation("mean_score")
def mean_score(table: Table, params: dict, ctx: Context) -> Derived:
    """Mean over ``tasks`` of a system's XTREME task score (QA = (EM + F1) / 2)."""
    system, split, tasks = params["system"], params.get("split", "test"), task_list(params)
    value = mean_task_score(table, system, tasks, split)
    if not ctx.explain:
        return Derived(values=[value], labels=[f"{system} mean over {len(tasks)} tasks"], signed=False)
    return Derived(values=[value], labels=[f"{system} mean over {len(tasks)} tasks"], signed=False,
                   lines=[f"mean over {', '.join(tasks)} of {system} ({split}) = {value.render(3)}"])


@derivation("xtreme_score")
def xtreme_score(table: Table, params: dict, ctx: Context) -> Derived:
    """The XTREME score: mean over the nine tasks of the mean over languages."""
    return mean_score(table, {**params, "tasks": task_list(params)}, ctx)


@derivation("mean_gain")
def mean_gain(table: Table, params: dict, ctx: Context) -> Derived:
    """Mean over ``tasks`` of (system - baseline) task scores; used for "+8.7 points" style claims."""
    return _raise_missing(_mean_gain(table, params, ctx))


def _raise_missing(got: Derived | NotDerivable) -> Derived:
    """What a derivation in ``ATTEMPTS`` gave, as ``run_derivation`` gives it: a NotDerivable raised."""
    if got.__class__ is Derived:
        return got
    raise got


def _mean_gain(table: Table, params: dict, ctx: Context) -> Derived | NotDerivable:
    """``mean_gain``, with the NotDerivable for missing cells returned, not raised (``attempt_derivation``);
    one for a refused cell (``Table.metric_value``) is still raised."""
    system, baseline = params["system"], params.get("baseline", DEFAULT_BASELINE)
    split = params.get("split", "dev")
    if ctx.replication:
        tasks, absent = table.run_tasks([system, baseline], task_list(params), split)
        if not tasks:
            return NotDerivable([CellKey(system, t, "*", split) for t in absent])
    else:  # _run_tasks on the paper's cells, inline (one call less per claim): every requested task
        tasks, absent = task_list(params), []
    missing: list[CellKey] = []
    value = table.mean_gain(system, baseline, tasks, split, missing)  # mean_gain_interval, one call less per claim
    if missing:
        return missing_cells(missing)  # NotDerivable(missing)
    if not ctx.explain:
        return Derived(values=[value], labels=[f"{system} - {baseline}"])
    return Derived(values=[value], labels=[f"{system} - {baseline}"],
                   lines=[f"mean over {len(tasks)} tasks of ({system} - {baseline}) on {split} = {value.render(3)}"]
                   + subset_line(tasks, absent))


@derivation("xtreme_gain")
def xtreme_gain(table: Table, params: dict, ctx: Context) -> Derived:
    """XTREME score of ``system`` minus that of ``baseline`` (nine tasks unless ``tasks`` says otherwise)."""
    return _raise_missing(_xtreme_gain(table, params, ctx))


def _xtreme_gain(table: Table, params: dict, ctx: Context) -> Derived | NotDerivable:
    return _mean_gain(table, {**params, "tasks": task_list(params), "split": params.get("split", "test")}, ctx)


def _candidates(table: Table, params: dict, ctx: Context, key: str, tasks: Sequence[str], split: str) -> tuple[list[str], list[str]]:
    cands = list(params[key])
    if not ctx.replication:
        return cands, []
    present = [c for c in cands if all(table.has(c, t, split) for t in tasks)]
    return present, [c for c in cands if c not in present]


@derivation("top_k_gains")
def top_k_gains(table: Table, params: dict, ctx: Context) -> Derived:
    """The ``expected`` systems (in order) have the largest mean gains among ``candidates``.

    values: the expected systems' mean gains, in order (``ordered: false``: from largest to smallest,
    for a claim that does not say which number is whose); margin: the smallest of the pairwise
    differences the claim states (each expected system over each other candidate and, when ordered,
    over the next expected one), each on the two systems' cells; > 0 when the stated ranking holds.
    On replication data, candidates that were not run are left out and named.
    """
    baseline, split = params.get("baseline", DEFAULT_BASELINE), params.get("split", "dev")
    expected = list(params["expected"])
    if ctx.replication:
        never_run = [e for e in [baseline, *expected] if not any(table.has(e, t, split) for t in task_list(params))]
        if never_run:
            raise NotDerivable(reason=f"the {', '.join(never_run)} arm(s) were not run")
    tasks, absent = _run_tasks(table, [baseline] + expected, task_list(params), split, ctx)
    if not tasks:
        raise NotDerivable([CellKey(e, t, "*", split) for e in expected for t in absent])
    cands, left_out = _candidates(table, params, ctx, "candidates", tasks, split)
    if ctx.replication and any(e not in cands for e in expected):
        raise NotDerivable([CellKey(e, t, "*", split) for e in expected if e not in cands for t in tasks])
    missing: list[CellKey] = []
    gains: dict[str, Interval] = {}
    for c in dict.fromkeys(expected + cands):
        # every candidate's missing cells, gathered (a refusal, e.g. two runs of one arm, raises: it stands alone)
        gain = table.mean_gain(c, baseline, tasks, split, missing, remember=True)
        if gain is not None:
            gains[c] = gain
    if missing:
        raise NotDerivable(missing)
    others = [c for c in cands if c not in expected]
    lines = [f"mean gain over {len(tasks)} tasks vs {baseline} ({split}): "
             + ", ".join(f"{c} {g.render(2)}" for c, g in sorted(gains.items(), key=lambda kv: -kv[1].mid))]
    if left_out:
        lines.append(f"ranked among the {len(cands)} systems that were run; not run: {', '.join(left_out)}")
    lines += subset_line(tasks, absent)
    unordered = not params.get("ordered", True)
    # the stated ranking, pair by pair: each expected system above each other candidate and, when the
    # claim gives an order, each expected system above the next. A pair's difference is taken on the
    # two systems' own cells (the baseline cancels; subtracting two gains would count its rounding twice)
    pairs = [(e, o) for e in expected for o in others]
    if not unordered:
        pairs += list(zip(expected, expected[1:]))
    margin = None
    if pairs:
        diffs = [mean_gain_interval(table, a, b, tasks, split, remember=True) for a, b in pairs]
        margin = Interval(min(d.lo for d in diffs), min(d.hi for d in diffs))  # the interval of the smallest
        what = "each expected system minus each other candidate" + ("" if unordered or len(expected) < 2 else
                                                                     ", and each expected system minus the next")
        lines.append(f"order margin = smallest of ({what}) = {margin.render(3)}")
    if unordered:
        lines.append("the claim does not say which number is whose: its numbers, largest first, meet these gains, largest first")
    return Derived(values=[gains[e] for e in expected], labels=[f"{e} - {baseline}" for e in expected],
                   margin=margin, lines=lines, unordered=unordered)


@derivation("mean_better")
def mean_better(table: Table, params: dict, ctx: Context) -> Derived:
    """Systems in ``better`` score higher on average over ``tasks`` than those in ``worse``."""
    split, tasks = params.get("split", "dev"), task_list(params)
    missing: list[CellKey] = []
    groups = {}
    for key in ("better", "worse"):
        scores = []
        for s in params[key]:
            try:
                scores.append(mean_task_score(table, s, tasks, split))
            except NotDerivable as exc:
                if exc.reason:  # as in top_k_gains
                    raise
                missing.extend(exc.missing)
        groups[key] = scores
    if missing:
        raise NotDerivable(missing)
    margin = interval_mean(groups["better"]) - interval_mean(groups["worse"])
    return Derived(margin=margin, lines=[f"mean of {params['better']} - mean of {params['worse']} = {margin.render(3)}"])


@derivation("direction_per_task")
def direction_per_task(table: Table, params: dict, ctx: Context) -> Derived:
    """Per target task, the sign of (system - baseline) for each of ``systems``.

    ``expect`` maps task -> "up" | "down" | "no_gain"; ``quorum`` is the share of systems that must
    show it (1.0 = all, 0.5 = "many"); ``no_gain_margin``: a gain below it counts as none. On
    replication data only the (task, system) pairs that were run are checked, and the evidence names
    what was not.
    """
    baseline, split = params.get("baseline", DEFAULT_BASELINE), params.get("split", "dev")
    expect: dict[str, str] = params["expect"]
    margin = float(params.get("no_gain_margin", 1.0))
    missing: list[CellKey] = []
    effects, lines, not_run = [], [], []
    for t in expect:
        systems = list(params["systems"])
        if ctx.replication:
            ran = [s for s in systems if table.has(s, t, split)]
            if not ran or not table.has(baseline, t, split):
                not_run.append(t)
                continue
            systems = ran
        for s in systems:
            probe: list[CellKey] = []
            a, b = table.task_score(s, t, split, probe), table.task_score(baseline, t, split, probe)
            missing.extend(probe)
            if a is not None and b is not None:
                effects.append(EffectCheck(task=t, system=s, expect=expect[t], gain=a - b))
                shown = f"no_gain, below {margin:g}" if expect[t] == "no_gain" else expect[t]
                lines.append(f"{t}: {s} - {baseline} = {(a - b).render(2)} (expected {shown})")
    if missing:
        raise NotDerivable(missing)
    if not effects:
        raise NotDerivable([CellKey(s, t, "*", split) for t in expect for s in [baseline, *params["systems"]]])
    if not_run:
        lines.append(f"tasks not run: {', '.join(not_run)}")
    return Derived(effects=effects, quorum=float(params.get("quorum", 1.0)),
                   no_gain_margin=margin, lines=lines)


@derivation("fact")
def fact(table: Table, params: dict, ctx: Context) -> Derived:
    """A setup fact of the paper equals ``expect`` (or, with ``count``, has that many items; with
    ``includes``, holds those items). ``also`` lists more facts the same statement states: all must hold."""
    results = [_check_fact(check, ctx) for check in [params, *params.get("also", ())]]
    return Derived(fact_ok=all(ok for ok, _ in results), lines=[line for _, line in results])


def _check_fact(check: Mapping[str, Any], ctx: Context) -> tuple[bool, str]:
    key = check["key"]
    if key not in ctx.facts:
        raise NotDerivable(reason=f"the paper's {key!r} could not be read from any available source")
    value = ctx.facts[key]
    if "count" in check:
        ok = isinstance(value, list) and len(value) == int(check["count"])
        shown = f"{len(value) if isinstance(value, list) else value} items ({value}), expected {check['count']}"
    elif "includes" in check:
        ok = isinstance(value, list) and all(x in value for x in check["includes"])
        shown = f"{value}, expected to include {check['includes']}"
    else:
        ok = value == check["expect"]
        shown = repr(value)
    quote = ctx.fact_quotes.get(key, "")
    return ok, f"{key} = {shown}" + (f' (source text: "{quote}")' if quote else "")


@derivation("cited_claim")
def cited_claim(table: Table, params: dict, ctx: Context) -> Derived:
    """A statement the paper attributes to other work: not derivable from this paper's cells."""
    raise NotDerivable(reason=f"this is a claim of {params.get('work', 'another work')}, which the paper cites; "
                              "check it against that work")


@derivation("unavailable_source")
def unavailable_source(table: Table, params: dict, ctx: Context) -> Derived:
    """The claim needs a part of the paper that no available source holds (named in ``needs``)."""
    raise NotDerivable(reason=f"needs {params.get('needs', 'the paper body')}, which no available source holds")


@derivation("not_specified")
def not_specified(table: Table, params: dict, ctx: Context) -> Derived:
    """No derivation declared yet (draft claims written by `claimcheck add`)."""
    raise NotDerivable(reason="no derivation is declared for this claim yet")


def run_derivation(name: str, table: Table, params: dict, ctx: Context) -> Derived:
    return DERIVATIONS[name](table, dict(params), ctx)


# Derivations that can give their NotDerivable for missing cells as a value (``attempt_derivation``):
# the gains, which most claims are. Each takes the parameters as they are (it changes none of them).
ATTEMPTS: dict[str, Callable[[Table, dict, Context], Derived | NotDerivable]] = {
    "mean_gain": _mean_gain,
    "xtreme_gain": _xtreme_gain,
}


def attempt_derivation(name: str, table: Table, params: dict, ctx: Context) -> Derived | NotDerivable:
    """``run_derivation``, with the NotDerivable it would raise returned instead (the same exception
    object's state: missing cells, reason, message).

    Why: the source tier derives every claim on every view of its paper, and most paper views lack
    some cell; raising through the derivation and catching in the caller cost about 10,000
    instructions a view. A derivation in ``ATTEMPTS`` returns the exception for missing cells; any
    other NotDerivable (another derivation's, a refused cell) is caught here as before."""
    attempt = ATTEMPTS.get(name)
    try:
        if attempt is not None:
            return attempt(table, params, ctx)
        return DERIVATIONS[name](table, dict(params), ctx)
    except NotDerivable as exc:
        return exc

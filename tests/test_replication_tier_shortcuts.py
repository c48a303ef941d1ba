"""The replication tier's per-claim shortcuts against the code they replaced (as of 14e8cb2, copied
here as references): ``check_replication_groups`` (two groups joined by ``|``, the failures checked
group by group, the one fidelity, the middles counted without a dict, ...), ``needed_systems`` (a
system and its baseline named without the loops) and ``derive_seeds``' one-pass middles, over random
inputs: failed runs, seeds missing, several arms, two runs in a seed, mixed fidelities and deviations,
gains, scores, rankings and effects, with and without ``drop_ambiguous_seeds`` and shared tables."""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

import pytest

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.results.records import Metric, RunRecord
from claimcheck.verifier import replication_tier as tier
from claimcheck.verifier.derive import run_derivation
from claimcheck.verifier.engine import _index, _Shared
from claimcheck.verifier.replication_judge import judge_seeds, judge_value, min_seeds
from claimcheck.verifier.replication_runs import (left_out_lines, left_out_summary, needed_failures, needed_systems, runs_per_seed,
                                                  seeds_with_every_candidate)
from claimcheck.verifier.run_tables import SeedTables
from claimcheck.verifier.seed_values import derive_seeds
from claimcheck.verifier.source_tier import render_missing
from claimcheck.verifier.table import AmbiguousRuns, NotDerivable
from claimcheck.verifier.verdict import ReplicationVerdict as RV
from claimcheck.verifier.verdict import tier_result
from verifier_fixtures import make_claim

_FIDELITY_ORDER = tier._FIDELITY_ORDER
_REPLICATION, _REPLICATION_QUIET, _NOT_REPLICATED = tier._REPLICATION, tier._REPLICATION_QUIET, tier._NOT_REPLICATED
_merged, _not_applicable = tier._merged, tier._not_applicable


def _reference_needed_systems(claim):
    """``needed_systems`` as of 14e8cb2."""
    fields = claim.__dict__
    derivation = fields["derivation"].__dict__
    p = derivation["params"]
    names = []
    for key in ("system", "baseline"):
        if key in p:
            names.append(p[key])
    for key in ("candidates", "systems", "better", "worse", "expected"):
        names.extend(p.get(key) or [])
    if derivation["name"] in ("mean_gain", "xtreme_gain", "top_k_gains", "direction_per_task") and "baseline" not in p:
        names.append(DEFAULT_BASELINE)
    names.extend(fields["replication_arms"])
    return list(dict.fromkeys(names))


def _reference_check(claim, groups, tables=None, systems=None, drop_ambiguous_seeds=False):
    """``check_replication_groups`` as of 14e8cb2 (its ``derive_seeds`` is compared separately below)."""
    fields = claim.__dict__
    if fields["kind"] in _NOT_REPLICATED:
        return _not_applicable(claim)
    failed = needed_failures(claim, groups)
    if not failed and not any(g.by_seed for g in groups):
        systems = needed_systems(claim) if systems is None else systems
        if not systems:
            return tier_result(verdict=RV.not_run.value, summary="no replication arms are declared for this claim")
        return tier_result(verdict=RV.not_run.value, summary=f"no runs of {', '.join(sorted(set(systems)))} in the results")
    if len(groups) == 1:
        g = groups[0]
        by_seed, fidelities, found_deviations = g.by_seed, g.fidelities, g.deviations
        seeds = sorted(by_seed)
    else:
        by_seed = None
        fidelities = set().union(*[g.fidelities for g in groups])
        found_deviations = set().union(*[g.deviations for g in groups])
        seeds = sorted(set().union(*[g.by_seed for g in groups]))
    fidelity = max(fidelities, key=_FIDELITY_ORDER.__getitem__, default=None)
    deviations = sorted(found_deviations)
    per_seed = {}
    dropped = {}
    missing_any = []
    reasons = []
    if not tables:
        by_seed = by_seed if by_seed is not None else _merged(groups)
        tables = SeedTables([r for runs in by_seed.values() for r in runs])
    paper_id = claim.paper_id
    derivation = fields["derivation"].__dict__
    name, params = derivation["name"], derivation["params"]
    single = derive_seeds(name, tables.of(paper_id, seeds), params) if seeds else None  # the fix of the crash tested below
    mids = single.mids if single is not None else None
    if mids is not None:
        per_seed = dict.fromkeys(seeds)
    elif single is not None:
        for seed, got in zip(seeds, single.values):
            if isinstance(got, NotDerivable):
                if drop_ambiguous_seeds and isinstance(got, AmbiguousRuns):
                    dropped[seed] = got
                    continue
                missing_any = got.missing or missing_any
                if got.reason:
                    reasons.append(got.reason)
            else:
                per_seed[seed] = got
    else:
        for seed in seeds:
            try:
                per_seed[seed] = run_derivation(name, tables.get(paper_id, seed), params, _REPLICATION_QUIET if per_seed else _REPLICATION)
            except NotDerivable as exc:
                if drop_ambiguous_seeds and isinstance(exc, AmbiguousRuns):
                    dropped[seed] = exc
                    continue
                missing_any = exc.missing or missing_any
                if exc.reason:
                    reasons.append(exc.reason)
    k, need = len(per_seed), min_seeds(claim)
    if failed:
        return tier_result(verdict=RV.infra_failure.value, summary=(
            f"{len(failed)} needed run(s) failed and no later run of the same arm, seed and target succeeded: "
            "rerun them (`claimcheck replicate` resumes) or retire them (`claimcheck runs remove`)"),
            failed_runs=[f"{r.run_id} ({r.system}, seed {r.seed}): {r.error}" for r in failed],
            fidelity=fidelity, deviations=deviations)
    if reasons:
        return tier_result(verdict=RV.not_run.value, summary=f"runs cannot be used: {reasons[0]}")
    if k == 0:
        miss = "; ".join(render_missing(missing_any)[:3])
        if dropped:
            if len(dropped) == len(seeds):
                why = ("two runs give the same cell in every seed, two configurations that are never averaged, "
                       f"and --drop-ambiguous-seeds left them all out ({runs_per_seed(dropped)})")
            else:
                why = f"{left_out_summary(dropped)}; the other seeds lack what the derivation needs: {miss}"
            return tier_result(verdict=RV.not_run.value, summary=f"runs cannot be used: {why}", lines=left_out_lines(dropped))
        return tier_result(verdict=RV.not_run.value, summary=f"runs exist but lack what the derivation needs: {miss}")
    if dropped:
        by_seed = {seed: runs for seed, runs in (by_seed if by_seed is not None else _merged(groups)).items() if seed not in dropped}
        kept = [r for runs in by_seed.values() for r in runs]
        fidelity = max({r.fidelity for r in kept}, key=_FIDELITY_ORDER.__getitem__, default=None)
        deviations = sorted({d for r in kept for d in r.deviations})
    if k == len(seeds):
        runs = sorted([i for g in groups for i in g.ok_ids]) if len(groups) != 1 else sorted(groups[0].ok_ids)
    else:
        runs = sorted([i for g in groups for s in per_seed for i in g.run_ids.get(s, ())])
    base = dict(runs=runs, seeds=k, fidelity=fidelity, deviations=deviations)
    if k < need:
        result = tier_result(verdict=RV.inconclusive.value, summary=f"{k} complete seed(s); at least {need} are needed for an interval",
                             seeds_needed=need, **base)
    elif single is not None:
        result = judge_value(claim, single, mids if mids is not None else [(v[0] + v[1]) / 2 for v in per_seed.values()],
                             fidelity or "proxy", base)
    else:
        by_seed = by_seed if by_seed is not None else _merged(groups)
        result = judge_seeds(claim, per_seed, fidelity or "proxy", base, seeds_with_every_candidate(claim, by_seed))
    if dropped:
        return result.model_copy(update={"summary": f"{result.summary}; {left_out_summary(dropped)}",
                                         "lines": left_out_lines(dropped) + result.lines})
    return result


_PID = "9999.00001"
_ONE = {"tasks": ["xnli"], "split": "dev"}
_CLAIMS = [
    make_claim("mean_gain", {"system": "B", "baseline": "A", **_ONE}, ["2.0"]),
    make_claim("mean_gain", {"system": "B", "baseline": "A", **_ONE}, ["2.0"], tolerance={"min_seeds": 2}),
    make_claim("mean_gain", {"system": "C", "baseline": "A", **_ONE}, ["-1.5"], replication_arms=["D"]),
    make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}, ["1.0"]),
    make_claim("xtreme_gain", {"system": "B", "baseline": "A", **_ONE}, ["2.0"]),
    make_claim("mean_gain", {"system": "B", **_ONE}, ["2.0"]),  # the default baseline, never run here
    make_claim("mean_score", {"system": "B", **_ONE}, ["72.0"]),
    make_claim("top_k_gains", {"expected": ["B"], "candidates": ["B", "C", "D"], "baseline": "A", **_ONE}),
    make_claim("mean_better", {"better": ["B"], "worse": ["C"], **_ONE}),
    make_claim("direction_per_task", {"systems": ["B", "C"], "baseline": "A", "split": "dev", "expect": {"xnli": "up"}}, kind="effect"),
    make_claim("fact", {"fact": "x", "expect": 1}, kind="setup"),
]


def _records(rng: random.Random) -> list[RunRecord]:
    """Arms A to D in random seeds; some runs failed, some twice in a seed (another configuration),
    some lacking a task; fidelities and deviations mixed. Half the sets are regular (every arm once
    in every seed, each run measuring both tasks, none failed), the shape most claims have."""
    records = []
    regular = rng.random() < 0.5
    seeds = rng.sample(range(6), rng.randint(1, 5))
    for system in rng.sample("ABCD", rng.randint(0, 4)):
        for seed in seeds if regular else rng.sample(range(6), rng.randint(1, 5)):
            for part in range(1 if regular or rng.random() < 0.85 else 2):
                fidelity = rng.choice(["full", "full", "full", "reduced", "proxy"])
                deviations = [] if fidelity == "full" and rng.random() < 0.8 else rng.sample(["fewer steps", "fp16", "smaller model"], rng.randint(1, 2))
                failed = not regular and rng.random() < 0.08
                tasks = ["xnli", "pawsx"] if regular or rng.random() < 0.9 else [rng.choice(["xnli", "pawsx"])]
                records.append(RunRecord(
                    run_id=f"{system}-{seed}-{part}", paper_id=_PID, system=system, seed=seed, preset="test", fidelity=fidelity,
                    deviations=deviations, status="failed" if failed else "ok", error="boom" if failed else None,
                    metrics=[] if failed else [Metric(task=t, language="en", metric="accuracy", split="dev",
                                                      value=round(70 + rng.uniform(-3, 3) + 2 * (system == "B"), 2)) for t in tasks]))
    rng.shuffle(records)
    return records


def _outcome(fn, *args):
    try:
        return fn(*args).model_dump()
    except Exception as exc:  # both must fail alike
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("seed", range(6))
def test_check_replication_groups_judges_what_the_code_it_replaced_judged(seed):
    rng = random.Random(seed)
    for _ in range(60):
        records = _records(rng)
        ok = [r for r in records if r.status == "ok"]
        shared = _Shared(_index(records))
        for claim in _CLAIMS:
            systems = needed_systems(claim)
            assert systems == _reference_needed_systems(claim)
            groups = shared.groups(_PID, systems)
            for drop in (False, True):
                for shared_tables in (True, False):
                    got = _outcome(tier.check_replication_groups, claim, groups, SeedTables(ok) if shared_tables else None, systems, drop)
                    want = _outcome(_reference_check, claim, groups, SeedTables(ok) if shared_tables else None, systems, drop)
                    assert got == want, (claim.id, claim.derivation, drop, shared_tables)


def test_needed_systems_names_what_the_loops_named():
    rng = random.Random(5)
    keys = ["system", "baseline", "candidates", "systems", "better", "worse", "expected", "tasks"]
    for _ in range(3000):
        params = {}
        for key in rng.sample(keys, rng.randint(0, 4)):
            names = rng.sample(["A", "B", "C", DEFAULT_BASELINE], rng.randint(0, 2))
            params[key] = rng.choice(names + ["A"]) if key in ("system", "baseline") else rng.choice([names, None, tuple(names)])
        name = rng.choice(["mean_gain", "xtreme_gain", "top_k_gains", "direction_per_task", "mean_score", "mean_better", "fact"])
        claim = SimpleNamespace(derivation=SimpleNamespace(name=name, params=params),
                                replication_arms=rng.sample(["A", "D", DEFAULT_BASELINE], rng.randint(0, 2)))
        assert needed_systems(claim) == _reference_needed_systems(claim), (name, params, claim.replication_arms)


def test_gain_middles_in_one_pass_are_the_middles_of_the_intervals():
    """derive_seeds' middles read from the arms' rows (one pass, each ``(v + v) / 2``) against the middles of the
    Intervals the tables give one by one, at the edges of the floats too: huge gains whose doubling
    overflows, differences that overflow, and (metrics built without validation, which refuses them)
    infinities and NaN, refused on both paths."""
    edges = [0.0, -0.0, 1e-310, 5e-324, 1.5, -2.25, 9e307, -9e307, 1.7e308, -1.7e308, math.inf, -math.inf, math.nan]
    rng = random.Random(3)
    claim_params = {"system": "B", "baseline": "A", **_ONE}
    for _ in range(400):
        records = []
        for seed in range(rng.randint(1, 5)):
            for system in "AB":
                value = rng.choice(edges + [round(rng.uniform(-100, 100), 3)] * 4)
                records.append(RunRecord(run_id=f"{system}-{seed}", paper_id=_PID, system=system, seed=seed, preset="test", fidelity="full",
                                         metrics=[Metric.model_construct(task="xnli", language="en", metric="accuracy", split="dev", value=value)]))
        tables = SeedTables(records)
        seeds = sorted({r.seed for r in records})
        try:
            one_pass = derive_seeds("mean_gain", tables.of(_PID, seeds), claim_params)
        except Exception as exc:
            one_pass = (type(exc).__name__, str(exc))
        try:
            by_table = derive_seeds("mean_gain", [tables.get(_PID, s) for s in seeds], claim_params)
        except Exception as exc:
            by_table = (type(exc).__name__, str(exc))
        if type(by_table) is tuple:  # raised (a SeedValues is a NamedTuple, not a tuple)
            assert one_pass == by_table
            continue
        assert type(one_pass) is not tuple, one_pass
        assert (one_pass.label, one_pass.signed, one_pass.notes) == (by_table.label, by_table.signed, by_table.notes)
        assert not any(isinstance(v, NotDerivable) for v in by_table.values)
        got = one_pass.mids if one_pass.mids is not None else [(v[0] + v[1]) / 2 for v in one_pass.values]
        assert [repr(m) for m in got] == [repr((v[0] + v[1]) / 2) for v in by_table.values]


@pytest.mark.parametrize("derivation, params", [
    ("mean_gain", {"system": "B", "baseline": "A", **_ONE}),
    ("xtreme_gain", {"system": "B", "baseline": "A", **_ONE}),
    ("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}),
    ("mean_score", {"system": "B", **_ONE}),
])
def test_a_paper_whose_only_runs_failed_is_an_infra_failure(derivation, params):
    """Every run of the paper failed: the seed tables (over successful runs) hold none of its runs, and a
    one-task gain asked them for the arms' rows and raised KeyError (as of 14e8cb2); now no seed means
    nothing to derive, and the failed runs fail the claim closed, as for any other derivation."""
    from claimcheck.verifier.engine import verify
    from verifier_fixtures import make_paper, make_registry, run

    claim = make_claim(derivation, params, ["2.0"])
    records = [run("A", 0, [], status="failed", error="boom"), run("B", 1, [], status="failed", error="boom")]
    for drop in (False, True):
        tier = verify(make_registry(make_paper(), [claim]), records, drop_ambiguous_seeds=drop).claims[0].replication
        assert tier.verdict == "infra_failure", tier.summary
        want = {"B-1 (B, seed 1): boom"} | ({"A-0 (A, seed 0): boom"} if "baseline" in params else set())
        assert set(tier.failed_runs) == want

"""Regression tests: replication-tier inputs that used to crash `verify` with a traceback.

Found by a random-registry generator. Each case must now give a verdict that says what it could
not use, instead of raising.
"""

from __future__ import annotations

from claimcheck.results.records import record_observations
from claimcheck.verifier.derive import Context, run_derivation
from claimcheck.verifier.engine import verify
from claimcheck.verifier.table import NotDerivable, Table
from verifier_fixtures import make_claim, make_paper, make_registry, run

TWO = {"min_seeds": 2}  # these cases are about too few seeds: the floor is lowered to two to reach them with three
TOP = make_claim("top_k_gains", {"expected": ["B"], "candidates": ["B", "C"], "baseline": "A",
                                 "tasks": ["xnli"], "split": "dev"}, ["2.0"], kind="comparison", tolerance=TWO)


def _replication(records, claim):
    return verify(make_registry(make_paper(), [claim]), records).claims[0].replication


def _arms(seeds, gains, base=70.0):
    """One run per (arm, seed): A is the baseline, each other arm scores base + its gain + seed noise."""
    recs = []
    for seed in seeds:
        recs.append(run("A", seed, [("xnli", "accuracy", base + 0.1 * seed)]))
        for arm, gain in gains.items():
            recs.append(run(arm, seed, [("xnli", "accuracy", base + 0.1 * seed + gain + 0.05 * seed)]))
    return recs


# 1. Two runs of one arm for one seed: the table's refusal reaches the verdict.

def test_top_k_two_runs_of_one_arm_refuse_instead_of_crashing():
    recs = _arms([0, 1], {"B": 2.0, "C": 1.0})
    recs += [run("C", s, [("xnli", "accuracy", 90.0)], run_id=f"C-{s}-other-config") for s in (0, 1)]
    v = _replication(recs, TOP)
    assert v.verdict == "not_run"
    assert v.summary.startswith("runs cannot be used: two runs give C / xnli")
    assert "C-0-other-config" in v.summary and "verify one configuration at a time" in v.summary


def test_top_k_ambiguous_seed_is_named_like_other_derivations():
    recs = _arms([0, 1, 2], {"B": 2.0, "C": 1.0})
    recs.append(run("C", 0, [("xnli", "accuracy", 90.0)], run_id="C-0-other-config"))
    v = _replication(recs, TOP)
    assert v.verdict == "not_run" and "C-0-other-config" in v.summary and not v.runs


def test_derivations_over_several_systems_do_not_swallow_the_refusal():
    # Before the fix, top_k_gains and mean_better caught the refusal and lost it (no cells missing).
    # mean_better with better = [B, C] even derived a margin from C alone.
    recs = [run("A", 0, [("xnli", "accuracy", 70.0)]), run("B", 0, [("xnli", "accuracy", 72.0)]),
            run("B", 0, [("xnli", "accuracy", 80.0)], run_id="B-0-other-config"), run("C", 0, [("xnli", "accuracy", 60.0)])]
    table = Table([o for r in recs for o in record_observations(r)])
    ctx = Context(replication=True)
    for name, params in [("top_k_gains", {"expected": ["B"], "candidates": ["B", "C"], "baseline": "A", "tasks": ["xnli"]}),
                         ("mean_better", {"better": ["B"], "worse": ["A"], "tasks": ["xnli"]}),
                         ("mean_better", {"better": ["B", "C"], "worse": ["A"], "tasks": ["xnli"]})]:
        try:
            run_derivation(name, table, params, ctx)
        except NotDerivable as exc:
            assert "two runs give B / xnli" in exc.reason, name
        else:
            raise AssertionError(f"{name} derived a value from two configurations")


# 2. top_k_gains where some seed ran no other candidate: the margin is judged over the seeds that did.

def test_top_k_margin_over_the_seeds_that_ran_a_rival():
    recs = _arms([0, 1, 2], {"B": 2.0}) + _arms([0, 1], {"C": 1.0})
    recs = list({r.run_id: r for r in recs}.values())  # A's runs for seeds 0 and 1 appear twice
    v = _replication(recs, TOP)
    margin = [line for line in v.lines if line.startswith("order margin")]
    assert margin == [margin[0]] and margin[0].startswith("order margin over 2 of 3 seeds")
    assert "seed(s) 2 did not run every candidate" in margin[0]
    assert v.verdict == "direction_only"  # B beats C in both seeds that ran C; B's gain over all three


def test_top_k_margin_from_too_few_seeds_is_inconclusive():
    # C was run with seed 2 only (not the first seed, whose margin used to decide whether one was judged).
    recs = _arms([0, 1, 2], {"B": 2.0}) + [run("C", 2, [("xnli", "accuracy", 60.0)])]
    v = _replication(recs, TOP)
    margin = [line for line in v.lines if line.startswith("order margin")]
    assert margin and "only 1 of 3 seeds ran every candidate that was run" in margin[0] and "at least 2" in margin[0]
    assert "C was not run in seed(s) 0, 1" in margin[0]
    # more seeds would not help: C must be run in the seeds that lack it, so no seed count is promised
    assert v.verdict == "inconclusive" and v.seeds_needed is None


def test_no_seed_count_is_promised_when_one_quantity_would_never_decide():
    """B's gain is 0 on average: no count of seeds decides its direction, so the claim's count is None
    (a count that decides only the other quantities would not decide the claim)."""
    claim = make_claim("top_k_gains", {"expected": ["C", "B"], "candidates": ["B", "C", "D"], "baseline": "A",
                                       "tasks": ["xnli"], "split": "dev"}, ["2.0", "1.0"], kind="comparison")
    recs = []
    for seed, (b, c) in enumerate([(0.5, 3.0), (-0.5, 1.0), (0.0, 2.6)]):
        recs += [run("A", seed, [("xnli", "accuracy", 70.0)]), run("B", seed, [("xnli", "accuracy", 70.0 + b)]),
                 run("C", seed, [("xnli", "accuracy", 70.0 + c)]), run("D", seed, [("xnli", "accuracy", 60.0)])]
    v = _replication(recs, claim)
    lines = {line.split(":")[0]: line for line in v.lines}
    assert "about" in lines["C - A"] and "no count up to" in lines["B - A"], v.lines  # C alone has a count
    assert v.verdict == "inconclusive" and v.seeds_needed is None, v.lines


def test_a_rival_run_in_some_seeds_is_not_dropped_from_the_others():
    """Q beats B in the two seeds it ran; in seeds 2 and 3 only C (below B) was run. Averaging the margins
    of different rankings (-2 twice, +1 twice) would hide that: the margin is judged over seeds 0 and 1."""
    claim = make_claim("top_k_gains", {"expected": ["B"], "candidates": ["B", "C", "Q"], "baseline": "A",
                                       "tasks": ["xnli"], "split": "dev"}, kind="comparison", tolerance=TWO)
    recs = _arms([0, 1, 2, 3], {"B": 2.0, "C": 1.0}) + [r for r in _arms([0, 1], {"Q": 4.0}) if r.system == "Q"]
    v = _replication(recs, claim)
    margin = [line for line in v.lines if line.startswith("order margin")]
    assert margin[0].startswith("order margin over 2 of 4 seeds (seed(s) 2, 3 did not run every candidate"), margin
    assert v.verdict == "not_reproduced", v.lines  # B is below Q in every seed that ran Q


def test_top_k_margin_unchanged_when_every_seed_ran_every_candidate():
    v = _replication(_arms([0, 1, 2], {"B": 2.0, "C": 1.0}), TOP)
    assert any(line.startswith("order margin: mean 1.") for line in v.lines)
    assert v.verdict == "direction_only"


# 3. direction_per_task where a (task, system) pair was run with fewer seeds than needed.

def test_effect_pair_with_one_seed_is_unclear_not_a_crash():
    claim = make_claim("direction_per_task", {"systems": ["B", "C"], "baseline": "A", "split": "dev",
                                              "expect": {"xnli": "up"}}, kind="effect", tolerance=TWO)
    recs = _arms([0, 1, 2], {"B": 2.0}) + [run("C", 1, [("xnli", "accuracy", 75.0)])]
    v = _replication(recs, claim)
    assert "xnli: C has only 1 seed(s), at least 2 are needed: unclear" in v.lines
    assert any(line.startswith("xnli: B gain +2.") and line.endswith("3 seeds), expected up: ok") for line in v.lines)
    assert any(line.startswith("xnli: 1/2 systems show the claimed direction, 0/2 the opposite, 1 unclear (quorum 100%)")
               for line in v.lines)
    assert v.verdict == "inconclusive" and v.seeds_needed == 2
    half = make_claim("direction_per_task", {"systems": ["B", "C"], "baseline": "A", "split": "dev",
                                             "expect": {"xnli": "up"}, "quorum": 0.5}, kind="effect", tolerance=TWO)
    assert _replication(recs, half).verdict == "direction_only"  # one of two systems suffices


def test_min_seeds_below_two_is_refused_when_the_claim_is_read():
    import pytest
    from claimcheck.model import ValidationError

    with pytest.raises(ValidationError, match="min_seeds"):
        make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["2.0"],
                   tolerance={"min_seeds": 1})

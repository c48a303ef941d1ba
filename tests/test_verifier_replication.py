"""Table-driven replication-tier tests: one seed, many seeds, sign flips, failed runs, fidelity caps."""

from __future__ import annotations

import pytest

from claimcheck.verifier.engine import verify
from claimcheck.verifier.stats import seeds_to_resolve, summarize_seeds, t_quantile
from claimcheck.verifier.verdict import decide_overall
from verifier_fixtures import make_claim, make_paper, make_registry, run

CLAIM = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["2.0"])


def _runs(deltas, fidelity="proxy", base=70.0):
    recs = []
    for seed, d in enumerate(deltas):
        recs.append(run("A", seed, [("xnli", "accuracy", base + 0.1 * seed)], fidelity=fidelity))
        recs.append(run("B", seed, [("xnli", "accuracy", base + 0.1 * seed + d)], fidelity=fidelity))
    return recs


def _verdict(records, claim=CLAIM):
    return verify(make_registry(make_paper(), [claim]), records).claims[0]


@pytest.mark.parametrize(
    "deltas, fidelity, expected",
    [
        ([2.0, 2.1, 1.9], "full", "reproduced"),
        ([2.0, 2.1, 1.9], "proxy", "direction_only"),  # fidelity cap
        ([2.0, 2.1, 1.9], "reduced", "direction_only"),
        ([0.5, 0.6, 0.4], "full", "not_reproduced"),  # right sign, but the PI misses 2.0 at full fidelity
        ([0.5, 0.6, 0.4], "proxy", "direction_only"),  # a proxy compares the direction only
        ([-2.0, -2.1, -1.9], "proxy", "not_reproduced"),  # sign flip
        ([-2.0, -2.1, -1.9], "full", "not_reproduced"),
        ([0.01, -0.01, 0.0], "full", "not_reproduced"),  # effect absent, tight interval excludes 2.0
        ([3.0, -2.0, 1.0], "proxy", "inconclusive"),  # too noisy for a direction
        ([2.0], "full", "inconclusive"),  # one seed
    ],
)
def test_replication_verdicts(deltas, fidelity, expected):
    assert _verdict(_runs(deltas, fidelity)).replication.verdict == expected


def test_inconclusive_says_how_many_seeds():
    result = _verdict(_runs([3.0, -1.0, 2.0], "proxy")).replication
    assert result.verdict == "inconclusive"
    assert result.seeds_needed is not None and result.seeds_needed > 3


def test_paired_deltas_cancel_seed_noise():
    # Seeds move both arms by +-10 points; the paired delta is exactly 2.0 every time.
    recs = []
    for seed, shift in enumerate([-10.0, 0.0, 10.0]):
        recs.append(run("A", seed, [("xnli", "accuracy", 60.0 + shift)], fidelity="full"))
        recs.append(run("B", seed, [("xnli", "accuracy", 62.0 + shift)], fidelity="full"))
    assert _verdict(recs).replication.verdict == "reproduced"


def test_failed_run_is_infra_failure_never_not_reproduced():
    recs = _runs([2.0], "full") + [run("B", 1, [], fidelity="full", status="failed", error="CUDA OOM", run_id="B-1")]
    v = _verdict(recs)
    assert v.replication.verdict == "infra_failure"
    assert v.overall.value == "infra_failure"
    assert any("CUDA OOM" in f for f in v.replication.failed_runs)


def test_a_failed_run_fails_closed_even_when_enough_seeds_remain():
    """Dropping a failed seed (or a failed task of one seed) would change what is averaged; the
    verdict waits until the run is redone or retired."""
    recs = _runs([2.0, 2.1, 1.9], "full") + [run("B", 9, [], fidelity="full", status="failed", error="killed", run_id="B-9")]
    v = _verdict(recs).replication
    assert v.verdict == "infra_failure"
    assert v.failed_runs == ["B-9 (B, seed 9): killed"] and "runs remove" in v.summary


def _target_spec(task):
    return {"target": {"task": task, "evals": [{"task": task, "language": "en", "split": "dev"}]}}


def test_a_failed_run_of_a_task_the_claim_does_not_read_is_not_needed():
    failed = run("B", 1, [], fidelity="full", status="failed", error="killed", run_id="B-1-pawsx")
    failed = failed.model_copy(update={"spec": _target_spec("pawsx")})
    v = _verdict(_runs([2.0, 2.1, 1.9], "full") + [failed]).replication  # the claim reads xnli only
    assert v.verdict == "reproduced" and not v.failed_runs


def test_a_failed_run_redone_successfully_is_not_needed():
    failed = run("B", 1, [], fidelity="full", status="failed", error="killed", run_id="B-1-old")
    failed = failed.model_copy(update={"spec": _target_spec("xnli")})
    assert _verdict(_runs([2.0, 2.1, 1.9], "full") + [failed]).replication.verdict == "reproduced"
    no_spec = run("B", 1, [], fidelity="full", status="failed", error="killed", run_id="B-1-old")
    assert _verdict(_runs([2.0, 2.1, 1.9], "full") + [no_spec]).replication.verdict == "infra_failure"  # target unknown


def test_not_run_and_other_papers_ignored():
    assert _verdict([]).replication.verdict == "not_run"
    other = [run("A", 0, [("xnli", "accuracy", 1.0)], paper_id="other"), run("B", 0, [("xnli", "accuracy", 3.0)], paper_id="other")]
    assert _verdict(other).replication.verdict == "not_run"


def test_runs_missing_the_task_say_so():
    recs = [run("A", 0, [("pawsx", "accuracy", 1.0)]), run("B", 0, [("pawsx", "accuracy", 3.0)])]
    v = _verdict(recs).replication
    assert v.verdict == "not_run" and "xnli" in v.summary


def test_effect_replication_at_proxy():
    claim = make_claim("direction_per_task", {"systems": ["B", "C"], "baseline": "A", "split": "dev",
                                              "expect": {"xnli": "up"}, "quorum": 0.5}, kind="effect")
    recs = []
    for seed in range(3):
        recs += [run("A", seed, [("xnli", "accuracy", 70.0)]), run("B", seed, [("xnli", "accuracy", 72.0 + 0.1 * seed)]),
                 run("C", seed, [("xnli", "accuracy", 69.0 - 0.1 * seed)])]
    v = _verdict(recs, claim).replication
    assert v.verdict == "direction_only"  # B is up in every seed: 1 of 2 systems meets the 0.5 quorum
    strict = make_claim("direction_per_task", {"systems": ["B", "C"], "baseline": "A", "split": "dev",
                                               "expect": {"xnli": "up"}, "quorum": 1.0}, kind="effect")
    assert _verdict(recs, strict).replication.verdict == "not_reproduced"


@pytest.mark.parametrize(
    "gains, outcome, verdict",
    [
        ([0.1, -0.1, 0.0], "ok", "direction_only"),  # tight around zero: the CI rules out a 1-point gain
        ([4.0, -4.0, 1.0], "unclear", "inconclusive"),  # wide: noise is not evidence of no gain
        ([3.0, 3.2, 2.8], "against", "not_reproduced"),  # a clear gain of more than the margin
        ([0.5, 0.6, 0.4], "ok", "direction_only"),  # a small real gain, below the 1-point margin
    ],
)
def test_no_gain_needs_the_ci_below_the_margin(gains, outcome, verdict):
    claim = make_claim("direction_per_task", {"systems": ["B"], "baseline": "A", "split": "dev",
                                              "expect": {"xnli": "no_gain"}}, kind="effect")
    recs = []
    for seed, g in enumerate(gains):
        recs += [run("A", seed, [("xnli", "accuracy", 70.0)]), run("B", seed, [("xnli", "accuracy", 70.0 + g)])]
    v = _verdict(recs, claim).replication
    assert v.verdict == verdict
    assert any(line.endswith(f"expected no_gain (below 1): {outcome}") for line in v.lines), v.lines


@pytest.mark.parametrize(
    "source, replication, fidelity, overall, rule",
    [
        ("inconsistent", "reproduced", "full", "contradicted", "R1"),
        ("direction_error", "not_run", None, "contradicted", "R1"),
        ("not_derivable", "not_reproduced", "full", "contradicted", "R2"),
        ("consistent", "infra_failure", None, "infra_failure", "R3"),
        ("not_derivable", "not_reproduced", "proxy", "disputed", "R4"),
        ("consistent", "not_run", None, "supported", "R5"),
        ("not_derivable", "reproduced", "full", "supported", "R5"),
        ("not_derivable", "direction_only", "proxy", "direction_supported", "R6"),
        ("not_derivable", "inconclusive", "proxy", "inconclusive", "R7"),
        ("not_derivable", "not_run", None, "unverified", "R8"),
    ],
)
def test_overall_rule_table(source, replication, fidelity, overall, rule):
    got, which = decide_overall(source, replication, fidelity)
    assert (got.value, which) == (overall, rule)


@pytest.mark.parametrize("source", ["inconsistent", "consistent", "not_derivable"])
def test_a_draft_is_unverified_whatever_its_tiers_say(source):
    got, which = decide_overall(source, "reproduced", "full", draft=True)
    assert (got.value, which) == ("unverified", "R0")


def test_statistics():
    assert abs(t_quantile(0.975, 2) - 4.302653) < 1e-5
    assert abs(t_quantile(0.975, 30) - 2.042272) < 1e-5
    s = summarize_seeds([1.0, 2.0, 3.0])
    assert s.mean == 2.0 and abs(s.sd - 1.0) < 1e-12
    assert abs((s.ci.hi - s.mean) - 4.302653 / 3 ** 0.5) < 1e-5
    assert abs((s.pi.hi - s.mean) - 4.302653 * (1 + 1 / 3) ** 0.5) < 1e-5
    with pytest.raises(ValueError):
        summarize_seeds([1.0])
    with pytest.raises(ValueError):
        summarize_seeds([1.0, float("nan")])
    assert seeds_to_resolve(1.0, 0.5) == 18  # t(n-1) / sqrt(n) < 0.5 first at n = 18
    assert seeds_to_resolve(0.0, 0.5, current=3) == 3


def test_replication_over_a_subset_of_tasks_says_so():
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}, ["2.0"])
    v = _verdict(_runs([2.0, 2.1, 1.9], "proxy"), claim).replication
    assert v.verdict == "direction_only"
    assert any("averaged over the 1 of 2 tasks that were run (xnli); not run: pawsx" in line for line in v.lines)
    source_side = verify(make_registry(make_paper(), [claim]), []).claims[0].source
    assert source_side.verdict == "not_derivable"  # on the paper's cells every task is needed


def test_effect_on_a_subset_of_tasks():
    claim = make_claim("direction_per_task", {"systems": ["B"], "baseline": "A", "split": "dev",
                                              "expect": {"xnli": "up", "tydiqa": "up"}}, kind="effect")
    v = _verdict(_runs([2.0, 2.1, 1.9], "proxy"), claim).replication
    assert v.verdict == "direction_only"
    assert "tasks not run: tydiqa" in v.lines


def test_two_configurations_of_one_arm_are_never_averaged():
    recs = _runs([2.0, 2.1, 1.9], "proxy")
    recs.append(run("B", 0, [("xnli", "accuracy", 90.0)], run_id="B-0-other-config"))
    v = _verdict(recs).replication
    # seed 0 is ambiguous: not dropped silently (the others would decide alone), but named
    assert v.verdict == "not_run" and "B-0-other-config" in v.summary and not v.runs
    only_seed0 = [run("A", 0, [("xnli", "accuracy", 70.0)]), run("B", 0, [("xnli", "accuracy", 72.0)]),
                  run("B", 0, [("xnli", "accuracy", 90.0)], run_id="B-0-other-config")]
    v = _verdict(only_seed0).replication
    assert v.verdict == "not_run" and "two runs give B / xnli" in v.summary and "B-0-other-config" in v.summary


def _with_spec(record, eval_examples, model="me5"):
    spec = {"encoder": {"name": model}, "precision": "auto",
            "target": {"task": "xnli", "evals": [{"task": "xnli", "language": "en", "limit": eval_examples}]}}
    return record.model_copy(update={"spec": spec})


def test_arms_evaluated_under_different_protocols_are_not_compared():
    # The baseline was evaluated on 2,000 examples, B on 100 (or B on another model): a paired delta
    # would compare different test sets, so the target is refused, naming the runs.
    same = [_with_spec(r, 100) for r in _runs([2.0, 2.1, 1.9])]
    assert _verdict(same).replication.verdict == "direction_only"
    for changed in (lambda r: _with_spec(r, 2000), lambda r: _with_spec(r, 100, model="xlm-r")):
        mixed = [changed(r) if r.system == "A" else r for r in same]
        result = _verdict(mixed).replication
        assert result.verdict == "not_run"
        assert "followed different protocols" in result.summary and "A-0" in result.summary and "B-0" in result.summary
    # one seed whose runs differ is enough: the other seeds would decide alone, so it is named instead
    one_seed = [_with_spec(r, 2000) if (r.system, r.seed) == ("A", 0) else r for r in _runs([2.0, 2.1, 1.9, 2.0])]
    one_seed = [r if r.spec else _with_spec(r, 100) for r in one_seed]
    result = _verdict(one_seed).replication
    assert result.verdict == "not_run" and "seed 0" in result.summary and "A-0" in result.summary


def test_records_without_a_spec_are_compared_as_before():
    records = _runs([2.0, 2.1, 1.9])
    records[0] = _with_spec(records[0], 2000)  # one record says how it ran; the others cannot be checked
    assert _verdict(records).replication.verdict == "direction_only"


def test_a_task_run_in_only_some_seeds_counts_as_not_run_in_all_of_them():
    # B ran pawsx in seeds 0 and 1 only (a matrix resumed piece by piece). Averaging it in those seeds
    # and not in seed 2 would mix two task sets (6.0, 6.0, 2.0); every seed must average xnli alone.
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}, ["2.0"])
    records = []
    for seed in range(3):
        records.append(run("A", seed, [("xnli", "accuracy", 70.0 + seed), ("pawsx", "accuracy", 60.0)]))
        b = [("xnli", "accuracy", 72.0 + seed)] + ([("pawsx", "accuracy", 70.0)] if seed < 2 else [])
        records.append(run("B", seed, b))
    result = _verdict(records, claim).replication
    seeds = [s.lo for s in result.spans if s.role == "seed"]
    assert seeds == pytest.approx([2.0, 2.0, 2.0])
    assert any("averaged over the 1 of 2 tasks" in line and "not run: pawsx" in line for line in result.lines)


@pytest.mark.parametrize("pairs, quorum, expected", [
    # 3 of 6 against already; one more decides "not reproduced": the fastest-resolving pair leaning against
    ([("against", -1, None)] * 3 + [("unclear", -1, 30), ("unclear", -1, 5), ("unclear", 1, 7)], 0.5, 5),
    # a pair leaning the claimed way cannot lift 0/6 to the quorum alone; two leaning against are needed
    ([("against", -1, None)] * 2 + [("unclear", -1, 8), ("unclear", -1, 283), ("unclear", 1, 4), ("unclear", -1, 20)], 0.5, 20),
    # too few seeds (lean 0) may resolve either way
    ([("ok", 1, None), ("unclear", 0, 2)], 1.0, 2),
    # nothing left that could decide: every remaining pair's gain is indistinguishable from zero
    ([("ok", 1, None), ("against", -1, None), ("unclear", 1, None), ("unclear", -1, None)], 0.75, None),
])
def test_seeds_to_decide_an_effect_task_count_only_the_pairs_that_would_decide_it(pairs, quorum, expected):
    from claimcheck.verifier.replication_tier import _seeds_to_decide

    assert _seeds_to_decide(pairs, quorum) == expected


def test_a_claim_without_arms_is_counted_as_such_in_the_coverage():
    claim = make_claim("unavailable_source", {"needs": "the results table"}, kind="comparison")
    report = verify(make_registry(make_paper(), [claim]), [])
    assert report.claims[0].replication.summary == "no replication arms are declared for this claim"
    assert report.coverage["replication"].reasons == {"no replication arms declared": 1}


def test_an_unordered_top_k_ranks_the_systems_once_not_in_every_seed():
    """X and Y trade places from seed to seed (each +0.5 on average): sorting within each seed would make
    a steady +1.5 and -0.5 out of noise and call the claim contradicted; ranked once, it is undecided."""
    params = {"expected": ["X", "Y"], "candidates": ["X", "Y"], "baseline": "A", "tasks": ["xnli"], "split": "dev", "ordered": False}
    claim = make_claim("top_k_gains", params, ["0.5", "0.5"], kind="comparison")
    recs = []
    for seed, (x, y) in enumerate([(1.5, -0.5), (-0.5, 1.5), (1.5, -0.5), (-0.5, 1.5)]):
        recs += [run("A", seed, [("xnli", "accuracy", 70.0)], fidelity="full"),
                 run("X", seed, [("xnli", "accuracy", 70.0 + x)], fidelity="full"),
                 run("Y", seed, [("xnli", "accuracy", 70.0 + y)], fidelity="full")]
    v = _verdict(recs, claim)
    assert v.replication.verdict == "inconclusive" and v.overall.value == "inconclusive"
    assert any(line.startswith("X - A (1st largest on average): mean 0.500") for line in v.replication.lines), v.replication.lines


def test_a_clear_order_margin_at_full_fidelity_counts_as_reproduced():
    """The margin has no reported value of its own: a CI above zero establishes the claimed order."""
    params = {"expected": ["X"], "candidates": ["X", "Y"], "baseline": "A", "tasks": ["xnli"], "split": "dev"}
    claim = make_claim("top_k_gains", params, ["2.0"], kind="comparison")
    recs = []
    for seed, (x, y) in enumerate([(2.0, 0.1), (2.1, -0.1), (1.9, 0.0)]):
        recs += [run("A", seed, [("xnli", "accuracy", 70.0)], fidelity="full"),
                 run("X", seed, [("xnli", "accuracy", 70.0 + x)], fidelity="full"),
                 run("Y", seed, [("xnli", "accuracy", 70.0 + y)], fidelity="full")]
    v = _verdict(recs, claim).replication
    assert v.verdict == "reproduced", v.lines
    assert not any("misses the reported value" in line for line in v.lines)


def test_a_precise_full_replication_of_a_smaller_effect_is_not_reproduced_however_tight():
    """A tighter replication must never get a kinder verdict. +0.5 +- 0.1 at full fidelity misses a
    claimed +2.0 (its PI excludes it): not reproduced, not "direction supported". With 3 seeds of
    +0.5 +- 0.5 the PI still reaches 2.0 and the CI reaches 0: undecided, with the seeds that decide."""
    tight = _verdict(_runs([0.4, 0.5, 0.6], "full")).replication
    assert tight.verdict == "not_reproduced"
    assert any("prediction interval misses the reported value" in line for line in tight.lines), tight.lines
    loose = _verdict(_runs([0.0, 0.5, 1.0], "full")).replication
    assert loose.verdict == "inconclusive" and loose.seeds_needed and loose.seeds_needed > 3
    # a PI just wide enough to touch 2.0, around a mean of 1.0: the CI [0.5, 1.5] holds half the claim
    edge = _verdict(_runs([0.8, 1.0, 1.2], "full")).replication
    assert edge.verdict == "inconclusive" and edge.seeds_needed == 4, edge.lines
    # eight seeds around +0.2: the PI still reaches 1.35 (the claim's lower edge), the CI stays below 0.675
    short = _verdict(_runs([-0.5, 0.9, -0.3, 0.7, 0.2, 0.2, -0.2, 0.6], "full"), make_claim(
        "mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["1.4"])).replication
    assert short.verdict == "not_reproduced" and any("half the smallest value the claim admits" in line for line in short.lines), short.lines


def test_the_claimed_direction_is_the_written_sign_not_the_widened_interval():
    """"+0.4" with a 0.5 tolerance spans [-0.15, 0.95] but still claims a gain: a clear drop is not it."""
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["0.4"],
                       tolerance={"extra": 0.5})
    drop = _verdict(_runs([-0.11, -0.10, -0.09], "full"), claim).replication
    assert drop.verdict == "not_reproduced" and any("opposite to the claim" in line for line in drop.lines), drop.lines
    assert _verdict(_runs([0.39, 0.40, 0.41], "full"), claim).replication.verdict == "reproduced"
    zero = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["0.0"])
    assert _verdict(_runs([-0.01, 0.0, 0.01], "full"), zero).replication.verdict == "reproduced"
    # a proxy compares directions only, and "0.0" states none
    proxy_zero = _verdict(_runs([0.29, 0.30, 0.31], "proxy"), zero).replication
    assert proxy_zero.verdict == "inconclusive" and proxy_zero.seeds_needed is None, proxy_zero


def test_a_score_is_compared_by_magnitude_at_full_fidelity_only():
    """A score's sign says nothing: 40 points on a proxy neither supports nor disputes a reported 68.2."""
    score = make_claim("mean_score", {"system": "B", "tasks": ["xnli"], "split": "dev"}, ["68.2"])
    proxy = _verdict(_runs([0.0, 0.0, 0.0], "proxy", base=40.0), score).replication
    assert proxy.verdict == "inconclusive" and proxy.seeds_needed is None
    assert any("a score (not a difference)" in line for line in proxy.lines), proxy.lines
    assert _verdict(_runs([0.0, 0.0, 0.0], "full", base=40.0), score).replication.verdict == "not_reproduced"
    near = [run("B", seed, [("xnli", "accuracy", v)], fidelity="full") for seed, v in enumerate([68.0, 68.3, 68.1])]
    assert _verdict(near, score).replication.verdict == "reproduced"
    # two seeds give a PI about 15 sd wide that holds any number: three is the default floor
    two = [run("B", seed, [("xnli", "accuracy", v)], fidelity="full") for seed, v in enumerate([54.9, 57.1])]
    assert _verdict(two, score).replication.seeds_needed == 3
    three = two + [run("B", 2, [("xnli", "accuracy", 56.0)], fidelity="full")]
    assert _verdict(three, score).replication.verdict == "not_reproduced"


@pytest.mark.parametrize("mean, sd, n", [(1.0, 3.0, 3), (1.0, 3.0, 8), (0.5, 1.0, 3), (0.3, 0.5, 2), (-0.5, 2.0, 3), (2.0, 1.5, 3)])
def test_the_seeds_said_to_decide_do_decide(mean, sd, n):
    """At the stated count, with the same mean and sd, the verdict is no longer inconclusive; one seed
    fewer, it still is (the count is the first that decides). Reported: "5.4" at full fidelity."""
    from claimcheck.verifier.intervals import written_interval
    from claimcheck.verifier.replication_tier import _decide
    from claimcheck.verifier.stats import SeedSummary

    from claimcheck.verifier.intervals import Interval

    def summary(k: int) -> SeedSummary:
        t = t_quantile(0.975, k - 1)

        return SeedSummary(k, mean, sd, Interval(mean - t * sd / k ** 0.5, mean + t * sd / k ** 0.5),
                           Interval(mean - t * sd * (1 + 1 / k) ** 0.5, mean + t * sd * (1 + 1 / k) ** 0.5), 0.95)

    reported = written_interval("5.4")
    verdict, needed, _ = _decide(summary(n), reported, "full")
    assert verdict.value == "inconclusive" and needed is not None and needed > n
    assert _decide(summary(needed), reported, "full")[0].value != "inconclusive"
    assert _decide(summary(needed - 1), reported, "full")[0].value == "inconclusive"


def test_a_top_k_system_with_no_number_is_shown_not_judged_as_a_gain():
    """"B and C rank above D" says nothing of the sign of C's gain: only the order margin is judged."""
    claim = make_claim("top_k_gains", {"expected": ["B", "C"], "candidates": ["B", "C", "D"], "baseline": "A",
                                       "tasks": ["xnli"], "split": "dev"}, kind="comparison")
    recs = []
    for seed in range(3):
        for system, score in (("A", 70.0), ("B", 72.0), ("C", 69.0), ("D", 66.0)):
            recs.append(run(system, seed, [("xnli", "accuracy", score + 0.1 * seed * (system == "B"))], fidelity="proxy"))
    v = _verdict(recs, claim).replication
    assert v.verdict == "direction_only", v.lines
    assert any(line.startswith("C - A: mean -1.000") and "not judged" in line for line in v.lines), v.lines


def test_half_the_claim_is_taken_from_the_smallest_value_it_admits():
    """"2.0" with a 1.5-point tolerance admits 0.45: a tight 0.8 lies within it (reproduced). With a
    1-point tolerance it admits 0.95, and a noise-free 1.0 is reproduced, not undecided for ever (half of
    the written 2.0 would sit exactly on it)."""
    params = {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}
    loose = make_claim("mean_gain", params, ["2.0"], tolerance={"extra": 1.5})
    assert _verdict(_runs([0.79, 0.80, 0.81], "full"), loose).replication.verdict == "reproduced"
    one = make_claim("mean_gain", params, ["2.0"], tolerance={"extra": 1.0})
    assert _verdict(_runs([1.0, 1.0, 1.0], "full"), one).replication.verdict == "reproduced"


def test_a_promised_seed_count_decides_and_one_fewer_does_not():
    """Over random cases (signs, tolerances, a claimed 0, scores, both fidelities): at the count an
    inconclusive verdict states, the same mean and sd decide; one seed fewer they do not."""
    import math
    import random

    from claimcheck.verifier.intervals import Interval, written_interval
    from claimcheck.verifier.replication_tier import _decide
    from claimcheck.verifier.stats import SeedSummary

    def summary(mean, sd, n):
        t = t_quantile(0.975, n - 1)
        ci, pi = t * sd / math.sqrt(n), t * sd * math.sqrt(1 + 1 / n)
        return SeedSummary(n, mean, sd, Interval(mean - ci, mean + ci), Interval(mean - pi, mean + pi), 0.95)

    rnd, checked = random.Random(3), 0
    for _ in range(4000):
        reported = written_interval(rnd.choice(["2.0", "-1.5", "0.0", "5.4", "70%", "-0.3", "12"]), rnd.choice([0, 0, 0.5, 1.0]))
        mean, sd, n = rnd.uniform(-4, 8), rnd.uniform(0.01, 3), rnd.randint(3, 12)
        fidelity, signed = rnd.choice(["full", "full", "proxy"]), rnd.random() < 0.8
        verdict, count, _ = _decide(summary(mean, sd, n), reported, fidelity, signed)
        if verdict.value != "inconclusive" or not count:
            continue
        checked += 1
        assert _decide(summary(mean, sd, count), reported, fidelity, signed)[0].value != "inconclusive"
        if count - 1 > n:
            assert _decide(summary(mean, sd, count - 1), reported, fidelity, signed)[0].value == "inconclusive"
    assert checked > 300

"""The verifier's speed paths give the same answers as the plain ones.

``verify`` shares work across claims (each paper's source views, each arm's runs, one table per
seed), pauses the garbage collector, memoises table lookups and skips the arithmetic text of a
replication's later seeds; the statistics skip work whose result is known. Each test compares a shared or shortened path with the plain one on
inputs where they could differ: several sources per cell, failed and interleaved runs, mixed runs.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import random
import subprocess
import sys

import pytest

from claimcheck.claims.registry import load_registry
from claimcheck.results.collect import collect_records
from claimcheck.results.records import Observation
from claimcheck.verifier import stats
from claimcheck.verifier.derive import Context, Derived, run_derivation
from claimcheck.verifier.engine import verify, verify_claim
from claimcheck.verifier.intervals import Interval, interval_mean, written_interval
from claimcheck.verifier.table import NotDerivable, Table
from verifier_fixtures import cell, make_claim, make_paper, make_registry, run

TWO_SOURCES = [
    {"id": "tab", "title": "Table 1", "locator": "Table 1", "reliability": "primary"},
    {"id": "board", "title": "Leaderboard", "locator": "web", "reliability": "low"},
]


def _paper():
    cells = [cell("XLM-R", "xnli", "80.1"), cell("MNLI", "xnli", "81.0"), cell("MNLI", "xnli", "81.4", source="board"),
             cell("XLM-R", "pawsx", "86.0"), cell("MNLI", "pawsx", "86.5", source="board")]
    facts = [{"key": "tasks", "value": ["xnli", "pawsx"], "source": "tab", "quote": "two tasks"}]
    return make_paper(cells=cells, facts=facts, sources=TWO_SOURCES)


def _claims():
    gain = {"system": "MNLI", "baseline": "XLM-R", "split": "dev"}
    return [
        make_claim("mean_gain", {**gain, "tasks": ["xnli"]}, ["0.9"], cid="9999.00001/a"),
        make_claim("mean_gain", {**gain, "tasks": ["xnli", "pawsx"]}, ["0.7"], cid="9999.00001/b"),
        make_claim("mean_gain", {**gain, "tasks": ["xnli", "pawsx", "udpos"]}, ["1.0"], cid="9999.00001/c"),
        make_claim("mean_score", {"system": "MNLI", "tasks": ["xnli"], "split": "dev"}, ["81.0"], cid="9999.00001/d"),
        make_claim("fact", {"key": "tasks", "count": 2}, cid="9999.00001/e", kind="setup"),
        make_claim("direction_per_task", {"systems": ["MNLI", "QQP"], "expect": {"xnli": "up", "pawsx": "up"}},
                   cid="9999.00001/f"),
    ]


def _records():
    """Interleaved arms, a failed run, a seed with a missing task, and a second paper's runs."""
    recs = []
    for seed in range(4):
        recs.append(run("XLM-R", seed, [("xnli", "accuracy", 70.0 + seed / 10), ("pawsx", "accuracy", 80.0)], fidelity="full"))
        if seed != 2:
            recs.append(run("MNLI", seed, [("xnli", "accuracy", 71.0 + seed / 7), ("pawsx", "accuracy", 80.5)], fidelity="full"))
        recs.append(run("QQP", seed, [("xnli", "accuracy", 69.0 + seed / 5)], fidelity="proxy"))
    recs.insert(3, run("MNLI", 2, [], status="failed", error="out of memory", fidelity="full"))
    recs.insert(0, run("XLM-R", 7, [], status="failed", error="disk full", fidelity="full"))  # failed runs of two arms
    recs.append(run("MNLI", 9, [("xnli", "accuracy", 72.0)], paper_id="0000.00002"))
    return recs


def _plain(registry, records):
    """Each claim verified alone: nothing shared, no index, tables or groups built ahead."""
    return [verify_claim(c, registry, records) for c in registry.select(())]


def test_shared_verification_equals_claim_by_claim():
    registry, records = make_registry(_paper(), _claims()), _records()
    report = verify(registry, records)
    plain = _plain(registry, records)
    assert [v.model_dump_json() for v in report.claims] == [v.model_dump_json() for v in plain]
    replication = {v.claim_id: v.replication for v in report.claims}
    assert [f.split(" ")[0] for f in replication["9999.00001/a"].failed_runs] == ["MNLI-2", "XLM-R-7"]  # arm order
    assert replication["9999.00001/a"].verdict == "infra_failure"  # fail closed until they are redone or retired
    assert report.claims[0].source.views[0].cells  # cells were read through the shared views


def test_bundled_claims_and_results_equal_claim_by_claim():
    registry = load_registry([])
    records = collect_records([], None, True).records
    assert registry.claims and records  # both are part of the package
    report = verify(registry, records)
    assert [v.model_dump_json() for v in report.claims] == [v.model_dump_json() for v in _plain(registry, records)]


@pytest.mark.parametrize("enabled", [True, False])
def test_verify_restores_the_collector(enabled):
    registry, records = make_registry(_paper(), _claims()), _records()
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        frozen = gc.get_freeze_count()
        verify(registry, records)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == frozen
    finally:
        gc.enable() if was else gc.disable()


def _scanned(obj) -> bool:
    """Whether the collector scans ``obj`` (it is in one of its generations, not frozen)."""
    return any(o is obj for o in gc.get_objects())


def test_verify_leaves_a_callers_frozen_objects_frozen():
    """A caller's frozen objects stay frozen (``gcpause`` skips its own freeze and unfreeze then).
    Checked on one of them: the freeze count may drop while verify runs, as a frozen object a cache
    lets go of (say ``re``'s, when full) is freed."""
    registry, records = make_registry(_paper(), _claims()), _records()
    mine = [object()]  # a list: tracked by the collector
    assert _scanned(mine)
    gc.freeze()
    try:
        assert not _scanned(mine)
        verify(registry, records)
        assert not _scanned(mine) and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _obs(system, value, language="en", origin=None, lo=None, hi=None):
    return Observation(system, "xnli", language, "accuracy", "dev", 0, value, value if lo is None else lo,
                       value if hi is None else hi, origin or f"run:{system}")


def test_metric_value_memo_repeats_the_lookup_exactly():
    table = Table([_obs("A", 70.0), _obs("B", 71.0, language="de"), _obs("B", 73.0, language="fr"), _obs("Z", -0.0)])
    for _ in range(3):
        table.used.clear()
        assert table.metric_value("B", "xnli", "accuracy", "dev") == Interval(72.0, 72.0)
        assert table.metric_value("A", "xnli", "accuracy", "dev") == Interval(70.0, 70.0)
        assert [o.system for o in table.used] == ["B", "B", "A"]  # every call still records what it read
    single = table.metric_value("Z", "xnli", "accuracy", "dev")
    expected = interval_mean([Interval(-0.0, -0.0)])
    assert single == expected and str(single.lo) == str(expected.lo) == "0.0"  # the sign of zero as interval_mean gives it
    assert table.metric_value("A", "xnli", "f1", "dev") is None


def test_mixed_runs_are_refused_on_every_lookup():
    table = Table([_obs("A", 70.0, origin="run:one"), _obs("A", 71.0, origin="run:two")])
    for _ in range(2):
        with pytest.raises(NotDerivable, match="two runs give"):
            table.metric_value("A", "xnli", "accuracy", "dev")
    assert table.used == []


@pytest.mark.parametrize("name, params", [
    ("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}),
    ("xtreme_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx"], "split": "dev"}),
    ("mean_score", {"system": "B", "tasks": ["xnli"], "split": "dev"}),
])
def test_unexplained_derivation_keeps_values_and_labels(name, params):
    rows = [_obs("A", 70.0), _obs("B", 72.5), Observation("A", "pawsx", "en", "accuracy", "dev", 0, 80.0, 80.0, 80.0, "run:A")]
    explained = run_derivation(name, Table(rows), params, Context(replication=True))
    quiet = run_derivation(name, Table(rows), params, Context(replication=True, explain=False))
    assert (quiet.values, quiet.labels) == (explained.values, explained.labels)
    assert explained.lines and quiet.lines == []


def test_slotted_and_hand_written_inits_keep_dataclass_behaviour():
    d, e = Derived(), Derived(values=[Interval(1.0, 2.0)], lines=["x"])
    assert d == Derived() and d.values == [] and d.values is not Derived().values  # fresh default lists
    assert (e.values, e.labels, e.margin, e.quorum, e.lines) == ([Interval(1.0, 2.0)], [], None, 1.0, ["x"])
    o = _obs("A", 70.0)
    assert o == Observation(system="A", task="xnli", language="en", metric="accuracy", split="dev", seed=0, value=70.0,
                            lo=70.0, hi=70.0, origin="run:A")
    assert hash(o) == hash(dataclasses.replace(o))
    for frozen, name in ((d, "quorum"), (o, "value")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, name, 1)


def test_written_interval_cache_gives_the_same_values_and_errors():
    uncached = written_interval.__wrapped__
    for text, extra in [("8.7", 0.0), ("8.7", 0.1), ("-0.3%", 0.0), ("12", 0.5)]:
        assert written_interval(text, extra) == written_interval(text, extra) == uncached(text, extra)
    assert written_interval("8.7").lo < 8.7 < written_interval("8.7").hi
    for _ in range(2):
        with pytest.raises(ValueError):
            written_interval("inf")


def _t_quantile_64_steps(p, df):
    """The quantile as first written: 64 bisection steps on the CDF."""
    lo, hi = 0.0, 1.0
    while stats.t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(64):
        mid = (lo + hi) / 2
        if stats.t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _seeds_by_binary_search(sd, target, level=0.95, current=2, cap=1000):
    """seeds_to_resolve as first written: a plain binary search over n."""
    if target <= 0:
        return None
    if sd == 0:
        return max(current, 2)

    def halfwidth(n):
        return stats.t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)

    lo, hi = max(current, 2), cap
    if halfwidth(hi) >= target:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if halfwidth(mid) < target:
            hi = mid
        else:
            lo = mid + 1
    return lo


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 14, 30, 179, 999, 2.5])
@pytest.mark.parametrize("p", [0.975, 0.995, 0.8, 0.9999])
def test_t_quantile_newton_agrees_with_the_64_step_bisection(p, df):
    # the bisection reads the CDF, whose values near 1 are 1.1e-16 apart: it is itself off by up to ~6e-13
    newton, bisection = stats.t_newton(p, df), _t_quantile_64_steps(p, df)
    assert abs(newton - bisection) <= 1e-12 * bisection


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 14, 30, 179, 281, 999, 2.5])
@pytest.mark.parametrize("p", [0.975, 0.995, 0.8, 0.9, 0.9999])
def test_t_quantile_is_accurate_to_the_incomplete_betas_precision(p, df):
    mp = pytest.importorskip("mpmath")
    newton = stats.t_newton(p, df)
    with mp.workdps(40):
        a, q = mp.mpf(df) / 2, 1 - mp.mpf(p)  # q: 1 - p of the float p, exactly
        exact = mp.findroot(lambda t: mp.betainc(a, mp.mpf(1) / 2, 0, 2 * a / (2 * a + t * t), regularized=True) / 2 - q,
                            mp.mpf(newton))
        # the regularized incomplete beta loses digits to lgamma for large df: 5e-13 at df 999
        assert abs(newton - exact) <= (1e-12 if df > 100 else 2e-14) * exact


@pytest.mark.parametrize("df", [1, 3, 5, 88.0, 1e5])
@pytest.mark.parametrize("p", [0.5, 0.50000001, 0.500000003638878, 0.5001, 0.51])
def test_t_quantile_just_above_one_half_is_not_negative(p, df):
    # the first guess's normal approximation errs by up to 5e-4, more than the quantile itself here; (the
    # tail then loses digits to 1 - x, as it always did: levels this close to 0 are never asked for, a
    # claim's confidence is at least 0.5, so p is at least 0.75)
    t = stats.t_newton(p, df)
    assert math.isfinite(t) and t >= 0 and (t == 0) is (p == 0.5)


def test_t_quantile_needs_a_few_evaluations_of_the_tail(monkeypatch):
    calls = []
    betainc = stats._betainc
    monkeypatch.setattr(stats, "_betainc", lambda *args: calls.append(args) or betainc(*args))
    for df in [1, 2, 3, 4, 5, 9, 19, 30, 70, 179, 281, 999, 2.5]:
        for p in [0.975, 0.995, 0.8]:
            calls.clear()
            stats.t_newton(p, df)
            assert len(calls) <= 4, (p, df, len(calls))


@pytest.mark.parametrize("p", [0.8, 0.9, 0.95, 0.975, 0.995, 0.9999])
def test_t_quantile_matches_the_closed_forms(p):
    # df = 1 is the Cauchy distribution; df = 2 has t = (2p - 1) / sqrt(2p(1 - p)).
    cauchy, two = math.tan(math.pi * (p - 0.5)), (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert abs(stats.t_newton(p, 1) - cauchy) <= 1e-12 * cauchy
    assert abs(stats.t_newton(p, 2) - two) <= 1e-12 * two


def test_seeds_to_resolve_matches_the_binary_search():
    rnd = random.Random(7)
    cases = [(1.0, 0.1, 0.95, 2, 1000), (0.3, 2.0, 0.95, 5, 1000), (2.0, 0.01, 0.95, 2, 1000), (1.0, 0.5, 0.9, 3, 50),
             (1.0, 0.5, 0.95, 1200, 1000), (1.0, 5.0, 0.95, 2, 2), (0.0, 1.0, 0.95, 4, 1000), (1.0, 0.0, 0.95, 2, 1000)]
    for _ in range(150):
        cases.append((rnd.uniform(0.01, 5), rnd.choice([0.02, 0.1, 0.3, 1.0, 3.0]) * rnd.uniform(0.5, 2),
                      rnd.choice([0.95, 0.95, 0.9]), rnd.choice([2, 3, 8]), rnd.choice([1000, 1000, 40])))
    found = [stats.seeds_to_resolve(*c) for c in cases]
    assert found == [_seeds_by_binary_search(*c) for c in cases]
    assert None in found and len({f for f in found if f}) > 20  # both outcomes, many different answers


def test_seeds_to_exclude_is_the_first_count_whose_prediction_interval_leaves_the_value_out():
    rnd = random.Random(11)
    for _ in range(200):
        sd, distance, current = rnd.uniform(0.05, 3), rnd.uniform(0.05, 10), rnd.choice([2, 3, 5])
        n = stats.seeds_to_exclude(sd, distance, current=current, cap=300)

        def half(k):
            return stats.t_quantile(0.975, k - 1) * sd * math.sqrt(1 + 1 / k)

        if n is None:  # never within the cap; a PI tends to 1.96 sd, so a close value stays inside
            assert half(300) >= distance
        else:
            assert half(n) < distance and (n == max(current, 2) or half(n - 1) >= distance)
    assert stats.seeds_to_exclude(1.0, 1.9) is None  # inside z * sd: no count excludes it
    assert stats.seeds_to_exclude(1.0, 0.0) is None and stats.seeds_to_exclude(0.0, 1.0, current=4) == 4


def test_verify_imports_no_pydantic_and_validation_would_give_the_same_report():
    # a fresh interpreter: another test may have imported pydantic
    code = """
import sys
from claimcheck.claims.registry import load_registry
from claimcheck.model import pydantic_validate
from claimcheck.results.collect import collect_records
from claimcheck.verifier import verdict
from claimcheck.verifier.engine import verify
collected = collect_records([], None, True)
report = verify(load_registry([]), collected.records, results_sources=collected.sources)
print(sorted(m for m in sys.modules if m.startswith("pydantic")))
again = pydantic_validate(verdict.VerificationReport, report.model_dump())
print(again == report, again.model_dump_json() == report.model_dump_json())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "True True"]

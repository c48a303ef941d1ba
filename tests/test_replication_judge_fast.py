"""The judging's cheaper paths against the ones they replace: ``_stats_text`` (one format per case of
equal bounds), ``quantity_spans`` (a quantity's spans in one call), ``summarize_seeds`` (its n and level
constants read once per pair), ``_summary_text`` (remembered) and ``judge_value``'s first reported
interval (without ``reported_intervals``'s list): the same text, spans, floats and verdicts."""

from __future__ import annotations

import itertools
import math

import pytest

from claimcheck.claims.models import Claim
from claimcheck.verifier import stats
from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.replication_judge import RV, _judge_quantity, _stats_text, _summary, _tier_result, judge_value
from claimcheck.verifier.seed_values import SeedValues
from claimcheck.verifier.source_tier import reported_intervals
from claimcheck.verifier.verdict import quantity_spans, seed_spans, span

SEEDS = [[1.0, 1.1], [1.0, 1.1, 0.9], [0.2, -0.1, 0.3, 0.25], [-1.0, -1.2, -0.8, -0.9, -1.1], [0.5, 0.5, 0.5],
         [3.0, 3.0], [-2.5, -2.5, -2.5, -2.5, -2.5], [0.0, 0.5, -0.5, 1e-12, 2.0, 7.25], [70.1, 70.2, 70.15, 70.3, 70.05],
         [1e-9, 2e-9, 3e-9], [4, 5, 6]]


def _old_stats_text(summary: stats.SeedSummary) -> str:
    """The text as three formats built it (before one format per case)."""
    n, mean, sd, ci, pi, level = summary
    ci_text = "%.3f" % ci[0] if ci[0] == ci[1] else "[%.3f, %.3f]" % (ci[0], ci[1])
    pi_text = "%.3f" % pi[0] if pi[0] == pi[1] else "[%.3f, %.3f]" % (pi[0], pi[1])
    return "mean %.3f, sd %.3f, %d%% CI %s, PI %s over %d seeds" % (mean, sd, int(level * 100), ci_text, pi_text, n)


def _old_summarize(values, level):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum([(v - mean) ** 2 for v in values]) / (n - 1))
    t = stats.t_quantile(0.5 + level / 2, n - 1)
    half_ci, half_pi = t * sd / math.sqrt(n), t * sd * math.sqrt(1 + 1 / n)
    return (n, mean, sd, (mean - half_ci, mean + half_ci), (mean - half_pi, mean + half_pi), level)


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99, 0.8])
def test_summaries_and_their_text_are_as_before(level):
    for values in SEEDS:
        s = stats.summarize_seeds(values, level)
        assert tuple(s) == _old_summarize(values, level)
        assert [x.hex() for x in (s.mean, s.sd, *s.ci, *s.pi)] == [x.hex() for x in (s.mean, s.sd, *s.ci, *s.pi)]
        assert _stats_text(s) == _old_stats_text(s)
    # every case of equal bounds, the bounds written apart
    for ci, pi in itertools.product([Interval(1.0, 1.0), Interval(0.9994, 1.0004)], [Interval(2.0, 2.0), Interval(-3.1, 4.26)]):
        s = stats.SeedSummary(4, 1.5, 0.25, ci, pi, level)
        assert _stats_text(s) == _old_stats_text(s)


def test_summaries_still_refuse_what_they_refused():
    for bad in ([1.0], [1.0, math.nan], [math.inf, 1.0, 2.0], [-math.inf, 0.0]):
        with pytest.raises(ValueError):
            stats.summarize_seeds(bad)


def test_quantity_spans_are_the_three_calls():
    for values in SEEDS:
        s = stats.summarize_seeds(values)
        got = quantity_spans("S - base", s.pi, s.ci, values)
        want = ([span("S - base (replicated PI)", s.pi[0], s.pi[1], "replicated_pi"),
                 span("S - base (replicated CI)", s.ci[0], s.ci[1], "replicated_ci")] + seed_spans("S - base seed value", values))
        assert [g.model_dump() for g in got] == [w.model_dump() for w in want]
        assert [g.model_fields_set for g in got] == [w.model_fields_set for w in want]
        assert all(type(g.lo) is float and type(g.hi) is float for g in got)


def test_summary_text_is_remembered_as_written():
    for verdict, fidelity, k in itertools.product(list(RV), ("full", "reduced", "proxy"), (2, 3, 5, 12)):
        text = f"{verdict.value} at {fidelity} fidelity over {k} seeds"
        if fidelity == "proxy":
            text += " (proxy: substituted model/data; supports or contradicts the direction only)"
        assert _summary(verdict, fidelity, k) == _summary(verdict, fidelity, k) == text


def _claim(reported, extra=0.0, confidence=0.95, min_seeds=3, name="mean_gain"):
    return Claim(id="0000.00000/c1", statement="a gain", kind="quantity", version="v1", location={"section": "s"},
                 reported=reported, tolerance={"extra": extra, "confidence": confidence, "min_seeds": min_seeds},
                 derivation={"name": name, "params": {"system": "S", "baseline": "base", "tasks": ["xnli"], "split": "dev"}},
                 key_terms=["x"])


def _reference_judge_value(claim, single, values, fidelity, base):
    """judge_value as it read the reported numbers before: reported_intervals(claim)[0]."""
    verdicts, pending, lines, spans = [], [], list(single.notes), []
    reported = reported_intervals(claim)
    _judge_quantity(claim, single.label, reported[0] if reported else None, values, fidelity, single.signed,
                    verdicts, pending, lines, spans)
    return _tier_result(verdicts, pending, fidelity, len(values), lines, spans, base)


def test_judge_value_reads_the_first_reported_number_as_before():
    claims = [_claim(r, extra, conf, ms) for r, extra, conf, ms in
              [(["1.0"], 0.0, 0.95, 2), (["+0.4"], 0.5, 0.95, 3), (["-1.05", "2"], 0.0, 0.9, 3), (["0"], 0.1, 0.95, 2),
               ([], 0.0, 0.95, 2), (["70.2"], 0.0, 0.99, 5), (["0.5%"], 0.0, 0.95, 2), (["3"], 0.2, 0.8, 2)]]
    verdicts = set()
    for claim, values, fidelity, signed in itertools.product(claims, SEEDS, ("full", "reduced", "proxy"), (True, False)):
        single = SeedValues(label="S - base", signed=signed, values=None, notes=["averaged over 1 task"], mids=values)
        base = {"runs": ["a-0", "b-0"], "seeds": len(values), "fidelity": fidelity, "deviations": []}
        got = judge_value(claim, single, list(values), fidelity, dict(base))
        want = _reference_judge_value(claim, single, list(values), fidelity, dict(base))
        assert got.model_dump() == want.model_dump() and got.model_fields_set == want.model_fields_set
        verdicts.add(got.verdict)
    assert verdicts == {"reproduced", "not_reproduced", "inconclusive", "direction_only"}

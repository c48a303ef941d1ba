"""``replication_judge._decide`` reads the intervals' bounds once (``Interval.sign``, ``overlaps``, ``mid``
and ``written_sign`` inlined): it must judge every quantity as the method-based version did."""

from __future__ import annotations

import itertools

from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.replication_judge import RV, _decide, _more, _stats_text, written_sign
from claimcheck.verifier.stats import SeedSummary, seeds_to_exclude, seeds_to_resolve, summarize_seeds


def _reference_decide(summary: SeedSummary, reported: Interval | None, fidelity: str, signed: bool = True) -> tuple[RV, int | None, str]:
    """The judging before the bounds were read once (e75589a), kept as the reference."""
    expected = 1 if reported is None else (written_sign(reported) if signed else 0)
    ci, pi, mean = summary.ci, summary.pi, summary.mean
    text = _stats_text(summary)
    if fidelity != "full":
        if not expected:
            what = "a score (not a difference)" if not signed else "the claim states no direction"
            return RV.inconclusive, None, text + f"; {what}, and {fidelity} fidelity compares directions only"
        if ci.sign() == -expected:
            return RV.not_reproduced, None, text + "; the direction is opposite to the claim"
        if ci.sign() == expected:
            return RV.direction_only, None, text + "; magnitude not compared at this fidelity"
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return RV.inconclusive, n, text + f"; the CI includes 0 ({_more(n)})"
    if reported is None:  # an order margin: its direction is the claim
        if ci.sign():
            return (RV.reproduced if ci.sign() > 0 else RV.not_reproduced), None, text
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return RV.inconclusive, n, text + f"; the CI includes 0 ({_more(n)})"
    if expected and ci.sign() == -expected:
        return RV.not_reproduced, None, text + "; the direction is opposite to the claim"
    if not reported.overlaps(pi):
        return RV.not_reproduced, None, text + "; the prediction interval misses the reported value"
    side = (reported.mid > 0) - (reported.mid < 0)
    if not side or not signed:  # a claimed 0, or a score (half of 68.2 means nothing): the PI is the test
        return RV.reproduced, None, text
    # half of the smallest value the claim admits (its interval's edge nearer 0, tolerance included)
    half = (reported.lo if side > 0 else reported.hi) / 2
    eps = 1e-9
    beyond, short = ((ci.lo >= half - eps, ci.hi < half - eps) if side > 0 else (ci.hi <= half + eps, ci.lo > half + eps))
    if short:
        return RV.not_reproduced, None, text + f"; the CI lies short of {half:g}, half the smallest value the claim admits"
    if beyond:
        return RV.reproduced, None, text
    gap = max(reported.lo - mean, mean - reported.hi)  # how far the PI must pull in to leave the claim
    # decided when the CI leaves the half, or leaves 0 on the side opposite to the claim (a tolerance
    # reaching past 0 puts the half there), or the PI leaves the claim
    opposite = abs(mean) if mean * side < 0 else 0.0
    counts = [n for n in (seeds_to_resolve(summary.sd, abs(mean - half), summary.level, current=summary.n),
                          seeds_to_resolve(summary.sd, opposite, summary.level, current=summary.n),
                          seeds_to_exclude(summary.sd, gap, summary.level, current=summary.n)) if n]
    n = min(counts) if counts else None
    return RV.inconclusive, n, text + f"; the CI includes {half:g}, half the smallest value the claim admits ({_more(n)})"



def test_decide_matches_the_method_based_reference():
    seeds = [[1.0, 1.1, 0.9], [0.2, -0.1, 0.3, 0.25], [-1.0, -1.2, -0.8], [0.0, 0.5, -0.5], [0.45, 0.5, 0.55, 0.5, 0.5],
             [3.0, 3.0], [0.01, 0.02, 0.015], [-0.3, 0.1], [5.0, 5.0, 5.0]]
    reported = [None, Interval(1.0, 1.0), Interval(0.5, 1.5), Interval(-0.2, 0.6), Interval(-1.0, -0.9), Interval(0.0, 0.0),
                Interval(-0.1, 0.1), Interval(3.0, 3.2), Interval(0.02, 0.03), Interval(-0.6, 0.2)]
    checked = 0
    for values, rep, fidelity, signed, level in itertools.product(seeds, reported, ("full", "reduced", "proxy"), (True, False), (0.95, 0.9)):
        s = summarize_seeds(values, level)
        assert _decide(s, rep, fidelity, signed) == _reference_decide(s, rep, fidelity, signed), (values, rep, fidelity, signed)
        checked += 1
    assert checked == len(seeds) * len(reported) * 12

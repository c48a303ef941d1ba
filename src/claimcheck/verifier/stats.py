"""Small-sample statistics for seeds: Student t quantiles, confidence and prediction intervals.

Pure Python (no scipy): the t quantile is found by safeguarded Newton steps on the upper tail from a
Cornish-Fisher first guess; the tail is the regularized incomplete beta function (continued fraction,
Numerical Recipes 6.4).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.t_quantiles import T975


def _betacf(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1 - x) / b


def t_cdf(t: float, df: float) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def t_pdf(t: float, df: float) -> float:
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


def _t_start(p: float, df: float) -> float:
    """A close first guess at the t quantile: exact for df 1 and 2; otherwise the normal quantile
    (Abramowitz & Stegun 26.2.23, within 5e-4) corrected by the Cornish-Fisher expansion in 1/df
    (A&S 26.7.5). Newton's steps from it need two to four evaluations of the tail to reach full precision."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    w = math.sqrt(-2 * math.log(1 - p))
    z = w - (2.515517 + 0.802853 * w + 0.010328 * w * w) / (1 + 1.432788 * w + 0.189269 * w * w + 0.001308 * w ** 3)
    z2 = z * z
    g1 = z * (z2 + 1) / 4
    g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
    g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
    g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
    t = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    # near p = 0.5 the approximation's error (5e-4) exceeds z itself; the slope of the CDF at 0 puts the
    # guess on the right side of 0, where Newton's bracket starts
    return t if t > 0 else (p - 0.5) * math.sqrt(2 * math.pi)


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The value below which a Student-t(df) variable falls with probability p (0.5 < p < 1):
    ``t_newton``'s, read from its table (``t_quantiles.T975``) at p 0.975 (a 95 % interval, the default
    confidence) and a whole df up to 999, where the searches for a seed count probe it most."""
    if p == 0.975 and type(df) is int and 0 < df <= len(T975):
        return T975[df - 1]
    return t_newton(p, df)


def t_newton(p: float, df: float) -> float:
    """The t quantile (0.5 < p < 1) computed: Newton's method on the upper tail from a close first guess
    (``_t_start``), kept inside a bracket that every step narrows (a step that would leave it bisects
    instead). The CDF is concave for t > 0, so after at most one step from above Newton approaches the
    root from below; from the guess that takes two to five evaluations of the tail. (The tail, 1 - CDF, is solved rather than the CDF, whose
    values near 1 are spaced 1.1e-16 apart: that spacing left the last digits to dozens of steps.)
    """
    q = 1.0 - p  # exact for 0.5 <= p <= 1
    lo, hi = 0.0, math.inf
    t = _t_start(p, df)
    for _ in range(200):
        # on the upper tail, which keeps its relative precision where the CDF rounds to steps of 1e-16
        f = q - 0.5 * _betainc(df / 2, 0.5, df / (df + t * t))
        if f == 0:
            return t
        if f < 0:
            lo = t
        else:
            hi = t
        step = f / t_pdf(t, df)
        nxt = t - step
        if abs(step) <= 1e-9 * t:  # this last step leaves an error of about step ** 2: below the tail's own rounding
            return nxt
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2 if hi < math.inf else 2 * t
            if nxt == lo or nxt == hi:  # the bracket is two neighbouring floats
                return t
        t = nxt
    return t


class SeedSummary(NamedTuple):
    """What ``summarize_seeds`` gives: immutable, and a NamedTuple because one is built per judged
    quantity of every claim (a frozen dataclass's ``__init__`` costs several times more)."""

    n: int
    mean: float
    sd: float  # sample standard deviation (n - 1); 0 for one value
    ci: Interval  # confidence interval of the mean
    pi: Interval  # prediction interval for one new seed's value
    level: float


def summarize_seeds(values: Sequence[float], level: float = 0.95) -> SeedSummary:
    """Mean, sd, CI of the mean and prediction interval over per-seed values (needs >= 2 values)."""
    n = len(values)
    if n < 2:
        raise ValueError("need at least two seeds for an interval")
    total = sum(values)
    if not math.isfinite(total):  # only then can a value be inf or NaN (a sum of finite values is finite or overflows)
        for v in values:
            if not math.isfinite(v):
                raise ValueError("seed values must be finite")
    mean = total / n
    sd = math.sqrt(sum([(v - mean) ** 2 for v in values]) / (n - 1))
    # what depends on n and level alone, read once per pair (about 1,000 instructions a summary less)
    t, root_n, root_pi = _SEED_CONSTANTS.get((n, level)) or _seed_constants(n, level)
    half_ci = t * sd / root_n
    half_pi = t * sd * root_pi
    ci_lo, ci_hi, pi_lo, pi_hi = mean - half_ci, mean + half_ci, mean - half_pi, mean + half_pi
    if ci_lo <= ci_hi and pi_lo <= pi_hi:  # always, but for NaN (an overflow): then Interval raises as it did
        # the fields in order, without the NamedTuple's Python-level __new__ (about 1,500 instructions)
        return _pair(SeedSummary, (n, mean, sd, _pair(Interval, (ci_lo, ci_hi)), _pair(Interval, (pi_lo, pi_hi)), level))
    return SeedSummary(n, mean, sd, Interval(ci_lo, ci_hi), Interval(pi_lo, pi_hi), level)


# per (seed count, level): the t quantile, sqrt(n) and sqrt(1 + 1/n) that ``summarize_seeds`` scales sd by
_SEED_CONSTANTS: dict[tuple[int, float], tuple[float, float, float]] = {}


def _seed_constants(n: int, level: float) -> tuple[float, float, float]:
    constants = (t_quantile(0.5 + level / 2, n - 1), math.sqrt(n), math.sqrt(1 + 1 / n))
    if len(_SEED_CONSTANTS) < 4096:  # bounded as t_quantile's cache is
        _SEED_CONSTANTS[(n, level)] = constants
    return constants


_pair = tuple.__new__  # an Interval from bounds already checked (Interval.__new__ checks lo <= hi, then does this), or a SeedSummary


def seeds_to_resolve(sd: float, target_halfwidth: float, level: float = 0.95, current: int = 2, cap: int = 1000) -> int | None:
    """Smallest seed count whose CI half-width t*sd/sqrt(n) is below ``target_halfwidth``; None if above ``cap``.

    The half-width falls monotonically with n, so the answer is where it first drops below the
    target. A normal approximation of the t quantile puts that within a seed or two, and exact
    quantiles (a few Newton steps each) confirm it: about three of them instead of a binary
    search's ten.
    """
    if target_halfwidth <= 0:
        return None
    if sd == 0:
        return max(current, 2)
    p = 0.5 + level / 2

    def below(n: int) -> bool:
        return t_quantile(p, n - 1) * sd / math.sqrt(n) < target_halfwidth

    lo, hi = max(current, 2), cap
    if not below(hi):
        return None
    if lo < hi:
        lo, hi = _bracket(below, lo, hi, _approx_seeds(t_quantile(p, hi - 1), sd, target_halfwidth, lo, hi))
    return _first(below, lo, hi)


def seeds_to_exclude(sd: float, distance: float, level: float = 0.95, current: int = 2, cap: int = 1000) -> int | None:
    """Smallest seed count whose *prediction* interval half-width t*sd*sqrt(1 + 1/n) is below
    ``distance`` (how far the mean lies from a value the interval should leave out); None if it never
    gets there by ``cap``. Unlike a CI, a PI does not shrink to nothing: it tends to z*sd, so a value
    closer to the mean than that is never excluded."""
    if distance <= 0:
        return None
    if sd == 0:
        return max(current, 2)
    p = 0.5 + level / 2

    def below(n: int) -> bool:
        return t_quantile(p, n - 1) * sd * math.sqrt(1 + 1 / n) < distance

    lo = max(current, 2)
    if not below(cap):
        return None
    return _first(below, lo, cap)


def _first(below: Callable[[int], bool], lo: int, hi: int) -> int:
    """The first n in [lo, hi] where the monotone ``below`` holds (it holds at ``hi``): binary search."""
    while lo < hi:
        mid = (lo + hi) // 2
        if below(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _bracket(below: Callable[[int], bool], lo: int, hi: int, guess: int) -> tuple[int, int]:
    """Narrow [lo, hi] (``below(hi)`` holds) around the first n where ``below`` holds, from ``guess``
    outwards in doubling steps; two calls when the guess is right."""
    if below(guess):
        hi, step = guess, 1
        while hi > lo:
            probe = max(lo, hi - step)
            if not below(probe):
                return probe + 1, hi
            hi, step = probe, step * 2
        return lo, hi
    lo, step = guess + 1, 1
    while lo < hi:
        probe = min(hi, lo + step - 1)
        if below(probe):
            return lo, probe
        lo, step = probe + 1, step * 2
    return lo, hi


def _approx_seeds(z: float, sd: float, target_halfwidth: float, lo: int, hi: int) -> int:
    """Where the half-width drops below the target, with the t quantile approximated by its
    Cornish-Fisher expansion around ``z`` (a large-df t quantile is close enough)."""
    def below(n: int) -> bool:
        df = n - 1
        t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)
        return t * sd / math.sqrt(n) < target_halfwidth

    return _first(below, lo, hi)

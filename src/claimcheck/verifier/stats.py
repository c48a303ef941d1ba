"""Small-sample statistics for seeds: Student t quantiles, confidence and prediction intervals.

Pure Python (no scipy): the t quantile is found by bisection on the CDF, which uses the regularized
incomplete beta function (continued fraction, Numerical Recipes 6.4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimcheck.verifier.intervals import Interval


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


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The value below which a Student-t(df) variable falls with probability p (0.5 < p < 1)."""
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(64):  # relative precision ~1e-19 of the bracket: far below what is printed
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class SeedSummary:
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
    if any(not math.isfinite(v) for v in values):
        raise ValueError("seed values must be finite")
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = t_quantile(0.5 + level / 2, n - 1)
    ci = Interval(mean - t * sd / math.sqrt(n), mean + t * sd / math.sqrt(n))
    pi = Interval(mean - t * sd * math.sqrt(1 + 1 / n), mean + t * sd * math.sqrt(1 + 1 / n))
    return SeedSummary(n=n, mean=mean, sd=sd, ci=ci, pi=pi, level=level)


def seeds_to_resolve(sd: float, target_halfwidth: float, level: float = 0.95, current: int = 2, cap: int = 1000) -> int | None:
    """Smallest seed count whose CI half-width t*sd/sqrt(n) is below ``target_halfwidth``; None if above ``cap``.

    The half-width falls monotonically with n, so a binary search needs ~10 t-quantiles, not ``cap``.
    """
    if target_halfwidth <= 0:
        return None
    if sd == 0:
        return max(current, 2)

    def halfwidth(n: int) -> float:
        return t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)

    lo, hi = max(current, 2), cap
    if halfwidth(hi) >= target_halfwidth:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if halfwidth(mid) < target_halfwidth:
            hi = mid
        else:
            lo = mid + 1
    return lo

"""Interval arithmetic on written numbers (statcheck's rule).

A number written as "8.7" stands for every value that rounds to it: [8.65, 8.75]. Derivations run
on intervals, so a mean of written cells is itself an interval, and a claim is consistent when its
reported interval meets the derived one. A measured number is a degenerate interval (lo == hi).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter



class Interval(tuple):
    """A closed interval [lo, hi]: an immutable pair (a tuple subclass, cheap to build in hot loops)."""

    __slots__ = ()

    def __new__(cls, lo: float, hi: float) -> Interval:
        if not lo <= hi:  # also false when either bound is NaN
            if math.isnan(lo) or math.isnan(hi):
                raise ValueError("interval bounds must not be NaN")
            raise ValueError(f"interval lo {lo} > hi {hi}")
        return tuple.__new__(cls, (lo, hi))

    # The bounds by a C getter (no Python frame per read: the tiers read them tens of times per claim)
    lo = property(itemgetter(0), doc="the lower bound")
    hi = property(itemgetter(1), doc="the upper bound")

    def __repr__(self) -> str:
        return f"Interval(lo={self[0]!r}, hi={self[1]!r})"

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(value, value)

    @property
    def mid(self) -> float:
        return (self[0] + self[1]) / 2

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def __add__(self, other: Interval) -> Interval:  # type: ignore[override]
        return Interval(self[0] + other[0], self[1] + other[1])

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self[0] - other[1], self[1] - other[0])

    def scale(self, k: float) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def widen(self, amount: float) -> Interval:
        return Interval(self.lo - amount, self.hi + amount)

    def overlaps(self, other: Interval, eps: float = 1e-9) -> bool:
        """True when the intervals share a point; touching bounds count (exactly-at-bound is consistent)."""
        return self.lo <= other.hi + eps and other.lo <= self.hi + eps

    def contains(self, x: float, eps: float = 1e-9) -> bool:
        return self.lo - eps <= x <= self.hi + eps

    def sign(self) -> int:
        """+1 if certainly positive, -1 if certainly negative, 0 if the interval includes zero."""
        if self.lo > 0:
            return 1
        if self.hi < 0:
            return -1
        return 0

    def render(self, digits: int = 2) -> str:
        lo, hi = self
        spec = f".{digits}f"  # built once: a nested {lo:.{digits}f} rebuilds it for every number
        if lo == hi:
            return format(lo, spec)
        return f"[{lo:{spec}}, {hi:{spec}}]"


def interval_sum(items: Iterable[Interval]) -> Interval:
    lo = hi = 0.0
    for it in items:
        lo += it[0]
        hi += it[1]
    return Interval(lo, hi)


def interval_mean(items: Iterable[Interval]) -> Interval:
    lo = hi = 0.0
    n = 0
    for it in items:
        lo += it[0]
        hi += it[1]
        n += 1
    if not n:
        raise ValueError("mean of no intervals")
    return Interval(lo / n, hi / n)


def decimals_of(written: str) -> int:
    text = written.strip().rstrip("%")
    return len(text.split(".", 1)[1]) if "." in text else 0


def parse_written(written: str) -> float:
    return float(written.strip().rstrip("%").replace("−", "-"))


@lru_cache(maxsize=8192)  # pure; every claim's reported numbers are read by both tiers
def written_interval(written: str, extra: float = 0.0) -> Interval:
    """The interval a written number stands for: +- half a unit of its last digit, plus ``extra``."""
    value = parse_written(written)
    if not math.isfinite(value):
        raise ValueError(f"{written!r} is not finite")
    half = 0.5 * 10 ** (-decimals_of(written))
    return Interval(value - half - extra, value + half + extra)

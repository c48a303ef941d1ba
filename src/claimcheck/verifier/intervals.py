"""Interval arithmetic on written numbers (statcheck's rule).

A number written as "8.7" stands for every value that rounds to it: [8.65, 8.75]. Derivations run
on intervals, so a mean of written cells is itself an interval, and a claim is consistent when its
reported interval meets the derived one. A measured number is a degenerate interval (lo == hi).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    def __post_init__(self) -> None:
        if math.isnan(self.lo) or math.isnan(self.hi):
            raise ValueError("interval bounds must not be NaN")
        if self.lo > self.hi:
            raise ValueError(f"interval lo {self.lo} > hi {self.hi}")

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(value, value)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

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
        if self.lo == self.hi:
            return f"{self.lo:.{digits}f}"
        return f"[{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def interval_sum(items: Iterable[Interval]) -> Interval:
    lo = hi = 0.0
    for it in items:
        lo += it.lo
        hi += it.hi
    return Interval(lo, hi)


def interval_mean(items: Iterable[Interval]) -> Interval:
    items = list(items)
    if not items:
        raise ValueError("mean of no intervals")
    return interval_sum(items).scale(1 / len(items))


def decimals_of(written: str) -> int:
    text = written.strip().rstrip("%")
    return len(text.split(".", 1)[1]) if "." in text else 0


def parse_written(written: str) -> float:
    return float(written.strip().rstrip("%").replace("−", "-"))


def written_interval(written: str, extra: float = 0.0) -> Interval:
    """The interval a written number stands for: +- half a unit of its last digit, plus ``extra``."""
    value = parse_written(written)
    if not math.isfinite(value):
        raise ValueError(f"{written!r} is not finite")
    half = 0.5 * 10 ** (-decimals_of(written))
    return Interval(value - half - extra, value + half + extra)

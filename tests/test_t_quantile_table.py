"""``stats.t_quantile`` reads p 0.975 and a whole df from 1 to 999 from ``t_quantiles.T975`` instead of
computing it (``t_newton``): every entry must be the computed quantile (bit for bit on the machine that
computed the table, within two units in the last place on any other), and every other argument must
still be computed."""

from __future__ import annotations

import math
import random

import pytest

from claimcheck.verifier import stats
from claimcheck.verifier.t_quantiles import T975


def test_the_table_is_the_computed_quantile():
    # Computed with the development machine's lgamma/exp/log, where every entry is t_newton's float bit for
    # bit. Another libm may differ in the last bits of t_newton; the table (and so every output) does not,
    # so within two units in the last place is what any platform must show.
    far = [df for df in range(1, 1000) if abs(T975[df - 1] - stats.t_newton(0.975, df)) > 2 * math.ulp(T975[df - 1])]
    assert len(T975) == 999 and far == []


def test_t_quantile_reads_the_table_only_for_its_arguments(monkeypatch):
    calls = []
    newton = stats.t_newton
    monkeypatch.setattr(stats, "t_newton", lambda p, df: calls.append((p, df)) or newton(p, df))
    quantile = stats.t_quantile.__wrapped__  # not the cache's earlier answers
    for df in (1, 2, 4, 30, 281, 999):
        assert quantile(0.975, df) == T975[df - 1]
    assert calls == []
    asked = [(0.975, 1000), (0.975, 2.5), (0.975, 4.0), (0.95, 4), (0.995, 4), (0.9750000000000001, 4)]
    for p, df in asked:
        assert quantile(p, df) == newton(p, df)
    assert calls == asked


def test_the_searches_give_the_same_counts_with_the_computed_quantiles(monkeypatch):
    rnd = random.Random(5)
    cases = [(rnd.uniform(0.01, 3), rnd.choice([0.02, 0.1, 0.3, 1.0, 3.0]) * rnd.uniform(0.5, 2), rnd.choice([2, 3, 5]))
             for _ in range(150)]
    with_table = [(stats.seeds_to_resolve(sd, t, 0.95, current=c), stats.seeds_to_exclude(sd, t * 3, 0.95, current=c))
                  for sd, t, c in cases]
    computed = stats.lru_cache(maxsize=4096)(stats.t_newton)
    monkeypatch.setattr(stats, "t_quantile", computed)
    assert [(stats.seeds_to_resolve(sd, t, 0.95, current=c), stats.seeds_to_exclude(sd, t * 3, 0.95, current=c))
            for sd, t, c in cases] == with_table
    assert computed.cache_info().misses > 100  # the searches went through the computed quantiles
    assert len({n for pair in with_table for n in pair}) > 20


@pytest.mark.parametrize("df", [1, 2, 3, 999])
def test_t_newton_keeps_its_closed_forms_and_bounds(df):
    t = stats.t_newton(0.975, df)
    if df == 1:
        assert abs(t - math.tan(math.pi * 0.475)) <= 1e-12 * t
    assert 1.96 < t < 12.71

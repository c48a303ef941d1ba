"""The implied value: for a gain claim whose system lacks some task scores, the mean those missing
scores would have to take for the claimed gain to hold (e.g. what the BUCC/Tatoeba mean must be for
"+5.4 on XTREME" given the seven known leaderboard tasks). Pure: a table and numbers in, an interval
and its arithmetic out. The source tier shows it beside a "not derivable" verdict, marked as not a
found number.
"""

from __future__ import annotations

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.verifier.derive import mean_task_score, task_list
from claimcheck.verifier.intervals import Interval, interval_mean, interval_sum
from claimcheck.verifier.table import CellKey, NotDerivable, Table


def implied_missing_mean(table: Table, params: dict, claimed: Interval) -> tuple[Interval, list[str], list[str]] | None:
    """For a gain claim whose ``system`` lacks some task scores: the mean those tasks must have.

    gain = mean_t(S_t) - B  =>  mean of the M unknown S_t = (N (gain + B) - sum of known S_t) / M.
    Returns (interval, unknown tasks, arithmetic lines), or None when the baseline is incomplete too.
    """
    system, baseline = params["system"], params.get("baseline", DEFAULT_BASELINE)
    split, tasks = params.get("split", "test"), task_list(params)
    try:
        base = mean_task_score(table, baseline, tasks, split)
    except NotDerivable:
        return None
    known, unknown = [], []
    for t in tasks:
        probe: list[CellKey] = []
        s = table.task_score(system, t, split, probe)
        (known if s is not None else unknown).append((t, s))
    if not unknown or not known:
        return None
    n, m = len(tasks), len(unknown)
    total = interval_sum(s for _, s in known)
    lo = (n * (claimed.lo + base.lo) - total.hi) / m
    hi = (n * (claimed.hi + base.hi) - total.lo) / m
    names = [t for t, _ in unknown]
    known_tasks = [t for t, _ in known]
    known_gain = interval_mean(s for _, s in known) - mean_task_score(table, baseline, known_tasks, split)
    lines = [
        f"over the {len(known)} tasks with cells ({', '.join(known_tasks)}), {system} - {baseline} = {known_gain.render(3)}",
        f"{baseline} score over {n} tasks = {base.render(3)}",
        f"sum of {system}'s {len(known)} known task scores = {total.render(3)}",
        f"for a gain of {claimed.render(3)}: mean of {system} on {', '.join(names)} = "
        f"({n} x (gain + {baseline}) - known sum) / {m} = {Interval(lo, hi).render(2)}",
    ]
    return Interval(lo, hi), names, lines

"""One derivation on every seed's table in one pass, for the derivations that give one value.

A replication derives each claim once per seed. For a gain or a score this module reads the
parameters once and builds no ``Derived`` per seed (``derive_seeds``); the values, labels and
exceptions are those ``run_derivation`` gives table by table (tested against it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.verifier.derive import mean_gain_interval, subset_line, mean_task_score, task_list
from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.table import CellKey, NotDerivable, Table


class SeedValues(NamedTuple):
    """A derivation of one value (a gain or a score) on several seeds' tables at once (``derive_seeds``)."""

    label: str  # its ``labels[0]``
    signed: bool
    # per table, in order: the Interval ``run_derivation`` gives as ``values[0]``, or the NotDerivable it raises
    values: list[Interval | NotDerivable]
    # what the explained lines of the first table that derives say besides the arithmetic: the tasks
    # that were not run (a replication shows these with its verdict; [] when no table derives)
    notes: list[str]


def derive_seeds(name: str, tables: Iterable[Table], params: Mapping[str, Any]) -> SeedValues | None:
    """``run_derivation(name, table, params, Context(replication=True))`` on each of ``tables`` (one per
    seed), for the derivations that give one value: ``mean_gain``, ``xtreme_gain``, ``mean_score`` and
    ``xtreme_score``; None for the others (run them table by table).

    The same per-table values, labels and exceptions (an exception other than NotDerivable propagates
    from the table that raised it), with the parameters read once and no ``Derived`` per table: a
    replication derives every claim once per seed. No arithmetic line is written; the first derivable
    table's note on tasks not run is.
    """
    if name in ("mean_gain", "xtreme_gain"):
        return _gain_seeds(tables, params, name == "xtreme_gain")
    if name in ("mean_score", "xtreme_score"):
        return _score_seeds(tables, params)
    return None


def _gain_seeds(tables: Iterable[Table], params: Mapping[str, Any], xtreme: bool) -> SeedValues:
    system, baseline = params["system"], params.get("baseline", DEFAULT_BASELINE)
    split = params.get("split", "test" if xtreme else "dev")  # xtreme_gain passes "test" on to mean_gain
    wanted, pair = task_list(params), [system, baseline]
    values: list[Interval | NotDerivable] = []
    notes: list[str] | None = None
    for table in tables:
        simple = table.simple_gain(system, baseline, wanted, split)
        if simple is not None:  # what the lines below give when every cell is one memoised metric
            tasks, absent, lo, hi = simple
            lo, hi = lo / len(tasks), hi / len(tasks)
            values.append(tuple.__new__(Interval, (lo, hi)) if lo <= hi else Interval(lo, hi))  # as mean_gain_interval ends
            if notes is None:
                notes = subset_line(tasks, absent)  # mean_gain's lines without the arithmetic
            continue
        tasks, absent = table.run_tasks(pair, wanted, split)  # _run_tasks on replication data
        if not tasks:
            values.append(NotDerivable([CellKey(system, t, "*", split) for t in absent]))
            continue
        try:
            value = mean_gain_interval(table, system, baseline, tasks, split)
        except NotDerivable as exc:
            values.append(exc)
            continue
        values.append(value)
        if notes is None:
            notes = subset_line(tasks, absent)
    return SeedValues(f"{system} - {baseline}", True, values, notes or [])


def _score_seeds(tables: Iterable[Table], params: Mapping[str, Any]) -> SeedValues:
    system, split, tasks = params["system"], params.get("split", "test"), task_list(params)
    values: list[Interval | NotDerivable] = []
    for table in tables:
        try:
            values.append(mean_task_score(table, system, tasks, split))
        except NotDerivable as exc:
            values.append(exc)
    return SeedValues(f"{system} mean over {len(tasks)} tasks", False, values, [])  # a score's one line is its arithmetic

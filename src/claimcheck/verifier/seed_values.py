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
from claimcheck.verifier.run_tables import PaperSeeds
from claimcheck.verifier.table import XTREME_TASKS, CellKey, NotDerivable, Table


class SeedValues(NamedTuple):
    """A derivation of one value (a gain or a score) on several seeds' tables at once (``derive_seeds``)."""

    label: str  # its ``labels[0]``
    signed: bool
    # per table, in order: the Interval ``run_derivation`` gives as ``values[0]``, or the NotDerivable it
    # raises; None where ``mids`` stands for them
    values: list[Interval | NotDerivable] | None
    # what the explained lines of the first table that derives say besides the arithmetic: the tasks
    # that were not run (a replication shows these with its verdict; [] when no table derives)
    notes: list[str]
    # where every table derives a value and the caller reads only their middles (a replication judges
    # those): ``[v.mid for v in values]``, with ``values`` None (``derive_seeds`` with ``PaperSeeds``)
    mids: list[float] | None = None


def derive_seeds(name: str, tables: Iterable[Table] | PaperSeeds, params: Mapping[str, Any]) -> SeedValues | None:
    """``run_derivation(name, table, params, Context(replication=True))`` on each of ``tables`` (one per
    seed), for the derivations that give one value: ``mean_gain``, ``xtreme_gain``, ``mean_score`` and
    ``xtreme_score``; None for the others (run them table by table).

    The same per-table values, labels and exceptions (an exception other than NotDerivable propagates
    from the table that raised it), with the parameters read once and no ``Derived`` per table: a
    replication derives every claim once per seed. No arithmetic line is written; the first derivable
    table's note on tasks not run is. Given ``PaperSeeds`` (``SeedTables.of``), a gain on one task
    that every seed's table gives as two values measured once is read from the arms' rows of values
    (``PaperSeeds.rows``) instead of table by table, and given by its middles (``SeedValues.mids``).
    """
    if name in ("mean_gain", "xtreme_gain"):
        return _gain_seeds(tables, params, name == "xtreme_gain")
    if name in ("mean_score", "xtreme_score"):
        return _score_seeds(tables, params)
    return None


def _gain_seeds(tables: Iterable[Table], params: Mapping[str, Any], xtreme: bool) -> SeedValues:
    system, baseline = params["system"], params.get("baseline", DEFAULT_BASELINE)
    split = params.get("split", "test" if xtreme else "dev")  # xtreme_gain passes "test" on to mean_gain
    # the tasks read as given (``task_list`` copies them, for the loop below only)
    given = params.get("tasks") or XTREME_TASKS
    if len(given) == 1 and isinstance(tables, PaperSeeds):
        rows = tables.rows(system, baseline, given[0], split)
        if rows is not None:  # every table would take simple_gain's path with the one task run
            # (0.0 + (s - b)) / 1: the sum simple_gain gives, divided by the one task, is each seed's
            # value v, the point Interval(v, v), whose middle is (v + v) / 2. Given as ``mids``, without
            # an Interval per seed: about 70,000 instructions less a claim over five seeds than the loop.
            # The middles in one pass over the rows (each v bound by ``:=``), not a list of the v first.
            mids = [((v := 0.0 + (s - b)) + v) / 2 for s, b in zip(*rows)]
            # no NaN among the v (Interval refuses it: the loop below raises, as it must); a middle is NaN
            # only where its v is, or a sum of infinities of both signs is, which the loop takes as well
            # (a v beyond half the largest float gives an infinite middle, as ``(lo + hi) / 2`` does there)
            if (total := sum(mids)) == total:
                # the fields in order, without the NamedTuple's Python-level __new__; no notes: one task run, none absent
                return tuple.__new__(SeedValues, (f"{system} - {baseline}", True, None, [], mids))
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

"""The long table derivations read: observations of (system, task, language, metric, split, seed).

The same table type holds a paper's reported cells (as intervals, seed None) and the metrics of
replication runs (points, one seed each), so one derivation serves both tiers. Task scores follow
the XTREME definition: the metric averaged over languages, and (EM + F1) / 2 for QA tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from claimcheck.claims.models import Paper
from claimcheck.results.records import Observation
from claimcheck.verifier.intervals import Interval, written_interval

QA_TASKS = {"xquad", "mlqa", "tydiqa", "squad_v1", "squad_v2"}
PRIMARY_METRIC = {
    "xnli": "accuracy",
    "pawsx": "accuracy",
    "tatoeba": "accuracy",
    "udpos": "f1",
    "panx": "f1",
    "bucc2018": "f1",
}
# CellKey(...) without the Python-level __new__ a NamedTuple gives (one frame less, about 1,000
# instructions a key): the same tuple of the same class, for the keys every missing cell appends
_new_key = tuple.__new__
XTREME_TASKS = ("xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba")


class CellKey(NamedTuple):
    """A cell a derivation needs: (system, task, metric, split), hashed and ordered as a plain tuple.

    A NamedTuple rather than an ordered dataclass: every not-derivable result hashes and sorts the
    missing keys (``NotDerivable``), and the tuple's own C comparison does that several times faster
    than a dataclass's generated methods, in the same order.
    """

    system: str
    task: str
    metric: str
    split: str

    def render(self) -> str:
        return f"{self.system} / {self.task} / {self.metric} / {self.split}"


class NotDerivable(Exception):
    """Raised by a derivation when cells are missing; carries every missing cell, not just the first."""

    def __init__(self, missing: Sequence[CellKey] = (), reason: str = ""):
        self.missing = sorted(set(missing))
        self.reason = reason
        # Exception.__init__ named, not reached through super(): every not-derivable claim raises one
        Exception.__init__(self, reason or f"{len(self.missing)} cells missing")


_new_exception = BaseException.__new__


def missing_cells(missing: list[CellKey]) -> NotDerivable:
    """``NotDerivable(missing)`` (no reason): the same exception, built without its Python ``__init__``
    and, for one or two cells, without a set and a sort (about 3,500 instructions less a claim: every
    view of a gain claim that lacks a cell builds one, ``derive.attempt_derivation``)."""
    n = len(missing)
    if n == 2:
        a, b = missing
        cells = [a, b] if a < b else [b, a] if b < a else [a]  # sorted(set(missing)): a CellKey is a plain tuple
    elif n == 1:
        cells = [missing[0]]
    else:
        cells = sorted(set(missing))
    exc = _new_exception(NotDerivable, f"{len(cells)} cells missing")  # the args Exception.__init__ sets
    exc.missing = cells
    exc.reason = ""
    return exc


def paper_observations(paper: Paper, source_order: Sequence[str] | None = None,
                       memo: dict[int, Observation] | None = None) -> list[Observation]:
    """The paper's reported cells as interval observations.

    Without an order (None or empty) every cell is kept. With one (a *view*), each (system, task,
    language, split) is read from a single source: the first in ``source_order`` that gives every
    metric any of them gives for it (else simply the first that has it). So a QA score is never
    assembled from two sources, EM from one and F1 from another, which may describe different
    submissions.

    ``memo``: a dict the caller keeps per paper, from a cell's index in ``paper.cells`` to its
    observation. A paper's views (one per source with cells, and the table of every cell) read the
    same cells, and building an Observation costs about 25,000 instructions: with the memo, each is
    built once per paper. The same cells are built in the same order as without it (a cell whose
    value raises is not remembered: it raises again).
    """
    memo = {} if memo is None else memo
    cells = paper.cells
    if not source_order:
        return [memo.get(i) or _remember(memo, i, cell) for i, cell in enumerate(cells)]
    fields = [cell.__dict__ for cell in cells]  # each field read as a dict item: a pydantic attribute is a slow lookup
    rank = {s: i for i, s in enumerate(source_order)}
    units: dict[tuple, dict[str, set[str]]] = {}
    for f in fields:
        if f["source"] in rank:
            units.setdefault((f["system"], f["task"], f["language"], f["split"]), {}).setdefault(f["source"], set()).add(f["metric"])
    picked = {}
    for unit, by_source in units.items():
        every = set().union(*by_source.values())
        ordered = sorted(by_source, key=rank.__getitem__)
        picked[unit] = next((s for s in ordered if by_source[s] == every), ordered[0])
    chosen: dict[tuple, Observation] = {}
    for i, f in enumerate(fields):
        unit = (f["system"], f["task"], f["language"], f["split"])
        if f["source"] in rank and picked[unit] == f["source"]:
            # one source may list a cell twice: the first is kept (the second is still built, as it always was)
            chosen.setdefault(unit + (f["metric"],), memo.get(i) or _remember(memo, i, cells[i]))
    return list(chosen.values())


def _remember(memo: dict[int, Observation], i: int, cell) -> Observation:
    o = memo[i] = _observation(cell)
    return o


def _observation(cell) -> Observation:
    iv = written_interval(cell.value)
    return Observation(system=cell.system, task=cell.task, language=cell.language, metric=cell.metric, split=cell.split,
                       seed=None, value=iv.mid, lo=iv.lo, hi=iv.hi, origin=f"cell:{cell.source}:{cell.locator}")


class AmbiguousRuns(NotDerivable):
    """Two runs give one cell in one seed (two configurations of one arm): a refusal that names the
    seed, the cell and both runs, so the replication tier can leave that seed out when asked
    (``drop_ambiguous_seeds``) and say which runs it left out."""

    def __init__(self, seed: int | None, cell: str, runs: tuple[str, str], reason: str):
        super().__init__(reason=reason)
        self.seed = seed
        self.cell = cell
        self.runs = runs


def _refuse_mixed_runs(rows: list[Observation]) -> None:
    """Two runs giving the same cell for the same seed are two configurations: never average them."""
    if len({o.language for o in rows}) == len(rows):
        # each row in a language of its own (a run's cell over its languages, the usual case): no
        # (language, seed) repeats, so nothing below could raise. A set of the languages costs about
        # half the loop's tuple and dict per row, and every cell averaged over languages is checked once
        return
    seen: dict[tuple, str] = {}
    for o in rows:
        key = (o.language, o.seed)
        if key in seen and seen[key] != o.origin and o.origin.startswith("run:"):
            cell, runs = f"{o.system} / {o.task} / {o.metric} / {o.language}", (seen[key][4:], o.origin[4:])
            raise AmbiguousRuns(o.seed, cell, runs, reason=(
                f"two runs give {cell} for seed {o.seed} "
                f"({runs[0]} and {runs[1]}): verify one configuration at a time "
                "(a separate --store, or --no-bundled-results), or leave out each seed run in two configurations "
                "(--drop-ambiguous-seeds)"))
        seen[key] = o.origin


class Table:
    """Lookups over observations that record what they used and what was missing.

    ``refused`` maps a task to the reason its cells cannot be compared (runs of different arms that
    followed different protocols, see ``SeedTables``): reading any of its cells raises NotDerivable.
    ``run_everywhere``, when given, limits what ``has`` reports as run to these (system, task, split)
    triples (``SeedTables``: what an arm ran in every one of its seeds)."""

    def __init__(self, observations: Iterable[Observation], refused: dict[str, str] | None = None,
                 run_everywhere: set[tuple[str, str, str]] | None = None):
        self._fill(observations, refused)
        present = {(o.system, o.task, o.split) for o in self.rows}
        if run_everywhere is not None:
            present &= run_everywhere
        self._present: set[tuple[str, str, str]] = present

    def _fill(self, observations: Iterable[Observation], refused: dict[str, str] | None) -> None:
        """Everything ``__init__`` sets but ``_present`` (what was run), which ``of_runs`` is often given."""
        self.rows = list(observations)
        self.used: list[Observation] = []
        self._refused = refused or {}
        self._index: dict[tuple[str, str, str, str], list[Observation]] = {}
        # metric_value per key: (rows picked, their mean). A table is read by many derivations (shared
        # across claims), and the baseline's cells are looked up by every one of them.
        self._values: dict[tuple[str, str, str, str], tuple[list[Observation], Interval]] = {}
        # task_score of a QA task per (system, task, split): (rows recorded in ``used``, score or None,
        # the cells it lacked), see ``_qa_score``
        self._qa_scores: dict[tuple[str, str, str], tuple[list[Observation], Interval | None, tuple[CellKey, ...]]] = {}
        # mean_gain per (system, baseline, split, *tasks): (rows recorded in ``used``, gain or None, the cells it lacked)
        self._gains: dict[tuple[str, ...], tuple[list[Observation], Interval | None, list[CellKey]]] = {}
        index = self._index
        for o in self.rows:
            key = (o.system, o.task, o.metric, o.split)
            group = index.get(key)
            if group is None:
                index[key] = [o]
            else:
                group.append(o)
        values = self._values
        for key, group in index.items():  # one row per key (every run metric): its value, computed once
            if len(group) == 1:
                o = group[0]
                if o.lo <= o.hi:  # 0.0 + x: exactly interval_mean of the one interval (-0.0 becomes 0.0)
                    values[key] = (group, Interval(0.0 + o.lo, 0.0 + o.hi))

    @classmethod
    def of_runs(cls, once: dict[tuple[str, str, str, str], float], repeated: Iterable[Observation],
                refused: dict[str, str] | None = None, run_everywhere: set[tuple[str, str, str]] | None = None,
                measured: set[tuple[str, str, str]] | None = None) -> Table:
        """A table of run metrics (``run_tables.SeedTables``) that needs no ``Observation`` for a cell
        measured once: ``once`` maps such a (system, task, metric, split) to its value, ``repeated``
        holds the rows of the other cells (several languages, or two runs, which ``metric_value``
        averages or refuses). Lookups give what ``Table`` of all the rows gives; only ``rows``,
        ``systems()`` and ``used`` leave the cells in ``once`` out (the replication tier reads none of
        them: ``used`` names a paper's cells in the source tier). ``measured``, when the caller has it:
        the (system, task, split) of every cell of ``once`` and ``repeated`` (not collected again: a
        seed's table then collects no triple per row)."""
        table = cls.__new__(cls)
        table._fill(repeated, refused)
        values = table._values
        make, empty = tuple.__new__, ()
        for key, value in once.items():
            value = 0.0 + value  # as __init__ gives a single row's value
            # Interval(value, value), built directly (one per run metric) unless Interval would refuse it (NaN)
            values[key] = (empty, make(Interval, (value, value)) if value == value else Interval(value, value))
        if measured is not None:
            table._present = measured & run_everywhere if run_everywhere is not None else set(measured)
            return table
        present = {(o.system, o.task, o.split) for o in table.rows}
        for key in once:
            present.add((key[0], key[1], key[3]))
        if run_everywhere is not None:
            present &= run_everywhere
        table._present = present
        return table

    def systems(self) -> set[str]:
        return {o.system for o in self.rows}

    def has(self, system: str, task: str, split: str) -> bool:
        return (system, task, split) in self._present

    def run_tasks(self, systems: Sequence[str], tasks: Sequence[str], split: str) -> tuple[list[str], list[str]]:
        """(``tasks`` that every one of ``systems`` has, the others), each in the order of ``tasks``."""
        present, absent, have = [], [], self._present
        for t in tasks:  # a plain loop: this runs once per claim and seed
            for s in systems:
                if (s, t, split) not in have:
                    absent.append(t)
                    break
            else:
                present.append(t)
        return present, absent

    def simple_gain(self, system: str, baseline: str, tasks: Sequence[str], split: str) -> tuple[list[str], list[str], float, float] | None:
        """A replication's gain, when it is simple: (the tasks both systems ran, the others, the sum over
        the former of s.lo - b.hi, and of s.hi - b.lo), what ``run_tasks`` and then ``derive.mean_gain_interval``
        compute, in the same order. None whenever that path could do anything else (raise, record
        rows in ``used``, average languages, read a QA task's two metrics, find no task): then it must
        answer. One call per seed of every gain claim, without a method call per cell."""
        if self._refused:
            return None
        present, values = self._present, self._values
        ran: list[str] = []
        absent: list[str] = []
        lo = hi = 0.0
        for t in tasks:
            if (system, t, split) in present and (baseline, t, split) in present:
                if t in QA_TASKS:
                    return None
                metric = PRIMARY_METRIC.get(t, "accuracy")
                s, b = values.get((system, t, metric, split)), values.get((baseline, t, metric, split))
                if s is None or b is None or s[0] or b[0]:  # not memoised yet, or rows to record in ``used``
                    return None
                s, b = s[1], b[1]
                lo += s[0] - b[1]
                hi += s[1] - b[0]
                ran.append(t)
            else:
                absent.append(t)
        if not ran:
            return None
        return ran, absent, lo, hi

    def mean_gain(self, system: str, baseline: str, tasks: Sequence[str], split: str, missing: list[CellKey],
                  remember: bool = False) -> Interval | None:
        """Mean over ``tasks`` of (``system`` - ``baseline``) task scores; None when a cell is missing,
        with every missing cell appended to ``missing`` (``derive.mean_gain_interval`` raises on them).

        The interval arithmetic of ``interval_mean([s - b for each task])`` summed in place, in the same
        order (lo: s.lo - b.hi, hi: s.hi - b.lo), so the result is the same to the last bit without an
        Interval per task.

        ``remember``: keep the result per (system, baseline, split, tasks) with the rows it recorded in
        ``used`` and the cells it lacked, which a later call (with ``remember``) repeats. A ranking asks
        for it: it reads every candidate's gain over the baseline, and a paper's ranking claims rank the
        same candidates on the same tables (18 task scores, about 100,000 instructions, against about
        2,000 for the memo). A single gain claim does not: its gain is seldom asked for again, and the
        memo would cost it about 5,000 instructions. A lookup that raises (a refused task, two runs of
        one cell, no task) is not remembered."""
        if remember:
            key = (system, baseline, split, *tasks)
            known = self._gains.get(key)
            if known is not None:
                return self._replay(known, missing)
            used = self.used
            start = len(used)
            lacking = []
        else:
            lacking = missing
        lo = hi = 0.0
        task_score = self.task_score
        for t in tasks:
            s = task_score(system, t, split, lacking)
            b = task_score(baseline, t, split, lacking)
            if s is not None and b is not None:
                lo += s[0] - b[1]
                hi += s[1] - b[0]
        if lacking:
            value = None
        elif not tasks:
            raise ValueError("mean of no intervals")
        else:
            lo, hi = lo / len(tasks), hi / len(tasks)
            value = tuple.__new__(Interval, (lo, hi)) if lo <= hi else Interval(lo, hi)  # the check Interval makes (it raises)
        if remember:
            self._gains[key] = (used[start:], value, lacking)
            if lacking:
                missing.extend(lacking)
        return value

    def metric_value(self, system: str, task: str, metric: str, split: str) -> Interval | None:
        """The metric averaged over languages ('avg' cells are used as they are)."""
        if self._refused and task in self._refused:
            raise NotDerivable(reason=self._refused[task])
        key = (system, task, metric, split)
        known = self._values.get(key)
        if known is not None:
            self.used.extend(known[0])
            return known[1]
        rows = self._index.get(key)
        if not rows:
            return None
        picked = rows
        for o in rows:
            if o.language == "avg":  # the first 'avg' cell, alone
                picked = [o]
                break
        if len(picked) > 1:
            _refuse_mixed_runs(picked)  # raises (and is asked again next time: nothing is remembered)
        self.used.extend(picked)
        # interval_mean of each row's Interval, summed in place in the same order (the same floats to the
        # last bit) without an Interval per row: a seed's cell averages tens of languages
        lo = hi = 0.0
        for o in picked:
            a, b = o.lo, o.hi
            if not a <= b:
                Interval(a, b)  # raises the ValueError Interval gives (NaN, or lo > hi)
            lo += a
            hi += b
        n = len(picked)
        value = Interval(lo / n, hi / n)
        self._values[key] = (picked, value)
        return value

    def _replay(self, known: tuple, missing: list[CellKey]):
        """A remembered result (rows, value, lacking) as if computed again: its rows recorded in ``used``,
        the cells it lacked appended to ``missing``, its value returned."""
        rows, value, lacking = known
        if rows:
            self.used.extend(rows)
        if lacking:
            missing.extend(lacking)
        return value

    def task_score(self, system: str, task: str, split: str, missing: list[CellKey]) -> Interval | None:
        """XTREME per-task score; appends to ``missing`` what it lacked."""
        if task in QA_TASKS:
            known = self._qa_scores.get((system, task, split))
            if known is None:
                return self._qa_score(system, task, split, missing)
            return self._replay(known, missing)
        metric = PRIMARY_METRIC.get(task, "accuracy")
        if not self._refused:  # metric_value's memo, read here: every gain of every seed looks up two task scores
            key = (system, task, metric, split)
            known = self._values.get(key)
            if known is not None:
                if known[0]:
                    self.used.extend(known[0])
                return known[1]
            if key not in self._index:  # no row: metric_value would give None (a paper's missing cell)
                missing.append(_new_key(CellKey, (system, task, metric, split)))
                return None
        value = self.metric_value(system, task, metric, split)
        if value is None:
            missing.append(CellKey(system, task, metric, split))
        return value

    def _qa_score(self, system: str, task: str, split: str, missing: list[CellKey]) -> Interval | None:
        """A QA task's score, (EM + F1) / 2, remembered in ``_qa_scores`` with the rows it recorded in
        ``used`` and the cells it lacked, which ``task_score`` repeats when asked again (every gain of a
        ranking reads the baseline's and each candidate's three QA scores: two metric lookups and two
        Intervals each, about 6,000 instructions, against about 1,000 for the memo). A lookup that raises
        (a refused task, two runs of one cell) is not remembered: it raises again next time."""
        used = self.used
        start = len(used)
        em = self.metric_value(system, task, "em", split)
        f1 = self.metric_value(system, task, "f1", split)
        lacking: tuple[CellKey, ...] = ()
        if em is None:
            lacking += (CellKey(system, task, "em", split),)
        if f1 is None:
            lacking += (CellKey(system, task, "f1", split),)
        value = None if lacking else (em + f1).scale(0.5)
        self._qa_scores[(system, task, split)] = (used[start:], value, lacking)
        if lacking:
            missing.extend(lacking)
        return value

    def scores(self, systems: Sequence[str], tasks: Sequence[str], split: str) -> dict[tuple[str, str], Interval]:
        """Every (system, task) score, or NotDerivable naming every missing cell."""
        missing: list[CellKey] = []
        out: dict[tuple[str, str], Interval] = {}
        for s in systems:
            for t in tasks:
                v = self.task_score(s, t, split, missing)
                if v is not None:
                    out[(s, t)] = v
        if missing:
            raise NotDerivable(missing)
        return out

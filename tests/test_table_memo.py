"""``Table``'s memoised lookups give what the plain lookups give, call after call.

``metric_value`` remembers each cell's mean (summed in place, without an Interval per row) and
``task_score`` each QA score with the rows it recorded and the cells it lacked; ``_refuse_mixed_runs``
looks for a repeated (language, seed) only where a language repeats. Each test compares
them, on random tables, with the lookups as first written (``_plain_*`` below): the same value to
the last bit, the same ``used`` and ``missing`` lists, the same exception, however often and in
whatever order a cell is asked for.
"""

from __future__ import annotations

import math
import random

import pytest

from claimcheck.results.records import Observation
from claimcheck.verifier.intervals import Interval, interval_mean
from claimcheck.verifier.table import PRIMARY_METRIC, QA_TASKS, AmbiguousRuns, CellKey, NotDerivable, Table

SYSTEMS = ["A", "B", "C"]
TASKS = ["xnli", "udpos", "xquad", "tydiqa"]
LANGUAGES = ["en", "de", "fr", "avg"]


def _plain_refuse_mixed_runs(rows: list[Observation]) -> None:
    """``table._refuse_mixed_runs`` as first written (without its check of distinct languages first)."""
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


def _plain_metric_value(table: Table, rows_of: dict, used: list, system: str, task: str, metric: str, split: str):
    """``Table.metric_value`` without its memo, as first written."""
    if table._refused and task in table._refused:
        raise NotDerivable(reason=table._refused[task])
    rows = rows_of.get((system, task, metric, split))
    if not rows:
        return None
    avg = [o for o in rows if o.language == "avg"]
    picked = avg[:1] if avg else rows
    if len(picked) > 1:
        _plain_refuse_mixed_runs(picked)
    used.extend(picked)
    return interval_mean([Interval(o.lo, o.hi) for o in picked])


def _plain_task_score(table: Table, rows_of: dict, used: list, system: str, task: str, split: str, missing: list):
    """``Table.task_score`` without a memo, as first written."""
    if task in QA_TASKS:
        em = _plain_metric_value(table, rows_of, used, system, task, "em", split)
        f1 = _plain_metric_value(table, rows_of, used, system, task, "f1", split)
        if em is None:
            missing.append(CellKey(system, task, "em", split))
        if f1 is None:
            missing.append(CellKey(system, task, "f1", split))
        if em is None or f1 is None:
            return None
        return (em + f1).scale(0.5)
    metric = PRIMARY_METRIC.get(task, "accuracy")
    value = _plain_metric_value(table, rows_of, used, system, task, metric, split)
    if value is None:
        missing.append(CellKey(system, task, metric, split))
    return value


def _rows_by_cell(rows: list[Observation]) -> dict:
    """The rows of each (system, task, metric, split), in order: what the plain lookups read."""
    rows_of: dict = {}
    for o in rows:
        rows_of.setdefault((o.system, o.task, o.metric, o.split), []).append(o)
    return rows_of


def _maybe_refused(rng: random.Random) -> dict | None:
    """A refused task one time in five."""
    return {"udpos": "the udpos runs followed different protocols"} if rng.random() < 0.2 else None


def _random_rows(rng: random.Random) -> list[Observation]:
    rows = []
    for system in SYSTEMS:
        for task in TASKS:
            metrics = ["em", "f1"] if task in QA_TASKS else [PRIMARY_METRIC.get(task, "accuracy")]
            for metric in metrics:
                if rng.random() < 0.2:
                    continue  # a missing cell
                for language in rng.sample(LANGUAGES, rng.randint(1, 4)):
                    value = round(rng.uniform(-5, 90), rng.randint(0, 3))
                    half = rng.choice([0.0, 0.05, 0.005])
                    lo, hi = value - half, value + half
                    if rng.random() < 0.03:
                        lo = hi = math.nan  # refused by Interval, on every lookup
                    elif rng.random() < 0.03:
                        lo, hi = -0.0, -0.0
                    run = f"run:{system}-{metric}" if rng.random() < 0.9 else f"run:{system}-{metric}-again"
                    origin = run if rng.random() < 0.5 else f"cell:tab:{system}"
                    rows.append(Observation(system, task, language, metric, "dev", 0, value, lo, hi, origin))
                    if rng.random() < 0.08:  # the same cell in the same language and seed again: from another run
                        # (refused), from the same run or from a paper's cell (averaged)
                        again = rng.choice([f"run:{system}-other", origin, f"cell:board:{system}"])
                        rows.append(Observation(system, task, language, metric, "dev", 0, value + 1, lo + 1, hi + 1, again))
    return rows


def _outcome(call):
    try:
        value = call()
    except (NotDerivable, ValueError) as exc:
        return ("raised", type(exc).__name__, str(exc), getattr(exc, "missing", None), getattr(exc, "runs", None),
                getattr(exc, "cell", None), getattr(exc, "seed", None))
    return ("value", repr(value), None if value is None else (repr(value[0]), repr(value[1])))


@pytest.mark.parametrize("seed", range(60))
def test_memoised_task_scores_repeat_the_plain_lookups(seed):
    rng = random.Random(seed)
    rows = _random_rows(rng)
    refused = _maybe_refused(rng)
    table = Table(rows, refused)
    rows_of = _rows_by_cell(rows)
    plain_used: list = []
    asks = [(s, t) for s in SYSTEMS + ["Z"] for t in TASKS] * 3
    rng.shuffle(asks)
    for system, task in asks:
        if rng.random() < 0.1:
            table.used.clear()
            plain_used.clear()
        got_missing: list = []
        want_missing: list = []
        got = _outcome(lambda: table.task_score(system, task, "dev", got_missing))
        want = _outcome(lambda: _plain_task_score(table, rows_of, plain_used, system, task, "dev", want_missing))
        assert got == want
        assert got_missing == want_missing
        assert table.used == plain_used


@pytest.mark.parametrize("seed", range(30))
def test_memoised_metric_values_repeat_the_plain_lookups(seed):
    rng = random.Random(1000 + seed)
    rows = _random_rows(rng)
    table = Table(rows)
    rows_of = _rows_by_cell(rows)
    plain_used: list = []
    for _ in range(3):
        for (system, task, metric, split) in list(rows_of) + [("Z", "xnli", "accuracy", "dev")]:
            got = _outcome(lambda: table.metric_value(system, task, metric, split))
            want = _outcome(lambda: _plain_metric_value(table, rows_of, plain_used, system, task, metric, split))
            assert got == want
            assert table.used == plain_used


def test_a_qa_score_lacking_one_metric_reports_it_each_time():
    table = Table([Observation("A", "xquad", "avg", "f1", "dev", None, 80.0, 79.95, 80.05, "cell:tab:1")])
    for _ in range(2):
        missing: list = []
        table.used.clear()
        assert table.task_score("A", "xquad", "dev", missing) is None
        assert missing == [CellKey("A", "xquad", "em", "dev")]
        assert [o.metric for o in table.used] == ["f1"]  # what it read is recorded on every call


@pytest.mark.parametrize("given", [False, True])
def test_a_table_of_runs_has_what_a_table_of_every_row_has(given):
    """``Table.of_runs`` (cells measured once as values) reports as run what ``Table`` of every row
    does, whether it collects the (system, task, split) itself or is given them (``measured``)."""
    rng = random.Random(7)
    for _ in range(20):
        rows = [o for o in _random_rows(rng) if o.lo == o.lo]
        by_cell: dict = {}
        for o in rows:
            by_cell.setdefault((o.system, o.task, o.metric, o.split), []).append(o)
        once = {key: group[0].value for key, group in by_cell.items() if len(group) == 1 and rng.random() < 0.7}
        repeated = [o for key, group in by_cell.items() if key not in once for o in group]
        everywhere = {(s, t, "dev") for s in SYSTEMS for t in TASKS if rng.random() < 0.7} if rng.random() < 0.5 else None
        measured = {(o.system, o.task, o.split) for o in rows} if given else None
        plain = Table(rows, None, everywhere)
        table = Table.of_runs(once, repeated, None, everywhere, measured)
        for system in SYSTEMS + ["Z"]:
            for task in TASKS:
                assert table.has(system, task, "dev") is plain.has(system, task, "dev")


def _plain_mean_gain(table: Table, rows_of: dict, used: list, system: str, baseline: str, tasks: list, split: str):
    """``derive.mean_gain_interval`` as first written, on the plain lookups: the gain, or NotDerivable."""
    missing: list = []
    lo = hi = 0.0
    for t in tasks:
        s = _plain_task_score(table, rows_of, used, system, t, split, missing)
        b = _plain_task_score(table, rows_of, used, baseline, t, split, missing)
        if s is not None and b is not None:
            lo += s[0] - b[1]
            hi += s[1] - b[0]
    if missing:
        raise NotDerivable(missing)
    if not tasks:
        raise ValueError("mean of no intervals")
    lo, hi = lo / len(tasks), hi / len(tasks)
    return Interval(lo, hi)


@pytest.mark.parametrize("seed", range(40))
def test_memoised_gains_repeat_the_plain_arithmetic(seed):
    """``Table.mean_gain`` (through ``derive.mean_gain_interval``), asked to remember, keeps each gain with
    the rows it recorded and the cells it lacked; every call gives what the plain loop gives."""
    from claimcheck.verifier.derive import mean_gain_interval

    rng = random.Random(2000 + seed)
    rows = _random_rows(rng)
    refused = _maybe_refused(rng)
    table = Table(rows, refused)
    rows_of = _rows_by_cell(rows)
    plain_used: list = []
    task_sets = [rng.sample(TASKS, rng.randint(0, len(TASKS))) for _ in range(4)]
    asks = [(s, b, tuple(ts)) for s in SYSTEMS + ["Z"] for b in SYSTEMS for ts in task_sets] * 2
    rng.shuffle(asks)
    for system, baseline, tasks in asks:
        if rng.random() < 0.1:
            table.used.clear()
            plain_used.clear()
        remember = rng.random() < 0.8  # a ranking's lookups, and now and then a single gain claim's (not remembered)
        got = _outcome(lambda: mean_gain_interval(table, system, baseline, list(tasks), "dev", remember))
        want = _outcome(lambda: _plain_mean_gain(table, rows_of, plain_used, system, baseline, list(tasks), "dev"))
        assert got == want
        assert table.used == plain_used


@pytest.mark.parametrize("seed", range(30))
def test_rankings_on_a_shared_table_equal_rankings_on_fresh_tables(seed):
    """Ranking claims read each other's remembered gains on a shared table (a paper's view, a seed's
    table): each derives what it derives on a table of its own, and records the same rows."""
    from claimcheck.verifier.derive import Context, run_derivation

    rng = random.Random(3000 + seed)
    rows = _random_rows(rng)
    shared = Table(rows)
    for _ in range(8):
        cands = rng.sample(SYSTEMS + ["Z"], rng.randint(1, 4))
        params = {"expected": rng.sample(cands, rng.randint(1, len(cands))), "candidates": cands, "baseline": rng.choice(SYSTEMS),
                  "split": "dev", "tasks": rng.sample(TASKS, rng.randint(1, len(TASKS))), "ordered": rng.random() < 0.5}
        ctx = Context(replication=rng.random() < 0.5)
        fresh = Table(rows)
        shared.used.clear()

        def derive(table):
            d = run_derivation("top_k_gains", table, params, ctx)
            return [repr(v) for v in d.values], d.labels, repr(d.margin), d.lines, d.unordered

        assert _outcome(lambda: derive(shared)) == _outcome(lambda: derive(fresh))
        assert shared.used == fresh.used


@pytest.mark.parametrize("seed", range(20))
def test_a_papers_views_built_from_shared_observations_equal_views_built_alone(seed):
    """``paper_observations`` with the memo a paper's views share gives, view by view, what it gives alone."""
    from claimcheck.verifier.table import paper_observations
    from verifier_fixtures import cell, make_paper

    rng = random.Random(4000 + seed)
    sources = [{"id": s, "title": s, "locator": s, "reliability": r} for s, r in (("tab", "primary"), ("board", "secondary"), ("ai", "low"))]
    cells = []
    for _ in range(rng.randint(0, 25)):
        task = rng.choice(TASKS)
        metric = rng.choice(["em", "f1"]) if task in QA_TASKS else None
        cells.append(cell(rng.choice(SYSTEMS), task, rng.choice(["80.1", "7", "-0.5", "66.67"]), metric=metric,
                          language=rng.choice(["avg", "de"]), source=rng.choice(["tab", "board", "ai"])))
    paper = make_paper(cells=cells, sources=sources)
    memo: dict = {}
    orders = [[], ["tab", "board", "ai"], ["board", "tab", "ai"], ["ai", "tab", "board"], None, ["ai"]]
    for order in orders * 2:
        assert paper_observations(paper, order, memo) == paper_observations(paper, order)

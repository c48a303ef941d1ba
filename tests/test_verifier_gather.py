"""run_tables.gather (one pass over the records) against what verify built apart before it: an index
of the records by (paper, system), ``RunGroup`` of each key's records, and ``SeedTables`` of the
successful records; and SeedTables' lazily counted "run everywhere" against the eager count."""

from __future__ import annotations

import random

from claimcheck.results.records import Metric, RunRecord
from claimcheck.verifier.run_tables import RunGroup, SeedTables, _run_everywhere, gather
from claimcheck.verifier.table import PRIMARY_METRIC, QA_TASKS

TASKS = [("xnli", "accuracy"), ("pawsx", "accuracy"), ("udpos", "f1"), ("xquad", "em"), ("xquad", "f1")]


def _records(rng: random.Random) -> list[RunRecord]:
    """Runs over two or three papers and four arms in random seeds: sometimes two runs of one arm and
    seed, failed runs (some with a spec), repeated metrics (several languages), a spec whose protocol
    differs from another run's, runs without metrics, and deviations."""
    records = []
    dense = rng.random() < 0.5  # every arm in most seeds, most tasks once: the arms' rows often serve
    for paper_id in rng.sample(["9999.00001", "9999.00002", "9999.00003"], rng.randint(1, 3)):
        for system in rng.sample("ABCD", rng.randint(1, 4)):
            for seed in rng.sample(range(5), rng.randint(4 if dense else 1, 5)):
                for part in range(1 + (rng.random() < (0.03 if dense else 0.25))):
                    failed = rng.random() < (0.03 if dense else 0.15)
                    metrics = []
                    if not failed:
                        for task, metric in TASKS:
                            if rng.random() < (0.95 if dense else 0.7):
                                for lang in rng.sample(["en", "de", "avg"], 1 + (rng.random() < (0.02 if dense else 0.2))):
                                    metrics.append(Metric(task=task, language=lang, metric=metric, split="dev" if dense else rng.choice(["dev", "dev", "test"]),
                                                          value=rng.choice([-0.0, 0.0, 50.0, round(rng.uniform(0, 100), 2)])))
                    spec = {}
                    if rng.random() < (0.02 if dense else 0.3):
                        spec = {"encoder": rng.choice(["x", "y"]), "target": {"task": "xnli"}}
                    fidelity = rng.choice(["full", "reduced", "proxy"])
                    records.append(RunRecord(
                        run_id=f"{paper_id}-{system}-{seed}-{part}", paper_id=paper_id, system=system, seed=seed, preset="test",
                        fidelity=fidelity, deviations=rng.choice([[], ["d1"], ["d2", "d1"]][fidelity != "full":]),
                        status="failed" if failed else "ok", error="boom" if failed else None, metrics=metrics, spec=spec))
    rng.shuffle(records)
    return records


def _apart(records):
    """What verify built before ``gather``: the index by (paper, system), a RunGroup per key, SeedTables of the ok runs."""
    index: dict[tuple[str, str], list[RunRecord]] = {}
    for r in records:
        index.setdefault((r.paper_id, r.system), []).append(r)
    return {key: RunGroup(runs) for key, runs in index.items()}, SeedTables([r for r in records if r.status == "ok"])


def _run_ids_by_definition(records: list[RunRecord]) -> dict[int, list[str]]:
    """The ids of the successful runs by seed, seeds in the order they first succeed, ids in record order
    (what RunGroup kept as it gathered the runs before ``run_ids`` was left to its first reader)."""
    out: dict[int, list[str]] = {}
    for r in records:
        if r.status == "ok":
            out.setdefault(r.seed, []).append(r.run_id)
    return out


def _same_group(a: RunGroup, b: RunGroup) -> None:
    assert a.failed == b.failed and all(x is y for x, y in zip(a.failed, b.failed))
    assert list(a.by_seed) == list(b.by_seed) and all([id(r) for r in a.by_seed[s]] == [id(r) for r in b.by_seed[s]] for s in a.by_seed)
    assert (a.fidelities, a.deviations, a.ok_ids) == (b.fidelities, b.deviations, b.ok_ids)
    assert list(a.run_ids) == list(b.run_ids) and a.run_ids == b.run_ids


def _same_table(a, b) -> None:
    assert [id(o) for o in a.rows] == [id(o) for o in b.rows] or a.rows == b.rows
    assert a._refused == b._refused and a._present == b._present
    assert {k: (v[0], repr(v[1].lo), repr(v[1].hi)) for k, v in a._values.items()} == \
        {k: (v[0], repr(v[1].lo), repr(v[1].hi)) for k, v in b._values.items()}
    assert list(a._values) == list(b._values)


def test_gather_gives_the_groups_and_tables_built_apart():
    rng = random.Random(31)
    for _ in range(150):
        records = _records(rng)
        groups, tables = gather(records)
        want_groups, want_tables = _apart(records)
        assert list(groups) == list(want_groups)
        for key in groups:
            _same_group(groups[key], want_groups[key])
            want = _run_ids_by_definition([r for r in records if (r.paper_id, r.system) == key])
            assert groups[key].run_ids == want and list(groups[key].run_ids) == list(want)
            assert groups[key].run_ids is groups[key].run_ids  # built once
        assert list(tables._cells) == list(want_tables._cells)
        for key, cells in tables._cells.items():
            assert list(cells) == list(want_tables._cells[key])
            assert all([(id(r), id(m)) for r, m in pairs] == [(id(r), id(m)) for r, m in want_tables._cells[key][cell]]
                       for cell, pairs in cells.items())
        assert tables._systems == want_tables._systems and tables._refused == want_tables._refused
        assert tables._seeds == want_tables._seeds and tables._keys == want_tables._keys
        for key in tables._cells:
            _same_table(tables.get(*key), want_tables.get(*key))


def _eager(tables: SeedTables):
    """The measured triples per (paper, seed) and the run-everywhere triples per paper, counted for every paper at once
    (as SeedTables.__init__ did before they were left to the first table of each paper)."""
    measured = {key: {(system, task, split) for system, task, _, split in cells} for key, cells in tables._cells.items()}
    return measured, _run_everywhere(measured, tables._systems)


def _arm_row_by_definition(tables: SeedTables, measured, everywhere, paper_id, arm, task, split):
    """``_arm_row`` as it read before: every seed's table must refuse nothing, have the triple as run
    (measured in that seed and run everywhere) and the cell measured once."""
    if task in QA_TASKS:
        return None
    triple, cell = (arm, task, split), (arm, task, PRIMARY_METRIC.get(task, "accuracy"), split)
    row = []
    for seed in tables._seeds[paper_id]:
        key = (paper_id, seed)
        if key in tables._refused or triple not in measured[key] & everywhere.get(paper_id, set()):
            return None
        pairs = tables._cells[key].get(cell)
        if pairs is None or len(pairs) != 1:
            return None
        row.append(0.0 + pairs[0][1].value)
    return row


def test_lazy_everywhere_and_arm_rows_equal_the_eager_count():
    rng = random.Random(37)
    rows_given = 0
    for i in range(200):
        records = _records(rng)
        if i % 2:  # SeedTables of every record, failed ones too (a failed run still counts as the arm's run in its seed)
            tables = SeedTables(records)
        else:
            tables = gather(records)[1]
        measured, everywhere = _eager(tables)
        papers = list(tables._seeds)
        for paper_id in rng.sample(papers, len(papers)):  # the papers' first tables in any order
            for arm in "ABCDE":
                for task, _ in TASKS + [("tatoeba", "accuracy")]:
                    for split in ("dev", "test"):
                        row = tables._arm_row(paper_id, arm, task, split)
                        assert row == _arm_row_by_definition(tables, measured, everywhere, paper_id, arm, task, split)
                        assert row is None or [repr(v) for v in row] == [repr(v) for v in _arm_row_by_definition(
                            tables, measured, everywhere, paper_id, arm, task, split)]
                        rows_given += row is not None
            seed = rng.choice(tables._seeds[paper_id])
            tables.get(paper_id, seed)
            assert tables._everywhere[paper_id] == everywhere[paper_id]
            assert list(tables._everywhere[paper_id]) == list(everywhere[paper_id])  # the same set, built the same way
            for s in tables._seeds[paper_id]:
                assert tables._measured[(paper_id, s)] == measured[(paper_id, s)]
    assert rows_given > 200  # both outcomes were compared


def test_coverage_counts_what_a_reason_per_result_counts():
    """engine._coverage (the tier results read as dicts, counted by Counter over a map)
    against its definition: getattr of the tier and ``_reason`` of every unchecked result's summary."""
    from collections import Counter
    from types import SimpleNamespace

    from claimcheck.verifier.engine import _UNCHECKED, _coverage, _reason
    from claimcheck.verifier.verdict import TierCoverage, tier_result

    def by_definition(verdicts, tier):
        results = [getattr(v, tier) for v in verdicts]
        counts = Counter(r.verdict for r in results)
        reasons = Counter(_reason(r.summary) for r in results if r.verdict in _UNCHECKED)
        checked = sum(n for k, n in counts.items() if k not in _UNCHECKED)
        return TierCoverage(checked=checked, total=len(results), counts=dict(sorted(counts.items())), reasons=dict(sorted(reasons.items())))

    verdicts_pool = sorted(_UNCHECKED) + ["reproduced", "not_reproduced", "derived", "inconclusive"]
    summaries = ["not derivable: missing A (dev): xnli accuracy", "Not derivable: 3 cells MISSING for 2 systems", "a claim of [3]",
                 "the fact could not be read", "no available source holds it", "no derivation is declared", "no replication applies",
                 "no replication arms are declared for this claim", "no runs of A, B in the results", "2 needed run(s) failed",
                 "runs exist but lack what the derivation needs", "something else", ""]
    rng = random.Random(41)
    for _ in range(300):
        verdicts = []
        for _ in range(rng.randint(0, 40)):
            tiers = {tier: tier_result(verdict=rng.choice(verdicts_pool), summary=rng.choice(summaries) + rng.choice(["", "", " x"]))
                     for tier in ("source", "replication")}
            verdicts.append(SimpleNamespace(**tiers))
        for tier in ("source", "replication"):
            got, want = _coverage(verdicts, tier), by_definition(verdicts, tier)
            assert got == want and got.model_dump_json() == want.model_dump_json()

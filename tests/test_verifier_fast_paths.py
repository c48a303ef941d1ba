"""The verifier's fast paths against their plain definitions (see also test_verifier_speed_paths).

Each test builds inputs where a shortcut could go wrong (uneven seeds, arms without metrics, several
papers) and compares the shortcut with the definition it stands for, written out plainly here.
"""

from __future__ import annotations

import random

from claimcheck.verifier.run_tables import SeedTables
from verifier_fixtures import run

TASKS = [("xnli", "accuracy"), ("pawsx", "accuracy"), ("udpos", "f1")]


def _uneven_records(rng: random.Random) -> list:
    """Arms that ran random tasks in random seeds (sometimes none at all), over two papers."""
    records = []
    for paper_id in ("9999.00001", "9999.00002"):
        for system in ("A", "B", "C", "D"):
            for seed in rng.sample(range(5), rng.randint(1, 5)):
                for part in range(rng.randint(1, 2)):  # an arm may have two runs in one seed
                    metrics = [(t, m, 70.0 + rng.random()) for t, m in TASKS if rng.random() < 0.7]
                    records.append(run(system, seed, metrics, paper_id=paper_id, run_id=f"{paper_id}-{system}-{seed}-{part}"))
    rng.shuffle(records)
    return records


def _everywhere_by_definition(records) -> set[tuple[str, str, str, str]]:
    """(paper, system, task, split) measured in every seed its arm has a run in, seed sets compared."""
    seeds_of: dict[tuple[str, str], set[int]] = {}
    seeds_with: dict[tuple[str, str, str, str], set[int]] = {}
    for r in records:
        seeds_of.setdefault((r.paper_id, r.system), set()).add(r.seed)
        for m in r.metrics:
            seeds_with.setdefault((r.paper_id, r.system, m.task, m.split), set()).add(r.seed)
    return {key for key, seeds in seeds_with.items() if seeds == seeds_of[key[:2]]}


def test_counted_task_coverage_equals_seed_sets():
    rng = random.Random(7)
    for _ in range(40):
        records = _uneven_records(rng)
        tables = SeedTables(records)
        expected = _everywhere_by_definition(records)
        for paper_id, seed in {(r.paper_id, r.seed) for r in records}:
            table = tables.get(paper_id, seed)
            ran_here = {(r.system, m.task, m.split) for r in records if (r.paper_id, r.seed) == (paper_id, seed) for m in r.metrics}
            for system in "ABCD":
                for task, _ in TASKS:
                    want = (system, task, "dev") in ran_here and (paper_id, system, task, "dev") in expected
                    assert table.has(system, task, "dev") is want


def test_span_fields_validate_into_the_same_spans():
    """The tiers hand TierResult each span's fields (validated there) instead of a Span object."""
    from claimcheck.verifier.verdict import Span, TierResult

    fields = [{"label": "S - B seed value", "lo": 1.25, "hi": 1.25, "role": "seed"},
              {"label": "reported 1.0", "lo": 0, "hi": 2, "role": "reported"}]  # ints become floats either way
    by_fields = TierResult(verdict="reproduced", summary="s", spans=fields)
    by_objects = TierResult(verdict="reproduced", summary="s", spans=[Span(**f) for f in fields])
    assert all(isinstance(s, Span) for s in by_fields.spans)
    assert by_fields == by_objects and by_fields.model_dump_json() == by_objects.model_dump_json()
    assert [s.model_fields_set for s in by_fields.spans] == [s.model_fields_set for s in by_objects.spans]

"""RunGroup's shortcuts against what they stand for (the replication tier reads them for every claim)."""

from __future__ import annotations

import random

from claimcheck.verifier.replication_tier import _merged
from claimcheck.verifier.run_tables import RunGroup
from verifier_fixtures import run


def _groups(rng: random.Random) -> list[tuple[RunGroup, list]]:
    """(group, its records) per arm, each arm run in random seeds, sometimes twice in a seed, sometimes failed."""
    groups = []
    for system in rng.sample("ABCD", rng.randint(1, 4)):
        records = []
        for seed in rng.sample(range(6), rng.randint(1, 5)):
            for part in range(rng.randint(1, 2)):
                failed = rng.random() < 0.2
                records.append(run(system, seed, [] if failed else [("xnli", "accuracy", 70.0)], status="failed" if failed else "ok",
                                   error="boom" if failed else None, run_id=f"{system}-{seed}-{part}"))
        rng.shuffle(records)
        groups.append((RunGroup(records), records))
    return groups


def test_ok_ids_are_the_run_ids_of_every_seed_and_merging_keeps_group_order():
    rng = random.Random(17)
    for _ in range(200):
        pairs = _groups(rng)
        for g, records in pairs:
            assert g.ok_ids == [r.run_id for r in records if r.status == "ok"]
        groups = [g for g, _ in pairs]
        seeds = sorted(set().union(*[g.by_seed for g in groups]))
        # a claim that used every seed names every successful run (replication_tier's shortcut)
        assert sorted(i for g in groups for i in g.ok_ids) == sorted(i for g in groups for s in seeds for i in g.run_ids.get(s, ()))
        merged: dict[int, list] = {}  # the merge the tier did before it was made lazy
        for g in groups:
            for seed, runs in g.by_seed.items():
                merged[seed] = merged[seed] + runs if seed in merged else runs
        assert _merged(groups) == merged and list(_merged(groups)) == list(merged)

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


def test_gain_rows_derive_what_the_tables_derive():
    """derive_seeds given ``SeedTables.of`` (a one-task gain read from the arms' rows of values, given
    by its middles) against derive_seeds on the same tables one by one: the same middles to the bit,
    label, signedness and notes; and where the rows do not serve, the same values and refusals."""
    from test_verifier_fast_paths import _language_records, _protocol_records, _uneven_records

    from claimcheck.verifier.run_tables import SeedTables
    from claimcheck.verifier.seed_values import derive_seeds
    from claimcheck.verifier.table import NotDerivable

    def same(a, b):
        if isinstance(a, NotDerivable):
            return type(a) is type(b) and (a.missing, a.reason, str(a)) == (b.missing, b.reason, str(b))
        return (repr(a.lo), repr(a.hi)) == (repr(b.lo), repr(b.hi))

    def regular(rng):  # every arm in every seed, one language: the rows serve
        return [run(system, seed, [(t, m, rng.choice([-0.0, 0.0, 1e-17, 50.0, round(rng.uniform(0, 100), 2)])) for t, m in
                                   (("xnli", "accuracy"), ("pawsx", "accuracy"), ("udpos", "f1"), ("xquad", "em"), ("xquad", "f1"))],
                    run_id=f"{system}-{seed}") for system in "ABCD" for seed in range(4)]

    rng = random.Random(23)
    taken = 0
    for i in range(160):
        records = (_uneven_records, _language_records, _protocol_records, regular)[i % 4](rng)
        tables = SeedTables(records)
        paper_seeds = sorted({r.seed for r in records if r.paper_id == "9999.00001"})
        for _ in range(10):
            seeds = paper_seeds if rng.random() < 0.8 else rng.sample(paper_seeds, rng.randint(1, len(paper_seeds)))
            name = rng.choice(["mean_gain", "xtreme_gain"])
            params = {"system": rng.choice("ABCD"), "baseline": rng.choice("ABC"), "split": "dev",
                      "tasks": [rng.choice(["xnli", "pawsx", "udpos", "xquad"])] if rng.random() < 0.9 else ["xnli", "udpos"]}
            fast = derive_seeds(name, tables.of("9999.00001", seeds), params)
            plain = derive_seeds(name, [tables.get("9999.00001", s) for s in seeds], params)
            assert (fast.label, fast.signed, fast.notes) == (plain.label, plain.signed, plain.notes)
            assert plain.mids is None
            if fast.mids is not None:
                taken += 1
                assert fast.values is None and all(not isinstance(v, NotDerivable) for v in plain.values)
                assert [repr(m) for m in fast.mids] == [repr(v.mid) for v in plain.values]
            else:
                assert len(fast.values) == len(plain.values) and all(same(a, b) for a, b in zip(fast.values, plain.values))
    assert 100 < taken < 1300  # both paths were compared


def test_stats_text_is_the_f_string_it_stands_for():
    """replication_judge._stats_text (one %-format) against the f-string with Interval.render(3) it replaced."""
    from claimcheck.verifier.intervals import Interval
    from claimcheck.verifier.replication_judge import _stats_text
    from claimcheck.verifier.stats import SeedSummary

    rng = random.Random(29)
    numbers = [0.0, -0.0, 0.0005, -0.0005, 0.0015, 2.675, 1e-17, -3.14159, 1e300, -1e300, float("inf"), 123456.7895, 5]
    for _ in range(3000):
        a, b, c, d = sorted(rng.choice(numbers + [rng.uniform(-1e3, 1e3)]) for _ in range(4))
        ci = Interval(b, b) if rng.random() < 0.3 else Interval(b, c)
        pi = Interval(a, a) if rng.random() < 0.2 else Interval(a, d)
        s = SeedSummary(rng.randint(2, 1000), rng.choice(numbers), abs(rng.choice(numbers)), ci, pi, rng.choice([0.95, 0.9, 0.99, 0.8]))
        want = f"mean {s.mean:.3f}, sd {s.sd:.3f}, {int(s.level * 100)}% CI {s.ci.render(3)}, PI {s.pi.render(3)} over {s.n} seeds"
        assert _stats_text(s) == want


def test_spans_sharing_a_fields_set_stay_apart_when_one_is_copied():
    """span and seed_spans share one fields set (verdict._SPAN_FIELDS_SET): a copy with an update adds
    to its own set, never to the others'."""
    from claimcheck.verifier.verdict import Span, seed_spans, span

    spans = [span("a", 0, 1, "replicated_ci")] + seed_spans("b", [1.0, 2.0])
    copied = spans[0].model_copy(update={"lo": 0.5})
    assert copied.model_fields_set == {"label", "lo", "hi", "role"} and copied.lo == 0.5
    assert all(s.model_fields_set == Span(label="x", lo=0, hi=0, role="seed").model_fields_set for s in spans)
    assert spans[0].lo == 0.0 and spans[0] == Span(label="a", lo=0, hi=1, role="replicated_ci")


def test_trusted_objects_of_one_shape_stay_apart_when_one_is_copied():
    """trusted shares one fields set among the objects of one shape (class and order of the given
    fields): a copy with an update adds to its own set, never to the others'; the sets are those
    validation gives."""
    from claimcheck.verifier.verdict import TierResult, trusted

    given = {"verdict": "reproduced", "summary": "s", "seeds": 3}
    a, b = (trusted(TierResult, dict(given)) for _ in range(2))
    copied = a.model_copy(update={"summary": "t", "lines": ["x"]})
    assert copied.model_fields_set == {"verdict", "summary", "seeds", "lines"} and copied.summary == "t"
    assert a.model_fields_set == b.model_fields_set == TierResult(**given).model_fields_set == set(given)
    every = {name: getattr(a, name) for name in TierResult.model_fields}
    whole = trusted(TierResult, dict(every))
    assert whole.model_fields_set == TierResult(**every).model_fields_set == set(TierResult.model_fields)

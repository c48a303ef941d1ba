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


def _language_records(rng: random.Random) -> list:
    """Runs with one or several languages per task, an arm run twice in a seed, and -0.0 values."""
    from claimcheck.results.records import Metric, RunRecord

    records = []
    for seed in range(3):
        for system in ("A", "B", "C"):
            for part in range(1 + (rng.random() < 0.2)):  # sometimes two runs of one arm and seed
                metrics = []
                for task, metric in TASKS + [("xquad", "em"), ("xquad", "f1")]:
                    if rng.random() < 0.8:
                        for lang in rng.sample(["en", "de", "avg", "fr"], rng.randint(1, 2)):
                            metrics.append(Metric(task=task, language=lang, metric=metric, split="dev",
                                                  value=rng.choice([-0.0, 0.0, 50.0, round(rng.uniform(0, 100), 2)])))
                records.append(RunRecord(run_id=f"{system}-{seed}-{part}", paper_id="9999.00001", system=system, seed=seed,
                                         preset="test", fidelity="full", metrics=metrics))
    rng.shuffle(records)
    return records


def test_run_tables_look_up_what_a_table_of_every_observation_gives():
    """SeedTables keeps a cell measured once as a value (Table.of_runs), not as an Observation."""
    from claimcheck.results.records import record_observations
    from claimcheck.verifier.table import NotDerivable, Table

    def lookup(table, *key):
        try:
            value = table.metric_value(*key)
        except NotDerivable as exc:
            return "refused", str(exc)
        return value, None if value is None else (str(value.lo), str(value.hi))  # str: the sign of zero too

    rng = random.Random(11)
    for _ in range(30):
        records = _language_records(rng)
        tables = SeedTables(records)
        everywhere = {key[1:] for key in _everywhere_by_definition(records)}
        for seed in {r.seed for r in records}:
            plain = Table([o for r in records if r.seed == seed for o in record_observations(r)], None, everywhere)
            table = tables.get("9999.00001", seed)
            for system in "ABCD":
                for task, metric in TASKS + [("xquad", "em"), ("xquad", "f1"), ("xquad", "accuracy")]:
                    assert table.has(system, task, "dev") is plain.has(system, task, "dev")
                    for _ in range(2):  # the first lookup fills the memo, the second reads it
                        assert lookup(table, system, task, metric, "dev") == lookup(plain, system, task, metric, "dev")


def test_fused_gain_equals_the_mean_of_interval_differences():
    """derive.mean_gain_interval sums the differences in place; the reference builds each s - b and takes their mean."""
    from claimcheck.results.records import Observation
    from claimcheck.verifier.derive import mean_gain_interval
    from claimcheck.verifier.intervals import interval_mean
    from claimcheck.verifier.table import NotDerivable, Table

    tasks = ["xnli", "pawsx", "xquad", "udpos"]
    metrics = {"xnli": ["accuracy"], "pawsx": ["accuracy"], "xquad": ["em", "f1"], "udpos": ["f1"]}
    rng = random.Random(5)

    def value():
        return rng.choice([-0.0, 0.0, 0.1, 1e-17, 33.3, round(rng.uniform(-5, 100), rng.randint(0, 3))])

    for _ in range(300):
        rows = []
        for system in ("S", "B"):
            for task in tasks:
                for metric in metrics[task]:
                    if rng.random() < 0.9:
                        v, w = value(), rng.choice([0.0, 0.05, 0.005])
                        rows.append(Observation(system, task, "avg", metric, "dev", None, v, v - w, v + w, "cell:t:T"))
        table = Table(rows)
        chosen = rng.sample(tasks, rng.randint(1, 4))
        missing: list = []
        diffs = []
        for t in chosen:
            s, b = table.task_score("S", t, "dev", missing), table.task_score("B", t, "dev", missing)
            if s is not None and b is not None:
                diffs.append(s - b)
        try:
            got = mean_gain_interval(table, "S", "B", chosen, "dev")
        except NotDerivable as exc:
            assert missing and exc.missing == sorted(set(missing))
            continue
        want = interval_mean(diffs)
        assert not missing and (repr(got.lo), repr(got.hi)) == (repr(want.lo), repr(want.hi))  # repr: the sign of zero too


def test_render_with_a_prebuilt_format_spec_writes_what_the_nested_spec_wrote():
    from claimcheck.verifier.intervals import Interval

    def nested(iv, digits):
        lo, hi = iv
        return f"{lo:.{digits}f}" if lo == hi else f"[{lo:.{digits}f}, {hi:.{digits}f}]"

    rng = random.Random(2)
    edges = [0.0, -0.0, 1e-17, -1e-17, 0.0005, -0.0005, 2.675, 1e300, -1e300]
    for _ in range(5000):
        a = rng.choice(edges + [rng.uniform(-1e4, 1e4), round(rng.uniform(-10, 10), rng.randint(0, 4))])
        b = rng.choice([a, a + abs(rng.uniform(0, 5))])
        iv, digits = Interval(min(a, b), max(a, b)), rng.randint(0, 4)
        assert iv.render(digits) == nested(iv, digits)
    assert Interval(1.0, 2.0).render() == "[1.00, 2.00]" and Interval(-0.0, -0.0).render(1) == "-0.0"


def _trusted_cases():
    from claimcheck.verifier.verdict import CellUse, Overall, SourceVerdict, Span, TierResult, ViewResult

    cell = CellUse(system="A", task="xnli", language="avg", metric="accuracy", split="dev", value="70.1", origin="cell:t:T1")
    spans = [Span(label="reported 1.0", lo=0.95, hi=1.05, role="reported")]
    view = ViewResult(label="t first", verdict=SourceVerdict.consistent, lines=["x"], cells=[cell])
    tier = dict(verdict="reproduced", summary="s", lines=["a", "b"], views=[view], spans=spans, runs=["r1"], seeds=3,
                seeds_needed=None, fidelity="full", deviations=[])
    return [
        (ViewResult, dict(label="no reported cells", verdict=SourceVerdict.not_derivable, lines=[], cells=[], missing=["A (dev): xnli"])),
        (ViewResult, dict(label="t first", verdict=SourceVerdict.inconsistent, lines=["y"], cells=[cell])),
        (TierResult, tier),
        (TierResult, dict(verdict="not_run", summary="none")),
        (CellUse, dict(system="A", task="xnli", language="avg", metric="accuracy", split="dev", value="1", origin="run:x")),
        ("ClaimVerdict", dict(claim_id="9999.00001/c", paper_id="9999.00001", kind="quantity", statement="s", version="v1",
                              pinned_version="v2", superseded_by=None, attributed_to=None, reported=["1.0"], location="Results",
                              source=TierResult(**tier), replication=TierResult(verdict="not_run", summary="none"),
                              overall=Overall.supported, overall_rule="R5", draft=False, located=True, location_note="")),
    ]


def _hash(obj):
    try:
        return hash(obj)
    except TypeError:  # a model with list fields
        return "unhashable"


def test_trusted_builds_what_validation_builds():
    """``verdict.trusted`` skips validation for values of the right type: the object must be the one
    validation gives (field values and their order, fields set, equality, hash, JSON)."""
    import pytest

    from claimcheck.model import pydantic_validate
    from claimcheck.verifier import verdict
    from claimcheck.verifier.verdict import Span, span, trusted

    for cls, values in _trusted_cases():
        cls = getattr(verdict, cls) if isinstance(cls, str) else cls
        for keys in (list(values), list(values)[::-1]):  # the caller's key order does not matter
            fast, slow = trusted(cls, {k: values[k] for k in keys}), pydantic_validate(cls, values)
            assert type(fast) is cls and fast == slow and _hash(fast) == _hash(slow)
            assert list(fast.__dict__.items()) == list(slow.__dict__.items())
            assert fast.model_fields_set == slow.model_fields_set
            assert fast.model_dump_json() == slow.model_dump_json() and repr(fast) == repr(slow)
            assert [type(v) for v in fast.__dict__.values()] == [type(v) for v in slow.__dict__.values()]
        defaults = trusted(cls, {k: v for k, v in values.items() if k in {n for n, f in cls.model_fields.items() if f.is_required()}})
        for name, field in cls.model_fields.items():  # default lists are fresh for each object
            if field.default_factory is list:
                assert getattr(defaults, name) == [] and getattr(defaults, name) is not getattr(trusted(cls, values), name, None)
    with pytest.raises(TypeError):
        trusted(verdict.TierResult, {"verdict": "x"})  # a required field missing
    with pytest.raises(TypeError):
        trusted(verdict.TierResult, {"verdict": "x", "summary": "s", "sumary": "t"})  # an unknown field
    for lo, hi in ((1.25, 1.5), (0, 2), (-0.0, 0.0), (True, 3)):
        fast, slow = span("seed value", lo, hi, "seed"), pydantic_validate(Span, dict(label="seed value", lo=lo, hi=hi, role="seed"))
        assert fast == slow and list(fast.__dict__.items()) == list(slow.__dict__.items())
        assert [type(v) for v in fast.__dict__.values()] == [type(v) for v in slow.__dict__.values()]
        assert fast.model_fields_set == slow.model_fields_set and fast.model_dump_json() == slow.model_dump_json()
        assert str(fast.lo) == str(slow.lo) and _hash(fast) == _hash(slow) != "unhashable"


def test_trusted_builds_the_same_from_a_remembered_order_of_fields():
    """``trusted`` checks the fields a caller gives once per order of them (``verdict._SHAPES``): a second
    object given in that order is built as the first, with fresh default lists, and a wrong order of
    fields is refused every time (never remembered)."""
    import pytest

    from claimcheck.verifier.verdict import TierResult, trusted

    given = {"verdict": "reproduced", "summary": "s", "spans": [], "seeds": 3, "fidelity": "full"}
    first, second = (trusted(TierResult, dict(given, spans=[])) for _ in range(2))
    slow = TierResult(**given)
    for fast in (first, second):
        assert fast == slow and list(fast.__dict__.items()) == list(slow.__dict__.items())
        assert fast.model_fields_set == slow.model_fields_set and fast.model_dump_json() == slow.model_dump_json()
    assert first.lines is not second.lines and first.views is not second.views
    for _ in range(2):
        with pytest.raises(TypeError):
            trusted(TierResult, {"summary": "s", "verdict": "x", "sumary": "t"})
        with pytest.raises(TypeError):
            trusted(TierResult, {"summary": "s"})


def test_seed_spans_and_run_ids_are_what_they_stand_for():
    """``seed_spans`` builds what ``span`` builds value by value; a RunGroup's ``run_ids`` are its
    successful runs' ids, seed by seed, in the order of ``by_seed``."""
    from claimcheck.verifier.run_tables import RunGroup
    from claimcheck.verifier.verdict import seed_spans, span

    values = [1.25, -0.0, 0.0, 3, True, 1e-300]
    fast, slow = seed_spans("S - B seed value", values), [span("S - B seed value", x, x, "seed") for x in values]
    assert fast == slow and [s.model_dump_json() for s in fast] == [s.model_dump_json() for s in slow]
    assert [(str(s.lo), str(s.hi), s.model_fields_set) for s in fast] == [(str(s.lo), str(s.hi), s.model_fields_set) for s in slow]
    records = _uneven_records(random.Random(3))
    group = RunGroup(records)
    assert group.run_ids == {seed: [r.run_id for r in runs] for seed, runs in group.by_seed.items()}


def _protocol_records(rng: random.Random) -> list:
    """_language_records, some runs carrying a spec whose protocol differs from another arm's (refused)."""
    records = _language_records(rng)
    for i, r in enumerate(records):
        if rng.random() < 0.15:
            records[i] = r.model_copy(update={"spec": {"encoder": rng.choice(["x", "y"]), "target": {"task": "xnli"}}})
    return records


def test_seed_batch_derives_what_each_seed_derives(monkeypatch):
    """derive_seeds (one pass over a claim's seed tables) against run_derivation seed by seed, on
    replication data: the same values (to the bit), label, signedness and NotDerivable, and the notes
    on tasks not run that an explained run of the first seed that derives writes."""
    from claimcheck.verifier.derive import Context, run_derivation
    from claimcheck.verifier.seed_values import derive_seeds
    from claimcheck.verifier.replication_tier import _coverage_notes
    from claimcheck.verifier.table import NotDerivable

    from claimcheck.verifier.table import Table

    simple = []  # the answers of Table.simple_gain: the batch's shortcut for a gain, or None (the general path)
    plain_simple_gain = Table.simple_gain
    monkeypatch.setattr(Table, "simple_gain", lambda *a: simple.append(plain_simple_gain(*a)) or simple[-1])
    explain, quiet = Context(replication=True), Context(replication=True, explain=False)
    rng = random.Random(13)
    tasks = ["xnli", "pawsx", "udpos", "xquad"]
    kinds = 0
    for i in range(80):
        records = _protocol_records(rng) if i % 2 else _uneven_records(rng)  # several languages, or one
        tables = SeedTables(records)
        seeds = sorted({r.seed for r in records if r.paper_id == "9999.00001"})
        for _ in range(8):
            name = rng.choice(["mean_gain", "xtreme_gain", "mean_score", "xtreme_score"])
            params = {"system": rng.choice("ABCD"), "split": "dev"}
            if "gain" in name:
                params["baseline"] = rng.choice("ABC")
            if name.startswith("mean") or rng.random() < 0.7:
                params["tasks"] = rng.sample(tasks, rng.randint(1, 4))
            if name.startswith("xtreme") and rng.random() < 0.3:
                del params["split"]  # xtreme_* default to the test split
            batch = derive_seeds(name, (tables.get("9999.00001", s) for s in seeds), params)
            first = None
            for seed, got in zip(seeds, batch.values):
                try:
                    want = run_derivation(name, tables.get("9999.00001", seed), params, quiet if first else explain)
                except NotDerivable as exc:
                    assert isinstance(got, NotDerivable) and (got.missing, got.reason, str(got)) == (exc.missing, exc.reason, str(exc))
                    kinds |= 4 if exc.reason else 1
                    continue
                assert (repr(got.lo), repr(got.hi)) == (repr(want.values[0].lo), repr(want.values[0].hi))
                assert [batch.label] == want.labels and batch.signed is want.signed and want.margin is None and not want.effects
                if first is None:
                    first = want
                    assert batch.notes == _coverage_notes(want)  # what a replication shows of its lines
                kinds |= 2
            if first is None:
                assert batch.notes == []
    assert kinds == 7  # values, missing cells and refusals were compared
    assert None in simple and any(simple)  # both of the batch's paths for a gain were taken
    assert derive_seeds("top_k_gains", [], {}) is None

"""The spec hashes are put together from the parts' canonical JSON (``spec.canonical_json``); they must
be exactly what ``content_hash`` / ``run_id_of`` give for the spec as a dict, as before: stored runs,
shipped results and stage folders are named by them."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections import namedtuple

import pytest

from claimcheck.content_hash import canonical, content_hash, run_id_of
from claimcheck.replication.plan import Need, build_plan
from claimcheck.replication.presets import PRESETS, with_limits
from claimcheck.replication.spec import DataUse, EncoderSpec, TrainHParams, canonical_json, to_dict
from claimcheck.replication.tasks import get_task


def _dumps(value) -> str:  # the text content_hash hashes
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclasses.dataclass
class _Box:
    value: object


def _as_dicts(value):
    """``value`` with every dataclass in it as ``dataclasses.asdict`` turns it (``to_dict`` of a spec)."""
    return to_dict(_Box(value))["value"]


def _old_finetune_key(spec):
    """RunSpec.finetune_key as it was written before: content_hash over to_dict of each part."""
    t = spec.target
    if t.train is None:
        return None
    task = get_task(t.task)
    start = spec.intermediate.key if spec.intermediate else to_dict(spec.encoder)
    return "f-" + content_hash({"start": start, "encoder": to_dict(spec.encoder), "train": to_dict(t.train),
                                "dev": to_dict(t.dev) if t.dev else None, "hparams": to_dict(t.hparams) if t.hparams else None,
                                "head": [task.kind, list(task.labels)], "seed": spec.seed, "precision": spec.precision})


def _plans():
    for name, preset in PRESETS.items():
        yield build_plan([Need(a.system) for a in preset.arms], preset, 2)
    paper = PRESETS["paper"]
    yield build_plan([Need(a.system) for a in paper.arms], with_limits(paper, 7, 3), 1)
    yield build_plan([Need("MNLI", ("xnli",))], paper, 1, model_name="local:me5:0123456789ab")


def test_every_planned_hash_is_the_content_hash_of_the_spec_as_a_dict():
    n = 0
    for plan in _plans():
        for run in plan.runs:
            spec = dataclasses.replace(run.spec)  # a new object: nothing kept
            assert canonical_json(spec) == _dumps(to_dict(spec))
            assert spec.run_id == run_id_of(to_dict(spec)) == run.spec.run_id
            assert spec.finetune_key == _old_finetune_key(spec)
            if spec.intermediate is not None:
                assert spec.intermediate.key == "i-" + content_hash(to_dict(spec.intermediate))
            n += 1
    assert n > 500


def test_known_ids_do_not_move():
    """Ids computed by the code before the hashes were put together from parts."""
    paper = PRESETS["paper"]
    (xlmr,) = build_plan([Need("XLM-R", ("xnli",))], paper, 1).runs
    assert (xlmr.spec.run_id, xlmr.spec.finetune_key) == ("r-77630548c7df685d", "f-ad4d7e63410e6c64")
    runs = {r.spec.target.task: r.spec for r in build_plan([Need("MNLI", ("xnli", "tatoeba"))], paper, 2, only_seeds=[2]).runs}
    assert (runs["xnli"].run_id, runs["xnli"].finetune_key) == ("r-a1650611a7c10313", "f-eabb90d12791285b")
    assert (runs["tatoeba"].run_id, runs["tatoeba"].finetune_key) == ("r-bc839a92dea9e77a", None)
    assert runs["xnli"].intermediate.key == runs["tatoeba"].intermediate.key == "i-1ac87399702d9d9b"
    (smoke,) = build_plan([Need("XLM-R", ("xnli",))], PRESETS["smoke"], 1).runs
    assert (smoke.spec.run_id, smoke.spec.finetune_key) == ("r-1efe4ff011ae135a", "f-fff93fe4f91cb3a2")


class _Kind(enum.IntEnum):
    A = 3


class _Text(str):
    pass


_Pair = namedtuple("_Pair", "left right")


@dataclasses.dataclass(frozen=True)
class _Odd:
    """Values no spec holds today, each through canonical_json's general path."""

    mapping: dict
    items: list
    pair: tuple
    flag: bool = True
    nothing: None = None
    kind: int = _Kind.A
    text: str = _Text("sub\"class")
    nested: DataUse | None = None


ODD_TEXT = "é \"quoted\" back\\slash \n\t\x00 \u2028 😀 \ud7ff"


@pytest.mark.parametrize("value", [
    DataUse(ODD_TEXT, "dev", "zh", rows=(0, 10), limit=5),
    DataUse("xnli", "test", rows=(3, 4), limit=True),
    DataUse("xnli", "test", limit=0),
    TrainHParams(epochs=3.0, lr=1e-5, warmup=0.1, weight_decay=0.0, max_grad_norm=-0.0),
    TrainHParams(epochs=1e20, lr=float("inf"), warmup=float("-inf"), weight_decay=math.nan, max_grad_norm=2.5e-300),
    TrainHParams(epochs=True, batch_size=False),
    EncoderSpec(ODD_TEXT, pooling="mean", text_prefix="query: ", retrieval_layer=-1, random_init=True),
    _Odd({"b": 1.0, "a": [DataUse("t", "s")], "é": None, "A": {"z": (1, 2.0)}}, [1, 2.5, "x"], _Pair(1.0, "y"),
         nested=DataUse("t", "s", rows=(1, 2))),
    _Odd({2: "two", 10: 10.0, 1: DataUse("t", "s")}, [], (), flag=False),
    _Odd({"k": {3: "int key inside"}, "tuple": (DataUse("a", "b"),)}, [[], [[]]], (None,)),
    {"start": "i-0", "encoder": EncoderSpec("x"), "dev": None, "head": ["qa", []], "seed": 1, "precision": "auto"},
    [1.0, 2, "3", None, True],
    "plain",
    3.0,
])
def test_canonical_json_is_json_dumps_of_the_canonical_dict(value):
    assert canonical_json(value) == _dumps(_as_dicts(value))
    assert canonical_json(value) == canonical_json(value)  # again, from what is kept


def test_a_value_json_cannot_write_fails_as_before():
    bad = _Odd({"path": object()}, [], ())
    with pytest.raises(TypeError):
        _dumps(_as_dicts(bad))
    with pytest.raises(TypeError):
        canonical_json(bad)


def test_hashing_runs_writes_each_shared_slice_once_and_no_whole_spec_dict(monkeypatch):
    """A run's id is put together from texts its slices, hyperparameters and encoder keep, so the
    runs of many seeds neither run ``asdict`` over each spec nor write a shared slice's text again."""
    import claimcheck.replication.spec as spec_module

    preset = with_limits(PRESETS["paper"], 7, 3)  # new slice objects: no text kept yet
    plan = build_plan([Need("MNLI", ("xnli", "pawsx"))], preset, 9)
    specs = [dataclasses.replace(r.spec, intermediate=dataclasses.replace(r.spec.intermediate)) for r in plan.runs]
    fresh = [dataclasses.replace(u) for u in specs[0].target.evals]  # slices whose text is not kept yet
    written, asdicts = [], []
    real_fields_json, real_asdict = spec_module._fields_json, dataclasses.asdict
    monkeypatch.setattr(spec_module, "_fields_json", lambda obj, *a: written.append(obj) or real_fields_json(obj, *a))
    monkeypatch.setattr(dataclasses, "asdict", lambda obj, **kw: asdicts.append(obj) or real_asdict(obj, **kw))
    ids = [(s.run_id, s.intermediate.key, s.finetune_key) for s in specs]
    assert len(set(ids)) == len(specs) == 18 and not asdicts
    assert not [o for o in written if isinstance(o, DataUse)]  # build_plan's hashing kept every slice's text
    texts = [canonical_json(u) for u in fresh for _ in range(3)]
    assert [o for o in written if isinstance(o, DataUse)] == fresh and len(texts) == 3 * len(fresh)

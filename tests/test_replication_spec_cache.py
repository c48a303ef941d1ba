"""RunSpec / IntermediateSpec hashes are computed once per object and kept on it; keeping them changes
nothing else (equality, hash, repr, asdict, pickling, copies), and ``dataclasses.replace`` never carries
a kept hash over to an object with other fields."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import pickle

import pytest

from claimcheck.content_hash import content_hash, run_id_of
from claimcheck.replication.plan import Need, build_plan
from claimcheck.replication.presets import PRESETS, SMOKE
from claimcheck.replication.spec import to_dict


def _spec(preset=SMOKE, system="MNLI", task="xnli", seed=1):
    plan = build_plan([Need(system, (task,))], preset, seed)
    spec = plan.runs[-1].spec  # build_plan has read its hashes: a copy by replace keeps none
    return dataclasses.replace(spec, intermediate=dataclasses.replace(spec.intermediate))


def _slow_run_id(spec) -> str:
    return run_id_of(to_dict(spec))


def _slow_key(ispec) -> str:
    return "i-" + content_hash(to_dict(ispec))


@pytest.fixture()
def sha_calls(monkeypatch):
    """How many sha256 objects were made (every content hash makes one)."""
    calls = []
    real = hashlib.sha256

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting)
    return calls


@pytest.mark.parametrize("name", ["run_id", "finetune_key"])
def test_a_run_hash_is_computed_once_per_object(sha_calls, name):
    spec = _spec()
    first = getattr(spec, name)
    assert first and sha_calls, "the first read hashes"
    n = len(sha_calls)
    for _ in range(5):
        assert getattr(spec, name) == first
    assert len(sha_calls) == n, f"{name} was hashed again on a later read"


def test_the_intermediate_key_is_computed_once_per_object(sha_calls):
    ispec = _spec().intermediate
    key = ispec.key
    n = len(sha_calls)
    assert [ispec.key for _ in range(5)] == [key] * 5
    assert len(sha_calls) == n


def test_kept_hashes_are_the_hashes_of_the_fields():
    for preset in (SMOKE, PRESETS["proxy"], PRESETS["paper"]):
        plan = build_plan([Need(a.system) for a in preset.arms], preset, 2)
        for run in plan.runs:
            assert run.spec.run_id == _slow_run_id(run.spec)
            if run.spec.intermediate is not None:
                assert run.spec.intermediate.key == _slow_key(run.spec.intermediate)


def test_replace_never_carries_a_kept_hash_to_other_fields():
    spec = _spec()
    run_id, key, tune = spec.run_id, spec.intermediate.key, spec.finetune_key  # now kept on spec
    other_seed = dataclasses.replace(spec, seed=spec.seed + 1,
                                     intermediate=dataclasses.replace(spec.intermediate, seed=spec.seed + 1))
    assert other_seed.run_id != run_id and other_seed.run_id == _slow_run_id(other_seed)
    assert other_seed.intermediate.key != key and other_seed.intermediate.key == _slow_key(other_seed.intermediate)
    assert other_seed.finetune_key != tune
    fewer = dataclasses.replace(spec, target=dataclasses.replace(
        spec.target, evals=tuple(dataclasses.replace(u, limit=5) for u in spec.target.evals)))
    assert fewer.run_id != run_id and fewer.run_id == _slow_run_id(fewer)
    baseline = dataclasses.replace(spec, intermediate=None)
    assert baseline.run_id == _slow_run_id(baseline) != run_id
    assert baseline.finetune_key != tune
    # deviations are not hashed: a replace that changes only them has the same id, as before
    assert dataclasses.replace(spec, deviations=("reworded",)).run_id == run_id
    # and the original keeps its own
    assert (spec.run_id, spec.intermediate.key, spec.finetune_key) == (run_id, key, tune)


def test_keeping_a_hash_changes_no_equality_hash_repr_or_dict():
    cached, fresh = _spec(), _spec()
    assert not {"run_id", "finetune_key"} & set(vars(cached)) and "key" not in vars(cached.intermediate)
    before = (repr(cached), to_dict(cached), hash(cached), dataclasses.fields(cached))
    _ = cached.run_id, cached.finetune_key, cached.intermediate.key, cached.as_json()
    assert "run_id" in vars(cached) and "run_id" not in vars(fresh)
    assert cached == fresh and hash(cached) == hash(fresh)
    assert (repr(cached), to_dict(cached), hash(cached), dataclasses.fields(cached)) == before
    assert "run_id" not in to_dict(cached) and "key" not in to_dict(cached.intermediate)
    assert cached.as_json() == fresh.as_json()


@pytest.mark.parametrize("read_first", [False, True])
def test_pickles_and_copies_keep_fields_and_hashes(read_first):
    spec = _spec()
    if read_first:
        _ = spec.run_id, spec.finetune_key, spec.intermediate.key
    for twin in (pickle.loads(pickle.dumps(spec)), copy.copy(spec), copy.deepcopy(spec)):
        assert twin == spec and hash(twin) == hash(spec) and repr(twin) == repr(spec)
        assert twin.run_id == spec.run_id == _slow_run_id(twin)
        assert twin.intermediate.key == spec.intermediate.key
        assert twin.finetune_key == spec.finetune_key
        with pytest.raises(dataclasses.FrozenInstanceError):
            twin.seed = 2  # still frozen

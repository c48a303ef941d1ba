"""The frozen records written without @dataclass (``plain_record``) behave as the frozen dataclasses
they replaced: the same constructor, defaults, equality, hash, repr, immutability and pickling."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from claimcheck.claims.names import KnownNames, NameFinding, NameNote
from claimcheck.claims.registry import Registry
from claimcheck.cli.verify_run import DEFAULT_OUT, VerifyArgs
from claimcheck.results.collect import CollectedRecords
from claimcheck.verifier.derive import Context, Derived, EffectCheck


@dataclass(frozen=True)
class VerifyArgsDataclass:  # VerifyArgs as it was
    claims: list[str] = field(default_factory=list)
    registry: list[Path] = field(default_factory=list)
    results: list[Path] = field(default_factory=list)
    store: Path | None = None
    no_bundled_results: bool = False
    out_dir: Path = DEFAULT_OUT
    no_write: bool = False
    strict: bool = False
    drop_ambiguous_seeds: bool = False


@dataclass(frozen=True)
class RegistryDataclass:
    papers: dict
    claims: dict
    files: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CollectedRecordsDataclass:
    records: list
    sources: list[str]


@dataclass(frozen=True)
class KnownNamesDataclass:
    systems: frozenset[str]
    tasks: frozenset[str]
    facts: frozenset[str]


@dataclass(frozen=True)
class NameFindingDataclass:
    level: str
    path: str
    claim_id: str
    field: str
    kind: str
    name: str
    suggestions: tuple[str, ...] = ()
    default: bool = False
    arm: bool = False
    known: bool = False


@dataclass(frozen=True)
class NameNoteDataclass:
    findings: tuple


# verifier.derive's records as they were, less slots=True (under which Python 3.11 answers an assignment
# to a name that is not a field with a TypeError from its zero-argument super(), not FrozenInstanceError)
@dataclass(frozen=True)
class EffectCheckDataclass:
    task: str
    system: str
    expect: str
    gain: tuple


@dataclass(frozen=True)
class DerivedDataclass:
    values: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    margin: tuple | None = None
    effects: list = field(default_factory=list)
    quorum: float = 1.0
    no_gain_margin: float = 1.0
    unordered: bool = False
    fact_ok: bool | None = None
    lines: list = field(default_factory=list)
    signed: bool = True


@dataclass(frozen=True)
class ContextDataclass:
    facts: dict = field(default_factory=dict)
    fact_quotes: dict = field(default_factory=dict)
    replication: bool = False
    explain: bool = True


FINDING = ("note", "p.yaml", "p/c", "claims[0].derivation.params.system", "system", "XLMR")
CASES = [
    (KnownNames, KnownNamesDataclass, [((frozenset({"a"}), frozenset(), frozenset({"f"})), {}),
                                       ((), {"systems": frozenset(), "tasks": frozenset({"xnli"}), "facts": frozenset()})]),
    (NameFinding, NameFindingDataclass, [(FINDING, {}), (FINDING, {"suggestions": ("XLM-R",), "known": True}),
                                         (FINDING + (("a", "b"), True, True, False), {})]),
    (NameNote, NameNoteDataclass, [(((1, 2),), {}), ((), {"findings": ()})]),
    (VerifyArgs, VerifyArgsDataclass, [(), ((["a"], [Path("r")]), {"strict": True}), ((), {"claims": ["all"], "store": Path("s"),
                                                                                        "out_dir": Path("x"), "no_write": True})]),
    (Registry, RegistryDataclass, [(({}, {}), {}), (({"p": 1}, {"c": 2}, {"c": Path("f")}), {}),
                                   ((), {"papers": {}, "claims": {}, "files": None})]),
    (CollectedRecords, CollectedRecordsDataclass, [(([1], ["bundled"]), {}), ((), {"records": [], "sources": []})]),
    # intervals as plain pairs here: an Interval neither pickles nor goes through dataclasses.astuple
    (EffectCheck, EffectCheckDataclass, [(("xnli", "MNLI", "up", (0.5, 1.0)), {}),
                                         ((), {"task": "xnli", "system": "QQP", "expect": "no_gain", "gain": (-1.0, 0.0)})]),
    (Derived, DerivedDataclass, [(), (([(1.0, 2.0)], ["a - b"]), {"margin": (0.0, 1.0), "lines": ["x"]}),
                                 ((), {"effects": [1], "quorum": 0.5, "no_gain_margin": 2.0, "unordered": True, "fact_ok": False,
                                       "signed": False})]),
    (Context, ContextDataclass, [(), (({"k": 1}, {"k": "q"}, True, False), {}), ((), {"replication": True, "explain": False})]),
]


def _calls(calls):
    for call in calls:
        yield call if call else ((), {})


@pytest.mark.parametrize("ours, theirs, calls", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_a_frozen_record_behaves_as_the_dataclass(ours, theirs, calls):
    assert ours._fields == tuple(f.name for f in dataclasses.fields(theirs))
    for args, kwargs in _calls(calls):
        a, b, again = ours(*args, **kwargs), theirs(*args, **kwargs), ours(*args, **kwargs)
        assert a._values() == dataclasses.astuple(b) or [getattr(a, n) for n in ours._fields] == [getattr(b, n) for n in ours._fields]
        assert a == again and not (a != again) and a != b and (a == object()) is False
        assert repr(a) == repr(b).replace(theirs.__qualname__, ours.__qualname__, 1)
        for record in (a, b):
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
                record.x = 1
            with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{ours._fields[0]}'"):
                delattr(record, ours._fields[0])
        try:
            expected = hash(b)
        except TypeError:
            with pytest.raises(TypeError):
                hash(a)
        else:
            assert hash(a) == expected
        assert pickle.loads(pickle.dumps(a)) == a
    defaults = [f.name for f in dataclasses.fields(theirs) if f.default_factory is not dataclasses.MISSING]
    args, kwargs = next(_calls(calls[:1]))
    one, two = ours(*args, **kwargs), ours(*args, **kwargs)
    for name in defaults:  # a new empty list or dict each, as a default_factory gives
        if name not in kwargs:
            assert getattr(one, name) == getattr(theirs(*args, **kwargs), name) and getattr(one, name) is not getattr(two, name)

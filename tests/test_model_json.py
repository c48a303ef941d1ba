"""``reports.model_json`` (the JSON report written by a plain walk over the models) against the text it
replaces: pydantic's ``model_dump_json`` read back and written sorted and indented (``json_text``). Byte
for byte, on the bundled report, the sample reports and generated edge cases; and pydantic is still
asked for what the walk cannot promise."""

from __future__ import annotations

import json
import random
import struct
import warnings
from enum import Enum

import pytest
from typing import Annotated

from pydantic_core import PydanticSerializationError

try:
    from reports_sample import build_report, hostile_claim
except ImportError:  # tests/ imported as a package
    from reports_sample import build_report, hostile_claim

from claimcheck.model import AfterValidator, Field, Model, Strict
from claimcheck.reports.jsonout import json_text, render_json
from claimcheck.reports.model_json import Unsupported, model_json
from claimcheck.verifier.verdict import (
    CellUse,
    ClaimVerdict,
    Overall,
    SourceVerdict,
    Span,
    TierCoverage,
    TierResult,
    VerificationReport,
    ViewResult,
    seed_spans,
    span,
    tier_result,
    trusted,
)


def reference(report: Model) -> str:
    """The text ``render_json`` wrote before the walk: pydantic's, sorted and indented."""
    return json_text(json.loads(report.model_dump_json()))


def assert_same(report: Model, *, walked: bool = True) -> None:
    """``render_json`` gives the reference bytes; ``walked``: without asking pydantic."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns of the mismatched types some cases build on purpose
        expected = reference(report)
        assert render_json(report) == expected
    if walked:
        model_json(report)  # raises Unsupported if the walk gave up (render_json then asked pydantic)


def _claim(source: TierResult, replication: TierResult | None = None, **fields) -> ClaimVerdict:
    values = dict(claim_id="p/c", paper_id="p", kind="quantity", statement="s", version="v1", pinned_version="v1",
                  location="Table 1", source=source, replication=replication or tier_result(verdict="not_run", summary=""),
                  overall=Overall.unverified, overall_rule="R8")
    values.update(fields)
    return trusted(ClaimVerdict, values)


def _report(*claims: ClaimVerdict, **fields) -> VerificationReport:
    values = dict(claims=list(claims), coverage={}, overall_counts={})
    values.update(fields)
    return trusted(VerificationReport, values)


def test_bundled_report_is_walked_byte_identical():
    from claimcheck.workflow import verify_from_disk

    _, report = verify_from_disk()
    assert_same(report)


@pytest.mark.parametrize("extra", [[], [hostile_claim()]])
def test_sample_reports_are_walked_byte_identical(extra):
    assert_same(build_report(extra))


FLOATS = [0.0, -0.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1.0, -1.0, 100.0, 1e16, 1e15, 1e17, 1e21, 1e22, 1e23, 1e-7, 1e-5,
          1e-4, 1e-3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 2.0 ** 53, 2.0 ** 53 + 2, 123456789.123,
          -12.345, 9007199254740993.0, 0.30000000000000004, 1.5e300, -2.5e-300, 74.9, 63.3, 0.5, 12.0000001]
NON_FINITE = [float("nan"), float("inf"), float("-inf")]


def _random_floats(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        (x,) = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))  # every exponent and mantissa
        out.append(x)
        out.append(rng.uniform(-200, 200))  # the sizes a report holds
        out.append(round(rng.uniform(-100, 100), rng.randrange(0, 6)))
    return out


@pytest.mark.parametrize("values", [FLOATS, NON_FINITE, _random_floats(3000, 1)], ids=["chosen", "non-finite", "random"])
def test_floats_are_written_as_pydantic_writes_them(values):
    spans = [span(f"s{i}", x, x, "derived") for i, x in enumerate(values)] + seed_spans("seeds", values[:50])
    report = _report(_claim(tier_result(verdict="consistent", summary="", spans=spans)))
    assert_same(report)
    validated = Span(label="v", lo=values[0], hi=values[-1], role="reported")
    assert_same(_report(_claim(tier_result(verdict="consistent", summary="", spans=[validated]))))


STRINGS = ["", " ", "plain", 'quote " and backslash \\ and slash /', "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f", "\x7f\x80\x85\x9b\x9f",
           "é ü ß ñ ±", "中文 日本語 한국어", "emoji \U0001f600 astral \U00010348", "\u061c\u200e\u200f\u2028\u2029",
           "\u202a\u202e\u2066\u2069", "\ufeff bom \ufffe \uffff", "</script><b>&amp;</b>", "tab\tend", "a" * 5000,
           "\u00a0nbsp", "combining e\u0301", "\\u0041 literal escape"]


def test_strings_every_field_kind():
    cell = CellUse(system=STRINGS[6], task=STRINGS[4], language=STRINGS[5], metric=STRINGS[8], split="", value="1.0",
                   origin=STRINGS[9], reliability=STRINGS[10])
    view = ViewResult(label=STRINGS[3], verdict=SourceVerdict.not_derivable, lines=STRINGS, cells=[cell, cell],
                      missing=STRINGS[::-1])
    source = TierResult(verdict="not_derivable", summary=STRINGS[7], lines=STRINGS, views=[view, view],
                        spans=[Span(label=STRINGS[8], lo=-1.5, hi=2.25, role="reported")], runs=STRINGS[:3],
                        failed_runs=STRINGS[3:6], seeds=0, seeds_needed=None, fidelity=None, deviations=STRINGS)
    replication = TierResult(verdict="inconclusive", summary="", seeds=3, seeds_needed=2 ** 70, fidelity=STRINGS[9])
    claim = ClaimVerdict(claim_id=STRINGS[12], paper_id=STRINGS[6], kind="comparison", statement=STRINGS[14],
                         version="v2", pinned_version="v1", superseded_by=STRINGS[8], attributed_to=None,
                         reported=STRINGS, location=STRINGS[10], source=source, replication=replication,
                         overall=Overall.disputed, overall_rule="R4", draft=True, located=False, location_note=STRINGS[9])
    empty = ClaimVerdict(claim_id="e/x", paper_id="e", kind="k", statement="", version="", pinned_version="",
                         location="", source=TierResult(verdict="", summary=""),
                         replication=TierResult(verdict="", summary="", seeds=-5, seeds_needed=0),
                         overall=Overall.infra_failure, overall_rule="")
    coverage = {STRINGS[6]: TierCoverage(checked=0, total=0, counts={}),
                "source": TierCoverage(checked=1, total=2, counts={s: i for i, s in enumerate(STRINGS)},
                                       reasons={"z": 1, "a": -1, "é": 0, "\x00": 2, "B": 3})}
    report = VerificationReport(claims=[claim, empty], coverage=coverage, overall_counts={s: 1 for s in STRINGS},
                                rules=[(a, b) for a, b in zip(STRINGS, STRINGS[::-1])], results_sources=STRINGS,
                                schema_version=-(2 ** 65))
    assert_same(report)
    assert_same(VerificationReport(claims=[], coverage={}, overall_counts={}, rules=[], results_sources=[]))
    assert_same(VerificationReport(claims=[empty], coverage={}, overall_counts={}))


def test_every_enum_member():
    claims = [_claim(tier_result(verdict=v.value, summary="", views=[trusted(ViewResult, {"label": "l", "verdict": v})]),
                     overall=o)
              for v in SourceVerdict for o in Overall]
    assert_same(_report(*claims))


class Loud(str, Enum):
    a = "value of a"


class Weird(str):
    def __str__(self):
        return "not the characters"


def test_other_types_than_the_annotation_ask_pydantic():
    """A value of another type than its field's: pydantic serializes it by inference (``True`` in an int
    field is 1, 1 in a float field 1.0), so the walk leaves it to pydantic, and the bytes are pydantic's."""
    cases = [
        dict(source=tier_result(verdict="x", summary="", seeds=True)),  # bool in an int field
        dict(source=tier_result(verdict="x", summary="", spans=[trusted(Span, dict(label="l", lo=1, hi=True, role="r"))])),
        dict(source=tier_result(verdict="x", summary="", runs=("a", "b"))),  # a tuple for a list
        dict(source=tier_result(verdict="x", summary="", seeds=3.5)),
        dict(source=tier_result(verdict="x", summary="", lines=["a", 5, None])),
        dict(overall="supported"),  # a str for an enum
        dict(draft=1),
        dict(superseded_by=7),
    ]
    for fields in cases:
        report = _report(_claim(**({"source": tier_result(verdict="x", summary="")} | fields)))
        with pytest.raises(Unsupported):
            model_json(report)
        assert_same(report, walked=False)
    report = _report(overall_counts={Loud.a: 1, "b": 2})  # a str subclass as a key
    with pytest.raises(Unsupported):
        model_json(report)
    assert_same(report, walked=False)


def test_str_subclasses_are_written_by_their_characters_as_pydantic_does():
    source = tier_result(verdict=SourceVerdict.consistent, summary=Weird("weird"), lines=[Loud.a, Weird("w")],
                         fidelity=Loud.a)
    assert_same(_report(_claim(source, statement=Loud.a)))


def test_a_lone_surrogate_fails_as_pydantic_fails():
    report = _report(_claim(tier_result(verdict="x", summary="file \udcff name")))
    with pytest.raises(Unsupported):
        model_json(report)
    with pytest.raises(PydanticSerializationError):
        render_json(report)


class Constrained(Model):
    x: int = Field(ge=0)


class Strictly(Model):
    x: Annotated[int, Strict()]


class Validated(Model):
    x: Annotated[str, AfterValidator(str.strip)]


class Other(Model):
    x: set[str]


class Plain(Model):
    a: list[tuple[str, int]]
    b: dict[str, list[float | None]]
    c: bool | None = None


def test_models_pydantic_would_write_otherwise_are_not_walked():
    for model in (Constrained.model_construct(x=1), Strictly.model_construct(x=1), Validated.model_construct(x="a"),
                  Other.model_construct(x={"a"})):
        with pytest.raises(Unsupported):
            model_json(model)

    plain = Plain(a=[("x", 1), ("y", -2)], b={"k": [1.5, None, float("inf")], "": []}, c=False)
    assert model_json(plain) == json.dumps(json.loads(plain.model_dump_json()), sort_keys=True, indent=2,
                                           ensure_ascii=False)

"""``plain_validate.validate_plain``: the instance pydantic's validation gives (``model.pydantic_validate``),
or None (pydantic then decides). Compared with pydantic on the bundled claim files and run records, on a claim file of the
tests, and on altered copies of each (every value replaced by values of other types, every key left
out, an unknown key added); and the fast paths that use it (the bundled claim files' parsed copies,
the bundled results, derivation parameters) against the general ones."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest

from claimcheck.claims.derivation_params import PARAMS, check_params
from claimcheck.claims.models import PaperFile
from claimcheck.claims.parsed_copy import copy_path
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files, load_paper_file
from claimcheck.claims.yaml_text import parse_yaml
from claimcheck.model import Field, Model, ValidationError, field_validator, pydantic_validate
from claimcheck.plain_validate import validate_plain
from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths
from claimcheck.results.records import RunRecord
from paper_fixtures import PAPER

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_FILES = sorted(iter_claim_files([BUNDLED_PAPERS]))
OTHER_VALUES = (None, True, False, 0, 3, -1, 2**60, 2.5, 1.0, float("nan"), float("inf"), "", "x", "0.5", " 1.5 ", "dev",
                "primary", "quantity", "\udcff", [], ["a"], [1], [None], {}, {"a": 1}, {"a": "b"}, {"\udcff": "x"}, {"id": "x"})


def same(a: object, b: object) -> bool:
    """Equal, of the same types all the way down, fields and keys in the same order, the same
    ``model_fields_set`` (``==`` takes 3 for 3.0 and ignores the order)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Model):
        return (list(a.__dict__) == list(b.__dict__) and a.model_fields_set == b.model_fields_set
                and all(same(a.__dict__[k], b.__dict__[k]) for k in a.__dict__))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def agrees(cls: type[Model], data: object) -> None:
    """validate_plain gives what pydantic gives, or None; never a value where pydantic refuses."""
    try:
        expected = pydantic_validate(cls, data)
    except ValidationError:
        assert validate_plain(cls, data) is None, data
        return
    got = validate_plain(cls, data)
    assert got is None or same(got, expected), (data, got, expected)


def altered(data: object):
    """Copies of ``data`` with one thing changed: each value replaced by each of OTHER_VALUES, each key
    left out, an unknown key added, each list emptied or its first item doubled."""
    if isinstance(data, dict):
        yield {**data, "unknown_field": 1}
        for key, value in data.items():
            yield {k: v for k, v in data.items() if k != key}
            for other in OTHER_VALUES:
                yield {**data, key: other}
            for changed in altered(value):
                yield {**data, key: changed}
    elif isinstance(data, list) and data:
        yield []
        yield [data[0], *data]
        for changed in altered(data[0]):
            yield [changed, *data[1:]]
        if len(data) > 1:
            for changed in altered(data[-1]):
                yield [*data[:-1], changed]


def _bundled_data(path: Path) -> dict:
    return json.loads(copy_path(path).read_text(encoding="utf-8"))["data"]


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
def test_a_bundled_claim_file_is_built_as_pydantic_validates_it(path):
    data = _bundled_data(path)
    got = validate_plain(PaperFile, data)
    assert got is not None  # the bundled data is in validated form: `verify all` builds no validator
    assert same(got, pydantic_validate(PaperFile, data))


def test_the_bundled_run_records_are_built_as_pydantic_validates_them():
    payload = json.loads((BUNDLED_RESULTS / "phang2020-proxy-runs.json").read_text(encoding="utf-8"))
    for item in payload["runs"]:
        got = validate_plain(RunRecord, item)
        assert got is not None
        assert same(got, pydantic_validate(RunRecord, item))


def test_altered_claim_files_agree_with_pydantic():
    data = parse_yaml(PAPER, Path("paper.yaml"))
    agrees(PaperFile, data)
    for changed in altered(data):
        agrees(PaperFile, changed)


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
def test_altered_bundled_claims_agree_with_pydantic(path):
    data = _bundled_data(path)
    paper = data["paper"]
    small = {**data, "paper": {**paper, **{k: paper[k][:2] for k in ("cells", "facts") if k in paper}}}
    for i, claim in enumerate(data["claims"]):  # each claim, with the paper's other parts as they are
        one = {**small, "claims": [claim]}
        if i == 0:
            for changed in altered(one):
                agrees(PaperFile, changed)
        else:
            for changed in altered(claim):
                agrees(PaperFile, {**small, "claims": [changed]})


def test_altered_run_records_agree_with_pydantic():
    payload = json.loads((BUNDLED_RESULTS / "phang2020-proxy-runs.json").read_text(encoding="utf-8"))
    for item in payload["runs"][:2]:
        for changed in altered(item):
            agrees(RunRecord, changed)
    for extra in ({"status": "failed", "error": "oom", "metrics": []}, {"status": "failed", "error": ""},
                  {"fidelity": "full", "deviations": []}, {"run_id": "r-\x1b"}, {"run_id": ""}, {"seed": 2**63},
                  {"seed": -(2**63)}, {"schema_version": 2}, {"provenance": {}}, {"spec": {"run_id": "x"}}):
        agrees(RunRecord, {**payload["runs"][0], **extra})


def test_derivation_parameters_agree_with_pydantic():
    params = [c["derivation"] for path in BUNDLED_FILES for c in _bundled_data(path)["claims"]]
    assert {p["name"] for p in params} >= {"top_k_gains", "direction_per_task", "fact"}
    params += [{"name": "mean_gain", "params": {"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli"], "split": "test"}},
               {"name": "mean_score", "params": {"system": "MNLI"}},
               {"name": "mean_better", "params": {"better": ["MNLI"], "worse": ["XLM-R"]}}]
    for derivation in params:
        model = PARAMS.get(derivation["name"])
        if model is None:
            continue
        given = derivation.get("params", {})
        agrees(model, given)
        for changed in altered(given):
            agrees(model, changed)
        for name in model.model_fields:  # every parameter the model takes, given each value
            for other in OTHER_VALUES:
                agrees(model, {**given, name: other})
    for model in set(PARAMS.values()):
        agrees(model, {})


def test_check_params_gives_pydantic_s_messages():
    assert check_params("mean_gain", {"system": "MNLI"}) is None
    assert check_params("mean_gain", {"system": "XLM-R"}) == ("", "the system 'XLM-R' is its own baseline: its gain is "
                                                              "zero by construction")
    assert check_params("mean_gain", {"system": "MNLI", "sytem": "x"})[1].startswith("derivation 'mean_gain' takes no parameter 'sytem'")


class Union(Model):
    a: int | str


class Doubled(Model):
    a: int = 5
    b: list[int] = Field(default_factory=list)
    c: str = ""

    @field_validator("a")
    @classmethod
    def _twice(cls, v):
        return v * 2

    @field_validator("b")
    @classmethod
    def _more(cls, v):
        return [*v, 1]


class Timed(Model):
    model_config = {"strict": True}
    seconds: dict[str, float] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)


def test_models_it_does_not_emulate_are_left_to_pydantic():
    from pydantic import BaseModel

    class Pydantic(BaseModel):
        a: int

    for cls in (Union, Pydantic):  # pydantic's smart unions; a pydantic model
        assert validate_plain(cls, {"a": 1}) is None
    assert Union.model_validate({"a": 1}).a == 1  # pydantic decides


def test_a_model_says_only_what_the_plain_path_emulates():
    """A config other than ``strict`` and a validator other than an "after" one are refused where the class is written."""
    with pytest.raises(TypeError, match="model_config"):
        type("Lax", (Model,), {"__annotations__": {"a": "int"}, "model_config": {"extra": "ignore"}})
    with pytest.raises(TypeError, match="after"):
        field_validator("a", mode="before")
    with pytest.raises(TypeError, match="alias"):
        Field(alias="b")


def test_a_default_is_taken_as_it_is_and_an_unknown_key_refused():
    """pydantic takes a missing field's default as it is (validate_default is off): no validator of the
    field sees it. An unknown key is refused in place of a missing field too (the fields are counted)."""
    for data in ({}, {"a": 1}, {"b": [3]}, {"a": 1, "b": []}, {"c": "x"}, {"a": 1, "b": [], "c": "x"}):
        assert same(validate_plain(Doubled, data), pydantic_validate(Doubled, data)), data
    for data in ({"d": 1}, {"a": 1, "d": 1}, {"a": 1, "b": [], "d": 1}, {"a": 1, "b": [], "c": "", "d": 1}):
        agrees(Doubled, data)
        assert validate_plain(Doubled, data) is None


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
def test_a_bundled_file_read_from_its_copy_is_the_file_its_yaml_gives(path):
    assert same(load_paper_file(path), load_paper_file(path, parsed_copy=False))


def test_the_bundled_results_read_without_pydantic_are_the_records_pydantic_reads():
    expected = [pydantic_validate(RunRecord, item) for path in sorted(BUNDLED_RESULTS.glob("*.json"))
                for item in json.loads(path.read_text(encoding="utf-8"))["runs"]]
    assert same(sorted(load_result_paths([BUNDLED_RESULTS], check_ids=False), key=lambda r: r.run_id),
                sorted(expected, key=lambda r: r.run_id))


def test_verify_all_imports_no_pydantic():
    """Neither pydantic nor pydantic-core is imported, nor is pydantic's plugin scan (importlib.metadata)
    started: about 30 % of the instructions of `verify all` (``claimcheck.model``)."""
    code = ("import sys; from claimcheck.workflow import verify_from_disk; verify_from_disk(store_path=None); "
            "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'importlib.metadata'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["[]"]


def test_a_value_of_the_kept_type_is_what_the_converter_would_give():
    """``_build`` calls no converter for a value of the field's ``kept`` type: for each field of the models
    it builds, the converter gives such a value back as it is, so skipping the call changes nothing."""
    from claimcheck.claims.derivation_params import PARAMS as params
    from claimcheck.plain_validate import _Never, _plan_of
    from claimcheck.results.records import Metric, Provenance

    samples = {str: ["", "x", "\udcff"], int: [0, -1, 2**60], bool: [True, False], float: [0.0, 2.5, float("nan"), -1e300]}
    seen = set()
    for cls in {PaperFile, RunRecord, Metric, Provenance, *params.values()}:
        for name, kept, convert, *_ in _plan_of(cls)[0]:
            if kept is _Never:
                continue
            seen.add(kept)
            for value in samples[kept]:
                if convert is not None:
                    assert convert(value) is value, (cls, name, value)
    assert seen >= {str, int, float}


def test_a_mapping_of_kept_values_is_copied_as_the_converter_copies_one():
    built = 0
    for data in ({"seconds": {"a": 1.5, "b": 2}}, {"seconds": {"a": 1.5}}, {"seconds": {"a": True}}, {"seconds": {1: 1.5}},
                 {"seconds": {}}, {"names": {"a": "b"}}, {"names": {"a": 1}}, {"tags": ["a", "b"]}, {"tags": ["a", 1]},
                 {"tags": []}, {"seconds": {"a": float("nan")}}):
        agrees(Timed, data)
        got = validate_plain(Timed, data)
        if got is not None:
            built += 1
            assert all(got.__dict__[k] is not data[k] for k in data)  # a new mapping or list, as validation makes
    assert built == 7


class Colour(str, Enum):
    red = "red"


class Palette(Model):
    model_config = {"strict": True}
    strict_colour: Colour = Colour.red
    lax_colour: Colour = Field(Colour.red, strict=False)  # a field's own word wins over the model's


def test_a_field_s_strictness_wins_over_the_model_s():
    for data in ({"lax_colour": "red"}, {"strict_colour": "red"}, {"lax_colour": Colour.red}, {"strict_colour": Colour.red}):
        agrees(Palette, data)
    assert validate_plain(Palette, {"lax_colour": "red"}).lax_colour is Colour.red
    assert validate_plain(Palette, {"strict_colour": "red"}) is None  # pydantic decides (and refuses: strict)

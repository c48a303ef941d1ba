"""``claimcheck.model.Model`` against its pydantic twin: the same values, fields set, equality and repr;
frozen; copies, dumps, pickles and errors as pydantic's; and validation by pydantic where the plain path
cannot decide (``tests/test_plain_validate.py`` compares the two paths on data)."""

from __future__ import annotations

import copy
import json
import pickle
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from claimcheck.claims.derivation_params import GainParams
from claimcheck.claims.models import Claim, Location, Paper, PaperFile, Tolerance
from claimcheck.claims.parsed_copy import copy_path
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files
from claimcheck.model import Field, Model, ValidationError, from_pydantic, pydantic_twin, pydantic_validate, to_pydantic
from claimcheck.plain_validate import validate_plain
from claimcheck.results.files import BUNDLED_RESULTS
from claimcheck.results.records import RunRecord
from claimcheck.verifier.verdict import VerificationReport

try:
    from test_plain_validate import same
except ImportError:  # tests/ imported as a package
    from tests.test_plain_validate import same


def _bundled_file() -> PaperFile:
    path = sorted(iter_claim_files([BUNDLED_PAPERS]))[0]
    return PaperFile.model_validate(json.loads(copy_path(path).read_text(encoding="utf-8"))["data"])


def _record() -> RunRecord:
    path = sorted(BUNDLED_RESULTS.glob("*.json"))[0]
    return RunRecord.model_validate(json.loads(path.read_text(encoding="utf-8"))["runs"][0])


def _report() -> VerificationReport:
    from claimcheck.workflow import verify_from_disk

    return verify_from_disk(store_path=None)[1]


@pytest.fixture(scope="module")
def objects() -> list[Model]:
    return [_bundled_file(), _record(), _report()]


def test_an_object_and_its_twin_hold_the_same_values(objects):
    for obj in objects:
        twin = to_pydantic(obj)
        assert type(twin) is pydantic_twin(type(obj)) and type(twin).__name__ == type(obj).__name__
        assert repr(twin) == repr(obj)  # field by field, nested models named as theirs
        back = from_pydantic(twin)
        assert same(back, obj) and back == obj and back is not obj


def test_validation_by_pydantic_gives_the_object_the_plain_path_gives(objects):
    for obj in objects[:2]:  # the report's models are built by the verifier, not validated
        data = obj.model_dump()
        assert same(pydantic_validate(type(obj), data), type(obj).model_validate(data))
        assert validate_plain(type(obj), data) is not None  # the bundled data is in validated form


def test_a_dump_validates_back_to_the_object(objects):
    for obj in objects:
        assert type(obj).model_validate(obj.model_dump()) == obj
        assert type(obj).model_validate_json(obj.model_dump_json()) == obj
        assert json.loads(obj.model_dump_json()) == obj.model_dump(mode="json")


def test_objects_are_frozen(objects):
    paper = objects[0].paper
    with pytest.raises(FrozenInstanceError, match="frozen"):
        paper.title = "x"
    with pytest.raises(FrozenInstanceError):
        del paper.title
    with pytest.raises(AttributeError):
        paper.not_a_field = 1
    assert paper.title == objects[0].paper.title


def test_equality_and_hash():
    a, b = Location(section="3"), Location(section="3")
    assert a == b and hash(a) == hash(b) and a != Location(section="4") and a != {"section": "3"}
    assert Location(section="3", table="") == a  # fields set apart, the same values: equal, as pydantic's
    with pytest.raises(TypeError):
        hash(Paper(id="p", version="v1", title="t", authors=["a"], year=2020))  # a list field: unhashable


def test_a_copy_is_pydantic_s_copy(objects):
    claim = objects[0].claims[0]
    for update in (None, {"statement": "changed"}, {"draft": True, "notes": "n"}):
        mine = claim.model_copy(update=update)
        theirs = from_pydantic(to_pydantic(claim).model_copy(update=update))
        assert same(mine, theirs)
    deep = claim.model_copy(deep=True)
    assert deep == claim and deep.reported is not claim.reported
    assert claim.model_copy().reported is claim.reported  # shallow, as pydantic's


def test_pickle_and_copy_keep_values_and_fields_set(objects):
    for obj in objects:
        for again in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj), copy.copy(obj)):
            assert same(again, obj)
    tolerance = Tolerance(extra=0.5)
    assert copy.copy(tolerance).model_fields_set == {"extra"}


def test_bad_data_raises_pydantic_s_error():
    with pytest.raises(ValidationError) as raised:
        Tolerance(min_seeds=1)
    assert isinstance(raised.value, ValueError)
    first = raised.value.errors()[0]
    assert first["loc"] == ("min_seeds",) and first["type"] == "greater_than_equal"
    assert raised.value.title == "Tolerance" and "min_seeds" in str(raised.value) and raised.value.error_count() == 1
    with pytest.raises(ValidationError) as raised:
        Location(section="3", sectoin="4")
    assert raised.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(ValidationError, match="a location needs"):  # a model validator, run by the twin
        Location()


def test_validators_of_a_base_class_run_on_both_paths():
    data = {"system": "MNLI", "tasks": []}  # _OverTasks._tasks: at least one task
    assert validate_plain(GainParams, data) is None
    with pytest.raises(ValidationError, match="tasks must name at least one item"):
        GainParams.model_validate(data)
    assert GainParams.model_validate({"system": "MNLI", "tasks": ["xnli"]}).tasks == ["xnli"]


def test_a_nested_object_is_taken_as_it_is():
    location = Location(section="3")
    given = dict(id="p/c", statement="s", kind="setup", version="v1", location=location, derivation={"name": "not_specified"})
    built = Claim(**given)
    assert built.location is location  # pydantic's revalidate_instances="never"
    assert same(built, Claim.model_validate({**given, "location": {"section": "3"}}))
    assert same(pydantic_validate(Claim, given), built)


def test_construct_fills_the_defaults_and_names_the_fields_given():
    tolerance = Tolerance.model_construct(extra=1.0)
    assert (tolerance.extra, tolerance.confidence, tolerance.min_seeds) == (1.0, 0.95, 3)
    assert tolerance.model_fields_set == {"extra"}
    assert same(tolerance, from_pydantic(pydantic_twin(Tolerance).model_construct(extra=1.0)))


def test_the_twin_has_the_class_s_methods_and_schema_text(objects):
    paper = objects[0].paper
    twin = to_pydantic(paper)
    assert twin.source(paper.sources[0].id).id == paper.sources[0].id
    assert Tolerance.model_json_schema()["description"].startswith("How a derived value is compared")
    assert Tolerance.model_fields["min_seeds"].default == 3 and not Tolerance.model_fields["extra"].is_required()
    assert list(Claim.model_fields)[:3] == ["id", "statement", "kind"]


def test_a_class_may_not_say_what_the_twin_would_not_keep():
    with pytest.raises(TypeError, match="model_config"):
        type("Lax", (Model,), {"__annotations__": {"a": "int"}, "model_config": {"frozen": False}})
    with pytest.raises(TypeError, match="default or a default_factory"):
        Field(1, default_factory=list)


def test_verify_all_reads_the_bundled_data_without_pydantic():
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from claimcheck.cli import main; sys.argv = ['claimcheck', 'verify', 'all', '--no-write']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('pydantic')), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(root / "src"),
                          "PATH": "/usr/bin:/bin", "COLUMNS": "160"}, timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr

"""A claim file refused by one of the models' own validators shows the validator's message as written:
pydantic puts "Value error, " before the message of a ValueError a validator raises, and the registry
(errors.error_message) takes it off wherever it reports a model's error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import PAPER

SOURCE = '{id: t1, title: Table 1, locator: "Table 1", reliability: primary}'
assert SOURCE in PAPER

CASES = {
    # an AfterValidator on an item of a list
    "written_number": (PAPER.replace('reported: ["1.0"]', 'reported: ["about 1"]'),
                       "claims[0].reported[0]", "'about 1' is not a written number"),
    # a model validator of the paper
    "two_sources_one_id": (PAPER.replace(SOURCE, f"{SOURCE}, {SOURCE.replace('Table 1', 'Table 2')}"),
                           "paper", "two sources share an id"),
    # a field validator of a claim
    "claim_id_shape": (PAPER.replace("id: 1234.5678/gain", "id: 1234.5678/Gain"),
                       "claims[0].id", "with a lower-case slug"),
    "empty_location": (PAPER.replace("location: {section: Results}", "location: {}"),
                       "claims[0].location", "a location needs a section, a table or a quote_source"),
    "negative_tolerance": (PAPER.replace("kind: quantity", "kind: quantity\n    tolerance: {extra: -1}"),
                           "claims[0].tolerance.extra", "extra must be a finite number >= 0"),
    # a derivation's parameter model (derivation_params), reported by build_registry
    "own_baseline": (PAPER.replace("baseline: A", "baseline: B"), "claims[0].derivation.params", "is its own baseline"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_validator_message_is_shown_without_pydantics_prefix(tmp_path, case):
    text, field, message = CASES[case]
    path = tmp_path / "1234.5678.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    out = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2, out
    assert "Traceback" not in out
    assert path.name in out and f"field '{field}" in out and message in out, out
    assert "Value error" not in out, out


def test_a_derivation_parameter_in_a_list_is_placed_with_brackets(tmp_path):
    """A derivation parameter's place is written as the rest of the claim's are: list indexes in brackets."""
    path = tmp_path / "1234.5678.yaml"
    path.write_text(PAPER.replace("tasks: [xnli]", "tasks: [xnli, 3]"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, out
    assert "field 'claims[0].derivation.params.tasks[1]'" in out, out


def test_a_result_file_validator_message_is_shown_without_pydantics_prefix(tmp_path):
    """A run record refused by its own validator (a failed run with no error text) reads as the
    validator wrote it, as a claim file's does."""
    record = {"run_id": "r-1", "paper_id": "1234.5678", "system": "B", "seed": 0, "preset": "p", "fidelity": "proxy",
              "deviations": ["a smaller model"], "status": "failed", "metrics": []}
    path = tmp_path / "runs.json"
    path.write_text(__import__("json").dumps(record), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "all", "--no-write", "--results", str(path)])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, out
    assert "a failed run needs its error text" in out and "Value error" not in out, out

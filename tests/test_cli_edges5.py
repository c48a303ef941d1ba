"""Edge cases of `list`, `show`, `validate`, `schema` and `report` as a user drives them, on inputs
the tests write: each refusal is one `error:` line naming the file or field (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import PAPER


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_show_all_is_not_called_a_paper_id():
    result = _run("show", "all")
    assert result.exit_code == 2, result.output
    text = _one_line(result.output)
    assert "'all' is not a claim id" in text and "is a paper id" not in text
    assert "Traceback" not in result.output


def test_show_a_paper_id_with_a_trailing_slash_suggests_the_paper():
    result = _run("show", "2005.13013/")
    assert result.exit_code == 2, result.output
    assert "did you mean 2005.13013?" in _one_line(result.output)


def test_show_a_claim_id_with_a_trailing_slash_suggests_it_alone_first():
    result = _run("show", "2005.13013/xtreme-test-gain/")
    assert result.exit_code == 2, result.output
    assert "did you mean 2005.13013/xtreme-test-gain?" in _one_line(result.output)

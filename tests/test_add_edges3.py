"""Edge cases of `claimcheck add` and the source readers behind it, run through the real loaders and
the real command on files each test writes: a user bibliography read as claim files are, a single
.tex file read with only what it inputs, odd archives, PDFs, text files and arXiv ids. An expected
failure is exit 2 with a one-line message naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.errors import InputError

runner = CliRunner()


def _add(*args) -> tuple[int, str]:
    result = runner.invoke(app, ["add", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


# -- a user bibliography is read as a claim file is (YAML 1.2 core scalars) ----------------------------

def _bib(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("entries:\n" + body, encoding="utf-8")
    return path


def test_user_bibliography_keeps_an_author_named_no_and_a_dated_source_as_written(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, """  - arxiv_id: "2105.00001"
    status: identified
    title: A Study
    authors: [Kim, No, Park]
    year: 2021
    source: 2021-03-04
    note: 1:30 of the talk
""")
    entry = load_bibliography(extra=[path]).lookup("2105.00001")
    assert entry is not None
    assert entry.authors == ["Kim", "No", "Park"]  # YAML 1.1: False
    assert (entry.source, entry.note, entry.year) == ("2021-03-04", "1:30 of the talk", 2021)  # a date; 90


def test_user_bibliography_refuses_a_key_given_twice(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, '  - arxiv_id: "2105.00001"\n    status: identified\n    year: 2020\n    year: 2021\n')
    with pytest.raises(InputError) as info:  # safe_load kept the second year unseen
        load_bibliography(extra=[path])
    assert str(path) in str(info.value) and "'year' appears twice" in str(info.value) and "\n" not in str(info.value)


def test_user_bibliography_with_an_unquoted_arxiv_id_asks_for_quotes(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, "  - arxiv_id: 2105.00010\n    status: identified\n")
    with pytest.raises(InputError) as info:  # a float: 2105.0001, its last digit lost
        load_bibliography(extra=[path])
    message = str(info.value)
    assert str(path) in message and "entries[0].arxiv_id" in message and "unquoted arXiv id is read as a number (here 2105.0001): write it in quotes" in message


def test_bundled_bibliography_still_loads():
    from claimcheck.sources.bibliography import load_bibliography

    assert load_bibliography().lookup("2005.13013").year == 2020

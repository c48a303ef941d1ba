"""Parsed copies of claim files (claims.parsed_copy): the bundled ones are current, a copy is read
only while its YAML file holds the text it was parsed from, and `verify all` then starts no YAML
parser."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.claims.parsed_copy import SUFFIX, copy_path, copy_text, read_parsed_copy
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files, load_paper_file
from claimcheck.claims.yaml_text import parse_yaml
from claimcheck.errors import RegistryError
from paper_fixtures import PAPER as ONE_GAIN_PAPER
from script_modules import load_script

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "src")

PAPER = ONE_GAIN_PAPER.replace("title: T\n", "title: Written in YAML\n")


def _with_copy(folder: Path, text: str = PAPER) -> Path:
    path = folder / "1234.5678.yaml"
    path.write_text(text, encoding="utf-8")
    copy_path(path).write_text(copy_text(text, parse_yaml(text, path)), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(iter_claim_files([BUNDLED_PAPERS])), ids=lambda p: p.name)
def test_every_bundled_claim_file_has_a_current_parsed_copy(path):
    text = path.read_text(encoding="utf-8")
    copy = copy_path(path)
    assert copy.is_file(), f"{copy.name} is missing: run `python scripts/parse_bundled.py`"
    assert copy.read_text(encoding="utf-8") == copy_text(text, parse_yaml(text, path)), (
        f"{copy.name} is stale: run `python scripts/parse_bundled.py` and commit it")


def test_every_bundled_parsed_copy_belongs_to_a_claim_file():
    assert set(BUNDLED_PAPERS.glob("*" + SUFFIX)) == {copy_path(p) for p in iter_claim_files([BUNDLED_PAPERS])}


def test_the_script_finds_the_bundled_copies_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "parse_bundled.py"), "--check"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": SRC})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every parsed copy is current" in done.stdout


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A folder the registry takes for the bundled one (its copies are read), holding one claim file."""
    monkeypatch.setattr("claimcheck.claims.registry._BUNDLED", tmp_path.resolve())
    return _with_copy(tmp_path)


def test_a_bundled_files_current_copy_is_what_is_read(bundled):
    found = json.loads(copy_path(bundled).read_text(encoding="utf-8"))
    found["data"]["paper"]["title"] = "Read from the copy"  # the same text: the copy is taken as the file's data
    copy_path(bundled).write_text(json.dumps(found), encoding="utf-8")
    assert load_paper_file(bundled).paper.title == "Read from the copy"
    assert load_paper_file(bundled, parsed_copy=False).paper.title == "Written in YAML"


def test_a_yml_and_a_yaml_file_of_one_name_have_a_copy_each(bundled):
    """Both suffixes are claim files; a copy named by the stem alone was one file for the two, and
    the second copy written replaced the first."""
    other = bundled.with_suffix(".yml")
    text = PAPER.replace("title: Written in YAML", "title: The .yml file")
    other.write_text(text, encoding="utf-8")
    copy_path(other).write_text(copy_text(text, parse_yaml(text, other)), encoding="utf-8")
    assert copy_path(bundled) != copy_path(other)
    assert (copy_path(bundled).name, copy_path(other).name) == ("1234.5678.yaml" + SUFFIX, "1234.5678.yml" + SUFFIX)
    for path, title in ((bundled, "Read from the .yaml copy"), (other, "Read from the .yml copy")):
        found = json.loads(copy_path(path).read_text(encoding="utf-8"))
        found["data"]["paper"]["title"] = title
        copy_path(path).write_text(json.dumps(found), encoding="utf-8")
    assert load_paper_file(bundled).paper.title == "Read from the .yaml copy"
    assert load_paper_file(other).paper.title == "Read from the .yml copy"


def test_an_edited_file_is_parsed_again(bundled):
    bundled.write_text(PAPER.replace("title: Written in YAML", "title: Edited since"), encoding="utf-8")
    assert load_paper_file(bundled).paper.title == "Edited since"


def test_a_users_claim_file_is_always_parsed(tmp_path):
    """A copy beside a user's file is not read: a key given twice in its YAML is still refused."""
    text = PAPER.replace("  year: 2020\n", "  year: 2020\n  year: 2021\n")
    path = tmp_path / "1234.5678.yaml"
    path.write_text(text, encoding="utf-8")
    copy_path(path).write_text(copy_text(text, parse_yaml(PAPER, path)), encoding="utf-8")  # its text, clean data
    assert read_parsed_copy(path, text) is not None
    with pytest.raises(RegistryError, match="appears twice"):
        load_paper_file(path)


@pytest.mark.parametrize("copy", [b"{not json", b'{"text": "\xff"}', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b"[]",
                                  b'{"text": "x"}', b'{"data": {}}', b"DATA NOT A MAPPING"],
                         ids=["not JSON", "not UTF-8", "an empty UTF-16 text", "nested too deeply", "a list", "no data",
                              "no text", "data not a mapping"])
def test_a_copy_not_of_this_form_is_passed_over(bundled, copy):
    if copy == b"DATA NOT A MAPPING":  # the right text, but data no claim file holds
        found = json.loads(copy_path(bundled).read_text(encoding="utf-8"))
        copy = json.dumps({**found, "data": ["a", "list"]}).encode()
    copy_path(bundled).write_bytes(copy)
    assert read_parsed_copy(bundled, PAPER) is None
    assert load_paper_file(bundled).paper.title == "Written in YAML"


def test_bad_yaml_is_still_named_with_its_line(tmp_path):
    path = tmp_path / "1234.5678.yaml"
    path.write_text(PAPER.replace("title: Written in YAML", "title: [unclosed"), encoding="utf-8")
    with pytest.raises(RegistryError, match="invalid YAML at line"):
        load_paper_file(path)


@pytest.mark.parametrize("data", [{"year": datetime.date(2020, 5, 27)}, {1: "a key that is not text"}, {"value": float("nan")}],
                         ids=["a date", "a number key", "NaN"])
def test_no_copy_of_data_json_cannot_hold(data):
    with pytest.raises(ValueError, match="JSON cannot hold"):
        copy_text("text", data)


def test_verify_all_starts_no_yaml_parser(tmp_path):
    code = ("import sys\nfrom claimcheck.cli import main\ntry:\n    main(['verify', 'all', '--no-write'])\n"
            "except SystemExit as e:\n    print('exit', e.code, 'yaml' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(tmp_path)})
    assert done.stderr.strip().splitlines()[-1] == "exit 0 False"


def test_a_copy_writes_bidi_marks_as_escapes_and_reads_back_the_same(tmp_path, monkeypatch):
    """A title holding bidi marks (RLM, ALM, as a Hebrew or Arabic title may): the copy holds them as
    JSON escapes, as every other data JSON file does (visible.visible_json), not raw; read back, the
    text and data are the same, the copy is used, and the script writes it and then finds it current."""
    title = "\u05e9\u05dc\u05d5\u05dd\u200f (v2)\u061c"
    path = tmp_path / "1234.5678.yaml"
    text = PAPER.replace("title: Written in YAML", f"title: {title}")
    path.write_text(text, encoding="utf-8")
    script = load_script("scripts/parse_bundled.py")
    monkeypatch.setattr(script, "BUNDLED_PAPERS", tmp_path)  # the script's folder: this one, not the package's
    assert script.main([]) == 0
    raw = copy_path(path).read_bytes().decode("utf-8")
    assert "\u200f" not in raw and "\u061c" not in raw, ascii(raw)
    assert "\\u200f" in raw and "\\u061c" in raw and "\u05e9\u05dc\u05d5\u05dd" in raw  # Hebrew letters as they are
    assert raw == copy_text(text, parse_yaml(text, path))
    assert read_parsed_copy(path, text)["paper"]["title"] == title
    assert script.main(["--check"]) == 0  # the copy is current
    monkeypatch.setattr("claimcheck.claims.registry._BUNDLED", tmp_path.resolve())
    found = json.loads(raw)
    found["data"]["paper"]["title"] += " (read from the copy)"
    copy_path(path).write_text(json.dumps(found), encoding="utf-8")
    assert load_paper_file(path).paper.title == title + " (read from the copy)"
    assert script.main(["--check"]) == 1  # a copy not as the script writes it is stale



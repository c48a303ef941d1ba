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

from claimcheck.claims.parsed_copy import copy_path, copy_text, read_parsed_copy
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files, load_paper_file
from claimcheck.claims.yaml_text import parse_yaml
from claimcheck.errors import RegistryError

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "src")

PAPER = """\
paper:
  id: "1234.5678"
  version: v1
  title: Written in YAML
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
claims:
  - id: 1234.5678/gain
    statement: A claim.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["1.0"]
    derivation: {name: mean_gain, params: {system: B, tasks: [xnli]}}
"""


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


def test_the_script_finds_the_bundled_copies_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "parse_bundled.py"), "--check"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": SRC})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every parsed copy is current" in done.stdout


def test_a_current_copy_is_what_is_read(tmp_path):
    path = _with_copy(tmp_path)
    found = json.loads(copy_path(path).read_text(encoding="utf-8"))
    found["data"]["paper"]["title"] = "Read from the copy"  # the same text: the copy is taken as the file's data
    copy_path(path).write_text(json.dumps(found), encoding="utf-8")
    assert load_paper_file(path).paper.title == "Read from the copy"


def test_an_edited_file_is_parsed_again(tmp_path):
    path = _with_copy(tmp_path)
    path.write_text(PAPER.replace("title: Written in YAML", "title: Edited since"), encoding="utf-8")
    assert load_paper_file(path).paper.title == "Edited since"


@pytest.mark.parametrize("copy", [b"{not json", b"\xff\xfe", b"[]", b'{"text": "x"}', b'{"data": {}}', b"DATA NOT A MAPPING"],
                         ids=["not JSON", "not UTF-8", "a list", "no data", "no text", "data not a mapping"])
def test_a_copy_not_of_this_form_is_passed_over(tmp_path, copy):
    path = _with_copy(tmp_path)
    if copy == b"DATA NOT A MAPPING":  # the right text, but data no claim file holds
        found = json.loads(copy_path(path).read_text(encoding="utf-8"))
        copy = json.dumps({**found, "data": ["a", "list"]}).encode()
    copy_path(path).write_bytes(copy)
    assert read_parsed_copy(path, PAPER) is None
    assert load_paper_file(path).paper.title == "Written in YAML"


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

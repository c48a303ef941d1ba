"""A run id holding a lone surrogate: a byte that was not UTF-8 as Python reads one (``os.fsdecode``: a file
name, an argument, an environment variable), or half of a UTF-16 pair. No run id claimcheck makes holds
one (the engine names a run ``r-`` and the hex digits of its spec's hash), and a result file holding one as
a JSON escape is refused when it is read, naming the file and the field (test_results_lone_surrogates).

* A record made in Python with one passed validation before, and the store then stopped on it with a
  UnicodeEncodeError (``RunStore.claim`` naming its claim file by ``run_id.encode()``, sqlite3 storing
  it): ``RunRecord`` refuses it now, naming the field, and ``parse_records`` (decoded JSON a caller gives)
  names the file and the field, as for any other id no command could name."""

from __future__ import annotations

import os

import pytest

from claimcheck.errors import ResultFileError
from claimcheck.model import ValidationError
from claimcheck.results.files import parse_records
from claimcheck.results.records import RunRecord

BYTE = os.fsdecode(b"\xff")  # "\udcff"


def _fields(run_id: str) -> dict:
    return dict(run_id=run_id, paper_id="2005.13013", system="MNLI", seed=1, preset="proxy", fidelity="proxy",
                deviations=["test record"])


@pytest.mark.parametrize("run_id, what", [
    (f"r-aa{BYTE}01", "U+DCFF, a lone surrogate (no character: byte 0xff of a text that was not UTF-8"),
    ("r-aa\ud800", "U+D800, a lone surrogate (half of a UTF-16 pair, no character)"),
    (BYTE, "U+DCFF, a lone surrogate"),
])
def test_a_record_made_in_python_is_refused_naming_the_field(run_id, what):
    with pytest.raises(ValidationError) as raised:
        RunRecord(**_fields(run_id))
    (error,) = raised.value.errors()
    assert error["loc"] == ("run_id",) and what in error["msg"] and "the run store's UTF-8 text cannot hold it" in error["msg"]
    str(raised.value).encode("utf-8")  # the message itself can be printed


def test_decoded_json_a_caller_gives_is_refused_naming_the_file_and_field():
    with pytest.raises(ResultFileError) as raised:
        parse_records({"runs": [_fields("r-aa01"), _fields(f"r-bb{BYTE}")]}, "mine.json", check_ids=False)
    error = raised.value
    assert (error.path, error.field) == ("mine.json", "runs[1].run_id")
    assert error.message.startswith("run id 'r-bb\\udcff' holds U+DCFF, a lone surrogate"), error.message
    str(error).encode("utf-8")


def test_an_id_of_the_engine_and_one_of_any_printable_text_still_validate():
    for run_id in ("r-00c47f5e", "run 7 (é, 中文)", "r-😀"):  # a pair of surrogates is the one character it stands for
        assert RunRecord(**_fields(run_id)).run_id == run_id

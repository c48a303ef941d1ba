"""The bundled results are decoded by pydantic-core's JSON parser (``results.files._decode_shipped``),
every other result file by ``json.loads``: the two give the same values, of the same types, in the
same order, and where the faster parser refuses a text, ``json.loads`` decides (its value or its error)."""

from __future__ import annotations

import json
import math
import random
import shutil

import pytest

from claimcheck.errors import ResultFileError
from claimcheck.results.files import BUNDLED_RESULTS, _decode_shipped, load_result_paths


def same(a: object, b: object) -> bool:
    """Equal, of the same types all the way down, keys in the same order (``==`` takes 1 for 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b


def decoded_alike(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError as exc:
        with pytest.raises(type(exc)) as got:
            _decode_shipped(text)
        assert str(got.value) == str(exc)  # json's own error, with its line and column
        return
    assert same(_decode_shipped(text), expected), text


def test_the_bundled_results_decode_as_json_decodes_them():
    for path in BUNDLED_RESULTS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert same(_decode_shipped(text), json.loads(text))


@pytest.mark.parametrize("text", [
    "0", "-0", "1", "-1", "9007199254740993", "123456789012345678901234567890", "-123456789012345678901234567890",
    "0.0", "-0.0", "1.0", "1e5", "1E5", "1.5e-320", "2.4e-324", "1e400", "-1e400", "1.7976931348623157e308", "3e-05",
    "NaN", "Infinity", "-Infinity", "true", "false", "null", '""', '"\\u00e9\\n\\t\\"\\\\\\/"', '"\\ud83d\\ude00"',
    '"caf\u00e9 \u202e"', '{"a": 1, "b": 2, "a": 3}', '{"b": [], "a": {}}', ' [1 , 2 ]\n', '[1, 2.0, "3", null, true]',
    # what pydantic-core refuses, json.loads decides: a lone surrogate (a value), malformed texts (json's errors)
    '"\\udcff"', '{"\\ud800": 1}', '"\\x"', "[1,]", '{"a": 1,}', '"a\x01b"', "1 2", "[1", "", "01", "1.", ".5", "+1",
    "[" * 300 + "]" * 300, "1" * 5000,
])
def test_a_text_decodes_as_json_decodes_it(text):
    decoded_alike(text)


def test_numbers_decode_as_json_decodes_them():
    rng = random.Random(2)
    for i in range(3000):
        x = rng.uniform(-1e3, 1e3) if i % 2 else rng.random() * 10.0 ** rng.randint(-300, 300)
        decoded_alike("[" + ", ".join((repr(x), f"{x:.4f}", f"{x:.17g}", f"{x:e}", str(int(x)))) + "]")


RECORD = json.loads(next(BUNDLED_RESULTS.glob("*.json")).read_text(encoding="utf-8"))["runs"][0]


def _outcome(folder, shipped: bool) -> object:
    try:
        return [r.model_dump() for r in load_result_paths([folder], check_ids=False, shipped=shipped)]
    except ResultFileError as exc:
        return str(exc)


@pytest.mark.parametrize("raw", [
    json.dumps(RECORD).encode(),  # no backslash: the bytes are decoded as they are
    b"\xef\xbb\xbf" + json.dumps(RECORD).encode(),  # a byte-order mark, as any result file may start with
    json.dumps({**RECORD, "system": "caf\u00e9"}, ensure_ascii=False).encode(),
    json.dumps({**RECORD, "system": "caf\u00e9 \u2028"}).encode(),  # escapes
    json.dumps({**RECORD, "system": "\ud83d\ude00"}).encode(),  # a surrogate pair: one character
    json.dumps({**RECORD, "system": "\udcff"}).encode(),  # a lone surrogate: refused, naming the field
    json.dumps({**RECORD, "system": "x"}).encode().replace(b'"x"', b'"\xff"'),  # not UTF-8
    json.dumps({**RECORD, "system": "x"}).encode().replace(b'"x"', b'"\xed\xa0\x80"'),  # a surrogate in UTF-8 bytes
    json.dumps({**RECORD, "system": "x"}).encode().replace(b'"x"', b'"a\x01"'),  # a control character
    json.dumps(RECORD).encode()[:-1], b"", b"[]", b'{"runs": {}}', b"\x00[\x00]\x00",
])
def test_a_shipped_file_reads_as_any_other(tmp_path, raw):
    (tmp_path / "runs.json").write_bytes(raw)
    assert _outcome(tmp_path, shipped=True) == _outcome(tmp_path, shipped=False)


def test_a_malformed_shipped_file_is_refused_as_any_other(tmp_path):
    bad = tmp_path / "runs.json"
    shutil.copy(next(BUNDLED_RESULTS.glob("*.json")), bad)
    bad.write_text(bad.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    with pytest.raises(ResultFileError) as as_user:
        load_result_paths([tmp_path], check_ids=False)
    with pytest.raises(ResultFileError) as as_shipped:
        load_result_paths([tmp_path], check_ids=False, shipped=True)
    assert str(as_shipped.value) == str(as_user.value) and "not valid JSON (line" in str(as_user.value)

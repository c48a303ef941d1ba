"""A claim file's parsed copy: the data of a YAML claim file, kept beside it as JSON.

The bundled claim files ship one each (``2005.13013.yaml`` -> ``2005.13013.yaml.parsed.json``, written by
``python scripts/parse_bundled.py``), so ``claimcheck verify all`` reads them with the standard
library's JSON parser and never imports PyYAML: its import (a dozen regular expressions compiled)
and the parse were about 9 % of that process's instructions (1,525 M before, 1,382 M after, as
``benchmarks/bench_verify.py --instructions`` counted them on the development machine). Only the
bundled files' copies are read (``claims.registry``): a user's claim file is always parsed, so every
check of its YAML applies to it.

The YAML file stays the claim file: the one people read, edit and cite. A copy holds the text it
was parsed from and is used only while the file holds that very text (compared whole: a digest
would cost more, since hashlib's import alone is about 11 M instructions). A file edited since, or
one whose copy is missing, unreadable or not of this form, is parsed from its YAML as before, so a
stale copy costs time, never a wrong claim. ``tests/test_parsed_copy.py`` fails while a bundled
copy is stale.

A copy is written only when JSON gives back exactly the parsed data (no dates, non-finite numbers
or non-text keys, which JSON cannot hold as YAML gave them). As every data file claimcheck writes as
JSON, it holds the bidi marks, the line and paragraph separators, DEL and C1 controls (a title in
Hebrew or Arabic may carry a mark) as JSON escapes (``visible.visible_json``): no editor or terminal
showing the copy acts on them, and read back, the text and data are the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimcheck.visible import visible_json

SUFFIX = ".parsed.json"
_WRITER = "python scripts/parse_bundled.py (generated: edit the YAML file, then run it again)"


def copy_path(path: Path) -> Path:
    """Where the parsed copy of the claim file ``path`` lies: beside it, ``<name>.parsed.json``, the
    whole name with its suffix, so ``a.yaml`` and ``a.yml`` (both claim files) have a copy each."""
    return path.with_name(path.name + SUFFIX)


def read_parsed_copy(path: Path, text: str) -> Any | None:
    """The data of the claim file ``path``, whose text is ``text`` (as read: decoded, newlines made
    ``\\n``), from its parsed copy; None when there is no copy of ``text`` to use (parse the YAML then)."""
    try:
        raw = copy_path(path).read_bytes()
    except OSError:
        return None
    try:
        found = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON (or not text JSON reads), or nested too deeply
        return None
    if not isinstance(found, dict) or found.get("text") != text:
        return None
    data = found.get("data")
    return data if isinstance(data, dict) else None  # a claim file holds a mapping: anything else is no copy of one


def copy_text(text: str, data: Any) -> str:
    """The parsed copy, as text, of a claim file whose text ``text`` parses to ``data``; a ValueError
    when JSON cannot hold ``data`` exactly."""
    try:
        # keep_surrogates: a lone surrogate (from a YAML "\udcff" escape) stays as it is, never another value
        encoded = visible_json(json.dumps({"written_by": _WRITER, "text": text, "data": data},
                                          ensure_ascii=False, allow_nan=False, separators=(",", ":")), keep_surrogates=True)
    except (TypeError, ValueError) as exc:  # a date, a set, a non-finite float, a key JSON cannot hold
        raise ValueError(f"JSON cannot hold this file's data as parsed: {exc}") from None
    if json.loads(encoded)["data"] != data:  # keys that are not text: JSON turns them into text
        raise ValueError("JSON cannot hold this file's data as parsed: it does not read back the same")
    return encoded + "\n"

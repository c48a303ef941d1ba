"""Decoding JSON that claimcheck ships (the bundled run records, the claim files' parsed copies) with
pydantic-core's parser, which pydantic already loads.

``from_json`` (Rust) reads the 2.3 MB of bundled run records in about 69 M instructions where
``json.loads`` takes 105 M, and keeps each repeated text (a key, a language) as one object. Where both
read a text they give the same values of the same types (``tests/test_results_shipped.py``,
``tests/test_parsed_copy.py``). What it refuses (a lone surrogate's escape, which ``json`` reads; text
that is not UTF-8; malformed or too deeply nested JSON) goes to ``json.loads``, which gives the value or
the error it always gave. A user's own files are read by ``json.loads`` only.
"""

from __future__ import annotations

import json
from typing import Any

REFUSED = object()  # what ``by_pydantic_core`` gives for a text it does not read


def by_pydantic_core(data: str | bytes) -> Any:
    """``data`` decoded by pydantic-core's ``from_json``; ``REFUSED`` where it refuses it (or this
    pydantic-core has no ``from_json``)."""
    try:
        from pydantic_core import from_json
    except ImportError:
        return REFUSED
    try:
        return from_json(data)
    except ValueError:
        return REFUSED


def loads_shipped(data: str | bytes) -> Any:
    """``json.loads(data)``, by pydantic-core's parser where it reads ``data``."""
    value = by_pydantic_core(data)
    return json.loads(data) if value is REFUSED else value

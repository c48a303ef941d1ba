"""Content hashes: the ids of runs and the keys of cached stages.

A run's id is ``"r-" + content_hash(spec without its descriptive parts)`` (``replication.spec``);
``results.files`` checks a record's id against its spec the same way when it reads a result file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

HASH_CHARS = 16


def _canonical(value: Any) -> Any:
    """Integral floats as ints (epochs=3 and epochs=3.0 are the same spec), tuples as lists."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def content_hash(payload: Any) -> str:
    """sha256 of canonical JSON (sorted keys, no whitespace), first 16 hex digits."""
    text = json.dumps(_canonical(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]

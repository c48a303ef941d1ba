"""Content hashes: the ids of runs and the keys of cached stages.

A run's id is ``run_id_of(spec)``: the hash of its spec without the parts that do not change the
numbers. ``replication.spec`` names runs with it, and ``results.files`` checks a record's id against
the spec it carries with the same function.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

HASH_CHARS = 16


def canonical(value: Any) -> Any:
    """Integral floats as ints (epochs=3 and epochs=3.0 are the same spec), tuples as lists."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def content_hash(payload: Any) -> str:
    """sha256 of canonical JSON (sorted keys, no whitespace), first 16 hex digits."""
    text = json.dumps(canonical(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


# What a spec (as written into a run record) holds besides what determines the numbers: the
# deviations are descriptive text; ``run_id`` and ``intermediate_key`` are derived from the rest.
NOT_HASHED = ("deviations", "run_id", "intermediate_key")


def run_id_of(spec: dict) -> str:
    """The id of the run ``spec`` describes (a ``RunSpec`` as a dict, or as a record carries it)."""
    return "r-" + content_hash({k: v for k, v in spec.items() if k not in NOT_HASHED})

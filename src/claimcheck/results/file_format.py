"""Result files as claimcheck writes and describes them: the text of one (``runs_json_text``,
``render_records_json``: what `runs export` and `runs remove`'s backup write) and the JSON Schema of
what ``files`` reads (``result_file_schema``: `claimcheck schema results`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from claimcheck.results.records import SPLITS, SURROGATE, RunRecord


def result_file_schema() -> dict:
    """The JSON Schema of a result file as ``files`` reads one (``claimcheck schema results``): one
    record, a list of records, or ``{"runs": [...]}``, with a metric's split and scale as
    ``metric_problem`` checks them where records come in (the model itself leaves them open, so an
    older store stays readable)."""
    record = RunRecord.model_json_schema()
    defs = record.pop("$defs")
    defs["RunRecord"] = record
    metric = defs["Metric"]["properties"]
    metric["split"]["enum"] = list(SPLITS)
    metric["value"].update(minimum=0, maximum=100)
    one = {"$ref": "#/$defs/RunRecord"}
    many = {"type": "array", "items": one}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "claimcheck result file",
        "description": 'Run records: one record, a list of records, or {"runs": [...]} as `claimcheck runs export` writes it.',
        "anyOf": [one, many, {"type": "object", "properties": {"runs": many}, "required": ["runs"], "additionalProperties": False}],
        "$defs": defs,
    }


def render_records_json(records: Iterable[RunRecord]) -> str:
    """Stable JSON text for a set of records (sorted by run id)."""
    return runs_json_text([r.model_dump(mode="json") for r in sorted(records, key=lambda r: r.run_id)])


def runs_json_text(runs: list[object]) -> str:
    """A result file's text, ``{"runs": runs}``: sorted keys, two-space indent, UTF-8, a trailing newline, and
    each control character, bidi control or mark and line or paragraph separator in a string written as a
    JSON escape (``visible_json``), so no terminal or editor showing the file acts on it; read back, the
    strings are as they were.

    A lone surrogate is written as its JSON escape (``\\udcff``), which UTF-8 text can hold: no record read
    from a result file or the store holds one (both refuse it), but a stored record that does not
    validate because its text holds that escape (written by hand, or by another program) is backed up by
    `runs remove` as it was stored (``UnreadableRun``), and the backup must be written; reading it back
    refuses the record, naming the field."""
    from claimcheck.visible import visible_json

    text = visible_json(json.dumps({"runs": runs}, indent=2, sort_keys=True, ensure_ascii=False), keep_surrogates=True)
    if not text.isascii():  # isascii is O(1): an export of ASCII text is not scanned again
        text = re.sub(SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"

"""The JSON report: the ``VerificationReport`` model as stable, diff-friendly JSON.

Format: one object with ``schema_version``, ``claims`` (one ``ClaimVerdict`` each, with its
``source`` and ``replication`` tier results, their arithmetic ``lines``, ``views`` with ``cells``
and ``missing`` cells, plotted ``spans``, ``runs``, ``fidelity`` and ``deviations``), ``coverage``
per tier, ``overall_counts``, the ``rules`` table and ``results_sources``. The JSON Schema is
``VerificationReport.model_json_schema()`` (``claimcheck schema report``).

Stability: keys sorted, two-space indent, no timestamps, UTF-8 text, a trailing newline, and
non-finite numbers written as ``null`` (strict JSON), so the same report always gives the same bytes.
DEL, C1 controls, bidi controls and marks, and U+2028/U+2029 are written as ``\\uXXXX`` escapes
(``visible.visible_json``): the same strings once parsed, but nothing a terminal or viewer acts on.
``json_text`` is the one writer of the reports' JSON (this report and the audit's); the data files
(result files, the run store's records, replication stage files) escape the same characters with the
same function (``visible_json(..., keep_surrogates=True)``).
``VerificationReport.model_validate_json(render_json(r)) == r`` for every report with finite numbers.
"""

from __future__ import annotations

import json

from claimcheck.reports.model_json import Unsupported, model_json
from claimcheck.verifier.verdict import VerificationReport
from claimcheck.visible import visible_json


def json_text(data: object) -> str:
    """``data`` as sorted, two-space indented UTF-8 JSON text ending with a newline, each character
    ``visible_json`` escapes written as a JSON escape. Strict JSON: a non-finite number raises
    ``ValueError`` (a caller writes it as ``null`` first, as ``render_json`` does, or never makes one)."""
    text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return visible_json(text) + "\n"


def render_json(report: VerificationReport) -> str:
    """The report as sorted, indented JSON text ending with a newline.

    The text is pydantic's (``model_dump_json``, which writes NaN/inf as null) sorted and indented by
    ``json_text``; ``model_json`` writes the same text by a plain walk, without building pydantic's
    serializer for the report (about 160 M instructions of ``verify all``'s writing, see there), and
    pydantic is asked only for what the walk cannot promise (a value of another type than its field's)."""
    try:
        return visible_json(model_json(report)) + "\n"
    except Unsupported:
        return json_text(json.loads(report.model_dump_json()))

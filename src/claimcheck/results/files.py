"""Reading and writing run-record JSON files (the exchange format of results).

A result file holds one record, a list of records, or ``{"runs": [...]}``. The bundled folder
``results/bundled`` ships the records of replications done for the bundled papers, so
``claimcheck verify all`` shows their replication tier on a fresh install.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from claimcheck.errors import ResultFileError
from claimcheck.results.records import RunRecord

BUNDLED_RESULTS = Path(__file__).parent / "bundled"


def _first_error(exc: ValidationError, prefix: str) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"])
    return (f"{prefix}.{field}" if prefix else field) or "(record)", err["msg"]


def parse_records(payload: object, path: str) -> list[RunRecord]:
    """Validate decoded JSON into records; errors name the file and field."""
    if isinstance(payload, dict) and "runs" in payload:
        payload = payload["runs"]
        prefix = "runs"
    else:
        prefix = ""
    items = payload if isinstance(payload, list) else [payload]
    records = []
    for i, item in enumerate(items):
        where = f"{prefix}[{i}]" if isinstance(payload, list) else prefix
        if not isinstance(item, dict):
            raise ResultFileError("expected a JSON object for a run record", path=path, field=where or "(record)")
        try:
            records.append(RunRecord.model_validate(item))
        except ValidationError as exc:
            field, msg = _first_error(exc, where)
            raise ResultFileError(msg, path=path, field=field) from None
    return records


def load_result_file(path: Path) -> list[RunRecord]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultFileError("no such result file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultFileError(f"cannot read: {exc}", path=str(path)) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultFileError(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", path=str(path)) from None
    return parse_records(payload, str(path))


def load_result_paths(paths: Iterable[Path]) -> list[RunRecord]:
    """Load every ``*.json`` under the given files/folders, de-duplicated by run id (first wins)."""
    seen: dict[str, RunRecord] = {}
    for root in paths:
        files = sorted(root.rglob("*.json")) if root.is_dir() else [root]
        for f in files:
            for rec in load_result_file(f):
                seen.setdefault(rec.run_id, rec)
    return list(seen.values())


def render_records_json(records: Iterable[RunRecord]) -> str:
    """Stable JSON text for a set of records (sorted by run id)."""
    runs = [r.model_dump(mode="json") for r in sorted(records, key=lambda r: r.run_id)]
    return json.dumps({"runs": runs}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

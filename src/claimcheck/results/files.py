"""Reading run-record JSON files (the exchange format of results); ``file_format`` writes them.

A result file holds one record, a list of records, or ``{"runs": [...]}``. The bundled folder
``results/bundled`` ships the records of replications done for the bundled papers, so
``claimcheck verify all`` shows their replication tier on a fresh install.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from claimcheck.errors import ResultFileError, error_message, field_place
from claimcheck.gcpause import gc_paused
from claimcheck.model import ValidationError
from claimcheck.results.records import SURROGATE, RunRecord, metric_problem

BUNDLED_RESULTS = Path(__file__).parent / "bundled"


def _field(where: str, *loc: str | int) -> str:
    """Where in a result file a field is: ``loc`` (keys and list indexes) under the record at ``where``
    (``_items``), written as claim files' errors write it (``runs[0].metrics[0].value``): one
    formatter for both (``errors.field_place``)."""
    return field_place((where, *loc) if where else loc)


def _first_error(exc: ValidationError, prefix: str) -> tuple[str, str]:
    err = exc.errors()[0]
    msg = error_message(err)
    if err["type"] in ("float_type", "int_type") and isinstance(err["input"], (bool, int, float, str)):
        msg += f", not {json.dumps(err['input'], ensure_ascii=False)[:40]}"  # "..., not true": a JSON boolean is no number
    return _field(prefix, *err["loc"]) or "(record)", msg


# the record's fields its spec states too (``replication.spec.RunSpec``): they must agree
_SPEC_FIELDS = ("paper_id", "system", "seed", "preset", "fidelity")


def _id_problem(record: RunRecord) -> tuple[str, str] | None:
    """(field, why) when the record does not match its spec, for records the replication engine
    wrote (their spec carries ``run_id``): an id edited by hand, a spec edited without its id, or a
    field of the record edited away from what the spec says (a proxy run relabelled ``full``, a run
    moved to another arm or seed) would let one configuration pass for another. None when they
    agree, or when the spec does not say."""
    stated = record.spec.get("run_id") if isinstance(record.spec, dict) else None
    if stated is None:
        return None
    # imported here: hashlib (OpenSSL) costs ~5 ms to load, and `verify all` reads only the bundled
    # results, which skip this check (check_ids=False)
    from claimcheck.content_hash import run_id_of

    expected = run_id_of(record.spec)
    if stated != record.run_id or expected != record.run_id:
        return "run_id", (f"run id {record.run_id!r} does not name this spec (its content hash is {expected!r}): "
                          "was the record edited by hand? Records are immutable; rerun the spec instead")
    for name in _SPEC_FIELDS:
        if name in record.spec and record.spec[name] != getattr(record, name):
            return name, (f"{name} {getattr(record, name)!r} is not the {record.spec[name]!r} its spec states: was the "
                          "record edited by hand? Records are immutable; rerun the spec instead")
    return None


def _items(payload: object, path: str) -> tuple[list, list[str]]:
    """The record items of decoded JSON, and where each sits in the file as error fields name it:
    ``runs[3]`` in ``{"runs": [...]}``, ``[3]`` in a list, ``""`` for a file of one record. In
    ``{"runs": ...}`` the runs are a list and nothing stands beside them (``result_file_schema``): a
    record given there was read as the file's one record, and a key beside it was dropped unread."""
    prefix = ""
    if isinstance(payload, dict) and "runs" in payload:
        if len(payload) > 1:
            other = next(key for key in payload if key != "runs")
            raise ResultFileError("""unknown key beside 'runs': a file of several records is {"runs": [...]} and nothing else""",
                                  path=path, field=other or '""')
        payload, prefix = payload["runs"], "runs"
        if not isinstance(payload, list):
            raise ResultFileError(f'must be a list of run records ({{"runs": [...]}}), not {_json_type(payload)}',
                                  path=path, field="runs")
    if isinstance(payload, list):
        return payload, [f"{prefix}[{i}]" for i in range(len(payload))]
    return [payload], [prefix]


def _json_type(value: object) -> str:
    """What a decoded JSON value is, in JSON's words: "an object", "a string" ..."""
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "a boolean"
    return {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}.get(type(value), "null")


def _parse_placed(payload: object, path: str, check_ids: bool) -> list[tuple[RunRecord, str]]:
    """``parse_records``, each record with where it sits in the file (``_items``). A record in validated
    form (as the bundled results are) is built without pydantic (``Model.model_validate``)."""
    items, places = _items(payload, path)
    records = []
    for item, where in zip(items, places):
        if not isinstance(item, dict):
            raise ResultFileError("expected a JSON object for a run record", path=path, field=where or "(record)")
        try:
            record = RunRecord.model_validate(item)
        except ValidationError as exc:
            field, msg = _first_error(exc, where)
            raise ResultFileError(msg, path=path, field=field) from None
        problem = _id_problem(record) if check_ids else None
        if problem:
            name, why = problem
            raise ResultFileError(why, path=path, field=_field(where, name))
        for j, metric in enumerate(record.metrics):
            off = metric_problem(metric)
            if off:
                raise ResultFileError(off[1], path=path, field=_field(where, "metrics", j, off[0]))
        records.append((record, where))
    return records


def parse_records(payload: object, path: str, *, check_ids: bool = True) -> list[RunRecord]:
    """Validate decoded JSON into records; errors name the file and field. ``check_ids``: a record the
    replication engine wrote must carry the id of its spec (see ``_id_problem``)."""
    return [record for record, _ in _parse_placed(payload, path, check_ids)]


def claimcheck_output(payload: object) -> str | None:
    """What ``payload`` is when it is JSON that claimcheck itself writes and that holds no run records
    (a verification report, an audit, a JSON Schema, the schemas of `claimcheck schema derivations`,
    a claim file's parsed copy), else None. Told by its content, never by the file's name: top-level
    keys no result file has (a record refuses unknown fields; a file of several is a list or has
    ``runs``), so a report written by any version is known, and a result file costs two key lookups."""
    if not isinstance(payload, dict) or "runs" in payload or "run_id" in payload:
        return None
    keys = payload.keys()
    if {"claims", "coverage", "overall_counts"} <= keys:  # report.json of `verify`, `report --format json`
        return "a claimcheck verification report"
    if {"scorecards", "registry_claims"} <= keys:  # `audit --format json`, whole or one scorecard per report
        return "a claimcheck audit"
    if "$defs" in keys or "$schema" in keys:  # `claimcheck schema ...`
        return "a JSON Schema"
    # a claim file's parsed copy (``claims.parsed_copy``, ``<name>.yaml.parsed.json``): these three keys only
    if keys == {"written_by", "text", "data"} and isinstance(payload["text"], str) and isinstance(payload["data"], dict):
        return "a claimcheck parsed copy of a claim file"
    if payload and all(_object_schema(value) for value in payload.values()):  # `claimcheck schema derivations`
        return "a claimcheck schema of derivation parameters"
    return None


def _object_schema(value: object) -> bool:
    """Whether ``value`` is the JSON Schema of an object (as pydantic writes one for a model): with
    ``"type": "object"`` and its ``properties``; a run record holds no such member."""
    return isinstance(value, dict) and value.get("type") == "object" and isinstance(value.get("properties"), dict)


def load_result_file(path: Path, *, check_ids: bool = True) -> list[RunRecord]:
    return [record for record, _ in _load_placed(path, check_ids)]


def _not_run_records(path: Path, kind: str) -> ResultFileError:
    return ResultFileError(f"is {kind}, not a file of run records (`claimcheck runs export` writes one)", path=str(path))


def _load_placed(path: Path, check_ids: bool) -> list[tuple[RunRecord, str]]:
    """``load_result_file``, each record with where it sits in the file (``_items``); a file
    claimcheck wrote that holds no records (``claimcheck_output``) is refused."""
    payload = _read_json(path)
    kind = claimcheck_output(payload)
    if kind is not None:
        raise _not_run_records(path, kind)
    return _parse_placed(payload, str(path), check_ids)


def _not_utf8(exc: UnicodeDecodeError) -> str:
    """Why a result file that is not UTF-8 is refused: the encoding its byte-order mark names (UTF-16
    and UTF-32 are text, but JSON exchanged between programs is UTF-8, RFC 8259), or the first byte
    that is not UTF-8 (a file saved as Latin-1 or Windows-1252)."""
    from claimcheck.text_bytes import byte_order_mark  # imported here: only a file that is not UTF-8 needs it

    found = byte_order_mark(exc.object)
    if found in ("UTF-16", "UTF-32"):
        return f"is {found} text (it starts with a {found} byte-order mark): a result file is JSON, which is UTF-8; save it as UTF-8"
    return (f"not UTF-8 text ({exc.reason} at byte {exc.start}): a result file is JSON, which is UTF-8; save it as UTF-8 "
            "(was it saved as Latin-1 or Windows-1252?)")


def _read_json(path: Path) -> object:
    """The decoded JSON of a result file; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultFileError("no such result file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ResultFileError(_not_utf8(exc), path=str(path)) from None
    except OSError as exc:
        raise ResultFileError(f"cannot read: {exc}", path=str(path)) from None
    if text.startswith("\ufeff"):  # a UTF-8 byte order mark (Windows editors write one), as claim files accept
        text = text[1:]
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\x00" in text:  # valid UTF-8, but ASCII text in UTF-16 or UTF-32 without a byte-order mark reads so
            raise ResultFileError("holds NUL characters: not UTF-8 text (UTF-16 or UTF-32 without a byte-order mark?); a "
                                  "result file is JSON, which is UTF-8: save it as UTF-8", path=str(path)) from None
        raise ResultFileError(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", path=str(path)) from None
    except RecursionError:
        raise ResultFileError("not valid JSON for run records: arrays or objects nested too deeply", path=str(path)) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits(): 4300 by default)
        raise ResultFileError(f"not valid JSON for run records: an integer of more than {sys.get_int_max_str_digits()} digits",
                              path=str(path)) from None
    # a lone surrogate comes only from a JSON escape (the text was strict UTF-8): a file without a backslash, as the
    # bundled results are, costs one memchr, and one with escapes a scan for \ud800-\udfff before any walk
    if "\\" in text and re.search(_SURROGATE_ESCAPE, text) and (found := lone_surrogate(payload)):
        field, what = found
        raise ResultFileError(f"{what}: write the character it stands for, or leave it out", path=str(path), field=field)
    return payload


# the JSON escape of a surrogate (\ud800-\udfff); a pair of them decodes to one character, a lone one stays a surrogate
_SURROGATE_ESCAPE = r"\\u[dD][89abcdefABCDEF]"


def lone_surrogate(payload: object) -> tuple[str | None, str] | None:
    """(field, what) for the first lone surrogate (``"\\udcff"``) that decoded JSON holds, in a text or in
    a key, in the file's order; None when it holds none. A lone surrogate is half of a UTF-16 pair, no
    character, so no UTF-8 text can hold it: storing the record would stop on it, and pydantic writes a
    key holding one as other characters (U+FFFD). The field is named as every other error of a result
    file names it (``runs[0].deviations[1]``), None for a file that is one text."""
    todo: list[tuple[tuple, object, bool]] = [((), payload, False)]  # (where, a value or a key, whether a key)
    while todo:
        loc, value, is_key = todo.pop()
        if isinstance(value, str):
            found = re.search(SURROGATE, value) if not value.isascii() else None
            if found:
                what = "a key holding" if is_key else "holds"
                return _shown_place(loc) or None, (f"{what} the JSON escape \\u{ord(found.group()):04x}, a lone surrogate "
                                                   "(half of a UTF-16 pair, no character), which UTF-8 text and the run "
                                                   "store cannot hold")
        elif isinstance(value, dict):  # each key, then its value, in the file's order
            for key, item in reversed(value.items()):
                todo += [((*loc, key), item, False), ((*loc, key), key, True)]
        elif isinstance(value, list):
            todo += [((*loc, i), item, False) for i, item in reversed(list(enumerate(value)))]
    return None


def _shown_place(loc: tuple) -> str:
    """``field_place(loc)``, a lone surrogate in a key written as its JSON escape and any other control as
    ``visible`` shows it, so the message can be printed and names the key as the file writes it."""
    from claimcheck.visible import visible

    place = field_place(loc)
    return visible(re.sub(SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", place))


class ResultFiles:
    """What ``read_result_paths`` read. (A plain class: building a dataclass costs ~4 M instructions,
    0.3 % of a `verify all` that reads only the bundled results.)"""

    __slots__ = ("records", "origins", "passed_over")

    def __init__(self, records: list[RunRecord], origins: dict[str, Path], passed_over: list[tuple[Path, str]]) -> None:
        self.records = records
        self.origins = origins  # run id -> the file its record was read from
        # files found in a folder that claimcheck wrote and that hold no run records (a report written
        # into the folder by an earlier `verify --results .`), each with what it is; they were not read
        self.passed_over = passed_over

    def passed_over_note(self) -> str:
        """``passed over F (a claimcheck verification report): not run records``; "" when none was."""
        return _passed_over_note(self.passed_over)


def _passed_over_note(passed_over: list[tuple[Path, str]]) -> str:
    if not passed_over:
        return ""
    return "passed over " + ", ".join(f"{p} ({kind})" for p, kind in passed_over) + ": not run records"


def load_result_paths(paths: Iterable[Path], *, check_ids: bool = True) -> list[RunRecord]:
    """The records of ``read_result_paths``."""
    return read_result_paths(paths, check_ids=check_ids).records


def read_result_paths(paths: Iterable[Path], *, check_ids: bool = True) -> ResultFiles:
    """Load every ``*.json`` file under the given files/folders (``_scanned_files``). A record given twice is read once; two
    different records under one run id are refused, naming both places: keeping either would
    silently change what is verified (records are immutable, and an id names one run). A folder
    with no ``*.json`` in it is refused: a mistyped or empty folder must not read as "no runs" (as
    an empty registry folder is refused).

    A file in a folder that claimcheck wrote and that holds no records (``claimcheck_output``: the
    report of a `verify --results .` run before, an audit, a schema) is passed over and listed; the
    same file named on its own is refused, as is a folder that holds nothing else.

    The garbage collector is paused meanwhile (``gcpause``): the bundled results alone are 2.3 MB of
    JSON, ~10^5 acyclic objects, which it would otherwise scan again and again (~40 ms of the ~90 ms
    that reading them took)."""
    with gc_paused():
        return _load_result_paths(paths, check_ids=check_ids)


def _scanned_files(folder: Path) -> list[Path]:
    """The ``*.json`` files under ``folder``, sorted: regular files only (or links to them). A folder
    whose name ends in ``.json`` is a sub-folder like any other, whose files this scan reads (``rglob``
    goes into it), not a file to read; a link to a folder is passed as a link to a folder of any name
    is (``rglob`` does not follow it); a named pipe or device would never end or not be JSON. A link
    that leads nowhere is kept, to be refused as a missing file: it stands where a result file was meant."""
    return [f for f in sorted(folder.rglob("*.json")) if f.is_file() or not f.exists()]


def _load_result_paths(paths: Iterable[Path], *, check_ids: bool) -> ResultFiles:
    seen: dict[str, tuple[RunRecord, str, Path]] = {}
    passed_over: list[tuple[Path, str]] = []
    for root in paths:
        scanned = root.is_dir()
        files = _scanned_files(root) if scanned else [root]
        read, first_passed = 0, len(passed_over)
        for f in files:
            payload = _read_json(f)
            kind = claimcheck_output(payload)
            if kind is not None:
                if not scanned:
                    raise _not_run_records(f, kind)
                if (f, kind) not in passed_over:  # a folder given twice
                    passed_over.append((f, kind))
                continue
            read += 1
            for rec, where in _parse_placed(payload, str(f), check_ids):
                first = seen.get(rec.run_id)
                if first is None:
                    seen[rec.run_id] = (rec, f"{f} ({where or 'its one record'})", f)
                elif first[0] != rec:
                    raise ResultFileError(f"run id {rec.run_id!r} is also used by a different record in {first[1]}: "
                                          "an id names one run; remove one of them", path=str(f),
                                          field=_field(where, "run_id"))
        if not read:
            also = _passed_over_note(passed_over[first_passed:])
            raise ResultFileError("no result files (*.json) in this folder" + (f"; {also}" if also else ""), path=str(root))
    return ResultFiles([rec for rec, _, _ in seen.values()], {run_id: f for run_id, (_, _, f) in seen.items()}, passed_over)

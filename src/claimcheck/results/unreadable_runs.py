"""A stored run whose record cannot be read as a ``RunRecord``, and the error that says so.

A stored record may not validate (written by hand, or by a newer claimcheck) or not be UTF-8 (written
by another program: ``stored_text``). A read of records stops on it, naming the run by its id, the
field and how to take it out (``invalid_record_error``); ``RunStore.select`` and ``find_as_stored``
give it as an ``UnreadableRun`` instead (``run_as_stored``), so that ``runs remove`` can take it out
and its backup keep it as it was stored.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimcheck.errors import StoreError, error_message, field_place
from claimcheck.model import ValidationError
from claimcheck.results.records import STORED, RunRecord
from claimcheck.results.stored_text import not_utf8_kept, record_text


class UnreadableRun:
    """A stored run whose record does not validate (written by hand, or by a newer claimcheck) or is not
    UTF-8 (written by another program), as ``RunStore.select`` gives it: what the store's columns say,
    the record's stored text (which a backup keeps as it is; one that is not UTF-8 holds each byte that
    is not as a lone surrogate, ``not_utf8`` the first such byte), and what is wrong with it (``field``,
    None for the whole record, and ``message``; ``problem`` says both)."""

    __slots__ = ("run_id", "text", "paper_id", "system", "seed", "preset", "status", "tasks", "field", "message", "not_utf8")

    def __init__(self, run_id: str, text: str, paper_id: str, system: str, seed: int, preset: str, status: str,
                 tasks: str, *, field: str | None, message: str, not_utf8: int | None = None):
        self.run_id, self.text, self.paper_id, self.system, self.seed = run_id, text, paper_id, system, seed
        self.preset, self.status, self.tasks, self.field, self.message = preset, status, tasks, field, message
        self.not_utf8 = not_utf8  # the first byte that is not UTF-8 (None: UTF-8): ``text`` holds each such byte as a lone surrogate

    @property
    def problem(self) -> str:
        """``fidelity: Input should be ...`` (``the record: ...`` when no one field is wrong)."""
        if self.field is None and self.message.startswith("the record "):  # "the record is not UTF-8: ..."
            return self.message
        return f"{self.field or 'the record'}: {self.message}"

    def as_stored(self) -> object:
        """The stored record as JSON data, or its text when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return self.text


def record_problem(text: str, exc: ValidationError) -> tuple[str | None, str]:
    """The field and the message of a stored record ``text`` that does not validate: pydantic's first
    error, or where a lone surrogate is when that is why its JSON parser refused the text (its messages
    say only "unexpected end of hex escape at line 1 column 522" or the like): SQLite text is UTF-8, so
    it is the JSON escape ``\\udcff``, which Python's parser reads."""
    first = exc.errors()[0]
    if first["type"] == "json_invalid" and "\\u" in text:
        from claimcheck.results.files import lone_surrogate

        try:
            found = lone_surrogate(json.loads(text))
        except (ValueError, RecursionError):  # not JSON to Python either: pydantic's message says why
            found = None
        if found:
            return found
    return field_place(first["loc"]) or None, error_message(first)


def invalid_record_error(path: Path, run_id: str, field: str | None, message: str, not_utf8: int | None = None) -> StoreError:
    """A stored record that does not validate (written by hand, or by a newer claimcheck), named by its
    run id (the store's key, by which ``runs remove`` takes it out) and the field. ``not_utf8``: the
    first byte of a record that is not UTF-8 (``record_text``), which the backup cannot keep as it is."""
    import shlex

    from claimcheck.visible import visible

    kept = ("keeping it as stored in the backup" if not_utf8 is None else
            f"keeping it in the backup with {not_utf8_kept(not_utf8)}")
    return StoreError(f"stored run {run_id!r} does not validate: {message} (`claimcheck runs remove "
                      f"{visible(shlex.quote(run_id))}` on this store takes it out, {kept})", path=str(path), field=field)


# a stored run as ``run_as_stored`` reads it: its record and the columns written beside it
AS_STORED = "SELECT run_id, record, paper_id, system, seed, preset, status, tasks FROM runs"


def run_as_stored(row: tuple) -> RunRecord | UnreadableRun:
    """A row of ``AS_STORED`` as its record, or as an ``UnreadableRun`` when the record does not validate
    or is not UTF-8."""
    run_id, text, *columns = row
    if type(text) is not str:  # not UTF-8 text (``StoreFile._fetch``), or a BLOB
        text, not_utf8 = record_text(text)
        if not_utf8:
            field, message, byte = not_utf8
            return UnreadableRun(run_id, text, *columns, field=field, message=message, not_utf8=byte)
    try:
        return RunRecord.model_validate_json(text, context=STORED)
    except ValidationError as exc:
        field, message = record_problem(text, exc)
        return UnreadableRun(run_id, text, *columns, field=field, message=message)

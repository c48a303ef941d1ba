"""The run store: one SQLite file of run records (default ``claimcheck.home.default_store_path()``).

* One row per run id. A successful record is immutable: writing it again is a no-op. A failed record
  (``status="failed"``, infrastructure failure) is replaced when the same run later succeeds.
* Records go in and come out as ``RunRecord`` (validated JSON); the columns beside the JSON exist for
  listing and filtering only.
* The file is written by several processes at once, or only read (``readonly=True``): ``store_file``.
* A process executing a run claims it (``RunStore.claim``: a file lock in ``<store>-claims/``), so
  another process writing the same store leaves that run to it instead of executing it too:
  ``run_claims``.
* A stored record that does not validate, or is not UTF-8, is named by its run id (``unreadable_runs``,
  ``stored_text``); ``RunStore.remove`` keeps what it deletes in a backup file (``backup``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.errors import InputError, StoreError
from claimcheck.model import ValidationError
from claimcheck.results.backup import backup_exists_error, refuse_existing_backup, save_records_json
from claimcheck.results.records import STORED, RunRecord
from claimcheck.results.store_file import StoreFile
from claimcheck.results.stored_text import (LONE_SURROGATE, id_is, id_note, lenient_text, lone_surrogate_error, prefix_args,
                                            prefix_is, record_text)
from claimcheck.results.unreadable_runs import AS_STORED, UnreadableRun, invalid_record_error, record_problem, run_as_stored
from claimcheck.visible import visible_json

if TYPE_CHECKING:
    from claimcheck.results.run_claims import RunClaim


class RunStore(StoreFile):
    """A SQLite file of run records (``StoreFile``: open to write, or with ``readonly`` only to read).
    Use as a context manager, or call ``close()``."""

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------------------
    def save(self, record: RunRecord) -> bool:
        """Write one finished run in one transaction. True if written; False if an ok record was already there."""
        return self.save_many([record]) == 1

    def save_many(self, records: Iterable[RunRecord]) -> int:
        """Write records in one transaction; returns how many were written (ok records are never replaced).
        A record holding a lone surrogate stops it before anything is written (``lone_surrogate_error``)."""
        rows = [_row(r, self.path) for r in records]
        try:
            with self._transaction() as db:
                written = 0
                for row in rows:
                    cur = db.execute(
                        "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?) "
                        "ON CONFLICT(run_id) DO UPDATE SET paper_id=excluded.paper_id, system=excluded.system, "
                        "seed=excluded.seed, preset=excluded.preset, fidelity=excluded.fidelity, status=excluded.status, "
                        "tasks=excluded.tasks, written_at=excluded.written_at, record=excluded.record "
                        "WHERE runs.status != 'ok'",
                        row,
                    )
                    written += cur.rowcount
                return written
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the run store: {exc}", path=str(self.path)) from None

    def remove(self, records: list[RunRecord | UnreadableRun], backup: Path) -> int:
        """Write ``records`` to the result file ``backup`` (``claimcheck runs import`` restores them), then
        delete them from the store; returns how many were deleted. A failed write deletes nothing, and
        an existing ``backup`` is refused (``refuse_existing_backup``).

        All of it happens under the store's write lock, and only the runs still stored exactly as given
        are backed up and deleted: a run that another process replaced meanwhile (a retry of a failed
        run that finished) or removed is left alone, so no record is ever lost between the listing and
        the deletion. When none is left, no backup is written and 0 is returned. A stored record that
        does not validate (``UnreadableRun``, named by its id) goes into the backup as it was stored; one
        that is not UTF-8, with each byte that is not as a JSON escape (``not_utf8_kept``)."""
        refuse_existing_backup(backup)
        self._db.text_factory = lenient_text  # a stored record that is not UTF-8 is compared as ``select`` read it
        try:
            with self._transaction() as db:
                unchanged = [r for r in records if self._stored_as(db, r)]
                if not unchanged:
                    return 0
                try:
                    save_records_json(unchanged, backup, new=True)  # a file that appeared since the check is kept
                except FileExistsError:
                    raise backup_exists_error(backup) from None
                removed = 0
                for r in unchanged:
                    where, key = id_is(r.run_id)
                    removed += db.execute("DELETE FROM runs WHERE " + where, (key,)).rowcount
                return removed
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the run store (nothing was removed{self._kept_note(backup)}): {exc}",
                             path=str(self.path)) from None

    @staticmethod
    def _stored_as(db: sqlite3.Connection, record: RunRecord | UnreadableRun) -> bool:
        where, key = id_is(record.run_id)
        row = db.execute("SELECT record FROM runs WHERE " + where, (key,)).fetchone()
        if row is None:
            return False
        text, not_utf8 = record_text(row[0])
        if isinstance(record, UnreadableRun):
            return text == record.text
        if not_utf8:
            return False
        try:
            return RunRecord.model_validate_json(text, context=STORED) == record
        except ValidationError:
            return False

    @staticmethod
    def _kept_note(backup: Path) -> str:
        return f"; the records are also in {backup}, which can be deleted" if Path(backup).exists() else ""

    def delete(self, run_ids: Iterable[str]) -> int:
        """Remove these runs in one transaction; returns how many were removed (unknown ids are skipped)."""
        ids = list(run_ids)
        try:
            with self._transaction() as db:
                return sum(db.execute("DELETE FROM runs WHERE " + where, (key,)).rowcount
                           for where, key in map(id_is, ids))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the run store: {exc}", path=str(self.path)) from None

    # -- reading -------------------------------------------------------------------------------------------
    def get(self, run_id: str) -> RunRecord | None:
        where, key = id_is(run_id)
        rows = self._query("SELECT run_id, record FROM runs WHERE " + where, (key,))
        return rows[0] if rows else None

    def find(self, prefix: str) -> list[RunRecord]:
        """Records whose run id starts with ``prefix`` as written (for ``claimcheck runs show r-3fa``): not
        ``LIKE``, whose ``_`` and ``%`` are wildcards and which folds case, so ``runs remove r_3fa`` or
        ``R-3FA`` would name a run that was not given (``run_id >=`` lets the key's index find the first)."""
        return self._query("SELECT run_id, record FROM runs WHERE " + prefix_is(prefix), prefix_args(prefix))

    def records(self, *, paper_id: str | None = None, status: str | None = None) -> list[RunRecord]:
        sql, args = "SELECT run_id, record FROM runs WHERE 1=1", []
        if paper_id:
            where, key = id_is(paper_id, "paper_id")
            sql, args = sql + " AND " + where, args + [key]
        if status:
            sql, args = sql + " AND status = ?", args + [status]
        return self._query(sql + " ORDER BY paper_id, system, tasks, seed, run_id", tuple(args))

    def unique(self, prefix: str, *, field: str = "run_id") -> RunRecord:
        """The one run whose id starts with ``prefix``; an InputError (on ``field``) for none or several."""
        return _the_one(self.find(prefix), prefix, field)

    def select(self, run_ids: Iterable[str] = (), *, tasks: Iterable[str] = (), systems: Iterable[str] = (),
               paper_id: str | None = None) -> list[RunRecord | UnreadableRun]:
        """The runs named by ``run_ids`` (each a unique id prefix; all runs when none is given) that match
        every filter: measured one of ``tasks``, of one of ``systems``, of ``paper_id``. A run whose
        stored record does not validate, named by its id or met by the filters, comes as an
        ``UnreadableRun`` (so that ``runs remove`` can take it out), matched against the filters by the
        store's columns (what can be read of it: they were written from the record when it was stored)."""
        chosen: dict[str, RunRecord | UnreadableRun] = {}
        for run_id in run_ids:
            found = self.unique_as_stored(run_id, field="run_ids")
            chosen[found.run_id] = found  # an id given twice counts once
        candidates = list(chosen.values()) if chosen else self._all_as_stored(paper_id)
        tasks, systems = set(tasks), set(systems)
        return [r for r in candidates if (not tasks or tasks & set(record_tasks(r).split(",")))
                and (not systems or r.system in systems) and (not paper_id or r.paper_id == paper_id)]

    def _all_as_stored(self, paper_id: str | None) -> list[RunRecord | UnreadableRun]:
        """Every run (of ``paper_id``), in ``records``' order, a record that does not validate as an
        ``UnreadableRun`` rather than an error."""
        sql, args = AS_STORED + " WHERE 1=1", ()
        if paper_id:
            where, key = id_is(paper_id, "paper_id")
            sql, args = sql + " AND " + where, (key,)
        return [run_as_stored(row) for row in self._read_rows(sql + " ORDER BY paper_id, system, tasks, seed, run_id", args)]

    def find_as_stored(self, prefix: str) -> list[RunRecord | UnreadableRun]:
        """``find``, but a record that does not validate is an ``UnreadableRun``, not an error."""
        return [run_as_stored(row) for row in self._read_rows(AS_STORED + " WHERE " + prefix_is(prefix), prefix_args(prefix))]

    def unique_as_stored(self, prefix: str, *, field: str = "run_id") -> RunRecord | UnreadableRun:
        """``unique``, but a record that does not validate is an ``UnreadableRun``, not an error (nor does
        one stand in the way of saying that the prefix names several runs)."""
        return _the_one(self.find_as_stored(prefix), prefix, field)

    def unreadable_error(self, run: UnreadableRun) -> StoreError:
        """The error a command that reads ``run`` (a stored record that does not validate, or is not
        UTF-8) stops with: its run id, the field and what is wrong, and how to take it out."""
        return invalid_record_error(self.path, run.run_id, run.field, run.message, run.not_utf8)

    def ok_ids(self) -> set[str]:
        return self._ids("SELECT run_id FROM runs WHERE status = 'ok'")

    def has_ok(self, run_id: str) -> bool:
        """Whether a successful record of ``run_id`` is stored now (another process may have written it
        since this one listed ``ok_ids``)."""
        where, key = id_is(run_id)
        return bool(self._read_rows("SELECT 1 FROM runs WHERE " + where + " AND status = 'ok'", (key,)))

    def failed_ids(self) -> set[str]:
        """Runs stored as failed (a run that crashed, or lost its worker)."""
        return self._ids("SELECT run_id FROM runs WHERE status != 'ok'")

    def _ids(self, sql: str) -> set[str]:
        return {r[0] for r in self._read_rows(sql)}

    def count(self) -> int:
        rows = self._read_rows("SELECT COUNT(*) FROM runs")
        return rows[0][0] if rows else 0

    def _query(self, sql: str, args: tuple) -> list[RunRecord]:
        rows = self._read_rows(sql, args)
        out = []
        for run_id, text in rows:
            if type(text) is not str:  # not UTF-8 text (``_fetch``), or a BLOB
                text, not_utf8 = record_text(text)
                if not_utf8:
                    raise invalid_record_error(self.path, run_id, *not_utf8)
            try:
                out.append(RunRecord.model_validate_json(text, context=STORED))
            except ValidationError as exc:
                raise invalid_record_error(self.path, run_id, *record_problem(text, exc)) from None
        return out

    # -- claims: the runs some process is executing now (``run_claims``) ------------------------------------
    def claim(self, run_id: str, *, wait: bool = False) -> RunClaim | None:
        """Claim ``run_id`` for this process while it executes the run; use the claim as a context
        manager, and store the run's record before leaving it. None when another process holds the
        claim; with ``wait``, this waits instead until that process lets go (it stored the run, failed,
        or ended), so a caller then checks ``has_ok`` before executing. How a claim is taken, enforced
        and ended: ``run_claims``."""
        from claimcheck.results.run_claims import claim_run  # not for a command that only reads

        return claim_run(self.path, run_id, wait=wait, readonly=self.readonly)

    def claim_holder(self, run_id: str) -> str:
        """Who holds the claim on ``run_id``, as its file says ("pid 4242 on host"), or ""."""
        from claimcheck.results.run_claims import claim_holder

        return claim_holder(self.path, run_id)


def record_tasks(record: RunRecord | UnreadableRun) -> str:
    """The tasks a run measured ("xquad" or "mlqa,xquad"), or its target task when it has no metrics
    (for a record that does not validate, what the store's column says)."""
    if isinstance(record, UnreadableRun):
        return record.tasks
    return ",".join(sorted({m.task for m in record.metrics})) or str(record.spec.get("target", {}).get("task", ""))


def _row(record: RunRecord, store: Path) -> tuple:
    tasks = record_tasks(record)
    written_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    # the record as JSON, each control character, bidi control or mark and line or paragraph separator as a JSON
    # escape (``visible_json``): `sqlite3 runs.sqlite` shows no raw control; read back, the values are as written
    try:
        data = record.model_dump(mode="json")
    except UnicodeEncodeError:  # pydantic cannot write a key holding a lone surrogate as JSON
        raise lone_surrogate_error(store, record.run_id, record.model_dump()) from None
    text = visible_json(json.dumps(data, sort_keys=True, ensure_ascii=False), keep_surrogates=True)
    if not text.isascii() and LONE_SURROGATE.search(text):  # isascii is O(1): an ASCII record is not scanned
        raise lone_surrogate_error(store, record.run_id, data)
    return (record.run_id, record.paper_id, record.system, record.seed, record.preset, record.fidelity, record.status, tasks, written_at, text)


def _the_one(found: list, prefix: str, field: str):
    """The one run an id prefix found; an InputError (on ``field``) for none or several."""
    if not found:
        raise InputError(f"no stored run has an id starting with {prefix!r}{id_note(prefix)}", field=field)
    if len(found) > 1:
        raise InputError(f"{len(found)} stored runs have ids starting with {prefix!r}: give a longer prefix", field=field)
    return found[0]


def load_store_records(path: Path | None = None, *, status: str | None = None) -> list[RunRecord]:
    """Every record (failed ones included, unless ``status`` says otherwise) of the store at ``path``
    (default location when None); [] when no store exists yet."""
    from claimcheck.home import default_store_path

    path = Path(path) if path is not None else default_store_path()
    if not path.exists():
        return []
    with RunStore(path, readonly=True) as store:
        return store.records(status=status)


def open_store(path: Path | None = None, *, readonly: bool = False) -> RunStore:
    """The store at ``path``, or at the default location under the claimcheck home; ``readonly`` for
    a command that only reads (the store must exist: see ``RunStore``)."""
    from claimcheck.home import default_store_path

    return RunStore(path if path is not None else default_store_path(), readonly=readonly)

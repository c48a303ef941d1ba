"""The run store: one SQLite file of run records (default ``claimcheck.home.default_store_path()``).

* WAL mode and a busy timeout, so several processes (a replicate loop, a Ray driver, an import) can
  write at once: each write is one ``BEGIN IMMEDIATE`` transaction, and nothing is lost.
* One row per run id. A successful record is immutable: writing it again is a no-op. A failed record
  (``status="failed"``, infrastructure failure) is replaced when the same run later succeeds.
* Records go in and come out as ``RunRecord`` (validated JSON); the columns beside the JSON exist for
  listing and filtering only.
* A command that only reads opens the store read-only (``readonly=True``): it never writes to it,
  nor beside it, so a store the user may only read (shared, on a read-only mount) serves it.
* A process executing a run claims it (``RunStore.claim``: a file lock in ``<store>-claims/``), so
  another process writing the same store leaves that run to it instead of executing it too.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from claimcheck.errors import InputError, StoreError, error_message, field_place
from claimcheck.results.records import STORED, RunRecord, surrogate_cause
from claimcheck.visible import visible_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    paper_id    TEXT NOT NULL,
    system      TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    preset      TEXT NOT NULL,
    fidelity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    tasks       TEXT NOT NULL,
    written_at  TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_paper ON runs (paper_id, system);
"""
try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: claims are not enforced
    fcntl = None

BUSY_TIMEOUT_S = 60.0
CLAIMS_SUFFIX = "-claims"  # <store>-claims/: one lock file per run a process is executing
_COLUMNS = ("run_id", "paper_id", "system", "seed", "preset", "fidelity", "status", "tasks", "written_at", "record")


def refuse_a_path_that_holds_no_store(path: Path, *, field: str | None = None) -> None:
    """A folder at ``path``, or a file where one of its folders belongs: said as such (SQLite and
    ``mkdir`` would say "unable to open database file" or "File exists", and a command that reads
    only an existing store would read none), and so is a loop of symbolic links on the way, which
    would read as no file at all. ``field``: the option that named the path."""
    path = Path(path)
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            loop = next((p for p in (*reversed(path.parents), path) if _loops(p)), path)
            raise StoreError("is a loop of symbolic links, not a run store" if loop == path else
                             f"cannot open the run store: {loop} is a loop of symbolic links", path=str(path), field=field) from None
    if path.is_dir():
        raise StoreError("is a folder, not a run store (a store is one SQLite file)", path=str(path), field=field)
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise StoreError(f"cannot open the run store: {folder} is a file, not a folder", path=str(path), field=field)
            return


def _in_wal_mode(path: str) -> bool:
    """Whether the SQLite file at ``path`` says, in its header, that it is in WAL mode."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return False
    return len(head) == 20 and head.startswith(b"SQLite format 3\x00") and head[18] == 2


_READ_TRIES = 5


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


class RunStore:
    """A SQLite file of run records. Use as a context manager, or call ``close()``.

    ``readonly``: for a command that only reads. The file must exist; it is opened with SQLite's
    ``mode=ro``, so nothing is written to it, and a store in WAL mode is read without creating its
    ``-wal`` and ``-shm`` files when they are not there: a read-only connection leaves them behind,
    owned by the reader, and another user's writer can then no longer write (and in a folder the
    reader may not write, ``mode=ro`` cannot open it at all). Such a store is read as ``immutable``,
    and each read is checked against the files' sizes and times: a writer that came meanwhile makes
    the read start again, the way a reader sharing the write-ahead log would have seen its write."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._has_runs = True  # False: a new or empty file read without a runs table (no runs)
        self._state: tuple | None = None  # the files' (inode, size, mtime) when read as immutable
        refuse_a_path_that_holds_no_store(self.path)
        if readonly:
            try:
                self._open_to_read()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot open the run store: {exc}", path=str(self.path)) from None
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._refuse_another_database()  # before anything is written to it: WAL mode, the table
            self._use_wal()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            with self._transaction() as db:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
            self._has_runs = True
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the run store: {exc}", path=str(self.path)) from None

    def _use_wal(self) -> None:
        """Switch the store to WAL mode (a no-op once it is in it). Processes opening a new store at once
        meet in the switch, and SQLite answers the one that loses with "database is locked" at once,
        without waiting out the busy timeout: it tries again until the timeout has passed."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _files_state(self) -> tuple:
        """(inode, size, mtime) of the store file and of its ``-wal`` and ``-shm`` (None: not there).
        SQLite puts them beside the file a link leads to."""
        state = []
        for suffix in ("", "-wal", "-shm"):
            try:
                st = os.stat(self._real + suffix)
                state.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:
                state.append(None)
        return tuple(state)

    def _open_to_read(self) -> None:
        """Connect read-only (see the class): a store in WAL mode whose write-ahead log holds nothing
        as an immutable file, else through the log and its shared index (``-shm``)."""
        self._real = os.path.realpath(self.path)
        state = self._files_state()
        uri = Path(self._real).as_uri()
        log = state[1] is not None and state[1][1] > 0  # a -wal that may hold writes not yet in the file
        if not log and _in_wal_mode(self._real):
            self._state = state
            self._db = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None)
            self._refuse_another_database()
            return
        self._db = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            self._refuse_another_database()
        except sqlite3.OperationalError as exc:
            self._db.close()
            if not log:
                raise
            raise StoreError(f"cannot read the run store: {exc}: its write-ahead log {self._real}-wal may hold runs not yet "
                             f"in the file, which SQLite reads through {self._real}-shm, and this user can neither read nor "
                             "create that file: run a claimcheck command on the store as a user who may write in its folder",
                             path=str(self.path)) from None

    def _changed(self) -> bool:
        """Whether an immutable read may have met a writer: the files changed since the store was opened."""
        return self._state is not None and self._files_state() != self._state

    def _read_rows(self, sql: str, args: tuple = ()) -> list:
        """The rows of a read; one that met a writer (``_changed``) is read again from a fresh connection."""
        for _ in range(_READ_TRIES):
            try:
                rows = self._fetch(sql, args)
            except sqlite3.Error as exc:
                if not self._changed():
                    raise StoreError(f"cannot read the run store: {exc}", path=str(self.path)) from None
                rows = None
            if rows is not None and not self._changed():
                return rows
            factory = self._db.text_factory
            self._db.close()
            self._state = None
            try:
                self._open_to_read()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot read the run store: {exc}", path=str(self.path)) from None
            self._db.text_factory = factory
        raise StoreError("cannot read the run store: another process kept writing to it while it was read; try again",
                         path=str(self.path))

    def _fetch(self, sql: str, args: tuple) -> list:
        """The rows of one read. A text that is not UTF-8 (another program's bytes: SQLite keeps what it is
        given) stops Python's sqlite3, naming the column but not the row; the read is then made again
        with every text read leniently (``_lenient_text``), so that the run holding it is named by its id
        (a record: ``_record_text``), and the connection keeps reading so. A store of UTF-8 text, as
        claimcheck writes it, is read by sqlite3's own decoding."""
        if not self._has_runs:
            return []
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if self._db.text_factory is _lenient_text or "decode to UTF-8" not in str(exc):
                raise
        self._db.text_factory = _lenient_text
        return self._db.execute(sql, args).fetchall()

    def _refuse_another_database(self) -> None:
        """Another program's SQLite file (given as ``--store`` by a slip) is not made a run store: it
        would get a ``runs`` table and WAL mode, even from a command that only reads. A new or empty
        file, or one with the runs table, is a store."""
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        why = None
        if tables and "runs" not in tables:
            why = f"a SQLite database without a runs table (it has {', '.join(sorted(tables)[:5])}{', ...' if len(tables) > 5 else ''})"
        elif tables:
            have = {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}
            if missing := [c for c in _COLUMNS if c not in have]:
                why = f"its runs table has no column {', '.join(missing)}"
        if why:
            self._db.close()
            raise StoreError(f"not a run store: {why}; it was left as it was", path=str(self.path))
        self._has_runs = bool(tables)

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")  # takes the write lock now: no upgrade deadlock between writers
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------------------
    def save(self, record: RunRecord) -> bool:
        """Write one finished run in one transaction. True if written; False if an ok record was already there."""
        return self.save_many([record]) == 1

    def save_many(self, records: Iterable[RunRecord]) -> int:
        """Write records in one transaction; returns how many were written (ok records are never replaced).
        A record holding a lone surrogate stops it before anything is written (``_lone_surrogate_error``)."""
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
        self._db.text_factory = _lenient_text  # a stored record that is not UTF-8 is compared as ``select`` read it
        try:
            with self._transaction() as db:
                unchanged = [r for r in records if self._stored_as(db, r)]
                if not unchanged:
                    return 0
                try:
                    save_records_json(unchanged, backup, new=True)  # a file that appeared since the check is kept
                except FileExistsError:
                    raise _backup_exists(backup) from None
                removed = 0
                for r in unchanged:
                    where, key = _id_is(r.run_id)
                    removed += db.execute("DELETE FROM runs WHERE " + where, (key,)).rowcount
                return removed
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the run store (nothing was removed{self._kept_note(backup)}): {exc}",
                             path=str(self.path)) from None

    @staticmethod
    def _stored_as(db: sqlite3.Connection, record: RunRecord | UnreadableRun) -> bool:
        where, key = _id_is(record.run_id)
        row = db.execute("SELECT record FROM runs WHERE " + where, (key,)).fetchone()
        if row is None:
            return False
        text, not_utf8 = _record_text(row[0])
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
                           for where, key in map(_id_is, ids))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the run store: {exc}", path=str(self.path)) from None

    # -- reading -------------------------------------------------------------------------------------------
    def get(self, run_id: str) -> RunRecord | None:
        where, key = _id_is(run_id)
        rows = self._query("SELECT run_id, record FROM runs WHERE " + where, (key,))
        return rows[0] if rows else None

    def find(self, prefix: str) -> list[RunRecord]:
        """Records whose run id starts with ``prefix`` as written (for ``claimcheck runs show r-3fa``): not
        ``LIKE``, whose ``_`` and ``%`` are wildcards and which folds case, so ``runs remove r_3fa`` or
        ``R-3FA`` would name a run that was not given (``run_id >=`` lets the key's index find the first)."""
        return self._query("SELECT run_id, record FROM runs WHERE " + _prefix_is(prefix), _prefix_args(prefix))

    def records(self, *, paper_id: str | None = None, status: str | None = None) -> list[RunRecord]:
        sql, args = "SELECT run_id, record FROM runs WHERE 1=1", []
        if paper_id:
            where, key = _id_is(paper_id, "paper_id")
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
        sql, args = _AS_STORED + " WHERE 1=1", ()
        if paper_id:
            where, key = _id_is(paper_id, "paper_id")
            sql, args = sql + " AND " + where, (key,)
        return [_as_stored(row) for row in self._read_rows(sql + " ORDER BY paper_id, system, tasks, seed, run_id", args)]

    def find_as_stored(self, prefix: str) -> list[RunRecord | UnreadableRun]:
        """``find``, but a record that does not validate is an ``UnreadableRun``, not an error."""
        return [_as_stored(row) for row in self._read_rows(_AS_STORED + " WHERE " + _prefix_is(prefix), _prefix_args(prefix))]

    def unique_as_stored(self, prefix: str, *, field: str = "run_id") -> RunRecord | UnreadableRun:
        """``unique``, but a record that does not validate is an ``UnreadableRun``, not an error (nor does
        one stand in the way of saying that the prefix names several runs)."""
        return _the_one(self.find_as_stored(prefix), prefix, field)

    def unreadable_error(self, run: UnreadableRun) -> StoreError:
        """The error a command that reads ``run`` (a stored record that does not validate, or is not
        UTF-8) stops with: its run id, the field and what is wrong, and how to take it out."""
        return _invalid_error(self.path, run.run_id, run.field, run.message, run.not_utf8)

    def ok_ids(self) -> set[str]:
        return self._ids("SELECT run_id FROM runs WHERE status = 'ok'")

    def has_ok(self, run_id: str) -> bool:
        """Whether a successful record of ``run_id`` is stored now (another process may have written it
        since this one listed ``ok_ids``)."""
        where, key = _id_is(run_id)
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
                text, not_utf8 = _record_text(text)
                if not_utf8:
                    raise _invalid_error(self.path, run_id, *not_utf8)
            try:
                out.append(RunRecord.model_validate_json(text, context=STORED))
            except ValidationError as exc:
                raise _invalid_error(self.path, run_id, *_problem(text, exc)) from None
        return out

    # -- claims: the runs some process is executing now -----------------------------------------------------
    def claim(self, run_id: str, *, wait: bool = False) -> RunClaim | None:
        """Claim ``run_id`` for this process while it executes the run; use the claim as a context
        manager, and store the run's record before leaving it. None when another process holds the
        claim; with ``wait``, this waits instead until that process lets go (it stored the run, failed,
        or ended), so a caller then checks ``has_ok`` before executing.

        A claim is an exclusive ``flock`` on ``<store>-claims/<run id>.lock``: beside the store (its
        real path), so every process writing the store meets it whatever its claimcheck home; the
        kernel ends it when the process ends, however it ends, so a killed process leaves no claim to
        go stale (no pid to check, no timeout). The file holds the owner's pid and host, for messages
        only (``claim_holder``); it is deleted when the claim ends, and the folder with the last one.
        Where no such lock can be taken (not POSIX, a folder this user may not write, a file system
        without locks), the claim is granted without being enforced: two processes may then execute
        one run, and the store still keeps one record of it (an ok record is never replaced).

        Every user who may write the store may claim its runs: the folder and its files get the store
        file's permissions (and, made by root, its owner), as SQLite gives them to the store's ``-wal``
        and ``-shm``, whatever the umask; a claim file this user may not write (left by an older
        claimcheck, which made them 0644) is locked through a descriptor open to read."""
        if fcntl is None or self.readonly:  # nothing is written beside a store opened to read
            return RunClaim(None, None)
        path = self._claim_path(run_id)
        try:
            fd = _lock_claim_file(path, wait, _store_stat(self.path))
        except OSError:
            return RunClaim(None, None)
        return None if fd is None else RunClaim(path, fd)

    def claim_holder(self, run_id: str) -> str:
        """Who holds the claim on ``run_id``, as its file says ("pid 4242 on host"), or ""."""
        try:
            text = self._claim_path(run_id).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return text.strip()[:200]

    def _claim_path(self, run_id: str) -> Path:
        """``<store>-claims/<name>.lock``: the run id itself when it is a plain file name, else ``h-`` and its
        hash; a lone surrogate in it (an id read from a store whose id is not UTF-8) is hashed as
        ``surrogatepass`` writes it, so every process names the claim on that run alike."""
        name = (run_id if _PLAIN_NAME.fullmatch(run_id) else
                "h-" + hashlib.sha256(run_id.encode("utf-8", "surrogatepass")).hexdigest()[:32])
        return Path(os.path.realpath(self.path) + CLAIMS_SUFFIX) / f"{name}.lock"


def _problem(text: str, exc: ValidationError) -> tuple[str | None, str]:
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


def _invalid_error(path: Path, run_id: str, field: str | None, message: str, not_utf8: int | None = None) -> StoreError:
    """A stored record that does not validate (written by hand, or by a newer claimcheck), named by its
    run id (the store's key, by which ``runs remove`` takes it out) and the field. ``not_utf8``: the
    first byte of a record that is not UTF-8 (``_record_text``), which the backup cannot keep as it is."""
    import shlex

    from claimcheck.visible import visible

    kept = ("keeping it as stored in the backup" if not_utf8 is None else
            f"keeping it in the backup with {not_utf8_kept(not_utf8)}")
    return StoreError(f"stored run {run_id!r} does not validate: {message} (`claimcheck runs remove "
                      f"{visible(shlex.quote(run_id))}` on this store takes it out, {kept})", path=str(path), field=field)


# a stored run as ``_as_stored`` reads it: its record and the columns written beside it
_AS_STORED = "SELECT run_id, record, paper_id, system, seed, preset, status, tasks FROM runs"


def _as_stored(row: tuple) -> RunRecord | UnreadableRun:
    """A row of ``_AS_STORED`` as its record, or as an ``UnreadableRun`` when the record does not validate
    or is not UTF-8."""
    run_id, text, *columns = row
    if type(text) is not str:  # not UTF-8 text (``RunStore._fetch``), or a BLOB
        text, not_utf8 = _record_text(text)
        if not_utf8:
            field, message, byte = not_utf8
            return UnreadableRun(run_id, text, *columns, field=field, message=message, not_utf8=byte)
    try:
        return RunRecord.model_validate_json(text, context=STORED)
    except ValidationError as exc:
        field, message = _problem(text, exc)
        return UnreadableRun(run_id, text, *columns, field=field, message=message)


class _NotUtf8(str):
    """A text read from the store whose bytes are not UTF-8 (``_lenient_text``)."""

    __slots__ = ()


def _lenient_text(raw: bytes) -> str:
    """A text column as ``RunStore._fetch`` reads it once one is not UTF-8: UTF-8 as it is; other bytes
    as a ``_NotUtf8``, each byte that is not UTF-8 a lone surrogate (``surrogateescape``: 0xe9 is
    ``\\udce9``), so no byte is lost, the run's id and columns can be shown (``visible`` writes such a
    byte as ``\\xe9``) and its record is known for what it is (``_record_text``)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _NotUtf8(raw.decode("utf-8", "surrogateescape"))


def _record_text(value: object) -> tuple[str, tuple[str | None, str, int] | None]:
    """A stored record's text, and (field, what is wrong, the first byte that is not UTF-8) when its
    bytes are not UTF-8 (written by another program: claimcheck writes UTF-8 text), else None.
    ``value`` is the record column as read: text, a ``_NotUtf8`` (``_lenient_text``) or a BLOB. Text that is not UTF-8 holds each byte that is
    not as a lone surrogate (0xe9 as ``\\udce9``), the rest as it was: a backup writes that as the
    JSON escape. The field is the first that holds such a byte, when the rest is JSON."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw, how = bytes(value), "a BLOB of bytes"
    elif isinstance(value, _NotUtf8):
        raw, how = value.encode("utf-8", "surrogateescape"), "text"
    else:
        return str(value), None
    try:
        return raw.decode("utf-8"), None  # a BLOB of UTF-8 text: read as the text it is
    except UnicodeDecodeError as exc:
        text, first = raw.decode("utf-8", "surrogateescape"), exc.start
    field = None
    try:
        from claimcheck.results.files import lone_surrogate

        found = lone_surrogate(json.loads(text))
        field = found[0] if found else None
    except (ValueError, RecursionError):  # not JSON even so: the record as a whole
        pass
    return text, (field, f"the record is not UTF-8: byte 0x{raw[first]:02x} at offset {first} (stored as {how} by another "
                         "program; claimcheck writes UTF-8)", raw[first])


def not_utf8_kept(byte: int) -> str:
    """What a backup keeps of a stored record that is not UTF-8, whose first such byte is ``byte``."""
    return (f"each byte that is not UTF-8 as a JSON escape (0x{byte:02x} as \\udc{byte:02x}), to be mended before "
            "`runs import` takes it back")


def _id_is(run_id: str, column: str = "run_id") -> tuple[str, object]:
    """The SQL condition, and its parameter, that picks the stored run ``run_id`` (or the runs of a paper,
    ``column="paper_id"``: `runs list --paper $'x\\xff'` as well). A text holding a lone
    surrogate, which sqlite3 cannot send as text ("surrogates not allowed"), by its bytes (``_id_bytes``):
    a run id that is not UTF-8 as the store reads it (``_lenient_text``), or as Python reads an argument
    holding such a byte (`runs remove $'r-aa\\xff'`), picks the run stored with those bytes."""
    if run_id.isascii() or not _LONE_SURROGATE.search(run_id):  # isascii is O(1): the engine's ids are not scanned
        return f"{column} = ?", run_id
    return f"CAST({column} AS BLOB) = ?", _id_bytes(run_id)


def _id_bytes(text: str) -> bytes | None:
    """The bytes of a run id holding lone surrogates: each one of U+DC80 to U+DCFF the byte it stands for
    (``surrogateescape``, as the store and Python's argument decoding read a byte that is not UTF-8).
    None for one holding another surrogate (half of a UTF-16 pair, from Python only): no stored id reads
    as that, and a comparison with NULL picks no row."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return None


def _prefix_is(prefix: str) -> str:
    """The SQL condition (and order) of ``RunStore.find``: ``_PREFIX``, or for a prefix holding a lone
    surrogate the same on the id's bytes (``_id_bytes``; ``substr`` of a BLOB counts bytes)."""
    if prefix.isascii() or not _LONE_SURROGATE.search(prefix):
        return _PREFIX
    return _PREFIX.replace("run_id >=", "CAST(run_id AS BLOB) >=").replace("substr(run_id,", "substr(CAST(run_id AS BLOB),")


def _prefix_args(prefix: str) -> tuple:
    """The parameters of ``_prefix_is(prefix)``."""
    key = prefix if _prefix_is(prefix) is _PREFIX else _id_bytes(prefix)
    return key, None if key is None else len(key), key


def id_note(run_id: str) -> str:
    """What a message about a run id given as an argument adds when it holds a lone surrogate (a byte that
    was not UTF-8, as Python reads an argument holding one), else "": no id claimcheck gives a run holds
    one, and ``runs list`` shows a stored id that is not UTF-8 with the byte as its escape (``\\xff``)."""
    if run_id.isascii() or not (found := _LONE_SURROGATE.search(run_id)):
        return ""
    from claimcheck.results.records import surrogate_cause

    return (f" (it holds U+{ord(found.group()):04X}, a lone surrogate: {surrogate_cause(ord(found.group()))}; the ids "
            "claimcheck gives runs are r- and hex digits, and `claimcheck runs list` shows a stored id that is not UTF-8 "
            "with each such byte as \\xNN)")


def _the_one(found: list, prefix: str, field: str):
    """The one run an id prefix found; an InputError (on ``field``) for none or several."""
    if not found:
        raise InputError(f"no stored run has an id starting with {prefix!r}{id_note(prefix)}", field=field)
    if len(found) > 1:
        raise InputError(f"{len(found)} stored runs have ids starting with {prefix!r}: give a longer prefix", field=field)
    return found[0]


# a run id that starts with the prefix as written (see ``RunStore.find``)
_PREFIX = "run_id >= ? AND substr(run_id, 1, ?) = ? ORDER BY run_id"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,100}")  # a run id usable as a file name as it is
_CLAIM_TRIES = 100


def _store_stat(store: Path) -> os.stat_result | None:
    """The store file's ``stat`` (its real path's), whose permissions and owner the claims get; None if it is gone."""
    try:
        return os.stat(os.path.realpath(store))
    except OSError:
        return None


def _like_the_store(path: Path | int, like: os.stat_result, mode: int) -> None:
    """Give the claims folder or file ``path`` (a path, or a descriptor) ``mode`` and, where this process
    is root, the store's owner (``like``), as SQLite does for the store's ``-wal`` and ``-shm``."""
    chmod, chown = (os.fchmod, os.fchown) if isinstance(path, int) else (os.chmod, os.chown)
    chmod(path, mode)
    if os.geteuid() == 0 and (like.st_uid, like.st_gid) != (0, 0):
        try:
            chown(path, like.st_uid, like.st_gid)
        except OSError:  # the claim works all the same, for root
            pass


def _claims_folder(folder: Path, like: os.stat_result | None) -> None:
    """Make the claims folder unless it is there: with the store's permissions (``like``; ``x`` where ``r``),
    made under another name and renamed into place, so no other user finds it before it has them."""
    if folder.is_dir():
        return
    if like is None:
        folder.mkdir(exist_ok=True)
        return
    mode = like.st_mode & 0o666
    made = folder.with_name(f"{folder.name}.new-{os.getpid()}-{os.urandom(4).hex()}")
    os.mkdir(made, 0o700)
    try:
        _like_the_store(made, like, mode | (mode & 0o444) >> 2)
        os.rename(made, folder)
    except OSError:
        try:
            os.rmdir(made)
        except OSError:
            pass
        if not folder.is_dir():  # a file in the way, an unwritable folder: no claim
            raise


def _open_claim_file(path: Path, like: os.stat_result | None) -> tuple[int, bool]:
    """(descriptor, whether it is open to write) of the claim file ``path``, made if it is not there
    with the store's permissions (``like``). One this user may not write (another user's, made by an
    older claimcheck) is opened to read: ``flock`` locks it all the same on a local file system."""
    cloexec = getattr(os, "O_CLOEXEC", 0)
    mode = 0o644 if like is None else like.st_mode & 0o666
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | cloexec, mode)
    except PermissionError as refused:
        try:
            return os.open(path, os.O_RDONLY | cloexec), False
        except FileNotFoundError:  # not there, and not to be made here: the folder is not this user's to write
            raise refused from None
    if like is not None:
        try:
            st = os.fstat(fd)
            if st.st_size == 0 and st.st_uid == os.geteuid() and st.st_mode & 0o777 != mode:  # made now, less the umask
                _like_the_store(fd, like, mode)
        except OSError:
            pass  # this user keeps its claim; another may not write the file, and locks it open to read
    return fd, True


def _lock_claim_file(path: Path, wait: bool, like: os.stat_result | None = None) -> int | None:
    """An open descriptor of ``path`` holding its exclusive ``flock``, or None if another holds it (not
    ``wait``). A holder deletes the file before it lets go, so a lock won on a file no longer at
    ``path`` claims nothing: it is let go and the file taken again (as when the folder went meanwhile).
    ``like``: the store's ``stat``, whose permissions the claims get (``_claims_folder``, ``_open_claim_file``).
    A file won through a descriptor open to read (another user's, left by a process that ended) is
    deleted where this user may, and taken again as its own, so that it names this process."""
    for _ in range(_CLAIM_TRIES):
        try:
            _claims_folder(path.parent, like)
            fd, writable = _open_claim_file(path, like)
        except FileNotFoundError:  # the folder was removed by a process letting go of the last claim
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        try:
            here = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            here = False
        if here and not writable:
            try:
                os.unlink(path)  # as a holder letting go: whoever locks it next finds it gone
                here = False
            except OSError:
                pass  # the claim holds all the same; its text names the process that made the file
        if here:
            try:
                os.ftruncate(fd, 0)
                os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
            except OSError:
                pass  # the text is for messages only
            return fd
        os.close(fd)
    raise OSError(f"could not claim {path}: it kept being replaced")


class RunClaim:
    """This process's claim on a run (``RunStore.claim``); ``enforced`` is False where no lock could be
    taken. Ends on leaving the ``with`` block, or by ``release()``."""

    def __init__(self, path: Path | None, fd: int | None):
        self.path, self._fd = path, fd

    @property
    def enforced(self) -> bool:
        return self.path is not None

    def __enter__(self) -> RunClaim:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def release(self) -> None:
        """Delete the claim file, then let go of its lock (so that whoever locks a file at that path
        next finds it new, see ``_lock_claim_file``), and the folder if no claim is left in it."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(fd)
        try:
            os.rmdir(self.path.parent)
        except OSError:  # another claim is in it (or it is gone)
            pass


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
        raise _lone_surrogate_error(store, record.run_id, record.model_dump()) from None
    text = visible_json(json.dumps(data, sort_keys=True, ensure_ascii=False), keep_surrogates=True)
    if not text.isascii() and _LONE_SURROGATE.search(text):  # isascii is O(1): an ASCII record is not scanned
        raise _lone_surrogate_error(store, record.run_id, data)
    return (record.run_id, record.paper_id, record.system, record.seed, record.preset, record.fidelity, record.status, tasks, written_at, text)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.dumps writes a pair as the one character it is


def _lone_surrogate_error(store: Path, run_id: str, data: dict) -> StoreError:
    """A record holding a lone surrogate, which the store's UTF-8 text cannot hold (sqlite3 would stop on
    it, "surrogates not allowed", naming neither the run nor the field), nor as its JSON escape
    (``\\udcff``: read back, pydantic's parser refuses the record). The engine stores none (a byte of a
    file name that was not UTF-8, in an error text it records, becomes ``\\xff``: ``pipeline.storable``),
    and a result file holding one is refused when it is read, naming the file and the field; a record
    that reaches the store with one all the same (made in Python) is refused, naming the run and the
    field, and nothing is written."""
    from claimcheck.results.files import lone_surrogate

    field, what = lone_surrogate(data) or (None, "")
    code = int(m.group(1), 16) if (m := re.search(r"\\u([0-9a-fA-F]{4})", what)) else 0xDCFF
    return StoreError(f"cannot store run {run_id!r}: it holds \\u{code:04x}, a lone surrogate ({surrogate_cause(code)}), which the run "
                      "store's UTF-8 text cannot hold; nothing was written", path=str(store), field=field)


def refuse_existing_backup(backup: Path) -> None:
    """A backup must be a new file: writing over one would lose the records it holds, which may be
    the only copy of runs already removed from the store."""
    backup = Path(backup)
    if backup.exists() or backup.is_symlink():
        raise _backup_exists(backup)


class BackupExistsError(InputError):
    """The backup file of ``runs remove`` is already there (nothing was removed)."""


def _backup_exists(backup: Path) -> InputError:
    return BackupExistsError("already exists and may hold runs removed earlier; nothing was removed. Choose a new "
                      "file, or leave out --backup for a fresh one under $CLAIMCHECK_HOME/removed/",
                      path=str(backup), field="--backup")


def save_records_json(records: Iterable[RunRecord | UnreadableRun], path: Path, *, new: bool = False) -> None:
    """Write records as a result file (``{"runs": [...]}``, sorted by run id), atomically; with
    ``new``, only if no file is there (else ``FileExistsError``, nothing written). A record that does
    not validate (``UnreadableRun``) is written as it was stored."""
    from claimcheck.atomic import save_text_atomic
    from claimcheck.results.files import render_records_json, runs_json_text

    path = Path(path)
    records = list(records)
    if any(isinstance(r, UnreadableRun) for r in records):
        runs = [r.as_stored() if isinstance(r, UnreadableRun) else r.model_dump(mode="json")
                for r in sorted(records, key=lambda r: r.run_id)]
        text = runs_json_text(runs)  # as render_records_json
    else:
        text = render_records_json(records)
    try:
        save_text_atomic(path, text, new=new)
    except FileExistsError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot write the export file: {exc.strerror or exc}", path=str(path)) from None


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

"""The run store's SQLite file, opened to write, or only to read without writing to it or beside it.

* WAL mode and a busy timeout, so several processes (a replicate loop, a Ray driver, an import) can
  write at once: each write is one ``BEGIN IMMEDIATE`` transaction, and nothing is lost.
* A command that only reads opens the store read-only (``readonly=True``): it never writes to it,
  nor beside it, so a store the user may only read (shared, on a read-only mount) serves it.
* A path that holds no store (a folder, a file where a folder belongs, a loop of links), and another
  program's SQLite database, are refused before anything is written to them.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimcheck.errors import StoreError
from claimcheck.results.stored_text import lenient_text

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

BUSY_TIMEOUT_S = 60.0
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


class StoreFile:
    """The SQLite file of a run store, open (``RunStore`` reads and writes the runs in it); ``close()``
    closes it.

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
        with every text read leniently (``lenient_text``), so that the run holding it is named by its id
        (a record: ``record_text``), and the connection keeps reading so. A store of UTF-8 text, as
        claimcheck writes it, is read by sqlite3's own decoding."""
        if not self._has_runs:
            return []
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if self._db.text_factory is lenient_text or "decode to UTF-8" not in str(exc):
                raise
        self._db.text_factory = lenient_text
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

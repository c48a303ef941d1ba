"""Stage folders: where a stage keeps its checkpoints, how it marks itself done, how it is locked.

    <home>/work/<key>/            one folder per stage (key = hash of the stage's sub-spec)
        checkpoint/state.pt       resumable training state (written atomically every N steps)
        encoder/ | trained.pt     the stage's output (renamed into place when complete)
        metrics.json              (target stages) metrics per evaluated slice
        done.json                 written last, atomically: the stage is finished
    <home>/work/<key>.lock        an exclusive file lock while a process computes the stage
    <home>/work/<key>.users       a shared file lock held by each process that will still use the stage's
                                  outputs (``StageUses``); they are dropped only under an exclusive one,
                                  and the file with them (``StageDir.drop_unused``)
    <home>/work/events.jsonl      one line per stage event (start, resume, done, cached), append-only

A process killed at any point leaves either no ``done.json`` (the stage resumes from its last
checkpoint) or a complete stage. Nothing half-written is ever read: every file is written to a
temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from claimcheck.atomic import save_text_atomic
from claimcheck.results.run_claims import closed_on_error, open_to_lock
from claimcheck.visible import visible_json

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
    fcntl = None


def write_json_atomic(path: Path, payload: dict) -> None:
    """``payload`` as sorted, indented JSON, each control character, bidi control or mark and line or paragraph
    separator in a string (a task name, a note) written as a JSON escape (``visible_json``): ``read_json`` gives
    the same values back, and no terminal or editor showing the file acts on them."""
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
    save_text_atomic(path, visible_json(text, keep_surrogates=True))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


class StageDir:
    def __init__(self, work: Path, key: str):
        self.work, self.key = work, key
        self.path = work / key

    @property
    def checkpoint(self) -> Path:
        return self.path / "checkpoint"

    @property
    def done_file(self) -> Path:
        return self.path / "done.json"

    def done(self) -> dict | None:
        """The stage's completion record, or None if it has not finished."""
        return read_json(self.done_file)

    def mark_done(self, info: dict) -> None:
        write_json_atomic(self.done_file, info)

    def has_checkpoint(self) -> bool:
        return (self.checkpoint / "state.pt").exists()

    def drop(self, *names: str) -> None:
        """Delete heavy outputs once they are no longer needed (records keep the numbers)."""
        for name in names:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            elif target.exists():
                target.unlink()

    def drop_unused(self, *names: str) -> bool:
        """``drop`` them unless another process still uses them: only under an exclusive lock on
        ``<work>/<key>.users``, taken without waiting, which no process holding a use (``StageUses``)
        lets it have. False, nothing dropped, while one does: the last of them drops them. Where no lock
        can be taken (not POSIX, a folder this user may not write, a file system without locks), they
        are dropped as ``drop`` does.

        The users file is deleted with them, still under the lock (else one would stay behind for every
        fine-tune ever trained): a process that opened it meanwhile and locks it after finds the file it
        locked no longer at its path, and takes the new one (``_users_lock``)."""
        users = self.work / f"{self.key}{USERS_SUFFIX}"
        if not any(os.path.lexists(self.path / name) for name in names) and not os.path.lexists(users):
            return True
        try:
            fd = _users_lock(self.work, self.key, fcntl.LOCK_EX | fcntl.LOCK_NB) if fcntl is not None else None
        except BlockingIOError:  # another process still uses them
            return False
        try:
            self.drop(*names)
            if fd is not None:
                try:
                    os.unlink(users)
                except OSError:  # a folder this user may not write: the file stays, as before
                    pass
        finally:
            if fd is not None:
                os.close(fd)
        return True

    @contextmanager
    def using(self) -> Iterator[None]:
        """A use of the stage's outputs for the ``with`` block (``StageUses``): no process drops them meanwhile."""
        with StageUses(self.work, (self.key,)):
            yield

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive while computing: a second process on the same stage waits, then finds it done."""
        self.work.mkdir(parents=True, exist_ok=True)
        with open(self.work / f"{self.key}.lock", "a+") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def log(self, stage: str, event: str, **info) -> None:
        """Append one event line (O_APPEND writes of one short line do not interleave)."""
        self.work.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"time": time.time(), "pid": os.getpid(), "stage": stage, "key": self.key, "event": event, **info})
        with open(self.work / "events.jsonl", "a", encoding="utf-8") as f:
            f.write(line + "\n")


USERS_SUFFIX = ".users"  # <work>/<key>.users: the lock file of a stage's users (``StageUses``)
_MAX_USES = 128  # uses one ``StageUses`` holds at once, at most (each is an open file)
_USERS_TRIES = 100  # times a users file replaced between opening and locking it is taken again (``_users_lock``)


def _uses_limit() -> int:
    """How many uses a ``StageUses`` holds at once: an eighth of the soft open-file limit, at most
    ``_MAX_USES`` and at least one (the limit of 1024 usual on Linux gives 128)."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):  # not POSIX: no locks are taken there anyway
        return _MAX_USES
    if soft == getattr(resource, "RLIM_INFINITY", -1) or soft <= 0:
        return _MAX_USES
    return max(1, min(_MAX_USES, soft // 8))


def _users_lock(work: Path, key: str, operation: int) -> int | None:
    """An open descriptor of ``<work>/<key>.users`` holding the ``flock`` ``operation``; None where no
    lock can be taken (a folder this user may not write, a file system without locks). With
    ``LOCK_NB``, ``BlockingIOError`` when another process holds a lock in the way.

    The file is opened to write where it may be (NFS emulates ``flock`` by ``fcntl`` locks, and an
    exclusive one needs a descriptor open to write), else to read (another user's file: a local file
    system locks it all the same). ``drop_unused`` deletes it under its exclusive lock, so a lock won
    on a file no longer at ``path`` (deleted, or deleted and made again, between this process opening
    it and locking it) would keep out no one: it is let go and the file at ``path`` taken again, as
    claims are (``run_claims._lock_claim_file``). ``BlockingIOError`` too if it kept being replaced."""
    path = work / f"{key}{USERS_SUFFIX}"
    for _ in range(_USERS_TRIES):
        try:
            work.mkdir(parents=True, exist_ok=True)
            fd, _ = open_to_lock(path, 0o666)
        except OSError:
            return None
        try:
            with closed_on_error(fd):
                fcntl.flock(fd, operation)
        except BlockingIOError:
            raise
        except OSError:  # no locks on this file system (or none this descriptor may take)
            return None
        with closed_on_error(fd):  # an interrupt: no descriptor may go on holding the lock
            try:
                here = os.path.samestat(os.fstat(fd), os.stat(path))
            except OSError:  # deleted meanwhile (or ESTALE: replaced on an NFS server): take the one there again
                here = False
        if here:
            return fd
        os.close(fd)
    raise BlockingIOError(f"could not lock {path}: it kept being replaced")


class StageUses:
    """The stages whose outputs this process will still use (a shared fine-tune, by its key): for each, a
    shared ``flock`` on ``<work>/<key>.users``, held until ``release(key)`` or the end of the ``with``
    block. A process drops a stage's outputs only when it can lock that file exclusively
    (``StageDir.drop_unused``), so not while another process, whatever its plan, may still read them.
    Taking a use waits for a process that is dropping them (a moment). Where no lock can be taken
    (not POSIX, a folder this user may not write, a file system without locks) a use is not held,
    and outputs are dropped as before.

    Each use is an open file, so at most ``limit`` are held at once (by default an eighth of the
    process's open-file limit, at most 128): a plan of a thousand fine-tunes must not take the
    descriptors its training needs. The keys past it wait, in the order given, and each takes the
    place of a use let go of (``release``): the fine-tunes the list reaches first are held first."""

    def __init__(self, work: Path, keys: Iterable[str] = (), limit: int | None = None):
        self.work = Path(work)
        self._fds: dict[str, int] = {}
        self._waiting: dict[str, None] = {}  # keys past the limit, in order (a dict: ordered, and removable)
        self.limit = _uses_limit() if limit is None else limit
        try:
            for key in keys:
                self.hold(key)
        except BaseException:
            self.release_all()
            raise

    def hold(self, key: str) -> None:
        if key in self._fds or fcntl is None:
            return
        if len(self._fds) >= self.limit:
            self._waiting[key] = None
            return
        try:
            fd = _users_lock(self.work, key, fcntl.LOCK_SH)
        except BlockingIOError:  # the file kept being replaced (never seen): no use held, as where no lock can be
            return
        if fd is not None:
            self._fds[key] = fd

    def held(self) -> list[str]:
        """The keys of which a use is held now, in the order they were taken."""
        return list(self._fds)

    def release(self, key: str) -> None:
        """This process no longer uses the stage's outputs (a no-op for one it does not hold); the first
        key waiting past the limit takes its place."""
        self._waiting.pop(key, None)
        fd = self._fds.pop(key, None)
        if fd is not None:
            os.close(fd)
        while self._waiting and len(self._fds) < self.limit:
            first = next(iter(self._waiting))
            del self._waiting[first]
            self.hold(first)

    def release_all(self) -> None:
        self._waiting.clear()
        while self._fds:
            os.close(self._fds.popitem()[1])

    def __enter__(self) -> StageUses:
        return self

    def __exit__(self, *exc) -> None:
        self.release_all()


def read_events(work: Path) -> list[dict]:
    path = work / "events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

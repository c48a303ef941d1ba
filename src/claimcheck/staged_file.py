"""A download staged in a temporary file beside its target (``StagedFile``): written in pieces as it
arrives, never held whole in memory, and put in place whole (flushed, given the mode a plain write
would give, renamed, as ``atomic.py`` writes a whole file) or not at all; and the sweep of the staged
files a process killed outright left (``sweep_staged``)."""

from __future__ import annotations

import os
import stat
import tempfile
import threading
import time
from pathlib import Path

from claimcheck.atomic import mode_for, sync_folder
from claimcheck.errors import OutputError

try:
    import fcntl
except ImportError:  # not POSIX: staged files are told apart by their age alone
    fcntl = None


class StagedFile:
    """A file written in pieces (a download) and put in place whole, or not at all.

    ``StagedFile(folder)`` opens a temporary file in ``folder`` (made, with its parents, when missing)
    for reading and writing (``file``); ``keep(path)`` flushes it to disk, gives it the mode a plain
    write of ``path`` would and renames it to ``path``, in the same folder. Leaving the ``with`` block
    without ``keep`` (a refusal, an error, Ctrl-C) removes it, and ``folder`` too when this made it and
    it is still empty: a reader never sees a partial file, and none is left behind. A process killed
    outright leaves its file, locked (``flock``) while it was written: the next ``StagedFile`` of the same
    ``name`` in that folder removes it (``sweep_staged``). A folder or file that cannot be written raises
    ``OutputError`` naming it."""

    def __init__(self, folder: Path, name: str = "download") -> None:
        folder = Path(folder)
        self._made, self._kept = not folder.exists(), False
        try:
            folder.mkdir(parents=True, exist_ok=True)
            sweep_staged(folder, name)
            fd, tmp, self._locked = _new_staged(folder, name)
        except OSError as exc:
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(folder)) from None
        self.folder, self.path = folder, Path(tmp)
        with _LIVE_LOCK:
            _LIVE.add(os.path.abspath(tmp))
        self.file = os.fdopen(fd, "w+b")

    def __enter__(self) -> StagedFile:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def restart(self) -> None:
        """Empty the file, to write it again from the start (a download retried)."""
        self.file.seek(0)
        self.file.truncate()

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as exc:  # a full disk: a message, not a traceback
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(self.folder)) from None

    def size(self) -> int:
        self.file.flush()
        return os.fstat(self.file.fileno()).st_size

    def head(self, n: int) -> bytes:
        self.file.seek(0)
        return self.file.read(n)

    def keep(self, path: Path) -> None:
        """Put the finished file at ``path`` (in ``folder``), replacing whatever file is there."""
        path = Path(path)
        try:
            self.file.flush()
            if hasattr(os, "fchmod"):  # POSIX
                os.fchmod(self.file.fileno(), mode_for(path))
            os.fsync(self.file.fileno())
            if not self._locked:  # (Windows cannot rename an open file)
                self.file.close()
            os.replace(self.path, path)  # still locked while it has its temporary name: never swept
            self.file.close()
        except OSError as exc:
            self.discard()
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(path)) from None
        self._kept = True
        sync_folder(path.parent)

    def discard(self) -> None:
        """Close and remove the file (a no-op once kept or discarded)."""
        with _LIVE_LOCK:
            _LIVE.discard(os.path.abspath(self.path))
        if self._kept:
            self.file.close()
            return
        if not self._locked:  # (Windows cannot remove an open file; no lock to keep while it is named)
            self.file.close()
        self.path.unlink(missing_ok=True)  # locked: before its lock goes with the close
        self.file.close()
        if self._made:
            try:
                self.folder.rmdir()  # only when empty
            except OSError:
                pass
            self._made = False



# ---------------------------------------------------------------- leftovers of a killed download
# A process killed outright (SIGKILL, a power cut) while it writes a StagedFile cannot remove it: the
# hidden ``.<name>.*.part`` stays in the cache folder. The next StagedFile made in that folder removes
# each one no live process is writing. A writer holds an exclusive ``flock`` on its file from the moment
# it is made until it is renamed or removed (the kernel drops it when the process dies, however it dies),
# so one whose lock can be taken is a leftover. Where locks are unavailable (no fcntl, a file system that
# refuses them) a leftover is told by its age instead: a file not written for STALE_PART_AGE_S; a live
# download writes as it receives, and waits at most a few minutes between two attempts.
STALE_PART_AGE_S = 3600.0

_LIVE: set[str] = set()  # this process's own staged files: another thread's is never swept, even where
_LIVE_LOCK = threading.Lock()  # flock is emulated by POSIX locks (NFS), which a process never conflicts with


def _flock(fd: int, blocking: bool) -> bool | None:
    """Take an exclusive flock on ``fd``: True when taken, False when another holds it (only when not
    ``blocking``), None where locks are unavailable."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP...: a file system without locks
        return None


def _same_file(path: str | Path, fd: int) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        st, own = os.stat(path, follow_symlinks=False), os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _new_staged(folder: Path, name: str) -> tuple[int, str, bool]:
    """A new ``.<name>.*.part`` in ``folder``, open and locked, as (descriptor, path, whether locked). A
    sweep in another process may take the file between its creation and its lock; it is then gone (or
    another file has its name), and a new one is made."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        locked = _flock(fd, blocking=True)
        if locked is None or _same_file(tmp, fd):
            return fd, tmp, bool(locked)
        os.close(fd)


def sweep_staged(folder: Path, name: str = "download") -> list[Path]:
    """Remove each ``.<name>.*.part`` in ``folder`` that no live process writes (see above); the files
    removed. One that cannot be opened, locked or removed is left as it is."""
    removed: list[Path] = []
    with _LIVE_LOCK:
        live = set(_LIVE)
    for path in Path(folder).glob(f".{name}.*.part"):
        if os.path.abspath(path) in live:
            continue
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            locked = _flock(fd, blocking=False)
            if locked is False:
                continue  # a live writer
            if locked is None and time.time() - os.fstat(fd).st_mtime < STALE_PART_AGE_S:
                continue  # perhaps a live writer, where no lock tells
            if _same_file(path, fd):  # (under our lock: no writer can claim it now)
                if locked is None:  # (Windows cannot remove an open file; no lock to keep)
                    os.close(fd)
                    fd = -1
                path.unlink()
                removed.append(path)
        except OSError:
            pass
        finally:
            if fd >= 0:
                os.close(fd)
    return removed

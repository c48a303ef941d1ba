"""Claims on runs: the runs some process is executing now, so that no other executes them too.

A process executing a run claims it (``RunStore.claim``, ``claim_run``), so that another process
writing the same store leaves that run to it instead of executing it too.

A claim is an exclusive ``flock`` on ``<store>-claims/<run id>.lock``: beside the store (its real
path), so every process writing the store meets it whatever its claimcheck home; the kernel ends it
when the process ends, however it ends, so a killed process leaves no claim to go stale (no pid to
check, no timeout). The file holds the owner's pid and host, for messages only (``claim_holder``); it
is deleted when the claim ends, and the folder with the last one. Where no such lock can be taken (not
POSIX, a folder this user may not write, a file system without locks), the claim is granted without
being enforced: two processes may then execute one run, and the store still keeps one record of it
(an ok record is never replaced).

Every user who may write the store may claim its runs: the folder and its files get the store file's
permissions (and, made by root, its owner), as SQLite gives them to the store's ``-wal`` and ``-shm``,
whatever the umask; a claim file this user may not write (left by an older claimcheck, which made
them 0644) is locked through a descriptor open to read.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: claims are not enforced
    fcntl = None

CLAIMS_SUFFIX = "-claims"  # <store>-claims/: one lock file per run a process is executing
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,100}")  # a run id usable as a file name as it is
_CLAIM_TRIES = 100


def claim_run(store: Path, run_id: str, *, wait: bool = False, readonly: bool = False) -> RunClaim | None:
    """This process's claim on ``run_id`` of the store at ``store`` (``RunStore.claim``); None when
    another process holds it, unless ``wait``: this then waits until that process lets go. Granted
    without being enforced where no lock can be taken, and for a store opened to read (``readonly``)."""
    if fcntl is None or readonly:  # nothing is written beside a store opened to read
        return RunClaim(None, None)
    path = _claim_path(store, run_id)
    try:
        fd = _lock_claim_file(path, wait, _store_stat(store))
    except OSError:
        return RunClaim(None, None)
    return None if fd is None else RunClaim(path, fd)


def claim_holder(store: Path, run_id: str) -> str:
    """Who holds the claim on ``run_id``, as its file says ("pid 4242 on host"), or ""."""
    try:
        text = _claim_path(store, run_id).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text.strip()[:200]


def _claim_path(store: Path, run_id: str) -> Path:
    """``<store>-claims/<name>.lock``: the run id itself when it is a plain file name, else ``h-`` and its
    hash; a lone surrogate in it (an id read from a store whose id is not UTF-8) is hashed as
    ``surrogatepass`` writes it, so every process names the claim on that run alike."""
    name = (run_id if _PLAIN_NAME.fullmatch(run_id) else
            "h-" + hashlib.sha256(run_id.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return Path(os.path.realpath(store) + CLAIMS_SUFFIX) / f"{name}.lock"


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


def open_to_lock(path: Path, mode: int) -> tuple[int, bool]:
    """(descriptor, whether it is open to write) of the lock file ``path``, made with ``mode`` (less the
    umask) if it is not there; opened to read where this user may not write it (another user's file):
    ``flock`` locks it all the same on a local file system. A file that is not there and may not be made
    raises the ``PermissionError``. Claims (``_open_claim_file``) and stage uses (``stages._users_lock``)."""
    cloexec = getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | cloexec, mode), True
    except PermissionError as refused:
        try:
            return os.open(path, os.O_RDONLY | cloexec), False
        except FileNotFoundError:  # not there, and not to be made here: the folder is not this user's to write
            raise refused from None


@contextmanager
def closed_on_error(fd: int) -> Iterator[None]:
    """Closes ``fd`` if the block raises anything (a busy lock, no locks on this file system, ESTALE, a
    Ctrl-C), then lets it through: a descriptor that holds, or may come to hold, a lock must not outlive
    the attempt. Claims (``_lock_claim_file``) and stage uses (``stages._users_lock``)."""
    try:
        yield
    except BaseException:
        os.close(fd)
        raise


def _open_claim_file(path: Path, like: os.stat_result | None) -> tuple[int, bool]:
    """(descriptor, whether it is open to write) of the claim file ``path``, made if it is not there
    with the store's permissions (``like``). One this user may not write (another user's, made by an
    older claimcheck) is opened to read: ``flock`` locks it all the same on a local file system."""
    mode = 0o644 if like is None else like.st_mode & 0o666
    fd, writable = open_to_lock(path, mode)
    if writable and like is not None:
        try:
            st = os.fstat(fd)
            if st.st_size == 0 and st.st_uid == os.geteuid() and st.st_mode & 0o777 != mode:  # made now, less the umask
                _like_the_store(fd, like, mode)
        except OSError:
            pass  # this user keeps its claim; another may not write the file, and locks it open to read
    return fd, writable


def _lock_claim_file(path: Path, wait: bool, like: os.stat_result | None = None) -> int | None:
    """An open descriptor of ``path`` holding its exclusive ``flock``, or None if another holds it (not
    ``wait``). A holder deletes the file before it lets go, so a lock won on a file no longer at
    ``path`` claims nothing: it is let go and the file taken again (as when the folder went meanwhile).
    ``like``: the store's ``stat``, whose permissions the claims get (``_claims_folder``, ``_open_claim_file``).
    A file won through a descriptor open to read (another user's, left by a process that ended) is
    deleted where this user may, and taken again as its own, so that it names this process. Whatever is
    raised once the lock is won (an error checking the file, a Ctrl-C while its text is written) lets go
    of it first: a descriptor left open would keep every claim on the run out until the process ends."""
    for _ in range(_CLAIM_TRIES):
        try:
            _claims_folder(path.parent, like)
            fd, writable = _open_claim_file(path, like)
        except FileNotFoundError:  # the folder was removed by a process letting go of the last claim
            continue
        try:
            with closed_on_error(fd):
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        with closed_on_error(fd):  # ESTALE, an interrupt (Ctrl-C): no descriptor may go on holding the lock
            if _keep_won_claim(fd, path, writable):
                return fd
        os.close(fd)
    raise OSError(f"could not claim {path}: it kept being replaced")


def _keep_won_claim(fd: int, path: Path, writable: bool) -> bool:
    """Whether the lock just won on ``fd`` claims the run: the file is still the one at ``path`` (then it
    gets this process's pid and host), and open to write, or else deleted here so that it is taken again
    as this user's own. Raises what checking it raises, but "not found"; ``_lock_claim_file`` then lets
    go of the lock."""
    try:
        if not os.path.samestat(os.fstat(fd), os.stat(path)):
            return False
    except FileNotFoundError:
        return False
    if not writable:
        try:
            os.unlink(path)  # as a holder letting go: whoever locks it next finds it gone
            return False
        except OSError:
            pass  # the claim holds all the same; its text names the process that made the file
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
    except OSError:
        pass  # the text is for messages only
    return True


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

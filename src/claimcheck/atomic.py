"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over the target.

A reader never sees a half-written file, and a crash leaves the old file (or none) plus no stray
temporary file. Every module that writes a result, a cache entry or a registry file uses this (a
download, written in pieces as it arrives, through ``staged_file.StagedFile``).

Only a regular file is replaced. A symlink is followed and its target replaced (the link stays); an
existing target that is not a regular file (``/dev/null``, a FIFO, a terminal) and a descriptor link
such as ``/dev/stdout`` are written in place with a plain open, since renaming over them would
destroy the device or cut off the reader.

The file gets the permissions a plain ``open(path, "w")`` would give: an existing file keeps its
mode, a new one gets 0o666 less the umask (the temporary file alone would be 0o600, unreadable to
the colleague or web server a report or an export is written for).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from claimcheck.errors import OutputError


def _umask() -> int:
    """The process umask, read without changing it where Linux shows it (setting it to read it
    would open a window in which files other threads create get the wrong mode)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def mode_for(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` gives ``path``: its own when it exists, else 0o666 less the
    umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


_MAX_LINKS = 40  # as the kernel's own limit


def _resolve_links(path: Path) -> Path | None:
    """Where the chain of symlinks at ``path`` ends (the path itself when it is none), or None when
    it passes through ``/proc`` (``/dev/stdout``, ``/dev/fd/1``): that name is a descriptor, no
    folder to put a temporary file in. The target need not exist yet."""
    for _ in range(_MAX_LINKS):
        path = Path(os.path.realpath(path.parent)) / path.name  # the folders' own links
        if path.parts[1:2] == ("proc",):
            return None
        if not path.is_symlink():
            return path
        path = path.parent / os.readlink(path)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))


def is_descriptor(path: Path) -> bool:
    """Whether ``path`` names an open descriptor (``/dev/stdout``, ``/dev/fd/1``): it is written in
    place, whatever file or pipe is behind it, and holds nothing a write could lose."""
    try:
        return _resolve_links(Path(path)) is None
    except OSError:
        return False


def _own_stream(st: os.stat_result):
    """sys.stdout or sys.stderr when ``st`` is the file it writes to, else None."""
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino):
            return fd, stream
    return None


def _write_in_place(path: Path, data: bytes) -> None:
    """Plain write to what is there. Our own stdout or stderr (``--out /dev/stdout > file``) is
    written through its descriptor, so the output keeps its order with what we print; anything else
    is opened in append mode, which a device or a FIFO ignores and which keeps what a file reached
    through a descriptor link already holds."""
    try:
        own = _own_stream(os.stat(path))
        if own is not None:
            fd, stream = own
            if stream is not None:
                stream.flush()
            with os.fdopen(os.dup(fd), "wb") as fh:
                fh.write(data)
            return
        with open(path, "ab") as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(path)) from None


def _target(given: Path, *, new: bool = False) -> Path | None:
    """Where the temporary file for ``given`` is renamed to (its symlinks followed), or None when the
    target is written in place (a device, a pipe, a descriptor link). Everything that can be told
    without writing is checked here: a folder in the way, a file where a folder belongs, a loop of
    links (``OutputError``), and with ``new`` an existing target (``FileExistsError``)."""
    try:
        resolved = _resolve_links(given)
        st = os.stat(given) if os.path.exists(given) else None
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(given)) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError("is a folder, not a file", path=str(given))
    if resolved is None or (st is not None and not stat.S_ISREG(st.st_mode)):
        return None
    if new and st is not None:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(given))
    for folder in resolved.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"cannot write here: {folder} is a file, not a folder", path=str(given))
            break
    return resolved


def _stage(path: Path, data: bytes, given: Path) -> str:
    """A temporary file beside ``path`` holding ``data``, flushed to disk, with the mode ``path`` will
    have; its name. A failure leaves no temporary file and raises ``OutputError`` naming ``given``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = mode_for(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(given)) from None
    try:
        if hasattr(os, "fchmod"):  # POSIX
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(given)) from None
        raise
    return tmp


def save_bytes_atomic(path: Path, data: bytes, *, new: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; a path that cannot be written raises ``OutputError``
    naming it (nothing is left behind, and an existing file is untouched).

    ``new=True``: the file must not exist yet, and this is decided in the same step that puts it in
    place (the temporary file is hard-linked to ``path``, which the kernel refuses when anything
    is there), so a file that appears between a caller's own check and the write is never replaced:
    ``FileExistsError`` is raised instead and nothing is written. A symlink is followed as for any
    write: one whose target does not exist yet gets that target created. A device or a pipe
    (``/dev/stdout``) is still written in place; it holds nothing to lose.

    The folder entry is flushed to disk too (``sync_folder``) before this returns, so a caller that
    deletes something once the file is written (``runs remove``) never outlives it after a crash.
    """
    given = Path(path)
    resolved = _target(given, new=new)
    if resolved is None:
        _write_in_place(given, data)
        return
    tmp = _stage(resolved, data, given)
    try:
        if new:
            _link_new(tmp, resolved, given)
            Path(tmp).unlink()  # the file now lives under ``path``
        else:
            os.replace(tmp, resolved)
        sync_folder(resolved.parent)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(given)) from None
        raise


def save_files_atomic(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files as one set (the three reports of ``verify --out``): each is replaced
    whole, as by ``save_bytes_atomic``, and a failure leaves every one as it was wherever the
    filesystem allows it.

    Every target is checked first, then every file is written to a temporary file beside its target
    and flushed to disk; only when all of them are written are they renamed into place, in one quick
    pass. So a folder in the way, a full disk or a missing permission changes no file, and the
    ``OutputError`` says that nothing was written. Targets written in place (a device, a pipe) are
    written before the renames. Should something still fail among the renames, the error names the
    files already replaced and those left as they were.
    """
    targets: list[tuple[Path, Path | None, bytes]] = []
    staged: list[tuple[Path, Path, str]] = []
    try:
        targets = [(Path(p), _target(Path(p)), data) for p, data in files]  # all checked before any is written
        for given, resolved, data in targets:
            if resolved is not None:
                staged.append((given, resolved, _stage(resolved, data, given)))
    except BaseException as exc:
        for _, _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise OutputError(f"{exc.message} (nothing was written)", path=exc.path, field=exc.field) from None
        raise
    written: list[Path] = []
    try:
        for given, resolved, data in targets:
            if resolved is None:
                _write_in_place(given, data)
                written.append(given)
        for given, resolved, tmp in staged:
            try:
                os.replace(tmp, resolved)
            except OSError as exc:
                raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(given)) from None
            written.append(given)
    except BaseException as exc:
        for _, _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)  # those not renamed yet
        if isinstance(exc, OutputError):
            left = [str(given) for given, _, _ in targets if given not in written]
            done = f"written: {', '.join(map(str, written))}; left as they were: {', '.join(left)}" if written else "nothing was written"
            raise OutputError(f"{exc.message} ({done})", path=exc.path, field=exc.field) from None
        raise
    for folder in {resolved.parent for _, resolved, _ in staged}:
        sync_folder(folder)


def _link_new(tmp: str, path: Path, given: Path) -> None:
    """Put the finished temporary file at ``path`` only if nothing is there (``os.link`` fails with
    EEXIST otherwise, atomically); the temporary name is then removed by the caller. Where the
    filesystem has no hard links, an exclusive create (``O_EXCL``) is the fallback: still never
    replacing a file, though a reader could see it while it is being copied."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(given)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode_for(path))
    try:
        with os.fdopen(fd, "wb") as fh, open(tmp, "rb") as src:
            fh.write(src.read())
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # ours (O_EXCL made it): a part-written file must not stay to be refused later
        raise


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename or link into it) to disk; a no-op where folders cannot be
    opened (Windows) or synced."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_text_atomic(path: Path, text: str, *, new: bool = False) -> None:
    save_bytes_atomic(path, text.encode("utf-8"), new=new)

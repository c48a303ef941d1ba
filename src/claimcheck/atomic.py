"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over the target.

A reader never sees a half-written file, and a crash leaves the old file (or none) plus no stray
temporary file. Every module that writes a result, a cache entry or a registry file uses this.

The file gets the permissions a plain ``open(path, "w")`` would give: an existing file keeps its
mode, a new one gets 0o666 less the umask (the temporary file alone would be 0o600, unreadable to
the colleague or web server a report or an export is written for).
"""

from __future__ import annotations

import os
import stat
import tempfile
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


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def save_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a path that cannot be written raises ``OutputError``
    naming it (nothing is left behind, and an existing file is untouched)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError("is a folder, not a file", path=str(path))
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"cannot write here: {folder} is a file, not a folder", path=str(path))
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(path)) from None
    try:
        if hasattr(os, "fchmod"):  # POSIX
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(path)) from None
        raise


def save_text_atomic(path: Path, text: str) -> None:
    save_bytes_atomic(path, text.encode("utf-8"))

"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over the target.

A reader never sees a half-written file, and a crash leaves the old file (or none) plus no stray
temporary file. Every module that writes a result, a cache entry or a registry file uses this.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def save_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_text_atomic(path: Path, text: str) -> None:
    save_bytes_atomic(path, text.encode("utf-8"))

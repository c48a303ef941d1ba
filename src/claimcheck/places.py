"""Where a path lies, found by what it is rather than how it is spelled (a relative path, ``..``, a
symbolic link, a bind mount): the checks that keep a write out of claimcheck's shipped data."""

from __future__ import annotations

import os
from pathlib import Path


def resolved(path: Path) -> Path | None:
    """``path`` with every link and ``..`` resolved (it need not exist); None for a loop of links,
    which is left to the write, which names the problem."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def names(where: Path, path: Path, path_resolved: Path | None) -> bool:
    """Whether the resolved path ``where`` names ``path`` (resolved: ``path_resolved``), which need not exist."""
    if where == path_resolved:
        return True
    try:
        return os.path.samefile(where, path)  # another spelling the resolving missed (a bind mount)
    except OSError:  # not there (yet), or not readable: another path
        return False


def lies_in(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies in it, at any depth."""
    where, inside = resolved(path), resolved(folder)
    return where is not None and any(names(f, folder, inside) for f in (where, *where.parents))

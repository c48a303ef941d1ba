"""Where claimcheck keeps its per-user state: the run store, checkpoints, caches.

``CLAIMCHECK_HOME`` overrides the default (``$XDG_DATA_HOME/claimcheck`` or
``~/.local/share/claimcheck``). This module is an edge: it reads the environment, nothing else does.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def claimcheck_home(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLAIMCHECK_HOME"):
        return Path(env["CLAIMCHECK_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "claimcheck"


def default_store_path(env: dict[str, str] | None = None) -> Path:
    return claimcheck_home(env) / "runs.sqlite"


def removed_runs_path(env: dict[str, str] | None = None) -> Path:
    """A new file under ``$CLAIMCHECK_HOME/removed/`` for the records ``claimcheck runs remove`` takes
    out of the store: ``runs-<UTC time>.json``, or ``...-2.json`` when a removal in the same second
    wrote that one."""
    folder = claimcheck_home(env) / "removed"
    stem = time.strftime("runs-%Y%m%dT%H%M%SZ", time.gmtime())
    path, n = folder / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.json"
    return path

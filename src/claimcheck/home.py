"""Where claimcheck keeps its per-user state: the run store, checkpoints, caches.

``CLAIMCHECK_HOME`` overrides the default (``$XDG_DATA_HOME/claimcheck`` or
``~/.local/share/claimcheck``). This module is an edge: it reads the environment, nothing else does.
"""

from __future__ import annotations

import os
from pathlib import Path


def claimcheck_home(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLAIMCHECK_HOME"):
        return Path(env["CLAIMCHECK_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "claimcheck"


def default_store_path(env: dict[str, str] | None = None) -> Path:
    return claimcheck_home(env) / "runs.sqlite"

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
    base = env.get("XDG_DATA_HOME") or str(_user_home() / ".local" / "share")
    return Path(base) / "claimcheck"


def _user_home() -> Path:
    """This user's home folder (``Path.home``: ``HOME``, else the password database). With HOME unset and no
    entry for this user in the database (a container started as a user id it does not list), ``Path.home``
    raises a RuntimeError naming nothing: an ``InputError`` says what to set instead."""
    try:
        return Path.home()
    except RuntimeError:
        from claimcheck.errors import InputError

        raise InputError(f"cannot place the claimcheck home: HOME is unset, and the password database has no entry for "
                         f"this user (uid {os.getuid()}); set CLAIMCHECK_HOME (or HOME)") from None


def home_variable(env: dict[str, str] | None = None) -> str | None:
    """The environment variable that places the claimcheck home: ``CLAIMCHECK_HOME``, else ``XDG_DATA_HOME``,
    else ``HOME`` (``claimcheck_home``); None when ``HOME`` is unset too: the home folder is then the one the
    password database gives this user (as ``Path.home`` reads it), which no variable names."""
    env = os.environ if env is None else env
    if env.get("CLAIMCHECK_HOME"):
        return "CLAIMCHECK_HOME"
    if env.get("XDG_DATA_HOME"):
        return "XDG_DATA_HOME"
    return "HOME" if "HOME" in env else None  # an empty HOME is still the one used (as "/")


def not_utf8_path(path: Path | str) -> str | None:
    """What makes ``path`` no UTF-8 path ("it holds byte 0xe9, which is not UTF-8": Python reads a file name
    holding such a byte with the byte as a lone surrogate, ``os.fsdecode``), or None for a UTF-8 path.
    pyarrow (the ``datasets`` cache) and tokenizers take UTF-8 paths only, and stop on such a one with a
    UnicodeEncodeError naming no path."""
    text = str(path)
    if text.isascii():  # O(1)
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        from claimcheck.results.records import not_utf8_byte  # a path that is not UTF-8 only

        code = ord(text[exc.start])
        if byte := not_utf8_byte(code):
            return f"it holds {byte}, which is not UTF-8"
        return f"it holds U+{code:04X}, a lone surrogate, which UTF-8 cannot write"  # made in Python
    return None


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

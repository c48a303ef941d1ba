"""Command-line interface: each module registers a few thin commands on one typer app.

Speed: the modules of this package do not use ``from __future__ import annotations``. Every call of
the CLI makes typer build the click command of every command (not only the one invoked), and for
each it reads the signature twice (``inspect.signature(eval_str=True)`` and ``get_type_hints``): with
string annotations that is ~400 ``eval``s, each making a new ``typer.Option``; ~40-60 ms per call on
a 2-core machine, against ~15-20 ms with the annotations evaluated once, at import.
``tests/test_import_fence.py`` checks that no module here brings the future import back.
"""

import gc

from claimcheck.cli.app import app
from claimcheck.cli import verify as _verify  # noqa: F401  (registers list/show/validate/schema/verify/report)
from claimcheck.cli import replicate as _replicate  # noqa: F401  (plan/replicate)
from claimcheck.cli import runs as _runs  # noqa: F401  (runs list/show/export/import/remove)
from claimcheck.cli import audit as _audit  # noqa: F401  (audit)
from claimcheck.cli import add as _add  # noqa: F401  (add)


def main() -> None:
    """The console script (and ``python -m claimcheck``): run the app, then leave the heap to the OS.

    ``gc.freeze()`` on the way out (typer ends with ``sys.exit``, hence ``finally``) moves every live
    object to the permanent generation, which the collections of interpreter shutdown do not scan.
    Without it, shutdown walks the whole heap (the run records, pydantic's schemas, rich's tables) in
    full collections: ~120-150 ms of CPU after ``verify all`` has printed, against ~20 ms with it.
    Objects are still freed and flushed as usual (standard streams are flushed, atexit handlers
    run); only cyclic garbage still alive at exit is left to the OS, and Python never promised to
    finalize that anyway. ``app`` itself (the CliRunner tests, library callers) is unaffected.
    """
    try:
        app()
    finally:
        gc.freeze()


__all__ = ["app", "main"]

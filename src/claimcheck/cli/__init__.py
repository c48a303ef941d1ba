"""Command-line interface: each module registers a few thin commands on one typer app.

Two front doors: ``main`` (the console script, ``python -m claimcheck``) first offers argv to
``cli.fastpath``, which runs a plain `claimcheck verify ...` without importing typer; every other
command line goes to the typer app. ``app`` (the typer app with every command registered, which the
tests and library callers use) is built on first use, so that importing this package costs nothing.

Speed: the modules of this package do not use ``from __future__ import annotations``. Every call of
the CLI makes typer build the click command of every command (not only the one invoked), and for
each it reads the signature twice (``inspect.signature(eval_str=True)`` and ``get_type_hints``): with
string annotations that is ~400 ``eval``s, each making a new ``typer.Option``; ~40-60 ms per call on
a 2-core machine, against ~15-20 ms with the annotations evaluated once, at import.
``tests/test_import_fence.py`` checks that no module here brings the future import back.
"""

import gc
import sys
from collections.abc import Sequence

COMMAND_MODULES = ("verify", "replicate", "runs", "audit", "add")  # each registers its commands on the app, in this order


def _typer_app():
    """The typer app with every command registered (importing a command module registers it)."""
    from importlib import import_module

    from claimcheck.cli.app import app

    for name in COMMAND_MODULES:
        import_module(f"claimcheck.cli.{name}")

    globals()["app"] = app  # from now on a plain attribute (importing cli.app set it to the module)
    return app


def __getattr__(name: str):
    if name == "app":
        return _typer_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> None:
    """The console script (and ``python -m claimcheck``): run the command, then leave the heap to the OS.

    ``gc.freeze()`` on the way out (both doors end with ``sys.exit``, hence ``finally``) moves every
    live object to the permanent generation, which the collections of interpreter shutdown do not scan.
    Without it, shutdown walks the whole heap (the run records, pydantic's schemas, rich's tables) in
    full collections: ~120-150 ms of CPU after ``verify all`` has printed, against ~20 ms with it.
    Objects are still freed and flushed as usual (standard streams are flushed, atexit handlers
    run); only cyclic garbage still alive at exit is left to the OS, and Python never promised to
    finalize that anyway. ``app`` itself (the CliRunner tests, library callers) is unaffected.
    """
    # The collector is paused until the command is known: importing the fast path loads rich (its
    # console), some 10^5 long-lived objects and no garbage to speak of, and the collections they
    # trigger cost about 9 M instructions of a `verify all` process. A `verify` then runs paused
    # anyway (``cli.verify_run``); any other command gets the collector back before it starts,
    # since a long replication must keep it on (``claimcheck.gcpause``).
    was_enabled = gc.isenabled()
    gc.disable()
    from claimcheck.cli.fastpath import parse_verify, verify_without_typer

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        quick = parse_verify(args)
        if quick is not None:
            sys.exit(verify_without_typer(quick))
        if was_enabled:
            gc.enable()
        if argv is None:
            _typer_app()()  # click reads sys.argv itself (on Windows it also expands wildcards there)
        else:
            _typer_app()(args=args)
    finally:
        gc.freeze()


__all__ = ["app", "main"]

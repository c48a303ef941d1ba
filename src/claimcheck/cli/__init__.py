"""Command-line interface: each module registers a few thin commands on one typer app.

Speed: the modules of this package do not use ``from __future__ import annotations``. Every call of
the CLI makes typer build the click command of every command (not only the one invoked), and for
each it reads the signature twice (``inspect.signature(eval_str=True)`` and ``get_type_hints``): with
string annotations that is ~400 ``eval``s, each making a new ``typer.Option``; ~40-60 ms per call on
a 2-core machine, against ~15-20 ms with the annotations evaluated once, at import.
``tests/test_import_fence.py`` checks that no module here brings the future import back.
"""

from claimcheck.cli.app import app
from claimcheck.cli import verify as _verify  # noqa: F401  (registers list/show/validate/schema/verify/report)
from claimcheck.cli import replicate as _replicate  # noqa: F401  (plan/replicate/runs)
from claimcheck.cli import audit as _audit  # noqa: F401  (audit)
from claimcheck.cli import add as _add  # noqa: F401  (add)


def main() -> None:
    app()


__all__ = ["app", "main"]

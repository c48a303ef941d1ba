"""The typer app, the options several commands share, and the one place expected errors become exit
codes (the consoles and the error printer are in ``cli.plain``, which the typer-free `verify` shares).

Exit codes: 0 nothing contradicted; 1 some claim contradicted (or, with --strict, inconclusive);
2 bad input (file and field named, no traceback).
"""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from claimcheck.cli.plain import (
    EXIT_CONTRADICTED, EXIT_INPUT, EXIT_OK, empty_value, err, out, path_error, print_error, store_to_read,
)
from claimcheck.errors import ClaimcheckError, InputError

app = typer.Typer(
    name="claimcheck",
    help=("Check the numbers ML papers state: claims as typed data, re-derived from the paper's cells and from replication runs."
          "\n\nExample: claimcheck verify all"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

__all__ = ["EXIT_CONTRADICTED", "EXIT_INPUT", "EXIT_OK", "DropAmbiguousOpt", "NoBundledOpt", "RegistryOpt", "StoreOpt", "app",
           "err", "expected_errors", "given", "out", "store_to_read"]

F = TypeVar("F", bound=Callable)


class _EmptyValue(typer.BadParameter):
    """An empty value refused while typer reads the command line, printed as every expected error is
    (one ``error:`` line, exit 2) rather than as a usage error."""

    def __init__(self, error: InputError):
        super().__init__(error.message)
        self.error = error

    def show(self, file=None) -> None:
        print_error(self.error)


def given(option: str, convert: Callable = Path, what: str = "") -> Callable:
    """The ``parser`` of an option (or argument) that takes a path or an id: an empty value is
    refused, naming ``option`` (``--out ""`` would be the current folder: typer reads ``Path("")`` as
    ``Path(".")``, so the command itself could not tell it from ``--out .``); ``convert`` makes the
    value (``Path``, or ``str`` for an id). ``what``: what to give instead (``plain.empty_value``).
    The typer-free `verify` (``cli.fastpath``) hands an empty value to typer, so both doors say the same."""

    def parse(value):
        if value == "":
            raise _EmptyValue(empty_value(option, what))
        return convert(value)

    return parse


NoBundledOpt = Annotated[
    bool, typer.Option("--no-bundled-results", help="Leave out the replication results shipped with claimcheck.")
]

RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option("--registry", "-r", parser=given("--registry"), help="Extra claim folder or file (repeatable); added to the bundled papers."),
]

StoreOpt = Annotated[Path | None, typer.Option("--store", parser=given("--store"), metavar="<path>",
                                               help="Run store (SQLite). Default: $CLAIMCHECK_HOME/runs.sqlite.")]

DropAmbiguousOpt = Annotated[
    bool,
    typer.Option("--drop-ambiguous-seeds", help=(
        "Where two runs give the same cell for one seed (two configurations of one arm), leave that seed out and judge "
        "the claim on the other seeds; the verdict names each seed left out and its two runs. Default: such a claim is "
        "not judged (not_run, naming the runs).")),
]


def expected_errors(fn: F) -> F:
    """Turn a ClaimcheckError into its message on stderr and its exit code (2 for bad input)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ClaimcheckError as exc:
            raise typer.Exit(print_error(exc)) from None
        except OSError as exc:
            problem = path_error(exc)
            if problem is None:
                raise
            raise typer.Exit(print_error(problem)) from None

    return wrapper  # type: ignore[return-value]

"""The typer app, its consoles, and the one place expected errors become exit codes.

Exit codes: 0 nothing contradicted; 1 some claim contradicted (or, with --strict, inconclusive);
2 bad input (file and field named, no traceback).
"""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from claimcheck.errors import ClaimcheckError, InputError

app = typer.Typer(
    name="claimcheck",
    help="Check the numbers ML papers state: claims as typed data, re-derived from the paper's cells and from replication runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
# markup=False: a "[dev]" or "[/b]" in a statement, a path or a system name prints as written (as
# markup it would vanish, or stop the command with a MarkupError); claimcheck's own styling is done
# with rich Text objects. emoji=False: a ":name:" stays as written too (and rich's emoji table, ~1 %
# of `verify all`, is never loaded)
out = Console(highlight=False, soft_wrap=False, emoji=False, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)

F = TypeVar("F", bound=Callable)

EXIT_OK, EXIT_CONTRADICTED, EXIT_INPUT = 0, 1, 2

NoBundledOpt = Annotated[
    bool, typer.Option("--no-bundled-results", help="Leave out the replication results shipped with claimcheck.")
]

RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option("--registry", "-r", help="Extra claim folder or file (repeatable); added to the bundled papers."),
]

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Run store (SQLite). Default: $CLAIMCHECK_HOME/runs.sqlite.")]

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
            from claimcheck.visible import visible  # a path or value from the user may hold escape sequences

            err.print(visible(f"error: {exc.render()}"), markup=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def store_to_read(store: Path | None) -> Path:
    """The run store a command that only reads uses. A ``--store`` the user names must exist (a typo
    must not read as "no runs"); the default one may not exist yet: it then reads as empty, and
    nothing creates it."""
    from claimcheck.home import default_store_path

    if store is None:
        return default_store_path()
    if not store.is_file():
        if store.exists():  # a folder, a device
            raise InputError("not a run store: a store is one SQLite file", path=str(store), field="--store")
        raise InputError("no such run store (`claimcheck replicate --store PATH` or `claimcheck runs import --store PATH` "
                         "creates one)", path=str(store), field="--store")
    return store

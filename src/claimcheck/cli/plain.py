"""The parts of the CLI that need no typer: the two consoles, the exit codes, how an expected error
is printed, the error for an empty path or id, which run store a reading command uses, and the
checks that ``--out`` names no input and no shipped data.

Both front doors share them: the typer app (``cli.app``) and the typer-free path that runs a plain
`claimcheck verify` (``cli.fastpath``).
"""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import os
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console

from claimcheck.errors import ClaimcheckError, InputError, OutputError

# markup=False: a "[dev]" or "[/b]" in a statement, a path or a system name prints as written (as
# markup it would vanish, or stop the command with a MarkupError); claimcheck's own styling is done
# with rich Text objects. emoji=False: a ":name:" stays as written too (and rich's emoji table, ~1 %
# of `verify all`, is never loaded)
out = Console(highlight=False, soft_wrap=False, emoji=False, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)

EXIT_OK, EXIT_CONTRADICTED, EXIT_INPUT = 0, 1, 2


def print_error(exc: ClaimcheckError) -> int:
    """Print an expected error as one ``error: ...`` line on stderr; returns its exit code (2 for bad
    input)."""
    from claimcheck.visible import visible  # a path or value from the user may hold escape sequences

    err.print(visible(f"error: {exc.render()}"), markup=False, soft_wrap=True)
    return exc.exit_code


def path_error(exc: OSError) -> ClaimcheckError | None:
    """An OS error about a path the user gave that no check before it named (a file name too long
    for the file system, a symlink loop, a permission), as bad input naming the path; None for one
    about no path (a closed pipe), which is not bad input."""
    if exc.filename is None:
        return None
    return InputError(f"cannot use this path: {exc.strerror or exc}", path=os.fsdecode(exc.filename))


def empty_value(option: str, what: str = "") -> InputError:
    """The error for an empty value given explicitly to an option (or argument) that takes a path or
    an id: ``--out ""`` would name the current folder (``Path("") == Path(".")``), ``--id ""`` or
    ``--paper ""`` would read as not given. ``what``: what to give instead (default: a path)."""
    return InputError(f"{option} is empty: " + (what or 'an empty path would mean the current folder (write "." for that)'))


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
        from claimcheck.results.store_file import refuse_a_path_that_holds_no_store

        refuse_a_path_that_holds_no_store(store, field="--store")  # a file where a folder belongs: said so
        raise InputError("no such run store (`claimcheck replicate --store PATH` or `claimcheck runs import --store PATH` "
                         "creates one)", path=str(store), field="--store")
    return store


def inputs_of(files: Iterable[Path] = (), results: Iterable[Path] = (), store: Path | None = None) -> list[Path]:
    """The files a command read: ``files`` as they are, every ``*.json`` under a ``results`` folder
    (as ``results.files`` reads them), and the run store."""
    found = list(files)
    for r in results:
        found += sorted(r.rglob("*.json")) if r.is_dir() else [r]
    return found + ([store] if store is not None else [])


def _own_output(path: Path) -> bool:
    """Whether ``path`` is JSON that claimcheck writes and reads as no input (a report written into a
    ``--results`` folder, which reading it passes over, see ``results.files.claimcheck_output``): the
    next run may replace it. Read only for a file an ``--out`` names."""
    if path.suffix.lower() != ".json":
        return False
    import json

    from claimcheck.results.files import claimcheck_output

    try:
        return claimcheck_output(json.loads(path.read_text(encoding="utf-8-sig"))) is not None
    except (OSError, ValueError, RecursionError):  # unreadable: reading it as an input would have failed
        return False


def shipped_data() -> tuple[tuple[Path, str, str], ...]:
    """claimcheck's shipped data (the package data every fresh install reads): each folder or file,
    what it is, and what a write there would change."""
    from claimcheck import sources
    from claimcheck.claims.registry import BUNDLED_PAPERS
    from claimcheck.results.files import BUNDLED_RESULTS

    # sources.bibliography.BUNDLED_BIBLIOGRAPHY, named without importing that module (and PyYAML with it),
    # which `verify` never needs otherwise (a test keeps the two the same)
    bibliography = Path(sources.__file__).parent / "bibliography.yaml"
    return ((BUNDLED_RESULTS, "its bundled results", "the runs every verdict cites"),
            (BUNDLED_PAPERS, "its bundled claim files", "the claims every `claimcheck verify` reads"),
            (bibliography, "its bibliography", "the names every audit gives the papers a synthesis cites"))


def not_shipped_data(out_path: Path, option: str = "--out", regenerates: Iterable[Path] = (), instead: str = "",
                     new_claim_file: bool = False, into: bool = False) -> None:
    """Refuse an ``option`` (``--out``) path inside claimcheck's shipped data (``shipped_data``: the
    bundled results and claim files, the bibliography), which a write there would replace or add to.
    Each is found by what it is, not by its spelling (a relative path, a symbolic link, ``..``).
    ``regenerates``: shipped files the command itself generated, which it may write again (the
    bundled proxy report, ``cli.verify.BUNDLED_REPORTS``). ``instead``: what the message tells the
    user to do (default: choose another ``option``), for a path the user did not name (a default
    under ``$CLAIMCHECK_HOME``). ``new_claim_file`` (`add --out`): a claim file (``*.yaml``,
    ``*.yml``, not hidden) directly in the bundled claim files' folder is let through, a developer's
    draft of a paper to bundle (an existing file there is refused by the command, and a second file
    of a paper the bundle has, by ``workflow_add``); any other name there is refused, and so is any
    place in a sub-folder of it, which the message says. ``into`` (`add --registry`): ``out_path`` is
    a folder the command writes a new file into; with ``new_claim_file``, the bundled claim files'
    folder itself is let through, and every folder inside it refused (a claim file there would be
    read by every `verify` from its YAML, never from a parsed copy, and not at all in a hidden one)."""
    from claimcheck.claims.registry import BUNDLED_PAPERS
    from claimcheck.places import names, resolved  # here: `verify` without --out never needs it

    where = resolved(out_path)
    if where is None or any(names(where, allowed, resolved(allowed)) for allowed in regenerates):
        return
    for shipped, what, change in shipped_data():
        shipped_at = resolved(shipped)
        for folder in (where, *where.parents):
            claim_folder = new_claim_file and shipped == BUNDLED_PAPERS
            if claim_folder and (folder == where if into else (folder == where.parent and where.suffix in (".yaml", ".yml")
                                                              and not where.name.startswith("."))) and names(folder, shipped, shipped_at):
                break  # a new claim file of the bundle
            if names(folder, shipped, shipped_at):
                place = f"is inside {shipped}" if folder != where else f"is {shipped}"
                hint = f" (a new paper's claim file may go directly in {shipped})" if claim_folder and folder != where else ""
                raise OutputError(f"{place}, claimcheck's shipped data ({what}): writing there would change {change}; "
                                  f"{instead or 'choose another ' + option}{hint} (nothing was written)", path=str(out_path), field=option)


def not_an_input(out_path: Path, inputs: Iterable[Path]) -> None:
    """Refuse an ``--out`` that names a file the command read (a claim file, a result file, the run
    store, an audited report): writing there would replace the input with the output."""
    try:
        if not out_path.is_file():  # a new file; a device or a pipe holds nothing to lose
            return
    except OSError:  # left to the write, which names the problem
        return
    for path in inputs:
        try:
            same = os.path.samefile(out_path, path)
        except OSError:
            continue
        if same and not _own_output(path):
            also = "" if str(path) == str(out_path) else f" (as {path})"
            raise OutputError(f"is a file this command reads{also}: writing there would replace it; choose another --out",
                              path=str(out_path), field="--out")

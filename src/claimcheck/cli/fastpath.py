"""`claimcheck verify` without typer: the main job, read from argv by a small parser.

Why: typer (with click, and the pydantic adapters typer 0.29 builds for each parameter) was 8.5 % of
the instructions of a whole `claimcheck verify all --no-write` process (1,660 M with it, 1,519 M
without, counted with callgrind; README, Performance), spent before a claim is read. ``parse_verify`` reads the argument lists it is sure
of and returns None for every other one (``--help``, an unknown option, ``--opt=value``, a value
that starts with "-" or is empty, ``--``, shell completion), which then goes to the typer app as
before (typer's parser refuses an empty path such as ``--out ""``: ``cli.app.given``). It accepts
exactly the options of typer's `verify` command, and reads them as typer would (repeatable
options collect, the last of a single-valued one wins, arguments and options mix in any order);
``tests/test_cli_fastpath.py`` checks both against typer's own command and compares the two
paths' output, exit codes and files. What runs after the parse is ``cli.verify_run.run_verify``,
the same for both.

``verify_without_typer`` is what typer's standalone mode does around a command: an expected error
is printed as one line (exit 2) and Ctrl-C exits 130, both without a traceback. A closed output
pipe (`claimcheck verify all | head -1`) needs nothing here: rich's console ends the process with
exit 1 and no traceback itself (``Console.on_broken_pipe``), on both paths.
"""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import os
from collections.abc import Sequence
from pathlib import Path

from claimcheck.cli.verify_run import VerifyArgs

FLAGS = {"--no-bundled-results": "no_bundled_results", "--no-write": "no_write", "--strict": "strict",
         "--drop-ambiguous-seeds": "drop_ambiguous_seeds"}
REPEATED = {"--registry": "registry", "-r": "registry", "--results": "results"}  # a list of paths
SINGLE = {"--store": "store", "--out": "out_dir"}  # one path; given again, the last one counts


def parse_verify(argv: Sequence[str], environ: dict[str, str] | None = None) -> VerifyArgs | None:
    """The arguments of ``claimcheck ARGV`` when it is a `verify` this parser is sure of; None for
    anything else (typer then reads it). ``environ``: the process's environment (a shell-completion
    request goes to typer)."""
    environ = os.environ if environ is None else environ
    if not argv or argv[0] != "verify" or any(k.startswith("_") and k.endswith("_COMPLETE") and v for k, v in environ.items()):
        return None
    values: dict = {"claims": [], "registry": [], "results": []}
    rest = list(argv[1:])
    i = 0
    while i < len(rest):
        arg = rest[i]
        if not arg.startswith("-"):
            values["claims"].append(arg)
        elif arg in FLAGS:
            values[FLAGS[arg]] = True
        elif arg in REPEATED or arg in SINGLE:
            if i + 1 == len(rest) or rest[i + 1].startswith("-") or not rest[i + 1]:
                return None  # a missing value (typer names it), one that looks like an option, or an empty one (typer's parser refuses it)
            i += 1
            if arg in REPEATED:
                values[REPEATED[arg]].append(Path(rest[i]))
            else:
                values[SINGLE[arg]] = Path(rest[i])
        else:
            return None  # --help, an unknown or misspelt option, --opt=value, "-", "--"
        i += 1
    return VerifyArgs(**values)


def verify_without_typer(args: VerifyArgs) -> int:
    """Run `verify` as typer's standalone mode would; returns the exit code."""
    from claimcheck.cli.plain import path_error, print_error
    from claimcheck.cli.verify_run import run_verify
    from claimcheck.errors import ClaimcheckError

    try:
        return run_verify(args)
    except ClaimcheckError as exc:
        return print_error(exc)
    except OSError as exc:  # as expected_errors does on typer's path
        problem = path_error(exc)
        if problem is None:
            raise
        return print_error(problem)
    except KeyboardInterrupt:  # typer exits 130 without a traceback
        return 130

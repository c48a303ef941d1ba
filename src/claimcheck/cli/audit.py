"""Command: audit (scorecards for machine-written literature syntheses)."""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.atomic import save_text_atomic
from claimcheck.cli.app import EXIT_CONTRADICTED, EXIT_INPUT, DropAmbiguousOpt, RegistryOpt, app, err, expected_errors, given, out, store_to_read
from claimcheck.cli.plain import inputs_of, not_an_input, not_shipped_data
from claimcheck.errors import InputError, OutputError
from claimcheck.sources.caps import AUDIT_PDF_MAX_BYTES, mib

_SUFFIX = {"terminal": ".txt", "md": ".md", "html": ".html", "json": ".json"}


class _FolderOut(type(Path())):
    """An ``--out`` written with a trailing slash ("cards/"): a folder, even for one report and before
    it exists (``Path`` drops the slash, and one report's scorecard went to a file named "cards")."""


def _report_path(value: str) -> Path:
    from claimcheck.workflow_audit import STDIN

    return STDIN if value == "-" else Path(value)  # "./-" names a file called "-"


def _out_path(value: str) -> Path:
    return _FolderOut(value) if value.endswith(("/", os.sep)) else Path(value)


def _one_screen() -> bool:
    """Whether standard output and standard error are the same terminal, so that the user sees both
    on one screen (not when either is redirected to a file or a pipe)."""
    try:
        return sys.stdout.isatty() and os.path.samestat(os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno()))
    except (OSError, ValueError, AttributeError):  # a stream without a descriptor (captured)
        return False


def _render(result, fmt: str, all_in_one: bool, *, passed_over: bool = True) -> str:
    if fmt == "terminal":
        from claimcheck.reports.scorecard import render_audit_terminal

        return render_audit_terminal(result, all_in_one=all_in_one, passed_over=passed_over)
    if fmt == "md":
        from claimcheck.reports.scorecard import render_audit_markdown

        return render_audit_markdown(result, all_in_one=all_in_one)
    if fmt == "html":
        from claimcheck.reports.scorecard_html import render_audit_html

        return render_audit_html(result, all_in_one=all_in_one)
    from claimcheck.reports.scorecard import render_audit_json

    return render_audit_json(result, all_in_one=all_in_one)


@app.command("audit")
@expected_errors
def audit_cmd(
    paths: Annotated[list[Path], typer.Argument(parser=given("a report path", _report_path), help=f"Synthesis reports (.txt, .md, .pdf: a PDF of at most {mib(AUDIT_PDF_MAX_BYTES)}) or folders of them; '-' reads one from standard input.")],
    all_in_one: Annotated[bool, typer.Option("--all-in-one", help="One document for all reports, with the cross-report aggregate.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="terminal | md | html | json")] = "terminal",
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", parser=given("--out", _out_path), metavar="<path>", help="File to write (an existing file is replaced); a folder (one file per report) when several reports are audited without --all-in-one, or when it exists or ends with '/'. Never inside claimcheck's shipped data (bundled results and claim files)."),
    ] = None,
    registry: RegistryOpt = None,
    results: Annotated[list[Path] | None, typer.Option("--results", parser=given("--results"), help="Run-record JSON file or folder (repeatable).")] = None,
    store: Annotated[Path | None, typer.Option("--store", parser=given("--store"), metavar="<path>", help="Run store (default: $CLAIMCHECK_HOME/runs.sqlite, when it exists).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a report has an error-level finding (to gate a synthesis in CI).")] = False,
    drop_ambiguous_seeds: DropAmbiguousOpt = False,
) -> None:
    """Audit literature-synthesis reports: resolve each listed claim against the registry, flag ticks
    without evidence, misattributions, unrelated references, an unanswered research question and
    inconsistent counts. Exit 0 when every input was audited, 2 when some input could not be read;
    with --strict, 1 when some report has an error-level finding.

    Example: claimcheck audit ../shared/seeds --all-in-one --format md --out audit.md
    """
    from claimcheck.visible import visible  # a file name may hold escape sequences
    from claimcheck.claims.registry import iter_claim_files
    from claimcheck.reports.scorecard import passed_over_groups
    from claimcheck.workflow_audit import NO_PARTS, SHOWS_NO_PART, STDIN_LABEL, audit_from_disk, expand_report_paths

    if fmt not in _SUFFIX:
        raise InputError(f"unknown format {fmt!r}; choose terminal, md, html or json", field="--format")
    if out_path is not None:  # before the work: a file or a folder of scorecards inside the bundled claims or results
        not_shipped_data(out_path)
    result = audit_from_disk(paths, registry or [], results or [], store_to_read(store),
                             drop_ambiguous_seeds=drop_ambiguous_seeds)
    if result.passed_over:  # a README beside the reports, an earlier scorecard: not audited, not a problem (the exit stays 0)
        groups = "; ".join(f"{', '.join(names)} ({reason}{f': {NO_PARTS}' if reason == SHOWS_NO_PART else ''})"
                           for reason, names in passed_over_groups(result.passed_over))
        err.print(visible(f"note: passed over, not audited: {len(result.passed_over)} file(s): {groups}"),
                  markup=False, soft_wrap=True)
    for p in result.problems:
        err.print(visible(f"error: {p.path}: {p.message}"), markup=False, soft_wrap=True)
    if not result.scorecards:
        raise typer.Exit(EXIT_INPUT)
    folder = isinstance(out_path, _FolderOut) or (out_path is not None and out_path.is_dir())
    if out_path is not None:
        # `claimcheck audit synthesis.md --format md --out synthesis.md` would replace the report audited
        reports = expand_report_paths(paths, [])  # the paths that name nothing are in result.problems
        inputs = inputs_of(reports + list(iter_claim_files(registry or [])), results or [], store_to_read(store))
    if out_path is None:
        # The terminal scorecards on the screen the note above went to would name the passed-over files
        # a second time; redirected (a file, a pipe), they keep their line, as a file from --out does.
        print(_render(result, fmt, all_in_one, passed_over=not (fmt == "terminal" and _one_screen())), end="")
    elif all_in_one or (len(result.scorecards) == 1 and not folder):
        if isinstance(out_path, _FolderOut) and not out_path.is_dir():
            raise OutputError("ends with '/', a folder: --all-in-one writes one file; name the file", path=str(out_path) + "/",
                              field="--out")
        not_an_input(out_path, inputs)
        save_text_atomic(out_path, _render(result, fmt, all_in_one))
        out.print(visible(f"written: {out_path}"), markup=False, soft_wrap=True)
    else:
        used: set[str] = set()
        targets = []
        for card in result.scorecards:
            stem = "stdin" if card.report.label == STDIN_LABEL else Path(card.report.label).stem
            name, n = stem, 1
            while name in used:  # two reports with the same name in different folders
                n += 1
                name = f"{stem}-{n}"
            used.add(name)
            targets.append((card, out_path / (name + ".scorecard" + _SUFFIX[fmt])))
        for _, target in targets:  # a report named like another's scorecard ("a.scorecard.txt" beside "a.txt")
            not_an_input(target, inputs)
            not_shipped_data(target)  # a scorecard there that links into the shipped data
        for card, target in targets:
            single = result.model_copy(update={"scorecards": [card], "problems": [], "passed_over": []})
            save_text_atomic(target, _render(single, fmt, False))
            out.print(visible(f"written: {target}"), markup=False, soft_wrap=True)
    if result.problems:
        raise typer.Exit(EXIT_INPUT)
    if strict and any(f.severity == "error" for card in result.scorecards for f in card.findings):
        raise typer.Exit(EXIT_CONTRADICTED)

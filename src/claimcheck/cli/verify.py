"""Commands over the claim registry and the verifier: list, show, validate, schema, verify, report."""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import json
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import EXIT_OK, DropAmbiguousOpt, NoBundledOpt, RegistryOpt, app, err, expected_errors, given, out, store_to_read
from claimcheck.cli.plain import inputs_of, not_an_input, not_shipped_data
from claimcheck.cli.verify_run import DEFAULT_OUT, VerifyArgs, run_verify
from claimcheck.atomic import save_text_atomic
from claimcheck.errors import InputError, OutputError
from claimcheck.gcpause import gc_paused
from claimcheck.visible import visible

ResultsOpt = Annotated[
    list[Path] | None,
    typer.Option("--results", parser=given("--results"), help="Run-record JSON file or folder to include (repeatable)."),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", parser=given("--store"), metavar="<path>",
                 help="Run store (SQLite). Default: $CLAIMCHECK_HOME/runs.sqlite, when it exists."),
]


# The garbage collector is paused for show, verify and report: see cli.verify_run.

# The one place in claimcheck's shipped data that `report --out` may write: the bundled proxy report,
# in the format its name says. It is this command's own output (the bundled results' README gives the
# command that regenerates it, with `--out` naming it), read by nothing: the runs it reports on are the
# `*.json` beside it, which stay refused, as does any new file there (cli.plain.not_shipped_data).
BUNDLED_REPORTS = {"md": "phang2020-proxy-report.md", "html": "phang2020-proxy-report.html"}


def _store(store: Path | None) -> Path:
    return store_to_read(store)


@app.command("list")
@expected_errors
def list_claims(registry: RegistryOpt = None) -> None:
    """List every claim in the registry.

    Example: claimcheck list --registry ./claims
    """
    from rich.table import Table

    from claimcheck.claims.registry import load_registry

    reg = load_registry(registry or [])
    from rich.text import Text

    table = Table(show_lines=False)
    table.add_column("claim", no_wrap=True)  # whole, so it can be copied into `claimcheck show`
    table.add_column("statement", ratio=1, min_width=20)
    for claim in reg.claims.values():
        pinned = reg.papers[claim.paper_id].version
        version = claim.version if claim.version == pinned else f"{claim.version}, superseded"
        # a claim file may hold a bidi mark or a line separator (visible.CONTROL refuses the rest): shown as escapes
        table.add_row(Text(visible(claim.id)).append(f"\n{claim.kind.value} ({version})", style="dim"),
                      Text(visible(claim.statement)))
    out.print(table)
    out.print(f"{len(reg.claims)} claims from {len(reg.papers)} papers")


@app.command("show")
@expected_errors
@gc_paused()  # bounded work (see above _store)
def show(
    claim_id: Annotated[str, typer.Argument(help="Claim id, e.g. 2005.13013/xtreme-test-gain")],
    registry: RegistryOpt = None,
    results: ResultsOpt = None,
    store: StoreOpt = None,
    no_bundled_results: NoBundledOpt = False,
    drop_ambiguous_seeds: DropAmbiguousOpt = False,
) -> None:
    """Show one claim with its verdicts and all the evidence behind them.

    Example: claimcheck show 2005.13013/xtreme-test-gain
    """
    from claimcheck.reports.terminal import render_claim_detail
    from claimcheck.workflow import verify_from_disk

    if claim_id == "all":  # verify's word for every claim, not an id: it would read as a paper id below
        raise InputError("'all' is not a claim id: show takes one claim id (<paper-id>/<slug>); `claimcheck list` shows "
                         "the ids, and `claimcheck verify all` verifies every claim", field="claim_id")
    _, report = verify_from_disk([claim_id], registry or [], results or [], _store(store), not no_bundled_results,
                                 drop_ambiguous_seeds)
    if [cv.claim_id for cv in report.claims] != [claim_id]:  # a paper id selects all its claims; show is for one
        raise InputError(f"{claim_id!r} is a paper id, not a claim id (<paper-id>/<slug>): `claimcheck list` shows the ids, "
                         f"and `claimcheck verify {claim_id}` verifies every claim of the paper", field="claim_id")
    out.print(render_claim_detail(report.claims[0]))


@app.command("validate")
@expected_errors
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(parser=given("a path to validate"), help="Claim files or folders (default: the whole registry).")] = None,
    registry: RegistryOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 2) on warnings too: names that look like typos of known ones.")] = False,
) -> None:
    """Validate claim files: schema, ids, derivation names and parameters; drafts are refused until confirmed.

    The systems, tasks and facts the derivations name, and the systems in replication_arms, are
    checked against the paper's cells, its replication presets and the task catalogue: a near miss of a known
    name ("X-STILT" for "X-STILTs") is a warning with a suggestion; a name unlike every known one is a
    note (its claims cannot be derived from the paper's cells). Exit 0 unless a file is invalid, or
    --strict and a warning (exit 2).

    Example: claimcheck validate claims/ --strict
    """
    from claimcheck.claims.draft import check_no_drafts
    from claimcheck.claims.names import grouped
    from claimcheck.claims.registry import BUNDLED_PAPERS, build_registry, iter_claim_files, load_paper_file
    from claimcheck.verifier.derive import DERIVATIONS
    from claimcheck.workflow import check_claim_names

    targets = list(paths or []) + list(registry or [])
    first: dict[Path, Path] = {}  # each file once, named as first given
    for p in iter_claim_files(targets or [BUNDLED_PAPERS]):
        first.setdefault(p.resolve(), p)
    paths = list(first.values())
    files = [(p, load_paper_file(p)) for p in paths]
    if not files:
        raise InputError("no claim files (*.yaml) found", path=", ".join(str(p) for p in targets))
    bundled = [] if not targets else [(p, load_paper_file(p)) for p in iter_claim_files([BUNDLED_PAPERS])]
    build_registry(bundled + files, known_derivations=set(DERIVATIONS))  # a file given again is read once
    for path, pf in files:
        check_no_drafts(pf, path)
    findings = check_claim_names(files)
    lines = grouped(findings)  # the notes about one name in one file are one line
    for line in lines:
        err.print(visible(line.render()), markup=False, soft_wrap=True)
    warnings = sum(f.level == "warning" for f in findings)
    notes = len(lines) - warnings
    if strict and warnings:
        raise InputError(f"{warnings} warning(s) about names (see above; --strict makes them fail)")
    n_claims = sum(len(pf.claims) for _, pf in files)
    counts = [f"{n} {what}" + ("s" if n != 1 else "") for n, what in ((warnings, "warning"), (notes, "note")) if n]
    out.print(f"ok: {len(files)} file(s), {n_claims} claims valid" + (f" ({', '.join(counts)})" if counts else ""))


@app.command("schema")
@expected_errors
def schema(
    what: Annotated[str, typer.Argument(help="claims | derivations | results | report")] = "claims",
) -> None:
    """Print the JSON Schema of the claim format (or of each derivation's parameters, of a result file
    of run records, of the JSON report).

    Example: claimcheck schema claims > claim.schema.json
    """
    from claimcheck.claims.derivation_params import PARAMS
    from claimcheck.claims.models import PaperFile
    from claimcheck.verifier.verdict import VerificationReport

    models = {"claims": PaperFile, "derivations": None, "results": None, "report": VerificationReport}
    if what not in models:
        raise InputError(f"unknown schema {what!r}; choose one of {', '.join(models)}", field="what")
    if what == "derivations":  # derivation.params, per derivation name
        schema = {name: model.model_json_schema() for name, model in sorted(PARAMS.items())}
    elif what == "results":  # a file of them: one record, a list, or {"runs": [...]}
        from claimcheck.results.file_format import result_file_schema

        schema = result_file_schema()
    else:
        schema = models[what].model_json_schema()
    print(json.dumps(schema, indent=2, sort_keys=True))


@app.command("verify")
@expected_errors
def verify_cmd(
    claims: Annotated[list[str] | None, typer.Argument(help="'all', claim ids, or paper ids.")] = None,
    registry: RegistryOpt = None,
    results: ResultsOpt = None,
    store: StoreOpt = None,
    no_bundled_results: NoBundledOpt = False,
    out_dir: Annotated[Path, typer.Option("--out", parser=given("--out"), metavar="<path>",
                                          help="Folder for report.md / report.html / report.json (replaced if there); never inside claimcheck's shipped data (bundled results and claim files).")] = DEFAULT_OUT,
    no_write: Annotated[bool, typer.Option("--no-write", help="Only print; write no report files.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Also fail (exit 1) on inconclusive, disputed or failed runs.")] = False,
    drop_ambiguous_seeds: DropAmbiguousOpt = False,
) -> None:
    """Verify claims (source tier + replication tier), print the table, write the report.

    Exit code 0: nothing contradicted; 1: some claim contradicted (with --strict also inconclusive,
    disputed, i.e. contradicted only at reduced or proxy fidelity, or a failed run); 2: bad input.

    Example: claimcheck verify all

    Example (leave out a seed run in two configurations): claimcheck verify all --drop-ambiguous-seeds
    """
    # a plain `claimcheck verify ...` does not reach this: cli.fastpath reads its argv without typer,
    # and both call run_verify
    code = run_verify(VerifyArgs(claims=claims or [], registry=registry or [], results=results or [], store=store,
                                 no_bundled_results=no_bundled_results, out_dir=out_dir, no_write=no_write, strict=strict,
                                 drop_ambiguous_seeds=drop_ambiguous_seeds))
    if code != EXIT_OK:
        raise typer.Exit(code)


@app.command("report")
@expected_errors
@gc_paused()  # bounded work (see above _store)
def report_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="md | html | json")] = "md",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", parser=given("--out"), metavar="<path>",
                                                  help="File to write (default: stdout); an existing file is replaced, but none in claimcheck's shipped data (bundled results and claim files) other than the bundled proxy report.")] = None,
    claims: Annotated[list[str] | None, typer.Argument(help="'all', claim ids, or paper ids.")] = None,
    registry: RegistryOpt = None,
    results: ResultsOpt = None,
    store: StoreOpt = None,
    no_bundled_results: NoBundledOpt = False,
    title: Annotated[str, typer.Option(help="Report title.")] = "claimcheck verification report",
    drop_ambiguous_seeds: DropAmbiguousOpt = False,
) -> None:
    """Render the verification report as Markdown, self-contained HTML (with plots) or JSON.

    Example: claimcheck report --format html --out report.html

    Example: claimcheck report --drop-ambiguous-seeds --out report.md
    """
    from claimcheck.workflow import verify_from_disk

    renderers = {"md": "markdown", "html": "html", "json": "jsonout"}
    if fmt not in renderers:
        raise InputError(f"unknown format {fmt!r}; choose md, html or json", field="--format")
    if out_path is not None:  # before the work
        from claimcheck.results.files import BUNDLED_RESULTS

        try:
            where = out_path.resolve()
        except (OSError, RuntimeError):  # a loop of links: left to not_shipped_data and the write
            where = None
        for other, name in BUNDLED_REPORTS.items():
            if other != fmt and where == (BUNDLED_RESULTS / name).resolve():
                raise OutputError(f"is the bundled proxy report in {other}, which only `--format {other}` regenerates; "
                                  "choose another --out (nothing was written)", path=str(out_path), field="--out")
        not_shipped_data(out_path, regenerates=[BUNDLED_RESULTS / BUNDLED_REPORTS[fmt]] if fmt in BUNDLED_REPORTS else [])
    ids = [] if not claims or claims == ["all"] else claims
    read, report = verify_from_disk(ids, registry or [], results or [], _store(store), not no_bundled_results, drop_ambiguous_seeds)
    if out_path is not None:
        not_an_input(out_path, inputs_of(set(read.files.values()), results or [], _store(store)))
    if fmt == "md":
        from claimcheck.reports.markdown import render_markdown as render
    elif fmt == "html":
        from claimcheck.reports.html import render_html as render
    else:
        from claimcheck.reports.jsonout import render_json as render
    text = render(report) if fmt == "json" else render(report, title=title)
    if out_path is None:
        print(text, end="")
        return
    save_text_atomic(out_path, text)
    out.print(visible(f"written: {out_path}"), soft_wrap=True)

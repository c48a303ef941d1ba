"""Commands: runs list|show|export|import|remove, the run store read, exported, filled and pruned."""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

import shlex
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import StoreOpt, app, err, expected_errors, given, out, store_to_read
from claimcheck.cli.plain import inputs_of, not_an_input, not_shipped_data
from claimcheck.errors import InputError, OutputError
from claimcheck.visible import visible

_STATUSES = {"ok": "ok", "failed": "failed", "all": None}
_ALL_PAPERS = "give a paper id, or leave out --paper for every paper"
_RUN_ID = "give a run id or a unique prefix of it"


def _status(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in _STATUSES:
        raise InputError(f"unknown status {value!r}; choose ok, failed or all", field="--status")
    return _STATUSES[value]


_LINE_BREAKS = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(text: str) -> str:
    """A value of a `runs list` line: names from result files with no escape sequences (``visible``),
    nor a tab or line break, which would split the one line per run, its fields between tabs (an id
    holding one is refused when read, but a store written before may hold it; a system name may)."""
    return visible(text).translate(_LINE_BREAKS)


def _stored(store: Path | None, **filters) -> list:
    """The records of the store a reading command names (``store_to_read``); none when the default
    store does not exist yet (it is not created)."""
    from claimcheck.results.store import open_store

    path = store_to_read(store)
    if not path.exists():
        return []
    with open_store(path, readonly=True) as s:
        return s.records(**filters)


runs_app = typer.Typer(help="Read, export, import and remove stored runs.\n\nExample: claimcheck runs list --store runs.sqlite", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
@expected_errors
def runs_list(
    store: StoreOpt = None,
    paper: Annotated[str | None, typer.Option("--paper", parser=given("--paper", str, _ALL_PAPERS), metavar="<str>", help="Only runs of this paper id.")] = None,
    status: Annotated[str, typer.Option("--status", help="ok | failed | all (every run, whatever its status)")] = "all",
) -> None:
    """List the runs in the store: a table on a terminal, tab-separated lines when piped.

    Example: claimcheck runs list --status ok
    """
    from rich.table import Table

    from claimcheck.results.store import record_tasks

    records = _stored(store, paper_id=paper, status=_status(status))
    header = ("run id", "paper", "system", "target", "seed", "preset", "fidelity", "status", "metrics")
    rows = [tuple(map(_cell, (r.run_id, r.paper_id, r.system, record_tasks(r), str(r.seed), r.preset, r.fidelity, r.status,
                              str(len(r.metrics))))) for r in records]
    if not out.is_terminal:  # for grep, cut and awk: whole values, one line per run
        for row in [header, *rows]:
            typer.echo("\t".join(row))
        err.print(f"{len(records)} runs")
        return
    table = Table()
    table.add_column(header[0], no_wrap=True)
    for name in header[1:]:
        table.add_column(name, overflow="fold", min_width=len(name))
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"{len(records)} runs")


@runs_app.command("show")
@expected_errors
def runs_show(
    run_id: Annotated[str, typer.Argument(parser=given("the run id", str, _RUN_ID), help="Run id or a unique prefix of it.")],
    store: StoreOpt = None,
    no_bundled_results: Annotated[bool, typer.Option("--no-bundled-results", help="Look in the store only.")] = False,
) -> None:
    """Show one run as JSON (spec, metrics, provenance): from the store, else from the bundled results
    (the runs a fresh install's verdicts cite).

    Example: claimcheck runs show r-00c47f   (a bundled proxy run; `claimcheck runs list` lists ids)
    """
    from claimcheck.results.collect import collect_records
    from claimcheck.results.file_format import render_records_json

    from claimcheck.results.store import open_store
    from claimcheck.results.stored_text import id_note
    from claimcheck.results.unreadable_runs import UnreadableRun

    path, found = store_to_read(store), []
    if path.exists():
        with open_store(path, readonly=True) as s:
            found = s.find_as_stored(run_id)  # by id prefix, in SQL; a record that does not validate stops no other
            if len(found) == 1 and isinstance(found[0], UnreadableRun):  # its id, field and what is wrong; no JSON
                raise s.unreadable_error(found[0])
    where = f"the store {path}"
    if not found and not no_bundled_results:
        found = [r for r in collect_records().records if r.run_id.startswith(run_id)]
        where += " or the bundled results"
    if len(found) != 1:
        raise InputError(f"no run in {where} has an id starting with {run_id!r}{id_note(run_id)}" if not found else
                         f"{len(found)} runs in {where} have ids starting with {run_id!r}: give a longer prefix", field="run_id")
    typer.echo(render_records_json(found), nl=False)  # plain: JSON must not be wrapped to the terminal width


@runs_app.command("export")
@expected_errors
def runs_export(
    out_file: Annotated[Path | None, typer.Option("--out", parser=given("--out"), metavar="<path>",
                                                  help="File to write (default: stdout); an existing file is replaced, but none in claimcheck's shipped data (its bundled results and claim files).")] = None,
    store: StoreOpt = None,
    paper: Annotated[str | None, typer.Option("--paper", parser=given("--paper", str, _ALL_PAPERS), metavar="<str>", help="Only runs of this paper id.")] = None,
    status: Annotated[str, typer.Option("--status", help="ok | failed | all (failed runs are what infra_failure verdicts cite)")] = "ok",
) -> None:
    """Export stored runs as a JSON result file (``{"runs": [...]}``), importable elsewhere.

    Example: claimcheck runs export --status all --out results/proxy-runs.json
    """
    from claimcheck.results.backup import save_records_json

    wanted = _status(status)
    everything = _stored(store, paper_id=paper)
    records = [r for r in everything if wanted is None or r.status == wanted]
    left = len(everything) - len(records)
    note = f" ({left} {'failed' if wanted == 'ok' else 'other'} run(s) left out: --status all exports them)" if left else ""
    if out_file is None:
        from claimcheck.results.file_format import render_records_json

        typer.echo(render_records_json(records), nl=False)
        if note:
            err.print(f"{len(records)} runs{note}", markup=False)
        return
    not_shipped_data(out_file)  # `--out src/claimcheck/results/bundled/phang2020-proxy-runs.json` would replace shipped runs
    not_an_input(out_file, inputs_of(store=store_to_read(store)))  # `--out runs.sqlite` would replace the store
    save_records_json(records, out_file)
    out.print(visible(f"{len(records)} runs written to {out_file}{note}"), soft_wrap=True)


@runs_app.command("import")
@expected_errors
def runs_import(
    files: Annotated[list[Path], typer.Argument(parser=given("a file to import"), help="Result files or folders of *.json (as written by `runs export`).")],
    store: StoreOpt = None,
) -> None:
    """Import run records (e.g. from a GPU machine) into the store, provenance intact.

    Example: claimcheck runs import gpu-runs.json
    """
    from claimcheck.results.files import read_result_paths
    from claimcheck.results.store import open_store

    read = read_result_paths(files)
    records = read.records
    with open_store(store) as s:
        stored = {r.run_id: s.get(r.run_id) for r in records}
        written = s.save_many(records)
    # A stored successful run is never replaced; say so when the imported record says something else.
    differ = [r.run_id for r in records if (old := stored[r.run_id]) is not None and old.status == "ok"
              and (old.metrics, old.spec, old.system, old.seed) != (r.metrics, r.spec, r.system, r.seed)]
    out.print(f"{written} of {len(records)} runs imported ({len(records) - written} already stored)")
    if read.passed_over:  # a report an earlier `verify --results .` wrote into the folder, say
        err.print(visible(f"note: {read.passed_over_note()}"), markup=False, soft_wrap=True)
    if differ:
        err.print(f"warning: {len(differ)} imported record(s) differ from the stored run of the same id, which was kept: "
                  f"{', '.join(differ[:5])}{' ...' if len(differ) > 5 else ''} (`claimcheck runs remove ID` first to replace one)",
                  markup=False)


# what to do when the default backup, under $CLAIMCHECK_HOME/removed/, lies in claimcheck's shipped data
_ELSEWHERE = "it is the default backup ($CLAIMCHECK_HOME/removed/): set CLAIMCHECK_HOME elsewhere, or pass --backup FILE"


@runs_app.command("remove")
@expected_errors
def runs_remove(
    run_ids: Annotated[list[str] | None, typer.Argument(parser=given("a run id", str, _RUN_ID), help="Run ids, or unique prefixes of them.")] = None,
    task: Annotated[list[str] | None, typer.Option("--task", help="Only runs that measured this task (repeatable).")] = None,
    system: Annotated[list[str] | None, typer.Option("--system", help="Only runs of this arm (repeatable).")] = None,
    paper: Annotated[str | None, typer.Option("--paper", parser=given("--paper", str, _ALL_PAPERS), metavar="<str>", help="Only runs of this paper id.")] = None,
    backup: Annotated[Path | None, typer.Option("--backup", parser=given("--backup"), metavar="<path>", help="A new file the removed records are written to first; "
                                                "an existing one, or one in claimcheck's shipped data, is refused (default: $CLAIMCHECK_HOME/removed/runs-<UTC time>.json).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list the runs that would be removed.")] = False,
    store: StoreOpt = None,
) -> None:
    """Remove runs from the store, e.g. an old configuration of a target that was run again differently.

    The removed records are first written to a result file, so `claimcheck runs import FILE` brings
    them back. Ids and filters combine: the given runs (or all runs) that match every filter.

    Example: claimcheck runs remove --task bucc2018 --system MNLI --dry-run
    """
    from claimcheck.home import removed_runs_path
    from claimcheck.results.backup import BackupExistsError, refuse_existing_backup
    from claimcheck.results.store import open_store, record_tasks
    from claimcheck.results.stored_text import id_note, not_utf8_kept
    from claimcheck.results.unreadable_runs import UnreadableRun

    if not (run_ids or task or system or paper):
        raise InputError("name the runs to remove: run ids, or --task / --system / --paper", field="run_ids")
    # before the store is read, and in a dry run too: a backup in the bundled results would be read as
    # shipped runs by every `verify`
    if backup is not None:
        not_shipped_data(backup, option="--backup")
        refuse_existing_backup(backup)
    else:  # the default, $CLAIMCHECK_HOME/removed/, is refused the same way (a home inside the package's data)
        not_shipped_data(removed_runs_path().parent, option="--backup", instead=_ELSEWHERE)
    path = store_to_read(store)
    if not path.exists():  # the default store, not started yet (a --store that is not there is refused above)
        if run_ids:  # as for an id an existing store lacks
            raise InputError(f"no stored run has an id starting with {run_ids[0]!r}{id_note(run_ids[0])}: there is no run "
                             f"store at {path} yet",
                             field="run_ids")
        out.print(f"0 runs {'would be removed' if dry_run else 'match: nothing removed'}")  # as for an empty store
        return
    with open_store(path, readonly=dry_run) as s:  # a dry run only reads
        chosen = s.select(run_ids or (), tasks=task or (), systems=system or (), paper_id=paper)
        unreadable = [r for r in chosen if isinstance(r, UnreadableRun)]
        for r in chosen:
            problem = f"  (does not validate: {r.problem})" if isinstance(r, UnreadableRun) else ""
            out.print(visible(f"{r.run_id}  {r.system}  {record_tasks(r)}  seed {r.seed}  {r.preset}  {r.status}{problem}"),
                      highlight=False)
        if dry_run or not chosen:
            out.print(f"{len(chosen)} runs {'would be removed' if dry_run else 'match: nothing removed'}")
            return
        if backup is not None:
            try:
                removed = s.remove(chosen, backup)
            except OutputError as exc:  # a folder in the way, no permission: name the option too
                raise OutputError(exc.message, path=exc.path, field="--backup") from None
        else:  # a fresh name; another removal may take it between the choice and the write: choose again
            for _ in range(100):
                backup = removed_runs_path()
                not_shipped_data(backup, option="--backup", instead=_ELSEWHERE)  # a link there made meanwhile
                try:
                    removed = s.remove(chosen, backup)
                    break
                except BackupExistsError:
                    continue
            else:
                raise InputError("no free backup name under $CLAIMCHECK_HOME/removed/; pass --backup FILE", field="--backup")
    if not removed:
        out.print("0 runs removed: every chosen run was changed or removed by another process meanwhile; no backup written")
        return
    into = f" --store {shlex.quote(str(store))}" if store is not None else ""  # back into the store they came from
    mend = ""
    if as_stored := [r.run_id for r in unreadable if r.not_utf8 is None]:  # importing the backup refuses it until it is mended
        one = len(as_stored) == 1
        mend = f"; {', '.join(as_stored)} did not validate and {'is' if one else 'are'} kept there as stored: mend or delete {'it' if one else 'them'} first"
    if not_utf8 := [r for r in unreadable if r.not_utf8 is not None]:  # the backup is UTF-8: it cannot keep their bytes
        one = len(not_utf8) == 1
        mend += (f"; {', '.join(r.run_id for r in not_utf8)} {'was' if one else 'were'} not UTF-8 and {'is' if one else 'are'} "
                 f"kept there with {not_utf8_kept(not_utf8[0].not_utf8)}")
    out.print(visible(f"{removed} runs removed; their records are in {backup} "
                      f"(`claimcheck runs import {shlex.quote(str(backup))}{into}` restores them{mend})"), soft_wrap=True)

"""What `claimcheck verify` does once its arguments are read: verify, print the table, write the
report files, and give the exit code.

Both front doors call ``run_verify``: the typer command (``cli.verify``) and the typer-free path
(``cli.fastpath``), so the two cannot differ in what they do, only in how they read argv.
"""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

from pathlib import Path

from claimcheck.cli.plain import out, store_to_read
from claimcheck.gcpause import gc_paused
from claimcheck.plain_record import NEW, FrozenRecord

DEFAULT_OUT = Path("claimcheck-report")
REPORT_NAMES = ("report.md", "report.html", "report.json")  # as ``workflow.save_report_files`` writes them


class VerifyArgs(FrozenRecord):
    """The arguments of `claimcheck verify`, as typer gives them to the command (``claims`` empty or
    ``["all"]``: every claim). A frozen record (``plain_record``: a dataclass would cost ~4 M
    instructions to build); a list not given is a new empty one."""

    _fields = ("claims", "registry", "results", "store", "no_bundled_results", "out_dir", "no_write", "strict",
               "drop_ambiguous_seeds")

    def __init__(self, claims: list[str] = NEW, registry: list[Path] = NEW, results: list[Path] = NEW,
                 store: Path | None = None, no_bundled_results: bool = False, out_dir: Path = DEFAULT_OUT,
                 no_write: bool = False, strict: bool = False, drop_ambiguous_seeds: bool = False) -> None:
        self._init(claims=[] if claims is NEW else claims, registry=[] if registry is NEW else registry,
                   results=[] if results is NEW else results, store=store, no_bundled_results=no_bundled_results,
                   out_dir=out_dir, no_write=no_write, strict=strict, drop_ambiguous_seeds=drop_ambiguous_seeds)


# The garbage collector is paused (``claimcheck.gcpause``): reading the registry and the run records,
# verifying, rendering and writing is work the input bounds, allocating ~10^5 long-lived objects and
# almost no cycles.
# For `verify all`: ~30-45 ms of CPU less, ~0.4 MB more peak memory.
@gc_paused()
def run_verify(args: VerifyArgs) -> int:
    """Verify, print the table, write report.{md,html,json} unless ``no_write``; returns the exit code
    (0, or 1 when a claim is contradicted; see ``VerificationReport.exit_code``). Bad input raises a
    ``ClaimcheckError``, which each front door prints."""
    from claimcheck.reports.terminal import render_terminal
    from claimcheck.visible import visible
    from claimcheck.workflow import save_report_files, verify_from_disk

    if not args.no_write:  # before the work, not after the table is printed
        from claimcheck.cli.plain import not_shipped_data

        _refuse_a_file_for_a_folder(args.out_dir)
        not_shipped_data(args.out_dir)  # the folder, or one of its reports linked, inside the bundled claims or results
        for name in REPORT_NAMES:
            not_shipped_data(args.out_dir / name)
    ids = [] if args.claims == ["all"] else args.claims
    registry, report = verify_from_disk(ids, args.registry, args.results, store_to_read(args.store),
                                        not args.no_bundled_results, args.drop_ambiguous_seeds)
    if not args.no_write:  # `--results runs/report.json --out runs` would replace the runs with the report
        from claimcheck.cli.plain import inputs_of, not_an_input

        inputs = inputs_of(set(registry.files.values()), args.results, store_to_read(args.store))
        for name in REPORT_NAMES:
            not_an_input(args.out_dir / name, inputs)
    out.print(render_terminal(report))
    if not args.no_write:
        written = save_report_files(report, args.out_dir)
        out.print(visible("report written: " + ", ".join(str(p) for p in written)), soft_wrap=True)  # paths stay whole
    return report.exit_code(args.strict)


def _refuse_a_file_for_a_folder(out_dir: Path) -> None:
    """``--out`` names a folder: one that is a file (or lies under one) is refused, naming that file
    and the option. What else can keep a report from being written is found when it is written."""
    from claimcheck.errors import OutputError

    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise OutputError("is a file, not a folder (--out names the folder the reports are written into)",
                                  path=str(folder), field="--out")
            return

"""The library calls behind the commands: load inputs from disk, run the pure core, hand back values.

Each function here is one command's worth of work, so ``cli/`` stays a thin layer of parsing and
rendering, and the same calls serve scripts and notebooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimcheck.atomic import save_files_atomic
from claimcheck.claims.models import Paper, PaperFile
from claimcheck.claims.names import KnownNames, NameFinding, check_names, known_names
from claimcheck.claims.registry import Registry, load_registry
from claimcheck.results.collect import collect_records
from claimcheck.verifier.engine import verify
from claimcheck.verifier.verdict import VerificationReport


def verify_from_disk(
    claim_ids: Sequence[str] = (),
    registry_dirs: Sequence[Path] = (),
    result_paths: Sequence[Path] = (),
    store_path: Path | None = None,
    include_bundled_results: bool = True,
    drop_ambiguous_seeds: bool = False,
) -> tuple[Registry, VerificationReport]:
    """Verify the selected claims (all when empty) against every run record available
    (``drop_ambiguous_seeds``: see ``verifier.engine.verify``)."""
    registry = load_registry(registry_dirs)
    collected = collect_records(result_paths, store_path, include_bundled_results)
    report = verify(registry, collected.records, claim_ids, results_sources=collected.sources, known_names=known_paper_names,
                    drop_ambiguous_seeds=drop_ambiguous_seeds)
    return registry, report


def _replication_names(paper_id: str) -> tuple[set[str], Sequence[str]]:
    """The systems the replication presets written for ``paper_id`` run, and the catalogue's tasks."""
    from claimcheck.replication.presets import preset_systems  # protocols as data: no torch
    from claimcheck.replication.tasks.catalog import TASKS  # task declarations as data: no datasets

    return preset_systems(paper_id), list(TASKS)


def known_paper_names(paper: Paper) -> KnownNames:
    """The names a claim on ``paper`` may use (``claims.names.known_names``): the ones ``validate``
    checks against, and the ones ``verify``'s typo hints leave alone. The verifier does not import
    ``claimcheck.replication``: this layer hands them over."""
    systems, tasks = _replication_names(paper.id)
    return known_names(paper, systems, tasks)


def check_claim_names(files: Sequence[tuple[Path, PaperFile]]) -> list[NameFinding]:
    """The names each file's derivations and replication arms use that its paper does not know
    (``claims.names``), checked against the paper's cells, the replication presets written for it and
    the task catalogue."""
    findings = []
    for path, pf in files:
        systems, tasks = _replication_names(pf.paper.id)
        findings += check_names(pf, path, preset_systems=systems, catalogue_tasks=tasks)
    return findings


def save_report_files(report: VerificationReport, out_dir: Path, title: str = "claimcheck verification report") -> list[Path]:
    """Write report.md, report.html and report.json into ``out_dir``, all three or none (``atomic.save_files_atomic``);
    returns the paths written."""
    from claimcheck.reports.html import render_html
    from claimcheck.reports.jsonout import render_json
    from claimcheck.reports.markdown import render_markdown

    files = [  # all three rendered before any is written
        (out_dir / "report.md", render_markdown(report, title=title)),
        (out_dir / "report.html", render_html(report, title=title)),
        (out_dir / "report.json", render_json(report)),
    ]
    # one set: what is in the way of the last, or a full disk, must not leave the first two new and it old
    save_files_atomic([(path, text.encode("utf-8")) for path, text in files])
    return [path for path, _ in files]

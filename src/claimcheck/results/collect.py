"""Gather the run records a verification should see: bundled results, the store, extra files.

An edge module (it reads files and the store); the verifier itself stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths, read_result_paths
from claimcheck.results.records import RunRecord
from claimcheck.visible import visible


@dataclass(frozen=True)
class CollectedRecords:
    records: list[RunRecord]
    # human-readable: where they came from, with counts; a path's control characters and bytes that were not
    # UTF-8 shown as escapes (``visible``), so every report format can print and write them
    sources: list[str]


def _named(run_ids: list[str], origins: dict[str, Path]) -> str:
    """``r-1 (a.json), r-2 (b.json)``: the first five, each with the file it was read from."""
    shown = ", ".join(f"{run_id} ({origins[run_id]})" for run_id in run_ids[:5])
    return shown + (f" and {len(run_ids) - 5} more" if len(run_ids) > 5 else "")


def collect_records(result_paths: Sequence[Path] = (), store_path: Path | None = None, include_bundled: bool = True) -> CollectedRecords:
    """Records from the bundled results folder, the run store (if it exists) and any given files.

    The same run id seen twice is kept once (the store wins over files, files over bundled). A file
    record that differs from the one it is kept over, or that is kept over, is named in the files'
    source line with its file: records are immutable, so one id with two contents is worth saying.
    """
    by_id: dict[str, RunRecord] = {}
    sources: list[str] = []
    if store_path is not None and Path(store_path).exists():
        from claimcheck.results.store import load_store_records  # sqlite3 only; no heavy imports

        recs = load_store_records(Path(store_path))
        for r in recs:
            by_id.setdefault(r.run_id, r)
        sources.append(visible(f"store {store_path} ({len(recs)} runs)"))
    files_notes: list[str] = []
    from_files: dict[str, RunRecord] = {}
    if result_paths:
        read = read_result_paths([Path(p) for p in result_paths])
        recs = read.records
        superseded = []
        for r in recs:
            kept = by_id.setdefault(r.run_id, r)
            if kept is r:
                from_files[r.run_id] = r
            elif kept != r:
                superseded.append(r.run_id)
        if superseded:
            files_notes.append(f"{len(superseded)} of them differ from the stored run of the same id, and the stored one is "
                               f"used: {_named(superseded, read.origins)}")
        if read.passed_over:
            files_notes.append(read.passed_over_note())
        files_at, files_source = len(sources), f"files {', '.join(str(p) for p in result_paths)} ({len(recs)} runs"
    if include_bundled and BUNDLED_RESULTS.is_dir() and any(BUNDLED_RESULTS.glob("*.json")):
        recs = load_result_paths([BUNDLED_RESULTS], check_ids=False)  # shipped: checked by the contract tests
        replaced = []
        for r in recs:
            kept = by_id.setdefault(r.run_id, r)
            if kept is not r and from_files.get(r.run_id) is kept and kept != r:
                replaced.append(r.run_id)
        if replaced:  # the file's record is used, as documented; but not silently
            files_notes.append(f"{len(replaced)} of them differ from the bundled run of the same id and replace it: "
                               f"{_named(replaced, read.origins)}")
        sources.append(f"bundled results ({len(recs)} runs)")
    if result_paths:  # after the bundled runs, which the files' notes may name
        sources.insert(files_at, visible(files_source + "".join(f"; {note}" for note in files_notes) + ")"))
    return CollectedRecords(records=list(by_id.values()), sources=sources)

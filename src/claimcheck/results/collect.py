"""Gather the run records a verification should see: bundled results, the store, extra files.

An edge module (it reads files and the store); the verifier itself stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claimcheck.plain_record import FrozenRecord
from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths, read_result_paths
from claimcheck.results.records import RunRecord
from claimcheck.visible import visible


class CollectedRecords(FrozenRecord):
    """The records, and where they came from (a frozen record: ``plain_record``)."""

    _fields = ("records", "sources")

    def __init__(self, records: list[RunRecord], sources: list[str]) -> None:
        # sources: human-readable, where they came from, with counts; a path's control characters and bytes that
        # were not UTF-8 shown as escapes (``visible``), so every report format can print and write them
        self._init(records=records, sources=sources)


def _named(run_ids: list[str], origins: dict[str, Path] | None = None) -> str:
    """``r-1 (a.json), r-2 (b.json)``: the first five, each with the file it was read from (when
    ``origins`` says: a stored run's place is the store its line names)."""
    shown = ", ".join(f"{run_id} ({origins[run_id]})" if origins else run_id for run_id in run_ids[:5])
    return shown + (f" and {len(run_ids) - 5} more" if len(run_ids) > 5 else "")


def collect_records(result_paths: Sequence[Path] = (), store_path: Path | None = None, include_bundled: bool = True) -> CollectedRecords:
    """Records from the bundled results folder, the run store (if it exists) and any given files.

    The same run id seen twice is kept once (the store wins over files, files over bundled). A record
    kept over a different one of the same id is named in its source's line (the store's or the
    files', with its file), and so is a file record that differs from the stored one it is not used
    over: records are immutable, so one id with two contents is worth saying.
    """
    by_id: dict[str, RunRecord] = {}
    lines: dict[str, str] = {}  # "store", "files": the source's line, without its notes
    notes: dict[str, list[str]] = {"store": [], "files": []}
    origins: dict[str, dict[str, Path] | None] = {"store": None, "files": {}}  # run id -> file, for the notes
    kept_from: dict[str, dict[str, RunRecord]] = {"store": {}, "files": {}}  # the records each source has kept
    if store_path is not None and Path(store_path).exists():
        from claimcheck.results.store import load_store_records  # sqlite3 only; no heavy imports

        recs = load_store_records(Path(store_path))
        for r in recs:
            if by_id.setdefault(r.run_id, r) is r:
                kept_from["store"][r.run_id] = r
        lines["store"] = f"store {store_path} ({len(recs)} runs"
    if result_paths:
        read = read_result_paths([Path(p) for p in result_paths])
        origins["files"] = read.origins
        recs = read.records
        superseded = []
        for r in recs:
            kept = by_id.setdefault(r.run_id, r)
            if kept is r:
                kept_from["files"][r.run_id] = r
            elif kept != r:
                superseded.append(r.run_id)
        if superseded:
            notes["files"].append(f"{len(superseded)} of them differ from the stored run of the same id, and the stored one is "
                                  f"used: {_named(superseded, read.origins)}")
        if read.passed_over:
            notes["files"].append(read.passed_over_note())
        lines["files"] = f"files {', '.join(str(p) for p in result_paths)} ({len(recs)} runs"
    bundled_line = None
    if include_bundled and BUNDLED_RESULTS.is_dir() and any(BUNDLED_RESULTS.glob("*.json")):
        recs = load_result_paths([BUNDLED_RESULTS], check_ids=False)  # their ids: checked by the contract tests
        replaced: dict[str, list[str]] = {"store": [], "files": []}
        for r in recs:
            kept = by_id.setdefault(r.run_id, r)
            if kept is not r and kept != r:
                replaced["store" if kept_from["store"].get(r.run_id) is kept else "files"].append(r.run_id)
        for source, run_ids in replaced.items():
            if run_ids:  # the store's or the file's record is used, as documented; but not silently
                notes[source].append(f"{len(run_ids)} of them differ from the bundled run of the same id and replace it: "
                                     f"{_named(run_ids, origins[source])}")
        bundled_line = f"bundled results ({len(recs)} runs)"
    # written last: the bundled runs come last, and the other sources' notes may name them
    sources = [visible(line + "".join(f"; {note}" for note in notes[source]) + ")") for source, line in lines.items()]
    return CollectedRecords(records=list(by_id.values()), sources=sources + ([bundled_line] if bundled_line else []))

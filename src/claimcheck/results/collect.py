"""Gather the run records a verification should see: bundled results, the store, extra files.

An edge module (it reads files and the store); the verifier itself stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.results.files import BUNDLED_RESULTS, load_result_paths, read_result_paths
from claimcheck.results.records import RunRecord


@dataclass(frozen=True)
class CollectedRecords:
    records: list[RunRecord]
    sources: list[str]  # human-readable: where they came from, with counts


def collect_records(result_paths: Sequence[Path] = (), store_path: Path | None = None, include_bundled: bool = True) -> CollectedRecords:
    """Records from the bundled results folder, the run store (if it exists) and any given files.

    The same run id seen twice is kept once (the store wins over files, files over bundled).
    """
    by_id: dict[str, RunRecord] = {}
    sources: list[str] = []
    if store_path is not None and Path(store_path).exists():
        from claimcheck.results.store import load_store_records  # sqlite3 only; no heavy imports

        recs = load_store_records(Path(store_path))
        for r in recs:
            by_id.setdefault(r.run_id, r)
        sources.append(f"store {store_path} ({len(recs)} runs)")
    if result_paths:
        read = read_result_paths([Path(p) for p in result_paths])
        recs = read.records
        superseded = 0
        for r in recs:
            kept = by_id.setdefault(r.run_id, r)
            superseded += kept is not r and kept != r
        note = f"; {superseded} of them differ from the stored run of the same id, and the stored one is used" if superseded else ""
        passed = read.passed_over_note()
        note += f"; {passed}" if passed else ""
        sources.append(f"files {', '.join(str(p) for p in result_paths)} ({len(recs)} runs{note})")
    if include_bundled and BUNDLED_RESULTS.is_dir() and any(BUNDLED_RESULTS.glob("*.json")):
        recs = load_result_paths([BUNDLED_RESULTS], check_ids=False)  # shipped: checked by the contract tests
        for r in recs:
            by_id.setdefault(r.run_id, r)
        sources.append(f"bundled results ({len(recs)} runs)")
    return CollectedRecords(records=list(by_id.values()), sources=sources)

"""Stored runs written out to a result file: ``runs export``, and the backup ``runs remove`` writes.

``save_records_json`` writes records as a result file, which ``claimcheck runs import`` takes back; a
stored record that does not validate (``UnreadableRun``) goes in as it was stored. A backup must be a
new file (``refuse_existing_backup``): writing over one would lose the records it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from claimcheck.errors import InputError, StoreError
from claimcheck.results.records import RunRecord
from claimcheck.results.unreadable_runs import UnreadableRun


def refuse_existing_backup(backup: Path) -> None:
    """A backup must be a new file: writing over one would lose the records it holds, which may be
    the only copy of runs already removed from the store."""
    backup = Path(backup)
    if backup.exists() or backup.is_symlink():
        raise backup_exists_error(backup)


class BackupExistsError(InputError):
    """The backup file of ``runs remove`` is already there (nothing was removed)."""


def backup_exists_error(backup: Path) -> InputError:
    return BackupExistsError("already exists and may hold runs removed earlier; nothing was removed. Choose a new "
                      "file, or leave out --backup for a fresh one under $CLAIMCHECK_HOME/removed/",
                      path=str(backup), field="--backup")


def save_records_json(records: Iterable[RunRecord | UnreadableRun], path: Path, *, new: bool = False) -> None:
    """Write records as a result file (``{"runs": [...]}``, sorted by run id), atomically; with
    ``new``, only if no file is there (else ``FileExistsError``, nothing written). A record that does
    not validate (``UnreadableRun``) is written as it was stored."""
    from claimcheck.atomic import save_text_atomic
    from claimcheck.results.file_format import render_records_json, runs_json_text

    path = Path(path)
    records = list(records)
    if any(isinstance(r, UnreadableRun) for r in records):
        runs = [r.as_stored() if isinstance(r, UnreadableRun) else r.model_dump(mode="json")
                for r in sorted(records, key=lambda r: r.run_id)]
        text = runs_json_text(runs)  # as render_records_json
    else:
        text = render_records_json(records)
    try:
        save_text_atomic(path, text, new=new)
    except FileExistsError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot write the export file: {exc.strerror or exc}", path=str(path)) from None

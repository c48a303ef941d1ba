"""Tasks as data (``catalog.py``), their file formats (``formats.py``) and the one loader (``loading.py``)."""

from __future__ import annotations

from claimcheck.errors import InputError
from claimcheck.replication.tasks.catalog import TARGET_TASKS, TASKS
from claimcheck.replication.tasks.declaration import HubSource, TaskDecl


def get_task(name: str) -> TaskDecl:
    try:
        return TASKS[name]
    except KeyError:
        raise InputError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}", field="task") from None


__all__ = ["TASKS", "TARGET_TASKS", "TaskDecl", "HubSource", "get_task"]

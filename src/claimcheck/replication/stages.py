"""Stage folders: where a stage keeps its checkpoints, how it marks itself done, how it is locked.

    <home>/work/<key>/            one folder per stage (key = hash of the stage's sub-spec)
        checkpoint/state.pt       resumable training state (written atomically every N steps)
        encoder/ | trained.pt     the stage's output (renamed into place when complete)
        metrics.json              (target stages) metrics per evaluated slice
        done.json                 written last, atomically: the stage is finished
    <home>/work/<key>.lock        an exclusive file lock while a process computes the stage
    <home>/work/events.jsonl      one line per stage event (start, resume, done, cached), append-only

A process killed at any point leaves either no ``done.json`` (the stage resumes from its last
checkpoint) or a complete stage. Nothing half-written is ever read: every file is written to a
temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimcheck.atomic import save_text_atomic
from claimcheck.visible import visible_json

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
    fcntl = None


def write_json_atomic(path: Path, payload: dict) -> None:
    """``payload`` as sorted, indented JSON, each control character, bidi control or mark and line or paragraph
    separator in a string (a task name, a note) written as a JSON escape (``visible_json``): ``read_json`` gives
    the same values back, and no terminal or editor showing the file acts on them."""
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
    save_text_atomic(path, visible_json(text, keep_surrogates=True))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


class StageDir:
    def __init__(self, work: Path, key: str):
        self.work, self.key = work, key
        self.path = work / key

    @property
    def checkpoint(self) -> Path:
        return self.path / "checkpoint"

    @property
    def done_file(self) -> Path:
        return self.path / "done.json"

    def done(self) -> dict | None:
        """The stage's completion record, or None if it has not finished."""
        return read_json(self.done_file)

    def mark_done(self, info: dict) -> None:
        write_json_atomic(self.done_file, info)

    def has_checkpoint(self) -> bool:
        return (self.checkpoint / "state.pt").exists()

    def drop(self, *names: str) -> None:
        """Delete heavy outputs once they are no longer needed (records keep the numbers)."""
        for name in names:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            elif target.exists():
                target.unlink()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive while computing: a second process on the same stage waits, then finds it done."""
        self.work.mkdir(parents=True, exist_ok=True)
        with open(self.work / f"{self.key}.lock", "a+") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def log(self, stage: str, event: str, **info) -> None:
        """Append one event line (O_APPEND writes of one short line do not interleave)."""
        self.work.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"time": time.time(), "pid": os.getpid(), "stage": stage, "key": self.key, "event": event, **info})
        with open(self.work / "events.jsonl", "a", encoding="utf-8") as f:
            f.write(line + "\n")


def read_events(work: Path) -> list[dict]:
    path = work / "events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

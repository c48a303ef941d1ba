"""Progress bars across processes: Ray workers report through a mailbox actor, the driver draws them.

    worker: RelayedProgress ──post([events])──► Mailbox actor ◄──take()── driver: ProgressRelay
                                                                              └─► the driver's Progress

A worker-side ``RelayedProgress`` implements the same ``Progress`` protocol as the in-process sinks, so
the pipeline code is unchanged. It batches events and posts them without waiting (at most one post per
``FLUSH_SECONDS``, plus one when a bar closes), so relaying never slows training and a lost mailbox
never fails a run. Events carry their *source* (a stage key or run id): when the driver sees a source's
task finish (or die), it closes whatever bars that source left open and ignores its late events.

Ray itself is not imported here: the mailbox is a plain class that the runner turns into an actor.
"""

from __future__ import annotations

import time
import uuid

FLUSH_SECONDS = 0.5


class Mailbox:
    """The actor's class: an append-only list of events, emptied by each ``take``."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def post(self, events: list[tuple]) -> None:
        self.events.extend(events)

    def take(self) -> list[tuple]:
        events, self.events = self.events, []
        return events


class _RelayedTask:
    def __init__(self, owner: RelayedProgress, tid: str):
        self.owner, self.tid = owner, tid

    def advance(self, n: int = 1) -> None:
        self.owner.queue(("advance", self.tid, n))

    def describe(self, text: str) -> None:
        self.owner.queue(("describe", self.tid, text))

    def close(self) -> None:
        self.owner.queue(("close", self.tid), flush=True)


class RelayedProgress:
    """Worker side: a ``Progress`` whose bars are drawn by the driver."""

    def __init__(self, mailbox, source: str):
        self.mailbox, self.source = mailbox, source
        self.pending: list[tuple] = []
        self.last_flush = 0.0
        self.broken = False

    def task(self, description: str, total: int | None) -> _RelayedTask:
        tid = uuid.uuid4().hex[:12]
        self.queue(("task", tid, description, total), flush=True)
        return _RelayedTask(self, tid)

    def note(self, text: str) -> None:
        self.queue(("note", text), flush=True)

    def queue(self, event: tuple, flush: bool = False) -> None:
        if self.broken:
            return
        if event[0] == "advance" and self.pending and self.pending[-1][:2] == event[:2]:
            self.pending[-1] = ("advance", event[1], self.pending[-1][2] + event[2])  # coalesce
        else:
            self.pending.append(event)
        now = time.monotonic()
        if flush or now - self.last_flush >= FLUSH_SECONDS:
            try:
                self.mailbox.post.remote([(self.source, *e) for e in self.pending])  # fire and forget
            except Exception:  # the driver went away: keep training, stop reporting
                self.broken = True
            self.pending, self.last_flush = [], now


class ProgressRelay:
    """Driver side: applies the workers' events to the driver's ``Progress``."""

    def __init__(self, progress, mailbox):
        self.progress, self.mailbox = progress, mailbox
        self.bars: dict[str, tuple[str, object]] = {}  # tid -> (source, bar)
        self.finished: set[str] = set()

    def drain(self, timeout: float = 5.0) -> None:
        import ray

        try:
            events = ray.get(self.mailbox.take.remote(), timeout=timeout)
        except Exception:  # progress is a courtesy: never fail the replication over it
            return
        for source, kind, *args in events:
            if source in self.finished:
                continue
            if kind == "task":
                tid, description, total = args
                self.bars[tid] = (source, self.progress.task(description, total))
            elif kind == "note":
                self.progress.note(args[0])
            elif args and args[0] in self.bars:
                bar = self.bars[args[0]][1]
                if kind == "advance":
                    bar.advance(args[1])
                elif kind == "describe":
                    bar.describe(args[1])
                elif kind == "close":
                    bar.close()
                    del self.bars[args[0]]

    def finish(self, source: str) -> None:
        """The source's task ended (done, failed or dead): close what it left open."""
        self.drain()
        self.finished.add(source)
        for tid in [t for t, (s, _) in self.bars.items() if s == source]:
            self.bars.pop(tid)[1].close()

    def close(self) -> None:
        for _, bar in self.bars.values():
            bar.close()
        self.bars.clear()

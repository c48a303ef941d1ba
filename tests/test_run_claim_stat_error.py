"""A claim whose lock was won but whose file could not be checked (``fstat`` or ``stat`` failing with an
error other than "not found", as ESTALE on NFS) lets go of the lock before the error goes on: the claim is
then granted without being enforced (``claim_run``), and no descriptor is left holding the lock, which
would keep every other claim on the run out (this process's own next one included) until the process ends.
So does a Ctrl-C landing there, while the file is checked or its text written."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import sys

import pytest

from claimcheck.results import run_claims
from claimcheck.results.store import RunStore


def test_a_failed_check_after_the_lock_leaves_no_lock_held(tmp_path, monkeypatch):
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    real_fstat = os.fstat

    def stale(fd):
        raise OSError(errno.ESTALE, "Stale file handle")

    monkeypatch.setattr(run_claims.os, "fstat", stale)
    claim = run_claims.claim_run(path, "r-aa")
    assert claim is not None and not claim.enforced  # granted, not enforced
    monkeypatch.setattr(run_claims.os, "fstat", real_fstat)
    again = run_claims.claim_run(path, "r-aa")
    assert again is not None and again.enforced  # no leaked descriptor holds the lock
    again.release()


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts this process's descriptors in /proc/self/fd")
@pytest.mark.parametrize("call", ["stat", "ftruncate", "write"])
def test_an_interrupt_after_the_lock_is_won_leaves_no_lock_held(tmp_path, call):
    """Ctrl-C landing between winning the claim's lock and handing the claim back (while the file is
    checked or its text written): the KeyboardInterrupt goes on, and no descriptor is left holding the
    lock. A real SIGINT, with Python's own handler, is sent by a profile hook as the claim's code calls
    ``os.<call>`` after its ``flock``; the interrupt comes out of that call."""
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    target = getattr(os, call)
    locked = []

    def interrupt(frame, event, arg):
        if event == "c_return" and arg is fcntl.flock:
            locked.append(True)
        elif event == "c_call" and arg is target and locked:
            sys.setprofile(None)
            signal.raise_signal(signal.SIGINT)

    before = _open_fds()
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            sys.setprofile(interrupt)
            try:
                run_claims.claim_run(path, "r-aa")
            finally:
                sys.setprofile(None)
    finally:
        signal.signal(signal.SIGINT, handler)
    assert locked  # the interrupt came after the lock was won
    assert _open_fds() == before  # no descriptor leaked
    again = run_claims.claim_run(path, "r-aa")
    assert again is not None and again.enforced  # and none holds the lock
    again.release()

"""A claim whose lock was won but whose file could not be checked (``fstat`` or ``stat`` failing with an
error other than "not found", as ESTALE on NFS) lets go of the lock before the error goes on: the claim is
then granted without being enforced (``claim_run``), and no descriptor is left holding the lock, which
would keep every other claim on the run out (this process's own next one included) until the process ends."""

from __future__ import annotations

import errno
import os

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

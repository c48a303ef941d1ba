"""Claims hold between users who share a store: a claim one user holds keeps out a process of another
user who may write the store too, and the other way round. The other user is a forked process that
gives up root for uid 65534 (the tests are skipped where this process is not root); the claims are real
file locks in a real folder both users may write."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from claimcheck.results.run_claims import CLAIMS_SUFFIX
from claimcheck.results.store import RunStore

OTHER_UID = 65534  # nobody


@pytest.fixture
def shared_store():
    """A store both this user (root) and uid 65534 may write, in a folder both may write (not under
    pytest's tmp_path, which only its owner may enter)."""
    if not hasattr(os, "fork") or os.geteuid() != 0:
        pytest.skip("needs root, to run a process as another user")
    folder = Path(tempfile.mkdtemp(prefix="claimcheck-shared-store-"))
    try:
        os.chmod(folder, 0o777)
        path = folder / "runs.sqlite"
        RunStore(path).close()
        os.chmod(path, 0o666)  # both may write it (its -wal and -shm are made like it)
        with RunStore(path) as store:
            yield store
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_other_user(work, *, hold: bool = False) -> str:
    """Call ``work()`` in a forked process running as uid 65534 and return what it returns (a text).
    ``hold``: ``work`` returns (text, something to keep), and the process keeps it until ``go()``
    is called on the returned handle: returns (text, go)."""
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the other user's process: no pytest machinery from here on
        try:
            os.close(ready_r)
            os.close(go_w)
            os.setgroups([])
            os.setgid(OTHER_UID)
            os.setuid(OTHER_UID)
            result = work()
            text, kept = result if hold else (result, None)
            os.write(ready_w, text.encode() + b"\n")
            os.read(go_r, 1)  # until the test says go (or ends)
            del kept
        except BaseException as exc:  # said to the test, which fails with it
            os.write(ready_w, f"error {exc!r}\n".encode())
        finally:
            os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    text = b""
    while not text.endswith(b"\n"):
        chunk = os.read(ready_r, 4096)
        if not chunk:
            break
        text += chunk
    os.close(ready_r)

    def go() -> None:
        os.write(go_w, b"g")
        os.close(go_w)
        os.waitpid(pid, 0)

    if not hold:
        go()
        return text.decode().strip()
    return text.decode().strip(), go


def test_a_claim_keeps_out_another_user_who_may_write_the_store(shared_store):
    store = shared_store
    mine = store.claim("r-aa01")
    assert mine is not None and mine.enforced

    def claim_it() -> str:
        claim = store.claim("r-aa01")
        return "blocked" if claim is None else f"claimed (enforced: {claim.enforced})"

    assert _as_other_user(claim_it) == "blocked"  # before: claimed (enforced: False), open O_RDWR refused
    folder = Path(str(os.path.realpath(store.path)) + CLAIMS_SUFFIX)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 and stat.S_IMODE(mine.path.stat().st_mode) == 0o666  # the store's (x where r)
    mine.release()

    def claim_another():  # a claim file of its own, in the folder this user made
        claim = store.claim("r-bb01")
        return ("claimed" if claim is not None and claim.enforced else f"not enforced: {claim}"), claim

    said, go = _as_other_user(claim_another, hold=True)
    try:
        assert said == "claimed"
        assert store.claim("r-bb01") is None  # the other user's claim keeps this one out
    finally:
        go()
    again = store.claim("r-bb01")  # let go of when its process ended
    assert again is not None and again.enforced
    again.release()
    assert not folder.exists()


def test_a_claim_file_another_user_may_not_write_is_locked_open_to_read(shared_store):
    """Files left 0644 (as older versions made them, whatever the store's permissions): the other user
    is kept out all the same, and a file no process holds any more becomes its own claim."""
    store = shared_store
    mine = store.claim("r-aa01")
    os.chmod(mine.path, 0o644)
    stale = mine.path.with_name("r-cc01.lock")  # left by a process that ended
    stale.write_text("pid 1 on elsewhere\n")
    os.chmod(stale, 0o644)

    def claim_them() -> str:
        first = store.claim("r-aa01")
        second = store.claim("r-cc01")
        holder = store.claim_holder("r-cc01")
        return f"{'blocked' if first is None else 'claimed'}; {second is not None and second.enforced}; {holder}"

    try:
        first, second, holder = _as_other_user(claim_them).split("; ")
    finally:
        mine.release()
    assert first == "blocked"
    assert second == "True"
    assert holder.startswith("pid ") and holder != "pid 1 on elsewhere"  # its own file now, naming it

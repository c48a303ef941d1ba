"""Who holds a use of a fine-tune's weights, seen from another process trying to drop them
(``StageDir.drop_unused``): ``pipeline._finetuned`` while it trains or reads them, and the Ray driver's
``Dispatch`` (built without Ray) from the start of its list until the last run of the fine-tune is stored
as a result, or until ``release_all``. Real processes, real locks."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from replication_fixtures import long_run_spec, ok_record, two_runs_of_one_finetune

from claimcheck.replication.runners.base import RunContext
from claimcheck.replication.runners.ray_dispatch import Dispatch
from claimcheck.replication.stages import _users_lock

SRC = Path(__file__).resolve().parents[1] / "src"

# the other process: tries to drop the fine-tune's weights, and says whether it did
_DROP = """import sys
from pathlib import Path
from claimcheck.replication.stages import StageDir
print(StageDir(Path(sys.argv[1]), sys.argv[2]).drop_unused("trained.pt", "checkpoint"))
"""

# the other process: holds the fine-tune's lock (as a process training it does) until the file ``go`` appears
_LOCKER = """import sys, time
from pathlib import Path
from claimcheck.replication.stages import StageDir
work, key, ready, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
with StageDir(work, key).lock():
    ready.write_text("locked")
    while not go.exists():
        time.sleep(0.01)
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}


def _dropped_by_another(work: Path, key: str) -> bool:
    """Whether another process, trying, dropped the fine-tune's weights (made again first if gone)."""
    weights = work / key / "trained.pt"
    weights.parent.mkdir(parents=True, exist_ok=True)
    if not weights.exists():
        weights.write_bytes(b"weights")
    out = subprocess.run([sys.executable, "-c", _DROP, str(work), key], env=_env(), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    dropped = out.stdout.strip() == "True"
    assert dropped == (not weights.exists())
    return dropped


def _used(work: Path, key: str) -> bool:
    """Whether some use of the fine-tune is held now (an exclusive lock on its users file is refused)."""
    try:
        fd = _users_lock(work, key, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    os.close(fd)
    return False


def test_finetuned_holds_a_use_while_it_reads_the_weights(tmp_path):
    from claimcheck.replication import pipeline

    __import__("torch")  # before the thread starts, so that it reaches the lock at once

    spec = long_run_spec(epochs=2)
    ctx = RunContext(home=tmp_path / "home", device="cpu")
    key = spec.finetune_key
    weights = ctx.work / key / "trained.pt"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"not weights: reading them fails, after the use was held")
    ready, go = tmp_path / "ready", tmp_path / "go"
    locker = subprocess.Popen([sys.executable, "-c", _LOCKER, str(ctx.work), key, str(ready), str(go)], env=_env(),
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert locker.poll() is None, locker.communicate()[1][-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.01)
        failed = []

        def finetune():
            try:
                pipeline._finetuned(spec, ctx, None, None, None, "cpu", None)
            except Exception as exc:  # the weights are not weights
                failed.append(exc)

        reader = threading.Thread(target=finetune)
        reader.start()
        deadline = time.monotonic() + 30  # it waits for the lock, holding its use
        while not _used(ctx.work, key):
            assert reader.is_alive() and time.monotonic() < deadline, "_finetuned held no use of the fine-tune"
            time.sleep(0.01)
        assert not _dropped_by_another(ctx.work, key)
        assert weights.exists()
    finally:
        go.write_text("go")
        locker.wait(timeout=60)
    reader.join(timeout=120)
    assert not reader.is_alive() and failed  # it read the weights that were left to it
    assert not _used(ctx.work, key)  # and let go of its use


def test_dispatch_holds_each_finetune_until_its_last_run_is_stored_as_a_result(tmp_path):
    first, last = two_runs_of_one_finetune()
    ctx = RunContext(home=tmp_path / "home", device="cpu")
    key = first.finetune_key
    dispatch = Dispatch(None, [first, last], ctx)
    try:
        assert not _dropped_by_another(ctx.work, key)  # held from the start
        dispatch.stored(first, ok=True)
        assert not _dropped_by_another(ctx.work, key)  # a run of it is still to come
        dispatch.stored(last, ok=True)
        assert _dropped_by_another(ctx.work, key)  # the last one is stored: let go
    finally:
        dispatch.release_all()


def test_dispatch_keeps_a_finetune_whose_last_run_failed_until_release_all(tmp_path):
    first, last = two_runs_of_one_finetune()
    ctx = RunContext(home=tmp_path / "home", device="cpu")
    key = first.finetune_key
    dispatch = Dispatch(None, [first, last], ctx)
    try:
        dispatch.stored(first, ok=True)
        dispatch.stored(last, ok=False)
        assert not _dropped_by_another(ctx.work, key)  # kept for a retry
    finally:
        dispatch.release_all()
    assert _dropped_by_another(ctx.work, key)  # the driver stopped: nothing held


def test_dispatch_release_all_lets_go_of_every_finetune(tmp_path):
    first, _ = two_runs_of_one_finetune()
    other = long_run_spec(epochs=2, system="MNLI")
    assert other.finetune_key != first.finetune_key
    ctx = RunContext(home=tmp_path / "home", device="cpu")
    dispatch = Dispatch(None, [first, other], ctx)
    assert not _dropped_by_another(ctx.work, first.finetune_key)
    assert not _dropped_by_another(ctx.work, other.finetune_key)
    dispatch.release_all()
    assert _dropped_by_another(ctx.work, first.finetune_key)
    assert _dropped_by_another(ctx.work, other.finetune_key)


def test_dispatch_stopping_drops_a_finetune_whose_runs_another_process_stored(tmp_path):
    """The driver stops (Ctrl-C) before its runs of a fine-tune, which another process ran and stored meanwhile
    (it could not drop the weights: this driver held a use): ``release_all`` drops them, as no later list would."""
    from claimcheck.results.store import RunStore

    first, last = two_runs_of_one_finetune()
    ctx = RunContext(home=tmp_path / "home", device="cpu")
    key = first.finetune_key
    with RunStore(tmp_path / "runs.sqlite") as store:
        dispatch = Dispatch(store, [first, last], ctx)
        try:
            assert not _dropped_by_another(ctx.work, key)  # held
            assert store.save(ok_record(first)) and store.save(ok_record(last))  # as the other process did
        finally:
            dispatch.release_all()
    assert not (ctx.work / key / "trained.pt").exists() and not (ctx.work / f"{key}.users").exists()

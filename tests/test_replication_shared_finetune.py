"""A fine-tune that two `replicate` processes with different lists both use is not dropped by the one
that finishes first: it is left to the last of them (a process holds a use of each fine-tune of its
list, a shared file lock, until its last run of it is done). Real processes, real locks, tiny runs."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import replication_fixtures
from replication_fixtures import long_run_spec

from claimcheck.replication.pipeline import cleanup_run
from claimcheck.replication.runners.base import NullProgress, RunContext
from claimcheck.replication.runners.local import LocalRunner
from claimcheck.replication.stages import StageDir, read_events
from claimcheck.results.store import RunStore

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = Path(__file__).resolve().parent

# the other process: holds a use of the fine-tune ``key`` of ``work`` until the file ``go`` appears
_HOLDER = """import sys, time
from pathlib import Path
from claimcheck.replication.stages import StageUses
work, key, ready, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
with StageUses(work, [key]):
    ready.write_text("holding")
    while not go.exists():
        time.sleep(0.01)
"""

# the other `replicate`: a LocalRunner on its own list (the run evaluated in de only), which says it is ready
# when it turns to its run (its uses are taken by then), and goes on once the file ``go`` appears
_REPLICATE = """import sys, time, dataclasses
from pathlib import Path
from replication_fixtures import long_run_spec
from claimcheck.replication.runners.base import NullProgress, RunContext
from claimcheck.replication.runners.local import LocalRunner
from claimcheck.results.store import RunStore
home, data, model, ready, go = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5])
both = long_run_spec(epochs=2, system="XLM-R")
only_de = dataclasses.replace(both, target=dataclasses.replace(both.target, evals=both.target.evals[1:]))

class Gate(NullProgress):
    def task(self, description, total):
        bar = super().task(description, total)
        if description == "runs":
            def describe(text):
                ready.write_text("planned")
                while not go.exists():
                    time.sleep(0.01)
            bar.describe = describe
        return bar

with RunStore(home / "runs.sqlite") as store:
    (outcome,) = LocalRunner().run([only_de], RunContext(home=home, model_path=model, data_dir=data, device="cpu"), store, Gate())
assert outcome.record.status == "ok", outcome.record.error
"""


# the other `replicate`: stores results of the named runs of the two (``both``, ``only_de``), then tries to drop
# their fine-tune as its ``cleanup_run`` would, and says whether it did
_STORES = """import sys
from pathlib import Path
from replication_fixtures import ok_record, two_runs_of_one_finetune
from claimcheck.replication.stages import StageDir
from claimcheck.results.store import RunStore
home, names = Path(sys.argv[1]), sys.argv[2:]
runs = dict(zip(("both", "only_de"), two_runs_of_one_finetune()))
with RunStore(home / "runs.sqlite") as store:
    for name in names:
        assert store.save(ok_record(runs[name]))
print(StageDir(home / "work", runs["both"].finetune_key).drop_unused("trained.pt", "checkpoint"))
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS), os.environ.get("PYTHONPATH", "")])}


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def test_weights_another_process_uses_are_left_to_it_then_dropped_by_the_last(tmp_path):
    from claimcheck.replication.stages import StageUses

    spec = long_run_spec(epochs=2, system="XLM-R")
    ctx = RunContext(home=tmp_path / "home")
    stage = StageDir(ctx.work, spec.finetune_key)
    stage.path.mkdir(parents=True)
    (stage.path / "trained.pt").write_bytes(b"weights")
    ready, go = tmp_path / "ready", tmp_path / "go"
    other = subprocess.Popen([sys.executable, "-c", _HOLDER, str(ctx.work), spec.finetune_key, str(ready), str(go)],
                             env=_env(), stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(ready, other)
        uses = StageUses(ctx.work, [spec.finetune_key])
        cleanup_run(spec, ctx, (), uses)  # this process's last run of it: the other still uses it
        assert (stage.path / "trained.pt").read_bytes() == b"weights"
        assert not stage.drop_unused("trained.pt")
    finally:
        go.write_text("")
        other.communicate(timeout=60)
    assert other.returncode == 0
    # now no one uses it (this process's use was let go of by cleanup_run: it would keep the lock from it)
    assert stage.drop_unused("trained.pt") and not (stage.path / "trained.pt").exists()
    assert not (ctx.work / f"{spec.finetune_key}.users").exists()  # deleted with them: none stays per fine-tune
    uses.release_all()


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether process ``pid`` waits for a file lock now (a ``->`` line of Linux's ``/proc/locks``)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any(parts[1:2] == ["->"] and parts[5:6] == [str(pid)] for parts in map(str.split, lines))


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="sees a process wait for a lock in Linux's /proc/locks")
def test_a_use_waiting_while_the_last_user_drops_the_weights_holds_the_users_file_made_again(tmp_path):
    """The last user drops the weights and deletes the users file under its exclusive lock. Another process,
    which opened that file meanwhile and waits to lock it for its use, finds once it has the lock that the
    file is no longer at its path, and takes the one there (made again): its use then keeps a third process
    from dropping the weights it goes on to train, and the last drop deletes that file too. The real
    ``drop_unused`` runs; a profile hook starts the other process once it is dropping, and waits until that
    one waits for the lock."""
    key, work = "ft-a", tmp_path / "work"
    stage = StageDir(work, key)
    weights, users = stage.path / "trained.pt", work / f"{key}.users"
    stage.path.mkdir(parents=True)
    weights.write_bytes(b"weights")
    ready, go = tmp_path / "ready", tmp_path / "go"
    others: list[subprocess.Popen] = []

    def at_drop(frame, event, arg):
        if event == "call" and frame.f_code is StageDir.drop.__code__ and not others:
            others.append(subprocess.Popen([sys.executable, "-c", _HOLDER, str(work), key, str(ready), str(go)],
                                           env=_env(), stderr=subprocess.PIPE, text=True))
            deadline = time.monotonic() + 60
            while not _waiting_for_a_lock(others[0].pid):
                assert others[0].poll() is None and time.monotonic() < deadline, "it never waited for the lock"
                time.sleep(0.01)

    sys.setprofile(at_drop)
    try:
        dropped = stage.drop_unused("trained.pt", "checkpoint")
    finally:
        sys.setprofile(None)
    (other,) = others
    try:
        assert dropped and not weights.exists()
        _wait_for(ready, other)  # its use is held
        assert users.exists()  # on the file made again: the old one was deleted
        weights.write_bytes(b"weights trained again")  # as the other process would
        assert not stage.drop_unused("trained.pt") and weights.exists()  # its use keeps them
    finally:
        go.write_text("")
        other.communicate(timeout=60)
    assert other.returncode == 0
    assert stage.drop_unused("trained.pt") and not weights.exists() and not users.exists()


def test_a_users_file_left_without_weights_is_deleted_by_the_next_drop(tmp_path):
    """A list stopped before its fine-tune was trained leaves the users file of its use behind, with no
    weights: the next ``drop_unused`` of that fine-tune deletes it all the same."""
    from claimcheck.replication.stages import StageUses

    with StageUses(tmp_path, ["ft-a"]):
        pass
    assert (tmp_path / "ft-a.users").exists() and not (tmp_path / "ft-a").exists()
    assert StageDir(tmp_path, "ft-a").drop_unused("trained.pt", "checkpoint")
    assert not (tmp_path / "ft-a.users").exists()


def test_a_replicate_with_another_list_keeps_the_fine_tune_the_other_still_needs(tmp_path, smoke_kit):
    """XQuAD-like runs: this process evaluates en and de, the other process de only, from the same
    fine-tune. The other took its list (and its uses) first, this one trains, stores and cleans up:
    the weights stay, the other reuses them instead of training again, and drops them at its end."""
    data, model = smoke_kit
    home = tmp_path / "home"
    both = long_run_spec(epochs=2, system="XLM-R")
    only_de = dataclasses.replace(both, target=dataclasses.replace(both.target, evals=both.target.evals[1:]))
    assert only_de.finetune_key == both.finetune_key and only_de.run_id != both.run_id
    trained = StageDir(home / "work", both.finetune_key).path / "trained.pt"
    ready, go = tmp_path / "ready", tmp_path / "go"
    other = subprocess.Popen([sys.executable, "-c", _REPLICATE, str(home), str(data), str(model), str(ready), str(go)],
                             env=_env(), stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(ready, other)
        with RunStore(home / "runs.sqlite") as store:
            (outcome,) = LocalRunner().run([both], RunContext(home=home, model_path=str(model), data_dir=data, device="cpu"), store)
        assert outcome.record.status == "ok"
        assert trained.exists()  # this list is done with it, the other's is not
    finally:
        go.write_text("")
        _, err = other.communicate(timeout=300)
    assert other.returncode == 0, err[-3000:]
    train = [e for e in read_events(home / "work") if e["key"] == both.finetune_key and e["stage"] == "target_train"]
    assert [e["event"] for e in train] == ["start", "done", "cached"]  # trained once, by this process
    assert train[-1]["pid"] == other.pid  # reused by the other
    assert not trained.exists()  # dropped by the last of the two
    assert not (home / "work" / f"{both.finetune_key}.users").exists()  # and its users file with them


def test_uses_past_the_limit_wait_in_order_and_take_the_place_of_one_let_go_of(tmp_path: Path) -> None:
    """Each use is an open file: a list of many fine-tunes holds at most ``limit`` at once, the first
    ones first, and a key waiting past the limit is held once a use is let go of (never one whose runs
    are already done). A process of another list sees exactly the held ones as in use."""
    from claimcheck.replication.stages import StageUses

    keys = ["ft-a", "ft-b", "ft-c", "ft-d"]
    for key in keys:
        (tmp_path / key).mkdir()
        (tmp_path / key / "trained.pt").write_bytes(b"w")
    with StageUses(tmp_path, keys, limit=2) as uses:
        assert uses.held() == ["ft-a", "ft-b"]
        uses.release("ft-d")  # its runs were done before its turn came: never held
        uses.release("ft-a")
        assert uses.held() == ["ft-b", "ft-c"]
        # another process: what this one holds is kept, what it does not is dropped
        code = ("import sys; from pathlib import Path; from claimcheck.replication.stages import StageDir\n"
                "w = Path(sys.argv[1])\n"
                "print(*[StageDir(w, k).drop_unused('trained.pt') for k in sys.argv[2:]])")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path), *keys], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.split()
        assert out == ["True", "False", "False", "True"]
        assert [k for k in keys if (tmp_path / k / "trained.pt").exists()] == ["ft-b", "ft-c"]
    assert uses.held() == []


def test_the_default_limit_is_an_eighth_of_the_open_file_limit(tmp_path: Path) -> None:
    """A process allowed 64 open files holds at most 8 uses, so a plan of hundreds of fine-tunes leaves
    it the descriptors its training needs; the usual 1024 gives 128."""
    code = ("import resource, sys; from pathlib import Path; from claimcheck.replication.stages import StageUses\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
            "u = StageUses(Path(sys.argv[1]), [f'ft-{i}' for i in range(300)])\n"
            "print(u.limit, len(u.held()))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.split()
    assert out == ["8", "8"]
    code = code.replace("(64,", "(1024,")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.split()
    assert out == ["128", "128"]


@pytest.mark.parametrize(("stored_elsewhere", "keep", "dropped"), [
    (("both", "only_de"), False, True),  # no run of the list needs them any more, nor will a later one
    (("both",), False, False),  # only_de is still to run: the command that resumes needs them
    (("both", "only_de"), True, False),  # --keep-checkpoints
])
def test_a_replicate_stopped_early_drops_weights_whose_runs_another_process_stored(tmp_path, stored_elsewhere, keep,
                                                                                   dropped):
    """Ctrl-C while both runs of a fine-tune are still to come in this list, after another `replicate` ran and
    stored them: that one could not drop the weights (this one held a use), and no later list would (none plans
    a stored run), so this one drops them on its way out, with the users file. Weights a run of the list
    still needs stay, for the command that resumes, and so do weights asked to be kept."""
    both, only_de = replication_fixtures.two_runs_of_one_finetune()
    ctx = RunContext(home=tmp_path / "home", device="cpu", keep_checkpoints=keep)
    weights = StageDir(ctx.work, both.finetune_key).path / "trained.pt"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"weights")
    other = []

    class CtrlC(NullProgress):  # the other process runs as this one turns to its first run; then Ctrl-C
        def task(self, description, total):
            bar = super().task(description, total)
            if description == "runs":
                def describe(text):
                    other.append(subprocess.run([sys.executable, "-c", _STORES, str(ctx.home), *stored_elsewhere],
                                                env=_env(), capture_output=True, text=True, timeout=120))
                    raise KeyboardInterrupt
                bar.describe = describe
            return bar

    with RunStore(ctx.home / "runs.sqlite") as store, pytest.raises(KeyboardInterrupt):
        LocalRunner().run([both, only_de], ctx, store, CtrlC())
    (out,) = other
    assert out.returncode == 0 and out.stdout.split() == ["False"], out.stderr[-3000:]  # this one held a use
    assert weights.exists() is not dropped
    assert (ctx.work / f"{both.finetune_key}.users").exists() is not dropped

"""Atomic writes keep the permissions a plain write would give, follow symlinks, and write special
files (a FIFO, a device, /dev/stdout) in place instead of replacing them (POSIX)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.atomic import save_text_atomic
from claimcheck.errors import OutputError

pytestmark = pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode_not_the_temporary_files(tmp_path, umask_022):
    target = tmp_path / "out" / "report.html"
    save_text_atomic(target, "<p>x</p>")
    assert target.read_text() == "<p>x</p>"
    assert _mode(target) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no stray .part file


def test_an_existing_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "runs.json"
    target.write_text("old")
    target.chmod(0o640)
    save_text_atomic(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o640


def test_a_symlink_is_followed_and_stays(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(Path("real") / "report.json")  # relative, as `ln -s` usually makes it
    save_text_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "later.json"
    dangling.symlink_to(tmp_path / "real" / "not-yet.json")
    save_text_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "real" / "not-yet.json").read_text() == "made"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["not-yet.json", "report.json"]


def test_a_fifo_is_written_in_place_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is waiting, so the write does not block
    try:
        save_text_atomic(fifo, '{"ok": true}')
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        assert os.read(reader, 1 << 16) == b'{"ok": true}'
    finally:
        os.close(reader)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="descriptor links as Linux shows them")
def test_a_descriptor_link_like_dev_stdout_writes_to_the_open_file(tmp_path):
    log = tmp_path / "log.txt"
    with open(log, "a") as fh:  # as `claimcheck report --out /dev/stdout >> log.txt` leaves it
        fh.write("before\n")
        fh.flush()
        stdout = tmp_path / "stdout"
        stdout.symlink_to(f"/proc/self/fd/{fh.fileno()}")
        save_text_atomic(stdout, "report\n")
    assert log.read_text() == "before\nreport\n"
    assert stdout.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["log.txt", "stdout"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="descriptor links as Linux shows them")
def test_our_own_stdout_keeps_its_order_with_what_we_print(tmp_path):
    stdout = tmp_path / "stdout"  # what /dev/stdout is, made here so no system file is at stake
    stdout.symlink_to("/proc/self/fd/1")
    code = ("import sys; from pathlib import Path; from claimcheck.atomic import save_text_atomic; "
            f"print('before'); save_text_atomic(Path({str(stdout)!r}), 'report\\n'); print('after')")
    out = tmp_path / "out.txt"  # as `claimcheck report --out /dev/stdout > out.txt`
    with open(out, "w") as fh:
        subprocess.run([sys.executable, "-c", code], stdout=fh, check=True,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.read_text() == "before\nreport\nafter\n"
    assert stdout.is_symlink()


def test_a_symlink_loop_is_a_message(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OutputError, match="cannot write here"):
        save_text_atomic(tmp_path / "a", "x")


def test_new_refuses_an_existing_file_or_link_and_writes_nothing(tmp_path):
    from claimcheck.atomic import save_text_atomic as save

    kept = tmp_path / "kept.json"
    kept.write_text("keep")
    with pytest.raises(FileExistsError):
        save(kept, "new", new=True)
    link = tmp_path / "link.json"
    link.symlink_to(kept)
    with pytest.raises(FileExistsError):
        save(link, "new", new=True)
    assert kept.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "link.json"]  # no temporary file left
    fresh = tmp_path / "sub" / "fresh.json"
    save(fresh, "new", new=True)
    assert fresh.read_text() == "new" and sorted(p.name for p in fresh.parent.iterdir()) == ["fresh.json"]


def test_new_through_a_link_to_a_missing_file_creates_that_file(tmp_path):
    """As any write does, ``new`` follows a symlink: nothing is at its target yet, so it is written."""
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "folder" / "target.json")
    save_text_atomic(dangling, "new", new=True)
    assert dangling.is_symlink() and (tmp_path / "folder" / "target.json").read_text() == "new"


def test_new_without_hard_links_leaves_no_part_written_file(tmp_path, monkeypatch):
    """Where the filesystem has no hard links (vfat, some FUSE mounts) the file is created with O_EXCL
    and copied into; a write that fails there removes what it created, so a retry is not refused."""
    import errno

    import claimcheck.atomic as atomic

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "backup.json"
    save_text_atomic(target, "first", new=True)  # the fallback works
    assert target.read_text() == "first"
    target.unlink()
    real_fsync, calls = os.fsync, []

    def full_disk_on_the_copy(fd):
        calls.append(fd)
        if len(calls) == 2:  # the temporary file synced, then the copy at the target
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", full_disk_on_the_copy)
    with pytest.raises(OutputError, match="No space left"):
        save_text_atomic(target, "second", new=True)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    save_text_atomic(target, "third", new=True)  # a retry is not refused
    assert target.read_text() == "third"


def test_new_never_replaces_a_file_that_appears_during_the_write(tmp_path, monkeypatch):
    """Another process creates the file after the existence check, while the data is being written:
    the write must fail rather than replace it (a check-then-write would have replaced it)."""
    import tempfile

    import claimcheck.atomic as atomic

    target, real_mkstemp = tmp_path / "backup.json", tempfile.mkstemp

    def racing_mkstemp(*args, **kwargs):
        target.write_text("written by someone else")  # the other process wins the race
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", racing_mkstemp)
    with pytest.raises(FileExistsError):
        atomic.save_text_atomic(target, "ours", new=True)
    assert target.read_text() == "written by someone else"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]
    atomic.save_text_atomic(target, "ours")  # without ``new`` the same write replaces it, as documented
    assert target.read_text() == "ours"


def test_new_still_writes_a_fifo_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(open({str(fifo)!r}).read(), end='')"], stdout=subprocess.PIPE, text=True)
    save_text_atomic(fifo, "through the pipe", new=True)
    assert reader.communicate(timeout=30)[0] == "through the pipe"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_staged_file_is_put_in_place_whole_or_not_at_all(tmp_path, umask_022):
    """``StagedFile``: a download written in pieces; kept, it gets the mode a plain write gives and no
    temporary file stays; left without keeping (an error, Ctrl-C), nothing stays, not even the folder
    it made for it; a folder that cannot be made is a message."""
    from claimcheck.staged_file import StagedFile

    folder = tmp_path / "cache" / "2005.13013"
    with StagedFile(folder) as staged:
        staged.write(b"part one, ")
        staged.restart()  # a retried download starts again
        staged.write(b"the body")
        assert [p.name.endswith(".part") for p in folder.iterdir()] == [True]
        staged.keep(folder / "x.src")
    assert (folder / "x.src").read_bytes() == b"the body" and _mode(folder / "x.src") == 0o644
    assert [p.name for p in folder.iterdir()] == ["x.src"]
    with pytest.raises(KeyboardInterrupt):
        with StagedFile(tmp_path / "other") as staged:
            staged.write(b"half a bo")
            raise KeyboardInterrupt
    assert not (tmp_path / "other").exists()
    with StagedFile(folder) as staged:  # a folder it did not make stays
        staged.write(b"refused")
    assert [p.name for p in folder.iterdir()] == ["x.src"]
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot write here"):
        StagedFile(tmp_path / "file" / "sub")


def test_a_staged_file_left_by_a_killed_process_is_swept_by_the_next_one(tmp_path, monkeypatch):
    """A process killed outright leaves its ``.download.*.part``; the next ``StagedFile`` in that folder removes
    it, since no process holds its lock, and leaves alone a file this process is still writing, a file of
    another name (``save_bytes_atomic``'s temporary files are not its) and one whose lock another holds.
    Where locks are unavailable, a leftover is told by its age (``STALE_PART_AGE_S``)."""
    import fcntl
    import time

    from claimcheck import staged_file
    from claimcheck.staged_file import STALE_PART_AGE_S, StagedFile

    folder = tmp_path / "cache"
    folder.mkdir()
    dead = folder / ".download.abc123.part"  # as mkstemp names them; a killed process holds no lock
    dead.write_bytes(b"half a body")
    other = folder / ".x.src.def456.part"
    other.write_bytes(b"not a StagedFile's")
    held = folder / ".download.held.part"
    held.write_bytes(b"written by another")
    with open(held, "rb") as holder:  # another open file, as another process's, holding the lock
        fcntl.flock(holder, fcntl.LOCK_EX)
        with StagedFile(folder) as first:
            assert not dead.exists() and other.exists() and held.exists()
            with StagedFile(folder) as second:  # this process's own live file is never swept
                assert first.path.exists() and second.path.exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted([other.name, held.name])
    monkeypatch.setattr(staged_file, "fcntl", None)  # no locks: by age only
    old = time.time() - STALE_PART_AGE_S - 60
    os.utime(held, (old, old))
    young = folder / ".download.young.part"
    young.write_bytes(b"perhaps still written")
    with StagedFile(folder):
        assert not held.exists() and young.exists()


def test_where_locks_are_unavailable_a_staged_file_is_closed_before_it_is_removed(tmp_path, monkeypatch):
    """Without fcntl (Windows) a file still open cannot be removed: a download refused or not found (an
    e-print arXiv does not have) must close its staged file before removing it, and the sweep must close a
    leftover before removing it, else the removal fails (a traceback, a leftover kept for good)."""
    import time

    from claimcheck import staged_file
    from claimcheck.staged_file import STALE_PART_AGE_S, StagedFile

    real_unlink = os.unlink

    def unlink_as_windows(path, *args, **kwargs):  # the OS's rule, not claimcheck's code: an open file stays
        target = os.path.realpath(path)
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == target:
                    raise PermissionError(13, "The process cannot access the file because it is being used", str(path))
            except FileNotFoundError:
                continue
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(staged_file, "fcntl", None)
    monkeypatch.setattr(os, "unlink", unlink_as_windows)
    folder = tmp_path / "cache"
    with StagedFile(folder) as staged:
        staged.write(b"a 404's body")
    assert not folder.exists()  # removed, and the folder it made with it
    folder.mkdir()
    leftover = folder / ".download.abc123.part"
    leftover.write_bytes(b"half a body")
    old = time.time() - STALE_PART_AGE_S - 60
    os.utime(leftover, (old, old))
    with StagedFile(folder) as staged:
        assert not leftover.exists()
        staged.keep(folder / "x.src")
    assert [p.name for p in folder.iterdir()] == ["x.src"]

"""Atomic writes keep the permissions a plain write would give (POSIX)."""

from __future__ import annotations

import os
import stat

import pytest

from claimcheck.atomic import save_text_atomic

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

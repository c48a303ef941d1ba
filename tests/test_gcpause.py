"""``claimcheck.gcpause.gc_paused`` (used by show / verify / report and by result-file loading) leaves
the garbage collector as it found it: on, off, after an error, and nested."""

from __future__ import annotations

import gc

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.gcpause import gc_paused


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_restores_the_collector_after_errors_and_when_nested():
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it off
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()  # it was off: it stays off
    gc.enable()


def test_commands_leave_the_collector_on(tmp_path):
    runner = CliRunner()
    for args in (["verify", "all", "--out", str(tmp_path / "r")], ["verify", "nosuch/claim", "--no-write"],
                 ["show", "2005.13013/xtreme-test-gain"], ["report", "--format", "json"]):
        runner.invoke(app, args)
        assert gc.isenabled(), args
        assert gc.get_freeze_count() == 0, args


def test_main_pauses_the_collector_until_the_command_is_known(monkeypatch):
    """``cli.main`` imports the fast path with the collector off, and gives any command that is not a
    plain `verify` (a replication may run for hours) the collector back before it starts."""
    import claimcheck.cli as cli
    import claimcheck.cli.fastpath as fastpath

    seen = []
    monkeypatch.setattr(fastpath, "parse_verify", lambda args: seen.append(("parse", gc.isenabled())))  # None: not a plain verify
    monkeypatch.setattr(cli, "_typer_app", lambda: (lambda args=None: seen.append(("command", gc.isenabled()))))
    try:
        cli.main(["runs", "list"])
    finally:
        gc.unfreeze()  # main freezes the heap on the way out (interpreter shutdown); undo it for the other tests
    assert seen == [("parse", False), ("command", True)]

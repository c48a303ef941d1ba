"""Edges of the `runs` commands, run through the real commands on files the tests write: the help says
each `--status` default, and `runs export --out` refuses to replace claimcheck's bundled results."""

from __future__ import annotations

from typer.testing import CliRunner

from claimcheck.cli import app


def _run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def _status_help(command: str) -> str:
    result = _run("runs", command, "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    return text[text.index("--status") : text.index("--help", text.index("--status"))]


def test_runs_list_help_says_its_status_default_is_every_run():
    assert "[default: all]" in _status_help("list")


def test_runs_export_help_says_its_status_default_is_ok():
    assert "[default: ok]" in _status_help("export")


def test_runs_list_with_no_status_lists_every_run_as_all_does(tmp_path):
    from claimcheck.results.collect import collect_records
    from claimcheck.results.store import open_store

    records = collect_records().records
    store = tmp_path / "runs.sqlite"
    with open_store(store) as s:
        assert s.save_many(records) > 0
    default, everything = _run("runs", "list", "--store", str(store)), _run("runs", "list", "--store", str(store), "--status", "all")
    assert default.exit_code == 0 and everything.exit_code == 0, default.output + everything.output
    assert default.output == everything.output

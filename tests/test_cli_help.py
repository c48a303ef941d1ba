"""Every command has help with an example (README, Commands): the top level, each command and each
`runs` subcommand."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from claimcheck.cli import app


def _paths(command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():  # a group (typer bundles its own click)
        found += _paths(sub, (*path, name))
    return found


def test_every_help_has_an_example():
    paths = _paths(typer.main.get_command(app))
    assert () in paths and ("verify",) in paths and ("runs", "remove") in paths
    runner = CliRunner()
    missing = []
    for path in paths:
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0, (path, res.output)
        if "Example: claimcheck " not in res.output:
            missing.append(" ".join(("claimcheck", *path)))
    assert not missing, f"--help without an example: {missing}"

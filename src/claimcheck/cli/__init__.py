"""Command-line interface: each module registers a few thin commands on one typer app."""

from claimcheck.cli.app import app
from claimcheck.cli import verify as _verify  # noqa: F401  (registers list/show/validate/schema/verify/report)
from claimcheck.cli import replicate as _replicate  # noqa: F401  (plan/replicate/runs)
from claimcheck.cli import audit as _audit  # noqa: F401  (audit)
from claimcheck.cli import add as _add  # noqa: F401  (add)


def main() -> None:
    app()


__all__ = ["app", "main"]

"""Commands: replicate (see the issue that builds them)."""

from claimcheck.cli.app import app  # noqa: F401

"""Runners: how run specs get executed (in-process here; a Ray runner fans the same units out)."""

from claimcheck.replication.runners.base import NullProgress, Progress, RunContext, RunOutcome, Runner

__all__ = ["NullProgress", "Progress", "RunContext", "RunOutcome", "Runner"]

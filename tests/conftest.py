"""Shared fixtures. Tests never touch the network; ../shared is optional (tests using it skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own CLAIMCHECK_HOME, so no test reads or writes a user's store."""
    home = tmp_path_factory.mktemp("claimcheck-home")
    monkeypatch.setenv("CLAIMCHECK_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return home

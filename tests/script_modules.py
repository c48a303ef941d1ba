"""The repository's scripts and benchmarks loaded as modules, for the tests that call their functions
(they are files, not packages: ``benchmarks/bench_audit.py``, ``scripts/proxy_matrix.py``, ...)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_script(relative: str, name: str | None = None) -> ModuleType:
    """The file ``relative`` (to the repository) run as a module named ``name`` (its stem by default),
    not registered in ``sys.modules``."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def script_module(relative: str) -> Iterator[ModuleType]:
    """``load_script``, registered in ``sys.modules`` under its stem while the block runs (dataclasses
    look their module up there), and taken out after."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(path.stem, None)

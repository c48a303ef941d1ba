"""Task heads, registered by kind. A head module slots in by existing: it defines ``HEAD`` (its class).

This file is torch-free so ``claimcheck plan`` can ask which heads are installed without loading torch.
The contract every head follows is documented in ``heads/base.py``.
"""

from __future__ import annotations

import importlib
import importlib.util

# head kind -> module that defines ``HEAD`` (a subclass of heads.base.Head)
HEAD_MODULES: dict[str, str] = {
    "pair_classification": "claimcheck.replication.heads.pair_classification",
    "retrieval": "claimcheck.replication.heads.retrieval",
    "extractive_qa": "claimcheck.replication.heads.extractive_qa",
    "token_classification": "claimcheck.replication.heads.token_classification",
    "multiple_choice": "claimcheck.replication.heads.multiple_choice",
}


def head_available(kind: str) -> bool:
    """Whether the head module for ``kind`` is installed (checked without importing it)."""
    module = HEAD_MODULES.get(kind)
    return module is not None and importlib.util.find_spec(module) is not None


def load_head_class(kind: str):
    """The head class for a kind (imports torch). Raises KeyError for an unknown or missing head."""
    if not head_available(kind):
        raise KeyError(f"no head for task kind {kind!r} is installed (known: {', '.join(sorted(HEAD_MODULES))})")
    return importlib.import_module(HEAD_MODULES[kind]).HEAD

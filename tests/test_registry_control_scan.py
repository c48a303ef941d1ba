"""``registry._may_hold_control``: the scan a claim file's text gets before its data is walked for a
control character, equal to searching the text with ``visible.CONTROL`` and the YAML escapes."""

from __future__ import annotations

import pytest

from claimcheck.claims.registry import _CONTROL_ESCAPE, BUNDLED_PAPERS, _may_hold_control, iter_claim_files
from claimcheck.visible import CONTROL

BASE = "paper:\n  id: x\n\ttitle: 'a b'  # ~!\n"
TEXTS = [BASE, "", "\n", "\t", "caf\u00e9\n", "\u202e", "\u2066x", "\u061c", "\u2028", "\x85", "\ud800",
         "a \\e b", "a \\x1b", "\\u202e", "\\\\", "\\n", "\\t", "a\\", *(path.read_text(encoding="utf-8")
                                                                       for path in iter_claim_files([BUNDLED_PAPERS]))]


@pytest.mark.parametrize("text", TEXTS + [BASE + chr(c) + "z" for c in range(0x100)] + [chr(c) for c in range(0x100)])
def test_it_finds_what_the_patterns_find(text):
    assert _may_hold_control(text) == bool(CONTROL.search(text) or _CONTROL_ESCAPE.search(text))

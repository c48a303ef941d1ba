"""Control characters shown as escapes (pure): text from the user's files must not reach a terminal
as escape sequences, which could recolour, hide or rewrite the lines around it, nor as Unicode bidi
controls, which could show it in another order than it has."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1, and the bidi embeddings, overrides and isolates
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``, ``\\u202e``)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)

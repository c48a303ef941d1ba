"""Control characters shown as escapes (pure): text from the user's files must not reach a terminal
as escape sequences, which could recolour, hide or rewrite the lines around it, nor as Unicode bidi
controls, which could show it in another order than it has.

``visible`` is for text (the terminal, Markdown and HTML output); ``visible_json`` for JSON text,
where an escape must keep the string's value."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1, and the bidi embeddings, overrides and isolates
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``, ``\\u202e``)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def visible_json(text: str) -> str:
    """JSON text (``json.dumps`` output) with each control character ``visible`` escapes written as a
    JSON escape (``\\u009b``, ``\\u202e``): the same string once parsed, and nothing a terminal acts
    on. ``json.dumps`` escapes C0 itself, but with ``ensure_ascii=False`` writes DEL, C1 and the bidi
    controls as they are. They stand only inside strings, where the escape is valid."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

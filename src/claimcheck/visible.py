"""Control characters shown as escapes (pure): text from the user's files must not reach a terminal
as escape sequences, which could recolour, hide or rewrite the lines around it, nor as Unicode bidi
controls, which could show it in another order than it has.

A file name that is not valid UTF-8 reaches Python with each undecodable byte as a lone surrogate
(``os.fsdecode``: byte 0xff is ``\\udcff``), which no UTF-8 output can encode: written or printed as
it is, it stops the command ("surrogates not allowed"). It is shown as the byte's escape (``\\xff``),
and any other lone surrogate as its code (``\\ud800``).

Shown as escapes as well, though a claim file may hold them (``CONTROL``, which the claim registry
refuses, leaves them out): the bidi marks (U+061C ALM, U+200E LRM, U+200F RLM), which a title in
Hebrew or Arabic may carry but which move the text around them, and the line and paragraph
separators (U+2028, U+2029), which break a line in some terminals and viewers. Every output shows the
same characters as escapes: the terminal, Markdown, HTML and (as JSON escapes) JSON.

``visible`` is for text (the terminal, Markdown and HTML output); ``visible_json`` for JSON text,
where an escape must keep the string's value: the reports' and the audit's JSON (``reports.jsonout``)
and, with ``keep_surrogates``, the data files read back as they were written (a result file that
``runs export`` or ``runs remove --backup`` writes, the run store's record, a stage's JSON files)."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1, and the bidi embeddings, overrides and isolates: what a claim file
# may not hold (claims.registry). Not the bidi marks nor the line and paragraph separators, which it may (see above)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# what ``visible`` escapes: CONTROL, the bidi marks (ALM, LRM, RLM), which move the text around them, the line and
# paragraph separators, which break a line in some terminals and viewers (and end a string in older JavaScript), and
# the lone surrogates (U+DC80-U+DCFF is a byte that was not UTF-8, by surrogateescape; the rest cannot come from a
# file), in one character class: one pass. A pattern string, compiled by ``re`` on first use and cached there:
# `verify all` imports this module for CONTROL and need not compile it
_MARKS = r"\u061c\u200e\u200f\u2028\u2029"
_SHOWN = CONTROL.pattern[:-1] + _MARKS + r"\ud800-\udfff]"
# what ``visible_json`` escapes: the same characters (as JSON escapes, but a lone surrogate); with ``keep_surrogates``
# (a data file), the same less the lone surrogates, which it leaves as they are
_JSON_SHOWN = _SHOWN
_JSON_KEPT_SURROGATES = CONTROL.pattern[:-1] + _MARKS + "]"


def _is_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte it stands for
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each control character, bidi mark and line or paragraph separator written as its
    escape (``\\x1b``, ``\\u202e``, ``\\u200f``, ``\\u2028``), and each byte of a file name that was not
    UTF-8 as the byte's (``\\xff``). ASCII text is searched with ``CONTROL``, already compiled, which
    holds every ASCII character shown: the wider pattern is compiled only for text beyond ASCII."""
    if text.isascii() and CONTROL.search(text) is None:  # isascii is O(1) on a str
        return text
    return re.sub(_SHOWN, lambda m: _escape(m.group()), text)


def visible_json(text: str, *, keep_surrogates: bool = False) -> str:
    """JSON text (``json.dumps`` output) with each character ``visible`` escapes (the control
    characters, the bidi marks U+061C, U+200E, U+200F and the line and paragraph separators U+2028,
    U+2029) written as a JSON escape (``\\u009b``, ``\\u202e``): the same string once parsed, and
    nothing a terminal acts on. ``json.dumps`` escapes C0 itself, but with ``ensure_ascii=False``
    writes DEL, C1 and the bidi controls as they are. They stand only inside strings, where the
    escape is valid. ASCII text without DEL (most reports) is returned as it is, unscanned.

    A lone surrogate (a byte of a file name that was not UTF-8) has no faithful JSON form that strict
    parsers take, so it is written as ``visible`` shows it: the string then holds ``\\xff``, a
    backslash and the byte in hex. A data file, which must read back as it was written, passes
    ``keep_surrogates``: a lone surrogate is then left as it is (writing the text as UTF-8 fails, as
    it did before the escapes), never turned into another value."""
    if text.isascii() and "\x7f" not in text:  # isascii is O(1) on a str: the common case costs nothing
        return text
    if keep_surrogates:
        return re.sub(_JSON_KEPT_SURROGATES, lambda m: f"\\u{ord(m.group()):04x}", text)
    return re.sub(_JSON_SHOWN, lambda m: "\\" + _escape(m.group()) if _is_surrogate(m.group()) else f"\\u{ord(m.group()):04x}", text)

"""``visible_page``: ``visible.visible`` for a whole rendered report (the Markdown text, the HTML page),
with a cheaper exact check for the common case, a page with nothing to show as an escape.

Why: ``visible`` searches its text with a regular expression, about 60 instructions a character
(``re``'s loop over a character class), and compiles its wider pattern (~4.5 M instructions) for any
text beyond ASCII: for the 240 kB HTML page (not ASCII: its "·" and "…") and the 135 kB Markdown
text about 27 M instructions of ``claimcheck verify all``. Here the page is encoded as UTF-8 (a copy
for ASCII) and its ASCII characters are checked by ``bytes.translate`` (a table lookup a byte); the
characters beyond ASCII that ``visible`` shows are, as UTF-8, two or three bytes after one of four
lead bytes, and each of those lead bytes the page holds is looked at: about 7 M instructions for
the page, 2 M for the Markdown.

The result is ``visible(text)`` for every text: when anything might be shown, or the page holds many
characters with those lead bytes, ``visible`` itself is called. ``tests/test_report_text_checks.py``
checks every code point of the Basic Multilingual Plane and samples of the others against ``visible``.
"""

from __future__ import annotations

from claimcheck.visible import visible

# the ASCII characters ``visible`` shows: C0 controls but tab and newline, and DEL (``visible.CONTROL``)
_ASCII_SHOWN = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
# the non-ASCII characters ``visible`` shows, as UTF-8 (lone surrogates as ``surrogatepass`` writes them), by
# lead byte: C1 controls U+0080-U+009F (C2 80-9F), ALM U+061C (D8 9C), LRM and RLM U+200E-U+200F and the line
# and paragraph separators and bidi embeddings and overrides U+2028-U+202E (E2 80 ..), the bidi isolates
# U+2066-U+2069 (E2 81 A6-A9), the surrogates U+D800-U+DFFF (ED A0-BF ..)
_C1 = frozenset(bytes([0xC2, b]) for b in range(0x80, 0xA0))
_E2 = frozenset(chr(c).encode() for c in (0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A)))
_LEADS = ((b"\xc2", 2, _C1), (b"\xd8", 2, frozenset({"\u061c".encode()})), (b"\xe2", 3, _E2))
_MANY = 4096  # lead bytes looked at one by one before the regular expression is cheaper


def visible_page(text: str) -> str:
    """``visible(text)``: the text itself when it holds nothing ``visible`` shows (found without ``re``)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _ASCII_SHOWN)) != len(data):  # an ASCII control character or DEL
        return visible(text)
    if not text.isascii():  # (O(1)) characters beyond ASCII: look at each one that may be shown
        if b"\xed" in data:  # a lone surrogate (ED A0-BF) or a character of U+D000-U+D7FF: rare either way
            return visible(text)
        seen = 0
        for lead, size, shown in _LEADS:
            at = data.find(lead)
            while at >= 0:
                seen += 1
                if seen > _MANY or data[at:at + size] in shown:
                    return visible(text)
                at = data.find(lead, at + 1)
    return text

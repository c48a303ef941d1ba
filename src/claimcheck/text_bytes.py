"""A text file's bytes as text: one helper for every text file claimcheck reads that a person or
another tool wrote, and a note whenever the bytes were not plain UTF-8.

``decode_text`` reads a synthesis report (``sources.synthesis_file``, for `claimcheck audit`), a
paper's text (`claimcheck add --text`) and each .tex file of a LaTeX source (``sources.latex_files``): UTF-8, or UTF-16 or UTF-32 with their byte-order mark (a
note says which); stray bytes that are not UTF-8 are read as Windows-1252 and counted in a note.
A file that starts with a UTF-16 or UTF-32 byte-order mark but is not text in that encoding is
refused rather than decoded into garbage. A claim file takes UTF-8 only (``claims.registry``); when
it is not, ``byte_order_mark`` names the encoding its message gives.
"""

from __future__ import annotations

import re

from claimcheck.errors import InputError

# UTF-32's little-endian mark starts with UTF-16's, so it is looked for first
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32", "utf-32-le"), (b"\x00\x00\xfe\xff", "UTF-32", "utf-32-be"),
         (b"\xef\xbb\xbf", "UTF-8", "utf-8"), (b"\xff\xfe", "UTF-16", "utf-16-le"), (b"\xfe\xff", "UTF-16", "utf-16-be"))
_WIDE = ("UTF-16", "UTF-32")
_LONE_SURROGATE = re.compile("[\udc80-\udcff]")


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    return next((b for b in _BOMS if data.startswith(b[0])), None)


def byte_order_mark(data: bytes) -> str | None:
    """The encoding whose byte-order mark ``data`` starts with ("UTF-8", "UTF-16" or "UTF-32"), else None."""
    found = _bom(data)
    return found[1] if found else None


def looks_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KiB of a file that does not start with a UTF-16 or UTF-32
    byte-order mark (whose text has NUL bytes in every character of ASCII)."""
    return b"\x00" in data[:8192] and byte_order_mark(data) not in _WIDE


def cut_at_last_line(data: bytes) -> bytes:
    """``data`` (the first part of a longer file) up to and including its last line break, in the
    file's own encoding: a UTF-16 or UTF-32 line break is two or four bytes at a character
    boundary, and a cut inside one would leave half a character. Unchanged when it has no line break."""
    found = _bom(data)
    if found is None or found[1] not in _WIDE:
        cut = data.rfind(b"\n")
        return data[: cut + 1] if cut > 0 else data
    newline, unit = "\n".encode(found[2]), len("\n".encode(found[2]))
    end = len(data)
    while (at := data.rfind(newline, 0, end)) > 0:
        if at % unit == 0:
            return data[: at + unit]
        end = at + unit - 1  # a match across two characters: look further back
    return data[: len(data) - len(data) % unit]


def decode_text(data: bytes, label: str | None = None) -> tuple[str, list[str]]:
    """Bytes -> (text, notes). UTF-8, a byte-order mark dropped; UTF-16 or UTF-32 with their
    byte-order mark, said in a note; stray non-UTF-8 bytes read as Windows-1252, counted in a note.
    Windows line endings are normalised. An ``InputError`` naming ``label`` for a file that starts
    with a UTF-16 or UTF-32 byte-order mark and is not that encoding's text (it does not decode, or
    decodes to NUL characters, as a binary file does)."""
    notes: list[str] = []
    found = _bom(data)
    if found is not None and found[1] in _WIDE:
        mark, name, codec = found
        try:
            text = data[len(mark):].decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a {name} byte-order mark but is not {name} text ({exc.reason} at byte "
                             f"{exc.start + len(mark)}); not read", path=label) from None
        if "\x00" in text:  # as looks_binary takes a NUL byte in a file of one-byte characters
            raise InputError(f"starts with a {name} byte-order mark but is not {name} text (it decodes to NUL "
                             "characters, as a binary file does)", path=label)
        notes.append(f"read as {name} (the file starts with its byte-order mark)")
    else:
        text = data.decode("utf-8-sig", errors="surrogateescape")
        bad = 0

        def as_cp1252(m: re.Match) -> str:
            nonlocal bad
            bad += 1
            return bytes([ord(m.group(0)) - 0xDC00]).decode("cp1252", errors="replace")

        text = _LONE_SURROGATE.sub(as_cp1252, text)
        if bad:
            notes.append(f"{bad} byte(s) were not valid UTF-8 and were read as Windows-1252")
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes

"""Reading a synthesis report file (an edge module: it reads files): text, Markdown or PDF, then
``synthesis.parse_synthesis``.

Bounded work: a text file is read up to ``MAX_BYTES`` (8 MiB, cut at the last line break; in a
longer file, a line's bytes beyond ``MAX_LINE_BYTES`` are passed over, so one huge line does not use
up the cap; at most ``MAX_SCAN_BYTES`` are read), a PDF of at most ``caps.AUDIT_PDF_MAX_BYTES``
(64 MiB: a larger one is refused) and its first ``MAX_PDF_PAGES`` pages (with pypdf, imported inside
the function); whatever a cap leaves out is said in the report's ``notes``, so a 50 MB file costs about
what an 8 MiB one does. A text file is decoded by ``claimcheck.text_bytes.decode_text`` (UTF-8, or
UTF-16/32 by its byte-order mark; the notes say how). Only unreadable input (missing, empty,
binary, not the text its byte-order mark says, a PDF without text) raises ``InputError``, naming
the file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO

from claimcheck.errors import InputError
from claimcheck.sources.caps import AUDIT_PDF_MAX_BYTES, mib
from claimcheck.sources.synthesis import SynthesisReport, parse_synthesis
from claimcheck.text_bytes import byte_order_mark, cut_at_last_line, decode_text, looks_binary

MAX_BYTES = 8 * 1024 * 1024
MAX_PDF_PAGES = 200
MAX_LINE_BYTES = 80 * 1024  # at least what the parser reads of a line (MAX_LINE_CHARS), in UTF-8
MAX_SCAN_BYTES = 64 * 1024 * 1024

def _read_text_file(fh: BinaryIO, head: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
    """The text of the open file ``fh``, of which ``head`` was read already, within the caps. The note a
    cap leaves gives the file's size, or, where its size says less than was read (a file that grew, a
    /proc file, whose size reads 0), that it is over the cap."""
    size = os.fstat(fh.fileno()).st_size
    what = f"file is {size / 1_048_576:.1f} MiB" if size > max_bytes else f"file is over {max_bytes / 1_048_576:.0f} MiB"
    return _read_capped(_Prefixed(head, fh), max_bytes, what)


def _mib(n: int) -> str:
    return f"{n / 1_048_576:.1f} MiB" if n >= 104_858 else f"{n / 1024:.0f} KiB"


def _read_capped(fh: BinaryIO, max_bytes: int, what: str) -> tuple[bytes, list[str]]:
    """Up to ``max_bytes`` of the text in ``fh``, whole lines; ``what`` ("file is 9.5 MiB") opens the
    note a cap leaves. A line longer than ``MAX_LINE_BYTES`` (an image inlined in Markdown as base64)
    keeps its first ``MAX_LINE_BYTES`` only, as the parser reads only a line's first characters, so
    the lines after it are still read: with the cap alone, one 10 MB line would have left out the
    claims table after it. Bounded: at most ``MAX_SCAN_BYTES`` are read. A UTF-16 or UTF-32 text
    (whose line breaks are several bytes) is cut at the cap only."""
    data = fh.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data, []
    if byte_order_mark(data) in ("UTF-16", "UTF-32"):
        data = cut_at_last_line(data[:max_bytes])  # in the file's encoding: a UTF-16 line break is two bytes
        return data, [f"{what}: only the first {_mib(len(data))} were read (cap {max_bytes / 1_048_576:.0f} MiB); "
                      "anything after that is not audited"]
    kept: list[bytes] = []
    total = line = cut = scanned = 0
    full = line_cut = unscanned = False
    chunk = data
    while chunk:
        scanned += len(chunk)
        pos = 0
        while pos < len(chunk):
            nl = chunk.find(b"\n", pos)
            end = len(chunk) if nl < 0 else nl + 1
            body_end = end if nl < 0 else nl  # the line's bytes in this chunk, less its break
            take = min(body_end - pos, max(MAX_LINE_BYTES - line, 0))
            if take < body_end - pos:  # the line goes on past MAX_LINE_BYTES: keep what fits, at a character's start
                while take > 0 and (chunk[pos + take] & 0xC0) == 0x80:
                    take -= 1
                cut += not line_cut
                line_cut = True
            piece = chunk[pos : pos + take] + (b"\n" if nl >= 0 else b"")
            if total + len(piece) > max_bytes:
                full = True
                break
            kept.append(piece)
            total += len(piece)
            line, line_cut = (0, False) if nl >= 0 else (line + body_end - pos, line_cut)
            pos = end
        if full:
            break
        if scanned >= MAX_SCAN_BYTES:
            unscanned = bool(fh.read(1))
            break
        chunk = fh.read(1_048_576)
    data = b"".join(kept)
    notes = []
    if cut:
        notes.append(f"{what}: {cut} line(s) longer than {MAX_LINE_BYTES // 1024} KiB (an inlined image?) were read "
                     "up to that length only; the lines after them were read")
    if full or unscanned:
        data = cut_at_last_line(data)
        notes.append(f"{what}: only the first {_mib(len(data))} were read (cap {max_bytes / 1_048_576:.0f} MiB"
                     + ("" if full else f"; {MAX_SCAN_BYTES // 1_048_576} MiB scanned") + "); anything after that is not audited")
    return data, notes


def _pdf_too_large(size: int | None) -> str:
    """The refusal of a PDF report over the cap, as `add --pdf` words its own: the cap in MiB, and the
    file's size in bytes when it is known (not for standard input, read no further than the cap)."""
    said = f" ({size:,} bytes)" if size is not None else ""
    return f"PDF larger than {mib(AUDIT_PDF_MAX_BYTES)}{said}: not read"


def _pdf_text(data: bytes, label: str, notes: list[str]) -> str:
    try:
        import logging

        from pypdf import PdfReader
    except ImportError:
        raise InputError("reading a PDF report needs pypdf: pip install 'claimcheck[sources]'", path=label) from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone leaves it readable
            raise InputError("the PDF is protected by a password: decrypt it first (e.g. qpdf --decrypt "
                             "--password=... in.pdf out.pdf) and audit the result", path=label)
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
        if len(reader.pages) > MAX_PDF_PAGES:
            notes.append(f"the PDF has {len(reader.pages)} pages: only the first {MAX_PDF_PAGES} were read; "
                         "anything after that is not audited")
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged files; all mean "unreadable"
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {str(exc)[:200]})", path=label) from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(
            "the PDF has no text layer (a scanned image?): run OCR on it first (e.g. ocrmypdf) and audit the result",
            path=label,
        )
    return text


def load_synthesis(path: Path, *, max_bytes: int = MAX_BYTES) -> SynthesisReport:
    """Read and parse one report file: ``.pdf`` (or a file starting with ``%PDF-``), else text/Markdown."""
    label = str(path)
    try:
        if not path.is_file():
            raise InputError("not a regular file (a device, a pipe?)" if path.exists() else "no such report file", path=label)
        # one open file for all that is read of it: its size is read from it, and never more than a cap
        # (a file that grew since, a /proc file whose size reads 0, is read no further)
        with path.open("rb") as fh:
            head = fh.read(1024)
            pdf = head.startswith(b"%PDF-") or path.suffix.lower() == ".pdf"
            if not pdf:
                data, notes = _read_text_file(fh, head, max_bytes)
            elif b"%PDF-" not in head:  # a PDF's header may follow some junk, within its first 1024 bytes
                if looks_binary(head):
                    why = "is no PDF (it has no %PDF- header)"
                elif b"<html" in head.lower():
                    why = "holds an HTML page, not a PDF (a download that failed?)"
                else:
                    why = "holds plain text, not a PDF: name it .txt or .md to audit it as text"
                raise InputError(f"named .pdf but {why}", path=label)
            elif (size := os.fstat(fh.fileno()).st_size) > AUDIT_PDF_MAX_BYTES:
                raise InputError(_pdf_too_large(size), path=label)
            else:
                data = head + fh.read(AUDIT_PDF_MAX_BYTES + 1 - len(head))
                if len(data) > AUDIT_PDF_MAX_BYTES:  # its size said less
                    raise InputError(_pdf_too_large(None), path=label)
        if pdf:
            notes = []
            text = _pdf_text(data, label, notes).replace("\r\n", "\n")
            fmt = "pdf"
        else:
            text = _decoded(data, label, notes)
            fmt = "markdown" if path.suffix.lower() in (".md", ".markdown") else None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=label) from None
    if not text.strip():
        raise InputError("empty file: nothing to audit", path=label)
    return parse_synthesis(text, label=label, fmt=fmt, notes=notes)


def _decoded(data: bytes, label: str, notes: list[str]) -> str:
    if looks_binary(data):
        raise InputError("binary file: expected a text, Markdown or PDF report", path=label)
    text, more = decode_text(data, label)  # UTF-8, or UTF-16/32 by its byte-order mark; a note says how it was read
    notes += more
    return text


class _Prefixed:
    """``stream`` with ``head`` (already read from it) put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def read(self, n: int) -> bytes:
        got, self.head = self.head[:n], self.head[n:]
        return got + self.stream.read(n - len(got)) if len(got) < n else got


def load_synthesis_stream(stream: BinaryIO, label: str = "<stdin>", *, max_bytes: int = MAX_BYTES) -> SynthesisReport:
    """Read and parse one report from a binary stream (standard input, ``claimcheck audit -``): a PDF
    when it starts with ``%PDF-``, else text or Markdown, within the same caps as a file."""
    try:
        head = stream.read(1024)
        if head.startswith(b"%PDF-"):
            data = head + stream.read(AUDIT_PDF_MAX_BYTES + 1 - len(head))
            if len(data) > AUDIT_PDF_MAX_BYTES:
                raise InputError(_pdf_too_large(None), path=label)
            notes, fmt = [], "pdf"
            text = _pdf_text(data, label, notes).replace("\r\n", "\n")
        else:
            data, notes = _read_capped(_Prefixed(head, stream), max_bytes, f"input is over {max_bytes / 1_048_576:.0f} MiB")
            text, fmt = _decoded(data, label, notes), None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=label) from None
    if not text.strip():
        raise InputError("empty input: nothing to audit", path=label)
    return parse_synthesis(text, label=label, fmt=fmt, notes=notes)

"""Reading a synthesis report file (an edge module: it reads files): text, Markdown or PDF, then
``synthesis.parse_synthesis``.

Bounded work: a text file is read up to ``MAX_BYTES`` (8 MiB, cut at the last line break), a PDF
up to ``MAX_PDF_BYTES`` and its first ``MAX_PDF_PAGES`` pages (with pypdf, imported inside the
function); whatever a cap leaves out is said in the report's ``notes``, so a 50 MB file costs the
same as an 8 MiB one. A text file is decoded by ``claimcheck.text_bytes.decode_text`` (UTF-8, or
UTF-16/32 by its byte-order mark; the notes say how). Only unreadable input (missing, empty,
binary, not the text its byte-order mark says, a PDF without text) raises ``InputError``, naming
the file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from claimcheck.errors import InputError
from claimcheck.sources.synthesis import SynthesisReport, parse_synthesis
from claimcheck.text_bytes import cut_at_last_line, decode_text, looks_binary

MAX_BYTES = 8 * 1024 * 1024
MAX_PDF_BYTES = 64 * 1024 * 1024
MAX_PDF_PAGES = 200

def _read_text_file(path: Path, max_bytes: int) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    size = path.stat().st_size
    with path.open("rb") as fh:
        data = fh.read(max_bytes)
    if size > max_bytes:
        data = cut_at_last_line(data)  # in the file's encoding: a UTF-16 line break is two bytes
        notes.append(
            f"file is {size / 1_048_576:.1f} MiB: only the first {len(data) / 1_048_576:.1f} MiB were read "
            f"(cap {max_bytes / 1_048_576:.0f} MiB); anything after that is not audited"
        )
    return data, notes


def _pdf_text(data: bytes, label: str) -> str:
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
        with path.open("rb") as fh:
            head = fh.read(1024)
        if head.startswith(b"%PDF-") or path.suffix.lower() == ".pdf":
            if b"%PDF-" not in head:  # a PDF's header may follow some junk, within its first 1024 bytes
                if looks_binary(head):
                    why = "is no PDF (it has no %PDF- header)"
                elif b"<html" in head.lower():
                    why = "holds an HTML page, not a PDF (a download that failed?)"
                else:
                    why = "holds plain text, not a PDF: name it .txt or .md to audit it as text"
                raise InputError(f"named .pdf but {why}", path=label)
            if path.stat().st_size > MAX_PDF_BYTES:
                raise InputError(f"PDF larger than {MAX_PDF_BYTES // 1_048_576} MiB: not read", path=label)
            text = _pdf_text(path.read_bytes(), label)
            text, notes = text.replace("\r\n", "\n"), []
            fmt = "pdf"
        else:
            data, notes = _read_text_file(path, max_bytes)
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


def load_synthesis_stream(stream: BinaryIO, label: str = "<stdin>", *, max_bytes: int = MAX_BYTES) -> SynthesisReport:
    """Read and parse one report from a binary stream (standard input, ``claimcheck audit -``): a PDF
    when it starts with ``%PDF-``, else text or Markdown, within the same caps as a file."""
    try:
        head = stream.read(1024)
        if head.startswith(b"%PDF-"):
            data = head + stream.read(MAX_PDF_BYTES + 1 - len(head))
            if len(data) > MAX_PDF_BYTES:
                raise InputError(f"PDF larger than {MAX_PDF_BYTES // 1_048_576} MiB: not read", path=label)
            text, notes, fmt = _pdf_text(data, label).replace("\r\n", "\n"), [], "pdf"
        else:
            data, notes, fmt = head + stream.read(max_bytes + 1 - len(head)), [], None
            if len(data) > max_bytes:
                data = cut_at_last_line(data[:max_bytes])
                notes.append(f"input is over {max_bytes / 1_048_576:.0f} MiB (the cap): only the first "
                             f"{len(data) / 1_048_576:.1f} MiB were read; anything after that is not audited")
            text = _decoded(data, label, notes)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=label) from None
    if not text.strip():
        raise InputError("empty input: nothing to audit", path=label)
    return parse_synthesis(text, label=label, fmt=fmt, notes=notes)

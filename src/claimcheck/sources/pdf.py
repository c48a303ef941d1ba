"""Tables and sections from a PDF's text layer (or any plain-text conversion of a paper).

A text layer has lost the table structure: what is left are lines such as ``XLM-R 79.2 86.4 73.8``.
``text_tables`` reads runs of such lines (a label, then two or more value tokens), takes the line
above as the column header when it has as many words as there are value columns, and attaches the
nearest ``Table N: ...`` caption. Every table it returns has ``origin="pdf-text"`` (or ``"text"``),
so ``Table.confidence`` is ``"low"`` and the draft says each cell must be checked against the PDF.

``load_pdf_text`` is the only function that imports pypdf. A PDF without a text layer (a scan)
raises ``InputError`` saying so, instead of producing an empty draft.
"""

from __future__ import annotations

import re
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.sources.candidates import Section
from claimcheck.sources.caps import ADD_PDF_MAX_BYTES, mib
from claimcheck.sources.tables import GridCell, Table, assemble_table

MIN_TEXT_CHARS = 200  # fewer extractable characters than this in the whole PDF = no text layer

_CELL = re.compile(
    r"^(?:[+\-−]?\d+(?:\.\d+)?%?(?:/[+\-−]?\d+(?:\.\d+)?%?)*(?:±\d+(?:\.\d+)?)?[*†‡§¶]?|[–—-]{1,2}|n/a)$"
)
_CAPTION = re.compile(r"^\s*Table\s+(\d+)\s*[:.]\s*(.*)$")
_HEADING = re.compile(
    r"^(?:(?P<num>\d+(?:\.\d+){0,2}|[A-H](?:\.\d+){1,2})\.?\s+(?P<title>[A-Z][^.!?]{1,70})"
    r"|(?P<named>Abstract|Introduction|Conclusions?|Related Work|Discussion|Results|Acknowledge?ments?|References))$"
)


def _too_large(size: int | None) -> str:
    said = f" ({size:,} bytes)" if size is not None else ""
    return (f"larger than {mib(ADD_PDF_MAX_BYTES)}{said}: not read. The cap is generous (a paper's PDF, figures "
            "and all, is a few MiB); give the paper's text with --text FILE or its LaTeX source with --tex instead")


def load_pdf_text(path: Path, *, field: str | None = None) -> list[str]:
    """The text layer of each page. Raises ``InputError`` for an unreadable or text-less PDF, and for
    one over ``caps.ADD_PDF_MAX_BYTES``, 100 MiB (read no further; ``field``: the option that named the
    file, said then)."""
    import io
    import logging
    import os

    from pypdf import PdfReader  # heavy: only here

    if not path.is_file():
        raise InputError("is a folder, not a PDF file" if path.is_dir() else
                         "not a regular file (a named pipe, a device?): give the PDF file itself" if path.exists()
                         else "no such PDF file", path=str(path))
    try:
        with path.open("rb") as fh:
            if (size := os.fstat(fh.fileno()).st_size) > ADD_PDF_MAX_BYTES:
                raise InputError(_too_large(size), path=str(path), field=field)
            data = fh.read(ADD_PDF_MAX_BYTES + 1)  # a file that grew since: no further than the cap
    except OSError as exc:
        raise InputError(f"cannot read the PDF ({exc.strerror or exc})", path=str(path)) from None
    if len(data) > ADD_PDF_MAX_BYTES:
        raise InputError(_too_large(None), path=str(path), field=field)
    # pypdf logs its repairs ("EOF marker not found") as warnings, and what it cannot decode ("Advanced
    # encoding ... not implemented", with a 256-entry table) as errors, then goes on; what matters reaches
    # the user as an InputError below, so they would only be noise printed before it.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = [] if encrypted else [page.extract_text() or "" for page in reader.pages]
    except OSError as exc:
        raise InputError(f"cannot read the PDF ({exc.strerror or exc})", path=str(path)) from None
    except Exception as exc:  # noqa: BLE001: a damaged file makes pypdf raise its own errors and others too
        # (LimitReachedError, AttributeError, AssertionError, RecursionError ...): each says the file is unreadable
        from pypdf.errors import PyPdfError

        said = " ".join(str(exc).split())[:200]
        problem = said if isinstance(exc, PyPdfError) and said else f"pypdf stopped on it: {type(exc).__name__}" + (f": {said}" if said else "")
        raise InputError(f"not a readable PDF ({problem})", path=str(path)) from None
    if encrypted:
        raise InputError("the PDF is encrypted; decrypt it first", path=str(path))
    if sum(len(p.strip()) for p in pages) < MIN_TEXT_CHARS:
        raise InputError(
            f"the PDF has no text layer ({len(pages)} page(s), almost no extractable text; a scan?). "
            "Run OCR and pass the text with --text FILE, or give the LaTeX source with --tex",
            path=str(path),
        )
    return pages


def _row(line: str) -> tuple[str, list[str]] | None:
    """(label, value tokens) when the line ends in two or more table cells, else None."""
    line = re.sub(r"\s*±\s*", "±", line)
    line = re.sub(r"(?<=\d)\s*/\s*(?=\d)", "/", line)
    tokens = line.split()
    k = len(tokens)
    while k > 0 and _CELL.match(tokens[k - 1]):
        k -= 1
    values = tokens[k:]
    if len(values) < 2 or not any(re.search(r"\d", v) for v in values) or k > 8:
        return None
    return " ".join(tokens[:k]), values


def _caption_near(lines: list[str], start: int, end: int) -> tuple[str, str, int | None]:
    """(number, caption, caption line) of the closest ``Table N:`` line after or before a block."""
    for i in list(range(end, min(len(lines), end + 3))) + list(range(start - 1, max(-1, start - 5), -1)):
        m = _CAPTION.match(lines[i])
        if m:
            return m.group(1), m.group(2).strip(), i
    return "", "", None


def _heading(line: str) -> str | None:
    m = _HEADING.match(line)
    if not m or len(line.split()) > 10:
        return None
    return f"{m.group('num')} {m.group('title').strip()}" if m.group("num") else line


_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _pipe_cells(line: str) -> list[str]:
    return [c.strip().strip("*_`") for c in line.strip().strip("|").split("|")]


def _pipe_tables(lines: list[str], origin: str, first_index: int) -> list[Table]:
    """Markdown pipe tables (``| system | XNLI |`` over ``|---|---|``); their lines are blanked in
    ``lines`` so the whitespace reader does not read them again."""
    tables: list[Table] = []
    section, i = "", 0
    while i < len(lines):
        if not (lines[i].startswith("|") and i + 1 < len(lines) and _PIPE_RULE.match(lines[i + 1])):
            section = _heading(lines[i].lstrip("# ")) or section
            i += 1
            continue
        start, header = i, _pipe_cells(lines[i])
        i += 2
        rows = []
        while i < len(lines) and lines[i].startswith("|"):
            cells = _pipe_cells(lines[i])
            rows.append(cells + [""] * (len(header) - len(cells)))
            i += 1
        grid = [[GridCell(h) for h in header]] + [[GridCell(c) for c in row[: len(header)]] for row in rows]
        number, caption, _ = _caption_near(lines, start, i)
        table = assemble_table(grid, [False] + [r == 1 for r in range(1, len(grid))], number=number,
                               index=first_index + len(tables), label="", caption=caption, section=section, origin=origin)
        if table.values:
            tables.append(table)
        lines[start:i] = [""] * (i - start)
    return tables


def text_tables(text: str, origin: str = "pdf-text") -> list[Table]:
    """Tables read from text lines (Markdown pipe tables first); low confidence by construction (see
    module doc)."""
    lines = [ln.strip() for ln in text.splitlines()]
    tables: list[Table] = _pipe_tables(lines, origin, 1)
    section, i = "", 0
    while i < len(lines):
        if _row(lines[i]) is None:
            section = _heading(lines[i]) or section
            i += 1
            continue
        start = i
        rows = []
        while i < len(lines) and (parsed := _row(lines[i])) is not None:
            rows.append(parsed)
            i += 1
        width = max(len(v) for _, v in rows)
        header_line = lines[start - 1] if start > 0 and not _CAPTION.match(lines[start - 1]) else ""
        words = header_line.split()
        header = [GridCell(" ".join(words[:-width]))] + [GridCell(w) for w in words[-width:]] if len(words) >= width else []
        grid = ([header] if header else []) + [
            [GridCell(label)] + [GridCell()] * (width - len(vals)) + [GridCell(v) for v in vals] for label, vals in rows
        ]
        number, caption, _ = _caption_near(lines, start - (1 if header else 0), i)
        rules = [False] + [bool(header) and r == 1 for r in range(1, len(grid))]
        table = assemble_table(grid, rules, number=number, index=len(tables) + 1, label="", caption=caption,
                               section=section, origin=origin)
        if table.values:
            tables.append(table)
    return tables


def text_sections(text: str) -> list[Section]:
    """Sections from numbered headings ("3.1 Results"); table rows and captions are left out."""
    sections: list[Section] = []
    title, body = "Front matter", []

    def close() -> None:
        joined = "\n".join(body)
        joined = re.sub(r"(\w)-\n(\w)", r"\1\2", joined)  # "im-\nprovement"
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", joined)]
        text_ = "\n\n".join(p for p in paragraphs if p)
        if text_:
            sections.append(Section(title, text_))

    for line in text.splitlines():
        stripped = line.strip()
        heading = _heading(stripped)
        if heading:
            close()
            title, body = heading, []
            if title.lower().startswith("references"):
                break
            continue
        if _row(stripped) is not None or _CAPTION.match(stripped):
            body.append("")  # a table line ends the paragraph around it
            continue
        body.append(line)
    else:
        close()
    return sections


def text_title(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")

"""Tables and running text from a paper's LaTeX source.

``load_latex_source(path)`` reads a folder, a tarball, a gzipped single file or a ``.tex`` file and
returns the main file with every ``\\input``/``\\include`` inlined. ``extract_latex_tables(tex)``
reads each ``tabular`` into a grid (``\\multicolumn`` spans, ``\\multirow`` fills, booktabs and
``\\hline`` rules), finds the header rows and row-label columns, and returns one ``TableValue`` per
number with its row header, column header and the cell as printed. ``63.3/78.7`` under an ``EM/F1``
header gives two values; ``80.1 ± 0.3`` gives 80.1 with spread 0.3; bold, underline and footnote
marks are recorded, never read as digits. ``latex_sections(tex)`` gives the body as plain text per
numbered section for the claim finder.

The table model (``Table``, ``TableValue``, ``assemble_table``) is shared with ``pdf.py``, which
fills the same kind of grid from a PDF's text layer. Tarballs are read in memory, never extracted.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.sources.candidates import Section
from claimcheck.sources.numbers import WrittenNumber, extract_numbers, is_numeric_cell, split_cell

MAX_MEMBER_BYTES = 20_000_000  # a .tex file larger than this is not a paper source
PLACEHOLDERS = {"", "-", "--", "–", "—", "n/a", "N/A", "NA", "/"}


# ============================================================================ the table model
@dataclass(frozen=True)
class GridCell:
    text: str = ""
    bold: bool = False
    underline: bool = False
    marks: tuple[str, ...] = ()
    continuation: bool = False  # covered by a \multicolumn to its left

    def continued(self) -> GridCell:
        return GridCell(self.text, self.bold, self.underline, self.marks, continuation=True)


@dataclass(frozen=True)
class TableValue:
    row: str  # row header, e.g. "MNLI / +MLM" (label columns joined)
    column: str  # column header, e.g. "QA (EM/F1) / XQuAD" (header rows joined)
    part: str  # "" or the member of a pair: "EM", "F1" (or "1", "2" when the header names none)
    number: WrittenNumber
    written: str  # the cell as printed, markup removed: "80.1±0.3†"
    row_index: int  # 1-based among data rows
    col_index: int  # 1-based grid column
    bold: bool = False
    underline: bool = False
    spread: str = ""
    marks: tuple[str, ...] = ()

    @property
    def column_label(self) -> str:
        return f"{self.column} [{self.part}]" if self.part else self.column


@dataclass(frozen=True)
class Table:
    number: str  # "2" for a captioned table, "" otherwise
    index: int  # 1-based position among all tables found
    label: str
    caption: str
    section: str
    origin: str  # "latex" | "pdf-text" | "text"
    values: tuple[TableValue, ...] = ()
    part: str = ""  # "part 2" when one float holds several tabulars

    @property
    def confidence(self) -> str:
        return "high" if self.origin == "latex" else "low"

    @property
    def name(self) -> str:
        base = f"Table {self.number}" if self.number else f"Unnumbered table {self.index}"
        base += f" ({self.label})" if self.label else ""
        return f"{base}, {self.part}" if self.part else base

    def locator(self, value: TableValue) -> str:
        return f"{self.name}, row {value.row}, column {value.column_label}"


def assemble_table(grid: list[list[GridCell]], rule_before: list[bool], **meta) -> Table:
    """Header rows, label columns and values of a cell grid (``meta``: Table fields)."""
    width = max((len(r) for r in grid), default=0)
    grid = [row + [GridCell()] * (width - len(row)) for row in grid]
    numeric = [[bool(c.text) and not c.continuation and is_numeric_cell(c.text) for c in row] for row in grid]

    def textual(r: int) -> bool:  # a header row: fewer than half of its cells hold values
        filled = [c for c in grid[r] if c.text and not c.continuation]
        return 2 * sum(numeric[r]) < max(1, len(filled))

    def wordy(r: int) -> bool:  # without a rule to go by: no value-like cell at all ("1e-5" counts)
        return not any(numeric[r]) and not any(n.kind == "scientific" for c in grid[r] for n in extract_numbers(c.text))

    first_rule = next((r for r in range(1, len(grid)) if rule_before[r]), None)
    if first_rule is not None and all(textual(r) for r in range(first_rule)):
        header_end = first_rule
    else:
        header_end = 0
        while header_end < len(grid) - 1 and wordy(header_end):
            header_end += 1
    data = range(header_end, len(grid))
    n_label = 0
    while n_label < width and not any(numeric[r][n_label] for r in data):
        n_label += 1
    headers = []
    for c in range(width):
        parts: list[str] = []
        for h in range(header_end):
            t = grid[h][c].text
            if t and t not in parts:
                parts.append(t)
        headers.append(" / ".join(parts) or f"column {c + 1}")
    values: list[TableValue] = []
    group, k = "", 0
    for r in data:
        row = grid[r]
        if not any(numeric[r]):
            texts = {c.text for c in row if c.text}
            if len(texts) == 1 and header_end > 0:
                group = texts.pop()  # a "Multi-task" line that groups the rows below it
            continue
        k += 1
        labels: list[str] = []
        for c in range(n_label):
            if row[c].text not in PLACEHOLDERS and row[c].text not in labels:
                labels.append(row[c].text)
        name = " / ".join(([group] if group else []) + labels) or f"row {k}"
        for c in range(n_label, width):
            cell = row[c]
            if cell.continuation or not numeric[r][c]:
                continue
            for cn in split_cell(cell.text, headers[c]):
                values.append(TableValue(name, headers[c], cn.part, cn.number, cell.text, k, c + 1,
                                         cell.bold, cell.underline, cn.spread, cell.marks))
    return Table(values=tuple(values), **meta)


# ============================================================================ LaTeX markup to text
def strip_comments(tex: str) -> str:
    """Drop ``%`` comments (an escaped ``\\%`` is kept)."""
    return re.sub(r"(?<!\\)((?:\\\\)*)%[^\n]*", r"\1", tex)


_DEFINITION = re.compile(
    r"\\(?:re|provide)?newcommand\*?\s*\{?\\([A-Za-z]+)\}?\s*(?:\[(\d)\])?\s*(?=\{)|\\def\s*\\([A-Za-z]+)\s*(?=\{)"
)


def expand_macros(tex: str) -> str:
    """Inline simple ``\\newcommand``/``\\def`` macros (``\\best{80.1}`` -> ``\\textbf{80.1}``)."""
    macros: dict[str, tuple[int, str]] = {}
    spans = []
    for m in _DEFINITION.finditer(tex):
        body, end = read_group(tex, m.end())
        macros[m.group(1) or m.group(3)] = (int(m.group(2) or 0), body)
        spans.append((m.start(), end))
    if not macros:
        return tex
    for start, end in reversed(spans):
        tex = tex[:start] + tex[end:]
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(3):  # macros that use macros
        out, i = [], 0
        for m in pattern.finditer(tex):
            if m.start() < i:
                continue
            n, body = macros[m.group(1)]
            j = m.end()
            for k in range(1, n + 1):
                arg, j = read_group(tex, j)
                body = body.replace(f"#{k}", arg)
            out += [tex[i : m.start()], body]
            i = j
        tex = "".join(out + [tex[i:]])
    return tex


def read_group(s: str, i: int, open_: str = "{", close: str = "}") -> tuple[str, int]:
    """Content of the brace group starting at ``s[i]`` (spaces skipped) and the offset after it."""
    while i < len(s) and s[i] in " \t\n":
        i += 1
    if i >= len(s) or s[i] != open_:
        return "", i
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == open_:
            depth += 1
        elif s[j] == close:
            depth -= 1
            if depth == 0:
                return s[i + 1 : j], j + 1
        j += 1
    return s[i + 1 :], len(s)


def skip_args(s: str, i: int, n: int) -> int:
    """Offset after any optional ``[..]``/``(..)`` arguments and ``n`` brace groups."""
    for _ in range(n + 1):
        while True:
            m = re.match(r"\s*(\[[^\]]*\]|\([^)]*\))", s[i:])
            if not m:
                break
            i += m.end()
        if _ < n:
            _, i = read_group(s, i)
    return i


_SYMBOLS = {
    "pm": "±", "textpm": "±", "mp": "∓", "times": "×", "dagger": "†", "dag": "†", "textdagger": "†",
    "ddagger": "‡", "ddag": "‡", "textdaggerdbl": "‡", "S": "§", "P": "¶", "textminus": "−",
    "ast": "*", "star": "*", "approx": "≈", "sim": "~", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥",
    "rightarrow": "→", "to": "→", "uparrow": "↑", "downarrow": "↓", "cdot": "·", "ldots": "…",
    "dots": "…", "textendash": "–", "textemdash": "—", "checkmark": "✓", "Delta": "Δ", "%": "%",
    "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", " ": " ", "\\": " ", ",": " ",
    ";": " ", ":": " ", "!": "", "/": "", "-": "", "(": "", ")": "", "[": "", "]": "", "'": "", "`": "", "~": "",
}
_DROP = {  # commands whose arguments are not text: name -> number of brace arguments
    "label": 1, "vspace": 1, "hspace": 1, "phantom": 1, "hphantom": 1, "vphantom": 1, "cellcolor": 1,
    "color": 1, "rowcolor": 1, "columncolor": 1, "includegraphics": 1, "bibliographystyle": 1,
    "bibliography": 1, "setlength": 2, "addtolength": 2, "setcounter": 2, "newcommand": 2,
    "renewcommand": 2, "thanks": 1, "footnotemark": 0, "rule": 2, "usepackage": 1, "documentclass": 1,
    "nocite": 1, "pagestyle": 1, "thispagestyle": 1, "begin": 1, "end": 1, "arrayrulecolor": 1,
}
_KEEP_LAST = {"textcolor": 2, "colorbox": 2, "rotatebox": 2, "scalebox": 2, "resizebox": 3, "href": 2,
              "raisebox": 2, "multicolumn": 3, "multirow": 3, "parbox": 2, "fcolorbox": 3}
_REFS = {"ref", "autoref", "cref", "Cref", "eqref", "pageref", "nameref", "subref"}
_CITES = {"cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "parencite", "textcite"}
_REF_WORDS = {"tab": "Table", "sec": "Section", "fig": "Figure", "app": "Appendix", "eq": "Eq."}


def clean_latex(s: str, refs: dict[str, str] | None = None, keep_paragraphs: bool = False) -> str:
    """Plain text of a LaTeX fragment: commands dropped, their text arguments kept, refs resolved."""
    refs = refs or {}
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.compile(r"\\([A-Za-z]+\*?|.)").match(s, i)
            if not m:
                break
            name, i = m.group(1).rstrip("*") or "*", m.end()
            if name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in _DROP:
                i = skip_args(s, i, _DROP[name])
            elif name in _REFS or name in _CITES:
                arg, i = read_group(s, skip_args(s, i, 0))
                if name in _CITES:
                    out.append("[cite]")
                else:
                    keys = [x.strip() for x in arg.split(",")]
                    word = _REF_WORDS.get(keys[0].split(":")[0], "") if name in {"autoref", "cref", "Cref"} else ""
                    out.append((word + " " if word else "") + ", ".join(refs.get(x, "??") for x in keys))
            elif name in _KEEP_LAST:
                i = skip_args(s, i, _KEEP_LAST[name] - 1)
                arg, i = read_group(s, skip_args(s, i, 0))
                out.append(clean_latex(arg, refs))
            elif name.isalpha() and i < len(s) and s[i] == " ":
                i += 1  # "\bf 80.1": the space only ends the command name
            continue
        if c in "{}$":
            i += 1
            continue
        out.append(" " if c == "~" else c)
        i += 1
    text = "".join(out).replace("---", "—").replace("--", "–").replace("``", '"').replace("''", '"')
    text = re.sub(r"\^\s*([†‡*§¶])", r"\1", text)  # "$^\dagger$" in running text: the mark itself
    if keep_paragraphs:
        paragraphs = re.split(r"\n\s*\n", text)
        return "\n\n".join(re.sub(r"\s+", " ", p).strip() for p in paragraphs if p.strip())
    return re.sub(r"\s+", " ", text).strip()


_MARK = re.compile(
    r"\^\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[^\s{}$])"
    r"|\\textsuperscript\s*(\{[^{}]*\})|\\footnotemark\s*(\[[^\]]*\])?|\\footnote\s*(\{(?:[^{}]|\{[^{}]*\})*\})"
)
_MARK_TEXT = re.compile(r"^(?:[*†‡§¶#]+|[a-z]|\d)$")


def cell_from_latex(inner: str) -> GridCell:
    """A grid cell: its plain text, bold/underline, and footnote marks (kept apart from digits)."""
    bold = bool(re.search(r"\\(?:textbf|mathbf|bf|bfseries|boldmath|bm|boldsymbol)\b", inner))
    underline = bool(re.search(r"\\(?:underline|uline|ul)\b", inner))
    marks: list[str] = []

    def mark(m: re.Match) -> str:
        raw = m.group(1) or m.group(2) or ""
        text = clean_latex(raw[1:-1] if raw.startswith("{") else raw)
        if m.group(3) is not None or m.group(4) is not None or m.group(0).startswith("\\footnotemark"):
            marks.append(text or "fn")
            return ""
        if _MARK_TEXT.match(text):
            marks.append(text)
            return ""
        return "^" + text

    text = clean_latex(_MARK.sub(mark, inner))
    trailing = re.search(r"\s*([*†‡§¶]+)\s*$", text)
    if trailing and trailing.start() > 0:
        marks.append(trailing.group(1))
        text = text[: trailing.start()]
    return GridCell(text=text, bold=bold, underline=underline, marks=tuple(marks))


# ============================================================================ files
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def load_latex_bytes(data: bytes, name: str = "source") -> str:
    """The flattened main file of an e-print as arXiv serves it: tar(.gz), .gz of one file, or text."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"corrupt gzip data ({exc})", path=name) from None
    if data[:5] == b"%PDF-":
        raise InputError("this is a PDF, not a LaTeX source (use --pdf)", path=name)
    files: dict[str, str] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".tex") and member.size <= MAX_MEMBER_BYTES:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        files[_norm(member.name)] = _decode(handle.read())
    except (tarfile.TarError, EOFError):
        files = {"main.tex": _decode(data)}  # a single (formerly gzipped) .tex file
    return _flatten(files, name)


def load_latex_source(path: Path) -> str:
    """The flattened main file of a folder, a tarball, a .gz file or a single .tex file."""
    if path.is_dir():
        files = {_norm(str(p.relative_to(path))): _decode(p.read_bytes())
                 for p in sorted(path.rglob("*.tex")) if p.is_file() and p.stat().st_size <= MAX_MEMBER_BYTES}
        return _flatten(files, str(path))
    if not path.is_file():
        raise InputError("no such LaTeX file or folder", path=str(path))
    if path.suffix == ".tex":
        files = {_norm(str(p.relative_to(path.parent))): _decode(p.read_bytes()) for p in path.parent.rglob("*.tex")}
        return _flatten(files, str(path), main=_norm(path.name))
    return load_latex_bytes(path.read_bytes(), str(path))


def _norm(name: str) -> str:
    return re.sub(r"^(\./)+", "", name.replace("\\", "/"))


def _pick_main(files: dict[str, str]) -> str | None:
    mains = [n for n, t in files.items() if re.search(r"\\begin\s*\{document\}", strip_comments(t))]
    mains = mains or [n for n, t in files.items() if "\\documentclass" in t]
    preferred = [n for n in mains if Path(n).stem in {"main", "paper", "ms", "article"}]
    return sorted(preferred or mains, key=lambda n: (-len(files[n]), n))[0] if mains else None


_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^}]*)\}|\\input\s+([^\s{}\\]+)")


def _flatten(files: dict[str, str], where: str, main: str | None = None) -> str:
    main = main or _pick_main(files)
    if main is None:
        raise InputError("no .tex file with \\documentclass or \\begin{document} found", path=where)
    base = Path(main).parent

    def inline(name: str, seen: tuple[str, ...]) -> str:
        def sub(m: re.Match) -> str:
            ref = (m.group(1) or m.group(2)).strip()
            keys = [_norm(str(p)) for r in (ref, f"{ref}.tex") for p in (Path(r), base / r)]
            key = next((k for k in keys if k in files), None)
            if key is None or key in seen or len(seen) > 12:
                return " "
            return "\n" + inline(key, seen + (key,)) + "\n"

        return _INPUT.sub(sub, strip_comments(files[name]))

    return inline(main, (main,))


# ============================================================================ document structure
_SECTION = re.compile(r"\\(section|subsection|subsubsection)(\*?)\s*(?:\[[^\]]*\])?\s*(?=\{)")
_FLOATS = ("table", "table*", "figure", "figure*", "wraptable", "wrapfigure", "sidewaystable")
_TABULAR = ("tabular", "tabular*", "tabularx", "tabulary", "longtable")
_HIDDEN = _FLOATS + _TABULAR + ("equation", "equation*", "align", "align*", "algorithm", "algorithm*",
                                "verbatim", "lstlisting", "thebibliography", "tikzpicture")


def _environments(tex: str, names: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
    """(name, begin offset, body offset, end offset) of each outermost environment in ``names``."""
    pattern = re.compile(r"\\(begin|end)\s*\{(" + "|".join(re.escape(n) for n in names) + r")\}")
    found, stack = [], []
    for m in pattern.finditer(tex):
        if m.group(1) == "begin":
            stack.append((m.group(2), m.start(), m.end()))
        elif stack and stack[-1][0] == m.group(2):
            name, start, body = stack.pop()
            if not stack:
                found.append((name, start, body, m.end()))
    return found


@dataclass
class Outline:
    """Numbered section titles by offset, table numbers by float offset, and every \\label's number."""

    sections: list[tuple[int, str]] = field(default_factory=list)  # (offset, "3.1 Results")
    tables: dict[int, str] = field(default_factory=dict)  # float offset -> "2"
    refs: dict[str, str] = field(default_factory=dict)

    def section_at(self, pos: int) -> str:
        return next((t for o, t in reversed(self.sections) if o <= pos), "")


def outline_of(tex: str) -> Outline:
    out = Outline()
    numbered: dict[int, tuple[int, str]] = {}  # float offset -> (end, number)
    counts = {"table": 0, "figure": 0}
    for name, start, _, end in _environments(tex, _FLOATS + ("longtable",)):
        if re.search(r"\\caption", tex[start:end]):
            kind = "figure" if "figure" in name else "table"
            counts[kind] += 1
            numbered[start] = (end, str(counts[kind]))
            if kind == "table":
                out.tables[start] = str(counts[kind])
    counters, appendix, restarted = [0, 0, 0], tex.find("\\appendix"), False
    sec_numbers: list[tuple[int, str]] = []
    for m in _SECTION.finditer(tex):
        level = ("section", "subsection", "subsubsection").index(m.group(1))
        if 0 <= appendix < m.start() and not restarted:
            counters, restarted = [0, 0, 0], True  # \appendix restarts the count, at A
        number = ""
        if not m.group(2):
            counters[level] += 1
            counters[level + 1 :] = [0] * (2 - level)
            top = chr(64 + counters[0]) if 0 <= appendix < m.start() else str(counters[0])
            number = ".".join([top, *map(str, counters[1 : level + 1])])
            sec_numbers.append((m.start(), number))
        out.sections.append((m.start(), f"{number} {clean_latex(read_group(tex, m.end())[0])}".strip()))
    for m in re.finditer(r"\\label\s*\{([^}]*)\}", tex):
        owner = next((num for s, (e, num) in numbered.items() if s <= m.start() < e), None)
        out.refs[m.group(1).strip()] = owner or next((n for o, n in reversed(sec_numbers) if o <= m.start()), "??")
    return out


def latex_title(tex: str) -> str:
    m = re.search(r"\\title\s*(?:\[[^\]]*\])?\s*(?=\{)", tex)
    return clean_latex(read_group(tex, m.end())[0]) if m else ""


def latex_authors(tex: str) -> list[str]:
    """Best effort: the first line of each ``\\and``-separated block of ``\\author{...}``."""
    m = re.search(r"\\author\s*(?:\[[^\]]*\])?\s*(?=\{)", tex)
    if not m:
        return []
    names = []
    for chunk in re.split(r"\\and\b|\\AND\b", read_group(tex, m.end())[0]):
        first = re.split(r"\\\\|\\thanks|\\affil|\\footnote|\n\s*\n", chunk)[0]
        name = re.sub(r"[\d*†‡,\s]+$", "", clean_latex(first))
        if name:
            names.append(name)
    return names


# ============================================================================ tables
_RULE = re.compile(
    r"\\(?:hline|toprule|midrule|bottomrule|endhead|endfirsthead|endfoot|endlastfoot|hdashline)\b"
    r"|\\cmidrule\s*(?:\[[^\]]*\])?\s*(?:\([^)]*\))?\s*\{[^{}]*\}"
    r"|\\(?:cline|hhline|arrayrulecolor|noalign)\s*\{[^{}]*\}"
    r"|\\specialrule\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\{[^{}]*\}"
    r"|\\rowcolor\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}|\\addlinespace\b\s*(?:\[[^\]]*\])?"
    r"|\\caption\s*(?:\[[^\]]*\])?\s*\{(?:[^{}]|\{[^{}]*\})*\}|\\label\s*\{[^{}]*\}"
)
_SEPARATING_RULE = re.compile(r"\\(?:hline|midrule|specialrule|hdashline)\b")


def _split_top(body: str, sep: str) -> list[str]:
    """Split on row ends (``\\\\``) or on ``&`` outside braces; ``\\&`` is text."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            end = re.match(r"\\\\(\s*\[[^\]]*\])?|\\tabularnewline\b", body[i:]) if sep == "row" else None
            if end and depth == 0:
                parts.append(body[start:i])
                i = start = i + end.end()
                continue
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "&" and sep == "cell" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    return parts + [body[start:]]


def _span_cell(raw: str) -> tuple[int, int, str]:
    """(columns spanned, rows spanned (negative = upwards), inner LaTeX) of one ``&`` cell."""
    cols, rows, text = 1, 1, raw.strip()
    if m := re.match(r"\\multicolumn\s*(?=\{)", text):
        n, i = read_group(text, m.end())
        _, i = read_group(text, i)  # column spec
        inner, i = read_group(text, i)
        cols, text = max(1, int(n) if n.strip().isdigit() else 1), (inner + text[i:]).strip()
    if m := re.match(r"\\multirow\s*(?:\[[^\]]*\])?\s*(?=\{)", text):
        n, i = read_group(text, m.end())
        i = skip_args(text, i, 1)  # [bigstruts]{width}
        inner, i = read_group(text, skip_args(text, i, 0))
        rows = int(n) if re.fullmatch(r"\s*-?\d+\s*", n) else 1
        text = (inner + text[i:]).strip()
    return cols, rows, text


def tabular_grid(body: str) -> tuple[list[list[GridCell]], list[bool]]:
    """The cell grid of a tabular body and, per row, whether a full-width rule comes before it."""
    grid: list[list[GridCell]] = []
    rule_before: list[bool] = []
    pending = False
    fills: list[tuple[int, int, int, GridCell]] = []  # (row, col, row span, cell)
    for chunk in _split_top(body, "row"):
        pending = pending or bool(_SEPARATING_RULE.search(chunk))
        chunk = _RULE.sub(" ", chunk)
        if not chunk.strip():
            continue
        row: list[GridCell] = []
        for raw in _split_top(chunk, "cell"):
            cols, rows, inner = _span_cell(raw)
            cell = cell_from_latex(inner)
            if rows != 1 and cell.text:
                fills.append((len(grid), len(row), rows, cell))
            row += [cell] + [cell.continued()] * (cols - 1)
        grid.append(row)
        rule_before.append(pending)
        pending = False
    for r, c, span, cell in fills:  # a \multirow label names every row it spans
        for t in range(r + 1, min(len(grid), r + span)) if span > 0 else range(max(0, r + span + 1), r):
            if c < len(grid[t]) and not grid[t][c].text:
                grid[t][c] = cell
    return grid, rule_before


def extract_latex_tables(tex: str) -> list[Table]:
    """Every tabular with at least one number, numbered as LaTeX numbers captioned tables."""
    tex = expand_macros(strip_comments(tex))
    outline = outline_of(tex)
    floats = [(s, e) for n, s, _, e in _environments(tex, _FLOATS) if "figure" not in n]
    tables: list[Table] = []
    for name, start, body, end in _environments(tex, _TABULAR):
        host = next(((s, e) for s, e in floats if s <= start < e), None)
        region = tex[host[0] : host[1]] if host else (tex[start:end] if name == "longtable" else "")
        cap = re.search(r"\\caption(?:of\s*\{table\})?\s*(?:\[[^\]]*\])?\s*(?=\{)", region)
        lab = re.search(r"\\label\s*\{([^}]*)\}", region)
        siblings = [t for t in _environments(region, _TABULAR)] if host else []
        part = f"part {1 + [s for _, s, _, _ in siblings].index(start - host[0])}" if len(siblings) > 1 else ""
        number = outline.tables.get(host[0] if host else start, "")
        i = skip_args(tex, body, 2 if name in ("tabular*", "tabularx", "tabulary") else 1)
        grid, rules = tabular_grid(tex[i : tex.rfind("\\end", start, end)])
        table = assemble_table(grid, rules, number=number, index=len(tables) + 1, label=lab.group(1) if lab else "",
                               caption=clean_latex(read_group(region, cap.end())[0], outline.refs) if cap else "",
                               section=outline.section_at(start), origin="latex", part=part)
        if table.values:
            tables.append(table)
    return tables


# ============================================================================ running text
def latex_sections(tex: str) -> list[Section]:
    """The body as plain text, one ``Section`` per (sub)section; floats, maths and captions left out."""
    tex = expand_macros(strip_comments(tex))
    outline = outline_of(tex)
    lo = m.end() if (m := re.search(r"\\begin\s*\{document\}", tex)) else 0
    hi = m.start() if (m := re.search(r"\\end\s*\{document\}", tex)) else len(tex)
    hidden = [(s, e) for _, s, _, e in _environments(tex, _HIDDEN + ("abstract",))]
    pieces = [("Abstract", b, e) for _, s, b, e in _environments(tex, ("abstract",))]
    heads = [m for m in _SECTION.finditer(tex) if lo <= m.start() < hi]
    starts = [(lo, "Front matter")] + [(read_group(tex, m.end())[1], outline.section_at(m.start())) for m in heads]
    stops = [m.start() for m in heads] + [hi]
    pieces += [(title, s, e) for (s, title), e in zip(starts, stops)]
    sections = []
    for title, s, e in pieces:
        chunk = list(tex[s:e])
        for hs, he in hidden:
            if s <= hs < e:  # (the abstract environment itself starts before its own piece)
                chunk[hs - s : min(he, e) - s] = [" "] * (min(he, e) - hs)
        notes: list[str] = []
        text = clean_latex(_pull_footnotes("".join(chunk), notes), outline.refs, keep_paragraphs=True)
        text = "\n\n".join([text] + [clean_latex(n, outline.refs) for n in notes]).strip()
        if text:
            sections.append(Section(title, text))
    return sections


def _pull_footnotes(raw: str, notes: list[str]) -> str:
    """Move each ``\\footnote{...}`` out of its sentence; the texts are appended to ``notes``."""
    out, i = [], 0
    for m in re.finditer(r"\\footnote\s*(?:\[[^\]]*\])?\s*(?=\{)", raw):
        if m.start() >= i:
            body, end = read_group(raw, m.end())
            out.append(raw[i : m.start()])
            notes.append(body)
            i = end
    return "".join(out + [raw[i:]])

"""Tables and running text from a paper's LaTeX source.

``load_latex_source(path)`` reads a folder, a tarball, a gzipped single file or a ``.tex`` file and
returns the main file with every ``\\input``/``\\include`` inlined. ``extract_latex_tables(tex)``
reads each ``tabular`` into a grid (``\\multicolumn`` spans, ``\\multirow`` fills, booktabs and
``\\hline`` rules), finds the header rows and the row-label columns, and returns one ``TableValue`` per
number with its row header, column header and the cell as printed. Cells such as ``63.3/78.7``
under an ``EM/F1`` header give two values (parts ``EM`` and ``F1``); ``80.1 ± 0.3`` gives 80.1 with
spread 0.3; bold, underline and footnote marks are recorded, never read as digits.
``latex_sections(tex)`` gives the body as plain text per numbered section for the claim finder.

Tarballs are read in memory (never extracted), so a hostile archive cannot write files.
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
from claimcheck.sources.latex_text import clean_latex, read_group, skip_args, strip_comments
from claimcheck.sources.tables import GridCell, Table, assemble_table

MAX_MEMBER_BYTES = 20_000_000  # a .tex file larger than this is not a paper source


# ---------------------------------------------------------------------------------------- files
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
            raise InputError(f"corrupt gzip data: {exc}", path=name) from None
    if data[:5] == b"%PDF-":
        raise InputError("this is a PDF, not a LaTeX source (use --pdf)", path=name)
    files: dict[str, str] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith((".tex", ".bbl")) and member.size <= MAX_MEMBER_BYTES:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        files[_norm(member.name)] = _decode(handle.read())
    except (tarfile.TarError, EOFError):
        files = {"main.tex": _decode(data)}  # a single (formerly gzipped) .tex file
    return _flatten(files, name)


def load_latex_source(path: Path) -> str:
    """The flattened main file of a folder, a tarball, a .gz file or a single .tex file."""
    if path.is_dir():
        files = {
            _norm(str(p.relative_to(path))): _decode(p.read_bytes())
            for p in sorted(path.rglob("*.tex"))
            if p.is_file() and p.stat().st_size <= MAX_MEMBER_BYTES
        }
        return _flatten(files, str(path))
    if not path.is_file():
        raise InputError("no such LaTeX file or folder", path=str(path))
    if path.suffix == ".tex":
        siblings = {_norm(str(p.relative_to(path.parent))): _decode(p.read_bytes()) for p in path.parent.rglob("*.tex")}
        siblings[_norm(path.name)] = _decode(path.read_bytes())
        return _flatten(siblings, str(path), main=_norm(path.name))
    return load_latex_bytes(path.read_bytes(), str(path))


def _norm(name: str) -> str:
    return name.replace("\\", "/").removeprefix("./")


def _pick_main(files: dict[str, str]) -> str | None:
    with_doc = [n for n, t in files.items() if n.endswith(".tex") and re.search(r"\\begin\s*\{document\}", strip_comments(t))]
    if not with_doc:
        with_doc = [n for n, t in files.items() if n.endswith(".tex") and "\\documentclass" in t]
    if not with_doc:
        return None
    preferred = [n for n in with_doc if Path(n).stem in {"main", "paper", "ms", "article"}]
    return sorted(preferred or with_doc, key=lambda n: (-len(files[n]), n))[0]


_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^}]*)\}|\\input\s+([^\s{}\\]+)")


def _flatten(files: dict[str, str], where: str, main: str | None = None) -> str:
    main = main or _pick_main(files)
    if main is None:
        raise InputError("no .tex file with \\documentclass or \\begin{document} found", path=where)
    base_dir = str(Path(main).parent)

    def resolve(name: str) -> str | None:
        name = name.strip()
        for cand in (name, f"{name}.tex"):
            for key in (_norm(cand), _norm(str(Path(base_dir) / cand))):
                if key in files:
                    return key
        return None

    def inline(name: str, depth: int, seen: tuple[str, ...]) -> str:
        text = strip_comments(files[name])
        if depth > 12:
            return text

        def sub(m: re.Match) -> str:
            key = resolve(m.group(1) or m.group(2))
            if key is None or key in seen:
                return " "
            return "\n" + inline(key, depth + 1, seen + (key,)) + "\n"

        return _INPUT.sub(sub, text)

    return inline(main, 0, (main,))


# ---------------------------------------------------------------------------------- structure
_SECTION = re.compile(r"\\(section|subsection|subsubsection)(\*?)\s*(?:\[[^\]]*\])?\s*(?=\{)")
_FLOATS = ("table", "table*", "figure", "figure*", "wraptable", "wrapfigure", "longtable", "sidewaystable")
_HIDDEN = _FLOATS + ("equation", "equation*", "align", "align*", "algorithm", "algorithm*", "tabular",
                     "tabular*", "tabularx", "verbatim", "lstlisting", "thebibliography", "tikzpicture")


@dataclass
class _Outline:
    """Section titles by position, and the number of every \\label (tables, sections, figures)."""

    marks: list[tuple[int, str]] = field(default_factory=list)  # (offset, "3.1 Results")
    refs: dict[str, str] = field(default_factory=dict)

    def section_at(self, pos: int) -> str:
        title = ""
        for offset, name in self.marks:
            if offset > pos:
                break
            title = name
        return title


def _environments(tex: str, names: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
    """(name, begin offset, body start, end offset after \\end{name}) for top-level matches."""
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


def _outline(tex: str) -> _Outline:
    out = _Outline()
    counters = [0, 0, 0]
    appendix_at = tex.find("\\appendix")
    events = [(m.start(), "sec", m) for m in _SECTION.finditer(tex)]
    events += [(start, "float", name) for name, start, _, _ in _environments(tex, _FLOATS)]
    events += [(m.start(), "label", m.group(1)) for m in re.finditer(r"\\label\s*\{([^}]*)\}", tex)]
    table_no = figure_no = 0
    floats = {start: (name, end) for name, start, _, end in _environments(tex, _FLOATS)}
    current_float: tuple[int, str] | None = None  # (end offset, number)
    for pos, kind, obj in sorted(events, key=lambda e: e[0]):
        if current_float and pos >= current_float[0]:
            current_float = None
        if kind == "sec":
            level = ("section", "subsection", "subsubsection").index(obj.group(1))
            title, _ = read_group(tex, obj.end())
            number = ""
            if not obj.group(2):
                counters[level] += 1
                counters[level + 1 :] = [0] * (2 - level)
                top = chr(ord("A") + counters[0] - 1) if 0 <= appendix_at < pos else str(counters[0])
                number = ".".join([top, *map(str, counters[1 : level + 1])])
            out.marks.append((pos, f"{number} {clean_latex(title)}".strip()))
            if number:
                out.refs.setdefault(f"__sec@{pos}", number)
        elif kind == "float":
            name, end = floats[pos]
            body = tex[pos:end]
            if "\\caption" in body:
                if name.startswith("figure") or name == "wrapfigure":
                    figure_no += 1
                    current_float = (end, str(figure_no))
                else:
                    table_no += 1
                    current_float = (end, str(table_no))
        else:
            if current_float:
                out.refs[obj] = current_float[1]
            else:
                section_no = next((v for k, v in reversed(out.refs.items()) if k.startswith("__sec@")), "")
                out.refs[obj] = section_no
    return out


def latex_title(tex: str) -> str:
    m = re.search(r"\\title\s*(?:\[[^\]]*\])?\s*(?=\{)", tex)
    return clean_latex(read_group(tex, m.end())[0]).strip() if m else ""


def latex_authors(tex: str) -> list[str]:
    """Best effort: the first line of each ``\\and``-separated block of ``\\author{...}``."""
    m = re.search(r"\\author\s*(?:\[[^\]]*\])?\s*(?=\{)", tex)
    if not m:
        return []
    block = read_group(tex, m.end())[0]
    names = []
    for chunk in re.split(r"\\and\b|\\AND\b", block):
        first = re.split(r"\\\\|\\thanks|\\affil|\\footnote|\n\s*\n", chunk)[0]
        name = re.sub(r"[\d*†‡,]+$", "", clean_latex(first)).strip()
        if name:
            names.append(name)
    return names


# --------------------------------------------------------------------------------------- tables
_TABULAR = ("tabular", "tabular*", "tabularx", "tabulary", "longtable", "array")
_RULE = re.compile(
    r"\\(?:hline|toprule|midrule|bottomrule|endhead|endfirsthead|endfoot|endlastfoot|hdashline)\b"
    r"|\\(?:cmidrule|cmidrulewidth)\s*(?:\[[^\]]*\])?\s*(?:\([^)]*\))?\s*\{[^{}]*\}"
    r"|\\(?:cline|hhline|arrayrulecolor|noalign)\s*\{[^{}]*\}"
    r"|\\specialrule\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\{[^{}]*\}"
    r"|\\rowcolor\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}|\\addlinespace\b\s*(?:\[[^\]]*\])?"
)
_SEPARATING_RULE = re.compile(r"\\(?:hline|midrule|specialrule|hdashline)\b")


def _split_top(body: str, sep: str) -> list[str]:
    """Split on ``sep`` ("\\\\" or "&") outside braces, ignoring escaped ``\\&``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if sep == "\\\\" and body.startswith("\\\\", i) and depth == 0:
                parts.append(body[start:i])
                i += 2
                opt = re.match(r"\s*\[[^\]]*\]", body[i:])  # \\[2pt]
                i += opt.end() if opt else 0
                start = i
                continue
            if sep == "\\\\" and body.startswith("\\tabularnewline", i) and depth == 0:
                parts.append(body[start:i])
                i += len("\\tabularnewline")
                start = i
                continue
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "&" and sep == "&" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def _span_cell(raw: str) -> tuple[int, int, str]:
    """(columns spanned, rows spanned (negative = upwards), inner LaTeX) of one ``&`` cell."""
    cols, rows, text = 1, 1, raw.strip()
    m = re.match(r"\\multicolumn\s*(?=\{)", text)
    if m:
        n, i = read_group(text, m.end())
        _, i = read_group(text, i)  # column spec
        inner, i = read_group(text, i)
        cols, text = max(1, int(n.strip() or 1)), (inner + text[i:]).strip()
    m = re.match(r"\\multirow\s*(?:\[[^\]]*\])?\s*(?=\{)", text)
    if m:
        n, i = read_group(text, m.end())
        i = skip_args(text, i, 0)  # optional [bigstruts]
        _, i = read_group(text, i)  # width
        i = skip_args(text, i, 0)  # optional [vmove]
        inner, i = read_group(text, i)
        try:
            rows = int(n.strip())
        except ValueError:
            rows = 1
        text = (inner + text[i:]).strip()
    return cols, rows, text


def _tabular_grid(body: str) -> tuple[list[list[GridCell]], list[bool]]:
    """The cell grid of a tabular body and, per row, whether a full rule precedes it."""
    grid: list[list[GridCell]] = []
    rule_before: list[bool] = []
    pending_rule = False
    fills: list[tuple[int, int, int, GridCell]] = []  # (row, col, row span, cell)
    for chunk in _split_top(body, "\\\\"):
        pending_rule = pending_rule or bool(_SEPARATING_RULE.search(chunk))
        chunk = _RULE.sub(" ", chunk)
        if not chunk.strip():
            continue
        row: list[GridCell] = []
        for raw in _split_top(chunk, "&"):
            cols, rows, inner = _span_cell(raw)
            cell = GridCell.from_latex(inner, clean_latex)
            if rows != 1 and cell.text:
                fills.append((len(grid), len(row), rows, cell))
            row.append(cell)
            row.extend(cell.continued() for _ in range(cols - 1))
        grid.append(row)
        rule_before.append(pending_rule)
        pending_rule = False
    for r, c, span, cell in fills:  # \multirow: the label applies to the rows it spans
        targets = range(r + 1, min(len(grid), r + span)) if span > 0 else range(max(0, r + span + 1), r)
        for t in targets:
            if c < len(grid[t]) and not grid[t][c].text:
                grid[t][c] = cell.filled()
    return grid, rule_before


def extract_latex_tables(tex: str) -> list[Table]:
    """Every tabular in the document, numbered like LaTeX numbers captioned tables."""
    tex = strip_comments(tex)
    outline = _outline(tex)
    tables: list[Table] = []
    floats = [f for f in _environments(tex, _FLOATS) if not f[0].startswith(("figure", "wrapfigure"))]
    in_float: set[int] = set()
    table_no = 0
    for name, start, body_start, end in sorted(floats + [("__loose", s, b, e) for _, s, b, e in _environments(tex, _TABULAR)],
                                               key=lambda f: f[1]):
        if name == "__loose":
            if any(s <= start < e for s, e in in_float):
                continue
            label, caption, number = "", "", ""
            spans = [(start, end)]
        else:
            in_float.add((start, end))
            region = tex[start:end]
            cap = re.search(r"\\caption(?:of\s*\{table\})?\s*(?:\[[^\]]*\])?\s*(?=\{)", region)
            caption = clean_latex(read_group(region, cap.end())[0], outline.refs) if cap else ""
            lab = re.search(r"\\label\s*\{([^}]*)\}", region)
            label = lab.group(1).strip() if lab else ""
            if cap:
                table_no += 1
            number = str(table_no) if cap else ""
            spans = [(s + start, e + start) for _, s, _, e in _environments(region, _TABULAR)]
            if name == "longtable":
                spans = [(start, end)]
        for k, (s, e) in enumerate(spans, 1):
            env = re.match(r"\\begin\s*\{([^}]*)\}", tex[s:e])
            i = s + env.end()
            i = skip_args(tex, i, 2 if env.group(1) in ("tabular*", "tabularx", "tabulary") else 1)
            inner_end = tex.rfind("\\end", s, e)
            grid, rules = _tabular_grid(tex[i:inner_end])
            part = f"part {k}" if len(spans) > 1 else ""
            table = assemble_table(grid, rules, number=number, label=label, caption=caption, part=part,
                                   section=outline.section_at(s), origin="latex")
            if table.values:
                tables.append(table)
    return tables


# ------------------------------------------------------------------------------------ running text
def latex_sections(tex: str) -> list[Section]:
    """The body as plain text, one ``Section`` per (sub)section; floats and maths left out."""
    tex = strip_comments(tex)
    outline = _outline(tex)
    doc = re.search(r"\\begin\s*\{document\}", tex)
    end_doc = re.search(r"\\end\s*\{document\}", tex)
    lo, hi = (doc.end() if doc else 0), (end_doc.start() if end_doc else len(tex))
    blanks = [(s, e) for _, s, _, e in _environments(tex, _HIDDEN) if lo <= s < hi]
    pieces: list[tuple[str, int, int]] = []  # (section title, start, end)
    abstract = _environments(tex, ("abstract",))
    for _, s, b, e in abstract:
        pieces.append(("Abstract", b, e - len("\\end{abstract}")))
        blanks.append((s, e))
    bounds = [(m.start(), outline.section_at(m.start())) for m in _SECTION.finditer(tex) if lo <= m.start() < hi]
    starts = [lo] + [b for b, _ in bounds]
    titles = [""] + [t for _, t in bounds]
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else hi
        body_from = start if k == 0 else read_group(tex, _SECTION.match(tex, start).end())[1]
        pieces.append((titles[k], body_from, stop))
    sections = []
    for title, s, e in pieces:
        chunk = list(tex[s:e])
        for bs, be in blanks:
            if s <= bs < e and not (title == "Abstract" and bs < s):
                if not (title == "Abstract"):
                    chunk[bs - s : min(be, e) - s] = [" "] * (min(be, e) - bs)
        raw = "".join(chunk)
        notes: list[str] = []
        raw = _pull_footnotes(raw, notes)
        text = clean_latex(raw, outline.refs, keep_paragraphs=True)
        extra = "\n\n".join(clean_latex(n, outline.refs) for n in notes)
        if text.strip() or extra:
            sections.append(Section(title or "Front matter", (text + "\n\n" + extra).strip()))
    return sections


def _pull_footnotes(raw: str, notes: list[str]) -> str:
    out, i = [], 0
    for m in re.finditer(r"\\footnote\s*(?:\[[^\]]*\])?\s*(?=\{)", raw):
        if m.start() < i:
            continue
        body, end = read_group(raw, m.end())
        out.append(raw[i : m.start()])
        notes.append(body)
        i = end
    out.append(raw[i:])
    return "".join(out)

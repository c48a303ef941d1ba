"""A paper's LaTeX text read: document structure, tables, running text.

The text is the main file with its inputs inlined (``sources.latex_files`` reads it from a folder,
a tarball or a .tex file). ``extract_latex_tables(tex)`` reads each ``tabular`` into a grid (``\\multicolumn``
spans, ``\\multirow`` fills, booktabs and ``\\hline`` rules) and returns ``tables.Table`` s: one value
per number, ``63.3/78.7`` under ``EM/F1`` gives two, marks are never read as digits. ``latex_sections``
gives the body as plain text per numbered section; ``latex_title``/``latex_authors`` the front matter.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from claimcheck.sources.candidates import Section
from claimcheck.sources.tables import GridCell, Table, assemble_table
from claimcheck.sources.texmarkup import (
    cell_from_latex, clean_latex, expand_macros, pull_footnotes, read_group, skip_args, strip_comments,
)


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


@functools.lru_cache(maxsize=2)
def _prepared(tex: str) -> str:
    """The document without comments and with its simple macros inlined. The title, the tables and
    the sections of one document are read from the same text, so it is prepared once."""
    return expand_macros(strip_comments(tex))


def latex_title(tex: str) -> str:
    tex = _prepared(tex)  # "\title{\ours: ...}" with \newcommand{\ours}{Widget}
    m = re.search(r"\\title\s*(?:\[[^\]]*\])?\s*(?=\{)", tex)
    return clean_latex(read_group(tex, m.end())[0]) if m else ""


def latex_authors(tex: str) -> list[str]:
    """Best effort: the first line of each ``\\and``-separated block of ``\\author{...}``."""
    tex = _prepared(tex)  # a commented-out co-author is not an author; a macro in a name is expanded
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


MAX_SPAN = 200  # more columns or rows than a paper's table has: a typo, not a grid to build


def _span(n: str) -> int:
    """The number of columns or rows a ``\\multicolumn{n}`` or ``\\multirow{n}`` spans, at most ``MAX_SPAN``
    either way (``\\multicolumn{1000000}`` would build a million cells a row); 0 when ``n`` is no integer
    in ASCII digits ("²" passes ``str.isdigit`` and fails ``int``)."""
    m = re.fullmatch(r"\s*(-?)([0-9]+)\s*", n)
    if not m:
        return 0
    digits = m.group(2)
    value = MAX_SPAN if len(digits) > 4 else min(MAX_SPAN, int(digits))  # no int() of 5,000 digits
    return -value if m.group(1) else value


def _span_cell(raw: str) -> tuple[int, int, str]:
    """(columns spanned, rows spanned (negative = upwards), inner LaTeX) of one ``&`` cell."""
    cols, rows, text = 1, 1, raw.strip()
    if m := re.match(r"\\multicolumn\s*(?=\{)", text):
        n, i = read_group(text, m.end())
        _, i = read_group(text, i)  # column spec
        inner, i = read_group(text, i)
        cols, text = max(1, _span(n)), (inner + text[i:]).strip()
    if m := re.match(r"\\multirow\s*(?:\[[^\]]*\])?\s*(?=\{)", text):
        n, i = read_group(text, m.end())
        i = skip_args(text, i, 1)  # [bigstruts]{width}
        inner, i = read_group(text, skip_args(text, i, 0))
        rows = _span(n) or 1
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
    tex = _prepared(tex)
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
    tex = _prepared(tex)
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
        text = clean_latex(pull_footnotes("".join(chunk), notes), outline.refs, keep_paragraphs=True)
        text = "\n\n".join([text] + [clean_latex(n, outline.refs) for n in notes]).strip()
        if text:
            sections.append(Section(title, text))
    return sections

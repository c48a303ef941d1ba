"""LaTeX markup to plain text: comments, simple macros, brace groups, symbols, table-cell markup.

``clean_latex`` turns a fragment into text (commands dropped, their text arguments kept, ``\\ref``
resolved through a label map). ``cell_from_latex`` reads one table cell: bold and underline are
recorded as flags and footnote marks (``$^\\dagger$``, ``\\footnotemark``, a trailing ``*``) kept
apart from the digits. ``expand_macros`` inlines simple ``\\newcommand``/``\\def`` macros first, so
``\\best{80.1}`` is seen as ``\\textbf{80.1}``. ``pull_footnotes`` moves footnote texts out of
running text.

Pure.
"""

from __future__ import annotations

import re

from claimcheck.sources.tables import GridCell


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


def pull_footnotes(raw: str, notes: list[str]) -> str:
    """Move each ``\\footnote{...}`` out of its sentence; the texts are appended to ``notes``."""
    out, i = [], 0
    for m in re.finditer(r"\\footnote\s*(?:\[[^\]]*\])?\s*(?=\{)", raw):
        if m.start() >= i:
            body, end = read_group(raw, m.end())
            out.append(raw[i : m.start()])
            notes.append(body)
            i = end
    return "".join(out + [raw[i:]])

"""The claims table of a synthesis report: tab-separated, Markdown pipes, or flattened by a PDF.

Columns are recognised by their header (any order; Verified or Confidence may be missing). Without a
header, each cell is classified by its content (a tick, a number in [0, 1], the text). Each row is a
``synthesis_row.ClaimRow``; how a cell's mark, confidence and cut-off text read is that module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimcheck.sources.synthesis_row import ClaimRow, read_confidence, read_mark, truncation_of

MAX_ROWS = 2_000

_ROLE_WORDS = {
    "claim": {"claim", "claims", "claim text", "statement", "text", "finding", "extracted claim"},
    "verified": {"verified", "verified?", "verification", "status", "check", "checked", "✓"},
    "confidence": {"confidence", "conf", "conf.", "confidence score", "certainty", "score"},
}
_MARK_TOKENS = "✓|✔|☑|✅|✗|✘|☒|❌|yes|no|true|false|verified|unverified"
_FLAT_ROW = re.compile(rf"^(?P<text>\S.*?)\s+(?:(?P<mark>{_MARK_TOKENS})\s+)?(?P<conf>(?:0|1)?\.\d+|\d{{1,3}}%|[01])\s*$", re.I)
_BARE_PIPE = re.compile(r"(?<!\\)\|")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BULLET_ROW = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(?P<text>\S.*)$")
_HEADING_LIKE = re.compile(r"^\s*#|^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:references|bibliography|sources)\s*:?\s*$", re.I)


@dataclass
class ParsedTable:
    columns: list[str] = field(default_factory=list)
    rows: list[ClaimRow] = field(default_factory=list)
    dropped: int = 0
    dropped_ticked: int = 0  # of the dropped rows, those with a tick (the report's "N verified" counts them)


def _split(line: str, bare: bool = False) -> list[str] | None:
    """Cells of a tab-separated or pipe row, else None. ``bare``: in a Markdown table written without
    its outer pipes ("Claim | Verified"), a line with a '|' inside is a row too."""
    if "\t" in line:
        return [c.strip() for c in line.strip("\n").split("\t")]
    s = line.strip()
    if s.startswith("|") or (bare and _BARE_PIPE.search(s)):
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
        cells = re.split(r"(?<!\\)\|", s)
        return [c.strip().replace("\\|", "|") for c in cells]
    return None


def _role(cell: str) -> str:
    c = cell.strip().strip("*_").strip().lower()
    for role, words in _ROLE_WORDS.items():
        if c in words:
            return role
    return "other"


def _gfm_header(lines: list[tuple[int, str]], k: int) -> bool:
    """Whether line ``k`` heads a Markdown table written without outer pipes: it holds a '|' and the
    line after it is the table's delimiter row ("---|---|---")."""
    line = lines[k][1]
    return (not line.strip().startswith("|") and bool(_BARE_PIPE.search(line)) and k + 1 < len(lines)
            and "|" in lines[k + 1][1] and bool(_MD_SEPARATOR.match(lines[k + 1][1])))


def _named_bare_header(lines: list[tuple[int, str]], k: int) -> bool:
    """Whether line ``k`` heads a table written without outer pipes and without a delimiter row, by
    naming its columns as we know them ("Claim | Verified | Confidence"), with a row of such cells
    after it: the header is recognised by its names, as a tab-separated or outer-piped one is."""
    line = lines[k][1]
    if line.strip().startswith("|") or not _BARE_PIPE.search(line) or _header(line, bare=True) is None:
        return False
    after = next((text for _, text in lines[k + 1 :] if text.strip()), "")
    return bool(_BARE_PIPE.search(after)) and not after.strip().startswith("|")


def _is_mark(cell: str) -> bool:
    """A Verified cell's mark: a tick or a cross, not a dash (which also stands for a missing value)."""
    return read_mark(cell) is not None and len(cell) <= 12 and cell.strip() not in ("-", "–", "—")


# the notes that say no row was read, with what the audit says of each: an error-level finding
# (``no_claims_table``: nothing was audited, so ``audit --strict`` fails rather than pass a report it did not check)
NO_TABLE, EMPTY_SECTION, EMPTY_TABLE = ("no claims table found", "the claims section holds no rows",
                                        "the claims table has a header but no rows")
_LOOKED_FOR = ("a section whose heading names claims (\"Extracted Claims\"), else a table whose header names a Claim "
               "column (Claim, Statement, Finding) beside a Verified or Confidence column, or whose rows carry ticks")
EMPTY_NOTES = {
    NO_TABLE: f"no claims table found (looked for {_LOOKED_FOR}): no row was audited",
    EMPTY_SECTION: "the claims section holds no rows (no line with cells, a tick or a confidence, nor a list item): no row was audited",
    EMPTY_TABLE: "the claims table has a header but no rows under it: no row was audited",
}

_NUMBER_HEADS = {"#", "no", "no.", "nr", "nr.", "n°", "num", "num.", "number", "row", "id", "idx", "index"}
_UNNAMED_ROWS_READ = 50  # the rows that tell an unnamed header's table a claims table


def _unnamed_header(lines: list[tuple[int, str]], in_section: bool) -> tuple[int, bool, list[str]] | None:
    """(index, bare, cells) of the header of a claims table whose columns are named in words we do not
    know (another language: "Behauptung | Verifiziert | Konfidenz"): a row of two or more short cells,
    none a mark or a confidence, followed by a Markdown delimiter row or by a row of as many cells,
    whose rows carry a mark (in a claims section, a mark or a confidence) in at least half of them (of
    its first ``_UNNAMED_ROWS_READ``).
    Outside a claims section a table of numbers (a results table) is not taken for it."""
    for k, (_, line) in enumerate(lines):
        if k and _split(lines[k - 1][1]) is not None:  # a header is the first row of its table
            continue
        bare = _gfm_header(lines, k)
        cells = _split(line, bare)
        if (not cells or len(cells) < 2 or any(len(c) > 40 for c in cells)
                or any(read_mark(c) is not None or read_confidence(c) is not None for c in cells)):
            continue
        delimited = k + 1 < len(lines) and "|" in lines[k + 1][1] and bool(_MD_SEPARATOR.match(lines[k + 1][1]))
        first = k + 2 if delimited else k + 1
        rows: list[list[str]] = []
        for _, row in lines[first : first + _UNNAMED_ROWS_READ]:
            if (cells_of := _split(row, bare)) is None:
                break
            rows.append(cells_of)
        if not rows or not (delimited or len(rows[0]) == len(cells)):
            continue
        marked = [r for r in rows if any(_is_mark(c) for c in r)
                  or (in_section and any(read_confidence(c) is not None and len(c) <= 8 for c in r))]
        if 2 * len(marked) >= len(rows):
            return k, bare, cells
    return None


def _header(line: str, bare: bool = False) -> list[str] | None:
    cells = _split(line, bare)
    if cells is None:
        words = line.split()
        roles = [_role(w) for w in words]
        if 2 <= len(words) <= 4 and "claim" in roles and "other" not in roles:
            return roles
        return None
    roles = [_role(c) for c in cells]
    return roles if "claim" in roles and len([r for r in roles if r != "other"]) >= 2 else None


def _row(number: int, line: int, text: str, mark: str, conf: str) -> ClaimRow:
    # a run of spaces (a PDF's justified line, a hand-aligned cell) reads as one: the audit's word
    # patterns expect words one space apart ("the  most useful" is "the most useful")
    text = " ".join(text.split())
    cut = truncation_of(text)
    return ClaimRow(
        number=number,
        line=line,
        text=text,
        verified=read_mark(mark) if mark else None,
        verified_mark=mark.strip(),
        confidence=read_confidence(conf) if conf else None,
        confidence_text=conf.strip(),
        truncated=bool(cut),
        truncation=cut,
    )


def _readable(cell: str, role: str) -> bool:
    """Whether ``cell`` reads as the ``role`` column's value (or is empty)."""
    if not cell or role not in ("verified", "confidence"):
        return True
    return (read_mark(cell) if role == "verified" else read_confidence(cell)) is not None


def _widened(cells: list[str], roles: list[str], sep: str = " | ") -> list[str] | None:
    """A row with more cells than the header has an unescaped '|' (or a tab) in its claim text: the
    cells from the claim's on, joined back into one, so that the columns after it get their own cells.
    The fewest cells are joined that leave the Verified and Confidence columns after it readable (a
    surplus cell at the end, where they already read, is left beyond the header, as before); with no
    such column after it, the claim takes the whole surplus. None when the row has no surplus or no
    join makes them read."""
    while len(cells) > len(roles) and not cells[-1]:  # "| text | ✓ | 0.3 | |": an empty cell closing the row
        cells = cells[:-1]
    extra = len(cells) - len(roles)
    if extra <= 0 or "claim" not in roles:
        return None
    c = roles.index("claim")
    if not any(r in ("verified", "confidence") for r in roles[c + 1 :]):  # nothing after the claim tells: it takes the surplus
        return cells[:c] + [sep.join(cells[c : c + extra + 1])] + cells[c + extra + 1 :]
    for s in range(extra + 1):
        fit = cells[:c] + [sep.join(cells[c : c + s + 1])] + cells[c + s + 1 :]
        if all(_readable(fit[i], r) for i, r in enumerate(roles) if i > c):
            return None if s == 0 else fit
    return None


def _cells_by_role(cells: list[str], roles: list[str] | None) -> tuple[str, str, str]:
    if roles:
        get = {r: cells[i] for i, r in enumerate(roles) if i < len(cells) and r != "other"}
        text = get.get("claim", "")
        if not text:  # header without the row's text where we expect it: take the longest cell that can be a claim
            # (not the row's tick, confidence or "#" number: a row whose claim cell is empty has no claim)
            words = [c for c in cells if read_mark(c) is None and read_confidence(c) is None and any(ch.isalpha() for ch in c)]
            text = max(words, key=len, default="")
        return text, get.get("verified", ""), get.get("confidence", "")
    mark = conf = ""
    rest = []
    # a confidence is written as a fraction or a percentage ("0.25", "25%"); a whole number ("1", "7") is
    # taken only when no cell is so written: it may be the row's own number in a "#" column
    written = any(read_confidence(c) is not None and len(c) <= 8 and ("." in c or "%" in c) for c in cells)
    for c in cells:
        if not mark and read_mark(c) is not None and len(c) <= 12:
            mark = c
        elif not conf and read_confidence(c) is not None and len(c) <= 8 and (not written or "." in c or "%" in c):
            conf = c
        else:
            rest.append(c)
    return max(rest, key=len, default=""), mark, conf


def _row_numbers(first_cells: list[list[str] | None]) -> bool:
    """Whether the first cells of a table read without a header number its rows: each a bare whole number
    ("3", not "0.3" nor "30%"), one more than the row's above, in every row read from cells, and at least two
    rows (three, unless they start at 0 or 1: "80", "81" may be confidences). Such a cell is the row's
    number, not a confidence of 0.03."""
    if len(first_cells) < 2 or any(not cells or len(cells) < 2 or not re.fullmatch(r"\d{1,4}", cells[0]) for cells in first_cells):
        return False
    values = [int(cells[0]) for cells in first_cells if cells]
    if any(b != a + 1 for a, b in zip(values, values[1:])):
        return False
    return values[0] <= 1 or len(values) >= 3


def parse_claims_table(lines: list[tuple[int, str]], notes: list[str], *, in_section: bool) -> ParsedTable:
    """Rows of the claims table in ``lines`` (line number, text). Outside a claims section a header
    row is required, and the table ends at the first line that is not a row."""
    table = ParsedTable()
    roles: list[str] | None = None
    start = 0
    bare = False  # a Markdown table without outer pipes
    for k, (_, line) in enumerate(lines):
        h = _header(line)
        if not h and (_gfm_header(lines, k) or _named_bare_header(lines, k)):
            h, bare = _header(line, bare=True), True
        if h:
            roles, start = h, k + 1
            break
        bare = False
    unnamed = None
    if roles is None and (unnamed := _unnamed_header(lines, in_section)) is not None:
        k, bare, _ = unnamed  # its columns are recognised by their content; the header is no row
        start = k + 1
    if roles is None and unnamed is None and not in_section:
        notes.append(NO_TABLE)
        return table
    table.columns = roles or []
    flat = roles is not None and _split(lines[start - 1][1], bare) is None  # header flattened to spaces (PDF)
    started = False
    widened: list[int] = []  # rows whose claim text held the column separator
    passed_over: list[tuple[int, str]] = []  # lines after the first row that are no row
    no_claim: list[tuple[int, str]] = []  # rows with a tick or a confidence but an empty claim cell
    head_cells = _split(lines[start - 1][1], bare) if roles and not flat else None
    numbered = next((i for i, c in enumerate(head_cells or []) if c.strip("*_ ").lower() in _NUMBER_HEADS), None)
    own_numbers: list[str] = []  # each row's own number, in a "#" column ("" where none)
    first_cells: list[list[str] | None] = []  # without a header: each row's cells (None: a row not read from cells)
    for lineno, line in lines[start:]:
        if not line.strip():
            continue
        if _MD_SEPARATOR.match(line):
            continue
        if _HEADING_LIKE.match(line) and "\t" not in line:
            break
        cells = _split(line, bare)
        fit = _widened(cells, roles, " " if "\t" in line else " | ") if cells is not None and roles else None
        if cells is not None and len([c for c in cells if c]) >= 1:
            text, mark, conf = _cells_by_role(fit or cells, roles)
        elif (m := _FLAT_ROW.match(line)) and (in_section or flat):
            text, mark, conf = m.group("text"), m.group("mark") or "", m.group("conf")
        elif (m := _BULLET_ROW.match(line)) and in_section:
            text, mark, conf = m.group("text"), "", ""
        elif started and in_section and table.rows and table.rows[-1].line >= lineno - 1 and (flat or not roles):
            prev = table.rows[-1]  # a wrapped continuation of the previous row (PDF layout)
            table.rows[-1] = _row(prev.number, prev.line, f"{prev.text} {line.strip()}", prev.verified_mark, prev.confidence_text)
            continue
        else:
            if started and not in_section:
                break
            if started:
                passed_over.append((lineno, line.strip()))
            continue
        if not text.strip():
            if mark.strip() or conf.strip():  # a tick (or a confidence) on no claim: said, not passed over
                no_claim.append((lineno, "| " + " | ".join(cells) + " |" if cells is not None else line.strip()))
            continue
        started = True
        if len(table.rows) >= MAX_ROWS:
            table.dropped += 1
            table.dropped_ticked += bool(mark) and read_mark(mark) is True
            continue
        table.rows.append(_row(len(table.rows) + 1, lineno, text, mark, conf))
        if numbered is not None:
            own_cells = fit or cells or []
            own_numbers.append(own_cells[numbered] if numbered < len(own_cells) else "")
        elif roles is None:
            first_cells.append([c for c in cells if c] if cells is not None else None)
        if fit is not None:
            widened.append(len(table.rows))
    if roles is None and _row_numbers(first_cells):
        own_numbers = [cells[0] for cells in first_cells if cells]
        for n, cells in enumerate(first_cells):  # the row's number is no confidence: "3" is not 0.03
            row = table.rows[n]
            if cells and row.confidence_text == cells[0]:
                conf = _cells_by_role(cells[1:], None)[2]
                table.rows[n] = row.model_copy(update={"confidence": read_confidence(conf) if conf else None,
                                                       "confidence_text": conf.strip()})
    if own := [(n, o) for n, o in enumerate(own_numbers, 1) if o and o.lstrip("0") != str(n)]:
        for n, o in own:
            table.rows[n - 1] = table.rows[n - 1].model_copy(update={"own_number": o[:12]})
        shown = ", ".join(f"row {n} is its {o[:12]}" for n, o in own[:10]) + (f" and {len(own) - 10} more" if len(own) > 10 else "")
        column = f"own '{head_cells[numbered][:12]}' column" if numbered is not None else "first column"
        notes.append(f"the claims table's {column} numbers its rows otherwise: "
                     f"rows here are counted by position, and {shown}")
    if inside := [(n, t) for n, t in passed_over if table.rows and n < table.rows[-1].line]:
        shown = "; ".join(f'line {n}: "{t[:60].rstrip()}{"…" if len(t) > 60 else ""}"' for n, t in inside[:3])
        more = f" and {len(inside) - 3} more" if len(inside) > 3 else ""
        notes.append(f"claims table: {len(inside)} line(s) between its rows have no cells (no tab or '|', no tick or "
                     f"confidence) and were not audited: {shown}{more}")
    if no_claim:
        shown = "; ".join(f'line {n}: "{t[:60].rstrip()}{"…" if len(t) > 60 else ""}"' for n, t in no_claim[:3])
        more = f" and {len(no_claim) - 3} more" if len(no_claim) > 3 else ""
        one = len(no_claim) == 1
        notes.append(f"claims table: {len(no_claim)} row{'' if one else 's'} with a tick or a confidence but an empty claim "
                     f"cell {'was' if one else 'were'} not audited: {shown}{more}")
    for column, what, odd in (
        ("Verified", "is neither a tick nor a cross: read as unmarked",
         [(r.number, r.verified_mark) for r in table.rows if r.verified_mark and r.verified is None]),
        ("Confidence", "is no number in [0, 1] nor a percentage: read as no confidence",
         [(r.number, r.confidence_text) for r in table.rows if r.confidence_text and r.confidence is None]),
    ):
        if odd:
            rows = ", ".join(str(n) for n, _ in odd[:10]) + (f" and {len(odd) - 10} more" if len(odd) > 10 else "")
            cells = ", ".join(dict.fromkeys(repr(c[:20]) for _, c in odd[:10]))
            notes.append(f"claims table: the {column} cell of row{'s' if len(odd) > 1 else ''} {rows} ({cells}) {what}")
    if widened:
        shown = ", ".join(map(str, widened[:10])) + (f" and {len(widened) - 10} more" if len(widened) > 10 else "")
        notes.append(f"claims table row{'s' if len(widened) > 1 else ''} {shown} had more cells than the header: "
                     "the column separator in the claim text was read as part of the claim")
    if table.dropped:
        notes.append(f"claims table has more than {MAX_ROWS} rows: {table.dropped} were counted but not audited")
    if unnamed is not None:
        named = " | ".join(c[:40] for c in unnamed[2][:8])
        notes.append(f"claims table header ({named}) names no column we know (Claim, Verified, Confidence): "
                     "columns were recognised by their content")
    elif roles is None and table.rows:
        notes.append("claims table has no header row: columns were recognised by their content")
    if roles is not None:
        for role, name in (("verified", "Verified"), ("confidence", "Confidence")):
            if role not in roles:
                notes.append(f"claims table has no {name} column")
    if not table.rows:
        notes.append(EMPTY_SECTION if in_section else EMPTY_TABLE)
    return table

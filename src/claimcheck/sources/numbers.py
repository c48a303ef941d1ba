"""Numbers as a paper writes them: value, written precision, and only the unit the text states.

``extract_numbers("a 5.4 point gain (85.2%)")`` finds ``5.4`` with unit ``points`` and ``85.2%``
with unit ``%``. The written form is kept ("80.0" stays "80.0": one decimal means ±0.05), and a unit
is recorded only when the characters next to the number say it. Nothing here guesses: a number
followed by a suffix we cannot read ("392k", "3rd") is reported as ``kind="suffixed"`` and is not a
reportable value, since turning "392k" into 392 would change its meaning.

Pure: text in, values out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

NumberKind = Literal["plain", "scientific", "suffixed"]

MINUS_SIGNS = "-−–"  # ASCII hyphen-minus, U+2212 minus, U+2013 en dash used as minus

_NUMBER = re.compile(
    r"(?<![\w.^])(?<!\^[+\-−])(?<![A-Za-z][-–])"  # not glued to a word ("F1", "SST-2"), a decimal, "^-5"
    r"(?P<sign>[+\-−–](?=[\d.]))?"
    r"(?P<int>\d{1,3}(?:,\d{3})+(?![\d])|\d+)?"
    r"(?P<frac>\.\d+)?"
    r"(?P<exp>[eE][+\-−]?\d+(?![\w.]))?"
)
_UNIT = re.compile(
    r"(?:\s*(?P<pct>%|\\%)|[\s-]*(?:(?P<pp>pp\b|p\.p\.)|(?P<ppts>percentage[\s-]+points?\b)"
    r"|(?P<points>points?\b|pts?\b\.?)|(?P<percent>percent\b)))",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"[A-Za-z×]")


@dataclass(frozen=True)
class WrittenNumber:
    """One number in a text. ``text`` is the normalised written form a ``ReportedCell`` stores."""

    text: str  # "8.7", "-0.4", "85.2%", "1000" (thousands comma dropped: same precision; digits in ASCII: "８.７" -> "8.7")
    raw: str  # the exact characters read, unit included
    value: float
    decimals: int  # digits after the decimal point as written ("80.0" -> 1)
    unit: str  # "" | "%" | "percent" | "points" | "pp" | "percentage points" — only if written
    kind: NumberKind
    start: int
    end: int

    @property
    def reportable(self) -> bool:
        """Can be stored as a written number (no exponent, no unread suffix)."""
        return self.kind == "plain"

    @property
    def half_unit(self) -> float:
        """Half a unit of the last written digit: "8.7" -> 0.05."""
        return 0.5 * 10.0 ** (-self.decimals)


def _unit_at(text: str, pos: int) -> tuple[str, int]:
    m = _UNIT.match(text, pos)
    if not m:
        return "", pos
    if m.group("pct"):
        return "%", m.end()
    if m.group("pp"):
        return "pp", m.end()
    if m.group("ppts"):
        return "percentage points", m.end()
    if m.group("points"):
        return "points", m.end()
    return "percent", m.end()


def ascii_digits(text: str) -> str:
    """``text`` with each decimal digit of another script (full-width "８", Arabic-Indic "٨") made its
    ASCII digit: the same number, with the same written precision."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def extract_numbers(text: str) -> list[WrittenNumber]:
    """Every number in ``text``, left to right, with its written precision and stated unit."""
    found: list[WrittenNumber] = []
    for m in _NUMBER.finditer(text):
        if not (m.group("int") or m.group("frac")):
            continue
        sign = m.group("sign") or ""
        int_part = (m.group("int") or "0").replace(",", "")
        frac = m.group("frac") or ""
        exp = m.group("exp") or ""
        end = m.end()
        kind: NumberKind = "scientific" if exp else "plain"
        unit, unit_end = ("", end) if exp else _unit_at(text, end)
        if not unit and not exp and end < len(text) and _SUFFIX.match(text, end):
            kind = "suffixed"  # "392k", "3rd", "2x": not a value we can state without guessing
        elif not exp and text.startswith("^", end):
            kind = "scientific"  # "10^-5": a power, not the number 10
        ascii_sign = "-" if sign and sign in MINUS_SIGNS else sign
        body = f"{int_part}{frac}"
        if not (body + exp).isascii():  # "８０.１": \d reads every script's digits; a claim file stores ASCII ones
            body, exp = ascii_digits(body), ascii_digits(exp)
        value = float(f"{'-' if ascii_sign == '-' else ''}{body}{exp.replace('−', '-')}")
        written = f"{ascii_sign}{body}{exp}" + ("%" if unit == "%" else "")
        found.append(
            WrittenNumber(
                text=written,
                raw=text[m.start() : unit_end],
                value=value,
                decimals=len(frac) - 1 if frac else 0,
                unit=unit,
                kind=kind,
                start=m.start(),
                end=unit_end,
            )
        )
    return found


def parse_written_number(text: str) -> WrittenNumber | None:
    """The single number that makes up ``text`` (surrounding spaces allowed), else None."""
    stripped = text.strip()
    nums = extract_numbers(stripped)
    if len(nums) == 1 and nums[0].start == 0 and nums[0].end == len(stripped):
        return nums[0]
    return None


# ------------------------------------------------------------------------------------- table cells
# "EM/F1", "P/R/F1": written without spaces (" / " joins stacked header rows, see tables.assemble_table)
_PAIR_HEADER = re.compile(r"(?<![\w])([A-Za-z][\w.-]*(?:/[A-Za-z][\w.-]*)+)")
_SPREAD_SEPARATORS = {"±", "+/-", "+-", "∓"}


@dataclass(frozen=True)
class CellNumber:
    """One value read from a table cell: ``part`` names a member of a pair ("EM" of "EM/F1")."""

    number: WrittenNumber
    part: str = ""
    spread: str = ""  # "0.3" for "80.1 ± 0.3"


def is_numeric_cell(text: str) -> bool:
    """A cell that states a value ("80.1", "63.3/78.7", "80.1±0.3†"), not a label ("Layer 12")."""
    nums = extract_numbers(text)
    if not nums or not nums[0].reportable:
        return False
    rest = text
    for n in reversed(nums):
        rest = rest[: n.start] + rest[n.end :]
    return len(re.findall(r"[A-Za-z]", rest)) <= 2


def split_cell(text: str, header: str = "") -> list[CellNumber]:
    """The values of a numeric cell: one, a ``/``-separated pair (named by the header), with spreads.

    ``split_cell("63.3/78.7", "XQuAD EM/F1")`` -> EM 63.3, F1 78.7. ``"80.1 ± 0.3"`` -> 80.1 with
    spread 0.3. Numbers after anything else ("79.2 (+0.9)") are asides and not returned.
    """
    if not is_numeric_cell(text):
        return []
    nums = extract_numbers(text)
    main, spreads = [nums[0]], {}
    for prev, cur in zip(nums, nums[1:]):  # value [± spread] [/ value [± spread]] ...
        between = text[prev.end : cur.start].replace("_", "").strip()  # "94.8_{±0.2}": a subscript spread
        if between == "/":
            main.append(cur)
        elif between in _SPREAD_SEPARATORS and prev is main[-1]:
            spreads[len(main) - 1] = cur.text
        else:
            break
    if any(not n.reportable for n in main):
        return []
    parts = [""]
    if len(main) > 1:
        parts = [str(k) for k in range(1, len(main) + 1)]
        for m in _PAIR_HEADER.finditer(header):
            names = [x.strip() for x in m.group(1).split("/")]
            if len(names) == len(main):
                parts = names
                break
    return [CellNumber(n, part, spreads.get(k, "")) for k, (n, part) in enumerate(zip(main, parts))]

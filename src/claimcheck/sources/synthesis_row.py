"""One row of a synthesis report's claims table (``ClaimRow``), and how its cells read.

``read_mark`` reads a Verified cell: a tick or a cross, as a symbol, a word, an emoji shortcode or
dressed in Markdown; ``read_confidence`` a Confidence cell: a number in [0, 1] or a percentage. A row
whose text stops mid-sentence at 100+ characters, or ends with an ellipsis, is marked truncated
(``truncation_of``): the syntheses we audit cut each claim at a fixed width (120 characters in the
seeds). ``synthesis_table`` finds the table and reads its rows.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

TRUNCATION_MIN_CHARS = 100
_SENTENCE_END = tuple('.!?)]"\'”’»;:')
_TICKS = {"✓", "✔", "☑", "✅", "✔️", "🗸", "yes", "y", "true", "verified", "[x]", "supported"}
_CROSSES = {"✗", "✘", "☒", "❌", "❎", "✕", "✖", "×", "no", "n", "false", "unverified", "not verified", "not supported",
            "unsupported", "refuted", "contradicted", "[ ]", "-", "–", "—"}
# GitHub's emoji shortcodes for the marks ("| :white_check_mark: |" renders as ✅)
_SHORTCODES = {":white_check_mark:": "✅", ":heavy_check_mark:": "✔", ":ballot_box_with_check:": "☑", ":x:": "❌",
               ":negative_squared_cross_mark:": "❎", ":heavy_multiplication_x:": "✖"}
_VARIATION_SELECTORS = str.maketrans("", "", "\ufe0e\ufe0f")  # "✔︎" and "✔️" are the one "✔"
_CONF = re.compile(r"^(\d{0,3}(?:\.\d+)?)\s*(%)?$")


class ClaimRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int  # 1-based position in the table
    line: int  # line of the report text
    text: str
    verified: bool | None = None  # None: no Verified column, or a mark we cannot read
    verified_mark: str = ""  # as written
    confidence: float | None = None  # 0..1
    confidence_text: str = ""  # as written
    truncated: bool = False
    truncation: str = ""  # why it counts as truncated
    own_number: str | None = None  # the table's own number for it ("#" column) where that is not ``number``

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict:
        # ``own_number`` only where the table numbers the row otherwise: the JSON of a table numbered by
        # position (or not at all) is what it was before the field was added
        data = handler(self)
        if data.get("own_number") is None:
            data.pop("own_number", None)
        return data

    @property
    def shown(self) -> str:
        """The row as a scorecard names it: its position, and the table's own number where that differs ("4 (its #7)")."""
        return f"{self.number} (its #{self.own_number})" if self.own_number else str(self.number)


def _plain(cell: str) -> str:
    """A cell without the Markdown that dresses it ("**✓**", "`0.27`", "_yes_"), the emoji variation
    selectors and shortcodes (":white_check_mark:"); lower case."""
    c = cell.translate(_VARIATION_SELECTORS).strip()
    if len(c) > 2 and c[0] in "*_`" and c[-1] == c[0]:
        c = c.strip(c[0]).strip()
    return _SHORTCODES.get(c.lower(), c).lower()


def read_mark(cell: str) -> bool | None:
    """True for a tick, False for a cross, None for anything else (or nothing). A mark with its word
    ("✓ Verified", "✗ No") reads as the mark when the two agree."""
    c = _plain(cell)
    if c in _TICKS:
        return True
    if c in _CROSSES:
        return False
    words = c.split()
    if len(words) == 2 and not set(words) & {"-", "–", "—"}:
        marks = {read_mark(w) for w in words}
        if len(marks) == 1 and None not in marks:
            return marks.pop()
    return None


def read_confidence(cell: str) -> float | None:
    c = _plain(cell)
    if re.fullmatch(r"\d?,\d+\s*%?|\d{1,3},\d\s*%", c):  # a decimal comma: "0,27", "27,5 %"
        c = c.replace(",", ".")
    m = _CONF.match(c)
    if not m or not m.group(1) or m.group(1) == ".":
        return None
    value = float(m.group(1))
    if m.group(2) or 1.0 < value <= 100.0:
        value /= 100.0
    return value if 0.0 <= value <= 1.0 else None


def truncation_of(text: str) -> str:
    """Why a claim text looks cut off ("" when it does not)."""
    t = text.rstrip()
    if t.endswith(("…", "...")):
        return "ends with an ellipsis"
    if len(t) >= TRUNCATION_MIN_CHARS and not t.endswith(_SENTENCE_END):
        return f"stops mid-sentence at {len(t)} characters"
    return ""

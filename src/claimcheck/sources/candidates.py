"""Candidate claims: sentences that state a number together with a comparison or a gain.

"MNLI improves XNLI by 0.9 points", "a 5.4 point improvement over XLM-R Large", "outperforms the
baseline by 2.3" are candidates; "we train for 3 epochs" and "(Conneau et al., 2020)" are not. A
sentence qualifies when it has a comparison/gain cue and at least one score-like number: one with
decimals, a written unit (points, %, pp), or a value that also appears in a table. Each candidate
keeps its section and the table cells it seems to refer to (same written value, or row and column
headers both named in the sentence) so a person can confirm or delete it quickly.

Pure: sections and tables in, candidates out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimcheck.sources.numbers import WrittenNumber, extract_numbers

if TYPE_CHECKING:
    from claimcheck.sources.tables import Table

MAX_CELLS = 10  # cells listed per candidate: enough to point at the right row, few enough to read


@dataclass(frozen=True)
class Section:
    title: str  # "3.1 Results on development sets" ("Abstract", "Front matter")
    text: str  # plain text; paragraphs separated by blank lines


@dataclass(frozen=True)
class Candidate:
    sentence: str
    section: str
    numbers: tuple[WrittenNumber, ...]  # stated values, in order (references and years left out)
    cues: tuple[str, ...]  # the comparison words found ("improves", "outperforms", ...)
    cells: tuple[str, ...] = ()  # locators of table cells it seems to refer to
    tables: tuple[str, ...] = ()  # table names it mentions or points into


_ABBREVIATIONS = re.compile(
    r"\b(e\.g|i\.e|et al|vs|Fig|Figs|Tab|Sec|Secs|Eq|Eqs|cf|approx|resp|No|Nos|Dr|Prof|Inc|Ltd|etc|viz|al)\.",
)
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_CUE = re.compile(
    r"\b(improv\w*|gain\w*|outperform\w*|underperform\w*|boost\w*|increas\w*|decreas\w*|drop\w*|reduc\w*|exceed\w*"
    r"|ris(?:e|es|ing)|rose|climb\w*|jump\w*|grow\w*|fell|lag\w*|trail\w*"
    r"|surpass\w*|beat\w*|better|worse|higher|lower|degrad\w*|hurt\w*|advantage\w*|margin\w*|"
    r"differen\w*|benefit\w*|lead\w* to|declin\w*|deteriorat\w*|fall\w*|falls|rais\w*|lift\w*|"
    r"state[- ]of[- ]the[- ]art|best|worst|largest|smallest|over|above|below|ahead|behind|compared|"
    r"(?:go|goes|went|gone|going)\s+(?:up|down)|los(?:e|es|t|ing)|less|more\s+accurate)\b",
    re.IGNORECASE,
)
_REFERENCE_WORDS = re.compile(
    r"(Tables?|Tab\.|Figures?|Fig\.|Sections?|Sec\.|§|Appendix|Appendices|Eq\.|Equations?|Lines?|"
    r"Algorithm|Chapter|Step|Footnote|Rows?|Columns?|Version|v)\s*(?:\d+[a-z]?\s*(?:,|and|–|-)\s*)*$",
)
_TABLE_MENTION = re.compile(r"\bTables?\s+(\d+)((?:\s*(?:,|and|–|-)\s*\d+)*)")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+-]*[A-Za-z0-9+]|[A-Za-z]{2,}")
_STOP = {"the", "and", "for", "with", "from", "over", "our", "its", "all", "avg", "average", "set", "dev",
         "test", "row", "column", "model", "task", "tasks", "results", "score", "table"}


def split_sentences(text: str) -> list[str]:
    """Sentences of each paragraph; abbreviations such as "e.g." and "et al." do not end one."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), paragraph.strip())
        out += [s.replace("\u2024", ".").strip() for s in _SPLIT.split(protected) if s.strip()]
    return out


def stated_numbers(sentence: str) -> list[WrittenNumber]:
    """Numbers a sentence states as values: not "Table 2", not "Section 3", not a year, not a citation."""
    kept = []
    for n in extract_numbers(sentence):
        before = sentence[max(0, n.start - 40) : n.start]
        if _REFERENCE_WORDS.search(before):
            continue
        if n.decimals == 0 and not n.unit and 1900 <= abs(n.value) <= 2099:
            continue  # a year: "(Phang et al., 2020)", "as of June 2020"
        if n.kind != "plain":
            continue
        kept.append(n)
    return kept


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}


def _table_mentions(sentence: str, tables: list[Table]) -> list[str]:
    numbers: list[str] = []
    for m in _TABLE_MENTION.finditer(sentence):
        numbers += [m.group(1)] + re.findall(r"\d+", m.group(2))
    return [t.name for t in tables if t.number and t.number in numbers]


def _cells_for(sentence: str, numbers: list[WrittenNumber], tables: list[Table]) -> list[str]:
    written = {n.text.rstrip("%") for n in numbers if n.decimals > 0 or abs(n.value) >= 10}
    words = _tokens(sentence)
    by_value, by_header = [], []
    for table in tables:
        for v in table.values:
            if v.number.text.rstrip("%") in written:
                by_value.append(table.locator(v))
            elif _tokens(v.row) & words and _tokens(v.column_label) & words:
                by_header.append(table.locator(v))
    return list(dict.fromkeys(by_value + by_header))[:MAX_CELLS]


def find_candidates(sections: list[Section], tables: list[Table] = ()) -> list[Candidate]:
    """Candidate claims, in document order, with the cells they seem to refer to."""
    tables = list(tables)
    cell_values = {v.number.text.rstrip("%") for t in tables for v in t.values}
    found = []
    for section in sections:
        for sentence in split_sentences(section.text):
            cues = [m.group(0).lower() for m in _CUE.finditer(sentence)]
            if not cues:
                continue
            numbers = stated_numbers(sentence)
            score_like = [
                n for n in numbers if n.decimals > 0 or n.unit or n.text.rstrip("%") in cell_values
            ]
            if not score_like:
                continue
            cells = _cells_for(sentence, numbers, tables)
            mentioned = _table_mentions(sentence, tables)
            pointed = [c.split(", row ")[0] for c in cells]
            found.append(Candidate(
                sentence=sentence,
                section=section.title,
                numbers=tuple(numbers),
                cues=tuple(dict.fromkeys(cues)),
                cells=tuple(cells),
                tables=tuple(dict.fromkeys(mentioned + pointed)),
            ))
    return found

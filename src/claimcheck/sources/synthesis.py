"""Reading machine-written literature syntheses ("Assignee Research" reports and the like) (pure).

A synthesis states a title, a date, the paper it examines, a research question, how many papers it
retrieved, how many claims it extracted and "verified", a quality score, a table of claims (text, a
tick, a confidence) and a reference list. ``parse_synthesis`` turns such text (plain or Markdown)
into a ``SynthesisReport``; ``synthesis_file.load_synthesis`` reads a file (text, Markdown or PDF)
first, within its own caps on bytes and pages.

Bounded work: each line is parsed up to ``MAX_LINE_CHARS`` characters, at most ``MAX_ROWS`` claim
rows and ``MAX_REFERENCES`` references are kept; whatever a cap leaves out is said in ``notes``.
Parsing never raises on odd text: what it cannot find it leaves empty and notes.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claimcheck.sources.synthesis_row import ClaimRow
from claimcheck.sources.synthesis_table import parse_claims_table

MAX_LINE_CHARS = 20_000
MAX_REFERENCES = 2_000

__all__ = ["ClaimRow", "Reference", "SynthesisReport", "parse_synthesis", "report_parts"]


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int
    text: str  # the reference line as written (bullets and angle brackets removed)
    url: str | None = None
    arxiv_id: str | None = None  # "2005.13013" (no version)
    arxiv_version: str | None = None  # "v2", when the citation pins one


class SynthesisReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str  # file path or a name given by the caller
    format: Literal["text", "markdown", "pdf"]
    title: str = ""
    date: str = ""
    examined_paper: str = ""  # the title after "This paper examines:"
    research_question: str = ""
    papers_retrieved: int | None = None
    papers_retrieved_mentions: list[int] = Field(default_factory=list)  # every count the text states
    claims_extracted: int | None = None
    claims_verified: int | None = None
    quality_score: float | None = None
    quality_scale: float | None = None  # the "/10" of "9.2/10"
    columns: list[str] = Field(default_factory=list)  # claims-table columns in order: claim|verified|confidence|other
    rows: list[ClaimRow] = Field(default_factory=list)
    rows_dropped: int = 0  # rows beyond MAX_ROWS: counted, not kept
    rows_dropped_ticked: int = 0  # of those, the rows with a tick: counted, not kept
    references: list[Reference] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # what the parser could not find, capped or repaired


def report_parts(report: SynthesisReport) -> list[str]:
    """The parts of a synthesis report that ``report`` shows: a claims table (a row read, a table
    header, or a section whose heading names claims), a header field (the examined paper, the research
    question, a stated count of papers retrieved, claims extracted or verified, a quality score), a
    References section (or Bibliography, Sources). A title, a date or another heading ("Introduction",
    "Summary") is no such part: a README or a changelog has them too. Empty: the text shows none of
    them (``audit DIR`` passes such a file over)."""
    parts = []
    if report.rows or report.columns or any("claim" in s for s in report.sections):
        parts.append("claims table")
    fields = (report.examined_paper, report.research_question, report.papers_retrieved, report.claims_extracted,
              report.claims_verified, report.quality_score)
    if any(f not in ("", None) for f in fields) or "research question" in report.sections:
        parts.append("header field")
    if report.references or any(s in ("references", "bibliography", "sources") for s in report.sections):
        parts.append("references")
    return parts


# ---------------------------------------------------------------------------------------------- text

_SECTION_WORDS = (
    "abstract|introduction|background|methodology|methods?|results|findings|limitations|discussion|"
    "conclusions?|summary|extracted claims|claims|claims table|key claims|references|bibliography|sources|"
    "research question"
)
_HEADING = re.compile(rf"^\s*(?:#+\s*)?(?:\*\*)?(?:\d+(?:\.\d+)*\.?\s+)?({_SECTION_WORDS})(?:\*\*)?\s*:?\s*$", re.I)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:{_MONTHS})\s+\d{{1,2}},\s*\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b", re.I)
# a label's end: its colon, with the Markdown emphasis around it ("**This paper examines:** X",
# "*Research question*: Q", "__Research question__: Q")
_LABEL_END = r"[*_]{0,2}\s*:[*_]{0,2}\s*"
_EXAMINES = re.compile(rf"this (?:paper|report|synthesis) examines{_LABEL_END}([^\n]*?)\s*(?=[*_]{{0,2}}research questions?{_LABEL_END}|$)",
                       re.I | re.M)
_QUESTION = re.compile(rf"research questions?{_LABEL_END}([^\n]+)", re.I)
_RETRIEVED = re.compile(
    r"(\d[\d,]*)\s+(?:papers|sources|documents|articles)\s+(?:were\s+)?retrieved|"
    r"yielded\s+(\d[\d,]*)\s+(?:papers|sources|documents|articles)|"
    r"retrieved\s+(\d[\d,]*)\s+(?:papers|sources|documents|articles)|"
    r"\b(?:papers|sources|documents|articles)\s+retrieved\s*:\s*(\d[\d,]*)(?![\w.,]\d)",  # "Papers retrieved: 12"
    re.I,
)
_EXTRACTED = re.compile(r"(?<![\w.,])(\d[\d,]*)\s+claims?\s+(?:were\s+)?extracted|"
                        r"\bclaims\s+extracted\s*:\s*(\d[\d,]*)(?![\w.,]\d)", re.I)
# a whole number ("…of 5.4 verified" in a flattened row is not "4 verified")
_VERIFIED = re.compile(r"(?<![\w.,])(\d[\d,]*)\s+(?:claims?\s+)?(?:were\s+)?(?:independently\s+)?verified|"
                       r"(?:^|[\s;,(])(?<!not )(?:claims\s+)?verified(?:\s+claims)?\s*:\s*(\d[\d,]*)(?![\w.,]\d)", re.I | re.M)
# Markdown emphasis, which the counts are read without: "**12** papers", "**Claims extracted:** 9"
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
_QUALITY = re.compile(r"quality(?:\s+review)?\s+score(?:\s+of)?\s*:?\s*(\d{1,3}(?:\.\d+)?)(?:\s*/\s*(\d{1,3}(?:\.\d+)?))?", re.I)
_URL = re.compile(r"https?://[^\s<>()\[\]\"']+", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/((?:\d{4}\.\d{4,5})|(?:[a-z][a-z.-]*/\d{7}))(v\d+)?", re.I)
_ARXIV_TEXT = re.compile(r"\barxiv\s*:\s*((?:\d{4}\.\d{4,5})|(?:[a-z][a-z.-]*/\d{7}))(v\d+)?", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\[\d+\]|\d+[.)])\s*")


def _int(text: str) -> int | None:
    try:
        return int(text.replace(",", ""))
    except ValueError:
        return None


def _clean_line(line: str) -> str:
    line = line.replace("\ufeff", "").replace("\u00a0", " ").rstrip("\r")
    return line[:MAX_LINE_CHARS]


def _heading(line: str) -> str | None:
    """The section name of a heading line ("## 5 Extracted Claims" -> "extracted claims"), else None."""
    if len(line) > 80 or "\t" in line or "|" in line:
        return None
    m = _HEADING.match(line)
    return m.group(1).lower() if m else None


def _strip_md(text: str) -> str:
    return text.strip().lstrip("#").strip().strip("*_").strip()


_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]\s|\[\d+\]|\d{1,3}[.)]\s)")
# a line that starts a header field starts a paragraph: PDF text has no blank line before it
_FIELD_START = re.compile(r"^\s*[*_]{0,2}(?:this (?:paper|report|synthesis) examines|research questions?)[*_]{0,2}\s*:", re.I)
_QUESTION_END = re.compile(r"\?(?=[\s.*_]|$)")
_SENTENCE_END = re.compile(r"[.!](?=[\s*_]+[A-Z\d])")  # a statement's end, before the next sentence


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(index of the first line, text on one line) of each prose paragraph: the lines between blank
    lines, headings, table rows, list items and header fields, so a hard-wrapped "This paper
    examines: ..." reads as one line. A break after a word's hyphen ("Zero-" / "Shot") is joined
    without a space."""
    out: list[tuple[int, str]] = []
    start, text = -1, ""
    for i, line in enumerate(lines):
        cur = line.strip()
        breaks = not cur or bool(_heading(line)) or "\t" in line or cur.startswith("|")
        if breaks or _LIST_ITEM.match(line) or _FIELD_START.match(line):  # these open a paragraph of their own
            if text:
                out.append((start, text))
            start, text = (-1, "") if breaks else (i, cur)
        elif not text:
            start, text = i, cur
        elif len(text) < MAX_LINE_CHARS:
            glue = "" if len(text) > 1 and text[-1] == "-" and text[-2].isalpha() and cur[:1].isalpha() else " "
            text = (text + glue + cur)[:MAX_LINE_CHARS]
    if text:
        out.append((start, text))
    return out


def _reference_entries(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(line, text) of each reference. In a list ("- ...", "1. ...", "[1] ..."), a line without a
    marker that goes on from the item above it (indented, or with no blank line between: a wrapped
    reference, in Markdown or PDF text) is part of that item, not a reference of its own."""
    listed = any(_BULLET.match(raw) and raw.strip() for _, raw in lines)
    entries: list[tuple[int, str]] = []
    after_blank = True
    for lineno, raw in lines:
        if not raw.strip():
            after_blank = True
            continue
        if listed and entries and not _BULLET.match(raw) and (not after_blank or raw[:1].isspace()):
            first, text = entries[-1]
            if len(text) < MAX_LINE_CHARS:
                entries[-1] = (first, f"{text} {raw.strip()}"[:MAX_LINE_CHARS])
        else:
            entries.append((lineno, raw))
        after_blank = False
    return entries


def _parse_references(lines: list[tuple[int, str]], notes: list[str]) -> list[Reference]:
    refs: list[Reference] = []
    for lineno, raw in _reference_entries(lines):
        text = _BULLET.sub("", raw).strip()
        if not text:
            continue
        if len(refs) >= MAX_REFERENCES:
            notes.append(f"more than {MAX_REFERENCES} references: the rest were not read")
            break
        url_m = _URL.search(text)
        url = url_m.group(0).rstrip(".,;>") if url_m else None
        arx = _ARXIV_URL.search(text) or _ARXIV_TEXT.search(text)
        shown = text.replace("<", "").replace(">", "") if url and text.strip("<>") == url else text
        refs.append(
            Reference(
                line=lineno,
                text=shown,
                url=url,
                arxiv_id=arx.group(1) if arx else None,
                arxiv_version=arx.group(2) if arx and arx.group(2) else None,
            )
        )
    return refs


def parse_synthesis(text: str, *, label: str = "<text>", fmt: str | None = None, notes: list[str] | None = None) -> SynthesisReport:
    """Parse a synthesis report's text. Pure; never raises on odd text (missing parts are noted)."""
    notes = list(notes or [])
    raw_lines = text.split("\n")
    if any(len(l) > MAX_LINE_CHARS for l in raw_lines):
        notes.append(f"lines longer than {MAX_LINE_CHARS} characters were cut for parsing")
    lines = [_clean_line(l) for l in raw_lines]
    if fmt is None:
        markdown = any(l.startswith("#") or l.lstrip().startswith("|") for l in lines[:2000])
        fmt = "markdown" if markdown else "text"

    # Sections: heading name -> (line index of heading, body lines).
    sections: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        name = _heading(line)
        if name:
            sections.append((name, i))

    def body(pred) -> list[tuple[int, str]]:
        for k, (name, start) in enumerate(sections):
            if pred(name):
                end = sections[k + 1][1] if k + 1 < len(sections) else len(lines)
                return [(j + 1, lines[j]) for j in range(start + 1, end)]
        return []

    paragraphs = _paragraphs(lines)
    nonempty = [(i, l) for i, l in enumerate(lines) if l.strip()]
    title = ""
    for i, l in nonempty[:5]:
        if not _heading(l) and not _DATE.fullmatch(l.strip()):
            # a plain-text title may be wrapped; a Markdown heading is one line, and PDF text has no blank
            # line to end a paragraph (the title would run into the byline)
            if fmt != "pdf" and not l.lstrip().startswith("#"):
                l = next((p for j, p in paragraphs if j == i), l)
            title = _strip_md(l)[:500]
            break
    date = ""
    for _, l in nonempty[:20]:
        m = _DATE.search(l)
        if m:
            date = m.group(0)
            break

    # Header fields are read per paragraph, so a hard-wrapped one (Markdown, PDF text) is read whole.
    prose_paragraphs = "\n".join(p for _, p in paragraphs)
    m = _EXAMINES.search(prose_paragraphs)
    examined = m.group(1).strip().strip("*_").strip().rstrip(".").strip() if m else ""
    question = ""
    m = _QUESTION.search(prose_paragraphs)
    if m:
        question = m.group(1).strip()
    else:
        q_body = [p for _, p in _paragraphs([l for _, l in body(lambda n: n == "research question")])]
        question = _BULLET.sub("", q_body[0]).strip() if q_body else ""  # "- What ...?" under its heading
    question = question.strip("*_").strip()  # "**Research question:** Q" leaves no emphasis mark behind
    # the question runs on through the question sentences that follow it ("Does it help? How does it
    # compare ...?") and ends at the last of them: a sentence that ends otherwise is no question ("We
    # also looked at model scale. What is left open?" ends before "We")
    if ends := [m.end() for m in _QUESTION_END.finditer(question)]:
        end = ends[0]
        for nxt in ends[1:]:
            if _SENTENCE_END.search(question[end:nxt]):
                break
            end = nxt
        question = question[:end]
    question = re.sub(r"\?\s*\.$", "?", question).strip()[:2000]

    # Claims table: the section named like "claims", else the whole text (a header row is required then).
    claim_body = body(lambda n: "claim" in n)
    table = parse_claims_table(claim_body if claim_body else [(j + 1, l) for j, l in enumerate(lines)], notes, in_section=bool(claim_body))

    # The stated counts are read from the prose only: a row's cells ("…of 5.4<TAB>verified") are no count.
    row_lines = {r.line for r in table.rows}
    prose = "\n".join(l for j, l in enumerate(lines) if j + 1 not in row_lines)
    prose = _EMPHASIS.sub("", prose) if "*" in prose or "_" in prose else prose  # "**12** papers", "**Papers retrieved:** 12"
    retrieved = [n for m in _RETRIEVED.finditer(prose) for g in m.groups() if g and (n := _int(g)) is not None]
    extracted = [n for m in _EXTRACTED.finditer(prose) for g in m.groups() if g and (n := _int(g)) is not None]
    verified = [n for m in _VERIFIED.finditer(prose) for g in m.groups() if g and (n := _int(g)) is not None]
    qm = _QUALITY.search(prose)
    quality = float(qm.group(1)) if qm else None
    scale = float(qm.group(2)) if qm and qm.group(2) else None

    ref_lines = body(lambda n: n in ("references", "bibliography", "sources"))
    if not ref_lines and not any(n in ("references", "bibliography", "sources") for n, _ in sections):
        notes.append("no References section found")
    references = _parse_references(ref_lines, notes)

    for what, value in (("title", title), ("examined paper", examined), ("research question", question)):
        if not value:
            notes.append(f"no {what} found")
    if not retrieved:
        notes.append("no count of papers retrieved found")
    if quality is None:
        notes.append("no quality score found")

    return SynthesisReport(
        label=label,
        format=fmt if fmt in ("text", "markdown", "pdf") else "text",
        title=title,
        date=date,
        examined_paper=examined[:500],
        research_question=question,
        papers_retrieved=retrieved[-1] if retrieved else None,
        papers_retrieved_mentions=retrieved[:20],
        claims_extracted=extracted[-1] if extracted else None,
        claims_verified=verified[-1] if verified else None,
        quality_score=quality,
        quality_scale=scale,
        columns=table.columns,
        rows=table.rows,
        rows_dropped=table.dropped,
        rows_dropped_ticked=table.dropped_ticked,
        references=references,
        sections=[n for n, _ in sections][:200],
        notes=notes,
    )

"""The Markdown report: coverage per tier, the rule table, a verdict table, and one evidence section
per claim (cells with locators, runs, the arithmetic), with superseded and attributed claims marked
and every replication below full fidelity labelled ("proxy" / "reduced") wherever it appears.

Text from claim files is escaped: Markdown punctuation (and ``<``, which could open a tag) is backslashed,
text that starts a line opens no heading, list or code block, a heading keeps a ``#`` its text ends with
(``md_heading``), ``|`` cannot break a table (and stays bare in a code span outside one), and code
spans/fences grow past any backticks in the text. Control characters (from a ``--title``, a results
path) are shown as escapes (``visible``: ``\\x1b``), as on the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from claimcheck.reports.labels import (
    FIDELITY_NOTES,
    MEANINGS,
    attributed_note,
    claim_anchors,
    claim_marks,
    claim_spans,
    coverage_counts_text,
    coverage_reasons_text,
    fidelity_mark,
    is_superseded,
    located_note,
    ordered_tiers,
    replication_label,
    rule_text,
    span_text,
    superseded_note,
)
from claimcheck.reports.visible_page import visible_page
from claimcheck.verifier.verdict import ClaimVerdict, TierResult, VerificationReport, ViewResult

_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# "<" could open an HTML tag, "~" strike text through on GitHub ("~2 points ... ~3"); a backslash keeps them literal
_SPECIAL = re.compile(r"([\\`*_\[\]|<~])")
# what opens a block when it starts a line, as md_text's text may (``> {statement}``, a summary, a list item): a
# blockquote, a heading, a list item or a thematic break ("- x", "---"), an ordered list item ("1. x", "2020) x")
_BLOCK_START = re.compile(r"[>#]|[-+](?=[ \t]|-)|\d{1,9}(?=[.)](?:[ \t]|$))")
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def one_line(text: str) -> str:
    """``text``'s lines joined by a space, as ``" ".join(text.splitlines())``, but broken at ``\\n``
    and ``\\r`` only: the other characters ``splitlines`` breaks at (U+2028, U+2029, ``\\x0b``,
    ``\\x85`` ...) are left for ``visible`` to show as escapes, as the terminal and HTML show them."""
    if "\n" not in text and "\r" not in text:
        return text
    lines = _LINE_BREAK.split(text)
    if not lines[-1]:  # a final line break ends the last line, as for splitlines
        lines.pop()
    return " ".join(lines)


# md_text and md_code are pure and see the same strings again and again (a report escapes ~1,500
# cells, runs and names, most of them repeats): cached, they cost ~4 ms less per report.
@lru_cache(maxsize=4096)
def md_text(text: str) -> str:
    """Escape free text for Markdown prose or a table cell (one line, which may start a line: a
    leading ``>``, ``#``, list marker or indentation is made literal too)."""
    text = _ENTITY.sub("&amp;", text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = one_line(text).lstrip(" \t")  # indented four spaces, a line starts a code block
    start = _BLOCK_START.match(text)
    if start is None:
        return text
    at = start.end() if text[0].isdigit() else 0  # "2020. The": "2020\. The"
    return text[:at] + "\\" + text[at:]


# a heading's closing sequence: a run of "#" after a space or tab, at the end (spaces may follow)
_CLOSING = re.compile(r"(?<=[ \t])#+[ \t]*$")


def md_heading(text: str) -> str:
    """``md_text`` for the text of an ATX heading (``## {text}``): a run of ``#`` at its end, after a
    space, would be read as the heading's closing sequence and dropped ("Audit #" would read "Audit"),
    so its first ``#`` is backslashed."""
    text = md_text(text)
    closing = _CLOSING.search(text)
    return text if closing is None else text[: closing.start()] + "\\" + text[closing.start() :]


@lru_cache(maxsize=4096)
def md_code(text: str, cell: bool = True) -> str:
    """An inline code span that survives backticks in ``text``. In a table cell (``cell``) each ``|``
    is written ``\\|``, or it would split the row even inside the span; anywhere else a code span shows
    a backslash as it is, so ``cell=False`` keeps the pipe bare."""
    text = one_line(text)
    if cell:
        text = text.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code_list(items: Sequence[str]) -> str:
    """``", ".join(md_code(x, cell=False) for x in items)``, the run ids and reported values of a claim.

    Why: a report names ~1,100 run ids, each a call of ``md_code`` (~5,000 instructions the first
    time: its regular expression, the cache's key), about 5.6 M instructions of ``verify all``. When no
    item holds a backtick or a line break and none is blank, each item's span is the item between
    single backticks, which one join writes; any other list is left to ``md_code``."""
    joined = "".join(items)
    if "`" in joined or "\n" in joined or "\r" in joined or not all(map(str.strip, items)):
        return ", ".join(md_code(x, cell=False) for x in items)
    return "`" + "`, `".join(items) + "`" if items else ""


def md_block(lines: Sequence[str]) -> list[str]:
    """A fenced ``text`` block longer than any backtick run inside it."""
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *lines, fence]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def render_markdown(report: VerificationReport, title: str = "claimcheck verification report") -> str:
    """The whole report as GitHub-flavoured Markdown (pure: the same report gives the same text)."""
    anchors = claim_anchors(cv.claim_id for cv in report.claims)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.overall_counts.items()))
    out = [f"# {md_heading(title)}", "", f"{len(report.claims)} claims. Overall: {counts or 'none'}."]
    if report.results_sources:
        out += ["", "Runs from: " + "; ".join(md_text(s) for s in report.results_sources) + "."]
    out += ["", *_coverage(report), "", *_verdict_table(report, anchors), "", *_rules(report)]
    out += ["", "## Evidence"]
    for cv in report.claims:
        out += ["", *_claim(cv, anchors, report.rules)]
    # control characters as escapes, as on the terminal (``visible``, with a cheaper check for a text with none)
    return visible_page("\n".join(out).rstrip("\n") + "\n")


def _coverage(report: VerificationReport) -> list[str]:
    rows = []
    for tier in ordered_tiers(report):
        cov = report.coverage[tier]
        rows.append([tier, str(cov.checked), str(cov.total), md_text(coverage_counts_text(cov.counts)),
                     md_text(coverage_reasons_text(cov.reasons))])
    out = ["## Coverage", "", "How many claims each tier could check, and why it could not check the others.", ""]
    out += _table(["tier", "checked", "of", "verdicts", "not checked: why"], rows)
    below = [cv for cv in report.claims if fidelity_mark(cv.replication)]
    if below:
        listed = ", ".join(f"{md_text(cv.claim_id)} ({fidelity_mark(cv.replication)})" for cv in below)
        out += ["", f"Replications below full fidelity ({len(below)}): {listed}. "
                "A proxy (substituted model or data) can at most support or contradict a direction; "
                "only a full-fidelity replication can reproduce a magnitude."]
    out += ["", "Verdict meanings:", ""]
    out += [f"- `{v}`: {m}" for v, m in MEANINGS.items()]
    return out


def _verdict_table(report: VerificationReport, anchors: dict[str, str]) -> list[str]:
    rows = []
    for cv in report.claims:
        a = anchors[cv.claim_id]
        claim = f"[{md_text(cv.claim_id)}](#{a})"
        marks = claim_marks(cv)
        if marks:
            claim += " - " + "; ".join(md_text(m) for m in marks)
        rows.append([
            claim,
            cv.kind,
            md_text(", ".join(cv.reported)) or "-",
            f"[{cv.source.verdict}](#{a}-source)",
            f"[{replication_label(cv.replication)}](#{a}-replication)",
            md_text(cv.replication.fidelity or "-"),
            f"[**{cv.overall.value}**](#{a}) {cv.overall_rule}",
        ])
    header = ["claim", "kind", "reported", "source", "replication", "fidelity", "overall"]
    return ["## Verdicts", "", *_table(header, rows)]


def _rules(report: VerificationReport) -> list[str]:
    out = ["## Rules for the overall verdict", "", "The first matching row decides.", ""]
    return out + _table(["rule", "condition -> overall"], ([rid, md_text(text)] for rid, text in report.rules))


def _claim(cv: ClaimVerdict, anchors: dict[str, str], rules) -> list[str]:
    a = anchors[cv.claim_id]
    out = [f'<a id="{a}"></a>', "", f"### {md_heading(cv.claim_id)}", "", f"> {md_text(cv.statement)}", ""]
    out.append(f"- Kind: {cv.kind}; paper {md_text(cv.paper_id)} {md_text(cv.version)} "
               f"(pinned {md_text(cv.pinned_version)}); location: {md_text(cv.location)}")
    if cv.reported:
        out.append("- Reported: " + md_code_list(cv.reported))
    if is_superseded(cv):
        note = md_text(superseded_note(cv))
        if cv.superseded_by in anchors:
            note += f" ([see {md_text(cv.superseded_by)}](#{anchors[cv.superseded_by]}))"
        out.append(f"- **Superseded**: {note}")
    if cv.attributed_to:
        out.append(f"- **Attributed**: {md_text(attributed_note(cv))}")
    if not cv.located:
        out.append(f"- **Not located**: {md_text(located_note(cv))}")
    elif cv.location_note:
        out.append(f"- Location note: {md_text(cv.location_note)}")
    out.append(f"- **Overall: {cv.overall.value}** (rule {cv.overall_rule}: "
               f"{md_text(rule_text(rules, cv.overall_rule))})")
    out += ["", f'<a id="{a}-source"></a>', "", f"#### Source tier: {cv.source.verdict}", ""]
    out += _tier_body(cv.source)
    for view in cv.source.views:
        out += ["", *_view(view)]
    rep = cv.replication
    out += ["", f'<a id="{a}-replication"></a>', "", f"#### Replication tier: {replication_label(rep)}", ""]
    out += _tier_body(rep)
    facts = []
    if rep.fidelity:
        note = FIDELITY_NOTES.get(rep.fidelity, rep.fidelity)
        facts.append(f"- Fidelity: **{md_text(note)}**" if fidelity_mark(rep) else f"- Fidelity: {md_text(note)}")
    if rep.seeds or rep.seeds_needed:
        needed = f" (about {rep.seeds_needed} would decide)" if rep.seeds_needed else ""
        facts.append(f"- Seeds: {rep.seeds}{needed}")
    if rep.runs:
        facts.append("- Runs: " + md_code_list(rep.runs))
    if rep.failed_runs:
        facts.append("- Failed runs (not evidence either way): " + md_code_list(rep.failed_runs))
    if rep.deviations:
        facts.append("- Deviations from the paper:")
        facts += [f"  - {md_text(d)}" for d in rep.deviations]
    if facts:
        out += ["", *facts]
    spans = claim_spans(cv)
    if spans:
        out += ["", "#### Intervals", ""]
        out += _table(["role", "interval", "label"], ([s.role, span_text(s), md_text(s.label)] for s in spans))
    return out


def _tier_body(tier: TierResult) -> list[str]:
    out = [md_text(tier.summary)] if tier.summary else []
    if tier.lines:
        out += ["", *md_block(tier.lines)] if out else md_block(tier.lines)
    return out or ["(no details)"]


def _view(view: ViewResult) -> list[str]:
    out = [f"View **{md_text(view.label)}**: {view.verdict.value}"]
    if view.lines:
        out += ["", *md_block(view.lines)]
    if view.cells:
        header = ["system", "task", "language", "metric", "split", "value", "origin", "reliability"]
        rows = ([md_text(v) or "-" for v in (c.system, c.task, c.language, c.metric, c.split, c.value, c.origin,
                                              c.reliability)] for c in view.cells)
        out += ["", *_table(header, rows)]
    if view.missing:
        out += ["", f"Missing cells ({len(view.missing)}):", ""]
        out += [f"- {md_code(m, cell=False)}" for m in view.missing]
    return out

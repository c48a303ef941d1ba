"""Terminal rendering with rich: the verdict table, the coverage panel, and one claim's evidence.

Every piece of text from claim files goes into ``rich.text.Text`` objects, never into markup
strings, so a statement containing ``[bold]`` prints as written; and each is shown by ``visible``
(``_text``), so a control character or bidi mark from a claim or result file (a run id, a deviation,
a statement with an RLM) is printed as its escape (``\\x1b``, ``\\u200f``), as the Markdown and HTML
reports show it, and cannot recolour, hide or reorder what is printed around it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from claimcheck.reports.cell_table import CellTable, Column
from claimcheck.reports.labels import (
    FIDELITY_NOTES,
    attributed_note,
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
    tone_of,
)
from claimcheck.verifier.verdict import OVERALL_RULES, ClaimVerdict, TierResult, VerificationReport
from claimcheck.visible import visible

STYLES = {"good": "green", "bad": "bold red", "warn": "yellow", "fail": "magenta", "none": "dim"}


def _text(text: str, style: str = "") -> Text:
    """``text`` (which may come from a file) as rich text, each control character as its escape."""
    return Text(visible(text), style=style)


def _verdict(text: str, verdict: str) -> Text:
    return _text(text, STYLES[tone_of(verdict)])


def render_terminal(report: VerificationReport) -> RenderableType:
    """The verdict table (one row per claim), a coverage panel and a one-line legend."""
    return Group(VerdictTable(report), render_coverage(report), render_legend())


class VerdictTable:
    """The verdict table; below ``WIDE`` columns, kind/reported/fidelity fold into the other cells
    so the verdict columns are never squeezed out of a narrow terminal, and below ``NARROW`` the two
    tier verdicts share one column (source above replication), so that a claim id stays whole and
    can be copied into ``claimcheck show``."""

    WIDE = 130  # columns; at 120 the full layout would leave the claim id ~20 characters
    NARROW = 96  # below this, four verdict columns would leave an id of ~33 characters ~20

    def __init__(self, report: VerificationReport):
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(wide=options.max_width >= self.WIDE, stacked=options.max_width < self.NARROW)

    def table(self, wide: bool, stacked: bool = False) -> CellTable:
        """The table for one layout: a ``CellTable``, which draws what ``rich.table.Table`` would draw
        for it at about a tenth of the cost (tests/test_cell_table.py compares the two)."""
        columns = [Column("claim", overflow="fold", min_width=20)]
        if wide:
            columns += [Column("kind", no_wrap=True), Column("reported", overflow="fold", min_width=10, max_width=18)]
        if stacked:
            names: tuple[str, ...] = ("source /\nreplication", "overall")
        else:
            names = ("source", "replication", "fidelity", "overall") if wide else ("source", "replication", "overall")
        columns += [Column(name, no_wrap=True) for name in names]
        table = CellTable(columns, title="claimcheck verdicts", caption="evidence of one claim: claimcheck show ID",
                          box=box.SIMPLE_HEAVY, pad_edge=False)
        for cv in self.report.claims:
            claim = _text(cv.claim_id)
            if not wide:
                claim.append(visible(f"\n{cv.kind}: " + (", ".join(cv.reported) or "-")), style="dim")
            for mark in claim_marks(cv):
                claim.append(visible(f"\n{mark}"), style="dim")
            rep = cv.replication
            replication = _verdict(rep.verdict, rep.verdict)
            if not wide and fidelity_mark(rep):
                replication.append(f"\n({fidelity_mark(rep)})", style="yellow")
            cells = [claim]
            if wide:
                cells += [_text(cv.kind), _text(", ".join(cv.reported) or "-")]
            source = _verdict(cv.source.verdict, cv.source.verdict)
            cells += [Text.assemble(source, "\n", replication)] if stacked else [source, replication]
            if wide:
                cells.append(_text(rep.fidelity or "-", style="yellow" if fidelity_mark(rep) else ""))
            cells.append(_verdict(cv.overall.value, cv.overall.value))
            table.add_row(*cells)
        return table


def render_coverage(report: VerificationReport) -> RenderableType:
    # Table.grid(padding=(0, 2)) with four columns, drawn by CellTable (which draws it as rich would)
    grid = CellTable([Column() for _ in range(4)], pad=2, collapse_padding=True, pad_edge=False, show_header=False,
                     show_edge=False)
    for tier in ordered_tiers(report):
        cov = report.coverage[tier]
        grid.add_row(
            Text(tier, style="bold"),
            Text(f"{cov.checked}/{cov.total} checked"),
            _text(coverage_counts_text(cov.counts)),
            _text("not checked: " + coverage_reasons_text(cov.reasons), style="dim"),
        )
    overall = Text("overall: ", style="bold")
    for i, (verdict, n) in enumerate(sorted(report.overall_counts.items())):
        overall.append(", " if i else "")
        overall.append(f"{verdict} {n}", style=STYLES[tone_of(verdict)])
    parts: list[RenderableType] = [grid, overall]
    if report.results_sources:
        parts.append(_text("runs from: " + "; ".join(report.results_sources), style="dim"))
    return Panel(Group(*parts), title=Text("coverage"), title_align="left", box=box.ROUNDED)  # Text: a str title is read as markup with emoji codes


def render_legend() -> Text:
    legend = Text("colours: ")  # named as well as shown, so the line still reads without colour
    for words, tone in (("holds", "good"), ("direction only/undecided", "warn"), ("contradicted", "bad"),
                        ("infra failure", "fail"), ("not checked", "none")):
        legend.append(f"{STYLES[tone].removeprefix('bold ')} {words}", style=STYLES[tone])
        legend.append(" · ")
    legend.append("(proxy)/(reduced): replicated below full fidelity")
    return legend


def _indented(line: str, n: int) -> Padding:
    """A line whose wrapped continuation keeps the indent (the arithmetic lines can be long)."""
    return Padding(_text(line), (0, 0, 0, n))


def _tier_lines(title: str, tier: TierResult, label: str) -> list[RenderableType]:
    head = _text(f"{title}: ", style="bold")
    head.append(visible(label), style=STYLES[tone_of(tier.verdict)])
    if tier.summary:
        head.append(visible(f" - {tier.summary}"))
    out: list[RenderableType] = [head]
    out.extend(_indented(line, 2) for line in tier.lines)
    return out


def _cells_table(view_cells: Iterable) -> RenderableType:
    from rich.table import Table  # here: `claimcheck show` only (`verify` draws no rich Table, see cell_table)

    table = Table(box=box.MINIMAL, pad_edge=False, show_edge=False)
    for col in ("system", "task", "language", "metric", "split", "value", "origin", "reliability"):
        table.add_column(col, overflow="fold")
    for c in view_cells:
        table.add_row(*(_text(v or "-") for v in (c.system, c.task, c.language, c.metric, c.split, c.value,
                                                  c.origin, c.reliability)))
    return table


def render_claim_detail(cv: ClaimVerdict, rules: Sequence[Sequence[str]] = OVERALL_RULES) -> RenderableType:
    """One claim's evidence: statement, location, arithmetic, cells with locators, runs, missing cells, rule."""
    title = _text(cv.claim_id, style="bold")
    title.append(f"  ({cv.kind})", style="dim")
    parts: list[RenderableType] = [title, _text(cv.statement)]
    meta = _text(f"paper {cv.paper_id} {cv.version} (pinned {cv.pinned_version}) · location: {cv.location}", style="dim")
    parts.append(meta)
    if cv.reported:
        parts.append(_text("reported: " + ", ".join(cv.reported)))
    if is_superseded(cv):
        parts.append(_text(superseded_note(cv), style="yellow"))
    if cv.attributed_to:
        parts.append(_text(attributed_note(cv), style="yellow"))
    if not cv.located:
        parts.append(_text(located_note(cv), style="yellow"))
    elif cv.location_note:
        parts.append(_text(f"location note: {cv.location_note}", style="dim"))

    parts.append(Text(""))
    parts.extend(_tier_lines("source", cv.source, cv.source.verdict))
    for view in cv.source.views:
        head = _text(f"  view: {view.label}: ", style="bold")
        head.append(view.verdict.value, style=STYLES[tone_of(view.verdict.value)])
        parts.append(head)
        parts.extend(_indented(line, 4) for line in view.lines)
        if view.cells:
            parts.append(Padding(_cells_table(view.cells), (0, 0, 0, 4)))
        if view.missing:
            parts.append(Text("    missing cells:", style="bold"))
            parts.extend(_text(f"      - {m}") for m in view.missing)

    parts.append(Text(""))
    rep = cv.replication
    parts.extend(_tier_lines("replication", rep, replication_label(rep)))
    if rep.fidelity:
        parts.append(_text(f"  fidelity {FIDELITY_NOTES.get(rep.fidelity, rep.fidelity)}",
                          style="yellow" if fidelity_mark(rep) else ""))
    if rep.seeds or rep.seeds_needed:
        needed = f"; about {rep.seeds_needed} would decide" if rep.seeds_needed else ""
        parts.append(_text(f"  seeds: {rep.seeds}{needed}"))
    if rep.runs:
        parts.append(_text("  runs: " + ", ".join(rep.runs)))
    if rep.failed_runs:
        parts.append(_text("  failed runs: " + ", ".join(rep.failed_runs), style=STYLES["fail"]))
    parts.extend(_text(f"  deviation: {d}") for d in rep.deviations)

    spans = claim_spans(cv)
    if spans:
        parts.append(Text(""))
        parts.append(Text("intervals:", style="bold"))
        parts.extend(_text(f"  {s.role:<14} {span_text(s):<22} {s.label}") for s in spans)

    parts.append(Text(""))
    overall = Text("overall: ", style="bold")
    overall.append(cv.overall.value, style=STYLES[tone_of(cv.overall.value)])
    overall.append(f"  (rule {cv.overall_rule}: {rule_text(rules, cv.overall_rule)})")
    parts.append(overall)
    return Group(*parts)


def render_plain_text(renderable: RenderableType, width: int = 110) -> str:
    """A renderable as plain text (no colour codes, no trailing spaces) at a fixed width: for golden
    files and pipes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False,
                      emoji=False, highlight=False, markup=False)
    console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())  # no padding spaces

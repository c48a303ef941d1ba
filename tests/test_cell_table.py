"""``reports.cell_table.CellTable`` draws what ``rich.table.Table`` draws for the same table, byte for
byte, without colour and in colour: the reference here is rich's own ``Table``, built from the same
columns and cells (``reference``), at every width from 20 to 240 on the bundled report and the
sample reports, and on generated tables that stress folding, word wrap, ellipses, spans, wide East
Asian characters, combining marks, escaped control characters, tabs and empty cells."""

from __future__ import annotations

import io
import random

import pytest
from rich import box as rich_box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimcheck.reports.cell_table import CellTable, Column
from claimcheck.reports.terminal import VerdictTable, render_coverage, render_legend, render_terminal
from claimcheck.visible import visible

from reports_sample import build_report, hostile_claim

MODES = [dict(color_system=None, force_terminal=False), dict(color_system="standard", force_terminal=True),
         dict(color_system="truecolor", force_terminal=True), dict(color_system="256", force_terminal=True)]


def reference(table: CellTable) -> Table:
    """The ``rich.table.Table`` that ``table`` stands for."""
    ref = Table(title=table.title.plain if table.title else None, caption=table.caption.plain if table.caption else None,
                box=table.box, padding=(0, table.pad), collapse_padding=table.collapse_padding, pad_edge=table.pad_edge,
                show_header=table.show_header, show_edge=table.show_edge, title_justify="left", caption_justify="left")
    for column in table.columns:
        ref.add_column(column.header, overflow=column.overflow, no_wrap=column.no_wrap, min_width=column.min_width,
                       max_width=column.max_width)
    for row in table.rows:
        ref.add_row(*row)
    return ref


def draw(renderable, width: int, mode: dict, **console) -> str:
    out = io.StringIO()
    Console(file=out, width=width, legacy_windows=False, highlight=False, **mode, **console).print(renderable)
    return out.getvalue()


def same(table: CellTable, widths, modes=MODES, **console) -> None:
    ref = reference(table)
    for width in widths:
        for mode in modes:
            assert draw(table, width, mode, **console) == draw(ref, width, mode, **console), (width, mode)


class ReferenceVerdictTable(VerdictTable):
    """VerdictTable drawn by rich's Table: what `verify` printed before CellTable."""

    def __rich_console__(self, console, options):
        yield reference(self.table(wide=options.max_width >= self.WIDE, stacked=options.max_width < self.NARROW))


def reference_terminal(report):
    panel = render_coverage(report)
    parts = list(panel.renderable.renderables)
    parts[0] = reference(parts[0])
    coverage = Panel(Group(*parts), title=panel.title, title_align=panel.title_align, box=panel.box)
    return Group(ReferenceVerdictTable(report), coverage, render_legend())


def bundled_report():
    from claimcheck.workflow import verify_from_disk

    return verify_from_disk()[1]


REPORTS = {"sample": lambda: build_report(), "hostile": lambda: build_report([hostile_claim()])}


@pytest.mark.parametrize("name", ["bundled", *REPORTS])
def test_verdict_table_layouts_match_rich(name):
    report = bundled_report() if name == "bundled" else REPORTS[name]()
    view = VerdictTable(report)
    for wide, stacked in ((True, False), (False, False), (False, True)):
        table = view.table(wide, stacked)
        same(table, range(20, 241, 3 if name == "bundled" else 7), modes=MODES[:1])
        same(table, range(20, 241, 13), modes=MODES[1:])


@pytest.mark.parametrize("name", ["bundled", *REPORTS])
def test_terminal_output_matches_rich(name):
    report = bundled_report() if name == "bundled" else REPORTS[name]()
    for width in (*range(30, 241, 9), 95, 96, 129, 130):
        for mode in MODES[:2]:
            assert draw(render_terminal(report), width, mode) == draw(reference_terminal(report), width, mode), (width, mode)
    # the CLI's console: no markup, no emoji, no soft wrap; and rich's defaults
    for width in (40, 80, 100, 160):
        for console in (dict(markup=False, emoji=False, soft_wrap=False), {}):
            assert draw(render_terminal(report), width, MODES[2], **console) == draw(reference_terminal(report), width, MODES[2], **console)


WORDS = ["a", "ab", "claim", "2005.13013/best-single-tasks", "x" * 45, "not_derivable", "-", "8.2,", "(proxy)",
         "漢字", "ｗｉｄｅ", "e\u0301te\u0301", "\u200f", "\x1b[31m", "\t", "tab\there", "…", "é", "🙂", "a\u200db", ""]
STYLES = ["", "dim", "bold red", "green", "yellow", "magenta", "italic", "on blue", "bold"]


def random_text(rng: random.Random) -> Text:
    """A cell as terminal.py builds one: Text of a value, parts appended with styles, some after a line
    break, some assembled from styled Texts; values through ``visible`` or raw."""
    def value() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 6))]
        sep = rng.choice([" ", "  ", ", ", "/", ""])
        raw = sep.join(words) if rng.random() < 0.8 else " " * rng.randint(0, 3) + sep.join(words) + " " * rng.randint(0, 3)
        return visible(raw) if rng.random() < 0.6 else raw

    if rng.random() < 0.2:  # Text.assemble of styled texts (the stacked verdict cell)
        first = Text(value(), style=rng.choice(STYLES))
        second = Text(value(), style=rng.choice(STYLES))
        if rng.random() < 0.5:
            second.append("\n" + value(), style=rng.choice(STYLES))
        return Text.assemble(first, "\n", second)
    text = Text(value(), style=rng.choice(STYLES))
    for _ in range(rng.randint(0, 3)):
        text.append(rng.choice(["\n", "", " ", "\n\n"]) + value(), style=rng.choice(STYLES))
    return text


def random_table(rng: random.Random) -> CellTable:
    grid = rng.random() < 0.3
    columns = []
    for i in range(rng.randint(1, 7)):
        min_width = rng.choice([None, None, 0, 5, 10, 20])
        max_width = rng.choice([None, None, 3, 10, 18])
        columns.append(Column(rng.choice(["claim", "kind", "", "source /\nreplication", "漢字", "a b c"]),
                              overflow=rng.choice(["fold", "ellipsis", "crop"]), no_wrap=rng.random() < 0.4,
                              min_width=min_width, max_width=max_width))
    if grid:
        table = CellTable(columns, pad=rng.choice([0, 1, 2]), collapse_padding=rng.random() < 0.7,
                          pad_edge=rng.random() < 0.3, show_header=rng.random() < 0.3, show_edge=False)
    else:
        table = CellTable(columns, title=rng.choice(["", "claimcheck verdicts", "漢字 title", "a " * 40]),
                          caption=rng.choice(["", "evidence of one claim: claimcheck show ID"]),
                          box=rng.choice([rich_box.SIMPLE_HEAVY, rich_box.ROUNDED, rich_box.MINIMAL]),
                          pad=rng.choice([0, 1, 2]), pad_edge=rng.random() < 0.5)
    for _ in range(rng.randint(0, 6)):
        table.add_row(*(random_text(rng) for _ in columns))
    return table


@pytest.mark.parametrize("seed", range(20))
def test_generated_tables_match_rich(seed):
    rng = random.Random(seed)
    for _ in range(10):
        table = random_table(rng)
        widths = sorted(rng.sample(range(1, 241), 5))
        same(table, widths, modes=[rng.choice(MODES)])


def test_stress_cells_fold_and_keep_styles():
    """Hand-picked cells: an id longer than any width (folded), wide characters at a fold, combining
    marks, escapes, an empty reported value, a line of spaces, below NARROW and above WIDE."""
    columns = [Column("claim", overflow="fold", min_width=20), Column("kind", no_wrap=True),
               Column("reported", overflow="fold", min_width=10, max_width=18), Column("source", no_wrap=True),
               Column("overall", no_wrap=True)]
    table = CellTable(columns, title="claimcheck verdicts", caption="evidence of one claim: claimcheck show ID",
                      box=rich_box.SIMPLE_HEAVY, pad_edge=False)
    claim = Text("p/" + "very-long-claim-id-" * 8)
    claim.append("\ncomparison: " + "漢字漢字漢字漢字漢字漢字漢字", style="dim")
    table.add_row(claim, Text("quantity"), Text(""), Text("consistent", style="green"), Text("holds", style="bold red"))
    table.add_row(Text(visible("id\x1bwith\u200fescapes\u2028")), Text("e\u0301"), Text("-"),
                  Text.assemble(Text("a", style="green"), "\n", Text("b", style="yellow")), Text("   "))
    table.add_row(Text("x" * 300, style="dim"), Text("k" * 50), Text("8.2, 7.5, 7.0, " * 4), Text("s" * 30), Text(""))
    same(table, range(1, 241, 2), modes=MODES[:1])
    same(table, range(1, 241, 11), modes=MODES[1:])


def test_cell_table_refuses_a_box_without_header_or_edge():
    with pytest.raises(ValueError):
        CellTable([Column()], box=rich_box.SIMPLE_HEAVY, show_header=False)

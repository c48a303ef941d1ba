"""The table model shared by the LaTeX and PDF readers: a grid of cells, and the values read from it.

``latex.tabular_grid`` and ``pdf.text_tables`` fill a grid of ``GridCell`` s; ``assemble_table``
finds its header rows and row-label columns and returns a ``Table`` with one ``TableValue`` per
number (row header, column header, the cell as printed). ``Table.locator(value)`` is how a value
is named in a claim file: "Table 2 (tab:dev), row MNLI, column XNLI".

Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.sources.numbers import WrittenNumber, extract_numbers, is_numeric_cell, split_cell

PLACEHOLDERS = {"", "-", "--", "–", "—", "n/a", "N/A", "NA", "/"}


@dataclass(frozen=True)
class GridCell:
    text: str = ""
    bold: bool = False
    underline: bool = False
    marks: tuple[str, ...] = ()
    continuation: bool = False  # covered by a \multicolumn to its left

    def continued(self) -> GridCell:
        return GridCell(self.text, self.bold, self.underline, self.marks, continuation=True)


@dataclass(frozen=True)
class TableValue:
    row: str  # row header, e.g. "MNLI / +MLM" (label columns joined)
    column: str  # column header, e.g. "QA (EM/F1) / XQuAD" (header rows joined)
    part: str  # "" or the member of a pair: "EM", "F1" (or "1", "2" when the header names none)
    number: WrittenNumber
    written: str  # the cell as printed, markup removed: "80.1±0.3†"
    row_index: int  # 1-based among data rows
    col_index: int  # 1-based grid column
    bold: bool = False
    underline: bool = False
    spread: str = ""
    marks: tuple[str, ...] = ()

    @property
    def column_label(self) -> str:
        return f"{self.column} [{self.part}]" if self.part else self.column


@dataclass(frozen=True)
class Table:
    number: str  # "2" for a captioned table, "" otherwise
    index: int  # 1-based position among all tables found
    label: str
    caption: str
    section: str
    origin: str  # "latex" | "pdf-text" | "text"
    values: tuple[TableValue, ...] = ()
    part: str = ""  # "part 2" when one float holds several tabulars

    @property
    def confidence(self) -> str:
        return "high" if self.origin == "latex" else "low"

    @property
    def name(self) -> str:
        base = f"Table {self.number}" if self.number else f"Unnumbered table {self.index}"
        base += f" ({self.label})" if self.label else ""
        return f"{base}, {self.part}" if self.part else base

    def locator(self, value: TableValue) -> str:
        return f"{self.name}, row {value.row}, column {value.column_label}"


def assemble_table(grid: list[list[GridCell]], rule_before: list[bool], **meta) -> Table:
    """Header rows, label columns and values of a cell grid (``meta``: Table fields)."""
    width = max((len(r) for r in grid), default=0)
    grid = [row + [GridCell()] * (width - len(row)) for row in grid]
    numeric = [[bool(c.text) and not c.continuation and is_numeric_cell(c.text) for c in row] for row in grid]

    def textual(r: int) -> bool:  # a header row: fewer than half of its cells hold values
        filled = [c for c in grid[r] if c.text and not c.continuation]
        return 2 * sum(numeric[r]) < max(1, len(filled))

    def wordy(r: int) -> bool:  # without a rule to go by: no value-like cell at all ("1e-5" counts)
        return not any(numeric[r]) and not any(n.kind == "scientific" for c in grid[r] for n in extract_numbers(c.text))

    first_rule = next((r for r in range(1, len(grid)) if rule_before[r]), None)
    if first_rule is not None and all(textual(r) for r in range(first_rule)):
        header_end = first_rule
    else:
        header_end = 0
        while header_end < len(grid) - 1 and wordy(header_end):
            header_end += 1
    data = range(header_end, len(grid))
    n_label = 0
    while n_label < width and not any(numeric[r][n_label] for r in data):
        n_label += 1
    headers = []
    for c in range(width):
        parts: list[str] = []
        for h in range(header_end):
            t = grid[h][c].text
            if t and t not in parts:
                parts.append(t)
        headers.append(" / ".join(parts) or f"column {c + 1}")
    values: list[TableValue] = []
    group, k = "", 0
    for r in data:
        row = grid[r]
        if not any(numeric[r]):
            texts = {c.text for c in row if c.text}
            if len(texts) == 1 and header_end > 0:
                group = texts.pop()  # a "Multi-task" line that groups the rows below it
            continue
        k += 1
        labels: list[str] = []
        for c in range(n_label):
            if row[c].text not in PLACEHOLDERS and row[c].text not in labels:
                labels.append(row[c].text)
        name = " / ".join(([group] if group else []) + labels) or f"row {k}"
        for c in range(n_label, width):
            cell = row[c]
            if cell.continuation or not numeric[r][c]:
                continue
            for cn in split_cell(cell.text, headers[c]):
                values.append(TableValue(name, headers[c], cn.part, cn.number, cell.text, k, c + 1,
                                         cell.bold, cell.underline, cn.spread, cell.marks))
    return Table(values=tuple(values), **meta)

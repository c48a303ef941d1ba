"""A table of rich ``Text`` cells, drawn exactly as ``rich.table.Table`` draws the same table, at a
fraction of its cost: the verdict table of `claimcheck verify` and the coverage grid under it.

Why: rich's ``Table`` renders every cell through a ``Padding``, ``Console.render_lines``, ``Text.wrap``
(a ``Text`` per line, then one joined ``Text``), ``Segment.split_and_crop_lines`` and
``Segment.set_shape``, and measures every cell through ``Measurement.get`` twice: ~140 M instructions
for the 33-row verdict table, a tenth of the whole `claimcheck verify all` process. Here the column
widths are worked out by rich's own rules (``_measure_column``, ``_calculate_column_widths``,
``_collapse_widths``, ``ratio_reduce``, restated below), and a cell whose text is plain ASCII (one
cell per character, no tab, no control character: every cell of the bundled report) is wrapped and
padded directly into the ``Segment`` pieces rich would yield for it: the same text cut at the same
places, with the same ``Style`` objects (span boundaries are kept, since a terminal sees each
segment's escape codes). Any other cell (wide East Asian characters, combining marks, escapes beyond
ASCII, a width too small for the padding) is drawn by rich itself, the ``Padding`` and
``render_lines`` that ``Table`` uses, so the output is rich's in every case.

``tests/test_cell_table.py`` keeps ``rich.table.Table`` as the reference: it compares both byte for
byte over widths 20..240, without colour and in colour, on the bundled report and on generated
content that stresses wrapping, folding, ellipses, spans and wide characters. Only what claimcheck
uses is supported (left-justified cells, aligned to the top; no footer, no row styles, no lines
between rows); the constructor refuses the rest.

Importing this module (and not ``rich.table``) also saves `verify` rich's table module and
``rich._ratio`` (``fractions`` and ``decimal``, which it imports, are loaded by `verify` elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich._wrap import divide_line  # what Text.wrap cuts lines with: the same cuts by construction
from rich.box import Box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

_NULL = Style.null()
_NEWLINE = Segment("\n")


class Column:
    """One column, with the meaning of ``rich.table.Column``'s fields of the same names. (A plain
    class: a dataclass would cost `verify` ~1 M instructions to create at import.)"""

    __slots__ = ("header", "overflow", "no_wrap", "min_width", "max_width")

    def __init__(self, header: str = "", overflow: str = "ellipsis", no_wrap: bool = False,
                 min_width: int | None = None, max_width: int | None = None):
        self.header, self.overflow, self.no_wrap = header, overflow, no_wrap  # overflow: "fold", "crop" or "ellipsis"
        self.min_width, self.max_width = min_width, max_width


def _simple(text: Text) -> bool:
    """Whether ``text`` takes the direct path: ASCII printable but for line breaks (so one character
    is one cell and only a space is whitespace), no justify/overflow/no_wrap of its own, and spans
    inside the text (as ``Text.append`` makes them)."""
    plain = text.plain
    if not plain.isascii() or not (plain.isprintable() or plain.replace("\n", "").isprintable()):
        return False
    if text.justify is not None or text.overflow is not None or text.no_wrap is not None or text.end != "\n":
        return False
    n = len(plain)
    for s, e, _ in text.spans:
        if not 0 <= s < e <= n:
            return False
    return True


def measure(text: Text, simple: bool) -> tuple[int, int]:
    """``Text.__rich_measure__``: the longest word, the longest line (in cells), normalized as
    ``Measurement.get`` does (the minimum at most the maximum)."""
    plain = text.plain
    lines = plain.splitlines()
    words = plain.split()
    length = len if simple else cell_len  # a character is a cell: cell_len's per-string work is saved
    longest = max(map(length, lines)) if lines else 0
    return (min(max(map(length, words)), longest) if words else longest), longest


class _Styles:
    """A piece's style as ``Text.render`` combines it (null, the text's style, then each span's, in
    span order), resolved once per combination."""

    def __init__(self, console: Console, shown: bool = True):
        self.get = console.get_style
        self.shown = shown  # False: no style can show, every piece is drawn unstyled (see CellTable)
        self.cache: dict = {}

    def __call__(self, key: tuple) -> Style:
        if not self.shown:
            return _NULL
        style = self.cache.get(key)
        if style is None:
            style = _NULL
            for name in key:
                style = style + self.get(name, default=_NULL)
            self.cache[key] = style
        return style


def text_lines(text: Text, width: int, overflow: str, no_wrap: bool, styles: _Styles, left: int = 0, right: int = 0,
               cell_style: Style | None = None) -> list[list[tuple[str, Style]]]:
    """``text`` (``_simple``) as ``Text.wrap`` (justify left) and ``Text.render`` draw it at ``width``
    cells, with ``left`` and ``right`` spaces of padding in ``cell_style`` (``Padding``), which also
    goes under each piece's style (``Console.render_lines(style=...)``): a list of lines, each a list
    of (piece, style) that fills exactly ``left + width + right`` cells, cut where rich cuts its
    segments (every span start and end)."""
    plain = text.plain
    base = (text.style,) if text.style else ()  # Text.join: the line's style as a span over the padded line
    base_style = styles(base)
    if cell_style:
        base_style = cell_style + base_style
    head = [(" " * left, cell_style or _NULL)] if left else []
    tail = [(" " * right, cell_style or _NULL)] if right else []
    spans = text.spans
    out: list[list[tuple[str, Style]]] = []
    if not spans and "\n" not in plain and len(plain) <= width:  # one line that fits, one style: most cells
        return [[*head, (plain + " " * (width - len(plain)), base_style), *tail]]
    start = 0
    for raw in plain.split("\n"):  # Text.split("\n", allow_blank=True)
        line_start = start
        start += len(raw) + 1
        if no_wrap or len(raw) <= width:  # a line that fits is never cut (divide_line returns no offsets)
            ranges: Sequence[tuple[int, int]] = ((0, len(raw)),)
        else:
            cuts = [0, *divide_line(raw, width, fold=overflow == "fold"), len(raw)]
            ranges = tuple(zip(cuts, cuts[1:]))
        for a, b in ranges:
            shown = raw[a:b]
            if not no_wrap and len(shown) > width:  # Text.rstrip_end: trailing spaces beyond the width
                spaces = len(shown) - len(shown.rstrip(" "))
                if spaces:
                    shown = shown[:len(shown) - min(spaces, len(shown) - width)]
            if len(shown) > width:  # Text.truncate
                shown = shown[:width - 1] + "…" if overflow == "ellipsis" else shown[:width]
            used = len(shown)
            padded = shown + " " * (width - used)
            lo = line_start + a
            local = []
            for s, e, style in spans:  # each span clipped to the line (Text.divide, right_crop, _trim_spans)
                s = max(s - lo, 0)
                e = min(e - lo, used)
                if e > s:
                    local.append((s, e, style))
            if not local:
                out.append([*head, (padded, base_style), *tail])
                continue
            cuts = sorted({0, width, *(s for s, _, _ in local), *(e for _, e, _ in local)})
            pieces = []
            for p, q in zip(cuts, cuts[1:]):
                style = styles(base + tuple(style for s, e, style in local if s <= p and e >= q))
                pieces.append((padded[p:q], cell_style + style if cell_style else style))
            out.append([*head, *pieces, *tail])
    return out


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """``rich._ratio.ratio_reduce`` (restated: that module imports ``fractions``)."""
    ratios = [ratio if _max else 0 for ratio, _max in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    total_remaining = total
    result: list[int] = []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * total_remaining / total_ratio))
            result.append(value - distributed)
            total_remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse_widths(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """``Table._collapse_widths``: shrink the widest wrapable columns until the table fits."""
    total_width = sum(widths)
    excess_width = total_width - max_width
    if any(wrapable):
        while total_width and excess_width > 0:
            max_column = max(width for width, allow_wrap in zip(widths, wrapable) if allow_wrap)
            second_max_column = max(width if allow_wrap and width != max_column else 0
                                    for width, allow_wrap in zip(widths, wrapable))
            column_difference = max_column - second_max_column
            ratios = [(1 if (width == max_column and allow_wrap) else 0) for width, allow_wrap in zip(widths, wrapable)]
            if not any(ratios) or not column_difference:
                break
            max_reduce = [min(excess_width, column_difference)] * len(widths)
            widths = _ratio_reduce(excess_width, ratios, max_reduce, widths)
            total_width = sum(widths)
            excess_width = total_width - max_width
    return widths


class CellTable:
    """A ``rich.table.Table`` of ``Text`` cells (``Table(title=..., caption=..., box=..., padding=(0, pad),
    collapse_padding=..., pad_edge=..., show_header=..., show_edge=..., title_justify="left",
    caption_justify="left")``) that renders the same segments' text and styles, more cheaply."""

    def __init__(self, columns: Sequence[Column], *, title: str = "", caption: str = "",
                 box: Box | None = None, pad: int = 1, collapse_padding: bool = False, pad_edge: bool = True,
                 show_header: bool = True, show_edge: bool = True):
        if box is not None and not (show_header and show_edge):
            raise ValueError("CellTable draws a box only with its header and edge")
        self.columns = tuple(columns)
        # a str title or caption, as Table draws one through Console.render_str (here never markup)
        self.title = Text(title, style="table.title") if title else None
        self.caption = Text(caption, style="table.caption") if caption else None
        self.box = box
        self.pad = pad
        self.collapse_padding, self.pad_edge = collapse_padding, pad_edge
        self.show_header, self.show_edge = show_header, show_edge
        self.rows: list[tuple[Text, ...]] = []
        self._headers = tuple(Text(column.header) for column in self.columns)  # a str header, as render_str makes it
        last = len(self.columns) - 1
        # Table._get_cells' padding (top and bottom are 0) and Table._get_padding_width, per column
        self.paddings = []
        self.padding_widths = []
        for i in range(len(self.columns)):
            left, right = pad, pad
            if collapse_padding and i:
                left = max(0, left - right)
            if not pad_edge:
                left = 0 if i == 0 else left
                right = 0 if i == last else right
            self.paddings.append((left, right))
            w_left, w_right = (0, abs(0 - pad)) if collapse_padding else (pad, pad)
            if not pad_edge:
                w_left = 0 if i == 0 else w_left
                w_right = 0 if i == last else w_right
            self.padding_widths.append(w_left + w_right)

    def add_row(self, *cells: Text) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(self.columns)} columns")
        self.rows.append(cells)

    @property
    def _extra_width(self) -> int:
        return (2 if self.box and self.show_edge else 0) + (len(self.columns) - 1 if self.box else 0)

    def _column_cells(self, i: int) -> list[Text]:
        cells = [self._headers[i]] if self.show_header else []
        return cells + [row[i] for row in self.rows]

    def _measure_column(self, i: int, max_width: int, longest: tuple[int, int]) -> tuple[int, int]:
        """``Table._measure_column``: the (min, max) width of column ``i``, padding included, from the
        column's longest word and longest line (``longest``, as ``measure`` finds them).

        rich measures each cell (a ``Padding``: ``Measurement.get`` of the text, normalized and capped
        at ``max_width``, plus the padding, capped again) and takes the largest minimum and maximum.
        A text's minimum is never above its maximum, so each step is the same non-decreasing map of
        a number, ``min(min(n, max_width) + padding, max_width)`` (a cell that measures (0, 0) maps
        to that map of 0 too), and the largest of the mapped numbers is the map of the largest: one
        step per column instead of two ``Measurement.get`` per cell."""
        if max_width < 1:
            return 0, 0
        left, right = self.paddings[i]
        extra = left + right
        if self.show_header or self.rows:
            if max_width - extra < 1:  # Padding.__rich_measure__
                minimum = maximum = max_width
            else:
                minimum = min(min(longest[0], max_width) + extra, max_width)
                maximum = min(min(longest[1], max_width) + extra, max_width)
        else:
            minimum, maximum = min(1, max_width), max_width
        column, pw = self.columns[i], self.padding_widths[i]
        if column.min_width is not None:  # Measurement.clamp
            floor = max(0, column.min_width + pw)
            minimum, maximum = max(minimum, floor), max(maximum, floor)
        if column.max_width is not None:
            ceiling = column.max_width + pw
            minimum, maximum = min(minimum, ceiling), min(maximum, ceiling)
        return minimum, maximum

    def column_widths(self, max_width: int, simple: dict[int, bool] | None = None) -> list[int]:
        """``Table._calculate_column_widths`` (no expand, no fixed widths, no table minimum).
        ``simple``: ``_simple`` of each cell, by ``id``, where known."""
        longest = []
        for i in range(len(self.columns)):
            cells = self._column_cells(i)
            if not cells:
                longest.append((0, 0))
                continue
            measures = [measure(cell, simple[id(cell)] if simple else _simple(cell)) for cell in cells]
            longest.append((max(m[0] for m in measures), max(m[1] for m in measures)))
        widths = [self._measure_column(i, max_width, m)[1] or 1 for i, m in enumerate(longest)]
        table_width = sum(widths)
        if table_width > max_width:
            widths = _collapse_widths(widths, [not column.no_wrap for column in self.columns], max_width)
            table_width = sum(widths)
            if table_width > max_width:  # last resort, reduce columns evenly
                excess_width = table_width - max_width
                widths = _ratio_reduce(excess_width, [1] * len(widths), widths, widths)
            widths = [self._measure_column(i, width, m)[1] or 0 for i, (width, m) in enumerate(zip(widths, longest))]
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.columns:
            yield Segment("\n")
            return
        rows: list[tuple[Text, ...]] = list(self.rows)
        if self.show_header:
            rows.insert(0, self._headers)
        simple = {id(cell): _simple(cell) for row in rows for cell in row}
        widths = self.column_widths(options.max_width - self._extra_width, simple)
        table_width = sum(widths) + self._extra_width
        options = options.update(width=table_width, highlight=False, height=None)
        # Where no style can show (no colour system: a pipe, a file, a dumb terminal; nothing recorded
        # for an export), every piece is drawn unstyled, so each line of the table is one segment:
        # Style.render returns the text as it is without a colour system, so the bytes are the same,
        # and Console.print splits and measures ~8 times fewer segments (~5 M instructions)
        styles = _Styles(console, shown=console.color_system is not None or console.record or console.is_jupyter)
        if self.title:
            yield from self._annotation(console, options, self.title, styles)
        box = self.box.substitute(options, safe=console.safe_box) if self.box else None
        if box:
            yield Segment(box.get_top(widths))
            yield _NEWLINE
        header_style = console.get_style("table.header") if self.show_header else None
        last_index = len(rows) - 1
        for index, row in enumerate(rows):
            header = index == 0 and self.show_header
            cell_style = header_style if header else _NULL
            cells = [self._cell(console, options, cell, simple[id(cell)], i, width, cell_style, styles)
                     for i, (cell, width) in enumerate(zip(row, widths))]
            yield from self._row(cells, widths, header, cell_style if styles.shown else _NULL, box, index == 0,
                                 index == last_index)
            if box and header:
                yield Segment(box.get_row(widths, "head", edge=True))
                yield _NEWLINE
        if box:
            yield Segment(box.get_bottom(widths))
            yield _NEWLINE
        if self.caption:
            yield from self._annotation(console, options, self.caption, styles)

    def _annotation(self, console: Console, options: ConsoleOptions, text: Text, styles: _Styles) -> RenderResult:
        """The title or caption, left-justified across the table (``Table.__rich_console__``)."""
        overflow = options.overflow or "fold"
        if _simple(text) and options.max_width >= 1 and not options.no_wrap and overflow in ("fold", "crop", "ellipsis"):
            for line in text_lines(text, options.max_width, overflow, False, styles):
                for piece, style in line:
                    yield Segment(piece, style)
                yield _NEWLINE
        else:
            yield from console.render(text, options.update(justify="left"))

    def _cell(self, console: Console, options: ConsoleOptions, text: Text, simple: bool, i: int, width: int,
              cell_style: Style, styles: _Styles) -> tuple[list, bool]:
        """The cell's lines and whether they are exact: on the direct path, (piece, style) pairs that
        fill ``width``; else rich's segments (``Table._render``: a ``Padding`` through
        ``Console.render_lines``), which ``_shape`` then sets to the row's shape as rich does."""
        column = self.columns[i]
        left, right = self.paddings[i]
        inner = width - left - right
        if inner >= 1 and simple:
            return text_lines(text, inner, column.overflow, column.no_wrap, styles, left, right,
                              cell_style if styles.shown else None), True
        cell_options = options.update(width=width, justify="left", no_wrap=column.no_wrap, overflow=column.overflow,
                                      height=None, highlight=False)
        return console.render_lines(Padding(text, (0, right, 0, left)), cell_options, style=cell_style), False

    def _row(self, cells: list[tuple[list, bool]], widths: list[int], header: bool, cell_style: Style,
             box: Box | None, first: bool, last: bool) -> RenderResult:
        """One row's lines, cells side by side (``Table._render``)."""
        row_height = max(len(lines) for lines, _ in cells)
        max_height = max(1, row_height)
        if all(exact for _, exact in cells) and row_height == max_height:
            shaped = []
            for (lines, _), width in zip(cells, widths):
                missing = row_height - len(lines)
                if missing:  # Segment.align_bottom (the header) or align_top: a blank line in the cell's style
                    blank = [(" " * width, cell_style)]
                    lines = [blank] * missing + lines if header else lines + [blank] * missing
                shaped.append(lines)
        else:
            shaped = [self._shape(lines, exact, width, header, cell_style, row_height, max_height)
                      for (lines, exact), width in zip(cells, widths)]
        if box:
            if first:
                left_edge, right_edge, divider = box.head_left, box.head_right, box.head_vertical
            elif last:
                left_edge, right_edge, divider = box.foot_left, box.foot_right, box.foot_vertical
            else:
                left_edge, right_edge, divider = box.mid_left, box.mid_right, box.mid_vertical
        else:
            left_edge = right_edge = divider = ""
        for line_no in range(max_height):
            buffer = left_edge  # unstyled text gathered into one segment: no escape codes to keep apart
            for column_no, lines in enumerate(shaped):
                if column_no:
                    buffer += divider
                for piece, style in lines[line_no]:
                    if style is not _NULL and style:  # `is` first: Style.__bool__ is a Python call
                        if buffer:
                            yield Segment(buffer)
                            buffer = ""
                        yield Segment(piece, style)
                    else:
                        buffer += piece
            yield Segment(buffer + right_edge + "\n")

    @staticmethod
    def _shape(lines: list, exact: bool, width: int, header: bool, cell_style: Style, row_height: int,
               max_height: int) -> list[list[tuple[str, Style | None]]]:
        """A cell through ``Segment.align_*`` and ``Segment.set_shape``, as ``Table._render`` does."""
        if exact:
            lines = [[Segment(piece, style) for piece, style in line] for line in lines]
        align = Segment.align_bottom if header else Segment.align_top
        lines = Segment.set_shape(align(lines, width, row_height, cell_style), width, max_height)
        return [[(segment.text, segment.style) for segment in line] for line in lines]

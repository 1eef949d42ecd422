"""The one table slide of the meeting deck: `table_pages` lays a table of text out from its content
(`zi.meeting.render.layout`) and returns the slides it takes, each a `Page` the deck draws. A table too long
for one slide continues on the next, titled "(lanjutan)" and repeating the header; a column of
sources is cited as [1], [2] … with the sources under the table. A new table slide is one call:
`table_pages(section.title, section.caption, section.notes, brief(pack.tables[key]))`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from zi.meeting.content.cells import cite
from zi.meeting.render import layout
from zi.meeting.render.slide_parts import BODY_BOTTOM, BODY_WIDTH, INK, INSET_X, MARGIN, MUTED, WHITE, body_top, font, text_box

CITE_SIZE = layout.MIN_SIZE
MORE = " (lanjutan)"


@dataclass(frozen=True)
class Page:
    """One slide to draw: title, caption, the body (drawn from its top edge down), speaker notes."""

    title: str
    caption: str
    draw: Callable[[object, int], None]  # (slide, top of the body in EMU)
    notes: tuple[str, ...] = ()
    section: str | None = None  # key of the pack section it shows
    rows: tuple[int, ...] | None = None  # of a table page: the rows of the table on it


def table_pages(
    title: str,
    caption: str,
    notes: Sequence[str],
    frame: pd.DataFrame,
    *,
    left: int = MARGIN,
    width: int = BODY_WIDTH,
    cite_column: str | None = None,
    beside: Callable[[object, int], None] | None = None,
    sizes: Sequence[int] = layout.SIZES,
    shorter: pd.DataFrame | None = None,
) -> list[Page]:
    """The slides of one table of text, laid out from its content (`layout.lay_out`): as many as the
    rows need, each after the first titled "(lanjutan)" and repeating the header. `cite_column` holds
    sources: its cells become [1], [2] … and each slide lists the sources it cites under its table.
    `beside` draws what shares the first slide with the table (a chart, key figures). `shorter` is the
    same table in fewer words (codes without their names): used where `frame` would break words or
    need more slides."""
    top = body_top(title + MORE, caption)  # continuation titles are the longest: every page fits under them
    text_width = Emu(width - 2 * INSET_X).pt
    height = Emu(BODY_BOTTOM - top).pt
    table = _Laid(frame, cite_column, Emu(width).pt, height, text_width, sizes)
    if shorter is not None and (not table.grid.fits or len(table.grid.pages) > 1):
        short = _Laid(shorter, cite_column, Emu(width).pt, height, text_width, sizes)
        if (short.grid.fits, -len(short.grid.pages)) > (table.grid.fits, -len(table.grid.pages)):
            table = short
    header, rows, grid, cited = table.header, table.rows, table.grid, table.cited

    def draw(page: int) -> Callable[[object, int], None]:
        def on(slide, top_edge: int) -> None:
            bottom = _table(slide, header, rows, grid, page, left, top_edge)
            lines = cited(grid.pages[page])
            if lines:
                text_box(slide, "\n".join(lines), left, bottom + Pt(6), width, BODY_BOTTOM - bottom - Pt(6), CITE_SIZE, MUTED)
            if beside is not None and page == 0:
                beside(slide, top_edge)

        return on

    more = (f"Lanjutan dari slide sebelumnya: {title}.",)
    return [
        Page(
            title if page == 0 else title + MORE, caption, draw(page), tuple(notes) if page == 0 else more, rows=grid.pages[page]
        )
        for page in range(len(grid.pages))
    ]


class _Laid:
    """A table of text with its layout; `cited(rows)` the sources those rows cite, as listed under them."""

    def __init__(self, frame: pd.DataFrame, cite_column: str | None, width: float, height: float, text_width: float, sizes):
        self.sources: list[str] = []
        if cite_column is not None:
            frame, self.sources = cite(frame, cite_column)
        self.header = [str(c) for c in frame.columns]
        self.rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
        self.column = self.header.index(cite_column) if cite_column is not None else None

        def below(page_rows: Sequence[int], size: int) -> float:
            lines = self.cited(page_rows)
            return sum(layout.text_height(line, text_width, CITE_SIZE) for line in lines) + (12 if lines else 0)

        self.grid = layout.lay_out(self.header, self.rows, width=width, height=height, sizes=sizes, below=below)

    def cited(self, page_rows: Sequence[int]) -> list[str]:
        if self.column is None:
            return []
        marks = dict.fromkeys(self.rows[i][self.column] for i in page_rows)
        return [f"{mark} {self.sources[int(mark.strip('[]')) - 1]}" for mark in marks if mark.startswith("[")]


def _table(slide, header: list[str], rows: list[list[str]], grid: layout.TableLayout, page: int, left: int, top: int) -> int:
    """One slide's share of a laid-out table as a native table; returns its bottom edge (EMU). Rows are
    as tall as the layout measured, so PowerPoint has no reason to grow them."""
    shown = [rows[i] for i in grid.pages[page]]
    heights = [grid.header_height] + [grid.row_heights[i] for i in grid.pages[page]]
    shape = slide.shapes.add_table(len(shown) + 1, len(header), left, top, Pt(sum(grid.widths)), Pt(sum(heights)))
    table = shape.table
    for j, column_width in enumerate(grid.widths):
        table.columns[j].width = Pt(column_width)
    for i, row_height in enumerate(heights):
        table.rows[i].height = Pt(row_height)
    for j, text in enumerate(header):
        _cell(table.cell(0, j), text, grid.size, bold=True, colour=WHITE, fill=INK)
    # A column of numbers is right-aligned (digits under digits); a column that mixes numbers and words
    # (the facts: a year beside a province) reads as text.
    numeric = [all(_looks_numeric(row[j]) or row[j] == "–" for row in rows) for j in range(len(header))]
    for i, row in enumerate(shown, start=1):
        for j, text in enumerate(row):
            _cell(table.cell(i, j), text, grid.size, align=PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT)
    return top + Pt(sum(heights))


def _cell(
    cell, text: str, size: int, bold: bool = False, colour: RGBColor = INK, fill: RGBColor | None = None, align=PP_ALIGN.LEFT
):
    cell.text = text
    cell.margin_left = cell.margin_right = Pt(layout.MARGIN_X)
    cell.margin_top = cell.margin_bottom = Pt(layout.MARGIN_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = align
        for run in paragraph.runs:
            font(run.font, size, colour, bold)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def _looks_numeric(text: str) -> bool:
    return str(text).replace(",", "").replace(".", "").replace("-", "").replace("−", "").isdigit()

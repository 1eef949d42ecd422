"""Slide tables laid out from their content, in points, before anything is drawn.

`lay_out(header, rows, width, height)` measures every cell with the advance widths of the deck's
font (Arial; LibreOffice draws it with the metric-compatible Liberation Sans) and decides the font
size (never below `MIN_SIZE`), the width of each column, the height of each row and which rows go
on which slide. A column is never narrower than its longest word, so a number or a code such as
`74,59` or `Dinas` never breaks; columns of short values stay on one line; long text takes the rest
of the width. Rows that do not fit above the footer move to a continuation slide, which repeats the
header. `text_lines` and `text_height` measure free text (titles, captions) the same way.

Nothing here knows python-pptx: the deck turns points into shapes, and tests can check the layout
without drawing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

FONT = "Arial"
MIN_SIZE = 12  # points: the smallest table text that still reads from the back of a meeting room
SIZES = (16, 15, 14, 13, MIN_SIZE)  # tried largest first
LINE = 1.2  # line height as a multiple of the font size (PowerPoint and LibreOffice use about 1.17)
MARGIN_X, MARGIN_Y = 5.0, 3.0  # points of padding inside each cell, each side
SLACK = 1.04  # measured widths are stretched a little: renderers differ in kerning and hinting
HEADER_LINES = 3  # a header may wrap into this many lines, no more
SHORT = 11  # a column whose longest value is at most this many ems wide stays on one line if it can

# Advance widths in 1/1000 em of Arial (= Liberation Sans), grouped by width; generated once with
# PIL.ImageFont.truetype(LiberationSans-{Regular,Bold}.ttf).getlength(ch) for the characters below.
_REGULAR = {
    191: "'",
    222: "ijl‘’",
    260: "|",
    278: " !,./:;I[\\]ftí",
    333: "()-`r·“”",
    334: "{}",
    355: '"',
    389: "*",
    400: "°",
    469: "^",
    500: "Jcksvxyzç",
    549: "≥≤",
    556: "#$0123456789?L_abdeghnopqu–éèáàóúñ",
    584: "+<=>~−×",
    611: "FTZ",
    667: "&ABEKPSVXY",
    722: "CDHNRUw",
    778: "GOQ",
    833: "Mm",
    889: "%",
    944: "W",
    1000: "—…",
    1015: "@",
}
_BOLD = {
    238: "'",
    278: " ,./I\\ijl‘’í",
    280: "|",
    333: "!()-:;[]`ft·",
    389: "*r{}",
    400: "°",
    474: '"',
    500: "z“”",
    549: "≥≤",
    556: "#$0123456789J_aceksvxy–éèáàç",
    584: "+<=>^~−×",
    611: "?FLTZbdghnopquóúñ",
    667: "EPSVXY",
    722: "&ABCDHKNRU",
    778: "GOQw",
    833: "M",
    889: "%m",
    944: "W",
    975: "@",
    1000: "—…",
}
UNKNOWN = 1000  # a character outside the tables counts as one em: too wide rather than too narrow


@cache
def _widths(bold: bool) -> dict[str, int]:
    return {ch: width for width, chars in (_BOLD if bold else _REGULAR).items() for ch in chars}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` on one line at `size` points."""
    table = _widths(bold)
    return sum(table.get(ch, UNKNOWN) for ch in text) * size / 1000 * SLACK


def text_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines `text` takes in a box `width` points wide, wrapped at spaces as PowerPoint does (a word
    wider than the box takes lines of its own); explicit line breaks are kept."""
    space = text_width(" ", size, bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if used and used + space + w > width:
                lines += 1
                used = 0.0
            if w > width:  # broken inside the word: as many lines as it needs
                lines += int(w // width)
                used = w % width
            else:
                used += (space if used else 0.0) + w
    return lines


def text_height(text: str, width: float, size: float, bold: bool = False, spacing: float = 0.0) -> float:
    """Height in points of `text` in a box `width` points wide (`spacing`: points after each paragraph)."""
    paragraphs = str(text).count("\n") + 1
    return text_lines(text, width, size, bold) * size * LINE + spacing * paragraphs


def longest_word(text: str, size: float, bold: bool = False) -> float:
    return max((text_width(word, size, bold) for word in str(text).split()), default=0.0)


def width_for(text: str, lines: int, size: float, bold: bool = False) -> float:
    """The narrowest width (points) at which `text` takes at most `lines` lines (never less than its
    longest word)."""
    low = longest_word(text, size, bold)
    high = max((text_width(line, size, bold) for line in str(text).split("\n")), default=0.0)
    if text_lines(text, low, size, bold) <= lines:
        return low
    while high - low > 0.5:  # bisection to half a point
        middle = (low + high) / 2
        low, high = (low, middle) if text_lines(text, middle, size, bold) <= lines else (middle, high)
    return high


@dataclass(frozen=True)
class TableLayout:
    """A table measured for drawing: font size, column widths and row heights (points), and the
    rows of each slide (indexes into the rows given; every slide repeats the header)."""

    size: int
    widths: tuple[float, ...]
    header_height: float
    row_heights: tuple[float, ...]
    pages: tuple[tuple[int, ...], ...]
    fits: bool  # every word fits its column at this size

    def height(self, page: int) -> float:
        return self.header_height + sum(self.row_heights[i] for i in self.pages[page])


def lay_out(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: float,
    height: float,
    sizes: Sequence[int] = SIZES,
    below: Callable[[Sequence[int], int], float] | None = None,
) -> TableLayout:
    """The layout of a table of text in a box `width` x `height` points: of the sizes that fit every
    word, the one that needs the fewest slides, the largest of those. `below(rows, size)` is the height
    a slide needs under the table for those rows (e.g. the sources they cite)."""
    candidates = [_at_size(header, rows, width, height, size, below) for size in sorted(set(sizes), reverse=True)]
    return max(candidates, key=lambda t: (t.fits, -len(t.pages), t.size))


def _at_size(header, rows, width, height, size, below) -> TableLayout:
    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    lows, highs, areas = [], [], []
    for head, *values in columns:
        # Cells wrap only when their column must, and never inside a word (a number never breaks).
        words = max([longest_word(head, size, bold=True)] + [longest_word(v, size) for v in values])
        high = max([words] + [max((text_width(line, size) for line in v.split("\n")), default=0.0) for v in values])
        lows.append(words + 2 * MARGIN_X)
        highs.append(high + 2 * MARGIN_X)
        areas.append(sum(text_width(v, size) for v in values))
    # A header wraps between words, into HEADER_LINES lines at most where the width allows.
    headed = [
        max(low, width_for(head, HEADER_LINES, size, bold=True) + 2 * MARGIN_X) for low, head in zip(lows, header, strict=True)
    ]
    if sum(headed) <= width:
        lows = headed
        highs = [max(h, low) for h, low in zip(highs, lows, strict=True)]
    line = size * LINE

    def row_height(cells, widths, bold=False) -> float:
        lines = max(text_lines(c, w - 2 * MARGIN_X, size, bold) for c, w in zip(cells, widths, strict=True))
        return lines * line + 2 * MARGIN_Y

    def total(widths) -> float:
        return row_height(header, widths, bold=True) + sum(row_height(row, widths) for row in rows)

    # Two ways to share the width left over, the lower table wins: as browsers do (in proportion to
    # what each column lacks to stay on one line), or in proportion to how much text each column holds.
    lacking = [h - low for h, low in zip(highs, lows, strict=True)]
    (widths, fits), other = (_distribute(lows, highs, width, size, weights) for weights in (lacking, areas))
    if other[1] and total(other[0]) < total(widths):
        widths = other[0]
    header_height = row_height(header, widths, bold=True)
    heights = tuple(row_height(row, widths) for row in rows)
    pages: list[tuple[int, ...]] = []
    page: list[int] = []
    used = header_height
    for i, h in enumerate(heights):
        extra = below([*page, i], size) if below else 0.0
        if page and used + h + extra > height:
            pages.append(tuple(page))
            page, used = [], header_height
        page.append(i)
        used += h
    pages.append(tuple(page))
    return TableLayout(size, tuple(widths), header_height, heights, tuple(pages), fits)


def _distribute(
    lows: list[float], highs: list[float], width: float, size: float, weights: list[float]
) -> tuple[list[float], bool]:
    """Column widths filling `width`: each at least its longest word; short columns on one line where
    the rest still fits; the width left shared by the other columns in proportion to `weights`, none
    wider than its text on one line."""
    if sum(lows) > width:  # no size makes every word fit: shrink evenly (words break; `fits` says so)
        return [w * width / sum(lows) for w in lows], False
    if sum(highs) <= width:  # everything on one line: the spare width in proportion
        return [w * width / sum(highs) for w in highs], True
    short = [h <= SHORT * size for h in highs]
    if sum(h if s else low for h, low, s in zip(highs, lows, short, strict=True)) > width:
        short = [False] * len(highs)
    widths = [h if s else low for h, low, s in zip(highs, lows, short, strict=True)]
    growing = [i for i, s in enumerate(short) if not s and highs[i] > widths[i]]
    left = width - sum(widths)
    while left > 1e-6 and growing:
        total = sum(weights[i] for i in growing)
        share = {i: left * (weights[i] / total if total > 0 else 1 / len(growing)) for i in growing}
        full = [i for i in growing if widths[i] + share[i] >= highs[i]]
        if not full:
            for i in growing:
                widths[i] += share[i]
            break
        for i in full:  # reaches one line: it takes no more, the rest is shared again
            left -= highs[i] - widths[i]
            widths[i] = highs[i]
        growing = [i for i in growing if i not in full]
    return widths, True

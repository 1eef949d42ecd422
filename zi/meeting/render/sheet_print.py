"""How a sheet of the meeting workbook prints: as it shows on screen.

Every sheet gets its content as print area, landscape A4 pages scaled to the page width (as many
pages down as the rows need), the header row repeated on every page, the sheet title and DATA
CONTOH in the page header and the data status with the page number in the page footer. Every sheet
is landscape, so the pack prints as one set (most of its tables are wider than a portrait page).

So that the scale stays readable, long text columns wrap at a narrower width until the sheet is at
most `PRINT_WIDTH` characters wide, and a row with wrapped text is given the height its lines need
(measured with the slide layout's font metrics; the workbook is set in the same font), so the
screen, LibreOffice and Excel show the same rows the paper does.
"""

from __future__ import annotations

from zi.meeting.render import layout

# Excel's column unit is the width of a digit of the default font plus padding; the workbook's default
# font is Arial 10 (7 pixels a digit), and a row of it is 12,75 points high.
FONT, FONT_SIZE, ROW_HEIGHT = layout.FONT, 10, 12.75
DIGIT_PX, PADDING_PX = 7, 5
# An A4 landscape page (0,4 inch margins) holds about 140 such characters at 100 %: a sheet of at most
# 160 prints at seven eighths of full size or more.
PRINT_WIDTH, WRAP_MIN = 160, 24
A4 = 9  # Excel's paper code
HEADER_LIMIT = 255  # characters Excel allows in a page header or footer


def column_points(width: float) -> float:
    """Width in points of a column `width` characters wide, less the cell's own padding."""
    return (width * DIGIT_PX + PADDING_PX) * 0.75 - 4


def print_widths(widths: list[float], text: list[bool]) -> list[float]:
    """Column widths with the text columns capped at one level (never below WRAP_MIN) so that the
    sheet is at most PRINT_WIDTH wide; numbers keep their width."""
    fixed = sum(w for w, t in zip(widths, text, strict=True) if not t)
    wrapping = sorted(w for w, t in zip(widths, text, strict=True) if t)
    if fixed + sum(wrapping) <= PRINT_WIDTH or not wrapping:
        return widths
    budget = PRINT_WIDTH - fixed
    level = float(WRAP_MIN)
    for i, width in enumerate(wrapping):  # the narrower columns keep their width, the rest share the budget
        level = (budget - sum(wrapping[:i])) / (len(wrapping) - i)
        if level <= width:
            break
    level = max(level, WRAP_MIN)
    return [min(w, level) if t else w for w, t in zip(widths, text, strict=True)]


def row_height(cells: list[tuple[str, float]], size: float = FONT_SIZE, bold: bool = False) -> float:
    """Height in points of a row of (text, column width) cells at `size`, as tall as its most wrapped cell."""
    lines = max((layout.text_lines(text, column_points(width), size, bold) for text, width in cells), default=1)
    return lines * ROW_HEIGHT * size / FONT_SIZE + (2 if lines > 1 or size != FONT_SIZE else 0)


def set_up(sheet, title: str, footer: str, mark: str | None, last_row: int, last_col: int, repeat: int | None = None) -> None:
    """Print area, landscape A4 one page wide, the header row `repeat` on every page, the page header
    (title, `mark` in red) and footer (`footer`, page n of m)."""
    sheet.print_area(0, 0, last_row, last_col)
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages down as the rows need
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    if repeat is not None:
        sheet.repeat_rows(repeat)
    right = f'&R&"-,Bold"&KC01B1B{page_text(mark, 40)}' if mark else ""
    sheet.set_header(f"&L{page_text(title, HEADER_LIMIT - 60)}{right}")
    sheet.set_footer(f"&L{page_text(footer, HEADER_LIMIT - 40)}&RHalaman &P dari &N")


def page_text(text: str, limit: int) -> str:
    """Text for a page header or footer: cut to `limit` characters, `&` doubled (it starts a code there)."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("&", "&&")

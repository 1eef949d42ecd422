"""The meeting pack as an Excel workbook (xlsxwriter): a first sheet with the selection, the data
status and every source, then one formatted sheet per table of the `MeetingPack`.

Numbers stay numbers (Excel shows them with the reader's decimal comma); text stays text: the
workbook is opened with `strings_to_formulas` and `strings_to_urls` off and every string is written
with `write_string`, so a unit named `=HYPERLINK(...)` is shown, never run. Text that would start a
formula also gets Excel's quote prefix, so editing the cell later does not turn it into one.

Every sheet prints as it shows (`zi.meeting.render.sheet_print`): landscape pages at the page's width, the
header row on every page, long text wrapped in rows as tall as their lines.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import streamlit as st
import xlsxwriter

from zi.meeting.content.model import SAMPLE_MARK, SOURCE_COLUMNS, MeetingPack, Table, pack_cache_key
from zi.meeting.render import sheet_print
from zi.present.exports import FORMULA_TRIGGERS
from zi.present.labels import SAMPLE_NOTICE

FIRST_SHEET = "Pilihan & sumber"
HEADER_ROW = 4  # title, caption, data status, blank, then the header
WIDTH_MIN, WIDTH_MAX = 8, 60
FIRST_WIDTHS = (34, 80, 46)  # the first sheet: label or kind, value or source, detail


def build_workbook(pack: MeetingPack) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # The font sheet_print measures row heights in (the slides' font too).
            "default_format_properties": {"font_name": sheet_print.FONT, "font_size": sheet_print.FONT_SIZE},
            "default_row_height": 17,
        },
    )
    book.set_properties({"title": f"{pack.title}: {pack.subtitle}", "comments": pack.footer})
    formats = _formats(book)
    _first_sheet(book, formats, pack)
    for table in pack.tables.values():
        _table_sheet(book, formats, pack, table)
    book.close()
    return out.getvalue()


# Rebuilt only for a new selection or a new warehouse version.
cached_workbook = st.cache_data(hash_funcs={MeetingPack: pack_cache_key}, max_entries=8, show_spinner=False)(build_workbook)


def _formats(book) -> dict:
    add = book.add_format
    muted = {"font_color": "#555555", "text_wrap": True, "valign": "top"}
    return {
        "title": add({"bold": True, "font_size": 14, "font_color": "#1F3864", "valign": "top"}),
        "caption": add({"italic": True, **muted}),
        "status": add(muted),
        "sample": add({"bold": True, "font_color": "#C01B1B", "text_wrap": True, "valign": "top"}),
        "header": add(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "top", "border": 1}
        ),
        "label": add({"bold": True, "text_wrap": True, "valign": "top"}),
        "text": add({"valign": "top"}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
        "quoted": add({"quote_prefix": True, "valign": "top"}),
        "quoted_wrap": add({"quote_prefix": True, "text_wrap": True, "valign": "top"}),
        "whole": add({"num_format": "0", "valign": "top"}),
        "date": add({"num_format": "d mmmm yyyy hh:mm", "valign": "top"}),
        **{f"dec{d}": add({"num_format": "#,##0" + ("." + "0" * d if d else ""), "valign": "top"}) for d in range(0, 4)},
    }


def _head(sheet, formats, pack: MeetingPack, title: str, caption: str, widths: list[float]) -> None:
    """Title, caption, data status and the sample notice, each across the sheet's printed width (a
    merged cell that wraps), so a long line is printed whole rather than cut at the print area."""
    lines = [(title, "title", 14, True), (caption, "caption", 10, False), (pack.footer, "status", 10, False)]
    if pack.sample:
        lines.append((f"{SAMPLE_MARK} — {SAMPLE_NOTICE}", "sample", 10, True))
    for row, (text, name, size, bold) in enumerate(lines):
        if len(widths) > 1:
            sheet.merge_range(row, 0, row, len(widths) - 1, "", formats[name])
        _string(sheet, row, 0, text, formats[name], formats)
        sheet.set_row(row, sheet_print.row_height([(text, sum(widths))], size, bold))


def _first_sheet(book, formats, pack: MeetingPack) -> None:
    sheet = book.add_worksheet(FIRST_SHEET)
    widths = [float(w) for w in FIRST_WIDTHS]
    _head(sheet, formats, pack, f"{pack.title}: {pack.subtitle}", "Pilihan paket rapat, status data, dan semua sumber.", widths)
    row = HEADER_ROW
    for label, value in pack.facts:
        _string(sheet, row, 0, label, formats["label"], formats)
        _string(sheet, row, 1, value, formats["wrap"], formats)
        _fit_row(sheet, row, [(label, widths[0]), (value, widths[1])])
        row += 1
    row += 1
    sheet.write_string(row, 0, "Sumber", formats["title"])
    sheet.set_row(row, sheet_print.row_height([("Sumber", widths[0])], 14, bold=True))
    row += 1
    for col, header in enumerate(SOURCE_COLUMNS.values()):
        sheet.write_string(row, col, header, formats["header"])
    for values in pack.sources[list(SOURCE_COLUMNS)].itertuples(index=False):
        row += 1
        for col, value in enumerate(values):
            _string(sheet, row, col, str(value), formats["wrap"], formats)
        _fit_row(sheet, row, list(zip((str(v) for v in values), widths, strict=True)))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet_print.set_up(sheet, FIRST_SHEET, pack.footer, SAMPLE_MARK if pack.sample else None, row, len(widths) - 1)


def _table_sheet(book, formats, pack: MeetingPack, table: Table) -> None:
    sheet = book.add_worksheet(table.sheet)
    shown = table.shown()
    natural = [max([len(str(c)) * 0.6, WIDTH_MIN] + [len(_plain_text(v)) for v in shown[c]]) + 2 for c in shown.columns]
    text = [_column_format(shown[c], table.decimals, formats) is formats["text"] for c in shown.columns]
    widths = sheet_print.print_widths([min(w, WIDTH_MAX) for w in natural], text)
    wrapped = [n > w for n, w in zip(natural, widths, strict=True)]
    _head(sheet, formats, pack, table.title, table.caption, widths)
    for col, header in enumerate(shown.columns):
        _string(sheet, HEADER_ROW, col, str(header), formats["header"], formats)
    for col, column in enumerate(shown.columns):
        values = shown[column]
        fmt = formats["wrap"] if wrapped[col] else _column_format(values, table.decimals, formats)
        for row, value in enumerate(values, start=HEADER_ROW + 1):
            _write(sheet, row, col, value, fmt, formats)
        sheet.set_column(col, col, widths[col])
    for row, values in enumerate(shown.itertuples(index=False), start=HEADER_ROW + 1):
        _fit_row(sheet, row, [(_plain_text(v), w) for v, w, wrap in zip(values, widths, wrapped, strict=True) if wrap])
    sheet.set_row(
        HEADER_ROW, max(sheet_print.row_height([(str(c), w) for c, w in zip(shown.columns, widths, strict=True)], bold=True), 32)
    )
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if len(shown):
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(shown), len(shown.columns) - 1)
    mark = SAMPLE_MARK if pack.sample else None
    sheet_print.set_up(sheet, table.title, pack.footer, mark, HEADER_ROW + len(shown), max(len(widths) - 1, 0), HEADER_ROW)


def _fit_row(sheet, row: int, cells: list[tuple[str, float]]) -> None:
    """A row as tall as its most wrapped cell: neither Excel nor LibreOffice grows it when opening."""
    height = sheet_print.row_height(cells)
    if height > sheet_print.ROW_HEIGHT:
        sheet.set_row(row, height)


def _column_format(values: pd.Series, decimals: int, formats: dict):
    if pd.api.types.is_bool_dtype(values):
        return formats["text"]
    if pd.api.types.is_integer_dtype(values):
        return formats["whole"]  # counts, years, ranks: no thousands separator ("2.024" would be wrong)
    if pd.api.types.is_float_dtype(values):
        return formats[f"dec{decimals}"]
    if pd.api.types.is_datetime64_any_dtype(values):
        return formats["date"]
    return formats["text"]


def _write(sheet, row: int, col: int, value, fmt, formats: dict) -> None:
    """One cell, typed: numbers as numbers, missing as blank, everything else as a string."""
    if isinstance(value, (list, tuple, np.ndarray)):
        _string(sheet, row, col, ", ".join(str(v) for v in value), fmt, formats)
    elif value is None or pd.isna(value):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_string(row, col, "Ya" if value else "Tidak", fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, (pd.Timestamp, dt.datetime)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime().replace(tzinfo=None), fmt)
    else:
        _string(sheet, row, col, str(value), fmt, formats)


def _string(sheet, row: int, col: int, text: str, fmt, formats: dict) -> None:
    # write_string never makes a formula; the quote prefix keeps it text when a user edits the cell.
    if text.startswith(FORMULA_TRIGGERS):
        fmt = formats["quoted_wrap"] if fmt is formats["wrap"] else formats["quoted"]
    sheet.write_string(row, col, text, fmt)


def _plain_text(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

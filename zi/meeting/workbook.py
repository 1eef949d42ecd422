"""The meeting pack as an Excel workbook (xlsxwriter): a first sheet with the selection, the data
status and every source, then one formatted sheet per table of the `MeetingPack`.

Numbers stay numbers (Excel shows them with the reader's decimal comma); text stays text: the
workbook is opened with `strings_to_formulas` and `strings_to_urls` off and every string is written
with `write_string`, so a unit named `=HYPERLINK(...)` is shown, never run. Text that would start a
formula also gets Excel's quote prefix, so editing the cell later does not turn it into one.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import streamlit as st
import xlsxwriter

from zi.meeting.pack import SAMPLE_MARK, SOURCE_COLUMNS, MeetingPack, Table, pack_cache_key
from zi.present.exports import FORMULA_TRIGGERS
from zi.present.labels import SAMPLE_NOTICE

FIRST_SHEET = "Pilihan & sumber"
HEADER_ROW = 4  # title, caption, data status, blank, then the header
WIDTH_MIN, WIDTH_MAX = 8, 60


def build_workbook(pack: MeetingPack) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
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
    return {
        "title": add({"bold": True, "font_size": 14, "font_color": "#1F3864"}),
        "caption": add({"italic": True, "font_color": "#555555"}),
        "status": add({"font_color": "#555555"}),
        "sample": add({"bold": True, "font_color": "#C01B1B"}),
        "header": add(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "top", "border": 1}
        ),
        "label": add({"bold": True, "valign": "top"}),
        "text": add({"valign": "top"}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
        "quoted": add({"quote_prefix": True, "valign": "top"}),
        "whole": add({"num_format": "0", "valign": "top"}),
        "date": add({"num_format": "d mmmm yyyy hh:mm", "valign": "top"}),
        **{f"dec{d}": add({"num_format": "#,##0" + ("." + "0" * d if d else ""), "valign": "top"}) for d in range(0, 4)},
    }


def _head(sheet, formats, pack: MeetingPack, title: str, caption: str) -> None:
    sheet.write_string(0, 0, title, formats["title"])
    sheet.write_string(1, 0, caption, formats["caption"])
    sheet.write_string(2, 0, pack.footer, formats["status"])
    if pack.sample:
        sheet.write_string(3, 0, f"{SAMPLE_MARK} — {SAMPLE_NOTICE}", formats["sample"])


def _first_sheet(book, formats, pack: MeetingPack) -> None:
    sheet = book.add_worksheet(FIRST_SHEET)
    _head(sheet, formats, pack, f"{pack.title}: {pack.subtitle}", "Pilihan paket rapat, status data, dan semua sumber.")
    row = HEADER_ROW
    for label, value in pack.facts:
        _string(sheet, row, 0, label, formats["label"], formats)
        _string(sheet, row, 1, value, formats["wrap"], formats)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Sumber", formats["title"])
    row += 1
    for col, header in enumerate(SOURCE_COLUMNS.values()):
        sheet.write_string(row, col, header, formats["header"])
    for values in pack.sources[list(SOURCE_COLUMNS)].itertuples(index=False):
        row += 1
        for col, value in enumerate(values):
            _string(sheet, row, col, str(value), formats["wrap"], formats)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 90)
    sheet.set_column(2, 2, 50)


def _table_sheet(book, formats, pack: MeetingPack, table: Table) -> None:
    sheet = book.add_worksheet(table.sheet)
    _head(sheet, formats, pack, table.title, table.caption)
    shown = table.shown()
    for col, header in enumerate(shown.columns):
        _string(sheet, HEADER_ROW, col, str(header), formats["header"], formats)
    for col, column in enumerate(shown.columns):
        values = shown[column]
        longest = max([len(str(column)) * 0.6, WIDTH_MIN] + [len(_plain_text(v)) for v in values])
        fmt = formats["wrap"] if longest > WIDTH_MAX else _column_format(values, table.decimals, formats)
        for row, value in enumerate(values, start=HEADER_ROW + 1):
            _write(sheet, row, col, value, fmt, formats)
        sheet.set_column(col, col, min(longest + 2, WIDTH_MAX))
    sheet.set_row(HEADER_ROW, 32)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if len(shown):
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(shown), len(shown.columns) - 1)


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
    sheet.write_string(row, col, text, formats["quoted"] if text.startswith(FORMULA_TRIGGERS) else fmt)


def _plain_text(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

"""Exports a user takes to Excel or a meeting: safe to open, numbers still numbers.

CSV for Excel in Indonesia: UTF-8 with BOM (so Excel detects the encoding), `;` as separator and
decimal comma (Indonesian regional settings), text cells that a spreadsheet would read as a formula
(starting with = + - @ tab or CR) prefixed with an apostrophe. Numeric columns are left alone, so a
negative difference stays a number.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula gets a leading apostrophe; a float in a mixed column
    gets its decimal comma (pandas only applies `decimal` to numeric columns); others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    if isinstance(value, float) and value == value:  # NaN stays missing (an empty cell)
        return repr(value).replace(".", ",")
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell (in text or mixed columns, and in headers) is neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_for_excel(frame: pd.DataFrame) -> bytes:
    text = neutralised(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return "\ufeff".encode("utf-8") + text.encode("utf-8")


def slug(*parts: object) -> str:
    """A name that says what it is: `zi_bandingkan_area_2024_TPI_Kalimantan-Tengah-Jawa-Barat`."""
    words = [re.sub(r"[^0-9A-Za-z_]+", "-", str(p)).strip("-_") for p in parts if p not in (None, "")]
    return "zi_" + "_".join(w for w in words if w)


def file_name(*parts: object, suffix: str) -> str:
    return f"{slug(*parts)}.{suffix}"

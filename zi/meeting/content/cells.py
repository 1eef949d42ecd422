"""A pack's tables as text, the way the interface writes numbers: what a slide and a screen show of a `Table`
(`display`, `brief`), its sources numbered [1], [2] … (`cite`), and one value as text (`cell_text`).

The workbook does not go through here: its numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from zi.meeting.content.model import Table
from zi.present.labels import date_text, number


def display(table: Table) -> pd.DataFrame:
    """The shown columns as text the way the interface writes numbers (decimal comma, – for missing)."""
    shown = table.shown()
    return shown.apply(lambda column: column.map(lambda v: cell_text(v, table.decimals)))


def brief(table: Table) -> pd.DataFrame:
    """`display` of what a slide or a screen shows: the columns of `Table.brief` and the first
    `Table.slide_rows` rows (the sheet shows `Table.columns`, every row)."""
    rows = table.frame if table.slide_rows is None else table.frame.head(table.slide_rows)
    return display(replace(table, frame=rows, columns=table.brief or table.columns))


def shortened(text: object, limit: int) -> str | None:
    """`text` in at most `limit` characters for a slide, cut after a whole word and ended with "…"
    (the sheet keeps it whole); a web address becomes its host ("drive.example.go.id/…"): one word
    that long would make its column wider than a slide. Missing or blank stays None."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return None
    words = [_address(word) for word in str(text).split()]
    whole = " ".join(words)
    if len(whole) <= limit:
        return whole
    cut = whole[: limit - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:.") + "…"


def _address(word: str) -> str:
    found = urlsplit(word) if word.startswith(("http://", "https://")) else None
    return f"{found.netloc}/…" if found and found.netloc else word


def cite(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, list[str]]:
    """`frame` with the texts of `column` replaced by [1], [2] … in order of first appearance, and the
    texts so numbered: a source shared by many rows is written once, under the table."""
    sources = list(dict.fromkeys(v for v in frame[column] if v not in ("–", "")))
    marks = {source: f"[{i}]" for i, source in enumerate(sources, start=1)}
    return frame.assign(**{column: frame[column].map(lambda v: marks.get(v, v))}), sources


def cell_text(value, decimals: int = 2) -> str:
    """One value as the interface writes it: 75,32; whole numbers (years, counts) as they are; Ya/Tidak."""
    if isinstance(value, (list, tuple, np.ndarray)):  # e.g. the shared words of a peer's name
        return ", ".join(str(v) for v in value)
    if value is None or pd.isna(value):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "Ya" if value else "Tidak"
    if isinstance(value, (float, np.floating)):
        return number(float(value), decimals)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return date_text(value)
    return str(value)

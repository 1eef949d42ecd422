"""The charts of the meeting pack as data (`ChartData`: categories and series), from the tables the assembly
(`zi.meeting.content.pack`) built: the deck draws them as native PowerPoint charts (`zi.meeting.render.deck_charts`).
Province colours travel with the series (`province_code`), the rules' lines as `threshold` series.
"""

from __future__ import annotations

import pandas as pd

from zi.domain.rules import AREAS
from zi.meeting.content.cells import shortened
from zi.meeting.content.model import ChartData, Series
from zi.present.labels import GAP_GROUPS, number

GAP_COLUMNS = {column: label for column, (label, _) in GAP_GROUPS.items()}


def area_chart(areas: pd.DataFrame, codes: list[int]) -> ChartData:
    categories = tuple(a for a in AREAS if a in set(areas["area"]))
    series = []
    for code in codes:
        rows = areas[areas["province_code"] == code].set_index("area")["pct"]
        if len(rows):
            name = areas.loc[areas["province_code"] == code, "province"].iat[0]
            series.append(Series(name, _values(rows, categories), "data", code))
    reference = areas[areas["province_code"].isna()]
    if len(reference):
        series.append(Series(reference["province"].iat[0], _values(reference.set_index("area")["pct"], categories), "reference"))
    return ChartData("area", categories, tuple(series), "Capaian (% dari bobot)")


def trend_chart(trend: pd.DataFrame, codes: list[int], thresholds: dict[str, float]) -> ChartData:
    years = sorted(int(y) for y in trend["year"].unique())
    categories = tuple(str(y) for y in years)
    series = []
    for code in codes:
        rows = trend[trend["province_code"] == code]
        if len(rows):
            values = rows.set_index(rows["year"].astype(int).astype(str))["mean_pct"]
            series.append(Series(rows["province"].iat[0], _values(values, categories), "data", code))
    for predicate, value in thresholds.items():
        series.append(Series(f"Ambang {predicate} ({number(value, 0)} %)", tuple(value for _ in categories), "threshold"))
    return ChartData("trend", categories, tuple(series), "Nilai total (% dari maksimum)")


def gap_chart(distribution: pd.DataFrame) -> ChartData:
    categories = tuple(distribution["province"])
    # "Belum diketahui" only where some unit's rubric has no thresholds (as on the Jarak page).
    shown = [c for c in GAP_COLUMNS if c != "unknown" or distribution[c].sum() > 0]
    series = tuple(Series(GAP_COLUMNS[c], tuple(float(v) for v in distribution[c])) for c in shown)
    return ChartData("stacked", categories, series, "Jumlah unit", "0")


def priority_chart(items: pd.DataFrame) -> ChartData:
    categories = tuple(f"{row.code} · {row.name}" for row in items.itertuples())
    return ChartData(
        "bars", categories, (Series("Poin yang dapat diraih", tuple(float(v) for v in items["recoverable"])),), "Poin", "0.00"
    )


def step_chart(steps: pd.DataFrame) -> ChartData:
    """A unit's first steps, one bar each: the points the step adds (`zi.query.items.item_steps`)."""
    categories = tuple(f"{row.rank}. {row.kode}: {row.before} → {row.after}" for row in steps.itertuples())
    return ChartData("bars", categories, (Series("Tambahan poin", tuple(float(v) for v in steps["gain"])),), "Poin", "0.00")


def item_gap_chart(gaps: pd.DataFrame, question: int) -> ChartData:
    """A province's items of the largest mean gain (`zi.query.items.item_gaps`), each named by its code and
    its question in at most `question` characters."""
    categories = tuple(f"{row.kode} · {shortened(row.pertanyaan, question)}" for row in gaps.itertuples())
    values = tuple(float(v) for v in gaps["recoverable"])
    return ChartData("bars", categories, (Series("Poin rata-rata dapat diraih per unit", values),), "Poin per unit", "0.00")


def _values(by_category: pd.Series, categories: tuple[str, ...]) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(by_category.get(c)) else float(by_category.get(c)) for c in categories)

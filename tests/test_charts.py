"""Chart functions on small hand-made frames: what a reader of the chart relies on."""

from __future__ import annotations

import pandas as pd

from zi.present import charts


def test_the_peer_mean_line_runs_through_the_areas_in_the_lke_order():
    """The query may return the mean's rows in any order; its dotted line must go MP, TT, SDM, AK, PW, PP
    (joined out of order it crossed the bars)."""
    areas = ["PP", "AK", "MP", "TT", "PW", "SDM"]  # as a GROUP BY may hand them back
    rows = [
        {
            "province_code": code,
            "province": name,
            "area": area,
            "pct": pct,
            "area_name": area,
            "mean_points": 1.0,
            "weight": 10.0,
            "units": 3,
        }
        for code, name in ((62, "Kalimantan Tengah"), (None, None))
        for area, pct in zip(areas, (56.0, 48.0, 62.0, 61.0, 59.0, 65.0), strict=True)
    ]
    figure = charts.area_bars(pd.DataFrame(rows), "TPI")
    mean = next(trace for trace in figure.data if trace.name == "Rata-rata terpilih")
    assert list(mean.x) == ["MP", "TT", "SDM", "AK", "PW", "PP"]
    assert list(mean.y) == [62.0, 61.0, 65.0, 48.0, 59.0, 56.0]  # each value stays with its area

"""Chart functions: one per chart kind, each taking a query result and returning a Plotly figure.

Shared look: one colour per province on every chart (by Kemendagri code, so Kalimantan Tengah is
the same colour on every page), decimal comma, Bahasa Indonesia labels, thresholds drawn from the
rules passed in (never typed here), and a note on the chart naming the stage the numbers are from.
"""

from __future__ import annotations

import csv
import html

import pandas as pd
import plotly.graph_objects as go

from zi.domain.rules import AREAS, DATA_DIR, load_rules
from zi.present.labels import GAP_GROUPS, number, rubric_label, stage_label

# Distinct colours (Tableau 10, D3 10, then darker and lighter tones). The pair of the first kaji
# tiru (Jawa Barat 32, Kalimantan Tengah 62) takes the two clearest; the rest follow provinces.csv.
_PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#9c755f",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#0d2a63",
    "#b68100",
    "#750d86",
    "#00a08b",
    "#862a16",
    "#511cfb",
    "#6c7c32",
    "#620042",
    "#1c8356",
    "#fb0d0d",
    "#325a9b",
    "#c4451c",
    "#90ad1c",
    "#b00068",
    "#2ed9ff",
    "#aa0dfe",
    "#85660d",
    "#fc0080",
    "#3283fe",
    "#565656",
]
_FIRST = (32, 62)
REFERENCE_COLOUR = "#555555"
FONT = "Inter, Segoe UI, Helvetica, Arial, sans-serif"


def _province_colours() -> dict[int, str]:
    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as fh:
        codes = [int(r["kode_kemendagri"]) for r in csv.DictReader(fh)]
    ordered = list(_FIRST) + [c for c in codes if c not in _FIRST]
    return {code: _PALETTE[i % len(_PALETTE)] for i, code in enumerate(ordered)}


PROVINCE_COLOURS = _province_colours()


def _literal(value: object) -> str:
    """Text from the data (unit names come from uploaded files) shown as written: Plotly reads tags
    such as <a href=…> or <b> in trace names, hover text and labels."""
    return html.escape(str(value), quote=False)


def colour_map(frame: pd.DataFrame) -> dict[str, str]:
    """Province name -> colour, for the provinces in a result (needs province_code, province)."""
    pairs = frame.dropna(subset=["province_code"])[["province_code", "province"]].drop_duplicates()
    return {row.province: PROVINCE_COLOURS.get(int(row.province_code), REFERENCE_COLOUR) for row in pairs.itertuples()}


def _layout(fig: go.Figure, title: str, stage: str | None, y_title: str | None = None, height: int = 460) -> go.Figure:
    subtitle = f"Tahap: {stage_label(stage)}" if stage else None
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "subtitle": {"text": subtitle} if subtitle else None, "x": 0.01},
        font={"family": FONT, "size": 14},
        separators=",.",  # decimal comma, thousands dot
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0, "title": None},
        margin={"l": 60, "r": 30, "t": 90, "b": 80},
        height=height,
        yaxis_title=y_title,
    )
    return fig


def area_bars(achievement: pd.DataFrame, stage: str, reference_label: str = "Rata-rata terpilih") -> go.Figure:
    """Per area, one bar per province (% of the area's weight) and the peer mean as a marker line."""
    fig = go.Figure()
    provinces = achievement.dropna(subset=["province_code"])
    colours = colour_map(provinces)
    for province, rows in provinces.groupby("province", sort=False):
        fig.add_bar(
            x=rows["area"],
            y=rows["pct"],
            name=province,
            marker_color=colours[province],
            customdata=rows[["area_name", "mean_points", "weight", "units"]],
            hovertemplate="%{customdata[0]}<br>%{y:.1f} % dari bobot<br>rata-rata %{customdata[1]:.2f} dari %{customdata[2]:.2f} poin<br>%{customdata[3]} unit<extra>"
            + province
            + "</extra>",
        )
    # The mean's dotted line joins its markers in row order: in the LKE's area order, or it zigzags.
    reference = achievement[achievement["province_code"].isna()].sort_values("area", key=lambda a: a.map(AREAS.index))
    if not reference.empty:
        fig.add_scatter(
            x=reference["area"],
            y=reference["pct"],
            name=reference_label,
            mode="markers+lines",
            line={"color": REFERENCE_COLOUR, "dash": "dot"},
            marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3}},
            hovertemplate="%{y:.1f} %<extra>" + reference_label + "</extra>",
        )
    fig.update_layout(barmode="group", xaxis={"categoryorder": "array", "categoryarray": list(AREAS)})
    fig.update_yaxes(range=[0, 100], ticksuffix=" %")
    return _layout(fig, "Capaian per area perubahan (% dari bobot)", stage, "Capaian (%)")


def total_distribution(units: pd.DataFrame, stage: str, thresholds: dict[str, float] | None = None) -> go.Figure:
    """Distribution of unit totals (% of maximum) per province: box with every unit as a point."""
    fig = go.Figure()
    colours = colour_map(units)
    for province, rows in units.groupby("province", sort=False):
        fig.add_box(
            y=rows["total_pct"],
            name=province,
            marker_color=colours[province],
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            text=rows["unit"].map(_literal),
            hovertemplate="%{text}<br>%{y:.2f} %<extra>" + province + "</extra>",
        )
    _threshold_lines(fig, thresholds)
    fig.update_yaxes(ticksuffix=" %")
    return _layout(fig, "Sebaran nilai total unit kerja (% dari nilai maksimum)", stage, "Nilai total (%)")


def count_bars(frame: pd.DataFrame, columns: dict[str, str], title: str, stage: str | None = None) -> go.Figure:
    """Counts per province for a few measures (e.g. WBK held, WBBM held, meeting WBK)."""
    fig = go.Figure()
    for column, label in columns.items():
        fig.add_bar(x=frame["province"], y=frame[column], name=label, text=frame[column], textposition="outside")
    fig.update_layout(barmode="group")
    return _layout(fig, title, stage, "Jumlah unit")


def area_small_multiples(trend: pd.DataFrame, stage: str, rubric_change_year: int | None) -> go.Figure:
    """One small panel per area: mean % of weight over the years, a line per province."""
    from plotly.subplots import make_subplots

    areas = [a for a in AREAS if a in set(trend["area"])]
    columns = 3
    rows = max(1, -(-len(areas) // columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=areas, shared_yaxes=True, vertical_spacing=0.14)
    colours = colour_map(trend)
    traces, rows_of, cols_of = [], [], []  # added in one call: one per trace re-validates the figure each time
    for index, area in enumerate(areas):
        for province, part in trend[trend["area"] == area].groupby("province", sort=False):
            traces.append(
                go.Scatter(
                    x=part["year"],
                    y=part["pct"],
                    mode="lines+markers",
                    name=province,
                    legendgroup=province,
                    showlegend=index == 0,
                    line={"color": colours[province]},
                    hovertemplate="%{x}: %{y:.1f} %<extra>" + province + " · " + area + "</extra>",
                )
            )
            rows_of.append(index // columns + 1)
            cols_of.append(index % columns + 1)
    if traces:
        fig.add_traces(traces, rows=rows_of, cols=cols_of)
    if rubric_change_year:  # one update for all panels: add_vline per panel re-validates every shape (slow)
        axis = [""] + [str(n) for n in range(2, len(areas) + 1)]
        fig.update_layout(
            shapes=[
                {
                    "type": "line",
                    "x0": rubric_change_year - 0.5,
                    "x1": rubric_change_year - 0.5,
                    "xref": f"x{axis[i]}",
                    "y0": 0,
                    "y1": 1,
                    "yref": f"y{axis[i]} domain",
                    "line": {"dash": "dot", "color": REFERENCE_COLOUR, "width": 1},
                }
                for i in range(len(areas))
            ]
        )
    fig.update_yaxes(range=[0, 100], ticksuffix=" %")
    fig.update_xaxes(dtick=1)
    _layout(
        fig,
        "Capaian tiap area dari tahun ke tahun (% dari bobot; garis titik: pergantian rubrik)",
        stage,
        height=240 * rows + 140,
    )
    return fig


def trend_lines(
    frame: pd.DataFrame,
    y: str,
    line_name: str,
    stage: str,
    title: str,
    thresholds: dict[str, float] | None = None,
    rubric_change_year: int | None = None,
    y_title: str = "Nilai total (% dari maksimum)",
    colour_by_province: bool = True,
) -> go.Figure:
    """A line per `line_name` value over the years, with threshold lines and the rubric change."""
    fig = go.Figure()
    colours = colour_map(frame) if colour_by_province else {}
    for name, part in frame.groupby(line_name, sort=False):
        colour = colours.get(part["province"].iloc[0]) if colour_by_province else None
        fig.add_scatter(
            x=part["year"],
            y=part[y],
            mode="lines+markers",
            name=_literal(name),
            line={"color": colour},
            hovertemplate="%{x}: %{y:.2f}<extra>" + _literal(name) + "</extra>",
        )
    _threshold_lines(fig, thresholds)
    _rubric_change(fig, rubric_change_year)
    fig.update_xaxes(dtick=1)
    return _layout(fig, title, stage, y_title)


def slope_chart(slopes: pd.DataFrame, year_from: int, year_to: int, stage: str) -> go.Figure:
    """Each unit's total (% of maximum) in two years joined by a line, coloured by province."""
    fig = go.Figure()
    colours = colour_map(slopes)
    shown = set()
    for row in slopes.itertuples():
        fig.add_scatter(
            x=[str(year_from), str(year_to)],
            y=[row.pct_from, row.pct_to],
            mode="lines+markers",
            line={"color": colours[row.province], "width": 1.5},
            name=row.province,
            legendgroup=row.province,
            showlegend=row.province not in shown,
            text=[_literal(row.unit)] * 2,
            hovertemplate="%{text}<br>%{x}: %{y:.2f} %<extra>" + row.province + "</extra>",
        )
        shown.add(row.province)
    fig.update_yaxes(ticksuffix=" %")
    return _layout(fig, f"Perubahan nilai total unit kerja {year_from} → {year_to} (% dari maksimum)", stage, "Nilai total (%)")


def unit_area_profile(items: pd.DataFrame, minimums: dict[str, float] | None, title: str) -> go.Figure:
    """Areas (or halves) as % of weight, a bar group per `series` (a stage, or a unit), with the
    per-area minimum of each predicate as a dashed line.

    Nothing overlaps: each bar's value is written inside its top end (upright where the bars are
    narrow: three stages of twelve halves), the lines run behind the bars (seen between them), and
    the lines are named in the right margin, outside the plot."""
    fig = go.Figure()
    narrow = len(items) > 18
    for series, part in items.groupby("series", sort=False):
        fig.add_bar(
            x=part["label"],
            y=part["pct"],
            name=_literal(series),
            text=[number(v, 1) for v in part["pct"]],
            textposition="inside",
            insidetextanchor="end",
            textangle=-90 if narrow else 0,
            hovertemplate="%{x}<br>%{y:.1f} % dari bobot<extra>" + _literal(series) + "</extra>",
        )
    for predicate, minimum in (minimums or {}).items():
        fig.add_hline(
            y=minimum,
            layer="below",
            line={"dash": "dash", "color": REFERENCE_COLOUR},
            annotation_text=f"syarat {predicate}<br>{number(minimum, 0)} %",
            annotation_position="right",
            annotation_align="left",
            annotation_font_color=REFERENCE_COLOUR,
        )
    fig.update_layout(barmode="group", uniformtext={"minsize": 8, "mode": "hide"})
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
    _layout(fig, title, None, "Capaian (%)")
    fig.update_layout(margin={"r": 110})  # room for the lines' names
    return fig


def _threshold_lines(fig: go.Figure, thresholds: dict[str, float] | None) -> None:
    for label, value in (thresholds or {}).items():
        fig.add_hline(
            y=value,
            line={"dash": "dash", "color": REFERENCE_COLOUR, "width": 1},
            annotation_text=f"{label} {number(value, 0)}",
            annotation_position="top left",
        )


def _rubric_change(fig: go.Figure, year: int | None) -> None:
    if year:
        fig.add_vline(
            x=year - 0.5,
            line={"dash": "dot", "color": REFERENCE_COLOUR, "width": 1},
            annotation_text=f"mulai {rubric_label(load_rules().rubric_for_year(year))}",
            annotation_position="top right",
        )


def gap_distribution_bars(distribution: pd.DataFrame, predicate: str, stage: str) -> go.Figure:
    """Per province, units meeting the predicate or one, two, three or more conditions away (stacked)."""
    fig = go.Figure()
    for column, (label, colour) in GAP_GROUPS.items():
        if distribution[column].sum() > 0 or column != "unknown":
            fig.add_bar(
                x=distribution["province"],
                y=distribution[column],
                name=label,
                marker_color=colour,
                text=distribution[column],
                textposition="inside",
            )
    fig.update_layout(barmode="stack")
    return _layout(fig, f"Jarak unit kerja ke {predicate} (jumlah syarat yang belum terpenuhi)", stage, "Jumlah unit")


def priority_chart(items: pd.DataFrame, target: float | None, stage: str, shown: int = 15) -> go.Figure:
    """Recoverable points per item in priority order (bars) and the total reached if the items were
    met in that order (line), against the target total."""
    top = items.head(shown)
    fig = go.Figure()
    fig.add_bar(
        x=top["code"],
        y=top["recoverable"],
        name="Poin yang dapat diraih",
        marker_color="#4e79a7",
        customdata=top[["name", "units_blocked"]],
        hovertemplate="%{x} %{customdata[0]}<br>%{y:.2f} poin<br>menghambat syarat di %{customdata[1]} unit<extra></extra>",
    )
    fig.add_scatter(
        x=top["code"],
        y=top["cumulative_total"],
        name="Nilai total bila dibenahi berurutan",
        mode="lines+markers",
        yaxis="y2",
        line={"color": "#d62728"},
    )
    if target is not None:  # on the total's axis (add_hline would draw it on the points axis)
        fig.add_shape(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            yref="y2",
            y0=target,
            y1=target,
            line={"dash": "dash", "color": REFERENCE_COLOUR},
        )
        fig.add_annotation(
            xref="paper",
            x=0,
            yref="y2",
            y=target,
            text=f"ambang {number(target, 0)}",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
        )
    fig.update_layout(
        yaxis2={"overlaying": "y", "side": "right", "title": "Nilai total", "showgrid": False, "tickformat": ".0f"},
        xaxis={"categoryorder": "array", "categoryarray": list(top["code"])},
    )
    return _layout(fig, "Prioritas perbaikan: poin yang dapat diraih dan nilai total kumulatif", stage, "Poin")


def calibration_bars(areas: pd.DataFrame, column: str, title: str) -> go.Figure:
    """Mean difference between two stages per area (percentage points of weight), a bar per province."""
    fig = go.Figure()
    colours = colour_map(areas)
    for province, rows in areas.groupby("province", sort=False):
        fig.add_bar(
            x=rows["area"],
            y=rows[column],
            name=province,
            marker_color=colours[province],
            hovertemplate="%{x}: %{y:.1f} poin %<extra>" + province + "</extra>",
        )
    fig.add_hline(y=0, line={"color": REFERENCE_COLOUR, "width": 1})
    fig.update_layout(barmode="group", xaxis={"categoryorder": "array", "categoryarray": list(AREAS)})
    return _layout(fig, title, None, "Selisih (poin % dari bobot)")


def stage_scatter(units: pd.DataFrame, x: str, y: str, x_label: str, y_label: str) -> go.Figure:
    """Each unit-year's total at two stages; points above the diagonal were scored higher by `y`."""
    fig = go.Figure()
    colours = colour_map(units)
    data = units.dropna(subset=[x, y])
    for province, rows in data.groupby("province", sort=False):
        fig.add_scatter(
            x=rows[x],
            y=rows[y],
            mode="markers",
            name=province,
            marker={"color": colours[province], "size": 9},
            text=rows["unit"] + " (" + rows["year"].astype(str) + ")",
            hovertemplate="%{text}<br>" + x_label + " %{x:.2f} · " + y_label + " %{y:.2f}<extra></extra>",
        )
    if not data.empty:
        low, high = float(min(data[x].min(), data[y].min())), float(max(data[x].max(), data[y].max()))
        fig.add_scatter(x=[low, high], y=[low, high], mode="lines", name="Sama", line={"dash": "dot", "color": REFERENCE_COLOUR})
    fig.update_layout(xaxis_title=x_label)
    return _layout(fig, f"Nilai total {y_label} terhadap {x_label} untuk unit-tahun yang sama", None, y_label)


def presentation(fig: go.Figure, title: str | None = None, height: int = 640) -> go.Figure:
    """The same figure for a meeting screen (Mode presentasi): type readable from the back of the room
    (22 px, title 32 px; axes set explicitly, since Streamlit's chart theme sets its own small ticks),
    taller, and titled `title` when given (the slide's title). Applied after a chart function, so no
    chart is drawn twice."""
    fig.update_layout(
        font={"size": 22},
        title={"font": {"size": 32}, "subtitle": {"font": {"size": 20}}},
        legend={"font": {"size": 20}, "y": -0.18},
        height=height,
        margin={"l": 90, "r": 50, "t": 120, "b": 120},
    )
    if title:  # Plotly reads tags in a title (<a href=…>); a unit name in it must stay text
        fig.update_layout(title_text=html.escape(title, quote=False))
    fig.update_xaxes(tickfont_size=20, title_font_size=20)
    fig.update_yaxes(tickfont_size=20, title_font_size=20)
    fig.update_annotations(font_size=20)
    return fig

"""Charts at the level of the LKE's questions: the steps to a predicate, the items a province most often
answers short, where two provinces differ, and where assessors change answers. Same look as
zi.present.charts (province colours, decimal comma, the stage named under the title); unit and item
words from the data are shown literally.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from zi.present.charts import REFERENCE_COLOUR, _layout, _literal, colour_map
from zi.present.labels import number

LIFTS_COLOUR = "#d62728"  # a step that alone makes a failing condition hold
STEP_COLOUR = "#4e79a7"


def _short(text: object, width: int = 60) -> str:
    words = str(text)
    return _literal(words if len(words) <= width else words[: width - 1].rstrip() + "…")


def steps_chart(steps: pd.DataFrame, start_total: float, target: float | None, stage: str, shown: int = 20) -> go.Figure:
    """The first `shown` steps (bars: points each adds, red where it alone lifts a failing condition) and the
    total after each (line, right axis) against the predicate's minimum total."""
    top = steps.head(shown)
    labels = [f"{r.rank}. {r.kode} {r.before}→{r.after}" for r in top.itertuples()]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=top["gain"],
        name="Poin per langkah",
        marker_color=[LIFTS_COLOUR if lifts else STEP_COLOUR for lifts in top["lifts"]],
        customdata=[[_short(q), _literal(lifts or "–")] for q, lifts in zip(top["pertanyaan"], top["lifts"], strict=True)],
        hovertemplate="%{x}<br>%{customdata[0]}<br>+%{y:.3f} poin<br>mengangkat syarat: %{customdata[1]}<extra></extra>",
    )
    fig.add_scatter(
        x=labels,
        y=top["total"],
        name="Nilai total setelah langkah",
        mode="lines+markers",
        yaxis="y2",
        line={"color": "#2ca02c"},
    )
    totals = [start_total, *top["total"]]
    if target is not None:
        _total_line(fig, target)
        totals.append(target)
    fig.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": "Nilai total",
            "showgrid": False,
            "tickformat": ".0f",
            "range": [min(totals) - 1, max(totals) + 1],
        },
        xaxis={"categoryorder": "array", "categoryarray": labels, "tickangle": -45},
    )
    _layout(fig, "Langkah perbaikan per butir: poin tiap langkah dan nilai total", stage, "Poin", height=640)
    # The steps' labels stand slanted under the bars: the legend goes to the figure's bottom edge, below them.
    return fig.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"}, margin={"b": 220})


def _total_line(fig: go.Figure, target: float) -> None:
    """The predicate's minimum total on the right (total) axis, labelled at the right end under the line: on the
    left the first (largest) bar would cover it, above it the totals' last points."""
    fig.add_shape(
        type="line", xref="paper", x0=0, x1=1, yref="y2", y0=target, y1=target, line={"dash": "dash", "color": REFERENCE_COLOUR}
    )
    fig.add_annotation(
        xref="paper",
        x=1,
        yref="y2",
        y=target,
        text=f"ambang {number(target, 0)}",
        showarrow=False,
        xanchor="right",
        yanchor="top",
    )


def gaps_chart(gaps: pd.DataFrame, stage: str, shown: int = 15) -> go.Figure:
    """Items of the largest mean gain per unit (horizontal bars), with the share of units already full."""
    top = gaps.head(shown).iloc[::-1]  # largest at the top
    fig = go.Figure()
    fig.add_bar(
        y=top["kode"],
        x=top["recoverable"],
        orientation="h",
        marker_color=STEP_COLOUR,
        text=[f"{number(p, 0)} % unit penuh" for p in top["full_pct"]],
        textposition="auto",
        customdata=[[_short(q)] for q in top["pertanyaan"]],
        hovertemplate="%{y}: %{customdata[0]}<br>rata-rata +%{x:.3f} poin per unit<extra></extra>",
        name="Poin rata-rata yang dapat diraih per unit",
    )
    fig.update_layout(xaxis_title="Poin rata-rata yang dapat diraih per unit", showlegend=False)
    return _layout(fig, "Butir yang paling sering belum dijawab penuh", stage, None, height=540)


def share_difference_chart(table: pd.DataFrame, shares: pd.DataFrame, stage: str, shown: int = 15) -> go.Figure:
    """Share of units with a full answer per province (grouped horizontal bars) for the items whose shares
    differ most (`table` from zi.query.items.share_differences, `shares` the query it was made from)."""
    top = table.head(shown).iloc[::-1]
    colours = colour_map(shares)
    fig = go.Figure()
    for province in (p for p in colours if p in top.columns):
        fig.add_bar(
            y=top["kode"],
            x=top[province],
            orientation="h",
            name=_literal(province),
            marker_color=colours[province],
            customdata=[[_short(q)] for q in top["pertanyaan"]],
            hovertemplate="%{y}: %{customdata[0]}<br>%{x:.0f} % unit menjawab penuh<extra>" + _literal(province) + "</extra>",
        )
    fig.update_layout(barmode="group", xaxis_title="Unit yang menjawab penuh (%)", xaxis_range=[0, 100])
    return _layout(fig, "Butir dengan selisih terbesar: unit yang menjawab penuh", stage, None, height=620)


def calibration_items_chart(calibration: pd.DataFrame, shown: int = 15) -> go.Figure:
    """Share of units whose own answer the TPI lowered, per item (the items most often lowered), a bar per
    province."""
    ranked = calibration.dropna(subset=["tpi_lowered_pct"])
    order = ranked.groupby("kode")["tpi_lowered_pct"].max().sort_values(ascending=False).head(shown).index.tolist()
    top = ranked[ranked["kode"].isin(order)]
    colours = colour_map(top)
    fig = go.Figure()
    for province, rows in top.groupby("province", sort=False):
        rows = rows.set_index("kode").reindex(order[::-1])
        fig.add_bar(
            y=rows.index,
            x=rows["tpi_lowered_pct"],
            orientation="h",
            name=_literal(province),
            marker_color=colours.get(province),
            hovertemplate="%{y}: TPI menurunkan jawaban %{x:.0f} % unit<extra>" + _literal(province) + "</extra>",
        )
    fig.update_layout(barmode="group", xaxis_title="Unit yang jawabannya diturunkan TPI (%)")
    return _layout(fig, "Butir yang paling sering diturunkan TPI (SA → TPI)", "TPI", None, height=560)

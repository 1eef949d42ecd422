"""The meeting pack on the meeting-room screen (the page Mode presentasi): a section's chart as the
dashboard draws it, enlarged (`screen_chart`), and its tables as literal text for `st.table`, which
renders Markdown (`screen_table`, `screen_rows`, `screen_facts`), with the rows and the [1], [2] …
citations of the slide the screen stands for.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import pandas as pd

from zi.domain.rules import AREAS, load_rules
from zi.meeting.content.cells import brief, cite
from zi.meeting.content.model import MeetingPack, Section, Table, facts_frame
from zi.meeting.render.deck import CHART_THEN_TABLE
from zi.present import charts, item_charts
from zi.present.labels import item_name, markdown_text


def screen_figure(pack: MeetingPack, section: Section):
    """The dashboard's own chart of a section for the presentation screen (None: a table screen)."""
    sel = pack.selection

    def frame(key: str) -> pd.DataFrame:
        return pack.tables[key].frame

    counts = {c: pack.tables["ringkasan"].columns[c] for c in ("units", "proposed", "wbk", "wbbm", "eligible_wbk")}
    figures = {
        "ringkasan": lambda: charts.count_bars(frame("ringkasan"), counts, f"Unit kerja per provinsi, {sel.year}", sel.stage),
        "area": lambda: charts.area_bars(frame("area"), sel.stage),
        "tren": lambda: charts.trend_lines(
            frame("tren"),
            "mean_pct",
            "province",
            sel.stage,
            "Rata-rata nilai total per provinsi",
            pack.thresholds,
            pack.rubric_change,
        ),
        "jarak": lambda: charts.gap_distribution_bars(frame("sebaran_jarak"), sel.predicate, sel.stage),
        "prioritas": lambda: charts.priority_chart(frame("prioritas"), pack.target, sel.stage, shown=len(frame("prioritas"))),
        "butir": lambda: _items_figure(pack),
    }
    return figures[section.key]() if section.key in figures and not section.empty else None


def _items_figure(pack: MeetingPack):
    """The chart of the items to improve as Prioritas perbaikan draws it: a unit's steps with its total
    after each against the predicate's threshold, or the province's items of the largest mean gain."""
    table = pack.tables["butir"]
    shown = table.slide_rows or len(table.frame)
    stage = pack.selection.stage
    if pack.unit_total is not None:
        return item_charts.steps_chart(table.frame, pack.unit_total, pack.target, stage, shown=shown)
    return item_charts.gaps_chart(table.frame, stage, shown=shown)


def screen_chart(pack: MeetingPack, section: Section, title: str, rows: Sequence[int] | None = None):
    """`screen_figure` enlarged for the meeting screen and titled `title` (None: a table screen). The
    area chart names each area under its code: the screen has the room a slide gives to the table
    beside its chart. `rows`: the table rows of the slide the screen stands for; a section whose
    table follows its chart on slides of its own (`deck.CHART_THEN_TABLE`) shows the chart only on
    the screen of the chart's slide."""
    if section.key in CHART_THEN_TABLE and rows is not None:
        return None
    figure = screen_figure(pack, section)
    if figure is None:
        return None
    if section.key == "butir" and pack.unit_total is not None:
        # The steps' labels stand slanted under the bars, the legend at the figure's bottom edge below them
        # (steps_chart); at the screen's type size they need more room.
        return charts.presentation(figure, title, height=780).update_layout(
            legend={"yref": "container", "y": 0, "yanchor": "bottom"}, margin={"b": 300}
        )
    if section.key != "area":
        return charts.presentation(figure, title)
    rubric = load_rules().rubric_for_year(pack.selection.year)
    text = [f"<b>{a}</b><br>" + "<br>".join(textwrap.wrap(html.escape(item_name(a, rubric) or a), 18)) for a in AREAS]
    figure.update_xaxes(tickmode="array", tickvals=list(AREAS), ticktext=text)
    # Four lines of names under the axis: the legend moves below them.
    return charts.presentation(figure, title, height=700).update_layout(legend={"y": -0.52}, margin={"b": 230})


def screen_table(table: Table) -> pd.DataFrame:
    """`brief` with every cell and header literal for st.table, which renders Markdown: a unit or a
    practice written as `[klik](https://…)` stays text on the meeting screen."""
    return _literal(brief(table))


def screen_rows(table: Table, rows: Sequence[int] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """What one screen shows of a table (the rows of a slide, all without `rows`): `screen_table`,
    with a cited column written [1], [2] … as on the slide, and the sources those rows cite, literal."""
    shown, sources = brief(table), []
    header = table.cited_header()
    if header:
        shown, found = cite(shown, header)  # numbered over the whole table, as the slides are
        sources = [f"[{i}] {s}" for i, s in enumerate(found, start=1)]
    if rows is not None:
        shown = shown.iloc[list(rows)]
    cited = set(shown[header]) if header else set()
    return _literal(shown), [markdown_text(s) for s in sources if s.split(" ", 1)[0] in cited]


def screen_facts(pack: MeetingPack) -> pd.DataFrame:
    return _literal(facts_frame(pack))


def _literal(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(markdown_text).rename(columns=markdown_text)

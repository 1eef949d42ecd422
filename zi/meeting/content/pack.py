"""Paket rapat kaji tiru: one assembly of everything a kaji tiru meeting shows, for three renderers.

`build_pack(wh, selection)` asks the query layer once and returns a `MeetingPack` (`zi.meeting.content.model`):
the tables (each a DataFrame with a title, a short Indonesian caption and its column headers), the
sections in meeting order with the data of their chart (`zi.meeting.content.chart_data`) and the key numbers for
the speaker notes (`zi.meeting.content.notes`), the footer (data as of, source files, stage, sample flag) and the
sources (`zi.meeting.content.sources`). The renderers — `zi.meeting.render.deck` (PowerPoint), `zi.meeting.render.workbook`
(Excel) and the page Mode presentasi (`zi.meeting.render.screens`) — only arrange what is here and never query
the warehouse, so the slide, the sheet and the screen of one selection always agree.

Province A (the first chosen) is the one that learns, B (the second) the one visited; gaps,
priorities and peers are about A. Every threshold comes from the rules file.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from zi.domain.rules import load_rules
from zi.meeting.content import learning, lke_items, notes, sources, standing
from zi.meeting.content.model import Learner, MeetingPack, Section, Selection, Table
from zi.present.labels import PREDICATE_LABELS, SCOPE_LABELS, date_text, stage_label
from zi.query import queries
from zi.query.db import Warehouse

# How many rows of a ranked list one slide holds at a readable size (layout, not a rule of the LKE;
# the full lists are one click away on the dashboard's own pages, and in the workbook where a table says so).
UNITS_SHOWN = 10
ITEMS_SHOWN = 10


def build_pack(wh: Warehouse, selection: Selection) -> MeetingPack:
    rules = load_rules()
    sel = selection
    learner = sel.provinces[0]
    year, stage, scope, predicate = sel.year, sel.stage, sel.scope, sel.predicate
    rubric = rules.rubric_for_year(year)
    status = queries.data_status(wh)
    available = queries.provinces_available(wh)
    known = dict(zip(available["province_code"].astype(int), available["province"], strict=False))
    names = {code: known[code] for code in sel.provinces if code in known}
    a_name = names.get(learner, str(learner))
    totals = rules.total_thresholds(rubric)
    thresholds = {p: 100 * v / rules.rubrics[rubric].total for p, v in totals.items()}
    change = rules.newest_rubric_start()
    # The weakest area is known once the areas are: the notes before it do not ask for it.
    ctx = notes.NoteContext(names, learner, a_name, year, stage, predicate, thresholds, totals, change, None, rubric)

    summary, averages, summed = standing.summary(wh, sel, ctx)
    by_area, apart, areas, own = standing.areas(wh, sel, ctx, rules)
    ctx = replace(ctx, weakest=own.idxmin() if not own.empty else None)
    years, trend = standing.trend(wh, sel, ctx, rules)
    distribution, nearest, far, near, units = learning.gaps(wh, sel, ctx, UNITS_SHOWN)
    who = _learner(units, sel, a_name)
    priorities, prioritised = learning.priorities(wh, sel, ctx, who, ITEMS_SHOWN)
    items, improving = lke_items.improvement(wh, sel, ctx, who, ITEMS_SHOWN, _standing(summary, learner))
    peers, visited = learning.peers(wh, sel, ctx, who, own)
    exemplars, exemplary = lke_items.exemplars(wh, sel, ctx, who)
    practices, practised = learning.practices(wh, ctx, peers.frame)
    # Meeting order, which is also the order of the workbook's sheets.
    found = (summary, averages, by_area, apart, years, distribution, nearest, priorities, items, peers, exemplars, practices)
    tables: dict[str, Table] = {table.key: table for table in found}

    files = sources.files_text(status)
    sections = (
        summed,
        areas,
        trend,
        far,
        near,
        prioritised,
        improving,
        visited,
        exemplary,
        practised,
        Section(
            "sumber",
            "Data dan sumber",
            "Dari mana angka paket ini berasal, dan aturan yang dipakai.",
            (),
            None,
            notes.source_notes(status, rules, files),
        ),
    )
    return MeetingPack(
        selection=sel,
        names=names,
        title="Kaji tiru Zona Integritas",
        subtitle=sources.subtitle(names, learner),
        detail=f"Tahun penilaian {year} · {stage_label(stage)} · {SCOPE_LABELS.get(scope, scope)} · sasaran {PREDICATE_LABELS[predicate]}",
        as_of=date_text(status["loaded_at"]),
        footer=f"Data per {date_text(status['loaded_at'])}, sumber: {files} · {stage_label(stage)}",
        sample=bool(status["has_sample"]),
        rules_version=rules.version,
        thresholds=thresholds,
        target=totals.get(predicate),
        rubric_change=change,
        weakest_area=ctx.weakest,
        tables=tables,
        sections=sections,
        facts=sources.facts(ctx, sel, who.unit, status, rules, rubric, own),
        sources=sources.sources(wh, rules, names, practices.frame),
        unit_total=who.total,
        origin=(wh.cache_key(), sel),
    )


# st.cache_data pickles the pack; it is keyed on the warehouse version, so a new load is a new pack.
cached_pack = st.cache_data(hash_funcs={Warehouse: Warehouse.cache_key}, max_entries=16, show_spinner=False)(build_pack)


def _learner(units, sel: Selection, province_name: str) -> Learner:
    """The learning province, or the chosen unit of it among its units scored at the stage."""
    row = units[units["unit_id"] == sel.unit_id] if sel.unit_id else units.iloc[0:0]
    if row.empty:
        return Learner(sel.provinces[0], province_name)
    first = row.iloc[0]
    return Learner(sel.provinces[0], province_name, sel.unit_id, first["unit"], first["jenis_unit"], float(first["total"]))


def _standing(summary: Table, learner: int) -> tuple[float | None, int | None]:
    """The learner's mean total and assessed units at the stage, as the summary has them."""
    own = summary.frame[summary.frame["province_code"] == learner]
    if own.empty or own["mean_total"].isna().iat[0]:
        return None, None
    return float(own["mean_total"].iat[0]), int(own["assessed"].iat[0])

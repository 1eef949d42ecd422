"""Prioritas perbaikan: areas, halves and sub-areas ranked by the WBK/WBBM conditions they alone can
lift and by the points recoverable (weight x shortfall), with the total reached if fixed in order."""

import streamlit as st

from zi.domain.rules import load_rules
from zi.present import charts, ui
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(
    wh, "Prioritas perbaikan", "Apa yang dibenahi lebih dulu: butir yang menghambat syarat, lalu yang poinnya paling besar."
)

provinces = ui.province_filter(wh, multi=False)
year, stage, predicate, scope = ui.year_stage_predicate_scope(wh)
units = queries.unit_totals(wh, year, stage, scope, provinces)
if units.empty:
    ui.empty_notice(f"Provinsi ini belum punya nilai {stage} pada {year}.")
    st.stop()
labels: dict[str | None, str] = {
    None: "Semua unit (rata-rata per unit)",
    **dict(zip(units["unit_id"], units["unit"], strict=True)),
}
unit_id = st.selectbox("Unit kerja", list(labels), format_func=labels.__getitem__, key="unit_prioritas")

items = queries.priority_items(wh, year, stage, predicate, scope, provinces, unit_id)
if items.empty:
    ui.empty_notice("Belum ada rincian nilai untuk pilihan ini.")
    st.stop()
rubric = rules.rubric_for_year(year)
target = rules.total_thresholds(rubric).get(predicate)
ui.show_chart(charts.priority_chart(items, target, stage), "prioritas", labels[unit_id], predicate, year, stage)
st.caption(
    "Urutan: butir yang sendirian dapat mengangkat syarat yang belum terpenuhi (capaian area/paruhnya, atau indikator hasilnya) "
    "di paling banyak unit, lalu poin yang dapat diraih bila butir dipenuhi penuh (bobot × kekurangan capaian)."
)
ui.show_table(
    items[
        [
            "code",
            "name",
            "level",
            "weight",
            "mean_points",
            "mean_pct",
            "recoverable",
            "units_blocked",
            "units",
            "cumulative_total",
        ]
    ],
    ("prioritas", labels[unit_id], predicate, year, stage),
    columns={
        "code": "Kode",
        "name": "Butir",
        "level": "Tingkat",
        "weight": "Bobot",
        "mean_points": "Nilai rata-rata",
        "mean_pct": "Capaian (%)",
        "recoverable": "Poin dapat diraih",
        "units_blocked": "Unit terhambat olehnya",
        "units": "Unit",
        "cumulative_total": "Total kumulatif",
    },
)

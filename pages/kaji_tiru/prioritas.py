"""Prioritas perbaikan: where item answers were loaded, every answer of a unit that can still rise, one step
at a time (C -> B -> A, Tidak -> Ya, a % item to 100 %), ranked by the WBK/WBBM conditions the step alone
lifts, then by its points, with the total after each step; for a province, the items its units most often
answer short. Below, or alone where only rekap/rincian data exists: sub-areas ranked by the conditions they
can lift and the points recoverable (weight x shortfall)."""

import streamlit as st

from zi.domain.rules import load_rules
from zi.present import charts, item_charts, ui
from zi.present.labels import PRIORITY_LABELS, conditions_text, number
from zi.query import items as item_queries
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(
    wh, "Prioritas perbaikan", "Apa yang dibenahi lebih dulu: jawaban yang menghambat syarat, lalu yang poinnya paling besar."
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
rubric = rules.rubric_for_year(year)
target = rules.total_thresholds(rubric).get(predicate)
SURVEY_NOTE = "IPAK dan IPKP adalah hasil survei, bukan jawaban unit: tidak masuk langkah perbaikan."

st.subheader("Per butir LKE")
if unit_id is not None:
    steps = item_queries.item_steps(wh, unit_id, year, stage, predicate)
    if steps.empty:
        ui.empty_notice(f"Unit ini belum punya jawaban LKE per butir untuk {stage} {year}; lihat urutan per sub-area di bawah.")
    else:
        start = float(units.loc[units["unit_id"] == unit_id, "total"].iat[0])
        needed = item_queries.steps_to_threshold(steps, start, target)
        left, middle, right = st.columns(3)
        left.metric(f"Nilai total {stage} sekarang", number(start))
        if target is not None:
            middle.metric(f"Ambang total {predicate}", number(target, 0))
            right.metric(
                f"Langkah sampai ambang total {predicate}",
                "–" if needed is None else str(needed),
                help="Banyaknya langkah teratas yang bersama-sama mencapai ambang nilai total; syarat lain dapat tetap belum terpenuhi.",
            )
        ui.show_chart(
            item_charts.steps_chart(steps, start, target, stage), "prioritas_butir", labels[unit_id], predicate, year, stage
        )
        st.caption(
            "Urutan: langkah yang sendirian mengangkat syarat yang belum terpenuhi (merah), lalu yang poinnya paling besar. "
            f"Poin menurut rumus aturan: bobot sub-area × kenaikan nilai butir / banyak butir sub-area. {SURVEY_NOTE}"
        )
        shown = steps.assign(lifts=[conditions_text(lifts, rubric) for lifts in steps["lifts"]])
        ui.show_table(
            shown[["rank", "kode", "pertanyaan", "before", "after", "gain", "lifts", "total", "failing", "sub_area_name"]],
            ("prioritas_butir", labels[unit_id], predicate, year, stage),
            columns={
                "rank": "Langkah",
                "before": "Jawaban sekarang",
                "after": "Menjadi",
                "gain": "Tambahan poin",
                "lifts": "Mengangkat syarat",
                "total": "Nilai total setelahnya",
                "failing": f"Syarat {predicate} belum terpenuhi",
            },
            decimals=3,
        )
else:
    gaps = item_queries.item_gaps(wh, year, stage, scope, provinces)
    if gaps.empty:
        ui.empty_notice(
            f"Provinsi ini belum punya jawaban LKE per butir untuk {stage} {year}; lihat urutan per sub-area di bawah."
        )
    else:
        ui.show_chart(item_charts.gaps_chart(gaps, stage), "prioritas_butir_provinsi", predicate, year, stage)
        st.caption(
            f"Poin rata-rata per unit bila butir dijawab penuh (bobot butir × rata-rata kekurangan nilainya). {SURVEY_NOTE}"
        )
        ui.show_table(
            gaps[["kode", "pertanyaan", "units", "full_units", "full_pct", "mean_value", "recoverable", "sub_area_name"]],
            ("prioritas_butir_provinsi", predicate, year, stage),
            columns={
                "units": "Unit",
                "full_units": "Unit menjawab penuh",
                "full_pct": "Menjawab penuh (%)",
                "mean_value": "Nilai rata-rata (0–1)",
                "recoverable": "Poin dapat diraih per unit",
            },
            decimals=3,
        )

st.subheader("Per sub-area")
items = queries.priority_items(wh, year, stage, predicate, scope, provinces, unit_id)
if items.empty:
    ui.empty_notice("Belum ada rincian nilai untuk pilihan ini.")
    st.stop()
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
    columns=PRIORITY_LABELS,
)

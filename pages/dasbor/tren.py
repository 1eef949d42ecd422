"""Tren menuju WBK: totals over the years per province and per unit, as % of the rubric's maximum so
52/2014 and 90/2021 stay comparable, with the WBK/WBBM lines from the rules file, the rubric change
marked, units meeting every WBK condition per year, and a slope chart between two years."""

import streamlit as st

from zi.domain.rules import load_rules
from zi.present import charts, ui
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(wh, "Tren menuju WBK", "Perkembangan nilai dari tahun ke tahun menuju ambang WBK dan WBBM.")

provinces = ui.province_filter(wh)
left, right = st.columns(2)
with left:
    stage = ui.stage_filter()
with right:
    scope = ui.scope_filter()
if not provinces:
    ui.empty_notice("Pilih setidaknya satu provinsi.")
    st.stop()
trend = queries.province_trend(wh, stage, scope, provinces)
if trend.empty:
    ui.empty_notice(f"Belum ada nilai {stage} untuk provinsi terpilih.")
    st.stop()

change = rules.newest_rubric_start()
newest = rules.rubric_for_year(change)
thresholds = {p: 100 * v / rules.rubrics[newest].total for p, v in rules.total_thresholds(newest).items()}
names = "-".join(trend["province"].unique())
st.caption(
    f"Nilai ditampilkan sebagai % dari nilai maksimum rubriknya agar tahun sebelum dan sesudah {change} dapat dibandingkan. "
    "Garis ambang mengikuti rubrik terbaru (ambang rubrik lama belum dikonfirmasi)."
)
ui.show_chart(
    charts.trend_lines(trend, "mean_pct", "province", stage, "Rata-rata nilai total per provinsi", thresholds, change),
    "tren_provinsi",
    stage,
    names,
)

st.subheader("Unit yang memenuhi semua syarat WBK per tahun")
ui.show_table(
    trend[["province", "year", "rubric", "assessed", "mean_total", "mean_pct", "eligible_wbk", "eligible_wbbm"]],
    ("tren_kelayakan", stage, names),
    columns={
        "assessed": f"Unit dinilai {stage}",
        "mean_pct": "Capaian rata-rata (% maks.)",
        "eligible_wbk": "Memenuhi syarat WBK",
        "eligible_wbbm": "Memenuhi syarat WBBM",
    },
)
st.caption("Kosong (–) berarti belum diketahui: ambang rubrik PermenPANRB 52/2014 belum dikonfirmasi.")

units = queries.unit_trend(wh, stage, scope, provinces)
st.subheader("Tren per unit kerja")
labels = dict(zip(units["unit_id"], units["label"], strict=True))
best = queries.top_units(units, 5)
if (kept := st.session_state.get("unit_tren")) and not set(kept) & set(labels):
    del st.session_state["unit_tren"]  # units of provinces no longer chosen: back to the default, not an empty chart
picked = st.multiselect(
    "Unit kerja",
    list(labels),
    default=best,
    format_func=labels.__getitem__,
    key="unit_tren",
    help="Bawaan: lima unit dengan nilai terakhir tertinggi",
)
if picked:
    ui.show_chart(
        charts.trend_lines(
            units[units["unit_id"].isin(picked)],
            "total_pct",
            "label",
            stage,
            "Nilai total unit kerja",
            thresholds,
            change,
            colour_by_province=False,
        ),
        "tren_unit",
        stage,
        names,
    )
else:
    ui.empty_notice("Pilih satu unit kerja atau lebih untuk melihat trennya.")

st.subheader("Perubahan antara dua tahun")
years = sorted(units["year"].unique())
if len(years) < 2:
    ui.empty_notice("Perlu data dari setidaknya dua tahun.")
    st.stop()
year_from, year_to = st.select_slider("Tahun awal dan akhir", options=years, value=(years[-2], years[-1]), key="rentang")
slopes = queries.slope(wh, stage, scope, provinces, int(year_from), int(year_to))
if slopes.empty:
    ui.empty_notice(f"Tidak ada unit yang dinilai {stage} pada {year_from} dan {year_to} sekaligus.")
else:
    ui.show_chart(charts.slope_chart(slopes, year_from, year_to, stage), "tren_slope", stage, year_from, year_to, names)

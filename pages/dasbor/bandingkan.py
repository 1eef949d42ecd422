"""Bandingkan Provinsi: two or more provinces (default Kalimantan Tengah vs Jawa Barat) side by side
for a year, stage and scope: area achievement against the peer mean, distribution of unit totals,
predicate counts, the difference table, and each area over the years; where LKE answers were loaded, the
questions whose share of full answers differs most between the provinces (the kaji tiru agenda)."""

import streamlit as st

from zi.domain.rules import load_rules
from zi.present import charts, item_charts, ui
from zi.query import items as item_queries
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(wh, "Bandingkan Provinsi", "Bahan kaji tiru: di area mana satu provinsi tertinggal dari yang lain.")

provinces = ui.province_filter(wh)
year, stage, scope = ui.year_stage_scope(wh)

if len(provinces) < 2:
    ui.empty_notice("Pilih setidaknya dua provinsi untuk dibandingkan.")
    st.stop()
achievement = queries.area_achievement(wh, year, stage, scope, provinces)
if achievement.empty:
    ui.empty_notice(f"Provinsi terpilih belum punya nilai {stage} pada tahun {year}. Coba tahun atau tahap lain.")
    st.stop()
shown = achievement.dropna(subset=["province_code"])
names = "-".join(shown["province"].unique())
if absent := len(set(provinces) - set(shown["province_code"].astype(int))):
    st.info(f"{absent} provinsi terpilih belum punya nilai {stage} pada {year}; tidak tampil di grafik.")

ui.show_chart(charts.area_bars(achievement, stage), "bandingkan_area", year, stage, names)

units = queries.unit_totals(wh, year, stage, scope, provinces)
thresholds = rules.total_thresholds(rules.rubric_for_year(year))
ui.show_chart(charts.total_distribution(units, stage, thresholds), "bandingkan_sebaran", year, stage, names)

summary = queries.province_summary(wh, year, stage, scope, provinces)
counts = {"wbk": "Predikat WBK", "wbbm": "Predikat WBBM", "eligible_wbk": f"Memenuhi syarat WBK ({stage})"}
ui.show_chart(
    charts.count_bars(summary, counts, f"Predikat dan kelayakan, {year}", stage), "bandingkan_predikat", year, stage, names
)

trend = queries.area_trend(wh, stage, scope, provinces)
ui.show_chart(charts.area_small_multiples(trend, stage, rules.newest_rubric_start()), "bandingkan_area_tren", stage, names)

st.subheader("Per butir LKE: di mana provinsi paling berbeda")
shares = item_queries.item_shares(wh, year, stage, scope, provinces)
differences = item_queries.share_differences(shares, provinces)
with_answers = shares.drop_duplicates("province_code")["province"].tolist()
if len(with_answers) < 2:
    ui.empty_notice(
        f"Perbandingan per butir perlu jawaban LKE per butir ({stage} {year}) dari dua provinsi atau lebih; "
        f"yang ada: {', '.join(with_answers) or 'belum ada'}."
    )
else:
    ui.show_chart(item_charts.share_difference_chart(differences, shares, stage), "bandingkan_butir", year, stage, names)
    st.caption(
        "Bagian unit yang menjawab butir itu penuh (nilai 1), per provinsi; butir dengan selisih terbesar lebih dulu: "
        "bahan agenda kaji tiru."
    )
    if section := ui.on_demand("Selisih per butir (semua butir)", "bandingkan_butir"):
        with section:
            ui.show_table(
                differences.drop(columns=["spread"]),
                ("bandingkan_butir", year, stage, names),
                columns={"area": "Area"},
                decimals=1,
            )

# Tables after the charts, on demand: the table component's code would hold up the first chart.
if section := ui.on_demand("Selisih capaian per area (poin persentase dari bobot)", "bandingkan_selisih"):
    with section:
        ui.show_table(queries.area_differences(achievement), ("bandingkan_selisih", year, stage, names), decimals=1)
if section := ui.on_demand("Nilai setiap unit kerja", "bandingkan_unit"):
    with section:
        ui.show_table(units.drop(columns=["unit_id", "province_code"]), ("bandingkan_unit", year, stage, names))

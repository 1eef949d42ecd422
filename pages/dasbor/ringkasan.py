"""Ringkasan: per province, units building ZI, proposed, predicates held, the chosen stage's totals
(mean, spread), a ranking with its change against the previous year, and national/peer averages."""

import streamlit as st

from zi.present import charts, ui
from zi.present.labels import number, percent, rank_change_text, stage_label
from zi.query import queries

wh = ui.warehouse()
ui.page_header(wh, "Ringkasan", "Posisi setiap provinsi dalam pembangunan Zona Integritas pada satu tahun penilaian.")

year, stage, scope = ui.year_stage_scope(wh)
peers = ui.province_filter(wh, label="Provinsi pembanding (untuk rata-rata terpilih)")

summary = queries.province_summary(wh, year, stage, scope)
if summary.empty:
    ui.empty_notice(f"Belum ada data penilaian untuk tahun {year} dengan cakupan ini.")
    st.stop()

averages = queries.averages(wh, year, stage, scope, peers)
columns = st.columns(2 + len(averages))
columns[0].metric("Provinsi dengan data", len(summary))
columns[1].metric("Unit membangun ZI", int(summary["units"].sum()))
for column, row in zip(columns[2:], averages.itertuples(), strict=True):
    column.metric(
        f"{row.label} ({stage})",
        number(row.mean_total),
        help=f"{row.assessed} unit; capaian {percent(row.mean_pct)} dari maksimum; simpangan baku {number(row.std_total)}",
    )

st.subheader(f"Peringkat provinsi — nilai {stage_label(stage)} {year}")
st.caption(
    "Peringkat menurut rata-rata nilai total sebagai % dari maksimum rubrik; perubahan dibanding tahun sebelumnya "
    "(▲ naik, ▼ turun, – tetap atau belum berperingkat)."
)
ranking = summary[
    [
        "rank",
        "rank_change",
        "province",
        "units",
        "proposed",
        "wbk",
        "wbbm",
        "assessed",
        "mean_total",
        "std_total",
        "mean_pct",
        "eligible_wbk",
    ]
]
ui.show_table(
    ranking,
    ("ringkasan_peringkat", year, stage),
    columns={
        "rank_change": "Perubahan peringkat",
        "assessed": f"Unit dinilai {stage}",
        "mean_total": f"Rata-rata nilai {stage}",
        "mean_pct": "Capaian rata-rata (% maks.)",
        "eligible_wbk": f"Memenuhi syarat WBK ({stage})",
    },
    formats={"rank_change": rank_change_text},
)

counts = {"units": "Unit membangun ZI", "proposed": "Diusulkan ke TPN", "wbk": "Predikat WBK", "wbbm": "Predikat WBBM"}
ui.show_chart(charts.count_bars(summary, counts, f"Unit kerja per provinsi, {year}"), "ringkasan_unit", year)

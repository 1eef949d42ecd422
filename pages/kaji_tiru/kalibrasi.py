"""Kalibrasi penilai: SA vs TPI vs TPN for the same unit-year: differences per area and province,
which stage scores most generously, and where TPI and TPN disagree most."""

import streamlit as st

from zi.present import charts, ui
from zi.query import queries

wh = ui.warehouse()
ui.page_header(
    wh,
    "Kalibrasi penilai",
    "Seberapa murah hati penilaian mandiri dan TPI dibanding penilai nasional, pada unit-tahun yang sama.",
)

provinces = ui.province_filter(wh)
left, right = st.columns(2)
with left:
    years: dict[int | None, str] = {None: "Semua tahun"} | {y: str(y) for y in queries.years_available(wh)}
    year = st.selectbox("Tahun penilaian", list(years), format_func=years.__getitem__, key="tahun_kalibrasi")
with right:
    scope = ui.scope_filter()
if not provinces:
    ui.empty_notice("Pilih setidaknya satu provinsi.")
    st.stop()
units = queries.calibration_units(wh, scope, provinces, year)
if units.empty:
    ui.empty_notice("Belum ada unit-tahun yang dinilai pada lebih dari satu tahap.")
    st.stop()

st.subheader("Tahap yang paling murah hati")
summary = queries.calibration_summary(units)
ui.show_table(
    summary.drop(columns=["province_code"]),
    ("kalibrasi_ringkasan", years[year]),
    columns={
        "sa_minus_tpi": "SA − TPI (poin)",
        "tpi_minus_tpn": "TPI − TPN (poin)",
        "pairs_sa_tpi": "Pasangan SA-TPI",
        "pairs_tpi_tpn": "Pasangan TPI-TPN",
        "most_generous": "Paling murah hati",
    },
)
st.caption(
    "Selisih positif: tahap pertama memberi nilai lebih tinggi. Dihitung hanya pada unit-tahun yang dinilai di kedua tahap."
)

areas = queries.calibration_areas(wh, scope, provinces, year)
ui.show_chart(
    charts.calibration_bars(areas, "sa_minus_tpi", "Penilaian mandiri dibanding TPI per area (SA − TPI)"),
    "kalibrasi_sa_tpi",
    years[year],
)
ui.show_chart(
    charts.calibration_bars(areas, "tpi_minus_tpn", "TPI dibanding TPN per area (TPI − TPN)"), "kalibrasi_tpi_tpn", years[year]
)
ui.show_chart(charts.stage_scatter(units, "tpn", "tpi", "TPN", "TPI"), "kalibrasi_sebaran", years[year])

st.subheader("Di mana TPI dan TPN paling berbeda")
ui.show_table(
    units.dropna(subset=["tpi_minus_tpn"]).head(20)[
        ["province", "unit", "year", "rubric", "sa", "tpi", "tpn", "sa_minus_tpi", "tpi_minus_tpn"]
    ],
    ("kalibrasi_terbesar", years[year]),
    columns={"sa": "SA", "tpi": "TPI", "tpn": "TPN", "sa_minus_tpi": "SA − TPI", "tpi_minus_tpn": "TPI − TPN"},
)

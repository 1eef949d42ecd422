"""Kalibrasi penilai: SA vs TPI vs TPN for the same unit-year: differences per area and province,
which stage scores most generously, and where TPI and TPN disagree most. Where LKE answers were loaded,
per question: how often the TPI lowered or raised the unit's own answer (and the TPN the TPI's), per item
and province, with every changed answer and the TPI's note on demand."""

import streamlit as st

from zi.present import charts, item_charts, ui
from zi.query import items as item_queries
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

st.subheader("Per butir LKE: di mana TPI mengubah jawaban unit")
calibration = item_queries.item_calibration(wh, scope, provinces, year)
if calibration.empty:
    ui.empty_notice(
        "Belum ada jawaban LKE per butir yang dinilai pada dua tahap untuk pilihan ini; perbandingan per area di atas."
    )
    st.stop()
ui.show_chart(item_charts.calibration_items_chart(calibration), "kalibrasi_butir", years[year])
st.caption(
    "Bagian unit yang jawabannya diturunkan (atau dinaikkan) TPI, dari unit yang butir itu dinilai pada SA dan TPI; "
    "perubahan poin rata-rata per unit menurut bobot butir."
)
sa_tpi = calibration[calibration["sa_tpi_units"] > 0]
ui.show_table(
    sa_tpi[
        [
            "province",
            "kode",
            "pertanyaan",
            "sa_tpi_units",
            "tpi_lowered_pct",
            "tpi_raised_pct",
            "tpi_change_points",
            "sub_area_name",
        ]
    ],
    ("kalibrasi_butir", years[year]),
    columns={
        "sa_tpi_units": "Unit SA dan TPI",
        "tpi_lowered_pct": "Diturunkan TPI (%)",
        "tpi_raised_pct": "Dinaikkan TPI (%)",
        "tpi_change_points": "Perubahan poin rata-rata",
    },
    decimals=1,
)
tpn = calibration[calibration["tpi_tpn_units"] > 0]
if tpn.empty:
    st.caption(
        "Belum ada jawaban TPN per butir (TPN dari rekap saja): TPI dibanding TPN per butir tampil bila jawaban TPN dimuat."
    )
elif section := ui.on_demand(f"TPI dibanding TPN per butir ({len(tpn)})", "kalibrasi_butir_tpn"):
    with section:
        ui.show_table(
            tpn.sort_values("tpn_lowered_pct", ascending=False)[
                [
                    "province",
                    "kode",
                    "pertanyaan",
                    "tpi_tpn_units",
                    "tpn_lowered_pct",
                    "tpn_raised_pct",
                    "tpn_change_points",
                    "sub_area_name",
                ]
            ],
            ("kalibrasi_butir_tpn", years[year]),
            columns={
                "tpi_tpn_units": "Unit TPI dan TPN",
                "tpn_lowered_pct": "Diturunkan TPN (%)",
                "tpn_raised_pct": "Dinaikkan TPN (%)",
                "tpn_change_points": "Perubahan poin rata-rata",
            },
            decimals=1,
        )
if section := ui.on_demand("Jawaban yang diubah TPI, unit per unit", "kalibrasi_koreksi"):
    with section:
        # the items most often lowered first (the table above is in that order)
        codes = {c: f"{c} · {q}" for c, q in zip(sa_tpi["kode"], sa_tpi["pertanyaan"], strict=True)}
        code = st.selectbox("Butir", list(codes), format_func=codes.__getitem__, key="kalibrasi_butir_pilih")
        corrections = item_queries.tpi_corrections(wh, scope, provinces, year, code)
        ui.show_table(
            corrections[
                ["province", "unit", "year", "kode", "pertanyaan", "sa_jawaban", "tpi_jawaban", "change_points", "tpi_catatan"]
            ],
            ("kalibrasi_koreksi", years[year], code),
            columns={
                "sa_jawaban": "Jawaban SA",
                "tpi_jawaban": "Jawaban TPI",
                "change_points": "Perubahan poin",
                "tpi_catatan": "Catatan TPI",
            },
            decimals=3,
        )
        st.caption(f"Paling banyak {len(corrections)} baris pertama, penurunan terbesar lebih dulu.")

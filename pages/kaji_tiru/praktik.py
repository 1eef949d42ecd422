"""Praktik baik: the good practices recorded (unit, area or sub-area, practice, year, source), what a
visit is for; inspectors add their own through the same ETL from a CSV."""

import streamlit as st

from zi.present import ui
from zi.present.exports import csv_for_excel
from zi.query import queries

wh = ui.warehouse()
ui.page_header(
    wh, "Praktik baik", "Yang dapat dipelajari dalam kunjungan: praktik baik tercatat, masing-masing dengan sumbernya."
)

available = queries.provinces_available(wh)
chosen = st.multiselect(
    "Provinsi",
    available["province_code"].tolist(),
    format_func=dict(zip(available["province_code"], available["province"], strict=True)).__getitem__,
    key="provinsi_praktik",
    placeholder="Semua provinsi",
)
practices = queries.practices(wh, chosen or None)
if practices.empty:
    ui.empty_notice("Belum ada praktik baik tercatat untuk pilihan ini.")
else:
    ui.show_table(
        practices[
            ["province", "instansi", "unit", "year", "area_name", "subarea", "subarea_name", "practice", "source", "catatan"]
        ],
        ("praktik_baik",),
        columns={
            "area_name": "Area",
            "subarea": "Kode sub-area",
            "subarea_name": "Sub-area",
            "practice": "Praktik",
            "source": "Sumber",
            "catatan": "Catatan",
        },
    )

st.subheader("Menambah praktik baik dari kunjungan")
st.markdown(
    "Isi templat di bawah (satu baris per praktik; `provinsi`, `tahun`, `praktik`, dan `sumber` wajib; `area` berupa kode "
    "seperti `MP` dan `sub_area` berupa kode seperti `MP-R2`), lalu muat dengan `python -m etl load berkas.csv` "
    "atau lewat halaman Unggah Data. Baris yang sama persis tidak dimuat dua kali."
)
template = queries.practice_template()
st.download_button(
    "Unduh templat praktik baik (CSV)",
    csv_for_excel(template),
    file_name="zi_templat_praktik_baik.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

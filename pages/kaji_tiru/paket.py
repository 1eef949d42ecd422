"""Paket rapat: the meeting pack of one selection (the first province learns, the second is visited;
optionally one unit of the first, whose own LKE answers the sections by question then follow), a list
of what it holds, and — when asked — the PowerPoint deck (native charts, speaker notes) and the Excel
workbook (selection and sources first, one sheet per table) to download.

The files are built only after the button is pressed and are cached per selection and warehouse
version, so choosing filters stays fast."""

import streamlit as st

from zi.meeting.content import model
from zi.meeting.content.pack import cached_pack
from zi.meeting.render import deck, workbook
from zi.present import ui
from zi.present.labels import markdown_text

wh = ui.warehouse()
ui.page_header(
    wh, "Paket rapat", "Bahan rapat kaji tiru dalam satu klik: presentasi PowerPoint dan buku kerja Excel dari pilihan di bawah."
)

provinces = ui.province_filter(wh, label="Provinsi (pertama: yang belajar; kedua: yang dikunjungi)")
year, stage, predicate, scope = ui.year_stage_predicate_scope(wh)
if len(provinces) < 2:
    ui.empty_notice("Pilih dua provinsi atau lebih: provinsi pertama belajar dari provinsi kedua.")
    st.stop()

unit_id = ui.meeting_unit_filter(wh, provinces[0], year, stage, scope, "Unit kerja (untuk butir yang perlu diperbaiki)")
selection = model.Selection(tuple(provinces), year, stage, scope, predicate, unit_id)
pack = cached_pack(wh, selection)
st.subheader(markdown_text(pack.subtitle))
st.caption(pack.detail)
st.dataframe(model.contents(pack, deck.cached_slide_numbers(pack)), hide_index=True, key="isi_paket")
st.caption(
    "Grafik di PowerPoint adalah grafik asli (datanya ikut tersimpan dan dapat disunting); catatan pembicara memuat "
    "angka kunci setiap slide; tabel yang panjang berlanjut ke slide berikutnya. Urutan yang sama tampil di halaman "
    "Mode presentasi."
)

if st.button("Siapkan berkas rapat", type="primary", icon=":material/inventory_2:", key="siapkan"):
    st.session_state["paket_siap"] = selection
if st.session_state.get("paket_siap") == selection:
    with st.spinner("Menyusun presentasi dan buku kerja…"):
        slides, sheets = deck.cached_deck(pack), workbook.cached_workbook(pack)
    left, right = st.columns(2)
    left.download_button(
        "Unduh PowerPoint (.pptx)",
        slides,
        file_name=pack.file_name("pptx"),
        icon=":material/slideshow:",
        key="unduh_pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
    )
    right.download_button(
        "Unduh Excel (.xlsx)",
        sheets,
        file_name=pack.file_name("xlsx"),
        icon=":material/table_view:",
        key="unduh_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )

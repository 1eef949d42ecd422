"""Metodologi & Sumber: the weights and thresholds of the rules file (with provisional marks), the
load history and what each file was, and the published context indices with their sources."""

import streamlit as st

from zi.domain.bank import load_bank
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import LOAD_HISTORY_LABELS, number
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(wh, "Metodologi & Sumber", "Dari mana angka di dasbor ini berasal dan aturan apa yang dipakai.")

st.markdown(
    f"""
Semua bobot, ambang batas, dan konversi indeks survei berasal dari satu berkas aturan,
`data/rules.toml` (versi **{rules.version}**). Nilai bertanda *sementara* (provisional) bersandar pada
satu sumber sekunder dan dapat dikoreksi di berkas itu tanpa mengubah kode. Setiap nilai membawa
rubriknya: PermenPANRB 52/2014 untuk tahun penilaian sampai 2021, PermenPANRB 90/2021 sejak
{rules.newest_rubric_start()}. Angka di setiap grafik menyebut tahapnya: **SA** (penilaian mandiri),
**TPI** (Tim Penilai Internal), **TPN** (Tim Penilai Nasional).
"""
)

st.subheader("Ambang batas WBK dan WBBM")
thresholds = queries.rule_thresholds(wh)
ui.show_table(
    thresholds[["regulation", "predicate", "condition", "minimum", "requires_prior", "provisional", "source"]],
    ("metodologi_ambang",),
    columns={
        "regulation": "Rubrik",
        "predicate": "Predikat",
        "condition": "Syarat",
        "minimum": "Ambang",
        "requires_prior": "Syarat riwayat",
        "provisional": "Sementara",
        "source": "Sumber",
    },
)
st.caption(
    "Syarat `area_pct`: setiap area pengungkit (tiap paruh bila pemenuhan/reform diketahui) minimal sekian % dari bobotnya. "
    "Rubrik tanpa baris ambang: kelayakan belum diketahui, bukan 'tidak memenuhi'."
)

st.subheader("Bobot")
weights = queries.rule_weights(wh)
ui.show_table(
    weights[["regulation", "level", "code", "name", "weight", "parent", "provisional", "source"]],
    ("metodologi_bobot",),
    columns={
        "regulation": "Rubrik",
        "level": "Tingkat",
        "code": "Kode",
        "name": "Butir",
        "weight": "Bobot",
        "parent": "Induk",
        "provisional": "Sementara",
        "source": "Sumber",
    },
)

st.subheader("Bank soal LKE")
bank = load_bank(rules)
zero = ", ".join(f"{code} = {number(value, 0)}" for code, value in bank.zero.values.items())
st.markdown(
    f"Nilai dari LKE dihitung dari jawaban per butir dengan bank soal `data/{bank.path.name}` (versi {bank.version}: daftar soal "
    f"PortalRB 2026 dan LAMPIRAN III PermenPANRB 90/2021) dan bobot sub-area di atas, bukan dari rumus buku kerja. Butir % dihitung "
    f"dari jumlah di bawahnya; bila pembaginya nol, aturan *sementara* `[lke.zero_denominator]` menentukan nilainya ({zero}; butir lain "
    "ditolak)."
)
if section := ui.on_demand(f"Semua butir bank soal ({len(bank.items)})", "metodologi_bank_soal"):
    with section:
        ui.show_table(
            queries.rule_questions(wh),
            ("metodologi_bank_soal",),
            columns={
                "kode": "Kode",
                "soal_id": "ID PortalRB",
                "bagian": "Bagian",
                "area": "Area",
                "sub_area": "Sub-area",
                "sub_area_name": "Nama sub-area",
                "sub_area_weight": "Bobot sub-area",
                "jenis": "Jenis",
                "options": "Nilai pilihan",
                "formula": "Rumus",
                "pertanyaan": "Pertanyaan",
                "source": "Sumber",
                "bank_version": "Versi bank",
            },
        )

st.subheader("Riwayat muatan data")
ui.show_table(
    queries.load_history(wh),
    ("metodologi_riwayat_muatan",),
    columns=LOAD_HISTORY_LABELS,
)
if section := ui.on_demand("File per muatan (hash dan dialek yang terdeteksi)", "metodologi_file"):
    with section:
        ui.show_table(
            queries.load_files(wh),
            ("metodologi_file",),
            columns={
                "load_id": "Muatan",
                "loaded_at": "Waktu",
                "file_name": "File",
                "sha256": "SHA-256",
                "kind": "Jenis",
                "rows": "Baris",
                "rubrics": "Rubrik",
                "dialect": "Dialek",
            },
        )

st.subheader("Indeks konteks yang dipublikasikan")
st.caption(
    "Angka nyata dari sumber terbitan (bukan data contoh): Indeks RB (IRB), Survei Penilaian Integritas KPK (SPI), "
    "Monitoring Center for Prevention KPK (MCP). Kategori dan metode berbeda antartahun."
)
ui.show_table(
    queries.context_indices(wh).drop(columns=["province_code"]),
    ("metodologi_indeks_konteks",),
    columns={
        "indeks": "Indeks",
        "tahun": "Tahun",
        "nilai": "Nilai",
        "kategori": "Kategori",
        "sumber": "Sumber",
        "catatan": "Catatan",
    },
)
st.subheader("Penghargaan ZI nasional")
ui.show_table(
    queries.national_awards(wh),
    ("metodologi_penghargaan_nasional",),
    columns={
        "tahun": "Tahun",
        "unit_dievaluasi": "Unit dievaluasi",
        "wbk": "WBK",
        "wbbm": "WBBM",
        "sumber": "Sumber",
        "catatan": "Catatan",
    },
)

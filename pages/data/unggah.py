"""Unggah Data: add a province's new results in the browser: rekap and long tables, or LKE workbooks and
PortalRB JSON with their manifest (`lke_daftar.csv`), or one LKE file whose unit a small form gives. The ETL
checks the files in a separate process and the full report comes first: every problem located by file, row,
column (for an LKE: cell and item) and value, every warning, the totals the rules compute per LKE unit and
stage, the rows that will be added, and the values that will be replaced (old -> new). Nothing is written
until the user confirms; confirming runs the same atomic load as `python -m etl load`."""

import streamlit as st

from zi.desk import auth, load_report, uploads
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import markdown_text
from zi.query import queries
from zi.query.db import file_version

CHECKED = "unggah_periksa"  # session: the staged files, their check report and the warehouse version checked against
DONE = "unggah_hasil"  # session: the outcome of the last load, shown once after the rerun
ROUND = "unggah_putaran"  # session: part of the uploader's key, so a finished load empties it

wh = ui.warehouse()
access = auth.current()
ui.page_header(
    wh,
    "Unggah Data",
    "Tambahkan hasil penilaian: rekap CSV/XLSX, atau LKE (buku kerja, jawaban PortalRB) "
    "dengan daftarnya. File diperiksa dulu; tidak ada yang ditulis sebelum Anda mengonfirmasi.",
)
auth.status_caption(access)
if not access.can_edit:
    ui.empty_notice("Akun Anda hanya dapat melihat data. Pengunggahan dilakukan oleh penyunting.")
    st.stop()
if ui.dataset_location():  # a replica serving a Parquet snapshot: the DuckDB file here is not what it shows
    ui.empty_notice(
        "Dasbor ini membaca dataset Parquet (ZI_DATASET) yang hanya dapat dibaca; muat data di server "
        "gudang data lalu ekspor ulang (python -m etl export)."
    )
    st.stop()

limits = uploads.Limits.from_rules(load_rules())
db = ui.db_path()

if done := st.session_state.pop(DONE, None):
    counts = load_report.counts(done.report)
    if done.status == "loaded":
        answers = (
            f"; {counts.get('lke_added', 0)} jawaban LKE baru, {counts.get('lke_replaced', 0)} diganti"
            if counts.get("lke_added", 0) + counts.get("lke_replaced", 0)
            else ""
        )
        st.success(
            f"Muatan #{done.report.get('load_id')} selesai: {counts.get('rekap_added', 0)} baris rekap baru, "
            f"{counts.get('rekap_replaced', 0)} diganti; {counts.get('rincian_added', 0)} nilai rincian baru, "
            f"{counts.get('rincian_replaced', 0)} diganti{answers}. Semua halaman menampilkan data baru pada interaksi berikutnya.",
            icon=":material/check_circle:",
        )
    else:
        st.info("Tidak ada perubahan: semua baris sudah sama dengan isi gudang data.", icon=":material/info:")

files = st.file_uploader(
    "File rekap, rincian, atau LKE (CSV, XLSX, JSON)",
    type=list(uploads.ACCEPTED_TYPES),
    accept_multiple_files=True,
    key=f"unggah_file_{st.session_state.get(ROUND, 0)}",
    max_upload_size=max(1, int(limits.upload_max_mb)),
    help=f"Maksimum {limits.upload_max_mb:g} MB per file. Jenis file ditentukan dari isinya, bukan dari namanya. "
    "Format kolom: lihat halaman Metodologi & Sumber dan README. LKE: sertakan lke_daftar.csv (berkas, provinsi, "
    "instansi, unit_kerja, tahun), atau unggah satu berkas LKE dan isi identitas unitnya di formulir.",
)
if not files:
    uploads.discard(st.session_state.pop(CHECKED, {}).get("staged"))
    st.caption(
        "Seret file ke kotak di atas. Beberapa file sekaligus dimuat dalam satu transaksi: "
        "jika satu file ditolak, tidak ada yang ditulis."
    )
    st.stop()

signature = tuple((f.file_id, f.name, f.size) for f in files)
checked = st.session_state.get(CHECKED)
if checked is None or checked["signature"] != signature:
    uploads.discard((checked or {}).get("staged"))
    with st.spinner("Memeriksa file…"):
        staged = uploads.stage([(f.name, f.getvalue()) for f in files], limits)
        version = file_version(db)
        outcome = uploads.check(staged, db, limits)
    checked = {"signature": signature, "staged": staged, "outcome": outcome, "version": version}
    st.session_state[CHECKED] = checked
outcome = checked["outcome"]
report = outcome.report
if notice := checked.pop("notice", None):
    st.warning(notice, icon=":material/update:")

if outcome.status == "failed":
    st.error(markdown_text(outcome.message), icon=":material/error:")
    st.stop()
unnamed = load_report.lke_files_without_unit(report)
if len(unnamed) == 1 or checked.get("identity"):  # one LKE file without its manifest: who is it about?
    given = checked.get("identity") or {}
    provinces = queries.provinces_all(wh)
    names = dict(zip(provinces["province_code"].astype(int), provinces["province"], strict=True))
    with st.form("unggah_identitas"):
        st.markdown(f"**Identitas unit untuk {markdown_text(unnamed[0] if unnamed else 'berkas LKE')}**")
        st.caption(
            "Berkas LKE tidak menyebut unitnya sendiri. Isi di sini untuk satu berkas, atau unggah lke_daftar.csv "
            "(berkas, provinsi, instansi, unit_kerja, tahun) bersama berkas-berkasnya."
        )
        left, middle, right = st.columns(3)
        codes = list(names)
        province = left.selectbox(
            "Provinsi",
            codes,
            format_func=names.__getitem__,
            key="unggah_provinsi",
            index=codes.index(int(given["provinsi"])) if given.get("provinsi") else codes.index(62),
        )
        instansi = middle.text_input(
            "Instansi", given.get("instansi", ""), key="unggah_instansi", placeholder="kosong: Pemprov <provinsi>"
        )
        unit = right.text_input("Unit kerja", given.get("unit_kerja", ""), key="unggah_unit")
        year = left.number_input("Tahun penilaian", 2022, 2100, int(given.get("tahun", 2025)), key="unggah_tahun")
        jenis = middle.text_input("Jenis unit (boleh kosong)", given.get("jenis_unit", ""), key="unggah_jenis")
        if st.form_submit_button("Periksa dengan identitas ini", icon=":material/fact_check:"):
            checked["identity"] = {
                "provinsi": str(province),
                "instansi": instansi.strip(),
                "unit_kerja": unit.strip(),
                "tahun": str(int(year)),
                "jenis_unit": jenis.strip(),
            }
            with st.spinner("Memeriksa file…"):
                checked["outcome"] = uploads.check(checked["staged"], db, limits, checked["identity"])
            st.rerun()
if report.get("files"):
    with st.expander("File yang dibaca (format terdeteksi dan hash)"):
        ui.show_table(load_report.files(report), ("unggah_file_dibaca",), columns=load_report.FILE_COLUMNS)
if outcome.status == "refused":
    st.error(
        f"Ditolak: {len(outcome.problems)} masalah. Tidak ada yang ditulis; perbaiki file lalu unggah lagi.",
        icon=":material/block:",
    )
    ui.show_table(load_report.problems(report), ("unggah_masalah",), columns=load_report.PROBLEM_COLUMNS)
    st.stop()
if report.get("warnings"):
    st.warning(f"{len(report['warnings'])} peringatan (tidak menghalangi pemuatan):", icon=":material/warning:")
    ui.show_table(load_report.warnings(report), ("unggah_peringatan",), columns=load_report.PROBLEM_COLUMNS)
scored = load_report.lke_scores(report)
if not scored.empty:
    st.subheader("Nilai LKE menurut aturan")
    st.caption(
        "Dihitung dari jawaban per butir dengan bank soal dan bobot data/rules.toml, bukan dari nilai di buku kerja; "
        "per unit dan tahap, di samping nilai yang tersimpan sekarang."
    )
    ui.show_table(scored, ("unggah_nilai_lke",), columns=load_report.LKE_SCORE_COLUMNS)

counts = load_report.counts(report)
st.subheader("Pratinjau perubahan")
shown_counts = {
    "rekap_added": "Rekap baru",
    "rekap_replaced": "Rekap diganti",
    "rekap_unchanged": "Rekap sama",
    "rincian_added": "Rincian baru",
    "rincian_replaced": "Rincian diganti",
}
if any(counts.get(k, 0) for k in ("lke_added", "lke_replaced", "lke_unchanged")):
    shown_counts |= {"lke_added": "Jawaban LKE baru", "lke_replaced": "Jawaban LKE diganti"}
for column, (key, label) in zip(st.columns(len(shown_counts)), shown_counts.items(), strict=True):
    column.metric(label, counts.get(key, 0))

for kind, title, frame, columns in (
    ("rekap_added", "Baris rekap yang akan ditambahkan", load_report.added(report), load_report.KEY_COLUMNS),
    ("rekap_replaced", "Nilai rekap yang akan diganti (lama → baru)", load_report.replaced(report), load_report.CHANGE_COLUMNS),
    (
        "rincian_added",
        "Nilai rincian sub-area yang akan ditambahkan",
        load_report.added(report, "rincian_added"),
        load_report.KEY_COLUMNS,
    ),
    (
        "rincian_replaced",
        "Nilai rincian yang akan diganti (lama → baru)",
        load_report.replaced(report, "rincian_replaced"),
        load_report.CHANGE_COLUMNS,
    ),
):
    total = load_report.preview_total(report, kind)
    if not total:
        continue
    st.markdown(f"**{title}**")
    shown = frame[["file", "row"]].drop_duplicates().shape[0] if not frame.empty else 0
    if shown < total:
        st.caption(f"Menampilkan {shown} dari {total} baris.")
    ui.show_table(frame, (f"unggah_{kind}",), columns=columns)

if not any(counts.get(k, 0) for k in counts if k.endswith(("added", "replaced"))):
    st.info("Semua baris sama dengan isi gudang data; tidak ada yang perlu dimuat.", icon=":material/info:")
    st.stop()

confirm, cancel = st.columns([1, 4])
if cancel.button("Batal", key="unggah_batal"):
    uploads.discard(st.session_state.pop(CHECKED)["staged"])
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()
if confirm.button("Muat ke gudang data", type="primary", key="unggah_muat", icon=":material/upload:"):
    if file_version(db) != checked["version"]:
        # Someone loaded in between: the preview may no longer be true, so check again and ask again.
        checked["version"] = file_version(db)
        checked["outcome"] = uploads.check(checked["staged"], db, limits, checked.get("identity"))
        checked["notice"] = "Gudang data berubah sejak pemeriksaan. Pratinjau telah diperbarui; periksa lalu konfirmasi lagi."
        st.rerun()
    with st.spinner("Memuat…"):
        result = uploads.load(checked["staged"], db, limits, access.loaded_by, checked.get("identity"))
    if result.status in ("loaded", "unchanged"):
        uploads.discard(st.session_state.pop(CHECKED)["staged"])
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.session_state[DONE] = result
        st.rerun()
    checked["outcome"] = result  # refused or failed at load time: show that report instead of the preview
    st.rerun()

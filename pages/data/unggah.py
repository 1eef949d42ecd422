"""Unggah Data: add a province's new results in the browser. The ETL checks the files in a separate
process and the full report comes first: every problem located by file, row, column and value, the
rows that will be added, and the values that will be replaced (old -> new). Nothing is written until
the user confirms; confirming runs the same atomic load as `python -m etl load`."""

import streamlit as st

from zi.desk import auth, load_report, uploads
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import markdown_text
from zi.query.db import file_version

CHECKED = "unggah_periksa"  # session: the staged files, their check report and the warehouse version checked against
DONE = "unggah_hasil"  # session: the outcome of the last load, shown once after the rerun
ROUND = "unggah_putaran"  # session: part of the uploader's key, so a finished load empties it

wh = ui.warehouse()
access = auth.current()
ui.page_header(wh, "Unggah Data", "Tambahkan hasil penilaian dari file CSV atau XLSX. File diperiksa dulu; "
                                  "tidak ada yang ditulis sebelum Anda mengonfirmasi.")
auth.status_caption(access)
if not access.can_edit:
    ui.empty_notice("Akun Anda hanya dapat melihat data. Pengunggahan dilakukan oleh penyunting.")
    st.stop()
if ui.dataset_location():  # a replica serving a Parquet snapshot: the DuckDB file here is not what it shows
    ui.empty_notice("Dasbor ini membaca dataset Parquet (ZI_DATASET) yang hanya dapat dibaca; muat data di server "
                    "gudang data lalu ekspor ulang (python -m etl export).")
    st.stop()

limits = uploads.Limits.from_rules(load_rules())
db = ui.db_path()

if done := st.session_state.pop(DONE, None):
    counts = load_report.counts(done.report)
    if done.status == "loaded":
        st.success(f"Muatan #{done.report.get('load_id')} selesai: {counts.get('rekap_added', 0)} baris rekap baru, "
                   f"{counts.get('rekap_replaced', 0)} diganti; {counts.get('rincian_added', 0)} nilai rincian baru, "
                   f"{counts.get('rincian_replaced', 0)} diganti. Semua halaman menampilkan data baru pada interaksi berikutnya.",
                   icon=":material/check_circle:")
    else:
        st.info("Tidak ada perubahan: semua baris sudah sama dengan isi gudang data.", icon=":material/info:")

files = st.file_uploader(
    "File rekap atau rincian (CSV atau XLSX)", type=list(uploads.ACCEPTED_TYPES), accept_multiple_files=True,
    key=f"unggah_file_{st.session_state.get(ROUND, 0)}", max_upload_size=max(1, int(limits.upload_max_mb)),
    help=f"Maksimum {limits.upload_max_mb:g} MB per file. Jenis file ditentukan dari isinya, bukan dari namanya. "
         "Format kolom: lihat halaman Metodologi & Sumber dan README.",
)
if not files:
    uploads.discard(st.session_state.pop(CHECKED, {}).get("staged"))
    st.caption("Seret file ke kotak di atas. Beberapa file sekaligus dimuat dalam satu transaksi: "
               "jika satu file ditolak, tidak ada yang ditulis.")
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
if report.get("files"):
    with st.expander("File yang dibaca (format terdeteksi dan hash)"):
        ui.show_table(load_report.files(report), ("unggah_file_dibaca",), columns=load_report.FILE_COLUMNS)
if outcome.status == "refused":
    st.error(f"Ditolak: {len(outcome.problems)} masalah. Tidak ada yang ditulis; perbaiki file lalu unggah lagi.", icon=":material/block:")
    ui.show_table(load_report.problems(report), ("unggah_masalah",), columns=load_report.PROBLEM_COLUMNS)
    st.stop()
if report.get("warnings"):
    st.warning(f"{len(report['warnings'])} peringatan (tidak menghalangi pemuatan):", icon=":material/warning:")
    ui.show_table(load_report.warnings(report), ("unggah_peringatan",), columns=load_report.PROBLEM_COLUMNS)

counts = load_report.counts(report)
st.subheader("Pratinjau perubahan")
metrics = st.columns(5)
metrics[0].metric("Rekap baru", counts.get("rekap_added", 0))
metrics[1].metric("Rekap diganti", counts.get("rekap_replaced", 0))
metrics[2].metric("Rekap sama", counts.get("rekap_unchanged", 0))
metrics[3].metric("Rincian baru", counts.get("rincian_added", 0))
metrics[4].metric("Rincian diganti", counts.get("rincian_replaced", 0))

for kind, title, frame, columns in (
    ("rekap_added", "Baris rekap yang akan ditambahkan", load_report.added(report), load_report.KEY_COLUMNS),
    ("rekap_replaced", "Nilai rekap yang akan diganti (lama → baru)", load_report.replaced(report), load_report.CHANGE_COLUMNS),
    ("rincian_added", "Nilai rincian sub-area yang akan ditambahkan", load_report.added(report, "rincian_added"), load_report.KEY_COLUMNS),
    ("rincian_replaced", "Nilai rincian yang akan diganti (lama → baru)", load_report.replaced(report, "rincian_replaced"),
     load_report.CHANGE_COLUMNS),
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
        checked["outcome"] = uploads.check(checked["staged"], db, limits)
        checked["notice"] = "Gudang data berubah sejak pemeriksaan. Pratinjau telah diperbarui; periksa lalu konfirmasi lagi."
        st.rerun()
    with st.spinner("Memuat…"):
        result = uploads.load(checked["staged"], db, limits, access.loaded_by)
    if result.status in ("loaded", "unchanged"):
        uploads.discard(st.session_state.pop(CHECKED)["staged"])
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.session_state[DONE] = result
        st.rerun()
    checked["outcome"] = result  # refused or failed at load time: show that report instead of the preview
    st.rerun()

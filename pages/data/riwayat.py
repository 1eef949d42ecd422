"""Riwayat Muatan: every load (when, by whom, which files with their hashes, rows added and replaced),
what one load changed (rows it added; values it replaced, old -> new), and rolling the warehouse back
to a kept version, confirmed in two steps and itself recorded as a load."""

import pandas as pd
import streamlit as st

from zi.desk import auth, load_report, uploads
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import LOAD_HISTORY_LABELS, markdown_text, moment_text
from zi.query import queries

CONFIRM = "riwayat_konfirmasi"  # session: the version a rollback waits to be confirmed for
DONE = "riwayat_hasil"  # session: the outcome of the last rollback, shown once after the rerun

wh = ui.warehouse()
access = auth.current()
ui.page_header(wh, "Riwayat Muatan", "Setiap muatan data: kapan, oleh siapa, dari file apa, dan apa yang diubahnya.")
auth.status_caption(access)

if done := st.session_state.pop(DONE, None):
    if done.status == "rolled_back":
        st.success(f"Muatan #{done.report['load_id']} selesai: {done.report['note']}.", icon=":material/history:")
    elif done.accepted:
        st.info("Tidak ada perubahan: isi gudang data sudah sama dengan versi itu.", icon=":material/info:")
    else:
        st.error(markdown_text(done.message or "; ".join(p["text"] for p in done.problems)), icon=":material/error:")

history = queries.load_history(wh)
if history.empty:
    ui.empty_notice("Belum ada muatan.")
    st.stop()
ui.show_table(
    history,
    ("riwayat_muatan",),
    columns=LOAD_HISTORY_LABELS,
)
st.caption("Untuk rollback, *baru* menghitung baris yang dipulihkan dan *diganti* baris yang dikeluarkan ke riwayat.")

st.subheader("Apa yang diubah satu muatan")
labels = {
    int(r.load_id): f"#{r.load_id} · {moment_text(r.loaded_at, short=True)} · {r.loaded_by or '–'}"
    + (f" · {r.note}" if pd.notna(r.note) else "")
    for r in history.itertuples()
}
load_id = st.selectbox("Muatan", list(labels), format_func=labels.__getitem__, key="riwayat_pilih_muatan")

files = queries.load_file_details(wh, load_id)
if not files.empty:
    total_files = int(files["files_in_load"].iat[0])
    st.markdown(
        f"**File dan hash** ({total_files}" + (f"; {len(files)} pertama ditampilkan)" if total_files > len(files) else ")")
    )
    ui.show_table(
        load_report.history_files(files.drop(columns="files_in_load")),
        ("riwayat_file", load_id),
        columns={
            "file_name": "File",
            "sha256": "SHA-256",
            "kind": "Jenis",
            "rows": "Baris",
            "rubrics": "Rubrik",
            "dialect": "Dialek",
        },
    )
added = queries.load_added(wh, load_id)
total_added = int(added["rows_in_load"].iat[0]) if not added.empty else 0
st.markdown(
    f"**Baris rekap yang ditambahkan** ({total_added}"
    + (f"; {len(added)} pertama ditampilkan)" if total_added > len(added) else ")")
)
if added.empty:
    st.caption("Tidak ada.")
else:
    shown = added[["province", "instansi", "unit", "year", "stage", "rubric", "file_name", "source_row", "replaced_by_load"]]
    ui.show_table(
        shown,
        ("riwayat_ditambahkan", load_id),
        columns={"file_name": "File", "source_row": "Baris", "replaced_by_load": "Diganti oleh muatan"},
    )
changes = queries.load_changes(wh, load_id)
listed = changes[["unit_id", "year", "stage"]].drop_duplicates().shape[0]
total_replaced = int(changes["keys_in_load"].iat[0]) if not changes.empty else 0
st.markdown(
    f"**Nilai rekap yang diganti (lama → baru)** ({total_replaced} baris"
    + (f"; {listed} pertama ditampilkan)" if total_replaced > listed else ")")
)
if changes.empty:
    st.caption("Tidak ada.")
else:
    ui.show_table(
        load_report.history_changes(changes.drop(columns="keys_in_load")),
        ("riwayat_diganti", load_id),
        columns=load_report.HISTORY_CHANGE_COLUMNS,
    )

st.subheader("Kembalikan ke versi sebelumnya")
if ui.dataset_location():  # a replica serving a Parquet snapshot: the DuckDB file here is not what it shows
    ui.empty_notice(
        "Dasbor ini membaca dataset Parquet (ZI_DATASET) yang hanya dapat dibaca; muat data di server "
        "gudang data lalu ekspor ulang (python -m etl export)."
    )
    st.stop()
kept = uploads.kept_versions(ui.db_path())
if not kept:
    ui.empty_notice(
        f"Belum ada versi tersimpan. Setiap muatan menyimpan versi sebelumnya "
        f"({load_rules().limits.get('keep_versions', 0)} terakhir)."
    )
    st.stop()
if not access.can_edit:
    ui.empty_notice("Akun Anda hanya dapat melihat. Pengembalian versi dilakukan oleh penyunting.")
    st.stop()
when = dict(zip(history["load_id"].astype(int), history["loaded_at"], strict=True))
options = {
    v.load_id: f"Keadaan setelah muatan #{v.load_id}"
    + (f" ({moment_text(when[v.load_id], short=True)})" if v.load_id in when else "")
    for v in kept
}
version = st.selectbox("Versi tersimpan", list(options), format_func=options.__getitem__, key="riwayat_versi")
undone = sorted(i for i in labels if i > version)
if st.button("Kembalikan ke versi ini…", key="riwayat_kembalikan", icon=":material/history:"):
    st.session_state[CONFIRM] = version
if st.session_state.get(CONFIRM) == version:
    st.warning(
        f"Data akan dikembalikan ke keadaan setelah muatan #{version}; muatan "
        f"{', '.join(f'#{i}' for i in undone) or '–'} dibatalkan. Riwayat tetap lengkap dan pengembalian ini "
        "dicatat sebagai muatan baru (dapat dibatalkan lagi). Lanjutkan?",
        icon=":material/warning:",
    )
    yes, no = st.columns([1, 4])
    if yes.button("Ya, kembalikan", type="primary", key="riwayat_ya"):
        with st.spinner("Mengembalikan…"):
            st.session_state[DONE] = uploads.rollback(
                version, ui.db_path(), uploads.Limits.from_rules(load_rules()), access.loaded_by
            )
        st.session_state.pop(CONFIRM, None)
        st.rerun()
    if no.button("Batal", key="riwayat_batal"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()

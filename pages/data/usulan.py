"""Usulan PortalRB: which units an instansi proposes to KemenPANRB for a year. Lists the units of one instansi
that meet the WBK or WBBM conditions at TPI (and those proposed already) with a tick per unit; saving writes a
`usulan.csv` and sends it through the same check -> confirm -> load path as Unggah Data (the ETL in a child
process). Shows what PortalRB receives from the API now, and after saving."""

import hashlib

import streamlit as st

from zi.desk import auth, load_report, proposals, uploads
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import markdown_text
from zi.query import queries
from zi.query.db import file_version

CHECKED = "usulan_periksa"  # session: the staged file, its check report and the warehouse version checked against
DONE = "usulan_hasil"  # session: the outcome of the last load, shown once after the rerun
ROUND = "usulan_putaran"  # session: part of the table's key, so a finished load starts from what was stored

wh = ui.warehouse()
access = auth.current()
ui.page_header(
    wh,
    "Usulan PortalRB",
    "Unit yang diusulkan ke KemenPANRB untuk WBK/WBBM. PortalRB menarik daftar ini dan jawaban LKE setiap unit "
    "dari API instansi (python -m zi.portalrb); yang disimpan di sini adalah isi API itu.",
)
auth.status_caption(access)
if not access.can_edit:
    ui.empty_notice("Akun Anda hanya dapat melihat data. Usulan disusun oleh penyunting.")
    st.stop()
if ui.dataset_location():
    ui.empty_notice(
        "Dasbor ini membaca dataset Parquet (ZI_DATASET) yang hanya dapat dibaca; susun usulan di server gudang data."
    )
    st.stop()

limits = uploads.Limits.from_rules(load_rules())
db = ui.db_path()
if done := st.session_state.pop(DONE, None):
    counts = load_report.counts(done.report)
    st.success(
        f"Muatan #{done.report.get('load_id')} selesai: {counts.get('usulan_added', 0)} usulan baru, "
        f"{counts.get('usulan_replaced', 0)} diganti, {counts.get('usulan_removed', 0)} ditarik. "
        "PortalRB menerimanya pada permintaan berikutnya.",
        icon=":material/check_circle:",
    )

left, middle, right = st.columns(3)
with left:
    province = ui.province_filter(wh, multi=False)[0]
years = queries.proposal_years(wh, province)
if not years:
    ui.empty_notice("Provinsi ini belum punya nilai TPI; usulan memerlukan nilai TPI tahun itu.")
    st.stop()
with middle:
    ui.notice_if_invalid("tahun_usulan", [str(y) for y in years], "memakai tahun terbaru")
    year = st.selectbox("Tahun penilaian", years, key="tahun_usulan", bind="query-params")
candidates = queries.proposal_candidates(wh, province, year)
if candidates.empty:
    ui.empty_notice(f"Belum ada unit yang memenuhi syarat WBK atau WBBM pada nilai TPI {year} di provinsi ini.")
    st.stop()
names = sorted(candidates["instansi"].unique())
with right:
    ui.notice_if_invalid("instansi_usulan", names, "memakai instansi pertama")
    instansi = st.selectbox("Instansi", names, key="instansi_usulan", bind="query-params")
rows = proposals.editor_rows(queries.proposal_candidates(wh, province, year, instansi))
instansi_key = candidates.loc[candidates["instansi"] == instansi, "instansi_key"].iat[0]
province_name = queries.provinces_all(wh).set_index("province_code")["province"][province]

st.subheader("Unit yang memenuhi syarat pada nilai TPI")
ui.show_table(proposals.candidates_table(rows), ("usulan_calon", province_name, instansi, year), columns=proposals.TABLE_COLUMNS)
round_ = st.session_state.get(ROUND, 0)
with st.form("usulan_form"):
    st.caption(
        "Centang unit yang diusulkan dan pilih kategorinya. WBBM memerlukan predikat WBK pada tahun sebelumnya; "
        "hapus centang untuk menarik usulan. Id unit tetap, juga bila ejaan namanya dikoreksi (lihat README)."
    )
    ticks, categories, affirmations = [], [], []
    for n, row in enumerate(rows.itertuples(index=False)):
        key = f"{year}_{hashlib.sha1(row.unit_id.encode()).hexdigest()[:10]}_{round_}"  # one set of widgets per unit-year
        tick, category, affirmation = st.columns([4, 1.2, 1])
        label = f"{markdown_text(row.unit)} ({row.stable_id})"  # names come from uploaded files: literal
        ticks.append(tick.checkbox(label, value=row.usulkan, key=f"usulan_pilih_{key}"))
        categories.append(
            category.selectbox(
                "Kategori",
                proposals.CATEGORIES,
                index=proposals.CATEGORIES.index(row.kategori),
                key=f"usulan_kategori_{key}",
                label_visibility="collapsed" if n else "visible",
            )
        )
        affirmations.append(affirmation.checkbox("Afirmasi", value=row.afirmasi, key=f"usulan_afirmasi_{key}"))
    submitted = st.form_submit_button("Periksa usulan", icon=":material/fact_check:")
edited = proposals.with_choices(rows, ticks, categories, affirmations)

st.subheader("Yang diterima PortalRB")
now = queries.portalrb_proposals(wh, year, instansi_key)
before_column, after_column = st.columns(2)
with before_column:
    st.markdown(f"**Sekarang** (`GET /pengusulan/unit-wbk?tahun={year}` dan `unit-wbbm`)")
    st.json(now, expanded=2)
with after_column:
    st.markdown("**Setelah pilihan di atas dimuat**")
    st.json(proposals.received_after(edited, year), expanded=2)
proposed_ids = [u["id"] for body in now.values() for u in body["units"]]
if section := ui.on_demand("Jawaban LKE satu unit yang diusulkan (GET /lke/jawaban-unit/{id})", "usulan_jawaban"):
    with section:
        if not proposed_ids:
            ui.empty_notice("Belum ada unit instansi ini yang diusulkan untuk tahun ini.")
        else:
            chosen = st.selectbox("Unit", proposed_ids, key="usulan_unit_jawaban")
            body = queries.portalrb_answers(wh, chosen, year)
            if body is None:
                ui.empty_notice("Jawaban LKE unit ini untuk tahun ini belum dimuat: PortalRB akan menerima 404.")
            else:
                st.caption(f"{len(body['answers'])} butir dari daftar soal PortalRB.")
                st.json(body, expanded=1)

content = proposals.usulan_csv(edited, province_name, instansi, year)
checked = st.session_state.get(CHECKED)
if checked is not None and checked["content"] != content:  # the table changed since the check: check again
    uploads.discard(st.session_state.pop(CHECKED)["staged"])
    checked = None
if not content:
    if submitted:
        ui.empty_notice("Belum ada unit yang dicentang atau diusulkan; tidak ada yang perlu diperiksa.")
    st.stop()
if checked is None:
    if not submitted:
        st.stop()
    with st.spinner("Memeriksa usulan…"):
        staged = uploads.stage([(proposals.FILE_NAME, content)], limits)
        version = file_version(db)
        checked = {"content": content, "staged": staged, "outcome": uploads.check(staged, db, limits), "version": version}
    st.session_state[CHECKED] = checked
outcome = checked["outcome"]
if notice := checked.pop("notice", None):
    st.warning(notice, icon=":material/update:")
if outcome.status == "failed":
    st.error(markdown_text(outcome.message), icon=":material/error:")
    st.stop()
if outcome.status == "refused":
    st.error(f"Ditolak: {len(outcome.problems)} masalah. Tidak ada yang ditulis.", icon=":material/block:")
    ui.show_table(load_report.problems(outcome.report), ("usulan_masalah",), columns=load_report.PROBLEM_COLUMNS)
    st.stop()
if outcome.report.get("warnings"):
    st.warning(f"{len(outcome.report['warnings'])} peringatan (tidak menghalangi pemuatan):", icon=":material/warning:")
    ui.show_table(load_report.warnings(outcome.report), ("usulan_peringatan",), columns=load_report.PROBLEM_COLUMNS)
changes = load_report.proposal_changes(outcome.report)
if changes.empty:
    st.info("Usulan ini sama dengan yang tersimpan; tidak ada yang perlu dimuat.", icon=":material/info:")
    st.stop()
st.markdown("**Perubahan usulan**")
ui.show_table(changes, ("usulan_perubahan",), columns=load_report.PROPOSAL_COLUMNS)
if st.button("Muat ke gudang data", type="primary", key="usulan_muat", icon=":material/upload:"):
    if file_version(db) != checked["version"]:
        # Someone loaded in between: the check may no longer be true, so check again and ask again.
        checked["version"] = file_version(db)
        checked["outcome"] = uploads.check(checked["staged"], db, limits)
        checked["notice"] = "Gudang data berubah sejak pemeriksaan. Periksa hasilnya lalu konfirmasi lagi."
        st.rerun()
    with st.spinner("Memuat…"):
        result = uploads.load(checked["staged"], db, limits, access.loaded_by)
    if result.status in ("loaded", "unchanged"):
        uploads.discard(st.session_state.pop(CHECKED)["staged"])
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.session_state[DONE] = result
        st.rerun()
    checked["outcome"] = result
    st.rerun()

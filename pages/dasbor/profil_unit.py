"""Profil Unit Kerja: one unit across stages (SA, TPI, TPN) by area, half and sub-area, against the
WBK/WBBM conditions of its rubric and against the best unit of the same type in another province; its LKE
answered item by item where the LKE was loaded (stages side by side, the TPI's changes shaded); with where
each score came from (file and row)."""

import pandas as pd
import streamlit as st

from zi.domain.rules import AREAS, STAGES, load_rules
from zi.present import charts, ui
from zi.present.labels import CONDITION_LABELS, answer_labels, eligibility, markdown_text, number, stage_label
from zi.present.navigation import unit_label
from zi.query import items as item_queries
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(
    wh,
    "Profil Unit Kerja",
    "Satu unit kerja di setiap tahap penilaian, dibandingkan dengan ambang batas dan unit terbaik sejenis.",
)

left, right = st.columns([1, 2])
with left:
    province = ui.province_filter(wh, multi=False)
units = queries.units_list(wh, province)
if units.empty:
    ui.empty_notice("Provinsi ini belum punya data unit kerja.")
    st.stop()
labels = {u.unit_id: unit_label(u.unit, u.instansi) for u in units.itertuples()}
with right:
    ui.notice_if_invalid("unit", list(labels.values()), "memakai unit pertama")
    unit_id = st.selectbox("Unit kerja", list(labels), format_func=labels.__getitem__, key="unit", bind="query-params")

history = queries.unit_scores(wh, unit_id)
years = sorted(history["year"].unique(), reverse=True)
ui.notice_if_invalid("tahun_unit", [str(y) for y in years], "memakai tahun terbaru unit ini")
year = st.selectbox("Tahun penilaian", years, key="tahun_unit", bind="query-params")
rows = history[history["year"] == year]
rubric = rows["rubric"].iat[0]

st.subheader(f"{markdown_text(labels[unit_id])}, {year}")  # names come from uploaded files: literal, never Markdown
kind = rows["jenis_unit"].iat[0]  # missing values come back as NaN (truthy), not None
st.caption(f"Jenis unit: {kind if pd.notna(kind) and kind else '–'} · rubrik {rules.rubrics[rubric].name}")
for column, row in zip(st.columns(len(rows)), rows.itertuples(), strict=True):
    column.metric(f"Nilai total {row.stage}", number(row.total), help=stage_label(row.stage))
    column.caption(f"Pengungkit {number(row.pengungkit)} · Hasil {number(row.hasil)}")
    column.caption(f"WBK: {eligibility(row.wbk_eligible)} · WBBM: {eligibility(row.wbbm_eligible)}")
    if pd.notna(row.predikat) and row.predikat:
        column.success(f"Predikat: Menuju {row.predikat}")

items = queries.unit_items(wh, unit_id, year)
minimums = {p: m for p in ("WBK", "WBBM") if (m := rules.threshold(rubric, p, "area_pct")) is not None}
profile = queries.area_profile(items)
ui.show_chart(
    charts.unit_area_profile(profile, minimums, "Capaian area pengungkit per tahap (% dari bobot; P = pemenuhan, R = reform)"),
    "profil_area",
    labels[unit_id],
    year,
)

conditions = queries.unit_conditions(wh, unit_id, year)
st.subheader("Syarat WBK dan WBBM")
if conditions.empty:
    ui.empty_notice(f"Ambang batas untuk rubrik {rules.rubrics[rubric].name} belum dikonfirmasi; kelayakan belum diketahui.")
else:
    conditions = conditions.assign(condition=conditions["condition"].map(CONDITION_LABELS).fillna(conditions["condition"]))
    ui.show_table(
        conditions[["stage", "predicate", "condition", "subject", "value", "minimum", "met", "missing"]],
        ("profil_syarat", labels[unit_id], year),
        columns={
            "predicate": "Predikat",
            "condition": "Syarat",
            "subject": "Butir",
            "value": "Nilai",
            "minimum": "Ambang",
            "met": "Terpenuhi",
            "missing": "Kekurangan (poin)",
        },
    )

st.subheader("Jawaban LKE per butir")
answers = item_queries.side_by_side(item_queries.unit_answers(wh, unit_id, year))
if answers.empty:
    ui.empty_notice(
        f"Untuk {year} unit ini hanya punya nilai rekap/rincian: jawaban per butir tampil bila LKE-nya dimuat (Unggah Data)."
    )
else:
    given = [s for s in STAGES if f"{s}_jawaban" in answers]
    changed = answers[answers["tpi_changed"]]
    st.caption(
        f"{len(answers)} butir, tahap {', '.join(given)}; {len(changed)} jawaban diubah TPI (disorot). "
        "Nilai 0–1 per butir menurut bank soal; poin = bobot sub-area × nilai / banyak butirnya."
    )
    parts = {**{a: a for a in AREAS}, "Hasil": "hasil"}
    left, right = st.columns([3, 1])
    part = left.segmented_control("Bagian", list(parts), default=AREAS[0], required=True, key="profil_bagian_butir")
    with_notes = right.toggle("Catatan dan bukti dukung", key="profil_catatan_butir")
    chosen = answers[answers["bagian"] == "hasil"] if part == "Hasil" else answers[answers["area"] == part]
    fields = ("jawaban", "nilai", "catatan", "bukti") if with_notes else ("jawaban", "nilai")
    ui.show_table(
        # the answers right after the question (in view without scrolling sideways), the sub-area after them
        chosen[["kode", "pertanyaan", *(f"{s}_{f}" for s in given for f in fields), "sub_area_name", "tpi_changed"]],
        ("profil_butir", labels[unit_id], year, part),
        columns=answer_labels(given) | {"tpi_changed": "Diubah TPI"},
        highlight="tpi_changed",
    )
    if not changed.empty and (section := ui.on_demand(f"Butir yang diubah TPI ({len(changed)})", "profil_diubah_tpi")):
        with section:
            moved = changed.assign(change=changed["TPI_poin"] - changed["SA_poin"])
            ui.show_table(
                moved[["kode", "pertanyaan", "SA_jawaban", "TPI_jawaban", "change", "TPI_catatan", "sub_area_name"]],
                ("profil_diubah_tpi", labels[unit_id], year),
                columns=answer_labels(given) | {"change": "Perubahan poin"},
            )

detail = items[items["level"] == "subarea"]
if not detail.empty and (section := ui.on_demand("Rincian sub-area", "profil_subarea")):
    with section:
        ui.show_table(
            detail[["stage", "code", "name", "points", "weight", "pct"]],
            ("profil_subarea", labels[unit_id], year),
            columns={"code": "Kode", "name": "Sub-area", "points": "Nilai", "weight": "Bobot"},
        )

stage = st.segmented_control(
    "Bandingkan pada tahap", list(rows["stage"]), default=rows["stage"].iat[-1], required=True, key="tahap_banding"
)
peer = queries.best_peer(wh, unit_id, year, stage)
st.subheader("Unit terbaik sejenis di provinsi lain")
if peer.empty:
    ui.empty_notice(f"Belum ada unit sejenis di provinsi lain dengan nilai {stage} pada {year}.")
else:
    best = peer.iloc[0]
    st.write(
        f"**{markdown_text(best['unit'])}** ({best['province']}) — nilai total {stage} {number(best['total'])}"
        + (f", predikat Menuju {best['predikat']}" if pd.notna(best["predikat"]) and best["predikat"] else "")
    )
    both = queries.peer_areas(wh, unit_id, labels[unit_id], best["unit_id"], f"{best['unit']} ({best['province']})", year, stage)
    ui.show_chart(
        charts.unit_area_profile(both, minimums, f"Capaian per area, tahap {stage} (% dari bobot)"),
        "profil_banding",
        labels[unit_id],
        year,
        stage,
    )

if section := ui.on_demand("Asal data (file dan baris)", "profil_asal_data"):
    with section:
        ui.show_table(
            queries.unit_provenance(wh, unit_id),
            ("profil_asal_data", labels[unit_id]),
            columns={
                "file_name": "File",
                "source_row": "Baris",
                "load_id": "Muatan",
                "loaded_at": "Dimuat",
                "sha256": "SHA-256",
                "is_sample": "Data contoh",
            },
        )

"""Belajar dari siapa: for a weak area of a unit or a province, units elsewhere that are strong in it,
of a similar kind, improving, best of all recently at WBK; ranked with the reason, beside the good
practices recorded for them and their provinces. Where LKE answers were loaded, also per question: for the
learner's weakest items (its first steps towards the predicate), the units that answered them fully, other
provinces first, with what they wrote they did, and a link to their profile."""

import streamlit as st

from zi.domain.rules import AREAS
from zi.present import ui
from zi.present.labels import percent
from zi.present.navigation import profile_link
from zi.query import items as item_queries
from zi.query import queries

wh = ui.warehouse()
ui.page_header(
    wh, "Belajar dari siapa", "Unit kerja di provinsi lain yang kuat di area yang masih lemah: tujuan kunjungan kaji tiru."
)

left, right = st.columns([1, 2])
with left:
    province = ui.province_filter(wh, multi=False, label="Provinsi yang belajar")
year, stage, predicate, scope = ui.year_stage_predicate_scope(wh)
units = queries.unit_totals(wh, year, stage, scope, province)
achievement = queries.area_achievement(wh, year, stage, scope, province)
if units.empty or achievement.empty:
    ui.empty_notice(f"Provinsi ini belum punya nilai {stage} pada {year}.")
    st.stop()
with right:
    labels: dict[str | None, str] = {
        None: "Provinsi secara keseluruhan",
        **dict(zip(units["unit_id"], units["unit"], strict=True)),
    }
    unit_id = st.selectbox("Unit kerja yang belajar", list(labels), format_func=labels.__getitem__, key="unit_belajar")

if unit_id is None:
    own = achievement.dropna(subset=["province_code"]).set_index("area")["pct"]
    learner, jenis = None, None
else:
    items = queries.unit_items(wh, unit_id, year)
    own = items[(items["level"] == "area") & (items["stage"] == stage)].set_index("area")["pct"]
    row = units[units["unit_id"] == unit_id].iloc[0]
    learner, jenis = row["unit"], row["jenis_unit"]
weakest = own.idxmin() if not own.empty else AREAS[0]
area = st.segmented_control(
    "Area yang ingin diperkuat",
    list(AREAS),
    default=weakest,
    required=True,
    key="area",
    help="Bawaan: area dengan capaian terendah",
)
st.caption(f"Capaian sendiri di {area}: {percent(own.get(area))} dari bobot (tahap {stage}, {year})")

peers = queries.peer_candidates(wh, area, year, stage, province, learner, jenis)
if peers.empty:
    ui.empty_notice(f"Belum ada unit di provinsi lain dengan nilai {stage} pada {year}.")
    st.stop()
st.subheader("Unit yang disarankan untuk dikunjungi")
ui.show_table(
    peers[["province", "unit", "jenis_unit", "area_pct", "total", "predicate", "score", "reason"]],
    ("belajar", labels[unit_id], area, year, stage),
    columns={"area_pct": f"Capaian {area} (%)", "predicate": "Predikat", "score": "Skor kecocokan", "reason": "Alasan"},
)
st.caption(
    "Skor kecocokan menurut heuristik [kaji_tiru] di data/rules.toml (kekuatan di area, kemiripan jenis dan nama, "
    "kenaikan nilai, predikat baru-baru ini); bersifat sementara dan dapat disesuaikan."
)

st.subheader("Per butir LKE: siapa yang sudah menjawab penuh")
codes = item_queries.weakest_codes(wh, year, stage, predicate, scope, province[0], unit_id)
item_peers = item_queries.item_peers(wh, tuple(codes), year, stage, province[0], unit_id, jenis) if codes else None
if item_peers is None or item_peers.empty:
    ui.empty_notice(
        f"Belum ada jawaban LKE per butir untuk {'unit' if unit_id else 'provinsi'} ini pada {stage} {year}, atau belum ada unit "
        "lain yang menjawab penuh butir terlemahnya; saran per area di atas tetap berlaku."
    )
else:
    st.caption(
        f"Butir terlemah: {', '.join(codes)} ({'langkah pertama menuju ' + predicate + ' di Prioritas perbaikan' if unit_id else 'poin rata-rata terbesar yang belum diraih'}). "
        f"Unit yang menjawab penuh pada {stage} {year}, provinsi lain lebih dulu; 'Yang dilakukan' adalah catatan penilaian mandiri unit itu sendiri."
    )
    if unanswered := [code for code in codes if code not in set(item_peers["kode"])]:
        st.caption(f"Belum ada unit lain yang menjawab penuh pada {stage} {year}: {', '.join(unanswered)}.")
    shown = item_peers.assign(
        profil=[profile_link(p.province, p.unit, p.instansi, p.year) for p in item_peers.itertuples()],
    )
    ui.show_table(
        shown[  # who and what they did first, in view without scrolling sideways; the question after
            [
                "kode",
                "province",
                "unit",
                "catatan",
                "bukti",
                "jawaban",
                "catatan_penilai",
                "reason",
                "profil",
                "pertanyaan",
                "year",
            ]
        ],
        ("belajar_butir", labels[unit_id], year, stage),
        columns={"catatan": "Yang dilakukan", "catatan_penilai": f"Catatan {stage}", "reason": "Alasan", "profil": "Profil"},
        links={"profil": "buka profil"},
    )

practices = queries.practices(wh, peers["province_code"].unique().tolist())
st.subheader("Praktik baik di provinsi tujuan")
if practices.empty:
    ui.empty_notice("Belum ada praktik baik yang tercatat untuk provinsi tujuan. Tambahkan lewat halaman Praktik baik.")
else:
    ui.show_table(
        practices[["province", "unit", "year", "area", "subarea_name", "practice", "source"]],
        ("belajar_praktik", area, year),
        columns={"subarea_name": "Sub-area", "practice": "Praktik", "source": "Sumber"},
    )

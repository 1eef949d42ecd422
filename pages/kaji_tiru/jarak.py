"""Jarak ke WBK/WBBM: for every unit, the conditions of the rules file it still fails (its binding
constraints) with the points missing; per province, how many units are one, two or more away."""

import streamlit as st

from zi.present import charts, ui
from zi.present.labels import CONDITION_LABELS
from zi.query import queries

wh = ui.warehouse()
ui.page_header(wh, "Jarak ke WBK/WBBM", "Syarat mana yang masih menghambat setiap unit kerja, dan berapa poin yang kurang.")

provinces = ui.province_filter(wh)
year, stage, predicate, scope = ui.year_stage_predicate_scope(wh)
if not provinces:
    ui.empty_notice("Pilih setidaknya satu provinsi.")
    st.stop()

distribution = queries.gap_distribution(wh, year, stage, predicate, scope, provinces)
if distribution.empty:
    ui.empty_notice(f"Provinsi terpilih belum punya nilai {stage} pada {year}.")
    st.stop()
if distribution["unknown"].sum():
    st.info("Sebagian unit dinilai dengan rubrik yang ambang batasnya belum dikonfirmasi: kelayakannya belum diketahui.")
ui.show_chart(charts.gap_distribution_bars(distribution, predicate, stage), "jarak_sebaran", predicate, year, stage)

st.subheader("Unit kerja dan syarat yang menghambat")
units = queries.gap_units(wh, year, stage, predicate, scope, provinces)
ui.show_table(
    units[["province_abbr", "unit", "jenis_unit", "total", "conditions_failed", "points_missing", "needs_prior", "blocked_by"]],
    ("jarak_unit", predicate, year, stage),
    columns={
        "province_abbr": "Provinsi",
        "conditions_failed": "Syarat belum terpenuhi",
        "points_missing": "Poin kurang",
        "needs_prior": "Belum pernah WBK",
        "blocked_by": "Dihambat oleh (terbesar dulu)",
    },
)
st.caption(
    "Poin kurang: jumlah kekurangan semua syarat bernilai poin (syarat riwayat tidak dihitung). "
    "Untuk syarat capaian area, yang disebut adalah area atau paruhnya (P = pemenuhan, R = reform)."
)

labels = dict(zip(units["unit_id"], units["unit"] + " (" + units["province_abbr"] + ")", strict=True))
blocked = units[units["conditions_failed"] > 0]
if not blocked.empty:
    chosen = st.selectbox("Rincian syarat untuk unit", list(blocked["unit_id"]), format_func=labels.__getitem__, key="unit_jarak")
    detail = queries.gap_conditions(wh, chosen, year, stage, predicate)
    detail = detail.assign(condition=detail["condition"].map(CONDITION_LABELS).fillna(detail["condition"]))
    ui.show_table(
        detail,
        ("jarak_syarat", labels[chosen], predicate, year, stage),
        columns={
            "condition": "Syarat",
            "subject": "Butir",
            "value": "Nilai",
            "minimum": "Ambang",
            "missing": "Kekurangan (poin)",
        },
    )

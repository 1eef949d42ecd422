"""Simulasi target: set target points per area (or half) and result indicator; see the predicted total
and every WBK/WBBM condition pass or fail under the rules of the chosen rubric."""

import streamlit as st

from zi.domain.conditions import eligible, evaluate, totals
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import CONDITION_LABELS, eligibility, number
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(
    wh, "Simulasi target", "Bagaimana jika: isi target nilai per area dan indikator hasil, lihat syarat mana yang terpenuhi."
)

rubrics = [r for r in rules.rubrics.values() if r.thresholds_confirmed]
rubric = st.selectbox("Rubrik", [r.id for r in rubrics], format_func=lambda r: rules.rubrics[r].name, key="rubrik_simulasi")
left, right = st.columns([1, 2])
with left:
    province = ui.province_filter(wh, multi=False, label="Mulai dari nilai unit (provinsi)")
units = queries.units_list(wh, province)
labels: dict[str | None, str] = {
    None: "Tidak (mulai dari ambang minimal WBK tiap butir)",
    **dict(zip(units["unit_id"], units["unit"], strict=True)),
}
with right:
    unit_id = st.selectbox("Unit kerja", list(labels), format_func=labels.__getitem__, key="unit_simulasi")
start, held = queries.simulation_start(wh, unit_id, rubric)
if not start:
    st.info(f"Unit ini belum punya nilai dengan rubrik {rules.rubrics[rubric].name}; mulai dari 0.")

st.subheader("Target nilai (poin)")
halves = rules.indicators(rubric, "half")
inputs = halves or rules.indicators(rubric, "area")
points = {}
columns = st.columns(4)
for index, item in enumerate([*inputs, *rules.indicators(rubric, "result")]):
    with columns[index % 4]:
        points[item.code] = st.number_input(
            f"{item.code} (maks. {number(item.weight)})",
            min_value=0.0,
            max_value=float(item.weight),
            value=float(min(start.get(item.code, 0.0), item.weight)),
            step=0.25,
            key=f"sim_{unit_id}_{item.code}",
            help=item.name,
        )
prior = st.toggle("Pernah meraih WBK pada tahun sebelumnya", value="WBK" in held or "WBBM" in held, key=f"sim_prior_{unit_id}")

conditions = evaluate(rules, rubric, points, {"WBK"} if prior else set())
sums = totals(rules, rubric, points)
metrics = st.columns(5)
metrics[0].metric("Nilai total", number(sums["total"]))
metrics[1].metric("Pengungkit", number(sums["pengungkit"]))
metrics[2].metric("Hasil", number(sums["hasil"]))
metrics[3].metric(
    "Syarat WBK", eligibility(eligible(conditions, "WBK"), short=True), help=eligibility(eligible(conditions, "WBK"))
)
metrics[4].metric(
    "Syarat WBBM", eligibility(eligible(conditions, "WBBM"), short=True), help=eligibility(eligible(conditions, "WBBM"))
)
table = queries.conditions_table(conditions)
table["condition"] = table["condition"].map(CONDITION_LABELS).fillna(table["condition"])
ui.show_table(
    table,
    ("simulasi", rubric, labels[unit_id]),
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
st.caption(
    "Ambang batas dari data/rules.toml (sementara; lihat Metodologi & Sumber). Syarat lain dari TPI (tindak lanjut temuan 100 %, "
    "SAKIP minimal B/BB, kepatuhan LHKPN/LHKASN) tidak ada di nilai LKE dan tidak disimulasikan."
)

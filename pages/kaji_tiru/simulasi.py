"""Simulasi target: set target points per area (or half) and result indicator, or, for a unit whose LKE was
loaded, change its own answers item by item; see the predicted total and every WBK/WBBM condition pass or
fail under the rules of the chosen rubric (answers scored exactly as a loaded LKE is)."""

import streamlit as st

from zi.domain.conditions import eligible, evaluate, totals
from zi.domain.rules import load_rules
from zi.present import ui
from zi.present.labels import CONDITION_LABELS, eligibility, markdown_text, number
from zi.query import items as item_queries
from zi.query import queries

wh = ui.warehouse()
rules = load_rules()
ui.page_header(
    wh,
    "Simulasi target",
    "Bagaimana jika: isi target nilai per area, atau ubah jawaban LKE per butir, lalu lihat syarat mana yang terpenuhi.",
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
lke = item_queries.simulation_answers(wh, unit_id, rubric) if unit_id else None
modes = ["Poin per area", "Jawaban per butir (LKE)"] if lke else ["Poin per area"]
mode = st.segmented_control("Yang diubah", modes, default=modes[-1], required=True, key=f"sim_mode_{unit_id}")
prior = st.toggle("Pernah meraih WBK pada tahun sebelumnya", value="WBK" in held or "WBBM" in held, key=f"sim_prior_{unit_id}")

changes = None
if mode == "Poin per area" or lke is None:
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
else:
    year, stage, answers = lke
    st.subheader(f"Jawaban LKE {stage} {year}, per butir")
    st.caption(
        f"Mulai dari jawaban {stage} {year} {markdown_text(labels[unit_id])}. Ubah kolom 'Jawaban simulasi' "
        "(pilihan seperti di LKE; untuk butir %, ubah jumlah di bawahnya). Nilai dihitung dengan rumus aturan, sama seperti LKE yang dimuat."
    )
    sheet = item_queries.answer_sheet(answers)
    edited = st.data_editor(
        sheet,
        hide_index=True,
        disabled=["kode", "sub_area_name", "pertanyaan", "pilihan", "awal"],
        # the answer to change right after its question, in view without scrolling sideways
        column_order=["kode", "pertanyaan", "pilihan", "awal", "jawaban", "sub_area_name"],
        column_config={
            "kode": "Kode",
            "sub_area_name": "Sub-area",
            "pertanyaan": st.column_config.TextColumn("Pertanyaan", width="large"),
            "pilihan": "Pilihan",
            "awal": f"Jawaban {stage}",
            "jawaban": st.column_config.TextColumn("Jawaban simulasi", required=True),
        },
        key=f"sim_butir_{unit_id}_{year}_{stage}",
    )
    (before, _), (after, refused) = item_queries.rescore(sheet, "awal"), item_queries.rescore(edited)
    for finding in refused:
        st.warning(
            f"{finding.code}: '{markdown_text(finding.value)}' {finding.reason}; jawaban {stage} tetap dipakai.",
            icon=":material/warning:",
        )
    points = after.halves | after.results
    changes = item_queries.answer_changes(sheet, before, after)

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
if changes is not None and not changes.empty:
    st.markdown(f"**Butir yang diubah ({len(changes)}): {number(changes['gain'].sum(), 3)} poin**")
    ui.show_table(
        changes,
        ("simulasi_butir", labels[unit_id]),
        columns={"before": "Sebelum", "after": "Sesudah", "gain": "Perubahan poin"},
        decimals=3,
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

"""The query layer at the level of the LKE's questions: a unit's answers at every stage, which answers to raise
first, who elsewhere answered an item fully and what they wrote, where assessors changed answers, and how
provinces differ item by item.

Like zi.query.queries: one typed function per question a page asks, each running one named SQL file
(zi/sql/queries/) with bound parameters, cached per warehouse version. Where only rekap/rincian data was
loaded these return empty frames, and the pages keep their sub-area view.
"""

from __future__ import annotations

import pandas as pd

from zi.domain import improve
from zi.domain.bank import COMPUTED_KIND, INDEX_KIND, TOTAL_KIND, load_bank
from zi.domain.rules import STAGES, load_rules
from zi.domain.scoring import Finding, Given, StageScore, score
from zi.present.labels import number
from zi.query.db import Warehouse
from zi.query.queries import cached, unit_scores

ANSWER_FIELDS = ("jawaban", "nilai", "poin", "catatan", "bukti")


@cached
def unit_answers(wh: Warehouse, unit_id: str, year: int) -> pd.DataFrame:
    """One row per item and stage the unit's LKE of `year` holds, in the bank's order."""
    return wh.query("unit_answers", unit_id=unit_id, year=year)


def side_by_side(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per item, each stage's answer, value, points, note and evidence beside the others
    (`SA_jawaban`, `TPI_nilai`, ...), and `tpi_changed` where the TPI's answer differs from the unit's own."""
    if answers.empty:
        return answers
    items = answers.drop_duplicates("kode").drop(columns=["stage", *ANSWER_FIELDS]).set_index("kode")
    stages = [s for s in STAGES if s in set(answers["stage"])]
    wide = answers.pivot(index="kode", columns="stage", values=list(ANSWER_FIELDS))
    wide.columns = [f"{stage}_{field}" for field, stage in wide.columns]
    numbers = [c for c in wide.columns if c.endswith(("_nilai", "_poin"))]
    wide[numbers] = wide[numbers].astype(float)  # a pivot of text and numbers together leaves objects
    table = items.join(wide[[f"{s}_{f}" for s in stages for f in ANSWER_FIELDS]]).reset_index()
    if {"SA", "TPI"} <= set(stages):  # a value both stages give, and different (a % item's counts changed, too)
        table["tpi_changed"] = table["SA_nilai"].notna() & table["TPI_nilai"].notna() & (table["SA_nilai"] != table["TPI_nilai"])
    else:
        table["tpi_changed"] = False
    return table.sort_values("bank_order", kind="stable").reset_index(drop=True)


def stage_answers(answers: pd.DataFrame, stage: str) -> list[improve.Answer]:
    """The scored answers of one stage as zi.domain.improve takes them (a % item has no answer of its own)."""
    rows = answers[(answers["stage"] == stage) & answers["scored"] & answers["nilai"].notna()]
    return [
        improve.Answer(code, None if jenis == COMPUTED_KIND or pd.isna(answer) else str(answer), float(value))
        for code, jenis, answer, value in zip(rows["kode"], rows["jenis"], rows["jawaban"], rows["nilai"], strict=True)
    ]


def held_before(wh: Warehouse, unit_id: str, year: int) -> set[str]:
    """The predicates the unit was awarded before `year` (WBBM asks for WBK in an earlier year)."""
    history = unit_scores(wh, unit_id)
    return set(history.loc[history["year"] < year, "predikat"].dropna())


@cached
def item_steps(wh: Warehouse, unit_id: str, year: int, stage: str, predicate: str) -> pd.DataFrame:
    """Every answer of the unit's stage that can still rise, one step at a time, in the order that reaches
    `predicate` soonest (zi.domain.improve), with the item's words and the total after each step."""
    answers = unit_answers(wh, unit_id, year)
    given = stage_answers(answers, stage)
    if not given:
        return pd.DataFrame()
    rules = load_rules()
    bank = load_bank(rules)
    steps = improve.steps(bank, rules, given, predicate, held_before(wh, unit_id, year))
    items = answers.drop_duplicates("kode").set_index("kode")
    return pd.DataFrame(
        [
            {
                "rank": s.rank,
                "kode": s.code,
                "sub_area_name": items.at[s.code, "sub_area_name"],
                "pertanyaan": items.at[s.code, "pertanyaan"],
                "before": s.before,
                "after": s.after,
                "gain": s.gain,
                "lifts": ", ".join(s.lifts),
                "total": s.total,
                "failing": s.failing,
            }
            for s in steps
        ]
    )


def steps_to_threshold(steps: pd.DataFrame, start_total: float, threshold: float | None) -> int | None:
    """How many steps reach `threshold` on the total (None: the steps do not reach it, or no threshold)."""
    if threshold is None:
        return None
    if start_total >= threshold:
        return 0
    reached = steps.index[steps["total"] >= threshold]
    return int(steps.at[reached[0], "rank"]) if len(reached) else None


@cached
def item_gaps(wh: Warehouse, year: int, stage: str, scope: str, provinces) -> pd.DataFrame:
    """Every answerable item of the chosen provinces: units with a full answer and the points a unit gains
    on average by giving it fully; largest gain first."""
    return wh.query(
        "item_gaps", year=year, stage=stage, scope=scope, provinces=[int(p) for p in provinces], index_kind=INDEX_KIND
    )


def weakest_codes(
    wh: Warehouse, year: int, stage: str, predicate: str, scope: str, province: int, unit_id: str | None
) -> list[str]:
    """The items a learner most needs: a unit's first distinct items of its improvement order, or a province's
    items of the largest mean gain; as many as [kaji_tiru] items_weakest says."""
    count = int(load_rules().kaji_tiru["items_weakest"])
    if unit_id is not None:
        steps = item_steps(wh, unit_id, year, stage, predicate)
        return list(dict.fromkeys(steps["kode"]))[:count] if not steps.empty else []
    gaps = item_gaps(wh, year, stage, scope, [province])
    return gaps["kode"].head(count).tolist()


@cached
def item_peers(
    wh: Warehouse,
    codes: tuple[str, ...],
    year: int,
    stage: str,
    learner_province: int,
    learner_unit: str | None,
    learner_jenis: str | None,
) -> pd.DataFrame:
    """For each item, the units that answered it fully in the same year and stage: other provinces first, with
    what they wrote and the reason they are suggested."""
    settings = load_rules().kaji_tiru
    peers = wh.query(
        "item_peers",
        codes=list(codes),
        year=year,
        stage=stage,
        learner_province=int(learner_province),
        learner_unit_id=learner_unit,
        learner_jenis=learner_jenis,
        per_item=int(settings["peers_per_item"]),
    )
    peers["jawaban"] = peers["jawaban"].fillna("100 %")  # a % item has no answer of its own; value 1 is 100 %
    peers["reason"] = [_peer_reason(row, stage) for row in peers.itertuples()]
    return peers


def _peer_reason(row, stage: str) -> str:
    parts = [f"menjawab {row.jawaban} (penuh) pada {stage} {row.year}"]
    parts.append("provinsi lain" if row.elsewhere else "provinsi sendiri")
    if row.has_note:
        parts.append("menulis apa yang dilakukan")
    if row.has_evidence:
        parts.append("bukti dukung disebut")
    if row.same_type:
        parts.append(f"jenis sama ({row.jenis_unit})")
    if isinstance(row.predikat, str) and row.predikat:
        parts.append(f"predikat Menuju {row.predikat}")
    parts.append(f"nilai total {number(row.total)}")
    return "; ".join(parts)


@cached
def item_calibration(wh: Warehouse, scope: str, provinces, year: int | None = None) -> pd.DataFrame:
    """Per item and province: how often the TPI lowered or raised the unit's own answer, and the TPN the TPI's."""
    return wh.query("item_calibration", scope=scope, provinces=[int(p) for p in provinces], year=year)


@cached
def tpi_corrections(wh: Warehouse, scope: str, provinces, year: int | None, code: str, limit: int = 500) -> pd.DataFrame:
    """The answers to one item the TPI changed (the first `limit`, largest loss first), with both answers, the
    points moved and the TPI's note."""
    return wh.query("tpi_corrections", scope=scope, provinces=[int(p) for p in provinces], year=year, code=code, limit=limit)


@cached
def item_shares(wh: Warehouse, year: int, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("item_shares", year=year, stage=stage, scope=scope, provinces=[int(p) for p in provinces])


def share_differences(shares: pd.DataFrame, provinces) -> pd.DataFrame:
    """One row per item: each province's share of units with a full answer (%) in the order chosen, then each
    province minus the first; items whose shares differ most first (the kaji tiru agenda)."""
    if shares.empty:
        return shares
    names = dict(zip(shares["province_code"], shares["province"], strict=False))
    order = [names[p] for p in provinces if p in names]
    table = shares.pivot_table(
        index=["kode", "area", "sub_area_name", "pertanyaan"], columns="province", values="full_pct", observed=True
    )
    table = table[order].dropna()
    if len(order) < 2 or table.empty:
        return table.reset_index()
    for other in order[1:]:
        table[f"Selisih {other} − {order[0]}"] = table[other] - table[order[0]]
    table["spread"] = table[order].max(axis=1) - table[order].min(axis=1)
    return table.sort_values("spread", ascending=False, kind="stable").reset_index()


# -- the simulator, from a unit's own answers --------------------------------------------------------
def simulation_answers(wh: Warehouse, unit_id: str, rubric: str) -> tuple[int, str, pd.DataFrame] | None:
    """The unit's latest LKE answered item by item under `rubric` (the TPI's where it has them, else the
    latest stage's): the year, the stage and those answers; None where no LKE of the unit was loaded."""
    if rubric != load_bank(load_rules()).rubric:
        return None
    history = unit_scores(wh, unit_id)
    for year in sorted(set(history.loc[history["rubric"] == rubric, "year"]), reverse=True):
        answers = unit_answers(wh, unit_id, int(year))
        if not answers.empty:
            stages = [s for s in STAGES if s in set(answers["stage"])]
            stage = "TPI" if "TPI" in stages else stages[-1]
            return int(year), stage, answers[answers["stage"] == stage]
    return None


def answer_sheet(answers: pd.DataFrame) -> pd.DataFrame:
    """What a unit answers itself (every item but a % item's result), in the bank's order, with the choices
    each allows and its answer now, twice: `awal` as it was, `jawaban` to change."""
    rules = load_rules()
    bank = load_bank(rules)
    given = dict(zip(answers["kode"], answers["jawaban"], strict=True))
    rows = [
        {
            "kode": item.code,
            "sub_area_name": item.subarea_name,
            "pertanyaan": item.question,
            "pilihan": _choices(item, bank.index_scale(rules)),
            "awal": given.get(item.code),
            "jawaban": given.get(item.code),
        }
        for item in bank.items
        if item.answered or (item.kind == TOTAL_KIND and given.get(item.code) is not None)
    ]
    return pd.DataFrame(rows)


def _choices(item, scale: float) -> str:
    if item.options:
        return "/".join(label for label, _ in item.options)
    if item.kind == INDEX_KIND:
        return f"indeks 0–{number(scale, 0)}"
    return "jumlah (bilangan bulat)"


def rescore(sheet: pd.DataFrame, column: str = "jawaban") -> tuple[StageScore, list[Finding]]:
    """The sheet's answers scored by the rules, exactly as a loaded LKE is (zi.domain.scoring); an answer the
    rules refuse (not one of its choices, not a whole count) keeps the sheet's `awal` answer, and is returned."""
    rules = load_rules()
    bank = load_bank(rules)

    def given(raws) -> dict[str, Given]:
        return {code: Given(None if pd.isna(raw) else raw, code) for code, raw in zip(sheet["kode"], raws, strict=True)}

    result = score(bank, rules, given(sheet[column]))
    refused = result.refused
    if refused:
        kept = {f.code for f in refused}
        raws = [old if code in kept else raw for code, raw, old in zip(sheet["kode"], sheet[column], sheet["awal"], strict=True)]
        result = score(bank, rules, given(raws))
    return result, refused


def answer_changes(sheet: pd.DataFrame, before: StageScore, after: StageScore) -> pd.DataFrame:
    """The scored items whose points the changes moved (a % item through its counts, too)."""
    bank = load_bank(load_rules())
    rows = []
    for item in bank.items:
        old, new = before.points.get(item.code), after.points.get(item.code)
        if item.scored and old is not None and new is not None and abs(new - old) > 1e-9:
            rows.append(
                {
                    "kode": item.code,
                    "pertanyaan": item.question,
                    "before": before.answers.get(item.code) or f"{number(before.values[item.code] * 100, 0)} %",
                    "after": after.answers.get(item.code) or f"{number(after.values[item.code] * 100, 0)} %",
                    "gain": new - old,
                }
            )
    return pd.DataFrame(rows, columns=["kode", "pertanyaan", "before", "after", "gain"])

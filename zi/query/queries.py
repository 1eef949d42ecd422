"""The query layer: one typed function per question a page asks, each running one named SQL file.

Functions take the `Warehouse` first and plain values after; results are cached per warehouse
version (a swapped-in file gets fresh results, no restart needed). Reshaping that only arranges a
result for display (a pivot for a difference table) happens here, never in a page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zi.domain.conditions import minimum_points
from zi.domain.rules import AREAS, load_rules
from zi.portalrb import payload
from zi.present.labels import number, stage_label
from zi.query.db import Warehouse

cached = st.cache_data(hash_funcs={Warehouse: Warehouse.cache_key}, max_entries=512, show_spinner=False)


def _codes(provinces) -> list[int]:
    return [int(p) for p in provinces]


@cached
def data_status(wh: Warehouse) -> dict:
    return wh.query("data_status").iloc[0].to_dict()


@cached
def provinces_available(wh: Warehouse) -> pd.DataFrame:
    return wh.query("provinces_available")


@cached
def provinces_all(wh: Warehouse) -> pd.DataFrame:
    return wh.query("provinces_all")


@cached
def years_available(wh: Warehouse) -> list[int]:
    return [int(y) for y in wh.query("years_available")["year"]]


@cached
def rubrics(wh: Warehouse) -> pd.DataFrame:
    return wh.query("rubrics")


@cached
def province_summary(wh: Warehouse, year: int, stage: str, scope: str, provinces=None) -> pd.DataFrame:
    return wh.query(
        "province_summary", year=year, stage=stage, scope=scope, provinces=None if provinces is None else _codes(provinces)
    )


@cached
def averages(wh: Warehouse, year: int, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("averages", year=year, stage=stage, scope=scope, provinces=_codes(provinces))


@cached
def area_achievement(wh: Warehouse, year: int, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("area_achievement", year=year, stage=stage, scope=scope, provinces=_codes(provinces))


def area_differences(achievement: pd.DataFrame) -> pd.DataFrame:
    """Difference table (selisih): one row per area, one column per province, then each province
    minus the first one chosen, in percentage points of the area's weight."""
    provinces = achievement.dropna(subset=["province_code"])
    table = provinces.pivot_table(index=["area", "area_name"], columns="province", values="pct", observed=True)
    table = table.reindex(sorted(table.index, key=lambda key: AREAS.index(key[0])))
    order = list(dict.fromkeys(provinces["province"]))
    table = table[order]
    for other in order[1:]:
        table[f"Selisih {other} − {order[0]}"] = table[other] - table[order[0]]
    return table.reset_index()


@cached
def unit_totals(wh: Warehouse, year: int, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("unit_totals", year=year, stage=stage, scope=scope, provinces=_codes(provinces))


@cached
def area_trend(wh: Warehouse, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("area_trend", stage=stage, scope=scope, provinces=_codes(provinces))


@cached
def province_trend(wh: Warehouse, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("province_trend", stage=stage, scope=scope, provinces=_codes(provinces))


@cached
def unit_trend(wh: Warehouse, stage: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("unit_trend", stage=stage, scope=scope, provinces=_codes(provinces))


def top_units(unit_trend_result: pd.DataFrame, count: int) -> list[str]:
    """unit_ids of the `count` units with the highest total (% of max) in their latest year."""
    latest = unit_trend_result.sort_values("year").groupby("unit_id").tail(1)
    return latest.nlargest(count, "total_pct")["unit_id"].tolist()


@cached
def slope(wh: Warehouse, stage: str, scope: str, provinces, year_from: int, year_to: int) -> pd.DataFrame:
    return wh.query("slope", stage=stage, scope=scope, provinces=_codes(provinces), year_from=year_from, year_to=year_to)


@cached
def units_list(wh: Warehouse, provinces) -> pd.DataFrame:
    return wh.query("units_list", provinces=_codes(provinces))


@cached
def unit_scores(wh: Warehouse, unit_id: str) -> pd.DataFrame:
    return wh.query("unit_scores", unit_id=unit_id)


@cached
def unit_items(wh: Warehouse, unit_id: str, year: int) -> pd.DataFrame:
    return wh.query("unit_items", unit_id=unit_id, year=year)


@cached
def unit_conditions(wh: Warehouse, unit_id: str, year: int) -> pd.DataFrame:
    return wh.query("unit_conditions", unit_id=unit_id, year=year)


def area_profile(items: pd.DataFrame, stages=None) -> pd.DataFrame:
    """A unit's pengungkit areas per stage, as halves where they were given, labelled for a chart."""
    rows = items[items["level"].isin(["area", "half"])].copy()
    has_halves = rows.groupby("stage")["level"].transform(lambda levels: (levels == "half").any())
    rows = rows[(rows["level"] == "half") == has_halves]
    if stages is not None:
        rows = rows[rows["stage"].isin(stages)]
    rows["label"] = rows["area"] + rows["half"].map({"pemenuhan": " (P)", "reform": " (R)"}).fillna("")
    rows["area"] = pd.Categorical(rows["area"], AREAS, ordered=True)
    rows["series"] = rows["stage"].map(stage_label)
    return rows.sort_values(["stage", "area", "half"], na_position="first")


def peer_areas(
    wh: Warehouse, unit_id: str, unit_label: str, peer_id: str, peer_label: str, year: int, stage: str
) -> pd.DataFrame:
    """Area achievement of a unit and its peer at one stage, labelled by unit for a chart."""
    parts = []
    for uid, label in ((unit_id, unit_label), (peer_id, peer_label)):
        items = unit_items(wh, uid, year)
        rows = items[(items["level"] == "area") & (items["stage"] == stage)].assign(series=label, label=lambda f: f["area"])
        parts.append(rows.assign(area=pd.Categorical(rows["area"], AREAS, ordered=True)).sort_values("area"))
    return pd.concat(parts, ignore_index=True)


@cached
def best_peer(wh: Warehouse, unit_id: str, year: int, stage: str) -> pd.DataFrame:
    return wh.query("best_peer", unit_id=unit_id, year=year, stage=stage)


@cached
def unit_provenance(wh: Warehouse, unit_id: str) -> pd.DataFrame:
    return wh.query("unit_provenance", unit_id=unit_id)


@cached
def rule_weights(wh: Warehouse) -> pd.DataFrame:
    return wh.query("rule_weights")


@cached
def rule_questions(wh: Warehouse) -> pd.DataFrame:
    return wh.query("rule_questions")


@cached
def rule_thresholds(wh: Warehouse) -> pd.DataFrame:
    return wh.query("rule_thresholds")


@cached
def load_history(wh: Warehouse) -> pd.DataFrame:
    return wh.query("load_history")


@cached
def load_files(wh: Warehouse) -> pd.DataFrame:
    return wh.query("load_files")


@cached
def load_file_details(wh: Warehouse, load_id: int) -> pd.DataFrame:
    """The first `preview_max_rows` files of a load (column files_in_load: how many in all)."""
    return wh.query("load_file_details", load_id=int(load_id), limit=int(load_rules().limits["preview_max_rows"]))


@cached
def load_added(wh: Warehouse, load_id: int) -> pd.DataFrame:
    """The first `preview_max_rows` rows a load added (column rows_in_load: how many in all)."""
    return wh.query("load_added", load_id=int(load_id), limit=int(load_rules().limits["preview_max_rows"]))


LOAD_KEY = ["unit_id", "year", "stage"]
LOAD_ORIGIN = ["load_id", "file_name", "source_row", "replaced_by_load", "side"]


@cached
def load_changes(wh: Warehouse, load_id: int) -> pd.DataFrame:
    """What one load replaced, one row per key and changed column: old -> new, and the file and row
    each came from, for the first `preview_max_rows` keys (column keys_in_load: how many in all). A
    rollback's rows have no new side (`new` empty: the value it took out)."""
    sides = wh.query("load_replaced", load_id=int(load_id), limit=int(load_rules().limits["preview_max_rows"]))
    columns = ["unit_id", "instansi", "unit", "year", "stage", "column", "old", "new"]
    columns += ["old_file", "old_row", "new_file", "new_row", "keys_in_load"]
    if sides.empty:
        return pd.DataFrame(columns=columns)
    old = sides[sides["side"] == "lama"].set_index(LOAD_KEY)
    new = sides[sides["side"] == "baru"].set_index(LOAD_KEY).reindex(old.index)
    values = [c for c in sides.columns if c not in LOAD_KEY + LOAD_ORIGIN + ["instansi", "unit", "keys_in_load"]]
    # every key's values side by side, one row per key and column, in the keys' order and then the columns'
    before, after = old[values].astype(object).stack(), new[values].astype(object).stack()
    same = (before.isna() & after.isna()) | (before == after).fillna(False).astype(bool)
    changed = pd.DataFrame({"old": before[~same], "new": after[~same]}).rename_axis([*LOAD_KEY, "column"]).reset_index()
    origin = pd.DataFrame(
        {
            "instansi": old["instansi"],
            "unit": old["unit"],
            "old_file": old["file_name"],
            "old_row": old["source_row"],
            "new_file": new["file_name"],
            "new_row": new["source_row"],
            "keys_in_load": old["keys_in_load"],
        }
    ).reset_index()
    return changed.merge(origin, on=LOAD_KEY, how="left")[columns]


@cached
def context_indices(wh: Warehouse) -> pd.DataFrame:
    return wh.query("context_indices")


@cached
def national_awards(wh: Warehouse) -> pd.DataFrame:
    return wh.query("national_awards")


# -- kaji tiru toolkit ------------------------------------------------------------------------------
@cached
def gap_units(wh: Warehouse, year: int, stage: str, predicate: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("gap_units", year=year, stage=stage, predicate=predicate, scope=scope, provinces=_codes(provinces))


@cached
def gap_conditions(wh: Warehouse, unit_id: str, year: int, stage: str, predicate: str) -> pd.DataFrame:
    return wh.query("gap_conditions", unit_id=unit_id, year=year, stage=stage, predicate=predicate)


@cached
def gap_distribution(wh: Warehouse, year: int, stage: str, predicate: str, scope: str, provinces) -> pd.DataFrame:
    return wh.query("gap_distribution", year=year, stage=stage, predicate=predicate, scope=scope, provinces=_codes(provinces))


@cached
def priority_items(
    wh: Warehouse, year: int, stage: str, predicate: str, scope: str, provinces, unit_id: str | None = None
) -> pd.DataFrame:
    """Items ranked: first those that alone lift a failing condition (for most units), then by the
    points recoverable; `cumulative_total` is the mean total if the items were met in this order."""
    items = wh.query(
        "priority_items", year=year, stage=stage, predicate=predicate, scope=scope, provinces=_codes(provinces), unit_id=unit_id
    )
    if items.empty:
        return items
    start = unit_totals(wh, year, stage, scope, provinces)
    if unit_id is not None:
        start = start[start["unit_id"] == unit_id]
    items["cumulative_total"] = start["total"].mean() + items["recoverable"].cumsum()
    return items


@cached
def peer_candidates(
    wh: Warehouse, area: str, year: int, stage: str, exclude_provinces, learner_unit: str | None, learner_jenis: str | None
) -> pd.DataFrame:
    """Units elsewhere to learn `area` from, scored by the [kaji_tiru] heuristic of the rules file,
    each with the reason in words."""
    settings = load_rules().kaji_tiru
    peers = wh.query(
        "peer_candidates",
        area=area,
        year=year,
        stage=stage,
        exclude_provinces=_codes(exclude_provinces),
        learner_unit=learner_unit,
        learner_jenis=learner_jenis,
        stopwords=list(settings["name_stopwords"]),
        recent_years=int(settings["recent_years"]),
        improve_scale=float(settings["improve_scale"]),
        w_strength=float(settings["w_strength"]),
        w_similar=float(settings["w_similar"]),
        w_improve=float(settings["w_improve"]),
        w_predicate=float(settings["w_predicate"]),
        limit=int(settings["peers_shown"]),
    )
    peers["reason"] = [_peer_reason(row, area) for row in peers.itertuples()]
    return peers


def _peer_reason(row, area: str) -> str:
    parts = [f"kuat di {area} ({number(row.area_pct, 1)} % dari bobot)"]
    if row.same_type:
        parts.append(f"jenis sama ({row.jenis_unit})")
    if len(row.shared_words):
        parts.append("nama serupa: " + ", ".join(row.shared_words))
    if row.gain is not None and row.gain == row.gain and row.gain > 0:
        parts.append(f"naik {number(row.gain, 1)} poin % sejak {row.since}")
    if row.recent_predicate:
        parts.append(f"meraih {row.predicate} sejak {row.predicate_since}")
    return "; ".join(parts)


@cached
def calibration_units(wh: Warehouse, scope: str, provinces, year: int | None = None) -> pd.DataFrame:
    return wh.query("calibration_units", scope=scope, provinces=_codes(provinces), year=year)


@cached
def calibration_areas(wh: Warehouse, scope: str, provinces, year: int | None = None) -> pd.DataFrame:
    return wh.query("calibration_areas", scope=scope, provinces=_codes(provinces), year=year)


@cached
def practices(wh: Warehouse, provinces=None) -> pd.DataFrame:
    return wh.query("practices", provinces=None if provinces is None else _codes(provinces))


def calibration_summary(units: pd.DataFrame) -> pd.DataFrame:
    """Per province: mean SA - TPI and TPI - TPN (points) and which stage scores most generously."""
    summary = (
        units.groupby(["province_code", "province"], sort=False)
        .agg(
            sa_minus_tpi=("sa_minus_tpi", "mean"),
            tpi_minus_tpn=("tpi_minus_tpn", "mean"),
            pairs_sa_tpi=("sa_minus_tpi", "count"),
            pairs_tpi_tpn=("tpi_minus_tpn", "count"),
        )
        .reset_index()
    )

    def most_generous(row) -> str:
        # Order stages by mean score relative to TPI (SA = TPI + d1, TPN = TPI - d2).
        relative = {"SA": row.sa_minus_tpi, "TPI": 0.0, "TPN": -row.tpi_minus_tpn}
        known = {k: v for k, v in relative.items() if v == v}
        return max(known, key=known.__getitem__) if len(known) > 1 else "–"

    summary["most_generous"] = summary.apply(most_generous, axis=1)
    return summary


def practice_template() -> pd.DataFrame:
    """The columns of a good-practice file, with one example row (fictitious, to be replaced)."""
    return pd.DataFrame(
        [
            {
                "provinsi": "Kalteng",
                "instansi": "Pemprov Kalimantan Tengah",
                "unit_kerja": "Dinas Perpustakaan dan Arsip",
                "tahun": 2025,
                "area": "TT",
                "sub_area": "TT-P2",
                "praktik": "Contoh: persuratan dinas elektronik",
                "sumber": "Catatan kunjungan, tanggal",
                "catatan": "",
            }
        ]
    )


def simulation_start(wh: Warehouse, unit_id: str | None, rubric: str) -> tuple[dict[str, float], set[str]]:
    """A unit's latest points under `rubric` by indicator code (TPI if it has one, else its latest
    stage), and the predicates it has held; without a unit, each item at its own WBK minimum."""
    if unit_id is None:
        return minimum_points(load_rules(), rubric, "WBK"), set()
    scores = unit_scores(wh, unit_id)
    held = set(scores["predikat"].dropna())
    rows = scores[scores["rubric"] == rubric]
    if rows.empty:
        return {}, held
    year = int(rows["year"].max())
    stages = rows[rows["year"] == year]["stage"].tolist()
    stage = "TPI" if "TPI" in stages else stages[-1]
    items = unit_items(wh, unit_id, year)
    items = items[(items["stage"] == stage) & items["level"].isin(["area", "half", "result"])]
    return dict(zip(items["code"], items["points"], strict=True)), held


def conditions_table(conditions) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "predicate": c.predicate,
                "condition": c.condition,
                "subject": c.subject,
                "value": c.value,
                "minimum": c.minimum,
                "met": c.met,
                "missing": c.missing,
            }
            for c in conditions
        ]
    )


# -- PortalRB proposals (pages/data/usulan.py) --------------------------------------------------------
@cached
def proposal_years(wh: Warehouse, province: int) -> list[int]:
    return [int(y) for y in wh.query("proposal_years", province=int(province))["year"]]


@cached
def proposal_candidates(wh: Warehouse, province: int, year: int, instansi: str | None = None) -> pd.DataFrame:
    """Units of `province` that meet the WBK or WBBM conditions at TPI in `year`, or are proposed then; with
    `instansi`, that instansi's only."""
    frame = wh.query("proposal_candidates", province=int(province), year=int(year))
    return frame if instansi is None else frame[frame["instansi"] == instansi].reset_index(drop=True)


@cached
def portalrb_proposals(wh: Warehouse, year: int, instansi_key: str) -> dict[str, dict]:
    """What `/pengusulan/unit-wbk` and `/pengusulan/unit-wbbm` send now for `year`, for one instansi."""
    return {
        endpoint: payload.proposals(wh, predicate, year, {instansi_key}) for endpoint, predicate in payload.PREDICATES.items()
    }


@cached
def portalrb_answers(wh: Warehouse, stable_id: str, year: int) -> dict | None:
    """What `/lke/jawaban-unit/{stable_id}?tahun=year` sends now; None where it answers 404."""
    try:
        _unit, proposal = payload.unit(wh, stable_id, year)
        return None if proposal is None else payload.answers(wh, proposal, year)
    except (payload.UnitUnknown, payload.NoAnswers):
        return None

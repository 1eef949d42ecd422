"""Golden outputs of `zi.query.queries` on the tiny fixture warehouse, and the read-only choke point.

Every expected value is written out here and derived by hand from `tests/fixtures/dashboard/` (the
table of rows and the eligibility reasoning is in its README.md); the arithmetic is in the comments.
Rubric 90/2021 everywhere, total maximum 100, so a total equals its % of the maximum.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from zi.query import queries
from zi.query.db import QUERY_DIR, NotASelect, Warehouse, refuse_unless_single_select, sql

pytest_plugins = ["dashboard_fixtures"]

K_INS = "62:pemprov kalimantan tengah:inspektorat"
K_DIN = "62:pemprov kalimantan tengah:dinas kesehatan"
K_BAP = "62:pemprov kalimantan tengah:badan pendapatan daerah"
J_INS = "32:pemprov jawa barat:inspektorat"
J_DIN = "32:pemprov jawa barat:dinas kesehatan"
J_HYP = '32:pemprov jawa barat:=hyperlink("x")'
J_KAB = "32:kabupaten bandung:inspektorat"
B_INS = "51:pemprov bali:inspektorat"
AREAS_ALPHABETICAL = ["AK", "MP", "PP", "PW", "SDM", "TT"]  # the SQL orders areas by code


@pytest.fixture(scope="module")
def wh(fixture_db):
    warehouse = Warehouse.open(fixture_db)
    yield warehouse
    warehouse.close()


def approx(value, rel=1e-9, abs=1e-9):
    return pytest.approx(value, rel=rel, abs=abs)


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows as plain tuples (NA -> None, numpy scalars -> Python), for exact comparison."""
    out = []
    for row in frame[columns].itertuples(index=False):
        out.append(
            tuple(
                None if (v is None or (not isinstance(v, str) and pd.isna(v))) else (v.item() if hasattr(v, "item") else v)
                for v in row
            )
        )
    return out


# -- what every page shows first ------------------------------------------------------------------
def test_data_status_names_the_three_files_and_is_not_sample(wh):
    status = queries.data_status(wh)
    assert status["files"] == "rekap_bali.csv, rekap_jabar.csv, rekap_kalteng.csv"
    assert status["file_count"] == 3
    assert status["has_sample"] is False or status["has_sample"] == False  # noqa: E712 (numpy bool)
    assert status["score_rows"] == 16  # 7 Kalteng + 8 Jabar + 1 Bali rows
    assert isinstance(status["loaded_at"], pd.Timestamp)


def test_provinces_and_years_available(wh):
    assert records(queries.provinces_available(wh), ["province_code", "province", "province_abbr"]) == [
        (32, "Jawa Barat", "Jabar"),
        (51, "Bali", "Bali"),
        (62, "Kalimantan Tengah", "Kalteng"),
    ]
    assert queries.years_available(wh) == [2024, 2023]  # newest first


# -- Ringkasan ------------------------------------------------------------------------------------
SUMMARY = ["province_code", "units", "proposed", "wbk", "wbbm", "assessed", "eligible_wbk", "rank", "rank_change"]


def test_province_summary_2024_tpi_counts_ranks_and_rank_change(wh):
    s = queries.province_summary(wh, 2024, "TPI", "provinsi")
    # units = units with any 2024 row (Pemprov only); proposed = units with a 2024 TPN row.
    # Kalteng: Inspektorat, Dinas, Badan -> 3; TPN: Inspektorat -> 1. Jabar: Inspektorat, Dinas,
    # =HYPERLINK -> 3 (Kabupaten Bandung is kab/kota, out of scope); TPN: Inspektorat -> 1.
    # wbk/wbbm = latest predicate held up to 2024: Jabar Inspektorat WBK (2023) then WBBM (2024) -> WBBM.
    # TPI means: Kalteng (84 + 71 + 92) / 3 = 82.333 -> rank 1; Jabar (92 + 67 + 60) / 3 = 73 -> rank 2.
    # 2023 TPI means: Jabar (84 + 75.5) / 2 = 79.75 rank 1, Kalteng (60 + 66) / 2 = 63 rank 2, Bali 58 rank 3.
    # rank_change = previous rank - rank: Kalteng 2 - 1 = +1 (climbed), Jabar 1 - 2 = -1.
    # eligible WBK (TPI 2024): Kalteng Inspektorat and Badan -> 2; Jabar Inspektorat -> 1.
    # Bali has no 2024 row and no predicate: not listed.
    assert records(s, SUMMARY) == [
        (62, 3, 1, 0, 0, 3, 2, 1, 1),
        (32, 3, 1, 0, 1, 3, 1, 2, -1),
    ]
    kalteng, jabar = s.iloc[0], s.iloc[1]
    assert kalteng["province"] == "Kalimantan Tengah" and jabar["province_abbr"] == "Jabar"
    assert kalteng["mean_total"] == approx(247 / 3) and kalteng["mean_pct"] == approx(247 / 3)
    assert jabar["mean_total"] == approx(73.0)
    # sample std: Kalteng deviations 1.667, -11.333, 9.667 -> squares sum 224.667 / 2 = 112.333
    assert kalteng["std_total"] == approx(math.sqrt(((84 - 247 / 3) ** 2 + (71 - 247 / 3) ** 2 + (92 - 247 / 3) ** 2) / 2))
    assert kalteng["std_total"] == approx(10.5987, rel=1e-4)
    # Jabar deviations 19, -6, -13 -> (361 + 36 + 169) / 2 = 283
    assert jabar["std_total"] == approx(math.sqrt(283))
    assert (s["eligibility_unknown"] == 0).all()  # 90/2021 thresholds are known


def test_province_summary_2023_first_year_has_no_rank_change(wh):
    s = queries.province_summary(wh, 2023, "TPI", "provinsi")
    # 2023 units: Kalteng Inspektorat + Dinas = 2 (proposed: Inspektorat has TPN 2023), Jabar
    # Inspektorat + Dinas = 2 (proposed 1, WBK held from 2023), Bali 1. No 2022 data: no rank change.
    assert records(s, SUMMARY) == [
        (32, 2, 1, 1, 0, 2, 1, 1, None),
        (62, 2, 1, 0, 0, 2, 0, 2, None),
        (51, 1, 0, 0, 0, 1, 0, 3, None),
    ]
    assert list(s["mean_total"]) == [approx(79.75), approx(63.0), approx(58.0)]
    assert s["std_total"].iloc[0] == approx(8.5 / math.sqrt(2))  # |84 - 75.5| / sqrt 2
    assert pd.isna(s["std_total"].iloc[2])  # one unit: no sample deviation


def test_province_summary_scope_and_stage(wh):
    semua = queries.province_summary(wh, 2024, "TPI", "semua")
    jabar = semua[semua["province_code"] == 32].iloc[0]
    # with Kabupaten Bandung (67): 4 units, (92 + 67 + 60 + 67) / 4 = 71.5
    assert (jabar["units"], jabar["assessed"]) == (4, 4) and jabar["mean_total"] == approx(71.5)
    tpn = queries.province_summary(wh, 2024, "TPN", "provinsi")
    # TPN 2024: Jabar 85.5 rank 1, Kalteng 75 rank 2; TPN 2023: Jabar 78, Kalteng 57 -> same ranks, change 0
    assert records(tpn, ["province_code", "assessed", "mean_total", "rank", "rank_change", "eligible_wbk"]) == [
        (32, 1, 85.5, 1, 0, 1),
        (62, 1, 75.0, 2, 0, 0),
    ]


def test_averages_national_and_peer(wh):
    a = queries.averages(wh, 2024, "TPI", "provinsi", [62])
    # national: 84, 71, 92 (Kalteng) + 92, 67, 60 (Jabar) = 466 / 6 = 77.667; peer (Kalteng) 82.333
    assert list(a["label"]) == ["Rata-rata nasional (semua data)", "Rata-rata provinsi terpilih"]
    assert list(a["assessed"]) == [6, 3]
    assert a["mean_total"].tolist() == [approx(466 / 6), approx(247 / 3)]
    assert a["mean_pct"].tolist() == [approx(466 / 6), approx(247 / 3)]
    # national squares of deviations from 77.667: 40.11 + 44.44 + 205.44 + 205.44 + 113.78 + 312.11 = 921.33; / 5
    assert a["std_total"].iloc[0] == approx(math.sqrt(921.3333333333 / 5), rel=1e-9)
    assert a["std_total"].iloc[0] == approx(13.5745, rel=1e-4)
    none = queries.averages(wh, 2024, "TPI", "provinsi", [])
    assert list(none["label"]) == ["Rata-rata nasional (semua data)"]  # no peers chosen: no peer row


# -- Bandingkan -----------------------------------------------------------------------------------
def test_area_achievement_per_province_and_reference(wh):
    a = queries.area_achievement(wh, 2024, "TPI", "provinsi", [62, 32])
    # in the order chosen: Kalteng, Jabar, then the reference; areas by code
    assert list(a["province"]) == ["Kalimantan Tengah"] * 6 + ["Jawa Barat"] * 6 + ["Rata-rata terpilih"] * 6
    assert list(a["area"]) == AREAS_ALPHABETICAL * 3
    by = {(r.province, r.area): r for r in a.itertuples()}
    # Kalteng units at 80 % (Inspektorat), 70 % with PW 50 % (Dinas), 90 % (Badan):
    # MP (80 + 70 + 90) / 3 = 80 %; points (6.4 + 5.6 + 7.2) / 3 = 6.4 of 8; PW (80 + 50 + 90) / 3 = 73.33 %
    assert by["Kalimantan Tengah", "MP"].pct == approx(80.0)
    assert by["Kalimantan Tengah", "MP"].mean_points == approx(6.4) and by["Kalimantan Tengah", "MP"].weight == 8.0
    assert by["Kalimantan Tengah", "PW"].pct == approx(220 / 3)
    assert by["Kalimantan Tengah", "PW"].mean_points == approx(11.0)  # (12 + 7.5 + 13.5) / 3
    # Jabar units at 90 % (Inspektorat), 60 % (Dinas), MP 100 % rest 50 % (=HYPERLINK):
    # MP (90 + 60 + 100) / 3 = 83.33 %, every other area (90 + 60 + 50) / 3 = 66.67 %
    assert by["Jawa Barat", "MP"].pct == approx(250 / 3)
    assert by["Jawa Barat", "TT"].pct == approx(200 / 3)
    # reference = the six units together: MP (80+70+90+90+60+100)/6 = 81.67, PW (80+50+90+90+60+50)/6 = 70
    assert by["Rata-rata terpilih", "MP"].pct == approx(490 / 6)
    assert by["Rata-rata terpilih", "PW"].pct == approx(70.0)
    assert by["Rata-rata terpilih", "AK"].pct == approx(440 / 6)
    assert set(a["units"]) == {3, 6}
    assert a["province_code"].isna().sum() == 6


def test_area_differences_subtract_the_first_province_chosen(wh):
    diff = queries.area_differences(queries.area_achievement(wh, 2024, "TPI", "provinsi", [62, 32]))
    column = "Selisih Jawa Barat − Kalimantan Tengah"
    assert list(diff.columns) == ["area", "area_name", "Kalimantan Tengah", "Jawa Barat", column]
    assert list(diff["area"]) == ["MP", "TT", "SDM", "AK", "PW", "PP"]  # LKE order
    # MP 83.33 - 80 = +3.33; TT/SDM/AK/PP 66.67 - 80 = -13.33; PW 66.67 - 73.33 = -6.67
    assert diff[column].tolist() == [
        approx(10 / 3),
        approx(-40 / 3),
        approx(-40 / 3),
        approx(-40 / 3),
        approx(-20 / 3),
        approx(-40 / 3),
    ]
    reverse = queries.area_differences(queries.area_achievement(wh, 2024, "TPI", "provinsi", [32, 62]))
    assert reverse["Selisih Kalimantan Tengah − Jawa Barat"].tolist()[0] == approx(-10 / 3)


def test_unit_totals(wh):
    u = queries.unit_totals(wh, 2024, "TPI", "provinsi", [62, 32])
    # by province code, then total descending; kab/kota left out
    assert records(u, ["unit_id", "total", "total_pct", "pengungkit", "hasil", "wbk_eligible", "wbbm_eligible"]) == [
        (J_INS, 92.0, 92.0, 54.0, 38.0, True, True),
        (J_DIN, 67.0, 67.0, 36.0, 31.0, False, False),
        (J_HYP, 60.0, 60.0, 34.0, 26.0, False, False),  # 8 + 3.5 + 5 + 5 + 7.5 + 5 = 34; 12 + 2 + 12
        (K_BAP, 92.0, 92.0, 54.0, 38.0, True, False),  # never held a predicate: no WBBM
        (K_INS, 84.0, 84.0, 48.0, 36.0, True, False),  # from halves 3.2+3.2, 2.8+2.8, 4+4, 4+4, 6+6, 4+4
        (K_DIN, 71.0, 71.0, 39.0, 32.0, False, False),  # PW 7.5 of 15 = 50 % < 60 %
    ]
    for row in queries.unit_totals(wh, 2024, "TPI", "provinsi", [62, 32]).itertuples():
        assert row.total == approx(row.pengungkit + row.hasil)
    semua = queries.unit_totals(wh, 2024, "TPI", "semua", [32])
    assert J_KAB in set(semua["unit_id"]) and len(semua) == 4


def test_area_trend_per_year(wh):
    t = queries.area_trend(wh, "TPN", "provinsi", [62, 32])
    # one TPN unit per province-year: Jabar 70 % (2023) and 80 % (2024); Kalteng 50 % and 70 %
    assert len(t) == 24 and set(t["units"]) == {1}
    pct = {
        (r.province_code, r.year): {round(p, 9) for p in t[(t.province_code == r.province_code) & (t.year == r.year)]["pct"]}
        for r in t.itertuples()
    }
    assert pct == {(32, 2023): {70.0}, (32, 2024): {80.0}, (62, 2023): {50.0}, (62, 2024): {70.0}}


# -- Tren -----------------------------------------------------------------------------------------
def test_province_trend(wh):
    t = queries.province_trend(wh, "TPI", "provinsi", [62, 32])
    assert records(t, ["province_code", "year", "assessed", "eligible_wbk", "eligible_wbbm"]) == [
        (32, 2023, 2, 1, 0),  # Jabar Inspektorat meets WBK (84, 80 %); WBBM needs 85 and a prior predicate
        (32, 2024, 3, 1, 1),  # Inspektorat 92, 90 %, WBK held in 2023 -> WBBM too
        (62, 2023, 2, 0, 0),  # Inspektorat reform halves at 40 %; Dinas IPAK 14
        (62, 2024, 3, 2, 0),  # Inspektorat 84 and Badan 92 meet WBK; Badan lacks a prior predicate
    ]
    assert t["mean_total"].tolist() == [approx(79.75), approx(73.0), approx(63.0), approx(247 / 3)]
    assert t["mean_pct"].tolist() == t["mean_total"].tolist()  # maximum 100
    assert set(t["rubric"]) == {"permen90-2021"}


def test_unit_trend_and_top_units(wh):
    u = queries.unit_trend(wh, "TPN", "provinsi", [62, 32])
    assert records(u, ["unit_id", "label", "year", "total", "predikat"]) == [
        (J_INS, "Inspektorat (Jabar)", 2023, 78.0, "WBK"),
        (J_INS, "Inspektorat (Jabar)", 2024, 85.5, "WBBM"),
        (K_INS, "Inspektorat (Kalteng)", 2023, 57.0, None),
        (K_INS, "Inspektorat (Kalteng)", 2024, 75.0, None),
    ]
    # latest TPI totals: Jabar Inspektorat 92, Kalteng Badan 92, Kalteng Inspektorat 84, Kalteng Dinas 71, ...
    top = queries.top_units(queries.unit_trend(wh, "TPI", "provinsi", [62, 32]), 3)
    assert set(top) == {J_INS, K_BAP, K_INS}


def test_slope_between_two_years(wh):
    s = queries.slope(wh, "TPI", "provinsi", [62, 32], 2023, 2024)
    # only units with a TPI row in both years, by change: 60->84 +24, 84->92 +8, 66->71 +5, 75.5->67 -8.5
    assert records(s, ["unit_id", "pct_from", "pct_to", "change"]) == [
        (K_INS, 60.0, 84.0, 24.0),
        (J_INS, 84.0, 92.0, 8.0),
        (K_DIN, 66.0, 71.0, 5.0),
        (J_DIN, 75.5, 67.0, -8.5),
    ]
    assert queries.slope(wh, "TPI", "provinsi", [51], 2023, 2024).empty  # Bali: 2023 only


# -- Profil Unit Kerja ----------------------------------------------------------------------------
def test_units_list(wh):
    assert records(queries.units_list(wh, [62]), ["unit_id", "unit", "instansi", "jenis_unit", "latest_year"]) == [
        (K_BAP, "Badan Pendapatan Daerah", "Pemprov Kalimantan Tengah", "Badan", 2024),
        (K_DIN, "Dinas Kesehatan", "Pemprov Kalimantan Tengah", "Dinas", 2024),
        (K_INS, "Inspektorat", "Pemprov Kalimantan Tengah", "Inspektorat", 2024),
    ]
    assert list(queries.units_list(wh, [32])["unit_id"]) == [J_KAB, J_HYP, J_DIN, J_INS]  # instansi, then unit


def test_unit_scores(wh):
    s = queries.unit_scores(wh, K_INS)
    assert records(s, ["year", "stage", "total", "total_pct", "halves_given", "wbk_eligible"]) == [
        (2023, "TPI", 60.0, 60.0, True, False),
        (2023, "TPN", 57.0, 57.0, True, False),
        (2024, "TPI", 84.0, 84.0, True, True),
        (2024, "TPN", 75.0, 75.0, True, False),
    ]
    assert [p for (p,) in records(queries.unit_scores(wh, J_INS), ["predikat"])] == [None, "WBK", None, "WBBM"]


def test_unit_items_and_area_profile_use_the_halves(wh):
    items = queries.unit_items(wh, K_INS, 2023)
    tpi = items[items["stage"] == "TPI"]
    assert sorted(tpi["level"].value_counts().items()) == [("area", 6), ("half", 12), ("result", 3)]
    half = tpi.set_index("code")["pct"]
    # 2023 TPI: pemenuhan at 60 %, reform at 40 % (MP 2.4 and 1.6 of 4), area 50 %
    assert half["MP-PEMENUHAN"] == approx(60.0) and half["MP-REFORM"] == approx(40.0) and half["MP"] == approx(50.0)
    assert half["IPAK"] == approx(100 * 14 / 17.5)  # 80 %
    profile = queries.area_profile(items)
    assert list(profile[profile["stage"] == "TPI"]["label"]) == [
        "MP (P)",
        "MP (R)",
        "TT (P)",
        "TT (R)",
        "SDM (P)",
        "SDM (R)",
        "AK (P)",
        "AK (R)",
        "PW (P)",
        "PW (R)",
        "PP (P)",
        "PP (R)",
    ]
    assert list(profile[profile["stage"] == "TPI"]["pct"].round(9)) == [60.0, 40.0] * 6
    # a unit without halves is profiled by area
    plain = queries.area_profile(queries.unit_items(wh, K_DIN, 2024))
    assert list(plain["label"]) == ["MP", "TT", "SDM", "AK", "PW", "PP"]
    assert list(plain["pct"].round(9)) == [70.0, 70.0, 70.0, 70.0, 50.0, 70.0]


def test_unit_conditions_missing_points(wh):
    c = queries.unit_conditions(wh, K_INS, 2024)
    tpi = c[c["stage"] == "TPI"]
    # WBK: total, pengungkit, BERSIH, IPAK, CK, IPKP + 12 halves = 18; WBBM the same + prior = 19
    assert (len(tpi[tpi.predicate == "WBK"]), len(tpi[tpi.predicate == "WBBM"])) == (18, 19)
    assert tpi[tpi.predicate == "WBK"]["met"].all()
    failing = tpi[~tpi["met"]]
    # WBBM: total 84 < 85 (1 point short), no earlier predicate (prior 0 < 1)
    assert records(failing, ["predicate", "condition", "value", "minimum", "missing"]) == [
        ("WBBM", "prior", 0.0, 1.0, 1.0),
        ("WBBM", "total", 84.0, 85.0, 1.0),
    ]
    area = tpi[(tpi.predicate == "WBK") & (tpi.subject == "PW-REFORM")].iloc[0]
    assert area["minimum"] == approx(4.5) and area["value"] == approx(6.0)  # 60 % of 7.5; 80 % of 7.5
    tpn = c[(c["stage"] == "TPN") & ~c["met"]]
    # 2024 TPN: IPAK 15 < 15.75 for both; WBBM also total 75 < 85, pengungkit 42 < 48, BERSIH 18 < 19.5,
    # CK 3 < 3.75, IPKP 15 < 15.75, halves 70 % < 75 % (12) and prior
    assert set(tpn[tpn.predicate == "WBK"]["condition"]) == {"IPAK", "BERSIH"}  # 15 + 3 = 18 < 18.25
    assert tpn[(tpn.predicate == "WBK") & (tpn.condition == "BERSIH")]["missing"].iloc[0] == approx(0.25)
    assert len(tpn[tpn.predicate == "WBBM"]) == 7 + 12


def test_best_peer(wh):
    # same jenis_unit, another province, same year and stage, highest total
    assert records(queries.best_peer(wh, K_INS, 2024, "TPI"), ["unit_id", "province", "total", "predikat"]) == [
        (J_INS, "Jawa Barat", 92.0, None)
    ]  # beats Kabupaten Bandung's Inspektorat (67)
    assert records(queries.best_peer(wh, K_INS, 2024, "TPN"), ["unit_id", "total", "predikat"]) == [(J_INS, 85.5, "WBBM")]
    assert records(queries.best_peer(wh, B_INS, 2023, "TPI"), ["unit_id", "total"]) == [(J_INS, 84.0)]  # vs Kalteng 60
    assert records(queries.best_peer(wh, J_INS, 2023, "TPN"), ["unit_id", "total"]) == [(K_INS, 57.0)]
    assert records(queries.best_peer(wh, K_BAP, 2024, "TPI"), ["unit_id", "total"]) == [(J_HYP, 60.0)]  # the other Badan
    assert queries.best_peer(wh, K_DIN, 2023, "TPN").empty  # no Dinas has TPN anywhere


def test_unit_provenance_points_at_file_and_row(wh):
    p = queries.unit_provenance(wh, K_INS)
    # rekap_kalteng.csv: header on row 1, the Inspektorat rows on 2..5
    assert records(p, ["year", "stage", "file_name", "source_row", "is_sample"]) == [
        (2023, "TPI", "rekap_kalteng.csv", 2, False),
        (2023, "TPN", "rekap_kalteng.csv", 3, False),
        (2024, "TPI", "rekap_kalteng.csv", 4, False),
        (2024, "TPN", "rekap_kalteng.csv", 5, False),
    ]
    assert records(queries.unit_provenance(wh, J_HYP), ["file_name", "source_row"]) == [("rekap_jabar.csv", 8)]


# -- Metodologi -----------------------------------------------------------------------------------
def test_load_history_and_rules(wh):
    h = queries.load_history(wh)
    assert records(h, ["load_id", "rekap_added", "rekap_replaced", "files", "file_rows", "is_sample"]) == [
        (1, 16, 0, "rekap_bali.csv, rekap_jabar.csv, rekap_kalteng.csv", 16, False)
    ]
    t = queries.rule_thresholds(wh)
    wbk = t[(t["rubric"] == "permen90-2021") & (t["predicate"] == "WBK")].set_index("condition")["minimum"]
    assert (wbk["total"], wbk["area_pct"], wbk["IPAK"]) == (75.0, 60.0, 15.75)
    old = t[t["rubric"] == "permen52-2014"]
    assert len(old) == 1 and pd.isna(old["predicate"].iloc[0])  # listed, without thresholds: unknown
    w = queries.rule_weights(wh)
    areas90 = w[(w["rubric"] == "permen90-2021") & (w["level"] == "area")]
    assert areas90["weight"].sum() == approx(60.0)


# -- the read-only choke point ---------------------------------------------------------------------
# Refused by the connection's own settings (read-only attach, external access off, configuration locked)
REFUSED_BY_SETTINGS = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "COPY (SELECT 1) TO '/tmp/zi_copy_should_not_exist.csv'",
    "ATTACH '/tmp/zi_attach_should_not_exist.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET allowed_directories = ['/']",
    "INSERT INTO rekap SELECT * FROM rekap LIMIT 1",
    "UPDATE rekap SET mp = 0",
    "DELETE FROM rekap",
    "CREATE TABLE evil AS SELECT 1 AS x",
    "DROP VIEW scores",
]
# ... and what only the choke point refuses: not a single SELECT. An in-memory ATTACH touches no
# file, so no setting stops it, but it would give the session a writable database.
REFUSED_BY_PARSING = [
    "ATTACH ':memory:' AS other",
    "SELECT 1; DROP VIEW scores",
    "SELECT 1; SELECT 2",
    "EXPLAIN SELECT 1",
    "CALL pragma_version()",
    "",
]


def assert_untouched(wh: Warehouse) -> None:
    """The connection still answers afterwards, and the data is untouched."""
    assert wh._con.execute("SELECT count(*), sum(total) FROM scores").fetchone() == (
        16,
        approx(1172.0),
    )  # the sixteen totals of the README table
    assert not Path("/tmp/zi_copy_should_not_exist.csv").exists()
    assert not Path("/tmp/zi_attach_should_not_exist.duckdb").exists()


@pytest.mark.parametrize("statement", REFUSED_BY_SETTINGS + REFUSED_BY_PARSING)
def test_choke_point_refuses(fixture_db, statement):
    wh = Warehouse.open(fixture_db)  # a fresh connection per statement: nothing one leaves behind helps another
    try:
        with pytest.raises(duckdb.Error):
            wh.execute(statement)
        assert_untouched(wh)
    finally:
        wh.close()


@pytest.mark.parametrize("statement", REFUSED_BY_PARSING[:5])
def test_choke_point_refuses_by_statement_type(fixture_db, statement):
    wh = Warehouse.open(fixture_db)
    try:
        with pytest.raises(NotASelect, match="single SELECT only"):
            wh.execute(statement)
        assert "other" not in set(wh.execute("SELECT database_name FROM duckdb_databases()")["database_name"])
        assert_untouched(wh)
    finally:
        wh.close()


@pytest.mark.parametrize("statement", REFUSED_BY_SETTINGS)
def test_connection_settings_refuse_on_their_own(fixture_db, statement):
    """A second line behind the choke point: the connection itself refuses these."""
    wh = Warehouse.open(fixture_db)
    try:
        with pytest.raises(duckdb.Error):
            wh._con.execute(statement).fetchall()
        assert_untouched(wh)
    finally:
        wh.close()


def test_choke_point_runs_every_kind_of_select(wh):
    assert wh.execute("WITH t AS (SELECT $n AS n) SELECT n FROM t", {"n": 3})["n"].tolist() == [3]
    assert wh.execute("FROM (VALUES (1), (2)) v(x) SELECT sum(x) AS s")["s"].tolist() == [3]
    for name in sorted(p.stem for p in QUERY_DIR.glob("*.sql")):  # every named query is one SELECT
        refuse_unless_single_select(wh._con, sql(name))


INJECTIONS = ["x' OR 1=1 --", "' OR '1'='1", "62:pemprov kalimantan tengah:inspektorat' OR 'a'='a", "%", "*"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_in_unit_id_finds_nothing(wh, text):
    assert queries.unit_scores(wh, text).empty
    assert queries.unit_items(wh, text, 2024).empty
    assert queries.unit_conditions(wh, text, 2024).empty
    assert queries.unit_provenance(wh, text).empty
    assert queries.best_peer(wh, text, 2024, "TPI").empty


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_in_stage_and_scope_finds_nothing(wh, text):
    assert queries.unit_totals(wh, 2024, text, "provinsi", [62, 32]).empty
    assert queries.unit_totals(wh, 2024, "TPI", text, [62, 32]).empty
    assert queries.area_achievement(wh, 2024, text, "semua", [62, 32]).empty
    s = queries.province_summary(wh, 2024, text, "semua")
    assert s["assessed"].isna().all()  # rows come from other stages' activity; no stage statistics


def test_province_codes_are_integers_not_sql(wh, fixture_db):
    plain = queries.unit_totals(wh, 2024, "TPI", "semua", [62])
    assert queries.unit_totals(wh, 2024, "TPI", "semua", ["62"]).equals(plain)
    # the same rows as a plain pandas filter of the scores view
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        scores = con.execute("SELECT unit_id, province_code, year, stage FROM scores").df()
    finally:
        con.close()
    expected = scores[(scores.province_code == 62) & (scores.year == 2024) & (scores.stage == "TPI")]
    assert sorted(plain["unit_id"]) == sorted(expected["unit_id"]) == [K_BAP, K_DIN, K_INS]
    with pytest.raises(ValueError):
        queries.unit_totals(wh, 2024, "TPI", "semua", ["62) OR (1=1"])
    with pytest.raises(ValueError):
        queries.units_list(wh, ["62 OR 1=1"])
    assert queries.units_list(wh, [99]).empty  # a code without data


def test_year_must_be_a_number(wh):
    with pytest.raises(duckdb.Error):
        queries.unit_totals(wh, "2024 OR 1=1", "TPI", "semua", [62])
    assert queries.unit_totals(wh, 1900, "TPI", "semua", [62]).empty


def test_peer_areas_puts_unit_and_peer_side_by_side(wh):
    both = queries.peer_areas(wh, K_INS, "Kalteng", J_INS, "Jabar", 2024, "TPI")
    # areas in LKE order; Kalteng Inspektorat at 80 % everywhere, Jabar Inspektorat at 90 %
    assert list(both["series"]) == ["Kalteng"] * 6 + ["Jabar"] * 6
    assert list(both["label"]) == ["MP", "TT", "SDM", "AK", "PW", "PP"] * 2
    assert list(both["pct"].round(9)) == [80.0] * 6 + [90.0] * 6


def test_rubrics_and_load_files(wh):
    assert records(queries.rubrics(wh), ["rubric", "first_year", "total", "has_halves", "thresholds_confirmed"]) == [
        ("permen52-2014", 2010, 100.0, False, False),
        ("permen90-2021", 2022, 100.0, True, True),
    ]
    files = queries.load_files(wh)
    assert records(files, ["file_name", "kind", "rows", "rubrics"]) == [
        ("rekap_bali.csv", "rekap", 1, "permen90-2021"),
        ("rekap_jabar.csv", "rekap", 8, "permen90-2021"),
        ("rekap_kalteng.csv", "rekap", 7, "permen90-2021"),
    ]
    assert '"delimiter": ";"' in files["dialect"].iloc[1]  # the Jabar file is written the Indonesian Excel way


def test_published_context_figures_keep_their_sources(wh):
    for frame in (queries.context_indices(wh), queries.national_awards(wh)):
        assert len(frame) > 0 and frame["sumber"].notna().all()

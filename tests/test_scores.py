"""The `scores` view and `score_conditions`: totals and eligibility equal the ones computed by hand
from the reference's weights and thresholds (lke-zi.md sections 2-4, data/rules.toml).

Every expected number below is worked out in the comments next to its row. Thresholds 90/2021:
WBK total 75, each area (each half where halves are given) 60 % of its weight, pengungkit 40,
BERSIH (ipak + ck) 18.25, IPAK 15.75, CK 2.50, IPKP 14.00; WBBM 85, 75 %, 48, 19.50, 15.75, 3.75,
15.75 and an earlier year holding WBK or WBBM.
"""

from __future__ import annotations

import pytest
from conftest import load, query, query_dicts, write_csv

HEADER = "provinsi,unit_kerja,tahun,tahap,mp,mp_pemenuhan,mp_reform,tt,sdm,ak,pw,pp,ipak,ipak_indeks,ck,ipkp,hasil_bersih,hasil_pelayanan,predikat"
ROWS = [
    # A meets WBK, not WBBM. pengungkit 7 + 6 + 8.5 + 8 + 12.5 + 8.5 = 50.5; ipak from index 3.6 / 4 x 17.5 = 15.75;
    # hasil_bersih 15.75 + 4 = 19.75; hasil 19.75 + 14.5 = 34.25; total 84.75.
    # WBBM fails: total 85 - 84.75 = 0.25, IPKP 15.75 - 14.5 = 1.25, prior (none) 1.
    "62,Dinas A Memenuhi WBK,2023,TPI,7,,,6,8.5,8,12.5,8.5,,3.6,4,14.5,,,",
    # B blocked by IPKP only: pengungkit 50.5; hasil (16 + 4) + 13.5 = 33.5; total 84. IPKP 14 - 13.5 = 0.5.
    "62,Dinas B Terhalang IPKP,2023,TPI,7,,,6,8.5,8,12.5,8.5,16,,4,13.5,,,",
    # C blocked by MP reform only: mp = 4 + 2 = 6 (75 % of 8: the area total alone would pass), but the reform
    # half needs 60 % of 4 = 2.4: missing 0.4. pengungkit 6 + 6 + 8.5 + 8 + 12.5 + 8.5 = 49.5; hasil 35; total 84.5.
    "62,Dinas C Terhalang Reform,2023,TPI,,4,2,6,8.5,8,12.5,8.5,16,,4,15,,,",
    # D meets every WBBM number: pengungkit 7.5 + 6.5 + 9 + 9 + 14 + 9 = 55; hasil (16.5 + 4.5) + 16.5 = 37.5;
    # total 92.5; areas 93.75 %, 92.9 %, 90 %, 90 %, 93.3 %, 90 % >= 75 %. No earlier WBK: only `prior` fails.
    "62,Dinas D Unggul,2023,TPN,7.5,,,6.5,9,9,14,9,16.5,,4.5,16.5,,,",
    # E just under IPKP on unrounded values: 14 - 13.995 = 0.005. pengungkit 50.5, hasil 20 + 13.995, total 84.495.
    "62,Dinas E Nyaris,2023,TPI,7,,,6,8.5,8,12.5,8.5,16,,4,13.995,,,",
    # F 52/2014 row: pengungkit 4 + 4 + 12 + 8 + 12 + 8 = 48; hasil 16 + 15 = 31; total 79; eligibility unknown.
    "62,Dinas F Lama,2020,TPI,4,,,4,12,8,12,8,,,,,16,15,",
]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nilai")
    db = folder / "zi.duckdb"
    code, out = load(write_csv(folder, "nilai.csv", HEADER + "\n" + "\n".join(ROWS) + "\n"), db)
    assert code == 0, out
    return db


COLUMNS = "unit, rubric, mp, tt, sdm, ak, pw, pp, ipak, ck, ipkp, hasil_bersih, hasil_pelayanan, pengungkit, hasil, total, wbk_eligible, wbbm_eligible"
EXPECTED = [
    # unit, rubric, mp, tt, sdm, ak, pw, pp, ipak, ck, ipkp, hasil_bersih, hasil_pelayanan, pengungkit, hasil, total, wbk, wbbm
    (
        "Dinas A Memenuhi WBK",
        "permen90-2021",
        7,
        6,
        8.5,
        8,
        12.5,
        8.5,
        15.75,
        4,
        14.5,
        19.75,
        14.5,
        50.5,
        34.25,
        84.75,
        True,
        False,
    ),
    ("Dinas B Terhalang IPKP", "permen90-2021", 7, 6, 8.5, 8, 12.5, 8.5, 16, 4, 13.5, 20, 13.5, 50.5, 33.5, 84.0, False, False),
    ("Dinas C Terhalang Reform", "permen90-2021", 6, 6, 8.5, 8, 12.5, 8.5, 16, 4, 15, 20, 15, 49.5, 35, 84.5, False, False),
    ("Dinas D Unggul", "permen90-2021", 7.5, 6.5, 9, 9, 14, 9, 16.5, 4.5, 16.5, 21, 16.5, 55, 37.5, 92.5, True, False),
    ("Dinas E Nyaris", "permen90-2021", 7, 6, 8.5, 8, 12.5, 8.5, 16, 4, 13.995, 20, 13.995, 50.5, 33.995, 84.495, False, False),
    ("Dinas F Lama", "permen52-2014", 4, 4, 12, 8, 12, 8, None, None, None, 16, 15, 48, 31, 79, None, None),
]


def test_scores_equal_hand_computed(scored):
    got = query(scored, f"SELECT {COLUMNS} FROM scores ORDER BY unit")
    assert len(got) == len(EXPECTED)
    for row, expected in zip(got, EXPECTED, strict=True):
        assert row[:2] == expected[:2]
        for name, value, want in zip(COLUMNS.split(", ")[2:], row[2:], expected[2:], strict=True):
            if isinstance(want, bool) or want is None:
                assert value is want, (row[0], name, value)
            else:
                assert value == pytest.approx(want, abs=1e-9), (row[0], name, value)


def test_keys_and_labels(scored):
    assert query(scored, "SELECT DISTINCT province_code, province, instansi FROM scores") == [
        (62, "Kalimantan Tengah", "Pemprov Kalimantan Tengah")
    ]
    assert query(
        scored, "SELECT unit, year, stage FROM scores WHERE unit LIKE 'Dinas D%' OR unit LIKE 'Dinas F%' ORDER BY unit"
    ) == [("Dinas D Unggul", 2023, "TPN"), ("Dinas F Lama", 2020, "TPI")]
    # the raw index is kept beside the converted points
    assert query(scored, "SELECT ipak_indeks, ipak FROM scores WHERE unit LIKE 'Dinas A%'") == [(3.6, 15.75)]


def failing(db, predicate):
    """{unit: {subject: missing}} of the conditions not met."""
    found: dict[str, dict[str, float]] = {}
    for unit, subject, missing in query(
        db,
        """
            SELECT s.unit, c.subject, c.missing FROM score_conditions c
            JOIN scores s USING (unit_id, year, stage) WHERE NOT c.met AND c.predicate = $p""",
        {"p": predicate},
    ):
        found.setdefault(unit, {})[subject] = missing
    return found


def approx_nested(expected):
    return {unit: {k: pytest.approx(v, abs=1e-9) for k, v in conditions.items()} for unit, conditions in expected.items()}


def test_wbk_binding_constraints(scored):
    assert failing(scored, "WBK") == approx_nested(
        {
            "Dinas B Terhalang IPKP": {"IPKP": 0.5},
            "Dinas C Terhalang Reform": {"MP-REFORM": 0.4},
            "Dinas E Nyaris": {"IPKP": 0.005},
        }
    )


def test_wbbm_binding_constraints(scored):
    assert failing(scored, "WBBM") == approx_nested(
        {
            "Dinas A Memenuhi WBK": {"total": 0.25, "IPKP": 1.25, "prior": 1.0},
            # B: total 85 - 84 = 1; IPKP 15.75 - 13.5 = 2.25; prior 1
            "Dinas B Terhalang IPKP": {"total": 1.0, "IPKP": 2.25, "prior": 1.0},
            # C: total 85 - 84.5 = 0.5; MP reform 75 % of 4 = 3, given 2: 1; MP pemenuhan 4 >= 3; IPKP 15.75 - 15 = 0.75
            "Dinas C Terhalang Reform": {"total": 0.5, "MP-REFORM": 1.0, "IPKP": 0.75, "prior": 1.0},
            "Dinas D Unggul": {"prior": 1.0},
            # E: total 85 - 84.495 = 0.505; IPKP 15.75 - 13.995 = 1.755
            "Dinas E Nyaris": {"total": 0.505, "IPKP": 1.755, "prior": 1.0},
        }
    )


def test_conditions_evaluated(scored):
    # every threshold of the rubric, once per row: WBK 6 scalar/result conditions + 6 areas (C: 5 areas + 2 MP halves),
    # WBBM the same + prior; none for the 52/2014 row.
    counts = dict(
        query(scored, "SELECT s.unit, count(*) FROM score_conditions c JOIN scores s USING (unit_id, year, stage) GROUP BY ALL")
    )
    assert counts == {
        "Dinas A Memenuhi WBK": 25,
        "Dinas B Terhalang IPKP": 25,
        "Dinas C Terhalang Reform": 27,
        "Dinas D Unggul": 25,
        "Dinas E Nyaris": 25,
    }
    subjects = query(
        scored,
        "SELECT list(subject ORDER BY subject) FROM score_conditions c JOIN scores s USING (unit_id, year, stage) "
        "WHERE s.unit LIKE 'Dinas C%' AND predicate = 'WBK' AND condition = 'area_pct'",
    )
    assert subjects == [(["AK", "MP-PEMENUHAN", "MP-REFORM", "PP", "PW", "SDM", "TT"],)]
    # the BERSIH group is ipak + ck; its minimum is the rules' number
    assert query(
        scored,
        "SELECT c.value, c.minimum FROM score_conditions c JOIN scores s USING (unit_id, year, stage) "
        "WHERE s.unit LIKE 'Dinas A%' AND predicate = 'WBK' AND subject = 'BERSIH'",
    ) == [(19.75, 18.25)]


def test_halves_for_one_area_do_not_exempt_the_others(tmp_path, db):
    # mp as halves 3.5 + 3.5 (each >= 2.4), tt as total 3: 60 % of 7 = 4.2, missing 1.2. Everything else passes:
    # pengungkit 7 + 3 + 9 + 9 + 14 + 9 = 51, hasil 16 + 4 + 15 = 35, total 86.
    text = HEADER + "\n62,Dinas Campuran,2023,TPI,,3.5,3.5,3,9,9,14,9,16,,4,15,,,\n"
    assert load(write_csv(tmp_path, "campur.csv", text), db)[0] == 0
    assert query(db, "SELECT total, wbk_eligible FROM scores") == [(86.0, False)]
    assert failing(db, "WBK") == approx_nested({"Dinas Campuran": {"TT": 1.2}})


def test_halves_of_a_later_area_are_checked(tmp_path, db):
    # mp as total, pw as halves 7.5 + 3 (reform needs 60 % of 7.5 = 4.5: missing 1.5)
    header = "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw_pemenuhan,pw_reform,pp,ipak,ck,ipkp"
    assert load(write_csv(tmp_path, "pw.csv", f"{header}\n62,Dinas PW,2023,TPI,7,6,9,9,7.5,3,9,16,4,15\n"), db)[0] == 0
    assert query(db, "SELECT pw, wbk_eligible FROM scores") == [(10.5, False)]
    assert failing(db, "WBK") == approx_nested({"Dinas PW": {"PW-REFORM": 1.5}})


D_2023 = "62,Dinas D Unggul,2023,TPN,7.5,,,6.5,9,9,14,9,16.5,,4.5,16.5,,,"


@pytest.mark.parametrize(
    "history, eligible",
    [
        ([], False),  # never held WBK
        (["62,Dinas D Unggul,2022,TPN,7,,,6,8.5,8,12.5,8.5,16,,4,15,,,Menuju WBK"], True),  # WBK in 2022
        (["62,dinas d  unggul,2021,TPN,4,,,4,12,8,12,8,,,,,16,15,WBK"], True),  # 52/2014 year, other spelling
        (["62,Dinas D Unggul,2022,TPN,7,,,6,8.5,8,12.5,8.5,16,,4,15,,,WBBM"], True),  # WBBM also counts
        (["62,Dinas D Unggul,2024,TPN,7,,,6,8.5,8,12.5,8.5,16,,4,15,,,WBK"], False),  # later year does not count
        (["62,Dinas Lain,2022,TPN,7,,,6,8.5,8,12.5,8.5,16,,4,15,,,WBK"], False),  # another unit does not count
    ],
)
def test_wbbm_needs_earlier_wbk(tmp_path, db, history, eligible):
    text = HEADER + "\n" + "\n".join([D_2023, *history]) + "\n"
    code, out = load(write_csv(tmp_path, "riwayat.csv", text), db)
    assert code == 0, out
    assert query(db, "SELECT wbk_eligible, wbbm_eligible FROM scores WHERE unit = 'Dinas D Unggul' AND year = 2023") == [
        (True, eligible)
    ]


def test_wbbm_same_year_predicate_is_not_earlier(tmp_path, db):
    text = HEADER + "\n" + D_2023.removesuffix(",") + ",WBK\n"
    assert load(write_csv(tmp_path, "sama.csv", text), db)[0] == 0
    assert query(db, "SELECT predikat, wbbm_eligible FROM scores") == [("WBK", False)]


def test_wbbm_prior_from_an_earlier_load(tmp_path, db):
    assert load(write_csv(tmp_path, "2023.csv", HEADER + "\n" + D_2023 + "\n"), db)[0] == 0
    assert query(db, "SELECT wbbm_eligible FROM scores") == [(False,)]
    earlier = HEADER + "\n62,Dinas D Unggul,2022,TPN,7,,,6,8.5,8,12.5,8.5,16,,4,15,,,Menuju WBK\n"
    assert load(write_csv(tmp_path, "2022.csv", earlier), db)[0] == 0
    assert query(db, "SELECT year, wbbm_eligible FROM scores ORDER BY year") == [(2022, False), (2023, True)]


def test_52_2014_rows_have_unknown_eligibility(scored):
    assert query(scored, "SELECT wbk_eligible, wbbm_eligible FROM scores WHERE rubric = 'permen52-2014'") == [(None, None)]
    assert query(scored, "SELECT count(*) FROM score_conditions WHERE rubric = 'permen52-2014'") == [(0,)]


# -- invariants -----------------------------------------------------------------------------------------
def test_keys_unique_and_not_null(scored):
    rows = query_dicts(scored, "SELECT province_code, instansi, unit, year, stage FROM scores")
    assert all(None not in r.values() for r in rows)
    keys = query(scored, "SELECT province_code, lower(instansi), lower(unit), year, stage FROM scores")
    assert len(keys) == len(set(keys)) == len(ROWS)
    assert query(scored, "SELECT count(*), count(DISTINCT (unit_id, year, stage)) FROM scores") == [(len(ROWS), len(ROWS))]


def test_totals_add_up_on_every_row(scored):
    bad = query(
        scored,
        """
        SELECT unit FROM scores
        WHERE abs(total - (pengungkit + hasil)) > 1e-9
           OR abs(pengungkit - (mp + tt + sdm + ak + pw + pp)) > 1e-9
           OR abs(hasil - (hasil_bersih + hasil_pelayanan)) > 1e-9
           OR total IS NULL""",
    )
    assert bad == []

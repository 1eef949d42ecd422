"""The item-level queries (zi.query.items) on a small warehouse loaded by the ETL from three hand-checked LKE
files (tests/lke_fixtures.py), the expected values worked out by hand:

- Kalimantan Tengah, Inspektorat 2025 (official workbook): the fixture's answers; its TPI lowers MP-P4-a
  (Ya -> Tidak, −0.375) and AK-P1-a (A -> C, −0.833333).
- Kalimantan Tengah, Badan Pendapatan Daerah 2025 (official workbook): the same, but MP-P1-b answered A.
- Jawa Barat, Dinas Perpustakaan dan Kearsipan Daerah 2025 (PortalRB JSON): the same, MP-P1-b A with a note
  saying what it did.
"""

from __future__ import annotations

import pytest
from conftest import load
from lke_fixtures import CHANGED, EVIDENCE, NOTES, TPI_CHANGES, best_answers, manifest
from pytest import approx

from etl.sample.lke_files import LkeAnswers, Quirks, write_lampiran3, write_portalrb_json
from zi.query import items
from zi.query.db import Warehouse

pytest_plugins = ["dashboard_fixtures"]

INSPEKTORAT = "62:pemprov kalimantan tengah:inspektorat"
BAPENDA = "62:pemprov kalimantan tengah:badan pendapatan daerah"
DISPUSIPDA = "32:pemprov jawa barat:dinas perpustakaan dan kearsipan daerah"
JABAR_NOTE = "Tim Kerja ZI dipilih lewat seleksi terbuka, SK Kepala Dinas Nomor 800/45/2025"
TPI_TOTAL = 89.115  # lke_fixtures.EXPECTED_TPI_TOTAL


def lke(changes: dict[str, object], notes: dict[str, dict[str, str]] | None = None) -> LkeAnswers:
    unit = best_answers() | CHANGED | changes
    return LkeAnswers({"SA": unit, "TPI": unit | TPI_CHANGES}, notes or NOTES, EVIDENCE)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("butir")
    write_lampiran3(folder / "lke_inspektorat.xlsx", lke({}), Quirks())
    write_lampiran3(folder / "lke_bapenda.xlsx", lke({"MP-P1-b": "A"}), Quirks())
    jabar_notes = {"SA": {"MP-P1-b": JABAR_NOTE}, "TPI": {}}
    write_portalrb_json(
        folder / "dispusipda.json",
        lke({"MP-P1-b": "A"}, jabar_notes),
        "UNIT-32-001",
        "Dinas Perpustakaan dan Kearsipan Daerah",
        2025,
    )
    manifest(
        folder,
        [
            "lke_inspektorat.xlsx,Kalteng,Pemprov Kalimantan Tengah,Inspektorat,2025,Inspektorat",
            "lke_bapenda.xlsx,Kalteng,Pemprov Kalimantan Tengah,Badan Pendapatan Daerah,2025,Badan",
            "dispusipda.json,Jabar,Pemprov Jawa Barat,Dinas Perpustakaan dan Kearsipan Daerah,2025,Dinas",
        ],
    )
    db = tmp_path_factory.mktemp("gudang") / "zi.duckdb"
    code, out = load(folder, db)
    assert code == 0, out
    warehouse = Warehouse.open(db)
    yield warehouse
    warehouse.close()


def test_a_units_answers_side_by_side_with_the_tpis_changes_marked(wh):
    answers = items.side_by_side(items.unit_answers(wh, INSPEKTORAT, 2025))
    assert answers["kode"].is_unique and answers["bank_order"].is_monotonic_increasing
    changed = answers[answers["tpi_changed"]].set_index("kode")
    assert list(changed.index) == ["MP-P4-a", "AK-P1-a"]
    assert changed.loc["MP-P4-a", ["SA_jawaban", "TPI_jawaban"]].tolist() == ["Ya", "Tidak"]
    assert changed.loc["MP-P4-a", "TPI_catatan"] == NOTES["TPI"]["MP-P4-a"]
    assert (changed["TPI_poin"] - changed["SA_poin"]).tolist() == approx([-0.375, -2.5 / 3])
    own = answers.set_index("kode").loc["MP-P1-a"]
    assert own["SA_catatan"] == NOTES["SA"]["MP-P1-a"] and EVIDENCE["MP-P1-a"][1] in own["SA_bukti"]
    assert answers["TPI_poin"].sum() == approx(TPI_TOTAL)
    assert items.unit_answers(wh, INSPEKTORAT, 2024).empty  # no LKE that year: the page keeps its sub-area view


def test_the_steps_start_from_the_units_stored_total(wh):
    steps = items.item_steps(wh, INSPEKTORAT, 2025, "TPI", "WBK")
    first = steps.iloc[0]
    assert (first["kode"], first["before"], first["after"], first["lifts"]) == ("CK", "B", "A", "BERSIH")
    assert first["total"] - first["gain"] == approx(TPI_TOTAL)  # the total scores holds for this unit's TPI
    assert steps["total"].iat[-1] == approx(94.75)
    assert items.steps_to_threshold(steps, TPI_TOTAL, 90.0) == 1  # 89.115 + 1.25
    assert items.steps_to_threshold(steps, TPI_TOTAL, 75.0) == 0
    assert items.steps_to_threshold(steps, TPI_TOTAL, 99.0) is None


def test_a_provinces_items_with_the_share_answered_fully_and_the_mean_gain(wh):
    gaps = items.item_gaps(wh, 2025, "TPI", "provinsi", [62]).set_index("kode")
    row = gaps.loc["MP-P1-b"]  # B (0.5) at Inspektorat, A at Bapenda; item weight 0.5 / 2
    assert (row["units"], row["full_units"]) == (2, 1)
    assert row["mean_value"] == approx(0.75) and row["recoverable"] == approx(0.25 * 0.25)
    assert gaps.loc["MP-P4-a", "full_units"] == 0 and gaps.loc["MP-P4-a", "recoverable"] == approx(0.375)
    assert "IPAK" not in gaps.index and "IPKP" not in gaps.index  # survey results are not answers to improve
    assert gaps["recoverable"].is_monotonic_decreasing


def test_peers_who_answered_fully_other_provinces_first_with_what_they_wrote(wh):
    peers = items.item_peers(wh, ("MP-P1-b",), 2025, "TPI", 62, INSPEKTORAT, "Inspektorat")
    assert peers["unit_id"].tolist() == [DISPUSIPDA, BAPENDA]
    first = peers.iloc[0]
    assert first["catatan"] == JABAR_NOTE and first["jawaban"] == "A" and bool(first["elsewhere"])
    assert "provinsi lain" in first["reason"] and "menulis apa yang dilakukan" in first["reason"]
    assert "provinsi sendiri" in peers.iloc[1]["reason"]


def test_where_the_tpi_lowered_the_units_own_answers(wh):
    calibration = items.item_calibration(wh, "provinsi", [62], 2025).set_index("kode")
    for code, change in (("MP-P4-a", -0.375), ("AK-P1-a", -2.5 / 3)):
        row = calibration.loc[code]
        assert (row["sa_tpi_units"], row["tpi_lowered_pct"], row["tpi_raised_pct"]) == (2, 100.0, 0.0)
        assert row["tpi_change_points"] == approx(change)
    assert calibration.drop(index=["MP-P4-a", "AK-P1-a"])["tpi_lowered_pct"].eq(0).all()
    assert calibration["tpi_tpn_units"].eq(0).all()  # no TPN answers in these files
    for code, change in (("MP-P4-a", -0.375), ("AK-P1-a", -2.5 / 3)):
        corrections = items.tpi_corrections(wh, "provinsi", [62], 2025, code)
        assert sorted(corrections["unit_id"]) == sorted([INSPEKTORAT, BAPENDA])
        assert corrections["change_points"].tolist() == approx([change, change])
        assert corrections["tpi_jawaban"].tolist() == [TPI_CHANGES[code]] * 2
    assert items.tpi_corrections(wh, "provinsi", [62], 2025, "MP-P1-b").empty  # the TPI kept these answers


def test_items_ranked_by_how_much_two_provinces_differ(wh):
    shares = items.item_shares(wh, 2025, "TPI", "provinsi", [62, 32])
    table = items.share_differences(shares, [62, 32]).set_index("kode")
    assert table.loc["MP-P1-b", ["Kalimantan Tengah", "Jawa Barat"]].tolist() == [50.0, 100.0]
    assert table.loc["MP-P1-b", "Selisih Jawa Barat − Kalimantan Tengah"] == 50.0
    assert table.index[0] == "MP-P1-b"  # the only item answered differently
    assert table.drop(index="MP-P1-b")["spread"].eq(0).all()


def test_the_exemplar_mart_keeps_every_peer_a_learner_is_shown(sample_db):
    """item_peers reads the short lists of item_exemplars; on the sample (many units per item) it must name the
    same units as ranking every full answer directly."""
    import duckdb

    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        full = con.execute(
            "SELECT a.kode, a.unit_id, a.province_code, own.catatan IS NOT NULL AS has_note, own.bukti IS NOT NULL AS has_evidence, "
            "s.predikat IS NOT NULL AS awarded, s.total, s.unit FROM lke_answers a "
            "JOIN scores s USING (unit_id, year, stage) "
            "LEFT JOIN lke_answers own ON own.unit_id = a.unit_id AND own.year = a.year AND own.kode = a.kode AND own.stage = 'SA' "
            "WHERE a.year = 2025 AND a.stage = 'TPI' AND a.nilai >= 1"
        ).df()
    finally:
        con.close()
    sample = Warehouse.open(sample_db)
    try:
        for province in (62, 32):
            codes = tuple(items.item_gaps(sample, 2025, "TPI", "provinsi", [province])["kode"].head(8))
            peers = items.item_peers(sample, codes, 2025, "TPI", province, None, None)
            for code in codes:
                ranked = full[full["kode"] == code].assign(elsewhere=lambda f, p=province: f["province_code"] != p)
                ranked = ranked.sort_values(
                    ["elsewhere", "has_note", "has_evidence", "awarded", "total", "unit"],
                    ascending=[False, False, False, False, False, True],
                )
                expected = ranked["unit_id"].head(3).tolist()
                assert peers.loc[peers["kode"] == code, "unit_id"].tolist() == expected, (province, code)
    finally:
        sample.close()

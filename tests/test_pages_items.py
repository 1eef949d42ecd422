"""AppTest of the pages taken down to the LKE's questions (issue 12), on the bundled sample, which holds item
answers for Kalimantan Tengah 2024-2025 and Jawa Barat 2025 (SA and TPI) and only rekap/rincian elsewhere.

What a page shows is compared with the query functions' results on the same warehouse (their own numbers are
tested by hand in test_item_queries.py); where only rekap/rincian exists the page says so and keeps its
sub-area view.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from zi.query import items
from zi.query.db import Warehouse

pytest_plugins = ["dashboard_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
KALTENG, JABAR = "Kalimantan Tengah", "Jawa Barat"


@pytest.fixture(scope="module")
def wh(sample_db):
    warehouse = Warehouse.open(sample_db)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="module")
def kalteng_unit(wh) -> str:
    """The first Kalteng unit with SA and TPI answers in 2025."""
    for unit_id in wh.query("units_list", provinces=[62])["unit_id"]:
        if {"SA", "TPI"} <= set(items.unit_answers(wh, unit_id, 2025)["stage"]):
            return unit_id
    raise AssertionError("the sample has no Kalteng unit with SA and TPI answers in 2025")


@pytest.fixture
def page(monkeypatch, sample_db):
    def run(file: str, **params) -> AppTest:
        monkeypatch.setenv("ZI_DB", str(sample_db))
        at = AppTest.from_file(str(ROOT / file), default_timeout=60)
        at.query_params.update(params)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def choose_unit(at: AppTest, key: str, unit_id: str) -> AppTest:
    at.selectbox(key=key).set_value(unit_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_profil_shows_the_lke_item_by_item_with_the_tpis_changes(page, wh, kalteng_unit):
    unit_id = kalteng_unit
    unit = wh.query("units_list", provinces=[62]).set_index("unit_id").loc[unit_id]
    label = f"{unit['unit']} — {unit['instansi']}"
    at = page("pages/dasbor/profil_unit.py", provinsi_unit=KALTENG, unit=label, tahun_unit="2025")
    assert "Jawaban LKE per butir" in [s.value for s in at.subheader]
    expected = items.side_by_side(items.unit_answers(wh, unit_id, 2025))
    shown = next(f for f in frames(at) if "Diubah TPI" in f.columns)
    mp = expected[expected["area"] == "MP"]
    assert shown["Kode"].tolist() == mp["kode"].tolist()
    assert shown["Diubah TPI"].tolist() == mp["tpi_changed"].tolist()
    assert {"Jawaban SA", "Nilai SA", "Jawaban TPI", "Nilai TPI"} <= set(shown.columns)
    caption = next(c.value for c in at.caption if "jawaban diubah TPI" in c.value)
    assert f"{int(expected['tpi_changed'].sum())} jawaban diubah TPI" in caption


def test_profil_of_a_unit_without_lke_keeps_its_sub_area_view(page):
    at = page("pages/dasbor/profil_unit.py", provinsi_unit="Bali")
    assert any("hanya punya nilai rekap/rincian" in i.value for i in at.info)
    assert "Syarat WBK dan WBBM" in [s.value for s in at.subheader]


def test_prioritas_for_a_unit_lists_the_steps_of_the_query(page, wh, kalteng_unit):
    unit_id = kalteng_unit
    at = page("pages/kaji_tiru/prioritas.py", provinsi_unit=KALTENG, tahun="2025")
    at = choose_unit(at, "unit_prioritas", unit_id)
    steps = items.item_steps(wh, unit_id, 2025, "TPI", "WBK")
    shown = next(f for f in frames(at) if "Langkah" in f.columns)
    assert shown["Kode"].tolist() == steps["kode"].tolist()
    assert shown["Tambahan poin"].tolist() == pytest.approx(steps["gain"].tolist())
    assert [m.label for m in at.metric][:2] == ["Nilai total TPI sekarang", "Ambang total WBK"]
    assert "Per sub-area" in [s.value for s in at.subheader]  # the sub-area ranking stays below


def test_prioritas_for_the_province_lists_its_items_by_mean_gain(page, wh):
    at = page("pages/kaji_tiru/prioritas.py", provinsi_unit=KALTENG, tahun="2025")
    gaps = items.item_gaps(wh, 2025, "TPI", "provinsi", [62])
    shown = next(f for f in frames(at) if "Poin dapat diraih per unit" in f.columns)
    assert shown["Kode"].tolist() == gaps["kode"].tolist()


def test_prioritas_without_item_answers_says_so(page):
    at = page("pages/kaji_tiru/prioritas.py", provinsi_unit="Bali", tahun="2025")
    assert any("belum punya jawaban LKE per butir" in i.value for i in at.info)
    assert "Per sub-area" in [s.value for s in at.subheader]


def test_belajar_names_jawa_barat_units_that_answered_kaltengs_weakest_items(page, wh, kalteng_unit):
    unit_id = kalteng_unit
    at = page("pages/kaji_tiru/belajar.py", provinsi_unit=KALTENG, tahun="2025")
    at = choose_unit(at, "unit_belajar", unit_id)
    shown = next(f for f in frames(at) if "Yang dilakukan" in f.columns)
    codes = items.weakest_codes(wh, 2025, "TPI", "WBK", "provinsi", 62, unit_id)
    peers = items.item_peers(
        wh,
        tuple(codes),
        2025,
        "TPI",
        62,
        unit_id,
        wh.query("units_list", provinces=[62]).set_index("unit_id").at[unit_id, "jenis_unit"],
    )
    assert shown["Unit kerja"].tolist() == peers["unit"].tolist()
    assert JABAR in set(shown["Provinsi"])  # the kaji tiru: Jawa Barat's units, with what they wrote
    assert shown.loc[shown["Provinsi"] == JABAR, "Yang dilakukan"].notna().any()
    assert all(link.startswith("profil?provinsi_unit=") for link in shown["Profil"])


def test_kalibrasi_shows_where_the_tpi_lowered_answers(page, wh):
    at = page("pages/kaji_tiru/kalibrasi.py")
    shown = next(f for f in frames(at) if "Diturunkan TPI (%)" in f.columns)
    calibration = items.item_calibration(wh, "provinsi", [62, 32])
    assert len(shown) == int((calibration["sa_tpi_units"] > 0).sum())
    assert shown["Diturunkan TPI (%)"].max() > 0  # the sample's TPI corrected some self-assessments
    assert any("Belum ada jawaban TPN per butir" in c.value for c in at.caption)


def test_bandingkan_ranks_the_items_that_differ_most(page, wh):
    at = page("pages/dasbor/bandingkan.py", tahun="2025")
    assert "Per butir LKE: di mana provinsi paling berbeda" in [s.value for s in at.subheader]
    assert len(at.get("plotly_chart")) >= 5  # the four area charts and the item chart
    at = page("pages/dasbor/bandingkan.py", tahun="2023")
    assert any("Perbandingan per butir perlu jawaban LKE" in i.value for i in at.info)


def test_simulasi_starts_from_a_units_answers_and_rescores_a_change(page, wh, kalteng_unit):
    unit_id = kalteng_unit
    at = page("pages/kaji_tiru/simulasi.py", provinsi_unit=KALTENG)
    at = choose_unit(at, "unit_simulasi", unit_id)
    assert at.segmented_control(key=f"sim_mode_{unit_id}").value == "Jawaban per butir (LKE)"
    total = float(at.metric[0].value.replace(",", "."))
    stored = wh.query("unit_scores", unit_id=unit_id).query("year == 2025 and stage == 'TPI'")["total"].iat[0]
    assert total == pytest.approx(stored, abs=0.005)  # the unit's own TPI answers, scored as loaded
    answers = items.unit_answers(wh, unit_id, 2025)
    tpi = answers[answers["stage"] == "TPI"].set_index("kode")
    sheet = items.answer_sheet(answers[answers["stage"] == "TPI"])
    row = int(sheet.index[sheet["kode"] == "MP-P1-a"][0])
    flipped = "Tidak" if tpi.at["MP-P1-a", "jawaban"] == "Ya" else "Ya"
    at.session_state[f"sim_butir_{unit_id}_2025_TPI"] = {
        "edited_rows": {row: {"jawaban": flipped}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    change = 0.25 if flipped == "Ya" else -0.25  # MP-P1: weight 0.5, two items
    assert float(at.metric[0].value.replace(",", ".")) == pytest.approx(stored + change, abs=0.005)
    shown = next(f for f in frames(at) if "Perubahan poin" in f.columns)
    assert shown["Kode"].tolist() == ["MP-P1-a"] and shown["Perubahan poin"].tolist() == pytest.approx([change])

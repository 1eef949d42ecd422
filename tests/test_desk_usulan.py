"""The proposals page (Usulan PortalRB) in AppTest: the units that meet the conditions at TPI with a tick each,
what PortalRB receives now and after saving, a check through the ETL child process with its report, the load
on confirm, a refusal located and writing nothing, a withdrawal, and editors only when sign-in is on."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, load, query, sha256_of, write_csv
from streamlit.testing.v1 import AppTest

USULAN_PAGE = str(ROOT / "pages" / "data" / "usulan.py")
TIMEOUT = 180  # a check or a load runs the ETL in a child process
SCORES = (
    "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp,predikat\n"
    "62,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15,WBK\n"
    "62,Inspektorat,2024,TPI,7,5,8,8,12,8,16,4,15,\n"
    "62,Dinas Kesehatan,2024,TPI,6,5,8,8,12,8,16,4,15,\n"
    "62,Dinas Sosial,2024,TPI,1,1,1,1,1,1,1,1,1,\n"  # far from the conditions: not listed
)


@pytest.fixture
def desk_db(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "wh" / "zi.duckdb"
    code, out = load(write_csv(tmp_path, "nilai.csv", SCORES), db)
    assert code == 0, out
    monkeypatch.setenv("ZI_DB", str(db))
    return db


def open_page(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(USULAN_PAGE, default_timeout=TIMEOUT)
    at.query_params["provinsi_unit"] = "Kalimantan Tengah"
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def choose(at: AppTest, unit: str, tick: bool, kategori: str | None = None, afirmasi: bool | None = None) -> None:
    """Set one unit's tick, kategori and afirmasi (its widgets stand in the order of the units)."""
    units = [c for c in at.checkbox if c.key.startswith("usulan_pilih_")]
    n = next(i for i, c in enumerate(units) if c.label.startswith(unit))
    units[n].set_value(tick)
    if kategori is not None:
        [s for s in at.selectbox if s.key.startswith("usulan_kategori_")][n].set_value(kategori)
    if afirmasi is not None:
        [c for c in at.checkbox if c.key.startswith("usulan_afirmasi_")][n].set_value(afirmasi)


def submit(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Periksa usulan").click().run()


def received(at: AppTest) -> tuple[str, str]:
    """The JSON shown as what PortalRB receives now, and after saving."""
    return at.json[0].value, at.json[1].value


def test_the_units_meeting_the_conditions_are_listed_with_a_tick_each(desk_db):
    at = open_page()
    no_errors(at)
    labels = [c.label for c in at.checkbox if c.key.startswith("usulan_pilih_")]
    assert labels == ["Dinas Kesehatan (UNIT-62-001)", "Inspektorat (UNIT-62-003)"]  # not Dinas Sosial
    assert not any(c.value for c in at.checkbox if c.key.startswith("usulan_pilih_"))
    table = next(f.value for f in at.dataframe if "Syarat WBK" in f.value.columns)
    assert list(table["Unit kerja"]) == ["Dinas Kesehatan", "Inspektorat"]
    assert '"units": []' in received(at)[0]


def test_ticked_units_are_checked_then_loaded_and_portalrb_receives_them(desk_db):
    at = open_page()
    choose(at, "Inspektorat", True, "WBBM")
    choose(at, "Dinas Kesehatan", True, "WBK", afirmasi=True)
    before = sha256_of(desk_db)
    at = submit(at)
    no_errors(at)
    assert sha256_of(desk_db) == before  # a check writes nothing
    changes = next(f.value for f in at.dataframe if "Perubahan" in f.value.columns)
    assert list(zip(changes["Unit kerja"], changes["Perubahan"], changes["Kategori baru"], strict=True)) == [
        ("Dinas Kesehatan", "baru", "WBK"),
        ("Inspektorat", "baru", "WBBM"),
    ]
    after = received(at)[1]
    assert '"UNIT-62-001"' in after and '"UNIT-62-003"' in after and '"afirmasi": true' in after
    at = next(b for b in at.button if b.label == "Muat ke gudang data").click().run()
    no_errors(at)
    assert any("2 usulan baru" in s.value for s in at.success)
    assert query(desk_db, "SELECT stable_id, kategori, afirmasi, file_name FROM usulan_units ORDER BY 1") == [
        ("UNIT-62-001", "WBK", True, "usulan.csv"),
        ("UNIT-62-003", "WBBM", False, "usulan.csv"),
    ]
    now = received(at)[0]
    assert '"unit-wbbm": {"tahun": 2024, "units": [{"id": "UNIT-62-003", "nama": "Inspektorat", "kategori": "WBBM"' in now
    assert [c.value for c in at.checkbox if c.key.startswith("usulan_pilih_")] == [True, True]


def test_a_refused_proposal_is_located_and_nothing_is_written(desk_db):
    at = open_page()
    choose(at, "Dinas Kesehatan", True, "WBBM")  # no earlier WBK
    before = sha256_of(desk_db)
    at = submit(at)
    no_errors(at)
    assert any("Ditolak: 1 masalah" in e.value for e in at.error)
    problems = next(f.value for f in at.dataframe if "Masalah" in f.value.columns)
    assert (problems["File"].iat[0], problems["Baris"].iat[0], problems["Kolom"].iat[0], problems["Nilai"].iat[0]) == (
        "usulan.csv",
        2,
        "kategori",
        "WBBM",
    )
    assert "perlu predikat WBBM atau WBK" in problems["Masalah"].iat[0]
    assert not any(b.label == "Muat ke gudang data" for b in at.button)
    assert sha256_of(desk_db) == before


def test_an_untick_withdraws_the_proposal(desk_db, tmp_path):
    code, out = load(
        write_csv(tmp_path, "usulan.csv", "provinsi,instansi,unit_kerja,tahun,kategori\n62,,Inspektorat,2024,WBK\n"), desk_db
    )
    assert code == 0, out
    at = open_page()
    assert [c.value for c in at.checkbox if c.key.startswith("usulan_pilih_")] == [False, True]
    choose(at, "Inspektorat", False)
    at = submit(at)
    changes = next(f.value for f in at.dataframe if "Perubahan" in f.value.columns)
    assert list(changes["Perubahan"]) == ["ditarik"]
    at = next(b for b in at.button if b.label == "Muat ke gudang data").click().run()
    no_errors(at)
    assert query(desk_db, "SELECT count(*) FROM usulan")[0][0] == 0
    assert query(desk_db, "SELECT stable_id, kategori FROM proposal_history") == [("UNIT-62-003", "WBK")]


def test_only_editors_may_propose_when_sign_in_is_on(desk_db):
    from test_desk import SIGN_IN  # the same sign-in settings as the other data desk pages

    secrets = SIGN_IN | {"zi_roles": {"editors": ["kepala@inspektorat.go.id"]}}
    at = open_page(secrets, {"is_logged_in": True, "email": "staf@inspektorat.go.id"})
    no_errors(at)
    assert any("Usulan disusun oleh penyunting" in i.value for i in at.info)
    assert not [c for c in at.checkbox if c.key.startswith("usulan_pilih_")]
    at = open_page(secrets, {"is_logged_in": True, "email": "kepala@inspektorat.go.id", "email_verified": True})
    no_errors(at)
    assert [c for c in at.checkbox if c.key.startswith("usulan_pilih_")]

"""Unggah Data with LKE files (AppTest; the ETL runs in a child process as it does when served): one
workbook whose unit a small form gives, or workbooks with their manifest; the review shows the warnings and,
per unit and stage, the total the rules compute; confirming loads it."""

from __future__ import annotations

from conftest import query, sha256_of
from lke_fixtures import EXPECTED_SA, EXPECTED_TPI_TOTAL, manifest, workbook
from pytest import approx
from test_desk import UNGGAH, desk_db, frames, no_errors, page  # noqa: F401 - desk_db is a fixture

from etl.sample.lke_files import Quirks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_one_workbook_gets_its_unit_from_the_form_then_loads(desk_db, tmp_path):  # noqa: F811
    path = workbook(tmp_path, quirks=Quirks(wrong_range="TT-P1"))
    before = sha256_of(desk_db)
    at = page(UNGGAH)
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX))
    at = at.run()
    no_errors(at)
    assert any("Ditolak" in e.value for e in at.error)  # no unit yet: the form asks for it
    at.selectbox(key="unggah_provinsi").set_value(62)
    at.text_input(key="unggah_unit").input("Inspektorat")
    at.number_input(key="unggah_tahun").set_value(2025)
    next(b for b in at.button if b.label == "Periksa dengan identitas ini").click()
    at = at.run()
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    scored = next(f for f in frames(at) if "Nilai total (aturan)" in f.columns)
    totals = dict(zip(scored["Tahap"], scored["Nilai total (aturan)"], strict=True))
    assert totals == {"SA": approx(EXPECTED_SA["total"]), "TPI": approx(EXPECTED_TPI_TOTAL)}
    assert set(scored["Perubahan"]) == {"baru"} and set(scored["Unit kerja"]) == {"Inspektorat"}
    warned = next(f for f in frames(at) if "Masalah" in f.columns and "Butir" in f.columns)
    assert "TT-P1" in set(warned["Butir"]) and any(str(c).startswith("L") for c in warned["Sel"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rekap baru"] == "2" and metrics["Jawaban LKE baru"] == str(137 * 2)
    assert sha256_of(desk_db) == before  # the review wrote nothing
    at.button(key="unggah_muat").click()
    at = at.run()
    no_errors(at)
    assert any("jawaban LKE baru" in s.value for s in at.success)
    rows = query(desk_db, "SELECT stage, total FROM scores WHERE unit = 'Inspektorat' AND year = 2025 ORDER BY stage")
    assert rows == [("SA", approx(EXPECTED_SA["total"])), ("TPI", approx(EXPECTED_TPI_TOTAL))]
    assert query(desk_db, "SELECT count(*) FROM load_warnings WHERE item = 'TT-P1'")[0][0] > 0


def test_workbooks_with_their_manifest_need_no_form(desk_db, tmp_path):  # noqa: F811
    path = workbook(tmp_path, tpi=False)
    listed = manifest(tmp_path, ["lke_inspektorat.xlsx,62,,Dinas Pariwisata,2025,Dinas"])
    at = page(UNGGAH)
    at.file_uploader[0].set_value([(path.name, path.read_bytes(), XLSX), (listed.name, listed.read_bytes(), "text/csv")])
    at = at.run()
    no_errors(at)
    assert not at.error and not at.text_input
    scored = next(f for f in frames(at) if "Nilai total (aturan)" in f.columns)
    assert scored[["Unit kerja", "Tahap"]].values.tolist() == [["Dinas Pariwisata", "SA"]]

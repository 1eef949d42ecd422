"""Loading LKE files through `python -m etl load|check` (the same path as every file): identity from the
manifest or the command line, score rows in `scores` beside rekap rows, item answers in `lke_answers`,
warnings kept with the load, reloads that write nothing, replacements with history, rollback.
"""

from __future__ import annotations

import json

import pytest
from conftest import load, query, query_dicts, run_cli, sha256_of, write_csv
from lke_fixtures import EXPECTED_SA, EXPECTED_TPI_TOTAL, manifest, portal_json, template, workbook
from pytest import approx

from etl.read import batch
from etl.sample.lke_files import Quirks

KALTENG = "62"
INSPEKTORAT = "62:pemprov kalimantan tengah:inspektorat"


@pytest.fixture
def folder(tmp_path):
    """The three shapes of the fixture LKE, each about another Kalteng unit, with their manifest."""
    base = tmp_path / "masuk"
    workbook(base, quirks=Quirks(wrong_range="TT-P1"))
    template(base)
    portal_json(base)
    manifest(
        base,
        [
            "lke_inspektorat.xlsx,Kalteng,Pemprov Kalimantan Tengah,Inspektorat,2025,Inspektorat",
            "portalrb_bapenda.xlsx,62,,Badan Pendapatan Daerah,2025,Badan",
            "portalrb_dispursip.json,Kalimantan Tengah,,,,Dinas",  # the JSON names its unit and year itself
        ],
    )
    return base


def test_a_folder_of_lke_files_loads_scored_by_the_rules(folder, db):
    code, out = load(folder, db)
    assert code == 0, out
    rows = query_dicts(
        db, "SELECT unit, year, stage, rubric, total, pengungkit, hasil, mp, jenis_unit FROM scores ORDER BY unit, stage"
    )
    assert [(r["unit"], r["stage"]) for r in rows] == [
        ("Badan Pendapatan Daerah", "SA"),
        ("Badan Pendapatan Daerah", "TPI"),
        ("Dinas Perpustakaan dan Arsip", "SA"),
        ("Dinas Perpustakaan dan Arsip", "TPI"),
        ("Inspektorat", "SA"),
        ("Inspektorat", "TPI"),
    ]
    for row in rows:
        assert row["rubric"] == "permen90-2021" and row["year"] == 2025
        expected = EXPECTED_SA["total"] if row["stage"] == "SA" else EXPECTED_TPI_TOTAL
        assert row["total"] == approx(expected, abs=1e-6)
    assert rows[0]["mp"] == approx(EXPECTED_SA["mp_pemenuhan"] + EXPECTED_SA["mp_reform"])
    assert {r["jenis_unit"] for r in rows} == {"Badan", "Dinas", "Inspektorat"}
    # every item's points add up to the score row's total (pengungkit + hasil)
    sums = query(db, "SELECT unit_id, stage, sum(poin) FROM lke_answers GROUP BY ALL ORDER BY ALL")
    assert all(total == approx(EXPECTED_SA["total"] if stage == "SA" else EXPECTED_TPI_TOTAL) for _, stage, total in sums)
    # sub-areas land in score_items like a long file's
    subarea = query(
        db, "SELECT points FROM score_items WHERE unit_id = $u AND stage = 'SA' AND code = 'PW-R3'", {"u": INSPEKTORAT}
    )
    assert subarea == [(approx(1.8),)]


def test_item_answers_keep_what_was_given_where_and_with_what_note(folder, db):
    assert load(folder, db)[0] == 0
    answer = query_dicts(
        db,
        "SELECT * FROM lke_answers WHERE unit_id = $u AND kode IN ('MP-P1-a', 'MP-P1-b', 'MP-R1-a', 'IPAK') "
        "AND stage = 'SA' ORDER BY kode",
        {"u": INSPEKTORAT},
    )
    by_code = {a["kode"]: a for a in answer}
    assert by_code["MP-P1-a"]["jawaban"] == "Ya" and by_code["MP-P1-a"]["nilai"] == 1.0 and by_code["MP-P1-a"]["soal_id"] == 1
    assert by_code["MP-P1-a"]["catatan"] == "SK Kepala Dinas Nomor 800/12/2025 tentang Tim Kerja ZI"
    assert by_code["MP-P1-a"]["bukti"] == "SK Tim Kerja ZI; https://drive.example.go.id/zi/sk-tim"
    assert by_code["MP-P1-b"]["poin"] == approx(0.125)  # 0.5 × 0.5 / 2 items
    assert by_code["MP-R1-a"]["jawaban"] is None and by_code["MP-R1-a"]["nilai"] == approx(0.8)  # computed
    assert by_code["IPAK"]["jawaban_baku"] == "3.2" and by_code["IPAK"]["poin"] == approx(14.0)
    assert all(a["file_name"] == "lke_inspektorat.xlsx" and a["source_row"] > 2 for a in answer)
    tpi = query(
        db,
        "SELECT jawaban, catatan FROM lke_answers WHERE unit_id = $u AND stage = 'TPI' AND kode = 'MP-P4-a'",
        {"u": INSPEKTORAT},
    )
    assert tpi == [("Tidak", "Pimpinan belum tampil sebagai teladan; tidak ada bukti kegiatan")]
    where = query(db, "SELECT file_name, source_row FROM provenance WHERE unit_id = $u AND stage = 'TPI'", {"u": INSPEKTORAT})
    assert where[0][0] == "lke_inspektorat.xlsx" and where[0][1] > 200  # the workbook's total row


def test_warnings_are_reported_and_kept_with_the_load(folder, db):
    code, out = run_cli("load", folder, "--db", db, "--json")
    report = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and report["status"] == "loaded"
    miscomputed = [w for w in report["warnings"] if w["item"] == "TT-P1"]
    assert miscomputed and miscomputed[0]["cell"].startswith("L") and miscomputed[0]["sheet"] == "LKE ZI"
    assert report["counts"]["lke_added"] == 137 * 2 + 135 * 4
    scores = report["preview"]["lke_scores"]["rows"]
    assert {(r["unit"], r["stage"], r["status"]) for r in scores} >= {("Inspektorat", "SA", "baru")}
    kept = query(db, "SELECT file_name, item, cell FROM load_warnings WHERE item = 'TT-P1' ORDER BY cell")
    assert kept and kept[0][0] == "lke_inspektorat.xlsx"


def test_loading_the_same_files_again_writes_nothing(folder, db):
    assert load(folder, db)[0] == 0
    before = sha256_of(db)
    code, out = load(folder, db)
    assert code == 0 and "TIDAK ADA PERUBAHAN" in out
    assert sha256_of(db) == before


def test_a_file_without_identity_is_refused_and_nothing_is_written(tmp_path, db, loaded_db):
    before = sha256_of(loaded_db)
    path = workbook(tmp_path / "satu")
    code, out = load(path, loaded_db)
    assert code == 1 and "lke_inspektorat.xlsx: berkas LKE tanpa identitas unit" in out
    assert sha256_of(loaded_db) == before


def test_one_workbook_takes_its_unit_from_the_command_line(tmp_path, db):
    path = workbook(tmp_path / "satu", tpi=False)
    code, out = run_cli("load", path, "--db", db, "--provinsi", "Kalteng", "--unit-kerja", "Inspektorat", "--tahun", "2025")
    assert code == 0, out
    assert query(db, "SELECT instansi, unit, stage FROM scores") == [("Pemprov Kalimantan Tengah", "Inspektorat", "SA")]
    other = workbook(tmp_path / "satu", name="dua.xlsx", tpi=False)
    code, out = run_cli("check", path, other, "--provinsi", "62", "--unit-kerja", "X", "--tahun", "2025")
    assert code == 1 and "hanya untuk satu berkas LKE (ada 2)" in out and "dua.xlsx: berkas LKE tanpa identitas unit" in out


def test_a_manifest_that_disagrees_with_the_json_is_refused_naming_both(tmp_path, db):
    base = tmp_path / "masuk"
    portal_json(base)
    manifest(base, ["portalrb_dispursip.json,Kalteng,,Dinas Kearsipan,2024,Dinas"])
    code, out = load(base, db)
    assert code == 1
    assert (
        "lke_daftar.csv, baris 2, kolom 'unit_kerja', nilai 'Dinas Kearsipan': berbeda dengan nama_unit di portalrb_dispursip.json ('Dinas Perpustakaan dan Arsip')"
        in out
    )
    assert "lke_daftar.csv, baris 2, kolom 'tahun', nilai '2024': berbeda dengan tahun di portalrb_dispursip.json (2025)" in out


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("lke_inspektorat.xlsx,Atlantis,,Inspektorat,2025,", "kolom 'provinsi', nilai 'Atlantis': provinsi tidak dikenal"),
        ("lke_inspektorat.xlsx,62,,Inspektorat,2019,", "kolom 'tahun', nilai '2019': tahun harus bilangan bulat 2022–"),
        ("lke_inspektorat.xlsx,62,,,2025,", "kolom 'unit_kerja': nama unit kerja wajib diisi"),
    ],
)
def test_a_bad_manifest_row_is_refused_at_its_row(tmp_path, db, row, message):
    base = tmp_path / "masuk"
    workbook(base, tpi=False)
    manifest(base, [row])
    code, out = load(base, db)
    assert code == 1 and f"lke_daftar.csv, baris 2, {message}" in out, out


def test_a_manifest_row_without_its_file_is_a_warning_and_a_file_twice_is_refused(tmp_path, db):
    base = tmp_path / "masuk"
    workbook(base, tpi=False)
    manifest(base, ["lke_inspektorat.xlsx,62,,Inspektorat,2025,", "lain.xlsx,62,,Bapenda,2025,"])
    code, out = load(base, db)
    assert code == 0 and "PERINGATAN: lke_daftar.csv, baris 3, kolom 'berkas', nilai 'lain.xlsx': berkas ini tidak ada" in out
    manifest(base, ["lke_inspektorat.xlsx,62,,Inspektorat,2025,", "LKE_Inspektorat.xlsx,62,,Bapenda,2025,"])
    code, out = load(base, db)
    assert (
        code == 1
        and "baris 3, kolom 'berkas', nilai 'LKE_Inspektorat.xlsx': berkas yang sama sudah di lke_daftar.csv baris 2" in out
    )


def test_a_bad_answer_refuses_the_whole_load_located(tmp_path, loaded_db):
    base = tmp_path / "masuk"
    workbook(base, changes={"MP-P1-b": "Z", "SDM-P4-c": None}, tpi=False)
    manifest(base, ["lke_inspektorat.xlsx,62,,Inspektorat,2025,"])
    before = sha256_of(loaded_db)
    code, out = load(base, loaded_db)
    assert code == 1
    assert "sheet 'LKE ZI'" in out and "butir MP-P1-b, nilai 'Z': jawaban bukan salah satu pilihan A/B/C" in out
    assert "butir SDM-P4-c: belum diisi" in out
    assert sha256_of(loaded_db) == before


def test_an_lke_row_replaces_a_rekap_row_and_a_rekap_row_takes_the_answers_out(tmp_path, db):
    header = "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp"
    rekap = write_csv(tmp_path / "r", "rekap.csv", f"{header}\n62,Inspektorat,2025,SA,6,5,8,8,12,8,16,4,15\n")
    assert load(rekap, db)[0] == 0
    base = tmp_path / "masuk"
    workbook(base, tpi=False)
    manifest(base, ["lke_inspektorat.xlsx,62,,Inspektorat,2025,"])
    code, out = load(base, db)
    assert code == 0 and "rekap: 0 baru, 1 diganti" in out, out
    assert query(db, "SELECT total FROM scores") == [(approx(EXPECTED_SA["total"]),)]
    assert query(
        db, "SELECT total_of_old FROM (SELECT mp + tt + sdm + ak + pw + pp + ipak + ck + ipkp AS total_of_old FROM value_history)"
    ) == [(82.0,)]
    # the rekap again, changed: the score row is the rekap's, and its answers no longer hold
    write_csv(tmp_path / "r", "rekap.csv", f"{header}\n62,Inspektorat,2025,SA,6,5,8,8,12,8,16,4,14\n")
    code, out = load(rekap, db)
    assert code == 0 and "dikeluarkan" in out, out
    assert query(db, "SELECT count(*) FROM lke_answers") == [(0,)]
    assert query(db, "SELECT count(*), min(replaced_by_load) FROM lke_answer_history") == [(137, 3)]


def test_rollback_undoes_an_lke_load(folder, db, tmp_path):
    assert load(folder, db)[0] == 0
    workbook(folder, tpi=False, changes={"MP-P1-b": "A"})
    assert load(folder, db)[0] == 0
    changed = query(
        db, "SELECT jawaban FROM lke_answers WHERE unit_id = $u AND stage = 'SA' AND kode = 'MP-P1-b'", {"u": INSPEKTORAT}
    )
    assert changed == [("A",)]
    code, out = run_cli("rollback", 1, "--db", db)
    assert code == 0, out
    back = query(
        db, "SELECT jawaban FROM lke_answers WHERE unit_id = $u AND stage = 'SA' AND kode = 'MP-P1-b'", {"u": INSPEKTORAT}
    )
    assert back == [("B",)] and query(db, "SELECT count(*) FROM lke_answers WHERE stage = 'TPI'")[0][0] == 137 + 135 * 2


def test_sub_areas_of_a_long_file_for_a_unit_an_lke_scores_are_refused(tmp_path, db):
    base = tmp_path / "masuk"
    workbook(base, tpi=False)
    manifest(base, ["lke_inspektorat.xlsx,62,,Inspektorat,2025,"])
    write_csv(base, "rincian.csv", "provinsi,unit_kerja,tahun,tahap,indikator,nilai\n62,Inspektorat,2025,SA,MP-P1,0.5\n")
    code, out = load(base, db)
    assert code == 1
    assert (
        "rincian.csv, baris 2, kolom 'unit_kerja', nilai 'Inspektorat': nilai sub-area unit, tahun, dan tahap ini juga dihitung dari berkas LKE lke_inspektorat.xlsx"
        in out
    )


def test_files_read_by_worker_processes_load_as_files_read_here(tmp_path, monkeypatch):
    """From POOL_FROM LKE-sized files on, a load reads them in worker processes, CHUNK files per task, and each
    chunk sends its answers back as one table: the load is the same as one whose files are read here. Each
    workbook answers differently, so a slice handed to the wrong file would show."""

    base = tmp_path / "masuk"
    answers_of = ["A", "B", "C", "A", "B", "C", "B"]  # AK-P1-a of each workbook (self-assessment)
    for n, answer in enumerate(answers_of):
        workbook(base, name=f"lke_{n}.xlsx", changes={"AK-P1-a": answer})
    portal_json(base)  # a JSON among the workbooks
    manifest(
        base,
        [f"lke_{n}.xlsx,Kalteng,Pemprov Kalimantan Tengah,Unit {n},2025,Dinas" for n in range(len(answers_of))]
        + ["portalrb_dispursip.json,Kalimantan Tengah,,,,Dinas"],
    )
    listing = "SELECT file_name, stage, kode, jawaban, nilai, poin, catatan, bukti, source_row FROM lke_answers ORDER BY ALL"
    totals = "SELECT unit, stage, total FROM scores ORDER BY ALL"

    here = tmp_path / "here.duckdb"
    assert load(base, here)[0] == 0
    monkeypatch.setattr(batch, "POOL_FROM", 1)
    monkeypatch.setattr(batch, "CHUNK", 3)  # 8 files: chunks of 3, 3 and 2
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 2)  # the pool needs two cores
    pools = []

    class Counted(batch.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Counted)
    pooled = tmp_path / "pooled.duckdb"
    code, out = load(base, pooled)
    assert code == 0, out
    assert pools == [2]

    assert query(pooled, listing) == query(here, listing)
    assert query(pooled, totals) == query(here, totals)
    shown = dict(query(pooled, "SELECT file_name, jawaban FROM lke_answers WHERE kode = 'AK-P1-a' AND stage = 'SA'"))
    assert [shown[f"lke_{n}.xlsx"] for n in range(len(answers_of))] == answers_of

    # a damaged file among them is refused by name, read in a worker like the others
    (base / "lke_rusak.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    code, out = run_cli("check", base)
    assert code != 0 and "lke_rusak.xlsx" in out, out

"""Proposals to PortalRB (`usulan.csv`) and stable unit ids, through `python -m etl load|check` like every input:
recognised by their headers, every refusal located, a refused load writing nothing, a second load changing
nothing, replacements and withdrawals kept in history, rolled back like other data, ids that survive both.
"""

from __future__ import annotations

import pytest
from conftest import load, query, query_dicts, run_cli, sha256_of, write_csv
from lke_fixtures import portal_json

HEADER = "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp,predikat"
# 90/2021 TPI rows of Kalteng: A meets the WBK conditions in 2024 and held WBK in 2023; B has 2024 only.
SCORES = (
    f"{HEADER}\n"
    "62,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15,WBK\n"
    "62,Inspektorat,2024,TPI,7,5,8,8,12,8,16,4,15,\n"
    "62,Dinas Kesehatan,2024,TPI,6,5,8,8,12,8,16,4,15,\n"
    "62,Dinas Kesehatan,2024,SA,6,5,8,8,12,8,16,4,15,\n"
    "62,Badan Pendapatan Daerah,2024,SA,6,5,8,8,12,8,16,4,15,\n"
)
USULAN = "provinsi,instansi,unit_kerja,tahun,kategori,afirmasi,unit_id\n"
INSPEKTORAT = "62:pemprov kalimantan tengah:inspektorat"


@pytest.fixture
def scored(tmp_path, db):
    code, out = load(write_csv(tmp_path, "nilai.csv", SCORES), db)
    assert code == 0, out
    return db


def proposals(db) -> list[tuple]:
    return query(db, "SELECT unit, year, kategori, afirmasi, stable_id FROM usulan_units ORDER BY unit, year")


def test_every_unit_gets_a_stable_id_numbered_per_province(scored):
    assert query(scored, "SELECT stable_id, unit, source FROM unit_ids ORDER BY stable_id") == [
        ("UNIT-62-001", "Badan Pendapatan Daerah", "dibuat"),
        ("UNIT-62-002", "Dinas Kesehatan", "dibuat"),
        ("UNIT-62-003", "Inspektorat", "dibuat"),
    ]


def test_a_proposal_file_loads_and_a_second_load_changes_nothing(tmp_path, scored):
    path = write_csv(
        tmp_path,
        "usulan.csv",
        USULAN + "Kalteng,,Inspektorat,2024,WBBM,,\n62,Pemprov Kalimantan Tengah,Dinas Kesehatan,2024,wbk-afirmasi,,\n",
    )
    code, out = run_cli("load", path, "--db", scored)
    assert code == 0, out
    assert "usulan.csv: 2 baris (usulan;" in out and "usulan PortalRB: 2 baru, 0 diganti, 0 sama, 0 ditarik" in out
    assert proposals(scored) == [
        ("Dinas Kesehatan", 2024, "WBK-AFIRMASI", True, "UNIT-62-002"),
        ("Inspektorat", 2024, "WBBM", False, "UNIT-62-003"),
    ]
    row = query_dicts(scored, "SELECT * FROM usulan_units WHERE unit = 'Inspektorat'")[0]
    assert (row["predicate"], row["tpi_total"], row["file_name"], row["source_row"]) == ("WBBM", 83.0, "usulan.csv", 2)
    before = sha256_of(scored)
    code, out = run_cli("load", path, "--db", scored)
    assert code == 0 and "TIDAK ADA PERUBAHAN" in out, out
    assert sha256_of(scored) == before


def test_every_refusal_is_located_and_nothing_is_written(tmp_path, scored):
    path = write_csv(
        tmp_path,
        "salah.csv",
        USULAN
        + "62,,Dinas Kesehatan,2024,WBBM,,\n"  # 2: WBBM without an earlier WBK
        + "62,,Badan Pendapatan Daerah,2024,WBK,,\n"  # 3: SA only, no TPI score
        + "62,,Dinas Baru,2024,WBK,Tidak,\n"  # 4: no score at all
        + "62,,Inspektorat,2024,WBK-AFIRMASI,Tidak,\n"  # 5: affirmation that says it is not
        + "62,,Inspektorat,2024,WBK,,\n"  # 6: the same unit and year again
        + "Atlantis,,Inspektorat,20x4,WBX,mungkin,\n"  # 7: four unknown values
        + "62,,Inspektorat,2023,WBK,,UNIT-62-001\n"  # 8: another unit's id
        + "62,,Dinas Kesehatan,2023,-,,../../etc/passwd\n"  # 9: not an id
        + ",,,,,,\n",  # a row of empty cells: no data
    )
    before = sha256_of(scored)
    code, out = run_cli("load", path, "--db", scored)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("salah.csv, ")]
    assert problems == [
        "salah.csv, baris 2, kolom 'kategori', nilai 'WBBM': usulan WBBM perlu predikat WBBM atau WBK pada tahun sebelum "
        "2024; unit ini belum pernah memegangnya",
        "salah.csv, baris 3, kolom 'unit_kerja', nilai 'Badan Pendapatan Daerah': unit ini belum punya nilai TPI tahun 2024; "
        "muat nilainya lebih dulu atau bersamaan dengan usulan",
        "salah.csv, baris 4, kolom 'unit_kerja', nilai 'Dinas Baru': unit ini belum punya nilai TPI tahun 2024; muat nilainya "
        "lebih dulu atau bersamaan dengan usulan",
        "salah.csv, baris 5, kolom 'afirmasi', nilai 'Tidak': kategori WBK-AFIRMASI adalah usulan afirmasi; afirmasi tidak boleh Tidak",
        "salah.csv, baris 6, kolom 'unit_kerja', nilai 'Inspektorat': baris ganda: unit dan tahun sama dengan baris 5 di file ini",
        "salah.csv, baris 7, kolom 'afirmasi', nilai 'mungkin': afirmasi harus Ya atau Tidak (boleh kosong)",
        "salah.csv, baris 7, kolom 'kategori', nilai 'WBX': kategori tidak dikenal; gunakan WBK, WBK-AFIRMASI, WBBM, atau - "
        "untuk menarik usulan",
        "salah.csv, baris 7, kolom 'provinsi', nilai 'Atlantis': provinsi tidak dikenal; gunakan kode Kemendagri, nama resmi, "
        "atau singkatan",
        "salah.csv, baris 7, kolom 'tahun', nilai '20x4': tahun harus bilangan bulat 2010–2027",
        "salah.csv, baris 8, kolom 'unit_id', nilai 'UNIT-62-001': unit ini sudah ber-id UNIT-62-003; id unit tidak pernah diganti",
        "salah.csv, baris 9, kolom 'unit_id', nilai '../../etc/passwd': id unit harus 1–64 huruf, angka, titik, garis bawah, "
        "atau tanda hubung, diawali huruf atau angka",
    ]
    assert sha256_of(scored) == before


def test_a_tpi_score_in_the_same_load_counts(tmp_path, db):
    scores = write_csv(tmp_path, "nilai.csv", SCORES)
    path = write_csv(tmp_path, "usulan.csv", USULAN + "62,,Dinas Kesehatan,2024,WBK,,\n")
    code, out = load([scores, path], db)
    assert code == 0, out
    assert proposals(db) == [("Dinas Kesehatan", 2024, "WBK", False, "UNIT-62-002")]


def test_replaced_and_withdrawn_proposals_are_kept_in_history_and_rolled_back(tmp_path, scored):
    first = write_csv(tmp_path, "usulan.csv", USULAN + "62,,Inspektorat,2024,WBK,,\n62,,Dinas Kesehatan,2024,WBK,,\n")
    assert load(first, scored)[0] == 0  # load 2
    second = write_csv(tmp_path, "usulan2.csv", USULAN + "62,,Inspektorat,2024,WBBM,Ya,\n62,,Dinas Kesehatan,2024,-,,\n")
    code, out = load(second, scored)  # load 3
    assert code == 0 and "usulan PortalRB: 0 baru, 1 diganti, 0 sama, 1 ditarik" in out, out
    assert proposals(scored) == [("Inspektorat", 2024, "WBBM", True, "UNIT-62-003")]
    assert query(scored, "SELECT stable_id, kategori, load_id, file_name, replaced_by_load FROM proposal_history ORDER BY 1") == [
        ("UNIT-62-002", "WBK", 2, "usulan.csv", 3),
        ("UNIT-62-003", "WBK", 2, "usulan.csv", 3),
    ]
    code, out = run_cli("rollback", "2", "--db", scored)
    assert code == 0, out
    assert proposals(scored) == [
        ("Dinas Kesehatan", 2024, "WBK", False, "UNIT-62-002"),
        ("Inspektorat", 2024, "WBK", False, "UNIT-62-003"),
    ]
    assert query(scored, "SELECT count(*) FROM stable_ids")[0][0] == 3  # the ids stay


def test_a_withdrawal_of_nothing_changes_nothing(tmp_path, scored):
    before = sha256_of(scored)
    code, out = load(write_csv(tmp_path, "usulan.csv", USULAN + "62,,Inspektorat,2024,-,,\n"), scored)
    assert code == 0 and "TIDAK ADA PERUBAHAN" in out, out
    assert sha256_of(scored) == before


def test_a_corrected_name_keeps_its_id_when_the_proposal_names_it(tmp_path, scored):
    renamed = write_csv(tmp_path, "nilai2025.csv", f"{HEADER}\n62,Inspektorat Daerah,2025,TPI,7,5,8,8,12,8,16,4,15,\n")
    # without the id, the corrected name is another unit: it gets the next id
    code, out = run_cli("check", renamed, "--db", scored)
    assert code == 0 and "id unit baru: 1" in out, out
    path = write_csv(tmp_path, "usulan.csv", USULAN + "62,,Inspektorat Daerah,2025,WBBM,,UNIT-62-003\n")
    code, out = load([renamed, path], scored)
    assert code == 0, out
    assert (
        "PERINGATAN: usulan.csv, baris 2, kolom 'unit_id', nilai 'UNIT-62-003': nama unit ini memakai id milik 'inspektorat' "
        "(nama yang dikoreksi): keduanya satu unit"
    ) in out
    assert query(scored, "SELECT stable_id, unit FROM unit_ids WHERE stable_id = 'UNIT-62-003' ORDER BY unit") == [
        ("UNIT-62-003", "Inspektorat"),
        ("UNIT-62-003", "Inspektorat Daerah"),
    ]
    # the WBK the unit held in 2023 under its old name counts for the WBBM proposal of 2025
    assert proposals(scored) == [("Inspektorat Daerah", 2025, "WBBM", False, "UNIT-62-003")]
    # both names proposed in one year would send PortalRB one id twice
    both = write_csv(tmp_path, "usulan2.csv", USULAN + "62,,Inspektorat,2025,WBK,,\n")
    more = write_csv(tmp_path, "nilai2025b.csv", f"{HEADER}\n62,Inspektorat,2025,TPI,7,5,8,8,12,8,16,4,15,\n")
    code, out = load([more, both], scored)
    assert code == 1
    assert (
        "usulan2.csv, baris 2, kolom 'unit_kerja', nilai 'Inspektorat': unit ini dan 'inspektorat daerah' memakai id "
        "UNIT-62-003 yang sama; hanya satu dari keduanya yang dapat diusulkan tahun ini"
    ) in out


def test_an_id_of_another_instansi_or_a_new_id_for_two_units_is_refused(tmp_path, scored):
    other = write_csv(
        tmp_path,
        "lain.csv",
        "provinsi,instansi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp\n"
        "62,Kabupaten Kapuas,Inspektorat,2024,TPI,6,5,8,8,12,8,16,4,15\n"
        "62,Kabupaten Kapuas,Dinas Kesehatan,2024,TPI,6,5,8,8,12,8,16,4,15\n",
    )
    path = write_csv(
        tmp_path,
        "usulan.csv",
        USULAN
        + "62,Kabupaten Kapuas,Inspektorat,2024,WBK,,UNIT-62-003\n"
        + "62,Kabupaten Kapuas,Dinas Kesehatan,2024,WBK,,KPS-7\n"
        + "62,Pemprov Kalimantan Tengah,Dinas Kesehatan,2024,WBK,,KPS-7\n",
    )
    code, out = load([other, path], scored)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("usulan.csv, ")]
    assert lines == [
        "usulan.csv, baris 2, kolom 'unit_id', nilai 'UNIT-62-003': id ini milik unit lain (pemprov kalimantan tengah / inspektorat)",
        "usulan.csv, baris 3, kolom 'unit_id', nilai 'KPS-7': id baru ini disebut untuk lebih dari satu unit di muatan ini",
        "usulan.csv, baris 4, kolom 'unit_id', nilai 'KPS-7': unit ini sudah ber-id UNIT-62-002; id unit tidak pernah diganti",
    ]


def test_a_portalrb_json_names_its_unit_id(tmp_path, db):
    base = tmp_path / "lke"
    portal_json(base)  # unit_id UNIT-DPA-001, Dinas Perpustakaan dan Arsip, 2025
    code, out = run_cli(
        "load", base / "portalrb_dispursip.json", "--provinsi", "62", "--instansi", "Pemprov Kalimantan Tengah", "--db", db
    )
    assert code == 0, out
    assert query(db, "SELECT stable_id, unit, source, file_name FROM unit_ids") == [
        ("UNIT-DPA-001", "Dinas Perpustakaan dan Arsip", "berkas", "portalrb_dispursip.json")
    ]
    # the same JSON again: nothing; a JSON naming another id for the unit: refused, at its unit_id
    assert "TIDAK ADA PERUBAHAN" in run_cli("load", base / "portalrb_dispursip.json", "--provinsi", "62", "--db", db)[1]
    other = tmp_path / "lain" / "portalrb_dispursip.json"
    other.parent.mkdir()
    other.write_text(
        (base / "portalrb_dispursip.json").read_text(encoding="utf-8").replace("UNIT-DPA-001", "UNIT-DPA-002"), encoding="utf-8"
    )
    code, out = run_cli("load", other, "--provinsi", "62", "--db", db)
    assert code == 1
    assert (
        "portalrb_dispursip.json, kolom 'unit_id', nilai 'UNIT-DPA-002': unit ini sudah ber-id UNIT-DPA-001; "
        "id unit tidak pernah diganti"
    ) in out


def test_proposal_columns_in_another_kind_of_file_are_said_and_ignored(tmp_path, db):
    path = write_csv(tmp_path, "rekap.csv", f"{HEADER},kategori\n62,Inspektorat,2024,TPI,7,5,8,8,12,8,16,4,15,,WBK\n")
    code, out = load(path, db)
    assert code == 0, out
    assert (
        "PERINGATAN: rekap.csv, baris 1, kolom 'kategori': kolom ini hanya dipakai di berkas usulan (usulan.csv); diabaikan"
    ) in out
    assert query(db, "SELECT count(*) FROM usulan")[0][0] == 0

"""The ETL side of the data desk: the `--json` report with its preview, `--name` and `--by`, kept
warehouse versions, and `python -m etl rollback` (restores exactly the old scores, is itself in the
history, keeps what it took out in `value_history`, and can be undone).
"""

from __future__ import annotations

import copy
import json

import pytest
from conftest import HEADER_90, load, query, query_dicts, run_cli, sha256_of, write_csv

from etl.load import run
from etl.write import versions
from zi.domain.rules import load_rules

ROW = "62,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15"
SCORES = "SELECT * EXCLUDE (is_sample) FROM scores ORDER BY unit_id, year, stage"


def cli_json(*argv) -> tuple[int, dict]:
    code, out = run_cli(*argv, "--json")  # stdout and stderr together: the report is the JSON line
    return code, json.loads(next(line for line in out.splitlines() if line.startswith("{")))


def three_loads(tmp_path, db):
    """Load 1: two units; load 2: one replaced, one added; load 3: another replacement."""
    first = write_csv(tmp_path, "satu.csv", f"{HEADER_90}\n{ROW}\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,15\n")
    second = write_csv(
        tmp_path,
        "dua.csv",
        f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n",
    )
    third = write_csv(tmp_path, "tiga.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,6,5,8,8,12,8,16,4,14\n")
    states = []
    for path in (first, second, third):
        code, out = load(path, db)
        assert code == 0, out
        states.append(query(db, SCORES))
    return states


def test_check_json_reports_files_problems_counts_and_preview(tmp_path, loaded_db):
    changed = write_csv(
        tmp_path,
        "ubah.csv",
        f"{HEADER_90},predikat\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15,WBK\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15,\n",
    )
    before = sha256_of(loaded_db)
    code, report = cli_json("check", changed, "--db", loaded_db)
    assert code == 0 and report["status"] == "checked" and report["written"] is False
    assert sha256_of(loaded_db) == before
    [file] = report["files"]
    assert file["name"] == "ubah.csv" and file["dialect"]["delimiter"] == "," and file["rows"] == 2
    assert report["counts"]["rekap_added"] == 1 and report["counts"]["rekap_replaced"] == 1
    [added] = report["preview"]["rekap_added"]["rows"]
    assert (added["unit"], added["year"], added["stage"], added["row"], added["file"]) == (
        "Dinas Baru",
        2024,
        "SA",
        3,
        "ubah.csv",
    )
    assert added["province"] == "Kalimantan Tengah" and added["mp"] == 6
    replaced = {r["column"]: r for r in report["preview"]["rekap_replaced"]["rows"]}
    assert set(replaced) == {"mp", "predikat"}
    assert (replaced["mp"]["old"], replaced["mp"]["new"]) == (6, 7)
    assert (replaced["predikat"]["old"], replaced["predikat"]["new"]) == (None, "WBK")
    assert replaced["mp"]["old_file"] == "awal.csv" and replaced["mp"]["old_row"] == 2 and replaced["mp"]["row"] == 2


def test_refused_json_has_every_problem_as_a_located_dict(tmp_path, loaded_db):
    bad = write_csv(
        tmp_path,
        "salah.csv",
        f"{HEADER_90}\nAtlantis,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15\n62,Bappeda,2023,TPX,6,5,8,8,12,99,16,4,15\n",
    )
    code, report = cli_json("load", bad, "--db", loaded_db)
    assert code == 1 and report["status"] == "refused" and report["exit"] == 1 and report["preview"] == {}
    found = {(p["row"], p["column"], p["value"]) for p in report["problems"]}
    assert {(2, "provinsi", "Atlantis"), (3, "tahap", "TPX"), (3, "pp", "99")} <= found
    assert all(p["file"] == "salah.csv" and p["reason"] and p["text"].startswith("salah.csv, baris") for p in report["problems"])


def test_name_labels_a_generated_path_and_by_is_recorded(tmp_path, loaded_db):
    stored = write_csv(tmp_path, "3f9a0c.bin", f"{HEADER_90}\n62,Dinas Baru,2024,SA,6,5,8,8,12,8,16,4,15\n")
    code, report = cli_json(
        "load", stored, "--db", loaded_db, f"--name={stored}=Rekap Kalteng (final).csv", "--by=inspektur@kalteng.go.id"
    )
    assert code == 0 and report["status"] == "loaded", report
    assert report["files"][0]["name"] == "Rekap Kalteng (final).csv"
    [row] = query_dicts(loaded_db, "SELECT loaded_by, files FROM load_history WHERE load_id = $id", {"id": report["load_id"]})
    assert row == {"loaded_by": "inspektur@kalteng.go.id", "files": "Rekap Kalteng (final).csv"}
    assert query(loaded_db, "SELECT DISTINCT file_name FROM provenance WHERE unit = 'Dinas Baru'") == [
        ("Rekap Kalteng (final).csv",)
    ]


def test_usage_errors_are_json_too(tmp_path):
    code, report = cli_json("check", tmp_path / "tidak_ada.csv")
    assert code == 2 and report["status"] == "usage" and "tidak ditemukan" in report["messages"][0]


def test_preview_lists_are_capped_but_totals_are_full(tmp_path, db):
    rules = copy.copy(load_rules())
    rules.limits = {**rules.limits, "preview_max_rows": 3}
    many = write_csv(
        tmp_path, "banyak.csv", HEADER_90 + "\n" + "".join(f"62,Unit {i},2024,SA,6,5,8,8,12,8,16,4,15\n" for i in range(10))
    )
    report = run([(many, many.name)], db, write=False, rules=rules)
    assert report.preview["rekap_added"]["total"] == 10 and len(report.preview["rekap_added"]["rows"]) == 3


def test_each_load_keeps_the_replaced_file_and_only_the_newest_versions(tmp_path, db):
    rules = copy.copy(load_rules())
    rules.limits = {**rules.limits, "keep_versions": 2}
    hashes = []
    for i in range(4):
        path = write_csv(tmp_path, f"muat{i}.csv", f"{HEADER_90}\n62,Unit {i},2024,SA,6,5,8,8,12,8,16,4,15\n")
        hashes.append(sha256_of(db) if db.exists() else None)
        assert run([(path, path.name)], db, write=True, rules=rules).written
    kept = versions.available(db)
    assert [v.load_id for v in kept] == [3, 2]  # the data after loads #3 and #2; #1 was pruned
    assert [sha256_of(v.path) for v in kept] == [hashes[3], hashes[2]]
    assert versions.path_of(db, 3) == db.parent / "versions" / "zi-3.duckdb"


def test_a_refused_or_unchanged_load_keeps_no_version(tmp_path, loaded_db):
    bad = write_csv(tmp_path, "salah.csv", f"{HEADER_90}\nAtlantis,X,2023,TPI,6,5,8,8,12,8,16,4,15\n")
    assert load(bad, loaded_db)[0] == 1
    same = write_csv(tmp_path, "sama.csv", f"{HEADER_90}\n{ROW}\n")
    assert load(same, loaded_db)[0] == 0
    assert versions.available(loaded_db) == []


def test_rollback_restores_exactly_the_old_scores_and_is_recorded(tmp_path, db):
    after_one, _after_two, _after_three = three_loads(tmp_path, db)
    code, out = run_cli("rollback", 1, "--db", db, "--by", "inspektur@kalteng.go.id")
    assert code == 0, out
    assert query(db, SCORES) == after_one
    [entry] = query_dicts(db, "SELECT * FROM load_history WHERE load_id = 4")
    assert entry["note"] == "rollback ke muatan #1; membatalkan muatan #2, #3"
    assert entry["loaded_by"] == "inspektur@kalteng.go.id" and entry["files"] is None
    # what it took out: the rows loads #2 and #3 had written, kept with the file and row they came from
    taken = query(db, "SELECT unit, load_id, file_name, source_row FROM value_history WHERE replaced_by_load = 4 ORDER BY ALL")
    assert taken == [("Bappeda", 3, "tiga.csv", 2), ("Dinas Baru", 2, "dua.csv", 3), ("Inspektorat", 2, "dua.csv", 2)]
    assert (entry["rekap_added"], entry["rekap_replaced"]) == (2, 3)  # brought back, taken out
    # the ledger keeps the undone loads; provenance points at the original files again
    assert [r[0] for r in query(db, "SELECT load_id FROM load_history ORDER BY 1")] == [1, 2, 3, 4]
    assert query(db, "SELECT DISTINCT file_name FROM provenance") == [("satu.csv",)]


def test_a_rollback_can_be_rolled_back(tmp_path, db):
    _, _, after_three = three_loads(tmp_path, db)
    assert run_cli("rollback", 1, "--db", db)[0] == 0
    assert [v.load_id for v in versions.available(db)] == [3, 2, 1]
    code, out = run_cli("rollback", 3, "--db", db)
    assert code == 0, out
    assert query(db, SCORES) == after_three
    assert query(db, "SELECT note FROM loads WHERE load_id = 5") == [("rollback ke muatan #3; membatalkan muatan #4",)]


def test_rollback_json_and_unknown_version(tmp_path, db):
    three_loads(tmp_path, db)
    before = sha256_of(db)
    code, report = cli_json("rollback", 9, "--db", db)
    assert code == 2 and report["status"] == "usage" and "#9" in report["messages"][0] and "#2" in report["messages"][0]
    assert sha256_of(db) == before
    code, report = cli_json("rollback", 2, "--db", db)
    assert code == 0 and report["status"] == "rolled_back" and report["undone"] == [3] and report["load_id"] == 4
    assert report["restored"]["rekap"] == 1 and report["taken_out"]["rekap"] == 1


def test_rollback_to_the_same_content_writes_nothing(tmp_path, db):
    three_loads(tmp_path, db)
    assert run_cli("rollback", 2, "--db", db)[0] == 0  # now the data after #2; version 3 kept
    assert run_cli("rollback", 3, "--db", db)[0] == 0  # back to after #3 (as load #5)
    before = sha256_of(db)
    code, out = run_cli("rollback", 3, "--db", db)  # the live data already equals version 3
    assert code == 0 and "TIDAK ADA PERUBAHAN" in out
    assert sha256_of(db) == before


@pytest.mark.parametrize("kind", ["rincian"])
def test_rollback_restores_sub_area_detail_too(tmp_path, db, kind):
    rekap = write_csv(
        tmp_path,
        "rekap.csv",
        "provinsi,unit_kerja,tahun,tahap,mp_pemenuhan,mp_reform,tt,sdm,ak,pw,pp,ipak,ck,ipkp\n"
        "62,Inspektorat,2023,TPI,3,3,5,8,8,12,8,16,4,15\n",
    )
    assert load(rekap, db)[0] == 0
    detail = write_csv(
        tmp_path,
        "rincian.csv",
        "provinsi,unit_kerja,tahun,tahap,indikator,nilai\n62,Inspektorat,2023,TPI,MP-P1,0.5\n62,Inspektorat,2023,TPI,MP-P2,1\n",
    )
    assert load(detail, db)[0] == 0
    assert query(db, "SELECT count(*) FROM rincian") == [(2,)]
    assert run_cli("rollback", 1, "--db", db)[0] == 0
    assert query(db, "SELECT count(*) FROM rincian") == [(0,)]
    assert query(db, "SELECT count(*) FROM rincian_history WHERE replaced_by_load = 3") == [(2,)]

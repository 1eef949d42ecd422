"""Loading into the warehouse (`etl.load`, `etl.write.warehouse`): no-op reloads, replacement with history,
later file wins, the ledger, exit statuses, folders, and atomicity when a load dies midway (killed
with SIGKILL in a subprocess, or a step failing in this process).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import HEADER_52, HEADER_90, ROOT, ROW_90, load, query, query_dicts, run_cli, sha256_of, write_csv

import etl.write.warehouse
from etl.load import run
from zi.domain.rules import load_rules

S = "6,5,8,8,12,8,16,4,15"


def no_staging_left(db: Path) -> bool:
    return not [p for p in db.parent.iterdir() if ".loading" in p.name]


def test_reload_same_file_is_a_no_op(tmp_path, db):
    path = write_csv(tmp_path, "rekap.csv", f"{HEADER_90}\n{ROW_90}\n62,Bappeda,2023,SA,{S}\n")
    assert load(path, db)[0] == 0
    before = sha256_of(db)
    code, out = load(path, db)
    assert code == 0
    assert "TIDAK ADA PERUBAHAN" in out
    assert sha256_of(db) == before
    assert no_staging_left(db)
    assert query(db, "SELECT load_id, rekap_added FROM load_history") == [(1, 2)]


def test_same_rows_in_another_file_and_dialect_is_a_no_op(tmp_path, db):
    assert load(write_csv(tmp_path, "a.csv", f"{HEADER_90}\n{ROW_90}\n"), db)[0] == 0
    before = sha256_of(db)
    other = f"{HEADER_90.replace(',', ';')}\nKalteng;Inspektorat;2023;tpi;6,0;5;8;8;12;8;16;4;15\n"
    code, out = load(write_csv(tmp_path, "b.csv", other, encoding="cp1252"), db)
    assert code == 0, out
    assert "TIDAK ADA PERUBAHAN" in out
    assert sha256_of(db) == before


def test_changed_value_replaces_and_old_value_goes_to_history(tmp_path, db):
    v1 = write_csv(tmp_path, "v1.csv", f"{HEADER_90}\n{ROW_90}\n62,Bappeda,2023,TPI,{S}\n")
    assert load(v1, db)[0] == 0
    # Inspektorat moves to row 3 and its mp changes 6 -> 7; Bappeda is unchanged
    v2 = write_csv(tmp_path, "v2.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,{S}\n62,INSPEKTORAT,2023,TPI,7,5,8,8,12,8,16,4,15\n")
    code, out = load(v2, db)
    assert code == 0, out
    assert "rekap: 0 baru, 1 diganti, 1 sama" in out
    assert query(db, "SELECT unit, mp, total FROM scores ORDER BY unit") == [("Bappeda", 6.0, 82.0), ("INSPEKTORAT", 7.0, 83.0)]
    assert query(db, "SELECT unit, file_name, source_row, load_id FROM provenance ORDER BY unit") == [
        ("Bappeda", "v1.csv", 3, 1),
        ("INSPEKTORAT", "v2.csv", 3, 2),
    ]
    history = query_dicts(
        db,
        "SELECT unit_id, unit, mp, total_points, file_name, source_row, load_id, replaced_by_load "
        "FROM (SELECT *, mp + tt + sdm + ak + pw + pp + ipak + ck + ipkp AS total_points FROM value_history)",
    )
    assert history == [
        {
            "unit_id": "62:pemprov kalimantan tengah:inspektorat",
            "unit": "Inspektorat",
            "mp": 6.0,
            "total_points": 82.0,
            "file_name": "v1.csv",
            "source_row": 2,
            "load_id": 1,
            "replaced_by_load": 2,
        }
    ]
    # a third version: the second value joins the history too
    v3 = write_csv(tmp_path, "v3.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7.5,5,8,8,12,8,16,4,15\n")
    assert load(v3, db)[0] == 0
    assert query(db, "SELECT mp, file_name, source_row, replaced_by_load FROM value_history ORDER BY replaced_by_load") == [
        (6.0, "v1.csv", 2, 2),
        (7.0, "v2.csv", 3, 3),
    ]
    assert query(db, "SELECT mp FROM scores WHERE unit = 'Inspektorat'") == [(7.5,)]


def test_changed_subarea_value_goes_to_history(tmp_path, db):
    rekap = write_csv(tmp_path, "rekap.csv", f"{HEADER_90}\n{ROW_90}\n")
    v1 = write_csv(
        tmp_path,
        "rincian1.csv",
        "provinsi,unit_kerja,tahun,tahap,indikator,nilai\n"
        "62,Inspektorat,2023,TPI,MP-P1,0.5\n62,Inspektorat,2023,TPI,MP-P2,0.75\n",
    )
    assert load([rekap, v1], db)[0] == 0
    v2 = write_csv(
        tmp_path,
        "rincian2.csv",
        "provinsi,unit_kerja,tahun,tahap,indikator,nilai\n62,Inspektorat,2023,TPI,MP-P2,1\n62,Inspektorat,2023,TPI,MP-P1,0.5\n",
    )
    code, out = load(v2, db)
    assert code == 0, out
    assert "rincian: 0 baru, 1 diganti, 1 sama" in out
    assert query(db, "SELECT code, value, file_name, source_row FROM rincian ORDER BY code") == [
        ("mp_p1", 0.5, "rincian1.csv", 2),
        ("mp_p2", 1.0, "rincian2.csv", 2),
    ]
    assert query(db, "SELECT code, value, file_name, source_row, replaced_by_load FROM rincian_history") == [
        ("mp_p2", 0.75, "rincian1.csv", 3, 2)
    ]


@pytest.mark.parametrize("order, mp, file", [(("a.csv", "b.csv"), 7.0, "b.csv"), (("b.csv", "a.csv"), 6.0, "a.csv")])
def test_later_file_wins_within_one_command(tmp_path, db, order, mp, file):
    files = {
        "a.csv": write_csv(tmp_path, "a.csv", f"{HEADER_90}\n{ROW_90}\n"),
        "b.csv": write_csv(
            tmp_path, "b.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,{S}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n"
        ),
    }
    code, out = load([files[name] for name in order], db)
    assert code == 0, out
    assert query(
        db, "SELECT s.mp, p.file_name FROM scores s JOIN provenance p USING (unit_id, year, stage) WHERE s.unit = 'Inspektorat'"
    ) == [(mp, file)]
    assert query(db, "SELECT count(*) FROM scores") == [(2,)]


def test_ledger_records_files_hashes_rows_rubrics_time(tmp_path, db):
    a = write_csv(tmp_path, "a.csv", f"{HEADER_90}\n{ROW_90}\n62,Bappeda,2023,TPI,{S}\n")
    b = write_csv(tmp_path, "b.csv", f"{HEADER_52.replace(',', ';')}\n62;Inspektorat;2020;TPI;4;4;12;8;12;8;16;15\n")
    started = dt.datetime.now()
    assert load([a, b], db)[0] == 0
    c = write_csv(tmp_path, "c.csv", f"{HEADER_90}\n62,Biro Umum,2024,SA,{S}\n")
    assert load(c, db)[0] == 0
    ledger = query_dicts(db, "SELECT * FROM load_history ORDER BY load_id")
    assert [(r["load_id"], r["files"], r["file_rows"], r["rekap_added"], r["rekap_replaced"]) for r in ledger] == [
        (1, "a.csv, b.csv", 3, 3, 0),
        (2, "c.csv", 1, 1, 0),
    ]
    assert all(started - dt.timedelta(seconds=1) <= r["loaded_at"] <= dt.datetime.now() for r in ledger)
    assert ledger[0]["rules_version"] == load_rules().version
    details = {d["file_name"]: d for d in ledger[0]["file_details"]}
    assert details["a.csv"]["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    assert details["b.csv"]["sha256"] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert (details["a.csv"]["rows"], details["b.csv"]["rows"]) == (2, 1)
    assert (details["a.csv"]["rubrics"], details["b.csv"]["rubrics"]) == ("permen90-2021", "permen52-2014")
    assert json.loads(details["b.csv"]["dialect"]) == {"format": "csv", "encoding": "utf-8", "delimiter": ";", "header_row": 1}


def test_mixed_rubrics_in_one_file_recorded(tmp_path, db):
    text = f"{HEADER_90},hasil_bersih,hasil_pelayanan\n{ROW_90},,\n62,Inspektorat,2020,TPI,4,4,12,8,12,8,,,,16,15\n"
    assert load(write_csv(tmp_path, "campur.csv", text), db)[0] == 0
    assert query(db, "SELECT file_details[1].rubrics FROM load_history") == [("permen52-2014, permen90-2021",)]


def test_missing_path_exit_2(tmp_path, db):
    code, out = load(tmp_path / "tidak-ada.csv", db)
    assert code == 2
    assert "tidak-ada.csv: file atau folder tidak ditemukan" in out
    assert not db.exists()


def test_missing_path_among_good_ones_exit_2_and_nothing_loaded(tmp_path, db):
    good = write_csv(tmp_path, "a.csv", f"{HEADER_90}\n{ROW_90}\n")
    code, _ = load([good, tmp_path / "hilang"], db)
    assert code == 2
    assert not db.exists()


def test_wrong_usage_exit_2(db):
    assert run_cli("load")[0] == 2
    assert run_cli("hapus", "x")[0] == 2


def test_folder_loads_csv_and_xlsx_and_warns_about_others(tmp_path, db):
    folder = tmp_path / "masuk"
    write_csv(folder, "a.csv", f"{HEADER_90}\n{ROW_90}\n")
    book = openpyxl.Workbook()
    book.active.append(HEADER_90.split(","))
    book.active.append([62, "Bappeda", 2023, "TPI", 6, 5, 8, 8, 12, 8, 16, 4, 15])
    book.save(folder / "b.xlsx")
    (folder / "README.md").write_text("catatan", encoding="utf-8")
    (folder / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "sub").mkdir()
    code, out = load(folder, db)
    assert code == 0, out
    assert "PERINGATAN: README.md: bukan file CSV/XLSX/JSON; dilewati" in out
    assert "PERINGATAN: foto.png: bukan file CSV/XLSX/JSON; dilewati" in out
    assert query(db, "SELECT unit, file_name FROM provenance ORDER BY unit") == [("Bappeda", "b.xlsx"), ("Inspektorat", "a.csv")]


def test_empty_folder_exit_2(tmp_path, db):
    (tmp_path / "kosong").mkdir()
    assert load(tmp_path / "kosong", db)[0] == 2


# -- atomicity --------------------------------------------------------------------------------------
def scores_state(db: Path) -> tuple[int, str]:
    """(row count, sha256 of every scores row in order), read through a read-only connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT * FROM scores ORDER BY ALL").fetchall()
    finally:
        con.close()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def write_big_csv(path: Path, rows: int, mp: str) -> Path:
    """`rows` valid 90/2021 rows: 38 provinces x units 'Unit n', 2023 TPI."""
    with open(ROOT / "data" / "provinces.csv", encoding="utf-8") as fh:
        codes = [r["kode_kemendagri"] for r in csv.DictReader(fh)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER_90.split(","))
        for i in range(rows):
            out.writerow([codes[i % len(codes)], f"Unit {i // len(codes)}", 2023, "TPI", mp, 5, 8, 8, 12, 8, 16, 4, 15])
    return path


def start_load(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(path), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def kill_after(path: Path, db: Path, delay: float) -> None:
    process = start_load(path, db)
    time.sleep(delay)
    assert process.poll() is None, f"the load ended before {delay} s; use a bigger file"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def kill_at_commit(path: Path, db: Path) -> None:
    """Kill the load as soon as its copy's write-ahead log or file grows: the commit and checkpoint,
    just before the swap (the transaction only writes them at COMMIT)."""
    wal = db.with_name(db.name + ".loading.wal")
    copy = db.with_name(db.name + ".loading")
    process = start_load(path, db)
    first: dict[Path, int] = {}
    while process.poll() is None:
        grew = False
        for file in (wal, copy):
            try:
                size = file.stat().st_size
            except FileNotFoundError:
                continue
            grew |= size > first.setdefault(file, size)
        if grew:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the load ended before it could be killed at its commit"


def test_killed_load_leaves_old_warehouse(tmp_path, db):
    assert load(write_csv(tmp_path, "awal.csv", f"{HEADER_90}\n{ROW_90}\n"), db)[0] == 0
    before = scores_state(db)
    assert before[0] == 1
    big = write_big_csv(tmp_path / "besar.csv", 100_000, "6")

    for delay in (0.05, 0.2, 0.5, 0.8):
        kill_after(big, db, delay)
        assert scores_state(db) == before, f"after a kill at {delay} s"

    # killed during its commit/checkpoint: the live file is the old one, or (killed after the atomic
    # rename) the complete new one; never anything between
    kill_at_commit(big, db)
    count, _ = scores_state(db)
    if count != 1:
        assert count == 100_001
        assert query(db, "SELECT sum(total), max(load_id) FROM scores JOIN provenance USING (unit_id, year, stage)") == [
            (82.0 * 100_001, 2)
        ]
    else:
        assert scores_state(db) == before

    # the stale copy of a killed load is no obstacle: the next load goes through and tidies up
    code, out = load(write_csv(tmp_path, "lagi.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,{S}\n"), db)
    assert code == 0, out
    assert no_staging_left(db)
    assert query(db, "SELECT count(*) FROM scores WHERE unit = 'Bappeda' AND province_code = 62") == [(1,)]


def test_failing_publish_leaves_old_warehouse(tmp_path, loaded_db, monkeypatch):
    before = sha256_of(loaded_db)
    state = scores_state(loaded_db)
    path = write_csv(
        tmp_path, "baru.csv", f"{HEADER_90}\n62,Inspektorat,2023,TPI,7,5,8,8,12,8,16,4,15\n62,Bappeda,2023,TPI,{S}\n"
    )
    real_publish = etl.write.warehouse.publish

    def publish_then_fail(con, *args, **kwargs):
        con.execute("CHECKPOINT")  # the copy is complete on disk; the swap never happens
        raise OSError("disk penuh")

    monkeypatch.setattr(etl.write.warehouse, "publish", publish_then_fail)
    with pytest.raises(OSError, match="disk penuh"):
        run([(path, "baru.csv")], loaded_db, write=True)
    assert sha256_of(loaded_db) == before
    assert scores_state(loaded_db) == state
    assert no_staging_left(loaded_db)

    # the lock was released and the same file loads normally afterwards
    monkeypatch.setattr(etl.write.warehouse, "publish", real_publish)
    report = run([(path, "baru.csv")], loaded_db, write=True)
    assert (report.written, report.rekap_added, report.rekap_replaced) == (True, 1, 1)


@pytest.mark.parametrize("step", ["create_views", "refresh_reference"])
def test_failing_step_leaves_old_warehouse(tmp_path, loaded_db, monkeypatch, step):
    before = sha256_of(loaded_db)
    path = write_csv(tmp_path, "baru.csv", f"{HEADER_90}\n62,Bappeda,2023,TPI,{S}\n")

    def broken(*args, **kwargs):
        raise RuntimeError(f"{step} gagal")

    monkeypatch.setattr(etl.write.warehouse, step, broken)
    with pytest.raises(RuntimeError):
        run([(path, "baru.csv")], loaded_db, write=True)
    assert sha256_of(loaded_db) == before
    assert no_staging_left(loaded_db)


def test_refused_load_on_new_path_creates_no_warehouse(tmp_path, db):
    code, _ = load(write_csv(tmp_path, "salah.csv", f"{HEADER_90}\n62,Inspektorat,2023,XYZ,{S}\n"), db)
    assert code == 1
    assert not db.exists()
    assert no_staging_left(db)

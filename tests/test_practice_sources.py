"""Sources of good practices (praktik baik): the ETL refuses a practice whose `sumber` is empty or
names a file instead of a public source, with a located problem like its other refusals; the seed
file cites the public news report of the December 2024 visit (lke-zi.md section 7), not a path.

Every practice file the ETL loads goes through the same check (`etl/check/practices.py`), so these
files stand for all of them: each case is a tiny file written here, loaded through the CLI.
"""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT, load, problem_lines, query, sha256_of, write_csv

HEADER = "provinsi,tahun,praktik,sumber"
REPORT_TITLE = "Pemprov Kalteng Kaji Tiru Pembangunan Zona Integritas dari Pemprov Jawa Barat"
PUBLICATION = "KaltengTerkini.co.id"


@pytest.fixture
def db(tmp_path):
    """A warehouse that already holds one practice, so a refusal can be seen to change nothing."""
    source = write_csv(tmp_path, "awal.csv", f"{HEADER}\n32,2024,Rapat koordinasi rutin,Berita kunjungan 4 Desember 2024\n")
    path = tmp_path / "wh" / "zi.duckdb"
    code, out = load(source, path)
    assert code == 0, out
    return path


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-", "sumber kosong"),
        ("–", "sumber kosong"),
        ("...", "sumber kosong"),
        ("shared/reference/lke-zi.md bagian 7", "path berkas"),
        ("Kaji tiru 4 Desember 2024 (shared/reference/lke-zi.md bagian 7)", "path berkas"),
        ("catatan_kunjungan.docx", "path berkas"),
        (r"C:\Users\inspektorat\Documents\kaji tiru.xlsx", "path berkas"),
        ("/home/inspektorat/catatan", "path berkas"),
        ("../data/praktik_baik.csv", "path berkas"),
        ("file:///tmp/catatan.txt", "path berkas"),
    ],
)
def test_a_source_that_is_empty_or_a_file_is_refused_where_it_is(db, tmp_path, value, reason):
    before = sha256_of(db)
    quoted = '"' + value.replace('"', '""') + '"'
    path = write_csv(
        tmp_path,
        "praktik_kunjungan.csv",
        f"{HEADER}\n32,2024,Praktik yang baik,Laporan kunjungan Desember 2024\n32,2024,Praktik lain,{quoted}\n",
    )
    code, out = load(path, db)
    assert code == 1, out
    lines = problem_lines(out, path.name)
    assert len(lines) == 1, out  # the good row above it is no problem
    located = "praktik_kunjungan.csv, baris 3, kolom 'sumber', nilai '"
    assert lines[0].startswith(located + value[:40]), lines[0]  # the report shortens a long value
    assert reason in lines[0] and "judul, penerbit, dan tanggal" in lines[0]
    assert sha256_of(db) == before


def test_a_blank_source_is_refused_as_missing(db, tmp_path):
    path = write_csv(tmp_path, "praktik_kosong.csv", f'{HEADER}\n32,2024,Praktik,"   "\n')
    code, out = load(path, db)
    assert code == 1 and problem_lines(out, path.name) == ["praktik_kosong.csv, baris 2, kolom 'sumber': sumber wajib diisi"], out


@pytest.mark.parametrize(
    "value",
    [
        "“Judul berita”, KaltengTerkini.co.id, 5 Desember 2024, https://kaltengterkini.co.id/2024/12/05/judul-berita/",
        "Laporan hasil evaluasi, https://inspektorat.example.go.id/lhe/2024/laporan.pdf",
        "www.example.go.id/berita/praktik-baik.pdf",
        "Lampiran PermenPANRB 90/2021, penyampaian LHKPN/LHKASN",
        "Catatan kunjungan Inspektorat Kalteng, 4 Desember 2024",
    ],
)
def test_a_public_citation_loads_slashes_and_all(db, tmp_path, value):
    quoted = '"' + value.replace('"', '""') + '"'
    path = write_csv(tmp_path, "praktik_baik_kunjungan.csv", f"{HEADER}\n32,2024,Praktik yang baik,{quoted}\n")
    code, out = load(path, db)
    assert code == 0, out
    assert query(db, "SELECT source FROM practices WHERE practice = 'Praktik yang baik'") == [(value,)]


def test_the_seed_practices_cite_the_public_report(tmp_path):
    """Each seed practice names the report (title, publication, date), none a file of ours; the
    warehouse keeps the source exactly as written."""
    seed = ROOT / "data" / "praktik_baik.csv"
    rows = list(csv.DictReader(seed.open(encoding="utf-8")))
    assert rows
    for row in rows:
        source = row["sumber"]
        assert REPORT_TITLE in source and PUBLICATION in source and "Desember 2024" in source, source
        assert "lke-zi.md" not in source and "shared/" not in source, source
    db = tmp_path / "zi.duckdb"
    code, out = load(seed, db)
    assert code == 0, out
    assert sorted(s for (s,) in query(db, "SELECT source FROM practices")) == sorted(r["sumber"] for r in rows)

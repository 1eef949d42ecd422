"""`python -m etl export` and the dashboard's dataset mode (`ZI_DATASET`, zi.query.dataset).

One warehouse is built for the module by the ETL from the bundled sample, the seed good practices
and a correction file (so the history views have a replaced row and a second load), then exported.
The export must hold every relation the pages read, laid out Hive-style for other engines, with the
same rows as the DuckDB file; every named query must return the same frame on both; every page must
render on the dataset; the dataset connection must read its own files and nothing else; and a new
export must be published atomically, keeping the previous one for readers still on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from etl.write import export as export_module
from tests.conftest import run_cli
from zi.present.labels import SAMPLE_NOTICE
from zi.query import dataset
from zi.query.db import QUERY_DIR, NotASelect, Warehouse

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py"))

# A correction of one sample row (only `catatan`, so sub-area sums stay valid) and one new unit.
# Proposals of Jawa Barat 2025 (units with a TPI score there), so the PortalRB queries compare rows.
PROPOSALS = (
    "provinsi,instansi,unit_kerja,tahun,kategori,afirmasi\n"
    "Jawa Barat,Pemprov Jawa Barat,Dinas Pariwisata dan Kebudayaan,2025,WBK,\n"
    "Jawa Barat,Pemprov Jawa Barat,Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu,2025,WBBM,\n"
)
CORRECTION = (
    "provinsi;instansi;unit_kerja;jenis_unit;tahun;tahap;mp;tt;sdm;ak;pw;pp;ipak;ck;ipkp;predikat;catatan\n"
    "Kalteng;Pemprov Kalimantan Tengah;Badan Kesatuan Bangsa dan Politik;Badan;2023;SA;4,16;4,07;6,24;5,07;8,46;4,37;12,76;2,41;13,48;;koreksi uji ekspor\n"
    "Kalteng;Pemprov Kalimantan Tengah;Dinas Uji Ekspor;Dinas;2024;TPI;6;5;8;8;12;8;16;4;15;;\n"
)


def etl(*args: object) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ZI_DB", "ZI_DATASET")}
    return subprocess.run(
        [sys.executable, "-m", "etl", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse file, published export folder)."""
    base = tmp_path_factory.mktemp("ekspor")
    db = base / "zi.duckdb"
    (base / "usulan.csv").write_text(PROPOSALS, encoding="utf-8")
    result = etl("load", ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv", base / "usulan.csv", "--db", db)
    assert result.returncode == 0, result.stdout + result.stderr
    (base / "koreksi.csv").write_text(CORRECTION, encoding="utf-8")
    result = etl("load", base / "koreksi.csv", "--db", db)
    assert result.returncode == 0 and "1 diganti" in result.stdout, result.stdout + result.stderr
    out = base / "dataset"
    result = etl("export", "--db", db, "--out", out)
    assert result.returncode == 0 and result.stdout.startswith("SELESAI"), result.stdout + result.stderr
    return db, out


@pytest.fixture(scope="module")
def both(built):
    db, out = built
    file, parquet = Warehouse.open(db), Warehouse.open_dataset(str(out))
    yield file, parquet
    file.close()
    parquet.close()


# -- layout ---------------------------------------------------------------------------------------
def test_export_is_a_hive_partitioned_parquet_dataset_with_a_manifest(built):
    _db, out = built
    assert out.is_symlink() and (out / dataset.MANIFEST).is_file()
    manifest = json.loads((out / dataset.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["relations"]) == set(dataset.RELATIONS)
    assert manifest["source"]["load_id"] == 2 and len(manifest["source"]["sha256"]) == 64
    assert manifest["rules_version"] and manifest["exported_at"]
    partitions = {p.parent.relative_to(out / "scores").as_posix() for p in (out / "scores").rglob("*.parquet")}
    assert "province_code=62/year=2024" in partitions and all(
        re.fullmatch(r"province_code=\d+/year=\d{4}", p) for p in partitions
    )
    assert (out / "value_history" / "province_code=62" / "year=2023").is_dir()  # derived from unit_id
    for name in dataset.SINGLE:
        assert manifest["relations"][name]["files"] == [f"{name}/{name}.parquet"]


def test_parquet_files_use_plain_types_and_leave_partition_columns_to_the_path(built):
    _db, out = built
    for path in out.rglob("*.parquet"):
        schema = pq.read_schema(path)
        for column in schema:
            assert not str(column.type).startswith(("map", "dense_union", "sparse_union", "decimal256")), (path, column)
        if "=" in path.parent.name:  # Spark refuses a column that is both in the file and in the path
            assert "province_code" not in schema.names and "year" not in schema.names, path
    history = pq.read_schema(out / "load_history" / "load_history.parquet")
    assert str(history.field("file_rows").type) == "int64"  # HUGEINT in DuckDB, BIGINT in Parquet


def test_plain_read_parquet_has_the_rows_and_checksum_of_the_duckdb_file(built):
    """Independent of zi.query.dataset: what Spark or Trino users would do, with DuckDB."""
    db, out = built
    key = "unit_id, year::INTEGER, stage, total, pengungkit, wbk_eligible, wbbm_eligible, predikat"
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
        expected = con.execute(f"SELECT count(*), sum(hash({key})), sum(total) FROM w.scores").fetchone()
        got = con.execute(
            f"SELECT count(*), sum(hash({key})), sum(total) "
            f"FROM read_parquet('{out}/scores/**/*.parquet', hive_partitioning = true)"
        ).fetchone()
        assert got[:2] == expected[:2] and got[2] == pytest.approx(expected[2], rel=1e-12)
        assert expected[0] == 953  # 952 sample rows + the new unit
        for name in dataset.PARTITIONED:
            rows = con.execute(f"SELECT count(*) FROM w.{name}").fetchone()[0]
            pattern = f"{out}/{name}/**/*.parquet"
            assert (
                con.execute(f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)").fetchone()[0] == rows
            ), name
        pruned = con.execute(
            f"EXPLAIN ANALYZE SELECT count(*) FROM read_parquet('{out}/scores/**/*.parquet', "
            "hive_partitioning = true) WHERE province_code = 62 AND year = 2024"
        ).fetchall()[0][1]
        assert re.search(r"Total Files Read: 1\b", pruned), pruned  # one partition file, not all of them
    finally:
        con.close()


# -- the dashboard on the dataset -----------------------------------------------------------------
def query_params(file: Warehouse) -> dict:
    """A value for every parameter the named queries take (a new parameter must be added here)."""
    unit = file.query("unit_scores", unit_id="62:pemprov kalimantan tengah:badan kesatuan bangsa dan politik")
    assert not unit.empty
    return {
        "year": 2023,
        "stage": "TPI",
        "scope": "semua",
        "provinces": [62, 32],
        "predicate": "WBK",
        "unit_id": unit["unit_id"].iat[0],
        "load_id": 2,
        "area": "MP",
        "exclude_provinces": [62],
        "learner_unit": "Badan Kesatuan Bangsa dan Politik",
        "learner_jenis": "Badan",
        "stopwords": ["dinas", "badan"],
        "recent_years": 4,
        "improve_scale": 10.0,
        "w_strength": 1.0,
        "w_similar": 2.0,
        "w_improve": 0.5,
        "w_predicate": 0.75,
        "limit": 8,
        "year_from": 2022,
        "year_to": 2024,
        "codes": ["MP-P1-b", "CK", "PW-R2-a"],
        "learner_province": 62,
        "learner_unit_id": unit["unit_id"].iat[0],
        "per_item": 3,
        "index_kind": "INDEKS_0_4",
        "code": "MP-P4-a",
        "every": True,
        "instansi": ["pemprov jawa barat"],
        "stable_id": "UNIT-32-017",
        "province": 32,
    }


# The queries of the LKE's items, asked of a year the sample's LKE files answer (and so not vacuously equal).
ITEM_QUERIES = ("unit_answers", "item_gaps", "item_shares", "item_peers", "item_calibration", "tpi_corrections")
ITEM_YEAR = 2025


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (ties in a query's ORDER BY may come back in either order)."""
    keys = frame.astype(str)
    return frame.iloc[keys.sort_values(list(keys.columns)).index].reset_index(drop=True) if len(frame.columns) else frame


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERY_DIR.glob("*.sql")))
def test_every_query_returns_the_same_frame_on_file_and_dataset(both, name):
    file, parquet = both
    pool = query_params(file)
    wanted = set(re.findall(r"\$([a-z_]+)", (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")))
    assert wanted <= set(pool), f"tambahkan nilai uji untuk parameter {sorted(wanted - set(pool))} dari {name}.sql"
    params = {k: pool[k] for k in wanted} | ({"year": ITEM_YEAR} if name in ITEM_QUERIES and "year" in wanted else {})
    expected, got = file.query(name, **params), parquet.query(name, **params)
    assert name not in ITEM_QUERIES or not expected.empty, name
    assert list(got.columns) == list(expected.columns)
    assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))
    pd.testing.assert_frame_equal(canonical(got), canonical(expected), check_exact=False, rtol=1e-9)


def test_the_history_queries_compare_something(both):
    """The equality above is not vacuous for the load pages: a replaced row and added rows exist."""
    _file, parquet = both
    assert len(parquet.query("load_replaced", load_id=2, limit=100)) == 2  # old and new side of the corrected row
    assert len(parquet.query("load_added", load_id=2, limit=100)) == 1
    assert len(parquet.query("load_history")) == 2


def test_what_portalrb_receives_is_the_same_on_the_dataset(both):
    """The PortalRB payloads (zi.portalrb.payload) compare real rows: two proposals, one unit's 127 answers."""
    from zi.portalrb import payload

    results = []
    for wh in both:
        year = payload.proposal_year(wh)
        _unit, proposal = payload.unit(wh, "UNIT-32-017", year)
        results.append(
            (payload.proposals(wh, "WBK", year), payload.proposals(wh, "WBBM", year), payload.answers(wh, proposal, year))
        )
    assert results[0] == results[1]
    wbk, wbbm, answers = results[0]
    assert [u["id"] for u in wbk["units"] + wbbm["units"]] == ["UNIT-32-017", "UNIT-32-020"]
    assert len(answers["answers"]) == 127 and answers["answers"][0]["jawaban_unit"] == "Ya"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_dataset(built, page, monkeypatch, tmp_path):
    _db, out = built
    absent = tmp_path / "tidak_ada.duckdb"
    monkeypatch.setenv("ZI_DATASET", str(out))
    monkeypatch.setenv("ZI_DB", str(absent))
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and not at.error, [e.value for e in at.error]
    assert any(SAMPLE_NOTICE in w.value for w in at.warning)
    assert not absent.exists()  # no sample warehouse was built: the dataset is the data


def test_a_missing_dataset_is_said_in_indonesian_on_the_page(monkeypatch, tmp_path):
    monkeypatch.setenv("ZI_DATASET", str(tmp_path / "tidak_ada"))
    at = AppTest.from_file(str(ROOT / "pages/dasbor/ringkasan.py"), default_timeout=60).run()
    assert not at.exception
    assert "tidak ditemukan" in at.error[0].value and "python -m etl export" in at.error[0].value


# -- hardening ------------------------------------------------------------------------------------
def test_dataset_connection_reads_its_files_and_nothing_else(built, tmp_path):
    _db, out = built
    outside = tmp_path / "luar.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    con, _version = dataset.connect(str(out))
    snapshot = os.path.realpath(out)
    try:
        assert con.execute("SELECT count(*) FROM scores WHERE province_code = 62 AND year = 2024").fetchone()[0] > 0
        refused = [
            "SELECT * FROM read_csv('/etc/passwd')",
            f"SELECT * FROM read_csv('{outside}')",
            f"SELECT * FROM read_text('{snapshot}/{dataset.MANIFEST}')",  # inside the folder, not a listed file
            f"SELECT * FROM read_parquet('{snapshot}/scores/**/*.parquet')",  # globbing is not listed either
            f"COPY (SELECT 1 AS x) TO '{snapshot}/scores/tambahan.parquet' (FORMAT parquet)",
            f"ATTACH '{tmp_path / 'lain.duckdb'}' AS lain",
            "CREATE TABLE scores_copy AS SELECT * FROM scores",
            "CREATE OR REPLACE VIEW scores AS SELECT 1 AS x",
            "SET enable_external_access = true",
            "SET allowed_paths = ['/etc/passwd']",
            "INSTALL httpfs",
        ]
        for statement in refused:
            with pytest.raises(duckdb.Error):
                con.execute(statement).fetchall()
        assert not (Path(snapshot) / "scores" / "tambahan.parquet").exists()
    finally:
        con.close()


def test_dataset_warehouse_runs_only_a_single_select(built):
    """The dataset mode goes through the same choke point: the in-memory ATTACH its settings allow is refused."""
    _db, out = built
    con, _version = dataset.connect(str(out))
    try:
        con.execute("ATTACH ':memory:' AS probe")  # what the settings alone let through
    finally:
        con.close()
    wh = Warehouse.open_dataset(str(out))
    try:
        with pytest.raises(NotASelect):
            wh.execute("ATTACH ':memory:' AS other")
        assert "other" not in set(wh.execute("SELECT database_name FROM duckdb_databases()")["database_name"])
        assert wh.query("years_available")["year"].tolist()
    finally:
        wh.close()


def test_a_tampered_manifest_is_refused_before_any_sql(built, tmp_path):
    _db, out = built
    manifest = json.loads((out / dataset.MANIFEST).read_text(encoding="utf-8"))
    for tamper, expected in (
        (lambda m: m["relations"]["meta"].update(files=["meta/../../../etc/passwd.parquet"]), "tidak sah"),
        (lambda m: m["relations"]["meta"]["columns"][0].update(name='key" FROM x; --'), "tidak sah"),
        (lambda m: m["relations"].pop("scores"), "tidak lengkap"),
        (lambda m: m.update(format=99), "format"),
    ):
        changed = json.loads(json.dumps(manifest))
        tamper(changed)
        with pytest.raises(dataset.DatasetError, match=expected):
            dataset.parse_manifest(json.dumps(changed), "uji")


def test_object_storage_without_httpfs_gives_a_clear_message():
    probe = duckdb.connect()
    try:
        probe.execute("LOAD httpfs")
        pytest.skip("httpfs terpasang di mesin ini: pesan ketiadaannya tidak dapat diuji")
    except duckdb.Error:
        pass
    finally:
        probe.close()
    with pytest.raises(dataset.DatasetError, match="httpfs"):
        dataset.connect("s3://contoh-bucket/zi")


# -- publishing -----------------------------------------------------------------------------------
def test_a_new_export_is_swapped_in_and_the_previous_kept_for_its_readers(built, tmp_path):
    db, _out = built
    out = tmp_path / "ds"
    assert run_cli("export", "--db", db, "--out", out)[0] == 0
    first = Path(os.path.realpath(out))
    reader = Warehouse.open_dataset(str(out))
    try:
        before = dataset.version(str(out))
        assert run_cli("export", "--db", db, "--out", out)[0] == 0
        second = Path(os.path.realpath(out))
        assert second != first and first.is_dir()  # the previous export stays for open readers
        assert dataset.version(str(out)) != before  # the dashboard's caches key on this
        assert len(reader.query("provinces_available")) > 0  # a reader opened before the swap still works
        assert run_cli("export", "--db", db, "--out", out)[0] == 0
        assert not first.exists() and second.is_dir()  # only the newest two are kept
    finally:
        reader.close()
    siblings = sorted(p.name for p in tmp_path.iterdir())
    assert siblings == sorted(["ds", second.name, Path(os.path.realpath(out)).name])


def test_a_failed_check_publishes_nothing(built, tmp_path, monkeypatch):
    db, _out = built
    out = tmp_path / "ds"
    assert run_cli("export", "--db", db, "--out", out)[0] == 0
    published = os.readlink(out)

    def damaged(snapshot, manifest):
        raise export_module.ExportError("checksum berbeda (uji)")

    monkeypatch.setattr(export_module, "_verify", damaged)
    code, output = run_cli("export", "--db", db, "--out", out)
    assert code == 1 and "DITOLAK" in output
    assert os.readlink(out) == published
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["ds", published])  # the half export is gone


def test_export_refuses_a_missing_warehouse_and_a_folder_of_other_files(built, tmp_path):
    db, _out = built
    code, output = run_cli("export", "--db", tmp_path / "tidak_ada.duckdb", "--out", tmp_path / "ds")
    assert code == 2 and "tidak ditemukan" in output and not (tmp_path / "ds").exists()
    other = tmp_path / "dokumen"
    other.mkdir()
    (other / "penting.txt").write_text("jangan dihapus", encoding="utf-8")
    code, output = run_cli("export", "--db", db, "--out", other)
    assert code == 2 and "tidak ditimpa" in output
    assert (other / "penting.txt").read_text(encoding="utf-8") == "jangan dihapus" and not other.is_symlink()

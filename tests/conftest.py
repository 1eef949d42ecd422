"""Shared fixtures for the ETL tests: the rules, tiny input files, the CLI, and a read-only warehouse.

Helpers are plain functions (importable from here) and are also offered as session-scoped fixtures,
so hypothesis tests can use them without the function-scoped-fixture health check. Every input file
is written by a test from a few readable lines; one fixture, `sample_wh`, is the bundled sample's
warehouse (built once per session) for the tests of what a meeting makes of realistic data.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run from anywhere still imports etl and zi of this checkout
    sys.path.insert(0, str(ROOT))

from etl.__main__ import main  # noqa: E402
from zi.domain.rules import load_rules  # noqa: E402
from zi.query.db import Warehouse  # noqa: E402

# Columns of a 90/2021 rekap row, and one valid row per rubric that tests copy and change.
# 90/2021: pengungkit 6+5+8+8+12+8 = 47, hasil 16+4+15 = 35, total 82.
HEADER_90 = "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp"
ROW_90 = "62,Inspektorat,2023,TPI,6,5,8,8,12,8,16,4,15"
# 52/2014: pengungkit 4+4+12+8+12+8 = 48, hasil 16+15 = 31, total 79.
HEADER_52 = "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,hasil_bersih,hasil_pelayanan"
ROW_52 = "62,Inspektorat,2020,TPI,4,4,12,8,12,8,16,15"


def write_csv(tmp_path: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write `text` (lines joined by '\\n' in the source) as `name`, in `encoding`, with `newline`."""
    path = Path(tmp_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def run_cli(*argv: object) -> tuple[int, str]:
    """`python -m etl ARGV` in this process: (exit status, everything printed on stdout and stderr)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse usage errors
            code = exit_.code
    return code, out.getvalue()


def load(paths, db: Path) -> tuple[int, str]:
    """`python -m etl load PATHS --db DB`: (exit status, captured output)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run_cli("load", *paths, "--db", db)


def check(paths) -> tuple[int, str]:
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run_cli("check", *paths)


def query(db: Path, sql: str, params=None) -> list[tuple]:
    """Rows of `sql` on the warehouse `db`, opened read-only (as the dashboard opens it)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def query_dicts(db: Path, sql: str, params=None) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def problem_lines(output: str, file_name: str) -> list[str]:
    """The report's problem lines about `file_name` (not its 'N baris (...)' summary line)."""
    summary = re.compile(re.escape(file_name) + r": \d+ baris \(")
    return [
        line for line in output.splitlines() if line.startswith((f"{file_name}, ", f"{file_name}: ")) and not summary.match(line)
    ]


@pytest.fixture(scope="session", autouse=True)
def default_db_elsewhere(tmp_path_factory):
    """`check` (and a load without --db) use $ZI_DB: keep tests away from data/zi.duckdb."""
    previous = os.environ.get("ZI_DB")
    os.environ["ZI_DB"] = str(tmp_path_factory.mktemp("standar") / "zi.duckdb")
    yield
    if previous is None:
        os.environ.pop("ZI_DB", None)
    else:
        os.environ["ZI_DB"] = previous


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session", name="write_csv")
def write_csv_fixture():
    return write_csv


@pytest.fixture(scope="session", name="load")
def load_fixture():
    return load


@pytest.fixture(scope="session", name="query")
def query_fixture():
    return query


@pytest.fixture(scope="session")
def sample_wh(tmp_path_factory):
    """The bundled sample and the seed practices loaded through the ETL, opened read-only as the dashboard does."""
    db = tmp_path_factory.mktemp("sample") / "zi.duckdb"
    code, out = load([ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv"], db)
    assert code == 0, out
    wh = Warehouse.open(db)
    yield wh
    wh.close()


@pytest.fixture
def db(tmp_path) -> Path:
    """Path of a warehouse that does not exist yet."""
    return tmp_path / "wh" / "zi.duckdb"


@pytest.fixture
def loaded_db(tmp_path) -> Path:
    """A warehouse holding one 90/2021 row and one 52/2014 row (Inspektorat, Kalteng)."""
    source = write_csv(
        tmp_path / "base",
        "awal.csv",
        f"{HEADER_90},hasil_bersih,hasil_pelayanan\n{ROW_90},,\n62,Inspektorat,2020,TPI,4,4,12,8,12,8,,,,16,15\n",
    )
    path = tmp_path / "wh" / "zi.duckdb"
    code, out = load(source, path)
    assert code == 0, out
    return path

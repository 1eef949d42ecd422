"""Warehouses for the dashboard tests (test_queries, test_pages, test_e2e, test_docs), built by the ETL.

Used as a plugin (`pytest_plugins = ["dashboard_fixtures"]`), so each warehouse is built once per run:

- `fixture_db`: the tiny hand-made rekap files in `tests/fixtures/dashboard/` (the values and the
  arithmetic behind every expected number are in `tests/fixtures/dashboard/README.md`);
- `sample_db`: the bundled generated sample `data/sample/` (what a first start shows, *data contoh*).

Both are built with `python -m etl load ... --db TMP` in a subprocess, as a user would, so a change of
the ETL's in-process state cannot leak into the dashboard tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "dashboard"
FIXTURE_FILES = sorted(FIXTURE_DIR.glob("rekap_*.csv"))
SAMPLE_DIR = ROOT / "data" / "sample"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build_warehouse(sources: list[Path], db: Path) -> Path:
    """`python -m etl load SOURCES --db DB`; fails the test run with the ETL's report if refused."""
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "ZI_DB"}
    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", *map(str, sources), "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and db.exists(), f"etl load {sources} refused:\n{result.stdout}\n{result.stderr}"
    return db


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """Warehouse of the hand-made fixture: Kalteng (62), Jabar (32), Bali (51); 2023-2024; TPI, TPN."""
    return build_warehouse(FIXTURE_FILES, tmp_path_factory.mktemp("dasbor_fixture") / "zi.duckdb")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """Warehouse of the bundled sample (is_sample: the dashboard must say *data contoh*)."""
    return build_warehouse([SAMPLE_DIR], tmp_path_factory.mktemp("dasbor_sample") / "zi.duckdb")

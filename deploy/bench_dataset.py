"""Benchmark: export a warehouse to Parquet, then time the dashboard's queries on the DuckDB file and
on the dataset (local folder), as the dashboard runs them (zi.query.db.Warehouse). Figures go to
docs/performance.md with the machine they ran on.

    python deploy/bench_dataset.py /tmp/zi_national.duckdb [--out /tmp/zi_national_pq] [--repeat 5]

Prints the export's wall time, size and file count, the peak memory of the export process, the
time to open each kind of warehouse, and per query the median of `--repeat` runs on each (after
one unmeasured run, so both are measured warm: the OS page cache holds the files).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zi.query.db import Warehouse  # noqa: E402

# A unit with rows in every year of the national generator's output is looked up at run time.
QUERIES: dict[str, dict[str, object]] = {
    "province_summary": {"year": 2024, "stage": "TPI", "scope": "semua", "provinces": None},
    "unit_totals": {"year": 2024, "stage": "TPI", "scope": "semua", "provinces": [62, 32]},
    "area_achievement": {"year": 2024, "stage": "TPI", "scope": "semua", "provinces": [62, 32]},
    "gap_units": {"year": 2024, "stage": "TPI", "predicate": "WBK", "scope": "semua", "provinces": [62, 32]},
    "province_trend": {"stage": "TPI", "scope": "semua", "provinces": [62, 32]},
    "unit_scores": {"unit_id": None},
    "unit_items": {"unit_id": None, "year": 2024},
}


def timed(function, repeat: int) -> float:
    function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    out = args.out or args.db.with_name(args.db.stem + "_pq")

    print(f"mesin: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "etl", "export", "--db", str(args.db), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        return 1
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    files = [p for p in Path(os.path.realpath(out)).rglob("*") if p.is_file()]
    print(
        f"ekspor: {seconds:.1f} s, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB, {len(files)} file, "
        f"puncak memori {peak:.0f} MB (warehouse {args.db.stat().st_size / 1e6:.1f} MB)"
    )

    started = time.perf_counter()
    file = Warehouse.open(args.db)
    opened_file = time.perf_counter() - started
    started = time.perf_counter()
    parquet = Warehouse.open_dataset(str(out))
    opened_parquet = time.perf_counter() - started
    print(f"membuka: file DuckDB {opened_file * 1000:.0f} ms, dataset {opened_parquet * 1000:.0f} ms")

    unit = file.query("unit_totals", **QUERIES["unit_totals"])["unit_id"].iat[0]
    print(f"{'kueri':<18} {'file (ms)':>10} {'dataset (ms)':>13} {'rasio':>6}")
    for name, params in QUERIES.items():
        params = {k: (unit if k == "unit_id" else v) for k, v in params.items()}
        on_file = timed(lambda: file.query(name, **params), args.repeat)  # noqa: B023 - called right here
        on_parquet = timed(lambda: parquet.query(name, **params), args.repeat)  # noqa: B023
        print(f"{name:<18} {on_file * 1000:>10.1f} {on_parquet * 1000:>13.1f} {on_parquet / on_file:>6.1f}")
    file.close()
    parquet.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

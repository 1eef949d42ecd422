"""Benchmark: the ETL's full load against bare DuckDB ingest of the same files, in the same run.

    python bench/etl_load.py DIR [--repeat 3]

DIR holds input files (e.g. from `python -m etl generate --out DIR --scale national`). Each side runs
in its own fresh process so its peak memory (max RSS) is its own:
- baseline: `CREATE TABLE AS SELECT * FROM read_csv(file)` for every CSV into a new DuckDB file;
- ETL: `python -m etl load DIR --db NEW` (read every dialect, validate every cell, write, swap).
Prints medians, the ratio ETL / baseline, rows per second, and peak memory. Nothing is asserted:
speed is measured here, behaviour is tested in tests/.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
for i, path in enumerate(sys.argv[2:]):
    con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}')")
con.close()
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB (fresh process; ru_maxrss of children is cumulative,
    so each call runs through a wrapper that reports only its own child)."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "s = time.perf_counter() - t\n"
        "sys.stderr.buffer.write(r.stderr[-2000:]) if r.returncode else None\n"
        "print(s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.returncode)\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, peak_mb, code = out.stdout.split()
    if code != "0":
        sys.exit(f"command failed: {' '.join(command)}\n{out.stderr}")
    return float(seconds), float(peak_mb)


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(str(p) for p in args.directory.glob("*.csv"))
    rows = sum(_lines(Path(f)) - 1 for f in files)
    size_mb = sum(Path(f).stat().st_size for f in files) / 1e6
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu?'}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"input: {len(files)} CSV files, {rows:,} data rows, {size_mb:.0f} MB")

    results: dict[str, list[tuple[float, float]]] = {"baseline": [], "etl": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            base_db, etl_db = Path(tmp) / f"base{run}.duckdb", Path(tmp) / f"etl{run}.duckdb"
            results["baseline"].append(timed([sys.executable, "-c", BASELINE, str(base_db), *files]))
            results["etl"].append(timed([sys.executable, "-m", "etl", "load", str(args.directory), "--db", str(etl_db)]))
    base = statistics.median(s for s, _ in results["baseline"])
    etl = statistics.median(s for s, _ in results["etl"])
    print(f"bare DuckDB read_csv : {base:6.2f} s  peak {max(m for _, m in results['baseline']):6.0f} MB")
    print(f"python -m etl load   : {etl:6.2f} s  peak {max(m for _, m in results['etl']):6.0f} MB")
    print(f"ratio ETL / bare     : {etl / base:6.2f}x   ({rows / etl:,.0f} rows/s through the ETL)")


if __name__ == "__main__":
    main()

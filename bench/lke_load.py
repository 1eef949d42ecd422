"""Benchmark: loading LKE workbooks through the ETL against the time a fast XLSX reader takes just to read
the same sheets' cells, in the same run.

    python -m etl generate --out /tmp/zi_lke_500 --scale lke --units 500        # a province's worth
    python -m etl generate --out /tmp/zi_lke --scale lke --units 20000          # the national set
    python bench/lke_load.py /tmp/zi_lke_500 [--repeat 3]

Each side runs in its own fresh process, so its peak memory (max RSS) is its own:
- floor: python-calamine opens every workbook and reads the cells of its LKE sheet (`LKE ZI`), one after
  the other, and nothing else;
- ETL: `python -m etl load DIR --db NEW`: finds the sheet by its headers, matches rows to the bank, reads
  every stage's answers, scores them by the rules, checks the workbook against itself, binds each file to
  its unit by the manifest, validates, writes score rows, sub-area values and item answers, swaps.
Prints medians, the ratio ETL / floor, workbooks per second, and peak memory. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from etl_load import timed  # the same fresh-process timing as the rekap benchmark

FLOOR = """
import sys
from pathlib import Path
import python_calamine
cells = 0
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("LKE ZI").to_python(skip_empty_area=False)
    cells += sum(len(r) for r in rows)
print(cells, file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workbooks = sorted(args.directory.glob("*.xlsx"))
    size_mb = sum(p.stat().st_size for p in workbooks) / 1e6
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"input: {len(workbooks)} LKE workbooks, {size_mb:.0f} MB, with lke_daftar.csv")
    floor, etl = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):  # alternating, so a drift of the machine touches both sides alike
            floor.append(timed([sys.executable, "-c", FLOOR, str(args.directory)]))
            etl.append(
                timed([sys.executable, "-m", "etl", "load", str(args.directory), "--db", str(Path(tmp) / f"lke{run}.duckdb")])
            )
    base = statistics.median(s for s, _ in floor)
    load = statistics.median(s for s, _ in etl)
    print(
        f"calamine, cells only : {base:7.2f} s  peak {max(m for _, m in floor):6.0f} MB   (runs: {', '.join(f'{s:.1f}' for s, _ in floor)})"
    )
    print(
        f"python -m etl load   : {load:7.2f} s  peak {max(m for _, m in etl):6.0f} MB   (runs: {', '.join(f'{s:.1f}' for s, _ in etl)})"
    )
    print(f"ratio ETL / floor    : {load / base:7.2f}x   ({len(workbooks) / load:,.0f} workbooks/s through the ETL)")


if __name__ == "__main__":
    main()

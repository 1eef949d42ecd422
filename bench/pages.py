"""Benchmark: the server-side run time of every dashboard page (Streamlit AppTest, no browser), against
a bare page that renders one Plotly chart from a tiny DataFrame, measured in the same run.

    python bench/pages.py [--runs 7] [--pages ringkasan bandingkan ...] [--queries]
    ZI_DB=/tmp/zi_national.duckdb python bench/pages.py          # national scale

The warehouse is $ZI_DB; without it, the bundled sample is loaded by the ETL into a temporary folder.
For each page of the page list (zi.present.navigation), opened directly from its file as a link opens it:
- cold: the first run with Streamlit's caches emptied (`st.cache_data`/`st.cache_resource` cleared;
  modules already imported by one untimed pass over the pages): what the first visitor after a load
  waits for (a new warehouse file is a new cache key);
- warm: the median of --runs reruns after that one, caches filled as they are for a user's next
  click (the script still runs top to bottom; the queries come from the cache).
The baseline (`st.plotly_chart` of a three-bar figure) is measured the same way; `ratio` is warm page
/ warm baseline. Targets (issue): a run under 0.5 s at the bundled scale, under 2 s at the national
scale; the target used follows the warehouse's size (`--target` overrides). --queries also times
every query a page runs, directly on the warehouse and uncached (median of --runs), to find a slow one.
Prints a table; asserts nothing: speed is measured here, behaviour is tested in tests/.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = """
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

frame = pd.DataFrame({"provinsi": ["A", "B", "C"], "nilai": [70.5, 80.25, 65.0]})
st.title("Baseline")
st.plotly_chart(go.Figure(go.Bar(x=frame["provinsi"], y=frame["nilai"])), key="chart")
"""


def registered_pages() -> dict[str, Path]:
    """url_path -> page file, in the order of the page list (zi.present.navigation)."""
    from zi.present.navigation import all_pages

    return {page.url_path: page.path for page in all_pages()}


def warehouse() -> tuple[Path, str]:
    if os.environ.get("ZI_DB"):
        return Path(os.environ["ZI_DB"]), "ZI_DB"
    folder = tempfile.mkdtemp(prefix="zi_bench_pages_")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = Path(folder) / "zi.duckdb"
    print(f"ZI_DB not set: loading data/sample into {db} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "etl", "load", str(ROOT / "data" / "sample"), "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    os.environ["ZI_DB"] = str(db)
    return db, "data/sample (temporary)"


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def time_app(make, runs: int) -> tuple[float, float, str]:
    """(cold seconds, warm median seconds, problem) for an AppTest factory."""
    clear_caches()
    at = make()
    started = time.perf_counter()
    at.run(timeout=600)
    cold = time.perf_counter() - started
    problem = "; ".join(e.value.splitlines()[0][:80] for e in at.exception)
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run(timeout=600)
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), problem


def page_queries(wh) -> dict[str, dict]:
    """The queries of the dashboard's own pages with the parameters a page starts with."""
    from zi.domain.bank import INDEX_KIND
    from zi.query import queries

    year = queries.years_available(wh)[0]
    provinces = [int(c) for c in queries.provinces_available(wh)["province_code"]]
    pair = [c for c in (62, 32) if c in provinces] or provinces[:2]
    units = queries.units_list(wh, pair[:1])
    unit = units["unit_id"].iat[0] if not units.empty else ""
    latest = int(units["latest_year"].iat[0]) if not units.empty else year
    common = {"year": year, "stage": "TPI", "scope": "provinsi", "provinces": pair}
    return {
        "data_status": {},
        "provinces_available": {},
        "years_available": {},
        "province_summary": {**common, "provinces": None},
        "averages": common,
        "area_achievement": common,
        "unit_totals": common,
        "area_trend": {k: common[k] for k in ("stage", "scope", "provinces")},
        "province_trend": {k: common[k] for k in ("stage", "scope", "provinces")},
        "unit_trend": {k: common[k] for k in ("stage", "scope", "provinces")},
        "slope": {k: common[k] for k in ("stage", "scope", "provinces")} | {"year_from": year - 1, "year_to": year},
        "units_list": {"provinces": pair[:1]},
        "unit_scores": {"unit_id": unit},
        "unit_items": {"unit_id": unit, "year": latest},
        "unit_conditions": {"unit_id": unit, "year": latest},
        "best_peer": {"unit_id": unit, "year": latest, "stage": "TPI"},
        "unit_provenance": {"unit_id": unit},
        "rule_thresholds": {},
        "rule_weights": {},
        "load_history": {},
        "load_files": {},
        "context_indices": {},
        "national_awards": {},
        "unit_answers": {"unit_id": unit, "year": latest},
        "item_gaps": common | {"provinces": pair[:1], "index_kind": INDEX_KIND},
        "item_shares": common,
        "item_calibration": {k: common[k] for k in ("scope", "provinces")} | {"year": None},
        "tpi_corrections": {k: common[k] for k in ("scope", "provinces")} | {"year": None, "code": "CK", "limit": 500},
    }


def unit_variants(db: Path) -> list[tuple[str, str, dict, dict]]:
    """The item-level pages as a user opens them for one unit whose LKE was loaded (the first such unit of the
    first province of the pair, latest year): (label, url path, query parameters, widget values)."""
    from zi.present.navigation import unit_label
    from zi.query import queries
    from zi.query.db import Warehouse

    wh = Warehouse.open(db)
    try:
        province = 62 if 62 in set(queries.provinces_available(wh)["province_code"]) else None
        units = queries.units_list(wh, [province]) if province else None
        if units is None or units.empty:
            return []
        with wh._lock:  # a benchmark-only look-up; pages go through named queries
            cursor = wh._con.cursor()
        try:
            found = cursor.execute(
                "SELECT unit_id, max(year) FROM lke_answers WHERE province_code = $p AND stage = 'TPI' GROUP BY ALL "
                "ORDER BY 2 DESC, 1 LIMIT 1",
                {"p": province},
            ).fetchall()
        finally:
            cursor.close()
        if not found:
            return []
        unit_id, year = found[0]
        row = units.set_index("unit_id").loc[unit_id]
        name = str(queries.provinces_available(wh).set_index("province_code").at[province, "province"])
    finally:
        wh.close()
    where = {"provinsi_unit": name, "tahun": str(year)}
    return [
        ("profil · butir", "profil", {**where, "unit": unit_label(row["unit"], row["instansi"]), "tahun_unit": str(year)}, {}),
        ("prioritas · unit", "prioritas", where, {"unit_prioritas": unit_id}),
        ("belajar · unit", "belajar", where, {"unit_belajar": unit_id}),
        ("simulasi · butir", "simulasi", where, {"unit_simulasi": unit_id}),
    ]


def time_queries(db: Path, runs: int, target: float) -> None:
    from zi.query.db import Warehouse

    wh = Warehouse.open(db)
    rows = []
    for name, params in page_queries(wh).items():
        if not (ROOT / "zi" / "sql" / "queries" / f"{name}.sql").exists():
            continue
        wh.query(name, **params)  # warm-up: DuckDB's own buffers, as on a running server
        spent = []
        for _ in range(runs):
            started = time.perf_counter()
            wh.query(name, **params)
            spent.append(time.perf_counter() - started)
        rows.append((statistics.median(spent), name))
    print(f"\nqueries (uncached, median of {runs}; a page's cold run pays the sum of its queries)")
    print(f"{'query':<22} {'ms':>9}")
    for seconds, name in sorted(rows, reverse=True):
        print(f"{name:<22} {seconds * 1000:9.1f}" + ("   <- over a tenth of the page target" if seconds > target / 10 else ""))
    wh.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="warm reruns per page (median)")
    parser.add_argument("--pages", nargs="*", help="url paths to time (default: every registered page)")
    parser.add_argument("--target", type=float, help="seconds per run (default: 0.5 bundled, 2 national)")
    parser.add_argument("--queries", action="store_true", help="also time every page query uncached")
    args = parser.parse_args()

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    from zi.query.db import Warehouse
    from zi.query.queries import data_status

    db, source = warehouse()
    wh = Warehouse.open(db)
    score_rows = int(data_status(wh)["score_rows"])
    wh.close()
    target = args.target or (0.5 if score_rows <= 20_000 else 2.0)
    pages = registered_pages()
    chosen = {
        url: path
        for url, path in pages.items()
        if not args.pages or url in args.pages or (url == "" and "ringkasan" in args.pages)
    }

    print(f"warehouse: {db} ({source}; {score_rows} score rows, {db.stat().st_size / 1e6:.1f} MB)")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"target {target} s per run; warm = median of {args.runs} reruns\n"
    )
    for path in chosen.values():  # imports once, so `cold` is about caches, not about importing Plotly
        AppTest.from_file(str(path), default_timeout=600).run(timeout=600)
    base_cold, base_warm, _ = time_app(lambda: AppTest.from_string(BASELINE, default_timeout=600), args.runs)
    print(f"{'page':<18} {'cold s':>8} {'warm s':>8} {'ratio':>7}  target")
    print(f"{'(baseline)':<18} {base_cold:8.3f} {base_warm:8.3f} {1.0:7.1f}")
    for url, path in chosen.items():
        cold, warm, problem = time_app(lambda path=path: AppTest.from_file(str(path), default_timeout=600), args.runs)
        verdict = "ok" if cold < target and warm < target else ("warm ok, cold over" if warm < target else "OVER")
        print(
            f"{url or 'ringkasan':<18} {cold:8.3f} {warm:8.3f} {warm / base_warm:7.1f}  {verdict}"
            + (f"  EXCEPTION: {problem}" if problem else "")
        )
    for label, url, params, widgets in unit_variants(db):
        if args.pages and url not in args.pages:
            continue

        def opened(path=pages[url], params=params, widgets=widgets):
            at = AppTest.from_file(str(path), default_timeout=600)
            at.query_params.update(params)
            for key, value in widgets.items():
                at.session_state[key] = value
            return at

        cold, warm, problem = time_app(opened, args.runs)
        verdict = "ok" if cold < target and warm < target else ("warm ok, cold over" if warm < target else "OVER")
        print(
            f"{label:<18} {cold:8.3f} {warm:8.3f} {warm / base_warm:7.1f}  {verdict}"
            + (f"  EXCEPTION: {problem}" if problem else "")
        )
    if args.queries:
        time_queries(db, args.runs, target)


if __name__ == "__main__":
    main()

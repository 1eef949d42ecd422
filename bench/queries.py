"""Benchmark: every page query of the dashboard on the national warehouse, and the same aggregates in
plain pandas from the CSV files (what a user would otherwise write), measured in the same run.

    python bench/queries.py [--db /tmp/zi_national.duckdb] [--data /tmp/zi_national] [--runs 20]
    python bench/queries.py --explain area_achievement      # DuckDB's profile of one query, to see why

Without the warehouse at --db it is built first (`python -m etl generate --scale national` into
--data if that is missing too, then `python -m etl load`). Each query in `zi/sql/queries/*.sql` runs
through `zi.query.db.Warehouse.query`, the dashboard's one way to the warehouse (cursor, bound parameters,
result as a DataFrame), with the parameters a page starts with: latest year, TPI, the default pair of
provinces, and both scopes where the query has one. One warm-up, then the median of --runs.

The pandas side reads the rekap CSVs once (timed apart: a user pays it once per session), derives
total and % of maximum from data/rules.toml, then times three groupbys the dashboard also answers.
Prints milliseconds, the 50 ms target per query, and the ratio warehouse / pandas. Nothing is
asserted: speed is measured here, behaviour is tested in tests/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench.machine import describe  # noqa: E402
from zi.domain.bank import INDEX_KIND  # noqa: E402
from zi.domain.rules import AREAS, load_rules  # noqa: E402
from zi.query.db import QUERY_DIR, Warehouse, sql  # noqa: E402

TARGET_MS = 50.0
# The dashboard's opening state (zi.present.ui: DEFAULT_PROVINCES, stage_filter default, newest year first).
PROVINCES = [62, 32]
STAGE = "TPI"
PREDICATE = "WBK"
SCOPES = ("provinsi", "semua")  # Pemprov only (the default), and with every kabupaten/kota (12x rows)
# Where a page starts a query differently from the pool below: (label, overrides), one run each.
VARIANTS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "province_summary": [("Ringkasan: semua provinsi", {"provinces": None}), ("Bandingkan: pasangan", {})],
    "calibration_units": [("semua tahun", {"year": None})],  # the Kalibrasi page opens on every year
    "calibration_areas": [("semua tahun", {"year": None})],
    "priority_items": [("semua unit", {"unit_id": None}), ("satu unit", {})],
    "practices": [("semua provinsi", {"provinces": None})],
    "peer_candidates": [("provinsi keseluruhan", {"learner_unit": None, "learner_jenis": None}), ("satu unit", {})],
    "item_calibration": [("semua tahun", {"year": None})],
    "item_shares": [("semua provinsi", {"provinces": list(range(11, 100))}), ("pasangan", {})],
}
# Questions an analyst asks of the contract's views directly (not through a page).
ANALYST = {
    "scores: per provinsi & tahap, satu tahun": "SELECT province, stage, count(*) AS n, avg(total) AS mean_total FROM scores WHERE year = $year GROUP BY ALL",
    "scores: predikat per tahun": "SELECT year, predikat, count(*) AS n FROM scores WHERE predikat IS NOT NULL GROUP BY ALL",
    "scores: satu unit, semua tahun": "SELECT * FROM scores WHERE unit_id = $unit_id ORDER BY year, stage",
    "score_items: capaian area nasional": "SELECT area, avg(pct) AS pct FROM score_items WHERE level = 'area' AND year = $year AND stage = $stage GROUP BY ALL",
    "score_conditions: syarat gagal": "SELECT predicate, condition, count(*) FILTER (WHERE NOT met) AS failed FROM score_conditions "
    "WHERE year = $year AND stage = $stage GROUP BY ALL",
}


def machine() -> str:
    import duckdb

    return describe(f"DuckDB {duckdb.__version__}", f"pandas {pd.__version__}")


def ensure_warehouse(db: Path, data: Path) -> None:
    if db.exists():
        return
    if not data.exists():
        print(f"membuat data nasional di {data} …", flush=True)
        subprocess.run([sys.executable, "-m", "etl", "generate", "--out", str(data), "--scale", "national"], cwd=ROOT, check=True)
    print(f"memuat {data} ke {db} …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "etl", "load", str(data), "--db", str(db)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def parameter_pool(wh: Warehouse) -> dict:
    """Values a page would bind, taken from the warehouse itself (so any generated set works)."""
    rules = load_rules()
    year = int(wh.query("years_available")["year"].max())
    con = wh._con.cursor()  # a benchmark-only look-up; pages go through named queries
    try:
        unit = con.execute(
            "SELECT unit_id, unit, jenis_unit FROM scores WHERE province_code = $p AND year = $y AND stage = $s "
            "ORDER BY instansi_level = 'provinsi' DESC, unit_id LIMIT 1",
            {"p": PROVINCES[0], "y": year, "s": STAGE},
        ).fetchall()[0]
        load_id = con.execute("SELECT max(load_id) FROM load_history").fetchall()[0][0]
        answered = con.execute(  # a unit whose LKE was loaded, for the item-level pages (else the one above)
            "SELECT a.unit_id, s.unit, s.jenis_unit FROM lke_answers a JOIN scores s USING (unit_id, year, stage) "
            "WHERE a.province_code = $p AND a.year = $y AND a.stage = $s ORDER BY s.instansi_level = 'provinsi' DESC, a.unit_id LIMIT 1",
            {"p": PROVINCES[0], "y": year, "s": STAGE},
        ).fetchall()
    finally:
        con.close()
    unit = answered[0] if answered else unit
    settings = rules.kaji_tiru
    gaps = wh.query("item_gaps", year=year, stage=STAGE, scope=SCOPES[0], provinces=PROVINCES[:1], index_kind=INDEX_KIND)
    return {
        "year": year,
        "stage": STAGE,
        "scope": SCOPES[0],
        "provinces": PROVINCES,
        "predicate": PREDICATE,
        "unit_id": unit[0],
        "load_id": load_id,
        "area": AREAS[0],
        "exclude_provinces": PROVINCES[:1],
        "learner_unit": unit[1],
        "learner_jenis": unit[2],
        "year_from": year - 1,
        "year_to": year,
        # as zi.query.queries.peer_candidates binds them
        "stopwords": list(settings["name_stopwords"]),
        "recent_years": int(settings["recent_years"]),
        "improve_scale": float(settings["improve_scale"]),
        "w_strength": float(settings["w_strength"]),
        "w_similar": float(settings["w_similar"]),
        "w_improve": float(settings["w_improve"]),
        "w_predicate": float(settings["w_predicate"]),
        "limit": int(settings["peers_shown"]),
        # as zi.query.items binds them: the learner is the first province and the unit above
        "codes": gaps["kode"].head(int(settings["items_weakest"])).tolist(),
        "learner_province": PROVINCES[0],
        "learner_unit_id": unit[0],
        "per_item": int(settings["peers_per_item"]),
        "index_kind": INDEX_KIND,
        "code": gaps["kode"].iat[0] if len(gaps) else None,
    }


def names_in(text: str) -> list[str]:
    return sorted(set(re.findall(r"\$([A-Za-z_]\w*)", re.sub(r"--[^\n]*", "", text))))


def cases(pool: dict) -> list[tuple[str, str, dict | None]]:
    """(query name, variant label, parameters; None: not measured) for every query file, in file order."""
    out: list[tuple[str, str, dict | None]] = []
    for path in sorted(QUERY_DIR.glob("*.sql")):
        name = path.stem
        wanted = names_in(sql(name))
        missing = [n for n in wanted if n not in pool]
        if missing:  # a new query with parameters this script does not know yet: say so, do not guess
            out.append((name, f"tidak diukur: parameter {', '.join(missing)} belum dikenal", None))
            continue
        for label, overrides in VARIANTS.get(name, [("", {})]):
            params = {n: overrides.get(n, pool[n]) for n in wanted}
            for scope in SCOPES if "scope" in wanted else (None,):
                shown = " · ".join(part for part in (label, scope) if part)
                out.append((name, shown, params | ({"scope": scope} if scope else {})))
    return out


def timed(run, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds of `runs` calls after one warm-up, and the rows of the last result.

    CPU is this process's (DuckDB's threads included): on a quiet machine it is near or above wall;
    wall far above CPU means the run waited for cores other work held, so read the wall with care."""
    result = run()
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        result = run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu), len(result)


def analyst_query(wh: Warehouse, text: str, params: dict):
    def run():
        with wh._lock:
            cursor = wh._con.cursor()
        try:
            return cursor.execute(text, {n: params[n] for n in names_in(text)}).df()
        finally:
            cursor.close()

    return run


# -- the pandas baseline ----------------------------------------------------------------------------
def read_csvs(data: Path) -> pd.DataFrame:
    """All rekap files as one frame, with what a user would add once: province code (from the file
    name), rubric by year, total and total as % of the rubric's maximum."""
    rules = load_rules()
    frames = []
    for path in sorted(data.glob("rekap_*.csv")):
        frame = pd.read_csv(path)
        frame["province_code"] = int(path.stem.split("_")[1])
        frames.append(frame)
    rekap = pd.concat(frames, ignore_index=True)
    areas = [a.lower() for a in AREAS]
    results = ["ipak", "ck", "ipkp", "hasil_bersih", "hasil_pelayanan"]
    rekap["rubric"] = rekap["tahun"].map({y: rules.rubric_for_year(int(y)) for y in rekap["tahun"].unique()})
    rekap["total"] = rekap[areas].sum(axis=1) + rekap[results].sum(axis=1, min_count=1).fillna(0)
    rekap["total_pct"] = 100 * rekap["total"] / rekap["rubric"].map({r.id: r.total for r in rules.rubrics.values()})
    return rekap


def pandas_cases(rekap: pd.DataFrame, pool: dict) -> dict[str, tuple]:
    """Name -> (pandas function, matching warehouse query and parameters), all on every unit (scope
    'semua': the CSV files do not say which instansi is a Pemprov without the warehouse's rule)."""
    rules = load_rules()
    year, stage, provinces = pool["year"], pool["stage"], pool["provinces"]
    weights = {(i.rubric, (i.area or "").lower()): i.weight for i in rules.indicators(level="area")}

    def summary():  # province_summary-like: activity, proposals, the stage's totals
        rows = rekap[rekap["tahun"] == year]
        activity = rows.groupby("province_code").agg(units=("unit_kerja", "nunique"))
        activity["proposed"] = rows[rows["tahap"] == "TPN"].groupby("province_code")["unit_kerja"].nunique()
        stats = (
            rows[rows["tahap"] == stage]
            .groupby("province_code")
            .agg(
                assessed=("total", "size"),
                mean_total=("total", "mean"),
                std_total=("total", "std"),
                mean_pct=("total_pct", "mean"),
            )
        )
        out = activity.join(stats)
        out["rank"] = out["mean_pct"].rank(ascending=False, method="min")
        return out.reset_index()

    def achievement():  # area achievement per province for the pair
        rows = rekap[(rekap["tahun"] == year) & (rekap["tahap"] == stage) & rekap["province_code"].isin(provinces)]
        long = rows.melt(
            id_vars=["province_code", "rubric"], value_vars=[a.lower() for a in AREAS], var_name="area", value_name="points"
        )
        long["weight"] = [weights[key] for key in zip(long["rubric"], long["area"], strict=True)]
        long["pct"] = 100 * long["points"] / long["weight"]
        return (
            long.groupby(["province_code", "area"])
            .agg(units=("points", "size"), mean_points=("points", "mean"), pct=("pct", "mean"))
            .reset_index()
        )

    def trend():  # province trend: mean total and % of maximum per year
        rows = rekap[(rekap["tahap"] == stage) & rekap["province_code"].isin(provinces)]
        return (
            rows.groupby(["province_code", "tahun"])
            .agg(assessed=("total", "size"), mean_total=("total", "mean"), mean_pct=("total_pct", "mean"))
            .reset_index()
        )

    every = pool | {"scope": "semua"}
    return {
        "province_summary (semua provinsi)": (summary, "province_summary", every | {"provinces": None}),
        "area_achievement (pasangan)": (achievement, "area_achievement", every),
        "province_trend (pasangan)": (trend, "province_trend", every),
    }


def _raw(wh: Warehouse, text: str) -> pd.DataFrame:
    """A fixed statement of the benchmark itself on the warehouse's connection (no named query exists for it)."""
    with wh._lock:
        cursor = wh._con.cursor()
    try:
        return cursor.execute(text).df()
    finally:
        cursor.close()


def read_answers(wh: Warehouse) -> pd.DataFrame:
    """Every LKE answer with a value, as a user would hold it in pandas: unit, year, stage, item, value."""
    frame = _raw(wh, "SELECT unit_id, province_code, year, stage, kode, nilai FROM lke_answers WHERE nilai IS NOT NULL")
    for column in ("unit_id", "stage", "kode"):
        frame[column] = frame[column].astype("category")
    return frame


def item_pandas_cases(answers: pd.DataFrame, pool: dict) -> dict[str, tuple]:
    """The item-level aggregates in plain pandas over the answers in memory, beside the warehouse's queries."""
    year, stage, learner = pool["year"], pool["stage"], pool["provinces"][0]

    def gaps():  # item_gaps-like: units, full answers and mean value per item of one province
        rows = answers[(answers["year"] == year) & (answers["stage"] == stage) & (answers["province_code"] == learner)]
        return rows.groupby("kode", observed=True)["nilai"].agg(
            units="size", full_units=lambda v: (v >= 1).sum(), mean_value="mean"
        )

    def calibration():  # item_calibration-like: share of units whose TPI value is below their own, per item
        rows = answers[answers["province_code"].isin(pool["provinces"]) & answers["stage"].isin(["SA", "TPI"])]
        wide = rows.pivot_table(index=["unit_id", "year", "kode"], columns="stage", values="nilai", observed=True)
        both = wide.dropna(subset=["SA", "TPI"])
        return (both["TPI"] < both["SA"]).groupby(level="kode", observed=True).mean()

    every = pool | {"scope": "semua"}
    return {
        "item_gaps (satu provinsi)": (gaps, "item_gaps", every | {"provinces": [learner]}),
        "item_calibration (pasangan, semua tahun)": (calibration, "item_calibration", every | {"year": None}),
    }


def agreement(wh: Warehouse, rekap: pd.DataFrame, pool: dict) -> str:
    """The baseline must compute the same thing: largest difference of mean totals per province and
    year against the warehouse's province_trend, where the warehouse's totals come from the rekap
    files alone (a unit's LKE, where loaded, replaces its rekap row: those province-years are left out)."""
    ours = wh.query("province_trend", stage=pool["stage"], scope="semua", provinces=pool["provinces"])
    with_lke = _raw(wh, "SELECT DISTINCT province_code, year FROM lke_answers").assign(lke=True)
    ours = ours.merge(with_lke, on=["province_code", "year"], how="left")
    rekap_only = ours[ours["lke"].isna()]
    theirs = pandas_cases(rekap, pool)["province_trend (pasangan)"][0]()
    both = rekap_only.merge(theirs, left_on=["province_code", "year"], right_on=["province_code", "tahun"], suffixes=("", "_pd"))
    gap = (both["mean_total"] - both["mean_total_pd"]).abs().max()
    return (
        f"{len(both)}/{len(rekap_only)} rekap-only province-years matched ({len(ours) - len(rekap_only)} with LKE answers "
        f"left out), largest difference of mean total {gap:.2e} points"
    )


def explain(wh: Warehouse, name: str, params: dict) -> None:
    """DuckDB's own profile of one query: the operator tree with time and rows, slowest first below."""
    cursor = wh._con.cursor()
    cursor.execute(sql(name), params).fetchall()  # warm, as in the timings
    plan = json.loads(cursor.execute("EXPLAIN (ANALYZE, FORMAT json) " + sql(name), params).fetchall()[0][1])
    flat = []

    def walk(node: dict, depth: int) -> None:
        info = node.get("extra_info", {})
        what = info.get("Table") or info.get("Join Type") or info.get("Aggregates") or info.get("Groups") or ""
        flat.append(
            (
                node.get("timing", 0.0),
                depth,
                node.get("name", "?"),
                node.get("operator_cardinality", node.get("intermediate_rows", 0)),
                str(what)[:70],
            )
        )
        for child in node.get("children", []):
            walk(child, depth + 1)

    for root in plan.get("operator", plan.get("children", [])):
        walk(root, 0)
    print(f"{name} {params}\n")
    for ms, depth, op, rows, what in flat:
        print(f"{ms * 1000:8.1f} ms {rows:>10,} rows  {'  ' * depth}{op} {what}")
    print("\nslowest operators:")
    for ms, _, op, rows, what in sorted(flat, reverse=True)[:5]:
        print(f"{ms * 1000:8.1f} ms {rows:>10,} rows  {op} {what}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/zi_national.duckdb"))
    parser.add_argument("--data", type=Path, default=Path("/tmp/zi_national"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", metavar="QUERY", help="print EXPLAIN ANALYZE of one query (first variant) and stop")
    args = parser.parse_args()
    ensure_warehouse(args.db, args.data)
    wh = Warehouse.open(args.db)
    pool = parameter_pool(wh)

    if args.explain:
        name, _, params = next(c for c in cases(pool) if c[0] == args.explain and c[2] is not None)
        assert params is not None  # chosen so above
        explain(wh, name, params)
        return

    rows = wh._con.execute("SELECT count(*) FROM scores").fetchall()[0][0]
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the start")
    print(
        f"warehouse: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB, {rows:,} score rows); "
        f"parameters: year {pool['year']}, {pool['stage']}, provinces {pool['provinces']}, unit {pool['unit_id']!r}"
    )
    print(f"median of {args.runs} runs after one warm-up; target {TARGET_MS:.0f} ms\n")
    print(f"{'query':<22} {'variant':<38} {'rows':>7} {'ms':>8} {'cpu ms':>8}")
    medians = {}
    for name, label, params in cases(pool):
        if params is None:
            print(f"{name:<22} {label}")
            continue
        ms, cpu, n = timed(lambda name=name, params=params: wh.query(name, **params), args.runs)
        medians[(name, label)] = ms
        print(f"{name:<22} {label:<38} {n:>7} {ms:>8.1f} {cpu:>8.1f}{'  > target' if ms > TARGET_MS else ''}")
    print()
    for label, text in ANALYST.items():
        ms, cpu, n = timed(analyst_query(wh, text, pool), args.runs)
        medians[("analyst", label)] = ms
        print(f"{'analyst':<22} {label:<38} {n:>7} {ms:>8.1f} {cpu:>8.1f}{'  > target' if ms > TARGET_MS else ''}")
    over = [key for key, ms in medians.items() if ms > TARGET_MS]
    print(
        f"\n{len(medians) - len(over)}/{len(medians)} under {TARGET_MS:.0f} ms median"
        + (f"; over: {', '.join(' '.join(k).strip() for k in over)}" if over else "")
    )

    started = time.perf_counter()
    rekap = read_csvs(args.data)
    read_s = time.perf_counter() - started
    print(f"\npandas baseline: read {len(rekap):,} rekap rows from {args.data} and derive totals once: {read_s:.2f} s")
    print(f"check: {agreement(wh, rekap, pool)}")
    print(f"{'aggregate':<36} {'pandas ms':>10} {'warehouse ms':>13} {'warehouse/pandas':>17}")
    for label, (function, name, params) in pandas_cases(rekap, pool).items():
        pandas_ms, _, _ = timed(function, args.runs)
        params = {n: params[n] for n in names_in(sql(name))}
        ours_ms, _, _ = timed(lambda name=name, params=params: wh.query(name, **params), args.runs)
        print(f"{label:<36} {pandas_ms:>10.1f} {ours_ms:>13.1f} {ours_ms / pandas_ms:>16.2f}x")

    started = time.perf_counter()
    answers = read_answers(wh)
    read_s = time.perf_counter() - started
    print(f"\npandas baseline, item level: {len(answers):,} LKE answers into memory once: {read_s:.2f} s")
    for label, (function, name, params) in item_pandas_cases(answers, pool).items():
        pandas_ms, _, _ = timed(function, args.runs)
        params = {n: params[n] for n in names_in(sql(name))}
        ours_ms, _, _ = timed(lambda name=name, params=params: wh.query(name, **params), args.runs)
        print(f"{label:<36} {pandas_ms:>10.1f} {ours_ms:>13.1f} {ours_ms / pandas_ms:>16.2f}x")
    ours = wh.query(
        "item_gaps", **{n: (pool | {"scope": "semua", "provinces": pool["provinces"][:1]})[n] for n in names_in(sql("item_gaps"))}
    )
    theirs = item_pandas_cases(answers, pool)["item_gaps (satu provinsi)"][0]()
    matched = (
        ours.set_index("kode")["full_units"].eq(theirs["full_units"].reindex(ours["kode"]).to_numpy()).sum() if len(ours) else 0
    )
    print(f"check: item_gaps full answers equal pandas for {matched}/{len(ours)} items")
    wh.close()


if __name__ == "__main__":
    main()

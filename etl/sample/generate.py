"""Deterministic sample input files: the bundled *data contoh* and a national benchmark set.

`generate()` writes what an inspectorate would load (data contract, section 1): one *rekap* file per
province and, for PermenPANRB 90/2021 rows, a long *rincian* file of sub-area scores.

- `demo`: eight provinces, provincial governments only. The files exercise every dialect the ETL
  must read (XLSX with title rows and human headers, `;` with decimal comma and BOM, tab in
  Windows-1252, province as code / abbreviation / `Prov. <name>`, halves instead of area totals,
  survey index instead of points) and follow the published facts of lke-zi.md section 7 (`PINS`).
- `national`: all 38 provinces with their kabupaten/kota (synthetic names), about 21,000 units,
  for benchmarks. Area totals only; sub-area detail for TPI rows under 90/2021.

How scores are made. A unit's *capability* (the share of each weight it reaches) starts at a drawn
skill in the year it starts building ZI and grows with noise. The TPI score of every component is
drawn around it; the self-assessment (SA) is a few points more generous, the TPN a little stricter.
The TPI proposes a unit whose total is near the bar of the next predicate; the TPN awards it only
if the TPN row meets every condition of the rules file (for a rubric without confirmed thresholds,
52/2014, the structural conditions `total`, `pengungkit`, `area_pct` of the rubric that has them
stand in). A 90/2021 TPN row that meets WBK but is not awarded is turned into a near miss: one
condition lowered just below its bar. Rows of a unit that holds a predicate stay above that
predicate's bar. Every weight and threshold is read from `data/rules.toml`; all numbers are
illustrative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.sample.lke_sample import write_benchmark, write_lke
from etl.sample.model import Simulation, check_scores
from etl.sample.plan import DEMO, DETAIL_STAGES, LKE, NATIONAL_DIALECT
from etl.sample.rekap_files import rincian_table, write_rekap
from etl.sample.units import demo_units, national_units, province_table, slug
from zi.domain.rules import load_rules


def generate(out_dir: Path, scale: str = "demo", seed: int = 2024, count: int = 20_000) -> list[Path]:
    """Write deterministic sample input files (the same formats a user loads) and return their paths.
    `lke`: `count` official LKE workbooks of the national simulation's latest unit-years, with their
    manifest (the benchmark of `bench/lke_load.py`)."""
    if scale not in ("demo", "national", "lke"):
        raise ValueError(f"skala tidak dikenal: {scale!r} (demo, national, atau lke)")
    rules = load_rules()
    provinces = province_table()
    # A fourth stream for province profiles, a fifth for LKE answers: spawning more children leaves the first ones unchanged.
    unit_rng, score_rng, subarea_rng, profile_rng, lke_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    if scale == "demo":
        units, scripted = demo_units(provinces, unit_rng)
        dialects = {plan.code: plan.dialect for plan in DEMO}
    else:
        units, scripted = national_units(provinces, unit_rng), {}  # the lke scale draws from the national units too
        dialects = dict.fromkeys(units["province_code"].unique().tolist(), NATIONAL_DIALECT)
    scores = Simulation(units, scripted, rules, score_rng, profile_rng).run()
    check_scores(scores, rules)
    if scale == "lke":
        return write_benchmark(scores, count, Path(out_dir), rules, seed)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    if scale == "demo":  # some unit-years as LKE files; their SA and TPI rows leave the rekap (the ETL scores them)
        written = write_lke(scores, LKE, provinces, out_dir / "lke", rules, lke_rng)
        paths += written.paths
        key = list(zip(scores["province_code"], scores["instansi"], scores["unit"], scores["year"], scores["stage"], strict=True))
        scores = scores[[k not in written.taken for k in key]]
    detailed = [r for r in sorted(rules.rubrics) if rules.indicators(r, "subarea")]
    for code, rows in scores.groupby("province_code", sort=True):
        province = provinces.loc[code]
        stem = f"{code}_{slug(province['nama'])}"
        paths.append(write_rekap(rows, out_dir / f"rekap_{stem}", province, dialects[code], units, rules))
        detail = rows[rows["rubric"].isin(detailed) & rows["stage"].isin(DETAIL_STAGES[scale])]
        if len(detail):
            path = out_dir / f"rincian_{stem}.csv"
            rincian_table(detail, province, rules, subarea_rng).to_csv(
                path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8"
            )
            paths.append(path)
    return sorted(paths)

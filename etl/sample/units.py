"""The units of the sample: perangkat daerah per instansi, when each starts building ZI, its skill."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from etl.sample.model import GROWTH, INSTANSI_SKILL_SD, UNIT_SKILL_SD
from etl.sample.names import KABKOTA, KABKOTA_OPD, KABKOTA_OPD_RANGE, OPD_RANGE, PROVINCIAL_CORE, PROVINCIAL_OPTIONAL
from etl.sample.plan import DEMO, LEVELS, NATIONAL_ADOPTION, NATIONAL_SKILL, NEVER, PINS, YEARS, Pin
from zi.domain.rules import DATA_DIR


# -- units ------------------------------------------------------------------------------------
def province_table() -> pd.DataFrame:
    table = pd.read_csv(DATA_DIR / "provinces.csv", dtype={"kode_kemendagri": int}, keep_default_na=False)
    return table.assign(kode=table["kode_kemendagri"]).set_index("kode_kemendagri", drop=False).sort_index()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _opd_names(core: Sequence, optional: Sequence, n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """The core list plus a draw from the optional one, `n` names in all, sorted."""
    chosen = list(dict.fromkeys(core))
    pool = [o for o in optional if o not in chosen]
    picks = rng.choice(len(pool), size=max(0, n - len(chosen)), replace=False)
    return sorted(chosen + [pool[i] for i in sorted(picks)])


def _start_years(n: int, started: Sequence[int], pinned: dict[int, int], rng: np.random.Generator) -> np.ndarray:
    """Year each unit starts ZI so that `started[k]` units have started by YEARS[k] (pins kept)."""
    start = np.full(n, NEVER)
    for i, year in pinned.items():
        start[i] = year
    free = rng.permutation(np.setdiff1d(np.arange(n), list(pinned)))
    taken = 0
    for year, count in zip(YEARS, started, strict=False):
        new = max(0, count - int((start <= year).sum()))
        start[free[taken : taken + new]] = year
        taken += new
    return start


def _instansi_units(
    code: int,
    instansi: str,
    names: list[tuple[str, str]],
    started: Sequence[int],
    skill: float,
    rng: np.random.Generator,
    pins: Sequence[Pin] = (),
) -> pd.DataFrame:
    """One row per perangkat daerah of one instansi, with its start year and latent level."""
    position = {name: i for i, (name, _) in enumerate(names)}
    pinned = {position[p.unit]: p.start for p in pins}
    units = pd.DataFrame(
        {
            "province_code": code,
            "instansi": instansi,
            "unit": [name for name, _ in names],
            "jenis_unit": [jenis for _, jenis in names],
            "start": _start_years(len(names), started, pinned, rng),
            "stop": NEVER,
            "skill": skill + rng.normal(0, UNIT_SKILL_SD, len(names)),
            "growth": rng.uniform(*GROWTH, len(names)),
        }
    )
    for pin in pins:
        row = position[pin.unit]
        units.loc[row, "stop"] = pin.stop
        if pin.skill is not None:
            units.loc[row, "skill"] = pin.skill
    return units


def demo_units(provinces: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    frames = []
    for plan in sorted(DEMO, key=lambda p: p.code):
        renames = dict(plan.renames)
        core = [(renames.get(name, name), jenis) for name, jenis in PROVINCIAL_CORE] + list(plan.extras)
        n = plan.n_units or int(rng.integers(OPD_RANGE[0], OPD_RANGE[1] + 1))
        names = _opd_names(core, PROVINCIAL_OPTIONAL, n, rng)
        pins = [p for p in PINS if p.province == plan.code]
        units = _instansi_units(
            plan.code, f"Pemprov {provinces.loc[plan.code, 'nama']}", names, plan.started, plan.skill, rng, pins
        )
        frames.append(
            units.assign(
                first_tpi_year=plan.first_tpi_year,
                random_awards=plan.random_awards,
                halves=plan.dialect.halves,
                survey_index=plan.dialect.survey_index,
            )
        )
    units = pd.concat(frames, ignore_index=True)
    row_of = {(c, u): i for i, (c, u) in enumerate(zip(units["province_code"], units["unit"], strict=False))}
    scripted = {(row_of[p.province, p.unit], year): LEVELS.index(level) for p in PINS for year, level in p.awards}
    return units, scripted


def national_units(provinces: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for code, province in provinces.iterrows():
        skill = rng.uniform(*NATIONAL_SKILL)
        kab, kota = KABKOTA[code]
        instansi = [(f"Pemprov {province['nama']}", PROVINCIAL_CORE, PROVINCIAL_OPTIONAL, OPD_RANGE)]
        instansi += [(f"Kab. Contoh {i:02d}", (), KABKOTA_OPD, KABKOTA_OPD_RANGE) for i in range(1, kab + 1)]
        instansi += [(f"Kota Contoh {i:02d}", (), KABKOTA_OPD, KABKOTA_OPD_RANGE) for i in range(1, kota + 1)]
        for name, core, optional, size in instansi:
            n = int(rng.integers(size[0], size[1] + 1))
            names = _opd_names(core, optional, n, rng)
            started = _adoption(len(names), rng)
            frames.append(_instansi_units(code, name, names, started, skill + rng.normal(0, INSTANSI_SKILL_SD), rng))
    units = pd.concat(frames, ignore_index=True)
    return units.assign(first_tpi_year=YEARS[0], random_awards=True, halves=False, survey_index=False)


def _adoption(n: int, rng: np.random.Generator) -> list[int]:
    """Cumulative units started by each year: a logistic curve with drawn ceiling, midpoint, width."""
    ceiling, midpoint, width = (rng.uniform(*NATIONAL_ADOPTION[k]) for k in ("ceiling", "midpoint", "width"))
    share = ceiling / (1 + np.exp(-(np.array(YEARS) - midpoint) / width))
    return np.round(n * share).astype(int).tolist()

"""The score model of the sample: capability grows with the years of ZI, each stage scores around it, the TPI
proposes, the TPN awards by the rules' conditions; every weight and threshold from data/rules.toml."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.sample.plan import LEVELS, WBK, YEARS
from zi.domain.rules import AREAS, PREDICATES, STAGES, Indicator, Rules

# -- the score model (shares of a component's weight) ------------------------------------------
C_REF = 0.70  # capability at which a component sits at its profile's base share
# Base share and slope on capability: survey results sit high and move slowly; reform trails
# pemenuhan. Keys are half names, the area level, or result codes of the rules file.
PROFILES = {
    "pemenuhan": (0.73, 1.0),
    "reform": (0.67, 1.0),
    "area": (0.70, 1.0),
    "IPAK": (0.86, 0.6),
    "CK": (0.60, 1.0),
    "IPKP": (0.80, 0.6),
}
RESULT_PROFILE = (0.80, 0.7)
FRAC_MIN = 0.30  # keeps a survey index well inside its 1..4 scale
UNIT_SKILL_SD = 0.06
INSTANSI_SKILL_SD = 0.03
GROWTH = (0.005, 0.035)  # capability gained per year of ZI
YEAR_SD = 0.02
UNIT_COMPONENT_SD = 0.04  # lasting strengths and weaknesses of a unit per area / result group
PROVINCE_COMPONENT_SD = 0.07  # a province's own profile per area (what kaji tiru compares)
COMPONENT_SD = 0.035
SA_SHIFT = (0.05, 0.025)  # mean and sd of the self-assessment's generosity over the TPI
TPN_SHIFT = (0.02, 0.015)  # mean and sd of the TPN's strictness under the TPI
STAGE_SD = 0.015
SUBAREA_SD = 0.08
TPI_SHARE = 0.85  # unit-years that get a TPI evaluation
PROPOSAL_MARGIN = 2.0  # the TPI proposes a unit whose TPI total is at most this far below the bar
AWARD_SHARE = 0.8  # TPN rows meeting every condition that get the predicate (quota, other checks)
AWARD_MARGIN = 0.005  # an award needs every condition met by at least this (no knife edges)
FLOOR_MARGIN = 0.01  # share above a predicate's bar kept by the rows of its holders
NEAR_MISS_GAP = (0.05, 0.60)  # points below the bar of the one condition a near miss fails
TOLERANCE = 1e-9
AWARD_NOTE = "Ditetapkan Menuju {} oleh TPN"
NEAR_MISS_NOTE = "Diusulkan TPI ke TPN.\nBelum memenuhi seluruh syarat WBK."


# -- scores -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    label: str  # threshold condition, or the pengungkit item for a per-area minimum
    members: np.ndarray  # indices of the components summed
    minimum: float  # points


class _Layout:
    """The scored components of one rubric as arrays: weights, profiles, predicate conditions."""

    def __init__(self, rules: Rules, rubric: str, offset_keys: list[str]):
        spec = rules.rubrics[rubric]
        self.rules, self.rubric = rules, rubric
        self.items = rules.indicators(rubric, "half" if spec.halves else "area") + rules.indicators(rubric, "result")
        self.columns = [i.column for i in self.items]
        self.weight = np.array([i.weight for i in self.items])
        self.pengungkit = np.array([i.level != "result" for i in self.items])
        self.survey = [k for k, i in enumerate(self.items) if i.survey]
        self.key = np.array([offset_keys.index(i.area or i.parent) for i in self.items])
        profiles = [PROFILES.get(i.code) or PROFILES.get(i.half or i.level) or RESULT_PROFILE for i in self.items]
        self.base, self.slope = (np.array(v) for v in zip(*profiles, strict=False))
        self.confirmed = spec.thresholds_confirmed
        self.conditions = {level: self._conditions(PREDICATES[level - 1]) for level in range(1, len(LEVELS))}
        self.floors = np.vstack([np.zeros(len(self.items))] + [self._floor(c) for c in self.conditions.values()])
        totals = [next((c.minimum for c in conds if c.label == "total"), 0.0) for conds in self.conditions.values()]
        self.bar = np.array([np.inf, *totals, np.inf]) - PROPOSAL_MARGIN  # by target level

    def _conditions(self, predicate: str) -> list[Condition]:
        """Conditions of the rubric, or the structural ones of the rubric that has confirmed thresholds."""
        source = self.rubric if self.confirmed else _proxy_rubric(self.rules)
        everything = np.arange(len(self.items))
        conditions = []
        for t in self.rules.thresholds(source, predicate):
            if t.condition == "total":
                conditions.append(Condition("total", everything, t.minimum))
            elif t.condition == "pengungkit":
                conditions.append(Condition("pengungkit", everything[self.pengungkit], t.minimum))
            elif t.condition == "area_pct":
                conditions += [
                    Condition(i.code, np.array([k]), t.minimum / 100 * i.weight)
                    for k, i in enumerate(self.items)
                    if i.level != "result"
                ]
            elif self.confirmed:
                members = [k for k, i in enumerate(self.items) if t.condition in (i.code, i.parent)]
                conditions.append(Condition(t.condition, np.array(members), t.minimum))
        return conditions

    def _floor(self, conditions: list[Condition]) -> np.ndarray:
        """Share of each weight that, reached by every component, meets every condition."""
        floor = np.zeros(len(self.items))
        for c in conditions:
            floor[c.members] = np.maximum(floor[c.members], c.minimum / self.weight[c.members].sum())
        return np.minimum(floor + FLOOR_MARGIN, 1.0)

    def draw(self, capability: np.ndarray, offsets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        centre = self.base + self.slope * (capability[:, None] - C_REF) + offsets[:, self.key]
        return _clip(centre + rng.normal(0, COMPONENT_SD, centre.shape))

    def points(self, shares: np.ndarray, survey_rows: np.ndarray) -> np.ndarray:
        return self.snap(np.round(shares * self.weight, 2), survey_rows)

    def snap(self, values: np.ndarray, survey_rows: np.ndarray) -> np.ndarray:
        """Survey results of rows given as an index: points of the 2-decimal index, as the ETL converts."""
        values = values.copy()
        for k in self.survey:
            index = survey_index(self.rules, self.rubric, self.items[k], values[survey_rows, k])
            values[survey_rows, k] = self.rules.survey_points(self.rubric, self.items[k].code, index)
        return values

    def shortfall(self, values: np.ndarray, level: int) -> np.ndarray:
        """Points missing per condition of a predicate level (negative: met with room to spare)."""
        conditions = self.conditions[level]
        return np.column_stack([c.minimum - values[:, c.members].sum(axis=1) for c in conditions])

    def check(self, values: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, against its own target level: (meets every condition, meets them with AWARD_MARGIN)."""
        meets = np.zeros(len(values), bool)
        clear = np.zeros(len(values), bool)
        for target in self.conditions:
            rows = level == target
            if rows.any():
                gap = self.shortfall(values[rows], target)
                meets[rows] = (gap <= TOLERANCE).all(axis=1)
                clear[rows] = (gap <= -AWARD_MARGIN).all(axis=1)
        return meets, clear

    def near_miss(self, values: np.ndarray, survey_row: bool, halves_shown: bool, rng: np.random.Generator) -> np.ndarray:
        """The row with one WBK condition (a result, or a half where halves are shown) just below its bar."""
        conditions = self.conditions[WBK]
        options = [
            k
            for k, c in enumerate(conditions)
            if len(c.members) == 1
            and (self.items[c.members[0]].level == "result" or (halves_shown and self.items[c.members[0]].half))
        ]
        trial = values
        for k in rng.permutation(options):
            condition = conditions[k]
            trial = values.copy()
            trial[condition.members[0]] = max(0.0, round(condition.minimum - rng.uniform(*NEAR_MISS_GAP), 2))
            trial = self.snap(trial[None, :], np.array([survey_row]))[0]
            failed = self.shortfall(trial[None, :], WBK)[0] > TOLERANCE
            if failed.sum() == 1 and failed[k]:
                break
        return trial


def _proxy_rubric(rules: Rules) -> str:
    confirmed = [r for r in rules.rubrics.values() if r.thresholds_confirmed]
    return max(confirmed, key=lambda r: r.first_year).id


def survey_index(rules: Rules, rubric: str, item: Indicator, points: np.ndarray) -> np.ndarray:
    """The 2-decimal survey index whose points are nearest (inverse of `Rules.survey_points`)."""
    return np.round(points / item.weight * rules.rubrics[rubric].survey_scale[1], 2)


def _clip(shares: np.ndarray) -> np.ndarray:
    return np.clip(shares, FRAC_MIN, 1.0)


class Simulation:
    """Years in order; within a year every unit at once (numpy), so the national set stays fast."""

    def __init__(
        self,
        units: pd.DataFrame,
        scripted: dict[tuple[int, int], int],
        rules: Rules,
        rng: np.random.Generator,
        profile_rng: np.random.Generator,
    ):
        self.units, self.scripted, self.rules, self.rng = units, scripted, rules, rng
        groups = sorted({i.parent for i in rules.indicators(level="result")})
        keys = list(AREAS) + groups
        self.layouts = {r: _Layout(rules, r, keys) for r in sorted(rules.rubrics)}
        self.arrays = {
            c: units[c].to_numpy()
            for c in ("start", "stop", "skill", "growth", "first_tpi_year", "random_awards", "halves", "survey_index")
        }
        self.offsets = rng.normal(0, UNIT_COMPONENT_SD, (len(units), len(keys)))
        # Provinces differ by area (one strong in Manajemen Perubahan, another weak in Pengawasan);
        # results are survey-driven, so only the pengungkit areas get a provincial profile.
        codes = np.unique(units["province_code"].to_numpy())
        profile = profile_rng.normal(0, PROVINCE_COMPONENT_SD, (len(codes), len(keys)))
        profile[:, len(AREAS) :] = 0.0
        self.offsets += profile[np.searchsorted(codes, units["province_code"].to_numpy())]
        self.held = np.zeros(len(units), int)

    def run(self) -> pd.DataFrame:
        frames = [frame for year in YEARS for frame in self._year(year)]
        scores = pd.concat(frames, ignore_index=True)
        scores = self._area_totals(scores)
        scores["predikat"] = np.array(LEVELS)[scores.pop("level")]
        scores = (
            self.units[["province_code", "instansi", "unit", "jenis_unit"]]
            .iloc[scores["row"]]
            .reset_index(drop=True)
            .join(scores.drop(columns="row"))
        )
        return scores.sort_values(["province_code", "instansi", "unit", "year", "stage"], ignore_index=True)

    def _year(self, year: int) -> list[pd.DataFrame]:
        """Rows of one year: draw the three stages, propose, award, and carry predicates forward."""
        a, rng = self.arrays, self.rng
        layout = self.layouts[self.rules.rubric_for_year(year)]
        idx = np.flatnonzero((a["start"] <= year) & (year <= a["stop"]))
        n = len(idx)
        before = self.held[idx]
        scripted = np.array([self.scripted.get((i, year), 0) for i in idx], int)
        survey = a["survey_index"][idx].astype(bool)
        sa, tpi, tpn = self._stages(layout, idx, year, np.maximum(before, scripted), survey)

        target = before + 1
        has_tpi = ((year >= a["first_tpi_year"][idx]) & (rng.random(n) < TPI_SHARE)) | (scripted > 0)
        has_tpn = (has_tpi & (tpi.sum(axis=1) >= layout.bar[target])) | (scripted > 0)
        meets, clear = layout.check(tpn, target)
        lucky = rng.random(n) < AWARD_SHARE
        award = has_tpn & np.where(scripted > 0, scripted == target, clear & lucky & a["random_awards"][idx].astype(bool))
        if not (award & clear)[scripted > 0].all():
            raise RuntimeError(f"{year}: a pinned predicate does not meet its conditions")
        near = has_tpn & meets & ~award & (target == WBK) & layout.confirmed
        for r in np.flatnonzero(near):
            tpn[r] = layout.near_miss(tpn[r], survey[r], bool(a["halves"][idx[r]]), rng)
        after = np.where(award, target, before)
        self.held[idx] = after

        award_notes = np.array(["", *(AWARD_NOTE.format(p) for p in PREDICATES), ""])
        notes = np.where(award, award_notes[target], np.where(near, NEAR_MISS_NOTE, ""))
        stages = (
            (STAGES[0], sa, np.ones(n, bool), before, np.full(n, "")),
            (STAGES[1], tpi, has_tpi, before, np.full(n, "")),
            (STAGES[2], tpn, has_tpn, after, notes),
        )
        return [
            pd.DataFrame(values[mask], columns=layout.columns).assign(
                row=idx[mask], year=year, stage=stage, rubric=layout.rubric, level=level[mask], catatan=note[mask]
            )
            for stage, values, mask, level, note in stages
        ]

    def _stages(
        self, layout: _Layout, idx: np.ndarray, year: int, floor_level: np.ndarray, survey: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """SA, TPI, TPN points of the active units, each at least the bar of `floor_level`."""
        a, rng = self.arrays, self.rng
        n = len(idx)
        capability = a["skill"][idx] + a["growth"][idx] * (year - a["start"][idx]) + rng.normal(0, YEAR_SD, n)
        tpi = layout.draw(capability, self.offsets[idx], rng)
        sa = _clip(tpi + rng.normal(*SA_SHIFT, (n, 1)) + rng.normal(0, STAGE_SD, tpi.shape))
        tpn = _clip(tpi - rng.normal(*TPN_SHIFT, (n, 1)) + rng.normal(0, STAGE_SD, tpi.shape))
        floor = layout.floors[floor_level]
        return tuple(layout.points(np.maximum(shares, floor), survey) for shares in (sa, tpi, tpn))

    def _area_totals(self, scores: pd.DataFrame) -> pd.DataFrame:
        """Area totals beside the halves of rubrics that split areas (the halves stay for the writers)."""
        for rubric in self.rules.rubrics:
            rows = scores["rubric"] == rubric
            for area in self.rules.indicators(rubric, "area"):
                halves = [h.column for h in self.rules.indicators(rubric, "half") if h.parent == area.code]
                if halves:
                    scores.loc[rows, area.column] = scores.loc[rows, halves].sum(axis=1).round(2)
        return scores


def check_scores(scores: pd.DataFrame, rules: Rules) -> None:
    """Fail loudly if the sample breaks the contract: unique keys, every value within [0, weight]."""
    problems = []
    key = ["province_code", "instansi", "unit", "year", "stage"]
    if scores.duplicated(key).any():
        problems.append("duplicate keys")
    for rubric in rules.rubrics:
        rows = scores[scores["rubric"] == rubric]
        for item in rules.indicators(rubric):
            if item.level in ("area", "half", "result"):
                values = rows[item.column]
                if values.isna().any() or (values < 0).any() or (values > item.weight + TOLERANCE).any():
                    problems.append(f"{rubric} {item.column} outside [0, {item.weight}]")
    if problems:
        raise RuntimeError("generated sample breaks the data contract: " + "; ".join(problems))

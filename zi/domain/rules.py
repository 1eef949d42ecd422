"""The ZI scoring rules, read once from `data/rules.toml` and checked before anything uses them.

Everything numeric about the instrument (weights, thresholds, the survey-index conversion, the ETL's
tolerances and caps) comes from here. `Rules.indicators()` and `Rules.thresholds()` give flat tables
that the ETL copies into the warehouse, so the SQL views read the same numbers as Python does.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
RULES_PATH = DATA_DIR / "rules.toml"

AREAS = ("MP", "TT", "SDM", "AK", "PW", "PP")  # order of the LKE, used for display everywhere
STAGES = ("SA", "TPI", "TPN")
PREDICATES = ("WBK", "WBBM")


class RulesError(ValueError):
    """The rules file contradicts itself; raised at load so no wrong number reaches a chart."""


@cache  # a handful of codes, asked for each sub-area of every stage of every file
def column_of(code: str) -> str:
    """Canonical column name of an indicator code: `MP-P1`, `mp.p1`, `Mp P1` -> `mp_p1`."""
    return "_".join(code.strip().lower().replace("-", " ").replace(".", " ").replace("_", " ").split())


@dataclass(frozen=True)
class Indicator:
    """One scored item of a rubric, at any level (area, half, sub-area, result)."""

    rubric: str
    code: str  # as written in the rules file, e.g. MP-P1
    level: str  # area | half | subarea | result | group
    area: str | None  # MP..PP for pengungkit items
    half: str | None  # pemenuhan | reform | None
    parent: str | None  # code of the item this one sums into
    name: str
    weight: float
    survey: bool = False

    @property
    def column(self) -> str:
        return column_of(self.code)


@dataclass(frozen=True)
class Threshold:
    rubric: str
    predicate: str
    condition: str  # total | area_pct | pengungkit | BERSIH | IPAK | CK | IPKP | ...
    minimum: float
    provisional: bool
    source: str


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    first_year: int
    total: float
    pengungkit: float
    hasil: float
    halves: tuple[str, ...]
    source: str
    provisional: bool
    thresholds_confirmed: bool
    requires_prior: dict[str, tuple[str, ...]]
    survey_scale: tuple[float, float] | None
    survey_provisional: bool


class Rules:
    """Parsed and checked rules. Build with `load_rules()`; instances are read-only."""

    def __init__(self, raw: dict, path: Path):
        self.path = path
        self.version: str = raw["version"]
        self.sources: dict[str, str] = raw["sources"]
        self.validation: dict = raw["validation"]
        self.limits: dict = raw["limits"]
        self.kaji_tiru: dict = raw["kaji_tiru"]
        self.lke: dict = raw.get("lke", {})  # the question bank and workbook reading (zi.domain.bank)
        self.rubrics: dict[str, Rubric] = {}
        self._indicators: list[Indicator] = []
        self._thresholds: list[Threshold] = []
        for rubric_id, spec in raw["rubrics"].items():
            self._read_rubric(rubric_id, spec)
        self._check()

    # -- reading ------------------------------------------------------------------------------
    def _read_rubric(self, rid: str, spec: dict) -> None:
        halves = tuple(spec.get("halves", ()))
        add = self._indicators.append
        for area, a in spec["areas"].items():
            if halves:
                add(Indicator(rid, area, "area", area, None, None, a["name"], sum(a[h] for h in halves)))
                for h in halves:
                    add(Indicator(rid, f"{area}-{h.upper()}", "half", area, h, area, f"{a['name']} ({h})", a[h]))
            else:
                add(Indicator(rid, area, "area", area, None, None, a["name"], a["weight"]))
        for group, g in spec["result_groups"].items():
            add(Indicator(rid, group, "group", None, None, None, g["name"], g["weight"]))
        for code, r in spec["results"].items():
            add(Indicator(rid, code, "result", None, None, r["group"], r["name"], r["weight"], r["survey"]))
        half_by_letter = {h[0].upper(): h for h in halves}
        for code, s in spec.get("subareas", {}).items():
            area, _, tail = code.partition("-")
            half = half_by_letter.get(tail[:1])
            if area not in spec["areas"] or half is None:
                raise RulesError(f"{rid}: kode sub-area {code} tidak menunjuk area dan paruh yang ada")
            add(Indicator(rid, code, "subarea", area, half, f"{area}-{half.upper()}", s["name"], s["weight"]))

        thresholds = spec.get("thresholds", {})
        requires_prior = {}
        for predicate, t in thresholds.items():
            requires_prior[predicate] = tuple(t.get("requires_prior", ()))
            for condition, minimum in t.items():
                if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
                    self._thresholds.append(Threshold(rid, predicate, condition, float(minimum), t["provisional"], t["source"]))
        survey = spec.get("survey_index")
        self.rubrics[rid] = Rubric(
            id=rid,
            name=spec["name"],
            first_year=spec["first_year"],
            total=spec["total"],
            pengungkit=spec["pengungkit"],
            hasil=spec["hasil"],
            halves=halves,
            source=spec["source"],
            provisional=spec["provisional"],
            thresholds_confirmed=bool(thresholds),
            requires_prior=requires_prior,
            survey_scale=(survey["scale_min"], survey["scale_max"]) if survey else None,
            survey_provisional=bool(survey and survey["provisional"]),
        )

    # -- invariants ---------------------------------------------------------------------------
    def _check(self) -> None:
        problems = []

        def near(a: float, b: float) -> bool:
            return math.isclose(a, b, abs_tol=1e-9)

        for rid, rubric in self.rubrics.items():
            items = [i for i in self._indicators if i.rubric == rid]
            areas = [i for i in items if i.level == "area"]
            results = [i for i in items if i.level == "result"]
            if tuple(i.code for i in areas) != AREAS:
                problems.append(f"{rid}: area harus {AREAS}")
            if not near(sum(i.weight for i in areas), rubric.pengungkit):
                problems.append(f"{rid}: jumlah bobot area != pengungkit {rubric.pengungkit}")
            if not near(sum(i.weight for i in results), rubric.hasil):
                problems.append(f"{rid}: jumlah bobot hasil != hasil {rubric.hasil}")
            if not near(rubric.pengungkit + rubric.hasil, rubric.total):
                problems.append(f"{rid}: pengungkit + hasil != total")
            for parent in items:
                children = [i for i in items if i.parent == parent.code]
                if parent.level == "half" and not children:
                    continue  # sub-area detail is optional in the rules too
                if children and not near(sum(c.weight for c in children), parent.weight):
                    problems.append(f"{rid}: bobot di bawah {parent.code} tidak berjumlah {parent.weight}")
            for t in (t for t in self._thresholds if t.rubric == rid):
                if t.condition not in {"total", "area_pct", "pengungkit"} | {i.code for i in items}:
                    problems.append(f"{rid}: syarat {t.predicate} '{t.condition}' tidak dikenal")
                if t.source not in self.sources:
                    problems.append(f"{rid}: sumber '{t.source}' tidak ada di [sources]")
            if rubric.source not in self.sources:
                problems.append(f"{rid}: sumber '{rubric.source}' tidak ada di [sources]")
        years = sorted(r.first_year for r in self.rubrics.values())
        if len(set(years)) != len(years):
            problems.append("dua rubrik mulai pada tahun yang sama")
        if problems:
            raise RulesError(f"{self.path}: " + "; ".join(problems))

    # -- questions the rest of the code asks ---------------------------------------------------
    def rubric_for_year(self, year: int) -> str:
        """The rubric in force for an LKE year: the one with the latest first_year <= year."""
        started = [r for r in self.rubrics.values() if r.first_year <= year]
        if not started:  # before every rubric: the oldest one
            return min(self.rubrics.values(), key=lambda r: r.first_year).id
        return max(started, key=lambda r: r.first_year).id

    def indicators(self, rubric: str | None = None, level: str | None = None) -> list[Indicator]:
        return [i for i in self._indicators if (rubric is None or i.rubric == rubric) and (level is None or i.level == level)]

    def thresholds(self, rubric: str | None = None, predicate: str | None = None) -> list[Threshold]:
        return [
            t
            for t in self._thresholds
            if (rubric is None or t.rubric == rubric) and (predicate is None or t.predicate == predicate)
        ]

    def threshold(self, rubric: str, predicate: str, condition: str) -> float | None:
        found = [t.minimum for t in self.thresholds(rubric, predicate) if t.condition == condition]
        return found[0] if found else None

    def total_thresholds(self, rubric: str) -> dict[str, float]:
        """Minimum total per predicate, e.g. {"WBK": 75.0, "WBBM": 85.0}; empty if unconfirmed."""
        return {t.predicate: t.minimum for t in self.thresholds(rubric) if t.condition == "total"}

    def newest_rubric_start(self) -> int:
        """First LKE year of the newest rubric: where trend charts mark the change."""
        return max(r.first_year for r in self.rubrics.values())

    def survey_points(self, rubric: str, code: str, index: float) -> float:
        """Points for a survey index (provisional conversion: index / scale_max x weight)."""
        scale = self.rubrics[rubric].survey_scale
        if scale is None:
            raise ValueError(f"{rubric} has no survey scale (data/rules.toml)")
        weight = next(i.weight for i in self.indicators(rubric, "result") if i.code == code)
        return index / scale[1] * weight

    def max_year(self, today_year: int) -> int:
        return today_year + int(self.validation["years_after_load"])


@cache
def load_rules(path: Path = RULES_PATH) -> Rules:
    with open(path, "rb") as fh:
        return Rules(tomllib.load(fh), Path(path))

"""WBK/WBBM conditions evaluated in Python, for what-if questions (Simulasi target).

The warehouse evaluates the same conditions in SQL (view `score_conditions`); this module must
agree with it row for row, which `tests/test_conditions.py` checks on the bundled sample. Points are
given by indicator code: areas (`MP`…), halves (`MP-PEMENUHAN`, `MP-REFORM`) where known, results
(`IPAK`, `CK`, `IPKP`).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from zi.domain.rules import Rules

NOISE = 1e-9  # floating-point noise only (75.00 summed as 74.99999999999999); the SQL view uses the same


@dataclass(frozen=True)
class Condition:
    predicate: str
    condition: str
    subject: str
    value: float
    minimum: float

    @property
    def met(self) -> bool:
        return self.value >= self.minimum - NOISE

    @property
    def missing(self) -> float:
        return 0.0 if self.met else self.minimum - self.value


def totals(rules: Rules, rubric: str, points: dict[str, float]) -> dict[str, float]:
    """Area points (a given total, else the sum of its halves), pengungkit, hasil, total."""
    out = {}
    for area in rules.indicators(rubric, "area"):
        halves = [h.code for h in rules.indicators(rubric, "half") if h.parent == area.code]
        out[area.code] = points[area.code] if area.code in points else sum(points[h] for h in halves)
    out["pengungkit"] = sum(out[a.code] for a in rules.indicators(rubric, "area"))
    out["hasil"] = sum(points[r.code] for r in rules.indicators(rubric, "result"))
    out["total"] = out["pengungkit"] + out["hasil"]
    return out


def evaluate(rules: Rules, rubric: str, points: dict[str, float], held_before: AbstractSet[str] = frozenset()) -> list[Condition]:
    """Every condition of every predicate of `rubric` for one set of points.

    `held_before`: predicates the unit held in an earlier year (for `requires_prior`). The per-area
    minimum applies to each half where that area's halves are given, else to the area total.
    """
    sums = totals(rules, rubric, points)
    results = {r.code: r for r in rules.indicators(rubric, "result")}
    found = []
    for predicate, prior in rules.rubrics[rubric].requires_prior.items():
        for threshold in rules.thresholds(rubric, predicate):
            condition, minimum = threshold.condition, threshold.minimum
            if condition in ("total", "pengungkit"):
                found.append(Condition(predicate, condition, condition, sums[condition], minimum))
            elif condition in results:
                found.append(Condition(predicate, condition, condition, points[condition], minimum))
            elif condition == "area_pct":
                for area in rules.indicators(rubric, "area"):
                    halves = [h for h in rules.indicators(rubric, "half") if h.parent == area.code]
                    items = halves if all(h.code in points for h in halves) and halves else [area]
                    for item in items:
                        value = points[item.code] if item.code in points else sums[item.code]
                        found.append(Condition(predicate, condition, item.code, value, minimum / 100 * item.weight))
            else:  # a result group, e.g. BERSIH = IPAK + CK
                value = sum(points[r.code] for r in results.values() if r.parent == condition)
                found.append(Condition(predicate, condition, condition, value, minimum))
        if prior:
            found.append(Condition(predicate, "prior", "prior", 1.0 if held_before & set(prior) else 0.0, 1.0))
    return found


def minimum_points(rules: Rules, rubric: str, predicate: str) -> dict[str, float]:
    """Points at which each half (or area) and result just meets its own minimum for `predicate`:
    a starting point for a simulation (it need not meet the total)."""
    area_pct = rules.threshold(rubric, predicate, "area_pct") or 0.0
    items = rules.indicators(rubric, "half") or rules.indicators(rubric, "area")
    points = {i.code: area_pct / 100 * i.weight for i in items}
    for result in rules.indicators(rubric, "result"):
        points[result.code] = rules.threshold(rubric, predicate, result.code) or 0.0
    return points


def eligible(conditions: list[Condition], predicate: str) -> bool | None:
    """True when every condition of the predicate holds; None when the rubric has none (unknown)."""
    own = [c for c in conditions if c.predicate == predicate]
    return all(c.met for c in own) if own else None

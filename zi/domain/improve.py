"""Which answers to improve first: every answer of one unit and stage that can still rise, one step at a time
(C -> B -> A, Tidak -> Ya, a count ratio to 100 %), in the order that reaches a predicate soonest.

The order is greedy and explicit: at each turn, the step that alone lifts the most failing WBK/WBBM
conditions of the target predicate, then the one that gains the most points. A step's points follow the
rules' own formula, sub-area = weight × mean of its items, so raising one item from value v to v' adds
exactly weight × (v' − v) / (items of the sub-area); the conditions move with the sums they read (total,
pengungkit, the item's half, a result and its group). Survey indices (IPAK, IPKP) are external results,
not answers a unit improves: they are not stepped.
"""

from __future__ import annotations

from dataclasses import dataclass

from zi.domain.bank import COMPUTED_KIND, INDEX_KIND, Bank, Item
from zi.domain.conditions import NOISE, evaluate
from zi.domain.rules import Rules


@dataclass(frozen=True)
class Answer:
    """One scored item of a unit's stage as the warehouse holds it (lke_answers)."""

    code: str
    answer: str | None  # standard form (option label); None for a computed % item
    value: float  # 0..1


@dataclass(frozen=True)
class Step:
    rank: int
    code: str
    subarea: str  # the rules' sub-area the points count in
    before: str  # the answer before the step (`C`, `Tidak`, `40 %`)
    after: str
    gain: float  # points the step adds to the total
    lifts: tuple[str, ...]  # conditions of the predicate this step alone makes hold (their subjects)
    total: float  # the total once this step and every one before it are taken
    failing: int  # conditions of the predicate still failing then


def steps(
    bank: Bank, rules: Rules, answers: list[Answer], predicate: str, held_before: frozenset[str] | set[str] = frozenset()
) -> list[Step]:
    """Every step up for one unit and stage, in order (see the module's docstring)."""
    counts = {subarea: len(items) for subarea, items in bank.subareas.items()}
    values = {a.code: a.value for a in answers}
    points = _points(bank, rules, values)
    state = {
        (c.condition, c.subject): [c.value, c.minimum]
        for c in evaluate(rules, bank.rubric, points, held_before)
        if c.predicate == predicate and c.condition != "prior"
    }
    total = sum(v for k, v in points.items() if k in _tops(rules, bank))
    by_code = {a.code: a for a in answers}
    offered = {code: _next(bank.item(code), a) for code, a in by_code.items()}
    taken: list[Step] = []
    while any(offered.values()):
        best = None
        for code, step in offered.items():
            if step is None:
                continue
            item = bank.item(code)
            gain = item.subarea_weight * (step[1] - values[code]) / counts[item.subarea]
            lifts = tuple(
                subject
                for key, subject in _reads(bank, rules, item)
                if key in state and state[key][0] < state[key][1] - NOISE <= state[key][0] + gain
            )
            rank = (len(lifts), gain)
            if best is None or rank > best[0]:
                best = (rank, code, step, gain, lifts)
        _, code, (after, value), gain, lifts = best  # type: ignore[misc]
        item = bank.item(code)
        before = by_code[code].answer if item.kind != COMPUTED_KIND else _percent(values[code])
        for key, _ in _reads(bank, rules, item):
            if key in state:
                state[key][0] += gain
        values[code] = value
        total += gain
        failing = sum(1 for v, minimum in state.values() if v < minimum - NOISE)
        taken.append(Step(len(taken) + 1, code, item.rules_subarea, before or "–", after, gain, lifts, total, failing))
        by_code[code] = Answer(code, after, value)
        offered[code] = _next(item, by_code[code])
    return taken


def _next(item: Item, answer: Answer) -> tuple[str, float] | None:
    """The next step up of one answer: the next better option, or a % item to 100 %; None at the top."""
    if item.kind == INDEX_KIND or answer.value >= 1.0 - NOISE:
        return None
    if item.kind == COMPUTED_KIND:
        return "100 %", 1.0
    better = [(label, value) for label, value in item.options if value > answer.value + NOISE]
    return min(better, key=lambda option: option[1]) if better else None


def _percent(value: float) -> str:
    return f"{round(value * 100):d} %"


def _points(bank: Bank, rules: Rules, values: dict[str, float]) -> dict[str, float]:
    """Halves and results from item values (the rules' sums), as zi.domain.conditions reads them."""
    subareas: dict[str, float] = {}
    for items in bank.subareas.values():
        total = items[0].subarea_weight * sum(values.get(i.code, 0.0) for i in items) / len(items)
        subareas[items[0].rules_subarea] = subareas.get(items[0].rules_subarea, 0.0) + total
    points = {}
    for half in rules.indicators(bank.rubric, "half"):
        points[half.code] = sum(
            subareas.get(s.code, 0.0) for s in rules.indicators(bank.rubric, "subarea") if s.parent == half.code
        )
    for result in rules.indicators(bank.rubric, "result"):
        points[result.code] = subareas.get(result.code, 0.0)
    return points


def _tops(rules: Rules, bank: Bank) -> set[str]:
    return {i.code for i in rules.indicators(bank.rubric) if i.level in ("half", "result")}


def _reads(bank: Bank, rules: Rules, item: Item) -> list[tuple[tuple[str, str], str]]:
    """The conditions whose value an item's points count in: (condition, subject) keys, with the subject."""
    keys = [("total", "total")]
    if item.part == "hasil":
        group = next(r.parent or r.code for r in rules.indicators(bank.rubric, "result") if r.code == item.area)
        keys += [(item.area, item.area), (group, group)]
    else:
        keys += [("pengungkit", "pengungkit"), ("area_pct", f"{item.area}-{item.part.upper()}")]
    return [(key, key[1]) for key in keys]

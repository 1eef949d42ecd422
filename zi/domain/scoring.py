"""Score one stage of one LKE by the rules: answers -> item values -> sub-areas -> halves and results.

Section 3 of the reference, in code that holds no number of its own: an item's value is its option's value
in the bank (`A=1;B=0.5;C=0`), a survey index divided by the rules' survey scale, or its `%` formula over its
`Jumlah` inputs; a sub-area is its weight × the mean of its scored items (every item counts: an unanswered
one is refused, never dropped); `PW-R3` is the sum of its nested LHKPN and LHKASN sub-areas; a half is the
sum of its sub-areas; IPAK, CK and IPKP are their own sub-areas (weight × value).

`score()` takes what a reader found for each item (`Given`: the raw answer and where it stands) and returns
the values, the points and every finding about the answers (outside its options, unanswered, a count that
is not a whole number, an index outside 0..scale, a zero denominator, a stated total that disagrees with
its parts). The readers turn findings into located problems; the dashboard's simulator re-scores changed
answers with the same function.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from zi.domain.bank import COMPUTED_KIND, COUNT_KIND, INDEX_KIND, OPTION_KINDS, TOTAL_KIND, Bank, Item
from zi.domain.formula import ZeroDenominator
from zi.domain.rules import Rules

EMPTY = {"", "-", "–", "blm diisi", "belum diisi"}  # what a workbook shows for an unanswered cell
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class Given(NamedTuple):
    """One answer as a reader found it: the raw cell or JSON value, and where it stands (opaque here)."""

    raw: object
    where: object = None


class Finding(NamedTuple):
    code: str  # the item
    where: object
    value: object  # as written
    reason: str  # Bahasa Indonesia
    warning: bool = False


@dataclass
class StageScore:
    answers: dict[str, str] = field(default_factory=dict)  # canonical answer per answered item: A, Ya, 12, 3.6
    values: dict[str, float] = field(default_factory=dict)  # 0..1 per scored item
    points: dict[str, float] = field(default_factory=dict)  # each scored item's share of its sub-area's points
    bank_subareas: dict[str, float] = field(default_factory=dict)  # MP-P1 .. PW-R3a, PW-R3b .. IPAK: points
    subareas: dict[str, float] = field(default_factory=dict)  # the rules' sub-areas (PW-R3 whole) and results
    halves: dict[str, float] = field(default_factory=dict)  # MP-PEMENUHAN ... : points
    results: dict[str, float] = field(default_factory=dict)  # IPAK CK IPKP: points
    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> list[Finding]:
        return [f for f in self.findings if not f.warning]

    @property
    def pengungkit(self) -> float:
        return sum(self.halves.values())

    @property
    def hasil(self) -> float:
        return sum(self.results.values())

    @property
    def total(self) -> float:
        return self.pengungkit + self.hasil


def is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if raw.__class__ is str and raw and raw[0] not in " -–bB\t\n":  # the common case: an answer, not blank
        return False
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and " ".join(raw.split()).lower() in EMPTY


def as_number(raw: object) -> float | None:
    """A cell or JSON value as a number: 12, 12.0, "12", "3,60"; None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if math.isfinite(raw) else None
    text = str(raw).strip()
    return float(text.replace(",", ".")) if NUMBER.match(text) else None


def number_text(value: float) -> str:
    """A count or index as PortalRB and a reader write it: 12 not 12.0; 3.6."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def option_of(bank: Bank, item: Item, raw: object) -> tuple[str, float] | None:
    """The bank's option a written answer means (`a`, ` A `, `A.` -> A; `ya` -> Ya), or None."""
    exact = bank.option(item, raw) if isinstance(raw, str) else None  # most answers are written as the option is
    return exact or bank.option(item, str(raw).strip().rstrip(".").strip())


def score(bank: Bank, rules: Rules, given: dict[str, Given]) -> StageScore:
    """Score one stage; `given` maps item codes to what the reader found (absent: the file lacks it)."""
    result = StageScore()
    scale = bank.index_scale(rules)
    counts: dict[str, float] = {}
    for item in bank.items:
        if not item.answered and item.kind != TOTAL_KIND:
            continue
        found = given.get(item.code)
        if item.kind == TOTAL_KIND:  # stated only by some workbooks; computed where absent
            if found is not None and not is_empty(found.raw):
                value = _count(item, found, result)
                if value is not None:
                    counts[item.code] = value
                    result.answers[item.code] = number_text(value)
            continue
        if found is None:
            result.findings.append(Finding(item.code, None, None, "butir ini tidak ada di berkas"))
            continue
        if is_empty(found.raw):
            result.findings.append(Finding(item.code, found.where, found.raw, "belum diisi"))
            continue
        if item.kind in OPTION_KINDS:
            option = option_of(bank, item, found.raw)
            if option is None:
                choices = "/".join(label for label, _ in item.options)
                result.findings.append(Finding(item.code, found.where, found.raw, f"jawaban bukan salah satu pilihan {choices}"))
                continue
            result.answers[item.code], result.values[item.code] = option
        elif item.kind == INDEX_KIND:
            index = as_number(found.raw)
            if index is None or not 0.0 <= index <= scale:
                result.findings.append(
                    Finding(item.code, found.where, found.raw, f"indeks survei harus angka 0 sampai {number_text(scale)}")
                )
                continue
            result.answers[item.code] = number_text(index)
            result.values[item.code] = index / scale
        elif item.kind == COUNT_KIND:
            value = _count(item, found, result)
            if value is not None:
                counts[item.code] = value
                result.answers[item.code] = number_text(value)
    for item in bank.items:
        if item.kind == COMPUTED_KIND:
            _compute(bank, item, counts, given, result)
    _sum(bank, rules, result)
    return result


def _count(item: Item, found: Given, result: StageScore) -> float | None:
    value = as_number(found.raw)
    if value is None or value < 0 or not value.is_integer():
        result.findings.append(Finding(item.code, found.where, found.raw, "jumlah harus bilangan bulat 0 atau lebih"))
        return None
    return value


def _compute(bank: Bank, item: Item, counts: dict[str, float], given: dict[str, Given], result: StageScore) -> None:
    """A % item from its inputs; a stated total stands in for the sum it names (with a warning if it
    disagrees with its parts); a zero denominator is valued by the rules' policy, or refused."""
    assert item.formula is not None
    inputs = {ref: counts.get(item.ref_code(ref)) for ref in item.formula.references}
    if any(v is None for v in inputs.values()):
        return  # an input is missing or bad: already a finding
    stated = None
    total = bank.stated_total(item)
    if total is not None and total[0].code in counts:
        total_item, node = total
        assert total_item.formula is not None
        parts = total_item.formula.evaluate({ref: counts[total_item.ref_code(ref)] for ref in total_item.formula.references})
        value = counts[total_item.code]
        if abs(parts - value) > 1e-9:
            result.findings.append(
                Finding(
                    total_item.code,
                    given[total_item.code].where,
                    given[total_item.code].raw,
                    f"jumlah tertulis {number_text(value)} tidak sama dengan jumlah rinciannya {number_text(parts)}; "
                    "yang tertulis dipakai, seperti buku kerja menghitung",
                    warning=True,
                )
            )
        stated = {node: value}
    # where to say it: the % item's own cell, or (PortalRB sends no % items) its first input's place
    located = [given[c] for c in (item.code, *(item.ref_code(r) for r in item.formula.references)) if c in given]
    where = located[0].where if located else None
    try:
        result.values[item.code] = item.formula.evaluate(inputs, stated)  # type: ignore[arg-type]
    except ZeroDenominator:
        policy = bank.zero.for_item(item.code)
        shown = ", ".join(f"{ref} = {number_text(v)}" for ref, v in inputs.items())  # type: ignore[arg-type]
        if policy == "tolak":
            result.findings.append(
                Finding(
                    item.code,
                    where,
                    shown,
                    "pembagi rumus nol; aturan [lke.zero_denominator] menolaknya (isi ulang atau ubah aturannya)",
                )
            )
            return
        result.values[item.code] = float(policy)
        result.findings.append(
            Finding(
                item.code,
                where,
                shown,
                f"pembagi rumus nol; dinilai {number_text(float(policy))} menurut aturan [lke.zero_denominator] (sementara)",
                warning=True,
            )
        )


def _sum(bank: Bank, rules: Rules, result: StageScore) -> None:
    """Sub-areas (weight × mean of every scored item), nested ones into their parent, then halves and results."""
    for subarea, items in bank.subareas.items():
        if not all(i.code in result.values for i in items):
            continue  # a refused item: this stage is refused, its sums are not used
        weight = items[0].subarea_weight
        for i in items:
            result.points[i.code] = weight * result.values[i.code] / len(items)
        points = weight * sum(result.values[i.code] for i in items) / len(items)
        result.bank_subareas[subarea] = points
        parent = items[0].rules_subarea
        result.subareas[parent] = result.subareas.get(parent, 0.0) + points
    halves, results = _structure(bank, rules)
    for half, children in halves.items():
        if all(c in result.subareas for c in children):
            result.halves[half] = sum(result.subareas[c] for c in children)
    for code in results:
        if code in result.subareas:
            result.results[code] = result.subareas[code]


@lru_cache(maxsize=4)
def _structure(bank: Bank, rules: Rules) -> tuple[dict[str, list[str]], list[str]]:
    """The rules' halves with their sub-areas, and the results (asked for every stage of every file)."""
    halves = {
        h.code: [s.code for s in rules.indicators(bank.rubric, "subarea") if s.parent == h.code]
        for h in rules.indicators(bank.rubric, "half")
    }
    return halves, [r.code for r in rules.indicators(bank.rubric, "result")]

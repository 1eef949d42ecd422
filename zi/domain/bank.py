"""The LKE question bank (`data/lke_questions.csv`, named by `[lke]` in data/rules.toml): every item of the
90/2021 instrument with its PortalRB id, sub-area, answer type, option values and, for computed `%` items, the
formula over its `Jumlah` inputs.

The bank is part of the rules: no item code, option value or formula is written in Python or SQL. It is read
once, checked against data/rules.toml (each sub-area's weight, the nesting of PW-R3, the survey conversion),
and copied by the ETL into the warehouse table `rule_questions`.

Kinds of item (`jenis`): `YA_TIDAK ABC ABCD ABCDE` (an option, valued by `nilai_opsi`), `INDEKS_0_4` (a survey
index, valued index / the rules' survey scale), `PERSEN` (computed by `rumus` from its inputs), `JUMLAH` (a
count, an input of a `PERSEN` item), `TOTAL` (a stated total of some inputs that LAMPIRAN III shows and the
2026 list does not: where a workbook states it, it stands in for the sum it names, as the workbook computes).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from zi.domain.formula import Formula, FormulaError, Node, parse
from zi.domain.rules import Rules, RulesError, load_rules

OPTION_KINDS = ("YA_TIDAK", "ABC", "ABCD", "ABCDE")
INDEX_KIND = "INDEKS_0_4"
COMPUTED_KIND = "PERSEN"
COUNT_KIND = "JUMLAH"
TOTAL_KIND = "TOTAL"
KINDS = (*OPTION_KINDS, INDEX_KIND, COMPUTED_KIND, COUNT_KIND, TOTAL_KIND)
POLICIES = ("tolak",)  # a zero denominator is refused, or worth a number given in the rules file


@dataclass(frozen=True)
class Item:
    """One row of the bank."""

    code: str  # MP-P1-a; an input adds .1, .2 ... to its % item: MP-R1-a.1; a stated total .0
    soal_id: int | None  # PortalRB 2026 master id; None for computed and LAMPIRAN III-only rows
    part: str  # pemenuhan | reform | hasil
    area: str  # MP .. PP, or IPAK CK IPKP
    subarea: str  # MP-P1 ...; a nested one (PW-R3a) has `parent`
    subarea_name: str
    subarea_weight: float
    parent: str | None  # the rules' sub-area a nested sub-area sums into (PW-R3)
    kind: str
    options: tuple[tuple[str, float], ...]  # (label, value) in the bank's order: A=1 ... or Ya=1;Tidak=0
    formula: Formula | None  # PERSEN and TOTAL
    question: str
    variants: tuple[str, ...]  # other wordings seen in real copies (LAMPIRAN III, office copies)
    source: str
    scored: bool = field(init=False)  # counts in its sub-area's mean (inputs and stated totals only feed a formula)
    answered: bool = field(init=False)  # a unit answers it (a computed % item and a stated total are computed)

    def __post_init__(self) -> None:  # plain fields, not properties: asked for every item of every file
        object.__setattr__(self, "scored", self.kind not in (COUNT_KIND, TOTAL_KIND))
        object.__setattr__(self, "answered", self.kind not in (COMPUTED_KIND, TOTAL_KIND))

    @property
    def of(self) -> str | None:
        """The % item an input or a stated total belongs to: MP-R1-a.1 -> MP-R1-a."""
        return self.code.rsplit(".", 1)[0] if self.kind in (COUNT_KIND, TOTAL_KIND) else None

    @property
    def rules_subarea(self) -> str:
        """The sub-area of data/rules.toml this item scores in (PW-R3a -> PW-R3)."""
        return self.parent or self.subarea

    def ref_code(self, ref: str) -> str:
        """A formula's reference as an item code: `a.2` in MP-R1's formula -> MP-R1-a.2."""
        return f"{self.subarea}-{ref}"


@dataclass(frozen=True)
class ZeroPolicy:
    default: str | float  # "tolak" or a value 0..1
    values: dict[str, float]  # per % item
    source: str
    provisional: bool

    def for_item(self, code: str) -> str | float:
        return self.values.get(code, self.default)


@dataclass(frozen=True, eq=False)
class Bank:
    path: Path
    version: str
    rubric: str
    source: str
    provisional: bool
    items: tuple[Item, ...]  # in LKE order
    zero: ZeroPolicy
    type_labels: dict[str, tuple[str, ...]]  # kind -> labels column J may carry for it
    outline: dict[str, str]  # words of headings and total rows of the workbook
    self_check_tolerance: float
    # lookups the readers and the scoring ask for every item of every file, built once
    by_code: dict[str, Item] = field(init=False, repr=False)
    by_soal_id: dict[int, Item] = field(init=False, repr=False)
    subareas: dict[str, list[Item]] = field(init=False, repr=False)  # scored items per bank sub-area, in order
    _inputs: dict[str, list[Item]] = field(init=False, repr=False)
    _totals: dict[str, tuple[Item, Node]] = field(init=False, repr=False)
    _options: dict[str, dict[str, tuple[str, float]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        subareas: dict[str, list[Item]] = {}
        inputs: dict[str, list[Item]] = {}
        for item in self.items:
            if item.scored:
                subareas.setdefault(item.subarea, []).append(item)
            if item.of is not None:
                inputs.setdefault(item.of, []).append(item)
        totals = {
            of: (i, i.formula.cases[0][1])
            for of, found in inputs.items()
            for i in found
            if i.kind == TOTAL_KIND and i.formula is not None
        }
        options = {
            i.code: {label.lower(): (label, value) for label, value in i.options}
            | {label: (label, value) for label, value in i.options}
            for i in self.items
            if i.options
        }
        for name, value in (
            ("by_code", {i.code: i for i in self.items}),
            ("subareas", subareas),
            ("_inputs", inputs),
            ("by_soal_id", {i.soal_id: i for i in self.items if i.soal_id is not None}),
            ("_totals", totals),
            ("_options", options),
        ):
            object.__setattr__(self, name, value)

    def item(self, code: str) -> Item:
        return self.by_code[code]

    def inputs(self, item: Item) -> list[Item]:
        """The `Jumlah` inputs (and stated total) of a % item, in bank order."""
        return self._inputs.get(item.code, [])

    def stated_total(self, item: Item) -> tuple[Item, Node] | None:
        """A % item's stated total and the sub-expression of the item's formula it stands for."""
        return self._totals.get(item.code)

    def option(self, item: Item, written: str) -> tuple[str, float] | None:
        """The option (label, value) a written answer means, in any case: `a` -> (A, 1.0)."""
        options = self._options[item.code]
        return options.get(written) or options.get(written.lower())

    def index_scale(self, rules: Rules) -> float:
        return rules.rubrics[self.rubric].survey_scale[1]  # type: ignore[index]


def _options(text: str, kind: str, code: str) -> tuple[tuple[str, float], ...]:
    if kind not in OPTION_KINDS:
        return ()
    options = []
    for part in text.split(";"):
        label, _, value = part.partition("=")
        if not label.strip() or not value.strip():
            raise RulesError(f"bank soal, butir {code}: nilai_opsi '{text}' tidak terbaca")
        options.append((label.strip(), float(value)))
    expected = {"YA_TIDAK": 2, "ABC": 3, "ABCD": 4, "ABCDE": 5}[kind]
    if len(options) != expected or not all(0.0 <= v <= 1.0 for _, v in options):
        raise RulesError(f"bank soal, butir {code}: {kind} perlu {expected} pilihan bernilai 0..1 ('{text}')")
    return tuple(options)


def _read_items(path: Path) -> list[Item]:
    items = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, kind = row["kode"].strip(), row["jenis"].strip()
            if kind not in KINDS:
                raise RulesError(f"bank soal, butir {code}: jenis '{kind}' tidak dikenal ({', '.join(KINDS)})")
            formula = None
            if kind in (COMPUTED_KIND, TOTAL_KIND):
                try:
                    formula = parse(row["rumus"])
                except FormulaError as error:
                    raise RulesError(f"bank soal, butir {code}: {error}") from None
            items.append(
                Item(
                    code=code,
                    soal_id=int(row["soal_id_2026"]) if row["soal_id_2026"].strip() else None,
                    part=row["bagian"].strip(),
                    area=row["area"].strip(),
                    subarea=row["sub_area"].strip(),
                    subarea_name=row["sub_area_nama"].strip(),
                    subarea_weight=float(row["bobot_sub_area"]),
                    parent=row["induk"].strip() or None,
                    kind=kind,
                    options=_options(row["nilai_opsi"], kind, code),
                    formula=formula,
                    question=" ".join(row["pertanyaan"].split()),
                    variants=tuple(" ".join(v.split()) for v in row["ragam_kalimat"].split("|") if v.strip()),
                    source=row["sumber"].strip(),
                )
            )
    return items


def _check(bank: Bank, rules: Rules) -> None:
    """The bank and the rules file agree; every formula names inputs that exist."""
    problems = []
    rubric = rules.rubrics.get(bank.rubric)
    if rubric is None:
        raise RulesError(f"[lke] rubric '{bank.rubric}' tidak ada di data/rules.toml")
    codes = [i.code for i in bank.items]
    if len(set(codes)) != len(codes):
        problems.append("kode butir ganda")
    ids = [i.soal_id for i in bank.items if i.soal_id is not None]
    if len(set(ids)) != len(ids):
        problems.append("soal_id ganda")
    weights = {i.code: i.weight for i in rules.indicators(bank.rubric) if i.level in ("subarea", "result")}
    bank_weights: dict[str, float] = {}
    for subarea, items in bank.subareas.items():
        first = items[0]
        bank_weights[first.rules_subarea] = bank_weights.get(first.rules_subarea, 0.0) + (
            first.subarea_weight if first.parent else 0.0
        )
        if not first.parent:
            bank_weights[subarea] = first.subarea_weight
    for code, weight in weights.items():
        if code not in bank_weights:
            problems.append(f"sub-area {code} tidak punya butir")
        elif not math.isclose(bank_weights[code], weight, abs_tol=1e-9):
            problems.append(f"bobot {code}: bank {bank_weights[code]:g}, aturan {weight:g}")
    problems += [f"sub-area {code} tidak ada di aturan" for code in bank_weights if code not in weights]
    for item in bank.items:
        if item.formula is not None:
            for ref in item.formula.references:
                if item.ref_code(ref) not in bank.by_code:
                    problems.append(f"rumus {item.code} menyebut {ref}, butir {item.ref_code(ref)} tidak ada")
        if item.of is not None and (item.of not in bank.by_code or bank.item(item.of).kind != COMPUTED_KIND):
            problems.append(f"{item.code} bukan masukan butir % yang ada")
    if rubric.survey_scale is None and any(i.kind == INDEX_KIND for i in bank.items):
        problems.append(f"rubrik {bank.rubric} tanpa [survey_index], padahal bank punya butir indeks")
    for code, value in bank.zero.values.items():
        if code not in bank.by_code or bank.item(code).kind != COMPUTED_KIND or not 0.0 <= value <= 1.0:
            problems.append(f"[lke.zero_denominator] {code}: bukan butir % atau nilai di luar 0..1")
    if problems:
        raise RulesError(f"{bank.path}: " + "; ".join(problems))


@cache
def load_bank(rules: Rules | None = None) -> Bank:
    """The bank named by `[lke]` of the rules file, checked against it."""
    rules = rules or load_rules()
    spec = rules.lke
    zero = spec["zero_denominator"]
    default = zero["default"]
    if isinstance(default, str) and default not in POLICIES:
        raise RulesError(f"[lke.zero_denominator] default '{default}': gunakan 'tolak' atau angka 0..1")
    bank = Bank(
        path=Path(rules.path).parent / spec["bank"],
        version=spec["version"],
        rubric=spec["rubric"],
        source=spec["source"],
        provisional=bool(spec["provisional"]),
        items=tuple(_read_items(Path(rules.path).parent / spec["bank"])),
        zero=ZeroPolicy(
            default if isinstance(default, str) else float(default),
            {k: float(v) for k, v in zero.get("values", {}).items()},
            zero["source"],
            bool(zero["provisional"]),
        ),
        type_labels={kind: tuple(labels) for kind, labels in spec["type_labels"].items()},
        outline=dict(spec["outline"]),
        self_check_tolerance=float(spec["self_check_tolerance"]),
    )
    for key in (bank.source, bank.zero.source):
        if key not in rules.sources:
            raise RulesError(f"[lke]: sumber '{key}' tidak ada di [sources]")
    _check(bank, rules)
    return bank

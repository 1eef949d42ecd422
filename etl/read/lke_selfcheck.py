"""An LKE workbook checked against itself: where it holds its own values (the `Nilai` column of items,
sub-areas, areas, halves and totals; a `%` item's own cell; column J's answer type), they are compared with
the rules' values, and each difference becomes a warning naming the file, sheet, cell, item code, the
workbook's value and the rules' value. The rules' values are the ones used: these are warnings, never
refusals.
"""

from __future__ import annotations

from functools import lru_cache

from etl.problems import Problem
from etl.read.lke_layout import normal_type
from zi.domain.bank import COMPUTED_KIND, Bank
from zi.domain.rules import Rules
from zi.domain.scoring import StageScore, as_number


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def type_labels(bank: Bank, sheet, row_of: dict[str, int], type_col: int | None, name: str) -> list[Problem]:
    """Column J says an answer type other than the bank's (a line break or a space is no other type)."""
    if type_col is None:
        return []
    found = []
    for index, code, written in _mistyped(bank, tuple((i, c, _cell(sheet.rows[i], type_col)) for c, i in row_of.items())):
        found.append(
            Problem(
                name,
                index + 1,
                sheet.headers[type_col] or "Pilihan Jawaban",
                " ".join(str(written).split()),
                f"jenis jawaban berbeda dengan bank soal ({' atau '.join(bank.type_labels[bank.item(code).kind])}); jenis bank soal dipakai",
                sheet=sheet.name,
                warning=True,
                cell=f"{column_letter(type_col)}{index + 1}",
                item=code,
            )
        )
    return found


def _cell(cells: list, col: int) -> object:
    return cells[col] if col < len(cells) else None


@lru_cache(maxsize=256)
def _mistyped(bank: Bank, labels: tuple[tuple[int, str, object], ...]) -> tuple[tuple[int, str, object], ...]:
    """The (row, item, label) whose label names another type than the bank's; once per template."""
    expected = _expected_labels(bank)
    return tuple((i, c, w) for i, c, w in labels if normal_type(w) and normal_type(w) not in expected[bank.item(c).kind])


@lru_cache(maxsize=4)
def _expected_labels(bank: Bank) -> dict[str, frozenset[str]]:
    return {kind: frozenset(normal_type(label) for label in labels) for kind, labels in bank.type_labels.items()}


def own_values(
    bank: Bank,
    rules: Rules,
    sheet,
    layout,
    rows_of_labels: tuple[int, ...],
    row_of: dict[str, int],
    columns,
    result: StageScore,
    stage: str,
    name: str,
) -> list[Problem]:
    """The workbook's own values of one stage beside the rules' values (tolerance from the rules file)."""
    tolerance = bank.self_check_tolerance
    values = {"value": result.values, "points": result.points}
    totals = {"total_pengungkit": result.pengungkit, "total_hasil": result.hasil, "total": result.total}
    found = []
    for index, col, code, kind in _targets(bank, rules, layout, rows_of_labels, columns.value, columns.answer):
        cells = sheet.rows[index]
        if col >= len(cells) or cells[col] == "":
            continue
        own = as_number(cells[col])
        if own is None:
            continue
        if kind == "heading":
            rules_value = _heading_value(bank, rules, code, result)
        elif kind == "total":
            rules_value, code = totals[code], bank.outline[code]
        else:
            rules_value = values[kind].get(code)
        if rules_value is not None and abs(own - rules_value) > tolerance:
            found.append(
                Problem(
                    name,
                    index + 1,
                    sheet.headers[col] or column_letter(col),
                    _shown(own),
                    f"nilai di buku kerja {_shown(own)}, menurut aturan {_shown(rules_value)} (tahap {stage}); nilai aturan dipakai",
                    sheet=sheet.name,
                    warning=True,
                    cell=f"{column_letter(col)}{index + 1}",
                    item=code,
                )
            )
    return found


@lru_cache(maxsize=256)
def _targets(
    bank: Bank, rules: Rules, layout, rows_of_labels: tuple[int, ...], value_col: int | None, answer_col: int
) -> tuple[tuple[int, int, str, str], ...]:
    """The cells a stage's own values stand in, and what each is compared with: an item's value (its
    points for a result), a heading's sum, a total; a % item's own cell. Once per template and stage."""
    results = _result_codes(bank, rules)
    row_of = {code: rows_of_labels[i] for code, i in layout.items.items()}
    targets = []
    if value_col is not None:
        for code, index in row_of.items():
            item = bank.item(code)
            if item.scored:
                targets.append((index, value_col, code, "points" if item.subarea in results else "value"))
        targets += [(rows_of_labels[at], value_col, code, "heading") for code, at in layout.headings.items()]
        targets += [(rows_of_labels[at], value_col, key, "total") for key, at in layout.totals.items()]
    targets += [(index, answer_col, code, "value") for code, index in row_of.items() if bank.item(code).kind == COMPUTED_KIND]
    return tuple(targets)


def _heading_value(bank: Bank, rules: Rules, code: str, result: StageScore) -> float | None:
    """The rules' value of a heading row: a sub-area, an area's half, a half, a result group, a part."""
    if code in result.bank_subareas:
        return result.bank_subareas[code]
    if code in result.subareas:
        return result.subareas[code]
    if code in result.halves:
        return result.halves[code]
    halves, groups = _groups(bank, rules)
    if code in halves:
        return sum(v for k, v in result.halves.items() if k.endswith(code))
    if code in groups:
        return sum(result.results.get(r, 0.0) for r in groups[code])
    return {"PENGUNGKIT": result.pengungkit, "HASIL": result.hasil}.get(code)


@lru_cache(maxsize=4)
def _groups(bank: Bank, rules: Rules) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    halves = frozenset(h.upper() for h in rules.rubrics[bank.rubric].halves)
    groups = {
        g.code: tuple(r.code for r in rules.indicators(bank.rubric, "result") if r.parent == g.code)
        for g in rules.indicators(bank.rubric, "group")
    }
    return halves, groups


@lru_cache(maxsize=4)
def _result_codes(bank: Bank, rules: Rules) -> frozenset[str]:
    return frozenset(i.code for i in rules.indicators(bank.rubric, "result"))


def _shown(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")

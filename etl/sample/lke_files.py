"""Write LKE files as units, TPIs and PortalRB hold them: the official workbook (LAMPIRAN III PermenPANRB
90/2021 layout), PortalRB's `Jawaban` template and PortalRB's answers JSON. The sample generator writes the
bundled LKE data with these, and the tests build their fixtures with them.

The workbook follows `../shared/reference/lke-workbook.md` section 1: a title row and a header row (`Penilaian`
merged over B:G, `Bobot`, `Penjelasan`, `Pilihan Jawaban` (hidden), `Jawaban`, `Nilai`, ` %`, notes in O and
evidence in the unheaded P and Q), the hierarchy one level per column (B `A.` ... G the question), `Jumlah`
rows under their `%` item, hidden helper sheets (`Utama` first, `Ctt Eval`) of formulas pointing at the LKE
sheet, the workbook's own formulas saved with their values as an office program saves them (xlsxwriter writes
both), option lists on the answers, and a TPI's (or TPN's) own answer columns where it has worked the file.
`Quirks` adds what filled copies really do: a broken or mistyped answer-type label, a sub-area formula over the
wrong range (its own value, and the sums above it, then differ from the rules), a stated total typed over its
formula, the item's letter written into the question's cell.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from zi.domain.bank import COMPUTED_KIND, COUNT_KIND, INDEX_KIND, TOTAL_KIND, Bank, Item, load_bank
from zi.domain.formula import Binary, Call, Formula, Node, Number, Ref
from zi.domain.rules import AREAS, Rules, load_rules
from zi.domain.scoring import Given, StageScore, score

TITLE = "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM (LAMPIRAN III PERMENPANRB NOMOR 90 TAHUN 2021)"
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")
LETTERS = "abcdefghij"
FIXED_TIME = dt.datetime(2025, 6, 2, 8, 0, 0)  # workbook properties: the same answers give the same bytes
# Columns (0-based) of LAMPIRAN III: answer, own value, note per stage; a TPI's and a TPN's to the right of Q.
SA_COLUMNS = (10, 11, 14)
EXTRA_HEADERS = {"TPI": ("Jawaban TPI", "Nilai TPI", "Catatan TPI"), "TPN": ("Jawaban TPN", "Nilai TPN", "Catatan TPN")}
RESULTS = ("IPAK", "CK", "IPKP")


@dataclass
class LkeAnswers:
    """One unit-year's LKE: per stage, item code -> answer as PortalRB writes it (an option label, `Ya`/`Tidak`,
    a number; absent or None: unanswered); notes per stage and item; the unit's evidence (description, link)."""

    stages: dict[str, dict[str, object]]
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    evidence: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Quirks:
    """What filled copies really do (each off by default)."""

    broken_type_labels: bool = False  # `A/B/` and `C` on two lines in column J (not another type)
    mistyped_label: str | None = None  # this item's column J names another type
    wrong_range: str | None = None  # this sub-area's AVERAGE misses its last item
    typed_total: tuple[str, float] | None = None  # (stated total, value) typed over its SUM formula
    marker_in_text: bool = False  # `a.<tab>question` in one cell instead of F `a.` and G the question
    trailing_spaces: bool = False  # item letters with trailing spaces
    omitted: tuple[str, ...] = ()  # items whose row the copy lacks (a refusal: the bank's item is missing)
    stray_row: str | None = None  # a question of no bank item, answered, after the first item (a refusal)


@dataclass
class _Line:
    """One row of the outline as the workbook writes it."""

    kind: str  # part | half | area | subarea | group | item | total
    code: str
    marker_col: int
    marker: str
    text: str
    weight: float | None = None
    item: Item | None = None
    children: list[str] = field(default_factory=list)  # codes whose own values this row sums (or averages)


def outline_lines(bank: Bank, rules: Rules) -> list[_Line]:
    """The instrument as LAMPIRAN III lays it out, top to bottom."""
    rubric = rules.rubrics[bank.rubric]
    areas = {a.code: a for a in rules.indicators(bank.rubric, "area")}
    halves = {h.code: h for h in rules.indicators(bank.rubric, "half")}
    subareas = {s.code: s for s in rules.indicators(bank.rubric, "subarea")}
    lines: list[_Line] = []
    part = _Line("part", "PENGUNGKIT", 1, "A.", bank.outline["pengungkit"], rubric.pengungkit)
    lines.append(part)
    for h, half in enumerate(rubric.halves):
        head = _Line(
            "half", half.upper(), 2, ("I.", "II.")[h], half.upper(), sum(x.weight for x in halves.values() if x.half == half)
        )
        lines.append(head)
        part.children.append(head.code)
        for n, area in enumerate(AREAS, start=1):
            code = f"{area}-{half.upper()}"
            area_line = _Line("area", code, 3, f"{n}.", areas[area].name.upper(), halves[code].weight)
            lines.append(area_line)
            head.children.append(code)
            number, nested = 0, {}
            for subarea, items in bank.subareas.items():
                first = items[0]
                if first.area != area or first.part != half:
                    continue
                if first.parent:
                    if first.parent not in nested:
                        parent = _Line(
                            "subarea",
                            first.parent,
                            4,
                            f"{ROMAN[number]}.",
                            subareas[first.parent].name,
                            subareas[first.parent].weight,
                        )
                        lines.append(parent)
                        area_line.children.append(first.parent)
                        nested[first.parent] = parent
                        number += 1
                    nested[first.parent].children.append(subarea)
                    letter = LETTERS[len(nested[first.parent].children) - 1]
                    lines.append(_Line("subarea", subarea, 5, f"{letter}.", first.subarea_name, first.subarea_weight))
                    lines += _item_lines(bank, subarea, 5, lines[-1], lettered=False)
                else:
                    lines.append(_Line("subarea", subarea, 4, f"{ROMAN[number]}.", first.subarea_name, first.subarea_weight))
                    area_line.children.append(subarea)
                    number += 1
                    lines += _item_lines(bank, subarea, 5, lines[-1])
    hasil = _Line("part", "HASIL", 1, "B.", bank.outline["hasil"], rubric.hasil)
    lines.append(hasil)
    for g, group in enumerate(rules.indicators(bank.rubric, "group")):
        group_line = _Line("group", group.code, 2, ("I.", "II.")[g], group.name.upper(), group.weight)
        lines.append(group_line)
        hasil.children.append(group.code)
        results = [r.code for r in rules.indicators(bank.rubric, "result") if r.parent == group.code]
        for letter, result in zip(LETTERS, results, strict=False):
            item = bank.item(result)
            lines.append(_Line("item", item.code, 3, f"{letter}.", item.question, item.subarea_weight, item))
            group_line.children.append(item.code)
    for key, children in (("total_pengungkit", ["PENGUNGKIT"]), ("total_hasil", ["HASIL"]), ("total", ["PENGUNGKIT", "HASIL"])):
        lines.append(_Line("total", key, 1, "", bank.outline[key], None, None, children))
    return lines


def _item_lines(bank: Bank, subarea: str, marker_col: int, owner: _Line, lettered: bool = True) -> list[_Line]:
    lines, letter = [], 0
    for item in bank.items:
        if item.subarea != subarea:
            continue
        if item.kind in (COUNT_KIND, TOTAL_KIND) or not lettered:
            marker = "-"
        else:
            marker, letter = f"{LETTERS[letter]}.", letter + 1
        # LAMPIRAN III's own wording where the bank records it (a few `Jumlah` rows of LHKPN/LHKASN)
        text = item.variants[0] if item.variants and item.kind == COUNT_KIND else item.question
        lines.append(_Line("item", item.code, marker_col, marker, text, None, item))
        if item.scored:
            owner.children.append(item.code)
    return lines


def stage_scores(answers: LkeAnswers, bank: Bank, rules: Rules, quirks: Quirks = Quirks()) -> dict[str, StageScore]:
    """Each stage scored as the workbook computes it (a typed-over total included, as its % formula uses it)."""
    typed = dict([quirks.typed_total]) if quirks.typed_total else {}
    return {
        stage: score(bank, rules, {c: Given(v) for c, v in (given | typed).items()}) for stage, given in answers.stages.items()
    }


def col(index: int) -> str:
    return chr(65 + index) if index < 26 else chr(64 + index // 26) + chr(65 + index % 26)


# -- the official workbook ------------------------------------------------------------------------------
def write_lampiran3(path: Path, answers: LkeAnswers, quirks: Quirks = Quirks(), rules: Rules | None = None) -> Path:
    """The official workbook of one unit-year: SA in K (value L, note O, evidence P and Q), each other stage in
    three columns of its own to the right (`Jawaban TPI`, `Nilai TPI`, `Catatan TPI`)."""
    rules = rules or load_rules()
    bank = load_bank(rules)
    lines = [line for line in outline_lines(bank, rules) if line.code not in quirks.omitted]
    if quirks.stray_row:
        first_item = next(n for n, line in enumerate(lines) if line.item is not None)
        lines.insert(first_item + 1, _Line("stray", "STRAY", 5, "x.", quirks.stray_row))
    first_row = 3  # title (row 1), header (row 2), a blank row, then the outline (0-based 3 = row 4)
    row_of = {line.code: first_row + n for n, line in enumerate(lines)}
    columns = {"SA": SA_COLUMNS} | {
        stage: (17 + 3 * n, 18 + 3 * n, 19 + 3 * n) for n, stage in enumerate(s for s in ("TPI", "TPN") if s in answers.stages)
    }
    scores = stage_scores(answers, bank, rules, quirks)
    own = {stage: _own_values(bank, rules, scores[stage], quirks) for stage in columns if stage in scores}

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": "LKE ZI", "created": FIXED_TIME})
    bold, wrap = book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"})
    helper = book.add_worksheet("Utama")  # hidden, and first: a reader that takes the first sheet reads the wrong one
    sheet = book.add_worksheet("LKE ZI")
    remarks = book.add_worksheet("Ctt Eval")
    sheet.activate()
    helper.hide()
    remarks.hide()

    sheet.merge_range(0, 1, 0, 6, TITLE, bold)
    sheet.merge_range(1, 1, 1, 6, "Penilaian", bold)
    for c, text in (
        (0, "No"),
        (7, "Bobot"),
        (8, "Penjelasan"),
        (9, "Pilihan Jawaban"),
        (10, "Jawaban"),
        (11, "Nilai"),
        (12, " %"),
        (14, "Catatan/Keterangan/Penjelasan"),
    ):
        sheet.write_string(1, c, text, bold)
    for stage, cs in columns.items():
        if stage != "SA":
            for c, text in zip(cs, EXTRA_HEADERS[stage], strict=True):
                sheet.write_string(1, c, text, bold)
    sheet.set_column(0, 0, 4, None, {"hidden": True})
    sheet.set_column(1, 5, 4)
    sheet.set_column(6, 6, 60, wrap)
    sheet.set_column(8, 8, 30, wrap)
    sheet.set_column(9, 9, 10, None, {"hidden": True})
    sheet.set_column(14, 16, 30, wrap)

    number = 0
    for line in lines:
        row = row_of[line.code]
        item = line.item
        if line.kind == "total":
            sheet.merge_range(row, 1, row, 6, line.text, bold)
        elif line.kind == "stray":
            sheet.write_string(row, 5, line.marker)
            sheet.write_string(row, 6, line.text)
            sheet.write_string(row, 9, "A/B/C")
            sheet.write_string(row, 10, "A")
            continue
        else:
            marker = line.marker + ("  " if quirks.trailing_spaces and item is not None and line.marker != "-" else "")
            if quirks.marker_in_text and item is not None:
                sheet.write_string(row, line.marker_col + 1, f"{line.marker}\t{line.text}")
            else:
                sheet.write_string(row, line.marker_col, marker)
                sheet.write_string(row, line.marker_col + 1, line.text, None if item else bold)
        if line.weight is not None:
            sheet.write_number(row, 7, line.weight)
        if item is not None:
            number += 1
            sheet.write_number(row, 0, number)
            sheet.write_string(row, 8, _criteria(item), wrap)
            sheet.write_string(row, 9, _type_label(bank, item, quirks))
            if item.options:
                sheet.data_validation(row, 10, row, 10, {"validate": "list", "source": [o for o, _ in item.options]})
            if item.code in answers.evidence:
                description, link = answers.evidence[item.code]
                sheet.write_string(row, 15, description)
                sheet.write_string(row, 16, link)
        for stage, (answer_col, value_col, note_col) in columns.items():
            if stage not in scores:
                continue
            if item is not None:
                _write_answer(sheet, bank, item, row, row_of, answers, stage, answer_col, value_col, quirks, scores[stage])
                note = answers.notes.get(stage, {}).get(item.code)
                if note:
                    sheet.write_string(row, note_col, note, wrap)
            elif line.code in own[stage]:
                sheet.write_formula(
                    row, value_col, _sum_formula(line, row, row_of, value_col, quirks, bank), None, own[stage][line.code]
                )
    for n, key in enumerate(("total_pengungkit", "total_hasil", "total")):
        helper.write_string(n, 0, bank.outline[key])
        helper.write_formula(n, 1, f"='LKE ZI'!L{row_of[key] + 1}", None, own.get("SA", {}).get(key, 0))
    remarks.write_string(0, 0, "Catatan evaluasi")
    remarks.write_formula(1, 0, f"='LKE ZI'!O{first_row + 1}", None, "")
    book.close()
    return Path(path)


def _type_label(bank: Bank, item: Item, quirks: Quirks) -> str:
    label = bank.type_labels[item.kind][0]
    if quirks.mistyped_label == item.code:
        return "A/B/C/D" if label != "A/B/C/D" else "A/B/C"
    if quirks.broken_type_labels and "/" in label:
        return label.replace("/", "/\n", 1)
    return label


def _write_answer(
    sheet,
    bank: Bank,
    item: Item,
    row: int,
    row_of: dict[str, int],
    answers: LkeAnswers,
    stage: str,
    answer_col: int,
    value_col: int,
    quirks: Quirks,
    result: StageScore,
) -> None:
    given = answers.stages[stage]
    k, r = col(answer_col), row + 1
    if item.kind in (COMPUTED_KIND, TOTAL_KIND):
        assert item.formula is not None  # a % item and a stated total have their formula (zi.domain.bank)
        rule = item.formula
    if item.kind == COMPUTED_KIND:
        if any(item.ref_code(ref) not in row_of for ref in rule.references):
            sheet.write_string(row, answer_col, "Blm Diisi")  # an input's row is missing (an omitted-row fixture)
            return
        total = bank.stated_total(item)
        cells = {ref: f"{k}{row_of[item.ref_code(ref)] + 1}" for ref in rule.references}
        stated = {total[1]: f"{k}{row_of[total[0].code] + 1}"} if total else {}
        value = result.values.get(item.code)
        sheet.write_formula(
            row,
            answer_col,
            "=" + _excel_formula(rule, cells, stated),
            None,
            "#DIV/0!" if value is None else value,
        )
        sheet.write_formula(row, value_col, f"={k}{r}", None, "#DIV/0!" if value is None else value)
        return
    if item.kind == TOTAL_KIND:
        parts = [row_of[item.ref_code(ref)] + 1 for ref in rule.references if item.ref_code(ref) in row_of]
        typed = quirks.typed_total
        if typed and typed[0] == item.code:
            sheet.write_number(row, answer_col, typed[1])
        else:
            value = sum(float(str(given.get(item.ref_code(ref)) or 0)) for ref in rule.references)
            sheet.write_formula(row, answer_col, f"=SUM({k}{min(parts)}:{k}{max(parts)})", None, value)
        return
    answer = given.get(item.code)
    if answer is not None:
        if isinstance(answer, (int, float)):
            sheet.write_number(row, answer_col, float(answer))
        else:
            sheet.write_string(row, answer_col, str(answer))
    if item.kind == COUNT_KIND:
        return
    weight = f"*H{r}" if item.area in RESULTS else ""
    if item.kind == INDEX_KIND:
        formula = f'=IF({k}{r}="","Blm Diisi",{k}{r}/4{weight})'
    else:
        cases = "".join(f'IF({k}{r}="{label}",{value:g}{weight},' for label, value in item.options)
        formula = f'={cases}"Blm Diisi"' + ")" * len(item.options)
    value = result.points.get(item.code) if item.area in RESULTS else result.values.get(item.code)
    sheet.write_formula(row, value_col, formula, None, "Blm Diisi" if value is None else value)


def _excel_formula(formula: Formula, cells: dict[str, str], stated: dict[Node, str]) -> str:
    """The bank's formula as the workbook writes it (IF/AND/MIN/MAX over the input cells)."""

    def expr(node: Node) -> str:
        if node in stated:
            return stated[node]
        if isinstance(node, Number):
            return f"{node.value:g}"
        if isinstance(node, Ref):
            return cells[node.name]
        if isinstance(node, Call):
            return f"{node.function.upper()}({','.join(expr(a) for a in node.args)})"
        assert isinstance(node, Binary)
        return f"({expr(node.left)}{node.op}{expr(node.right)})"

    text = ""
    closing = 0
    for condition, node in formula.cases:
        if condition is None:
            text += expr(node)
            break
        tests = ",".join(f"{expr(a)}{'=' if op == '=' else op}{expr(b)}" for op, a, b in condition.comparisons)
        text += f"IF(AND({tests}),{expr(node)},"
        closing += 1
    return text + ")" * closing


def _sum_formula(line: _Line, row: int, row_of: dict[str, int], value_col: int, quirks: Quirks, bank: Bank) -> str:
    v = col(value_col)
    if line.kind == "subarea" and line.code in bank.subareas:  # a sub-area of items: their mean × its weight
        rows = sorted(row_of[c] + 1 for c in line.children if c in row_of)
        last = rows[-2] if quirks.wrong_range == line.code and len(rows) > 1 else rows[-1]
        return f"=AVERAGE({v}{rows[0]}:{v}{last})*H{row + 1}"
    return "=" + "+".join(f"{v}{row_of[c] + 1}" for c in line.children if c in row_of)


def _own_values(bank: Bank, rules: Rules, result: StageScore, quirks: Quirks) -> dict[str, float]:
    """Every heading and total row's value as the workbook computes it: the rules' values, except where a
    quirk makes the workbook miscompute (a sub-area averaged over the wrong range, and the sums above it)."""
    if result.refused:
        return {}
    values = dict(result.bank_subareas) | dict(result.subareas)
    halves = dict(result.halves)
    wrong = quirks.wrong_range
    if wrong and wrong in result.bank_subareas:
        items = bank.subareas[wrong]
        kept = items[:-1] or items
        difference = items[0].subarea_weight * sum(result.values[i.code] for i in kept) / len(kept) - values[wrong]
        values[wrong] += difference
        if items[0].rules_subarea != wrong:
            values[items[0].rules_subarea] += difference
        half = next(i.parent for i in rules.indicators(bank.rubric, "subarea") if i.code == items[0].rules_subarea)
        halves[half] += difference  # type: ignore[index]
    values |= halves
    for half in rules.rubrics[bank.rubric].halves:
        values[half.upper()] = sum(v for k, v in halves.items() if k.endswith(half.upper()))
    for group in rules.indicators(bank.rubric, "group"):
        values[group.code] = sum(
            result.results[r.code] for r in rules.indicators(bank.rubric, "result") if r.parent == group.code
        )
    values["PENGUNGKIT"] = sum(halves.values())
    values["HASIL"] = result.hasil
    values["total_pengungkit"], values["total_hasil"] = values["PENGUNGKIT"], values["HASIL"]
    values["total"] = values["PENGUNGKIT"] + values["HASIL"]
    return values


def _criteria(item: Item) -> str:
    if item.options:
        return "\n".join(
            f"{label.lower()}. {'terpenuhi seluruhnya' if value == 1 else 'terpenuhi sebagian' if value else 'belum'}"
            for label, value in item.options
        )
    return {
        COMPUTED_KIND: "Persentase dihitung dari jumlah di bawahnya",
        COUNT_KIND: "Isi dengan angka",
        INDEX_KIND: "Nilai survei eksternal (0-4)",
    }.get(item.kind, "")


# -- PortalRB ---------------------------------------------------------------------------------------------
def write_portalrb_template(path: Path, answers: LkeAnswers, rules: Rules | None = None) -> Path:
    """PortalRB's `Jawaban` template: one header row, the hierarchy in B:G (its headings too, without
    LAMPIRAN III's stated totals), the unit's answer in K, its note in L, its evidence in M, the TPI's answer in
    N and the TPI's note in Q."""
    rules = rules or load_rules()
    bank = load_bank(rules)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": "Template Jawaban LKE ZI", "created": FIXED_TIME})
    sheet = book.add_worksheet("Jawaban")
    for c, text in {
        0: "No",
        1: "Komponen",
        7: "Bobot",
        9: "Pilihan Jawaban",
        10: "Jawaban Unit",
        11: "Catatan Unit",
        12: "Bukti Dukung",
        13: "Jawaban TPI",
        16: "Catatan TPI",
    }.items():
        sheet.write_string(0, c, text)
    row = 1
    for line in outline_lines(bank, rules):
        item = line.item
        if line.kind == "total" or (item is not None and item.kind == TOTAL_KIND):
            continue
        sheet.write_string(row, line.marker_col, line.marker)
        sheet.write_string(row, line.marker_col + 1, item.question if item else line.text)
        if line.weight is not None:
            sheet.write_number(row, 7, line.weight)
        if item is not None:
            sheet.write_string(row, 9, bank.type_labels[item.kind][0])
            for stage, (answer_col, note_col) in (("SA", (10, 11)), ("TPI", (13, 16))):
                value = answers.stages.get(stage, {}).get(item.code)
                if item.kind != COMPUTED_KIND and value is not None:
                    if isinstance(value, (int, float)):
                        sheet.write_number(row, answer_col, float(value))
                    else:
                        sheet.write_string(row, answer_col, str(value))
                note = answers.notes.get(stage, {}).get(item.code)
                if note:
                    sheet.write_string(row, note_col, note)
            if item.code in answers.evidence:
                sheet.write_string(row, 12, answers.evidence[item.code][1])
        row += 1
    book.close()
    return Path(path)


def portalrb_answers(answers: LkeAnswers, unit_id: str, unit_name: str, year: int, rules: Rules | None = None) -> dict:
    """The unit's answers as PortalRB's `GET /lke/jawaban-unit/{unit_id}` returns them."""
    bank = load_bank(rules or load_rules())
    unit, tpi = answers.stages.get("SA", {}), answers.stages.get("TPI", {})
    rows = []
    for item in bank.items:
        if item.soal_id is None:
            continue
        rows.append(
            {
                "soal_id": item.soal_id,
                "jawaban_unit": _json_value(unit.get(item.code)),
                "jawaban_tpi": _json_value(tpi.get(item.code)),
                "catatan_unit": answers.notes.get("SA", {}).get(item.code),
                "bukti_dukung_unit": answers.evidence.get(item.code, (None, None))[1],
                "catatan_tpi": answers.notes.get("TPI", {}).get(item.code),
            }
        )
    return {"unit_id": unit_id, "nama_unit": unit_name, "tahun": year, "answers": rows}


def write_portalrb_json(path: Path, answers: LkeAnswers, unit_id: str, unit_name: str, year: int) -> Path:
    text = json.dumps(portalrb_answers(answers, unit_id, unit_name, year), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return Path(path)


def _json_value(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value

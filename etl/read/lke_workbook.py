"""Read an LKE ZI workbook as units fill it and TPIs work it: LAMPIRAN III PermenPANRB 90/2021, or PortalRB's
`Jawaban` template.

The sheet read is the first visible one whose header row (within the first rows) holds `Bobot` and an answer
column (`Jawaban` ...); hidden helper sheets (`Utama`, `Ctt Eval`) are never read. Columns are known by their
headers, with a group header above them where the template has one (`TPI` over `Jawaban`, `Catatan`):
`Jawaban`/`Jawaban Unit` is the unit's own answer (SA), a column headed with `TPI` (`Jawaban TPI`, `Penilaian
TPI`, `Nilai TPI` when there is no `Jawaban TPI`) the TPI's, `TPN` likewise; `Nilai` the workbook's own value;
`Catatan`/`Keterangan` the notes and `Bukti` (or the unheaded columns after the unit's notes) the evidence of
each stage. Rows are matched to items by hierarchy and wording (`etl.read.lke_layout`), never by number.

Values are read from the cells as saved (an office program stores each formula's last value), with
python-calamine: reading the cells is the cost of a load of thousands of workbooks. Scores are computed by
the rules from the answers (`zi.domain.scoring`); the workbook's own values (item, sub-area, area, half and
total rows) are only compared with them, and each difference becomes a warning naming the cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pyarrow as pa
import python_calamine

from etl.problems import FileRefused, Problem
from etl.read.lke_content import ItemAnswer, LkeContent, LkeStage, finding_problem
from etl.read.lke_layout import Layout, Row, align, normal_type, split_marker
from etl.read.source import Source
from zi.domain.bank import COMPUTED_KIND, TOTAL_KIND, Bank, load_bank
from zi.domain.rules import STAGES, Rules
from zi.domain.scoring import Given, StageScore, as_number, is_empty, score

STAGE_WORDS = {"tpi": "TPI", "tpn": "TPN"}  # a header naming one of these belongs to that stage; else SA


@dataclass
class StageColumns:
    answer: int
    answer_header: str
    value: int | None = None  # the workbook's own value of each row at this stage
    note: int | None = None
    evidence: list[int] = field(default_factory=list)


@dataclass
class Sheet:
    name: str
    rows: list[list]
    header: int  # index of the header row in `rows`
    headers: list[str]  # per column as written, with the group header above where it names a stage
    own: list[str]  # per column, the header row's own text
    stages: list[str]  # per column, the stage its header (or group header) names: SA unless TPI/TPN


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\n", " ").split())


def _is_header(cells: list) -> bool:
    texts = [_norm(cell_text(c)) for c in cells]
    return "bobot" in texts and any(t.startswith("jawaban") for t in texts)


def find_sheet(book: python_calamine.CalamineWorkbook, search: int, max_rows: int, name: str) -> Sheet | None:
    """The first visible worksheet with an LKE header row in its first `search` rows, read whole."""
    for meta in book.sheets_metadata:
        if meta.visible != python_calamine.SheetVisibleEnum.Visible or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        top = sheet.to_python(skip_empty_area=False, nrows=search)
        header = next((i for i, cells in enumerate(top) if _is_header(cells)), None)
        if header is None:
            continue
        if sheet.total_height > max_rows:
            raise FileRefused(
                Problem(name, None, None, None, f"lebih dari {max_rows} baris (batas di data/rules.toml)", sheet=meta.name)
            )
        rows = sheet.to_python(skip_empty_area=False)
        return Sheet(meta.name, rows, header, *_headers(rows, header, sheet.merged_cell_ranges))
    return None


def _headers(rows: list[list], header: int, merged) -> tuple[list[str], list[str], list[str]]:
    """Each column's header as shown, its own text, and its stage; a group header above (merged over its
    columns: `Penilaian TPI` over `Jawaban`, `Nilai`, `Catatan`) counts where it names a stage."""
    width = max(len(r) for r in rows[: header + 1])
    own = [cell_text(rows[header][c]) if c < len(rows[header]) else "" for c in range(width)]
    above = [""] * width
    if header > 0:
        above = [cell_text(rows[header - 1][c]) if c < len(rows[header - 1]) else "" for c in range(width)]
        for (r0, c0), (r1, c1) in merged or ():
            if r0 <= header - 1 <= r1 and c0 < width:
                for c in range(c0, min(c1, width - 1) + 1):
                    above[c] = cell_text(rows[r0][c0])
    stages = [_stage_of(own[c]) if _stage_of(own[c]) != "SA" else _stage_of(above[c]) for c in range(width)]
    shown = [f"{above[c]} {own[c]}".strip() if _stage_of(above[c]) != "SA" and own[c] else own[c] for c in range(width)]
    return shown, own, stages


def _stage_of(header: str) -> str:
    words = _norm(header).replace("/", " ").split()
    return next((stage for word, stage in STAGE_WORDS.items() if word in words), "SA")


def stage_columns(sheet: Sheet) -> tuple[dict[str, StageColumns], dict[str, int]]:
    """Answer, value, note and evidence columns per stage; and the columns of Bobot, Pilihan Jawaban and
    Penilaian (the start of the hierarchy)."""
    found: dict[str, dict] = {s: {"evidence": []} for s in STAGES}
    fixed: dict[str, int] = {}
    headers = sheet.headers
    for col, header in enumerate(headers):
        text, stage = _norm(sheet.own[col]), sheet.stages[col]
        spot = found[stage]
        if text == "bobot":
            fixed.setdefault("bobot", col)
        elif text.startswith("pilihan"):
            fixed.setdefault("type", col)
        elif text in ("penilaian", "komponen", "uraian") and stage == "SA":
            fixed.setdefault("labels", col)
        elif "jawaban" in text:
            spot.setdefault("answer", (col, header))
        elif stage != "SA" and (text.startswith("penilaian") or text.startswith("nilai")):
            spot.setdefault("judged", (col, header))
        elif text.startswith("nilai"):
            spot.setdefault("value", col)
        elif "catatan" in text or "keterangan" in text:
            spot.setdefault("note", col)
        elif "bukti" in text or "tautan" in text or "link" in text:
            spot["evidence"].append(col)
    # LAMPIRAN III gives the unit's evidence (description, link) in the unheaded columns after its notes.
    sa_note = found["SA"].get("note")
    if sa_note is not None and not found["SA"]["evidence"]:
        col = sa_note + 1
        while col < len(headers) and not headers[col].strip():
            found["SA"]["evidence"].append(col)
            col += 1
    stages = {}
    for stage, spot in found.items():
        answer = spot.get("answer") or spot.get("judged")  # `Penilaian TPI` / `Nilai TPI` where no `Jawaban TPI`
        if answer is None:
            continue
        value = spot.get("value") if "answer" not in spot or "judged" not in spot else spot["judged"][0]
        stages[stage] = StageColumns(answer[0], answer[1], value, spot.get("note"), spot["evidence"])
    return stages, fixed


@dataclass
class _Labelled:
    index: int  # in sheet.rows
    row: Row


def _label(cells: list, first: int, last: int) -> str:
    """A row's label: the deepest text of its hierarchy columns (the question on an item row, the name on a
    heading row), without its marker (`a.`, `i.`, `-`), whether the marker has a cell of its own or not."""
    for c in range(min(last, len(cells)) - 1, first - 1, -1):
        value = cells[c]
        if isinstance(value, str) and value.strip():
            _, text = split_marker(" ".join(value.split()))
            if text:
                return text
    return ""


def read_lke_workbook(data: bytes, name: str, sha256: str, rules: Rules):
    """The workbook as a Source of kind `lke` (see etl.read.tables.Source), or None if no visible sheet is an
    LKE (then it is read as a rekap workbook)."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = find_sheet(book, int(rules.limits["xlsx_header_search_rows"]), int(rules.limits["xlsx_max_rows"]), name)
    except python_calamine.CalamineError as error:  # a damaged workbook; XML entities are refused, never expanded
        reason = (
            "XML-nya memuat entitas (ditolak demi keamanan) atau rusak"
            if isinstance(error, python_calamine.XmlError)
            else "rusak"
        )
        raise FileRefused(
            Problem(name, None, None, None, f"XLSX tidak dapat dibaca: {reason} ({type(error).__name__})")
        ) from None
    if sheet is None:
        return None
    bank = load_bank(rules)
    stages, fixed = stage_columns(sheet)
    problems: list[Problem] = []
    if not stages:
        raise FileRefused(Problem(name, sheet.header + 1, None, None, "kolom jawaban tidak ditemukan", sheet=sheet.name))
    answer_columns = [c.answer for c in stages.values()]
    first = fixed.get("labels", 1 if fixed.get("bobot", 0) > 1 else 0)
    last = fixed.get("bobot", first + 6)
    type_col = fixed.get("type")
    labelled: list[_Labelled] = []
    for index in range(sheet.header + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        text = _label(cells, first, last)
        if not text:
            continue
        answered = any(c < len(cells) and not is_empty(cells[c]) and cell_text(cells[c]) for c in answer_columns)
        type_label = normal_type(cells[type_col]) if type_col is not None and type_col < len(cells) else ""
        labelled.append(_Labelled(index, Row(text, type_label, answered)))
    layout = align(bank, rules, tuple(lab.row for lab in labelled))
    row_of = {code: labelled[i].index for code, i in layout.items.items()}

    content = LkeContent("portalrb_template" if sheet.name.strip().lower() == "jawaban" else "lampiran3")
    content.score_row = labelled[layout.totals["total"]].index + 1 if "total" in layout.totals else sheet.header + 1
    content.subarea_rows = {code: labelled[i].index + 1 for code, i in layout.headings.items()}
    for i in layout.stray:
        lab = labelled[i]
        problems.append(
            Problem(
                name,
                lab.index + 1,
                None,
                lab.row.text,
                "baris ini tidak cocok dengan butir mana pun di bank soal (data/lke_questions.csv); periksa kata-katanya",
                sheet=sheet.name,
            )
        )
    for item in bank.items:
        if item.kind != TOTAL_KIND and item.code not in row_of:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    item.question,
                    "butir bank soal ini tidak ditemukan di lembar",
                    sheet=sheet.name,
                    item=item.code,
                )
            )
    _check_type_labels(bank, sheet, row_of, type_col, name, problems)

    for stage, columns in stages.items():
        answers = _stage_answers(bank, sheet, row_of, columns)
        if not any(not is_empty(a.raw) for code, a in answers.items() if bank.item(code).answered):
            if stage != "SA" or len(stages) > 1:
                problems.append(
                    Problem(
                        name,
                        sheet.header + 1,
                        columns.answer_header,
                        None,
                        f"kolom jawaban tahap {stage} kosong; tahap ini dilewati",
                        sheet=sheet.name,
                        warning=True,
                    )
                )
            continue
        stage_score = score(bank, rules, {c: Given(a.raw, a) for c, a in answers.items()})
        for finding in stage_score.findings:
            if finding.where is not None:  # items the sheet lacks are said once, above
                problems.append(finding_problem(name, sheet.name, finding, stage if len(stages) > 1 else None))
        if not stage_score.refused:
            problems += _self_check(bank, rules, sheet, layout, labelled, row_of, columns, answers, stage_score, stage, name)
        content.stages.append(LkeStage(stage, answers, stage_score))
    if not content.stages and not any(not p.warning for p in problems):
        problems.append(
            Problem(name, sheet.header + 1, None, None, "tidak ada jawaban di kolom jawaban mana pun", sheet=sheet.name)
        )
    dialect = {
        "format": "xlsx",
        "bentuk": content.shape,
        "sheet": sheet.name,
        "header_row": sheet.header + 1,
        "tahap": ", ".join(s.stage for s in content.stages),
    }
    source = Source(name, sha256, "lke", pa.table({}), {}, dialect, sheet.name, problems, lke=content)
    source.rows = len(row_of)
    return source


def _stage_answers(bank: Bank, sheet: Sheet, row_of: dict[str, int], columns: StageColumns) -> dict[str, ItemAnswer]:
    answers = {}
    for code, index in row_of.items():
        cells = sheet.rows[index]

        def at(col: int | None, cells=cells) -> object:
            return cells[col] if col is not None and col < len(cells) else None

        raw = at(columns.answer)
        note = cell_text(at(columns.note)) or None
        evidence = "; ".join(t for t in (cell_text(at(c)) for c in columns.evidence) if t) or None
        answers[code] = ItemAnswer(
            code,
            None if raw == "" else raw,
            note,
            evidence,
            index + 1,
            f"{column_letter(columns.answer)}{index + 1}",
            columns.answer_header,
        )
    return answers


def _check_type_labels(
    bank: Bank, sheet: Sheet, row_of: dict[str, int], type_col: int | None, name: str, problems: list[Problem]
) -> None:
    """Column J says an answer type other than the bank's: a warning (the bank's type is used)."""
    if type_col is None:
        return
    for code, index in row_of.items():
        cells = sheet.rows[index]
        written = cells[type_col] if type_col < len(cells) else None
        label = normal_type(written)
        item = bank.item(code)
        expected = bank.type_labels.get(item.kind, ())
        if label and label not in {normal_type(e) for e in expected}:
            problems.append(
                Problem(
                    name,
                    index + 1,
                    sheet.headers[type_col] or "Pilihan Jawaban",
                    cell_text(written),
                    f"jenis jawaban berbeda dengan bank soal ({' atau '.join(expected)}); jenis bank soal dipakai",
                    sheet=sheet.name,
                    warning=True,
                    cell=f"{column_letter(type_col)}{index + 1}",
                    item=code,
                )
            )


def _self_check(
    bank: Bank,
    rules: Rules,
    sheet: Sheet,
    layout: Layout,
    labelled: list[_Labelled],
    row_of: dict[str, int],
    columns: StageColumns,
    answers: dict[str, ItemAnswer],
    result: StageScore,
    stage: str,
    name: str,
) -> list[Problem]:
    """The workbook's own values beside the rules' values: each difference above the tolerance is a warning."""
    tolerance = bank.self_check_tolerance
    expected: list[tuple[int, int, str, float]] = []  # (row index, column, code, rules' value)
    hasil = {i.code for i in rules.indicators(bank.rubric, "result")}
    if columns.value is not None:
        for code, index in row_of.items():
            item = bank.item(code)
            if item.scored and code in result.values:
                rules_value = result.points[code] if item.subarea in hasil else result.values[code]
                expected.append((index, columns.value, code, rules_value))
        sums = {**result.bank_subareas, **result.subareas, **result.halves}
        groups = {
            g.code: sum(result.results.get(r.code, 0.0) for r in rules.indicators(bank.rubric, "result") if r.parent == g.code)
            for g in rules.indicators(bank.rubric, "group")
        }
        halves = {
            h.upper(): sum(v for k, v in result.halves.items() if k.endswith(h.upper()))
            for h in rules.rubrics[bank.rubric].halves
        }
        parts = {"PENGUNGKIT": result.pengungkit, "HASIL": result.hasil}
        for code, i in layout.headings.items():
            for table in (sums, groups, halves, parts):
                if code in table:
                    expected.append((labelled[i].index, columns.value, code, table[code]))
                    break
        totals = {"total_pengungkit": result.pengungkit, "total_hasil": result.hasil, "total": result.total}
        for key, i in layout.totals.items():
            expected.append((labelled[i].index, columns.value, bank.outline[key], totals[key]))
    for code, index in row_of.items():  # a % item's own cell holds the workbook's percentage
        if bank.item(code).kind == COMPUTED_KIND and code in result.values:
            expected.append((index, columns.answer, code, result.values[code]))
    found = []
    for index, col, code, rules_value in expected:
        cells = sheet.rows[index]
        own = as_number(cells[col]) if col < len(cells) and cells[col] != "" else None
        if own is not None and abs(own - rules_value) > tolerance:
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


def _shown(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa
import python_calamine

from etl.problems import FileRefused, Problem
from etl.read import lke_selfcheck
from etl.read.lke_content import ItemAnswer, LkeContent, LkeStage, finding_problem
from etl.read.lke_layout import Layout, Row, align, normal_type, split_marker
from etl.read.lke_selfcheck import column_letter
from etl.read.source import Source
from zi.domain.bank import TOTAL_KIND, Bank, load_bank
from zi.domain.rules import STAGES, Rules
from zi.domain.scoring import Given, is_empty, score

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


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\n", " ").split())


def _is_header(cells: list) -> bool:
    texts = [" ".join(c.lower().split()) for c in cells if isinstance(c, str) and c]
    return "bobot" in texts and any(t.startswith("jawaban") for t in texts)


def find_sheet(book: python_calamine.CalamineWorkbook, search: int, max_rows: int, name: str) -> Sheet | None:
    """The first visible worksheet with an LKE header row in its first `search` rows (read once, whole)."""
    for meta in book.sheets_metadata:
        if meta.visible != python_calamine.SheetVisibleEnum.Visible or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        if sheet.total_height > max_rows:
            raise FileRefused(
                Problem(name, None, None, None, f"lebih dari {max_rows} baris (batas di data/rules.toml)", sheet=meta.name)
            )
        rows = sheet.to_python(skip_empty_area=False)
        header = next((i for i, cells in enumerate(rows[:search]) if _is_header(cells)), None)
        if header is not None:
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


def _label(cells: Sequence, first: int, last: int) -> str:
    """A row's label: the deepest text of its hierarchy columns (the question on an item row, the name on a
    heading row), without its marker (`a.`, `i.`, `-`), whether the marker has a cell of its own or not."""
    for c in range(min(last, len(cells)) - 1, first - 1, -1):
        value = cells[c]
        if isinstance(value, str) and value.strip():
            _, text = split_marker(" ".join(value.split()))
            if text:
                return text
    return ""


@lru_cache(maxsize=64)
def _layout(
    bank: Bank, rules: Rules, labels: tuple[tuple, ...], first: int, last: int, type_col: int | None
) -> tuple[tuple[int, ...], Layout]:
    """The rows that carry a label (their offsets below the header) and their alignment with the bank's
    outline. Keyed on the raw label and type cells: copies of one template share it, so a load of thousands
    of workbooks aligns once per template."""
    offsets, rows = [], []
    for offset, cells in enumerate(labels):
        text = _label(cells, 0, last - first)
        if text:
            offsets.append(offset)
            rows.append(Row(text, normal_type(cells[-1]) if type_col is not None else ""))
    return tuple(offsets), align(bank, rules, tuple(rows))


def read_lke_workbook(data: bytes, name: str, sha256: str, rules: Rules):
    """The workbook as a Source of kind `lke`, or None if no visible sheet is an LKE (then it is read as a
    rekap workbook)."""
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
    if not stages:
        raise FileRefused(Problem(name, sheet.header + 1, None, None, "kolom jawaban tidak ditemukan", sheet=sheet.name))
    first = fixed.get("labels", 1 if fixed.get("bobot", 0) > 1 else 0)
    last = fixed.get("bobot", first + 6)
    type_col = fixed.get("type")
    below = sheet.rows[sheet.header + 1 :]
    labels = tuple(
        (*cells[first:last], cells[type_col] if type_col is not None and type_col < len(cells) else None) for cells in below
    )
    offsets, layout = _layout(bank, rules, labels, first, last, type_col)
    rows_of_labels = tuple(sheet.header + 1 + offset for offset in offsets)  # a labelled row's index in sheet.rows
    row_of = {code: rows_of_labels[i] for code, i in layout.items.items()}

    content = LkeContent("portalrb_template" if sheet.name.strip().lower() == "jawaban" else "lampiran3")
    content.score_row = rows_of_labels[layout.totals["total"]] + 1 if "total" in layout.totals else sheet.header + 1
    content.subarea_rows = {code: rows_of_labels[i] + 1 for code, i in layout.headings.items()}
    problems = _unmatched(bank, sheet, layout, rows_of_labels, row_of, stages, type_col, first, last, name)
    problems += lke_selfcheck.type_labels(bank, sheet, row_of, type_col, name)
    for stage, columns in stages.items():
        answers = _stage_answers(sheet, row_of, columns)
        if not any(answer.raw is not None for code, answer in answers.items() if bank.item(code).answered):
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
        result = score(bank, rules, {c: Given(a.raw, a) for c, a in answers.items()})
        for finding in result.findings:
            if finding.where is not None:  # items the sheet lacks are said once, above
                problems.append(finding_problem(name, sheet.name, finding, stage if len(stages) > 1 else None))
        if not result.refused:
            problems += lke_selfcheck.own_values(bank, rules, sheet, layout, rows_of_labels, row_of, columns, result, stage, name)
        content.stages.append(LkeStage(stage, answers, result))
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


def _unmatched(
    bank: Bank,
    sheet: Sheet,
    layout: Layout,
    rows_of_labels: tuple[int, ...],
    row_of: dict[str, int],
    stages: dict[str, StageColumns],
    type_col: int | None,
    first: int,
    last: int,
    name: str,
) -> list[Problem]:
    """Rows that look like items (an answer type in J, or an answer) but match none; bank items the sheet lacks."""
    found = []
    known = {normal_type(label) for labels in bank.type_labels.values() for label in labels}
    answer_columns = [c.answer for c in stages.values()]
    for at in layout.unmatched:
        index = rows_of_labels[at]
        cells = sheet.rows[index]
        typed = type_col is not None and type_col < len(cells) and normal_type(cells[type_col]) in known
        answered = any(c < len(cells) and not is_empty(cells[c]) for c in answer_columns)
        if typed or answered:
            found.append(
                Problem(
                    name,
                    index + 1,
                    None,
                    _label(cells, first, last),
                    "baris ini tidak cocok dengan butir mana pun di bank soal (data/lke_questions.csv); periksa kata-katanya",
                    sheet=sheet.name,
                )
            )
    for item in bank.items:
        if item.kind != TOTAL_KIND and item.code not in row_of:
            found.append(
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
    return found


def _stage_answers(sheet: Sheet, row_of: dict[str, int], columns: StageColumns) -> dict[str, ItemAnswer]:
    """Each item's answer, note and evidence in one stage's columns, with its place."""
    answer, note_col, evidence_cols, header = columns.answer, columns.note, columns.evidence, columns.answer_header
    letter = column_letter(answer)
    answers = {}
    for code, index in row_of.items():
        cells = sheet.rows[index]
        width = len(cells)
        raw = cells[answer] if answer < width else None
        note = cells[note_col] if note_col is not None and note_col < width else ""
        evidence = [cells[c] for c in evidence_cols if c < width and cells[c] != ""]
        answers[code] = ItemAnswer(
            code,
            None if raw == "" else raw,
            cell_text(note) or None if note != "" else None,
            "; ".join(cell_text(e) for e in evidence) or None if evidence else None,
            index + 1,
            f"{letter}{index + 1}",
            header,
        )
    return answers

"""What an LKE file holds once read, whatever its shape (official workbook, PortalRB template or JSON):
per stage, each item's answer as given with its note, evidence and place, and the stage scored by the rules.

The readers (`lke_workbook`, `portalrb_json`) fill it; `etl.check.lke` gives it its unit (from the manifest or
the command line) and turns it into score rows, sub-area values and item answers for the load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import pyarrow as pa

from etl.problems import Problem
from zi.domain.bank import COMPUTED_KIND, Bank
from zi.domain.rules import column_of
from zi.domain.scoring import Finding, StageScore

ANSWER_SCHEMA = pa.schema(
    [
        ("_row", pa.int64()),
        ("tahap", pa.string()),
        ("kode", pa.string()),
        ("jawaban", pa.string()),
        ("jawaban_baku", pa.string()),
        ("nilai", pa.float64()),
        ("catatan", pa.string()),
        ("bukti", pa.string()),
    ]
)
DETAIL_SCHEMA = pa.schema([("_row", pa.int64()), ("tahap", pa.string()), ("code", pa.string()), ("value", pa.float64())])


class ItemAnswer(NamedTuple):
    """One item of one stage as the file holds it (a tuple: a national load makes millions of them)."""

    code: str
    raw: object  # the answer as given (cell value, JSON value); None when empty
    note: str | None = None
    evidence: str | None = None
    row: int | None = None  # the sheet's row number, or the answer's position in the JSON list (1 = first)
    cell: str | None = None  # `K57`, or `answers[11]`
    column: str | None = None  # the column as headed in the file (`Jawaban TPI`), or the JSON key


@dataclass
class LkeStage:
    stage: str  # SA | TPI | TPN
    answers: dict[str, ItemAnswer]
    score: StageScore


@dataclass(frozen=True)
class StageTotals:
    """What a stage's score row needs once the answers are scored: points by the rules' codes."""

    stage: str
    points: dict[str, float]  # halves (MP-PEMENUHAN ...) and results (IPAK CK IPKP)


@dataclass
class LkeContent:
    shape: str  # lampiran3 | portalrb_template | portalrb_json
    stages: list[LkeStage] = field(default_factory=list)  # per item, as read (until `compact`)
    totals: list[StageTotals] = field(default_factory=list)  # per stage, once compacted
    answers: pa.Table | None = None  # every stage's item answers, once compacted (ANSWER_SCHEMA)
    detail: pa.Table | None = None  # every stage's sub-area points, once compacted (DETAIL_SCHEMA)
    unit_name: str | None = None  # what the file itself says (PortalRB JSON only); the manifest decides
    year: int | None = None
    unit_id: str | None = None
    score_row: int = 1  # the row a score row is recorded as coming from (the total row, or the header)
    subarea_rows: dict[str, int] = field(default_factory=dict)  # sub-area code -> its row (workbooks)

    def compact(self, bank: Bank) -> None:
        """Keep what the load needs, the stage totals and the answers as one Arrow table, and drop the
        per-item objects: a load of twenty thousand workbooks holds them all until it writes."""
        results = {i.area for i in bank.items if i.part == "hasil"}
        self.totals = [StageTotals(s.stage, {**s.score.halves, **s.score.results}) for s in self.stages]
        detail: dict[str, list] = {name: [] for name in DETAIL_SCHEMA.names}
        for s in self.stages:
            for code, points in s.score.subareas.items():
                if code not in results:  # results are the score row's own columns
                    detail["_row"].append(self.subarea_rows.get(code, self.score_row))
                    detail["tahap"].append(s.stage)
                    detail["code"].append(column_of(code))  # as the warehouse stores a sub-area (mp_p1)
                    detail["value"].append(points)
        self.detail = pa.table(detail, schema=DETAIL_SCHEMA)
        self.answers = answers_table(bank, self.stages)
        self.stages = []


def answers_table(bank: Bank, stages: list[LkeStage]) -> pa.Table:
    """Every answered item of every stage, and every computed % item (its value; where a file has no row for
    it, as PortalRB's JSON, it is placed at its first input)."""
    columns: dict[str, list] = {name: [] for name in ANSWER_SCHEMA.names}
    for stage in stages:
        result = stage.score
        for item in bank.items:
            answer = stage.answers.get(item.code)
            computed = item.kind == COMPUTED_KIND
            own = answer is not None
            if computed and answer is None:
                answer = next((stage.answers[i.code] for i in bank.inputs(item) if i.code in stage.answers), None)
            if answer is None or (not computed and answer.raw is None):
                continue
            columns["_row"].append(answer.row or 1)
            columns["tahap"].append(stage.stage)
            columns["kode"].append(item.code)
            columns["jawaban"].append(None if computed else value_text(answer.raw))
            columns["jawaban_baku"].append(result.answers.get(item.code))
            columns["nilai"].append(result.values.get(item.code))
            columns["catatan"].append(answer.note if own else None)
            columns["bukti"].append(answer.evidence if own else None)
    return pa.table(columns, schema=ANSWER_SCHEMA)


def finding_problem(file: str, sheet: str | None, finding: Finding, stage: str | None = None) -> Problem:
    """A scoring finding as a located problem (or warning): the item's answer tells where it stands."""
    where = finding.where if isinstance(finding.where, ItemAnswer) else None
    reason = f"{finding.reason} (tahap {stage})" if stage and where is not None else finding.reason
    return Problem(
        file,
        where.row if where else None,
        where.column if where else None,
        value_text(finding.value),
        reason,
        sheet=sheet,
        warning=finding.warning,
        cell=where.cell if where else None,
        item=finding.code,
    )


def value_text(value: object) -> str | None:
    """A cell or JSON value as given, as text: 20 not 20.0; whitespace runs as one space."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())

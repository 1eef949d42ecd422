"""What an LKE file holds once read, whatever its shape (official workbook, PortalRB template or JSON):
per stage, each item's answer as given with its note, evidence and place, and the stage scored by the rules.

The readers (`lke_workbook`, `portalrb_json`) fill it; `etl.check.lke` gives it its unit (from the manifest or
the command line) and turns it into score rows, sub-area values and item answers for the load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.problems import Problem
from zi.domain.scoring import Finding, StageScore


@dataclass(frozen=True)
class ItemAnswer:
    """One item of one stage as the file holds it."""

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


@dataclass
class LkeContent:
    shape: str  # lampiran3 | portalrb_template | portalrb_json
    stages: list[LkeStage] = field(default_factory=list)
    unit_name: str | None = None  # what the file itself says (PortalRB JSON only); the manifest decides
    year: int | None = None
    unit_id: str | None = None
    score_row: int = 1  # the row a score row is recorded as coming from (the total row, or the header)
    subarea_rows: dict[str, int] = field(default_factory=dict)  # sub-area code -> its row (workbooks)


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
    """A cell or JSON value as a problem quotes it: 20 not 20.0."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

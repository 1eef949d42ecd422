"""A problem found in an input file, located the way a spreadsheet user would look for it.

Every refusal the ETL makes is a `Problem`: file, row (as the spreadsheet shows it), the column as
headed in the file, the value as written, and the reason in Bahasa Indonesia; for an LKE, also the cell and
the item code. Warnings (unknown headers, skipped files, a workbook's own miscomputed cell) use the same
shape so reports read alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # None: the problem is about the whole file
    column: str | None
    value: str | None
    reason: str
    sheet: str | None = None
    warning: bool = False
    cell: str | None = None  # an LKE workbook's cell (`K57`) or a JSON answer's place (`answers[11]`)
    item: str | None = None  # the LKE item concerned (`MP-P1-b`)

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.cell:
            where.append(f"sel {self.cell}" if self.cell[:1].isalpha() and self.cell[-1:].isdigit() else self.cell)
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        if self.item:
            where.append(f"butir {self.item}")
        text = ", ".join(where)
        if self.value is not None:
            text += f", nilai '{_short(self.value)}'"
        prefix = "PERINGATAN: " if self.warning else ""
        return f"{prefix}{text}: {self.reason}"


def _short(value: str, limit: int = 60) -> str:
    value = value.replace("\r", " ").replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


class FileRefused(Exception):
    """A file that cannot be read at all (not CSV/XLSX, too large, undecodable)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem

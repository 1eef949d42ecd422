"""The machine-readable report of `python -m etl check|load|rollback --json`.

The dashboard runs the ETL in a child process and reads this from its standard output, so the
report is plain JSON: files with their detected dialect, every problem and warning as a dict
(file, sheet, row, column, value, reason), the counts, and the preview of what the load adds and
replaces. `status` says in one word what happened; `exit` is the process's exit status.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from etl.problems import Problem

STATUS_TEXT = {
    "refused": "ditolak",
    "checked": "lolos pemeriksaan",
    "loaded": "dimuat",
    "unchanged": "tidak ada perubahan",
    "rolled_back": "dikembalikan",
}


def problem_dict(problem: Problem) -> dict:
    return {
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "cell": problem.cell,
        "item": problem.item,
        "value": problem.value,
        "reason": problem.reason,
        "text": str(problem),
    }


def load_status(report, command: str) -> str:
    if report.refused:
        return "refused"
    if command == "check":
        return "checked"
    return "loaded" if report.written else "unchanged"


def load_dict(report, command: str, db: Path) -> dict:
    """A `LoadReport` of `check` or `load` as JSON-ready data."""
    counts = {
        name: getattr(report, name)
        for name in (f"{t}_{c}" for t in ("rekap", "rincian") for c in ("added", "replaced", "unchanged"))
    }
    extras = ["practices_added", "lke_added", "lke_replaced", "lke_unchanged", "lke_removed", "ids_added"]
    extras += [f"usulan_{c}" for c in ("added", "replaced", "unchanged", "removed")]
    for extra in extras:  # other parts' counts
        if hasattr(report, extra):
            counts[extra] = getattr(report, extra)
    status = load_status(report, command)
    return {
        "command": command,
        "status": status,
        "exit": 1 if report.refused else 0,
        "db": str(db),
        "files": [dataclasses.asdict(f) for f in report.files],
        "problems": [problem_dict(p) for p in report.problems],
        "warnings": [problem_dict(p) for p in report.warnings],
        "counts": counts,
        "load_id": report.load_id,
        "written": report.written,
        "seconds": round(report.seconds, 3),
        "preview": report.preview if not report.refused else {},
    }


def rollback_dict(report, db: Path) -> dict:
    """A `RollbackReport` as JSON-ready data."""
    return {
        "command": "rollback",
        "status": "refused" if report.refused else ("rolled_back" if report.written else "unchanged"),
        "exit": 1 if report.refused else 0,
        "db": str(db),
        "version": report.version,
        "load_id": report.load_id,
        "written": report.written,
        "undone": report.undone,
        "restored": report.restored,
        "taken_out": report.taken_out,
        "note": report.note,
        "problems": [
            {"file": None, "sheet": None, "row": None, "column": None, "value": None, "reason": p, "text": p}
            for p in report.problems
        ],
        "seconds": round(report.seconds, 3),
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    """Values DuckDB hands back that json does not know (dates, decimals) as text or numbers."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    try:
        return float(value)  # type: ignore[arg-type]  # anything else: refused below
    except (TypeError, ValueError):
        return str(value)

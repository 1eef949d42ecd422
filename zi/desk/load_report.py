"""An ETL report (the JSON of `python -m etl check|load --json`) as tables a person reads.

Pure pandas: the Unggah and Riwayat pages pass these frames to `ui.show_table`. Problems keep every locating
field (file, sheet, row, column, value, reason); replacements are one row per changed column, old
-> new, with where the old value came from. Values are shown as the interface writes numbers
(decimal comma), since an old and a new value of one column may be text or number.
"""

from __future__ import annotations

import json

import pandas as pd

from zi.present.labels import number

PROBLEM_COLUMNS = {
    "file": "File",
    "sheet": "Sheet",
    "row": "Baris",
    "cell": "Sel",
    "column": "Kolom",
    "item": "Butir",
    "value": "Nilai",
    "reason": "Masalah",
}
LKE_SCORE_COLUMNS = {
    "file": "File",
    "province": "Provinsi",
    "instansi": "Instansi",
    "unit": "Unit kerja",
    "year": "Tahun",
    "stage": "Tahap",
    "total": "Nilai total (aturan)",
    "old_total": "Nilai total sekarang",
    "status": "Perubahan",
    "answers_changed": "Jawaban berubah",
}
PROPOSAL_COLUMNS = {
    "file": "File",
    "row": "Baris",
    "province": "Provinsi",
    "instansi": "Instansi",
    "unit": "Unit kerja",
    "year": "Tahun",
    "change": "Perubahan",
    "old_kategori": "Kategori lama",
    "old_afirmasi": "Afirmasi lama",
    "kategori": "Kategori baru",
    "afirmasi": "Afirmasi baru",
}
FILE_COLUMNS = {"name": "File", "kind": "Jenis", "rows": "Baris data", "dialect": "Format terdeteksi", "sha256": "SHA-256"}
KEY_COLUMNS = {
    "file": "File",
    "row": "Baris",
    "province": "Provinsi",
    "instansi": "Instansi",
    "unit": "Unit kerja",
    "year": "Tahun",
    "stage": "Tahap",
}
CHANGE_COLUMNS = {
    **KEY_COLUMNS,
    "column": "Kolom",
    "old": "Nilai lama",
    "new": "Nilai baru",
    "old_file": "Asal nilai lama",
    "old_row": "Baris asal",
    "old_load": "Muatan asal",
}
META_LABELS = {
    "instansi": "Instansi",
    "unit": "Nama unit",
    "jenis_unit": "Jenis unit",
    "rubric": "Rubrik",
    "predikat": "Predikat",
    "catatan": "Catatan",
    "code": "Kode",
    "value": "Nilai",
}
DIALECT_LABELS = {
    "format": "format",
    "encoding": "pengodean",
    "delimiter": "pemisah",
    "sheet": "sheet",
    "header_row": "baris judul",
}
DELIMITER_NAMES = {",": "koma", ";": "titik koma", "\t": "tab"}


def column_label(column: str) -> str:
    """`mp_pemenuhan` -> `MP pemenuhan`; meta columns by their Indonesian name."""
    if column in META_LABELS:
        return META_LABELS[column]
    head, _, rest = column.partition("_")
    return head.upper() + (f" {rest}" if rest else "")


def value_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return number(value, 4).rstrip("0").rstrip(",") if isinstance(value, float) else str(value)
    return str(value)


def problems(report: dict, kind: str = "problems") -> pd.DataFrame:
    """Every problem (or warning) located; the cell and item columns only where some problem has them (an LKE)."""
    frame = pd.DataFrame(report.get(kind, []), columns=[*PROBLEM_COLUMNS, "text"])[list(PROBLEM_COLUMNS)]
    frame = frame.drop(columns=[c for c in ("cell", "item") if frame[c].isna().all()])
    return frame.astype({"row": "Int64"})


def warnings(report: dict) -> pd.DataFrame:
    return problems(report, "warnings")


def lke_scores(report: dict) -> pd.DataFrame:
    """Per LKE file, unit and stage: the total the rules compute from its answers beside the one held now."""
    rows = report.get("preview", {}).get("lke_scores", {}).get("rows", [])
    return pd.DataFrame(rows, columns=list(LKE_SCORE_COLUMNS))


def lke_files_without_unit(report: dict) -> list[str]:
    """The LKE files the check refused only for want of a unit (a manifest, or the form for one file)."""
    return [p["file"] for p in report.get("problems", []) if p.get("reason", "").startswith("berkas LKE tanpa identitas unit")]


def proposal_changes(report: dict) -> pd.DataFrame:
    """The proposals a load adds, replaces or withdraws (`baru`, `diganti`, `ditarik`), old -> new."""
    rows = report.get("preview", {}).get("usulan", {}).get("rows", [])
    frame = pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))
    for column in ("old_afirmasi", "afirmasi"):
        frame[column] = frame[column].map(value_text)
    return frame.astype({"row": "Int64"})


def files(report: dict) -> pd.DataFrame:
    rows = [{**f, "dialect": dialect_text(f.get("dialect") or {})} for f in report.get("files", [])]
    return pd.DataFrame(rows, columns=list(FILE_COLUMNS))


def dialect_text(dialect: dict) -> str:
    parts = []
    for key, value in dialect.items():
        shown = DELIMITER_NAMES.get(value, value) if key == "delimiter" else value
        parts.append(f"{DIALECT_LABELS.get(key, key)} {shown}")
    return ", ".join(parts)


def counts(report: dict) -> dict[str, int]:
    return {k: int(v or 0) for k, v in report.get("counts", {}).items()}


def preview_total(report: dict, kind: str) -> int:
    return int(report.get("preview", {}).get(kind, {}).get("total", 0))


def added(report: dict, kind: str = "rekap_added") -> pd.DataFrame:
    """Rows the load adds; value columns that no row fills are left out."""
    rows = report.get("preview", {}).get(kind, {}).get("rows", [])
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.dropna(axis="columns", how="all")
    return frame.rename(columns={c: column_label(c) for c in frame.columns if c not in KEY_COLUMNS})


def replaced(report: dict, kind: str = "rekap_replaced") -> pd.DataFrame:
    """One row per changed column of each replaced row: old -> new, and where the old came from."""
    rows = report.get("preview", {}).get(kind, {}).get("rows", [])
    frame = pd.DataFrame(rows, columns=[c for c in CHANGE_COLUMNS if kind == "rekap_replaced" or c != "instansi"])
    if frame.empty:
        return frame
    return frame.assign(
        column=frame["column"].map(column_label),
        old=frame["old"].map(value_text),
        new=frame["new"].map(value_text),
    )


HISTORY_CHANGE_COLUMNS = {
    "instansi": "Instansi",
    "unit": "Unit kerja",
    "year": "Tahun",
    "stage": "Tahap",
    "column": "Kolom",
    "old": "Nilai lama",
    "new": "Nilai baru",
    "old_file": "File lama",
    "old_row": "Baris lama",
    "new_file": "File baru",
    "new_row": "Baris baru",
}


def history_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """`zi.query.queries.load_changes` for reading: labelled columns, values as the interface writes them."""
    frame = changes.drop(columns=["unit_id"])
    return frame.assign(
        column=frame["column"].map(column_label), old=frame["old"].map(value_text), new=frame["new"].map(value_text)
    ).astype({"old_row": "Int64", "new_row": "Int64"})


def history_files(files: pd.DataFrame) -> pd.DataFrame:
    """`zi.query.queries.load_file_details` for reading: the dialect (stored as JSON) in words."""
    return files.assign(dialect=files["dialect"].map(lambda d: dialect_text(json.loads(d)) if isinstance(d, str) and d else "–"))

"""What a meeting pack is about and where its numbers come from: the subtitle ("A belajar dari B"), the
source files as the page header names them, the facts of the selection and the data status (the first
sheet of the workbook, the last slide), and every source: data files with their checksums, the rules
file and its sources, the published context indices and the good practices' citations.
"""

from __future__ import annotations

import pandas as pd

from zi.meeting.content.cells import cell_text
from zi.meeting.content.model import Selection
from zi.meeting.content.notes import NoteContext
from zi.present.labels import PREDICATE_LABELS, SAMPLE_NOTICE, SCOPE_LABELS, date_text, number, percent, rubric_label, stage_label
from zi.query import queries
from zi.query.db import Warehouse


def subtitle(names: dict[int, str], learner: int) -> str:
    others = [n for c, n in names.items() if c != learner]
    visited = " dan ".join([", ".join(others[:-1]), others[-1]] if len(others) > 1 else others)
    return f"{names.get(learner, learner)} belajar dari {visited}" if visited else str(names.get(learner, learner))


def files_text(status: dict) -> str:
    """The source files as the page header names them (the first three and a count beyond that)."""
    files = status["files"] or "–"
    if status["file_count"] and status["file_count"] > 3:
        files = f"{status['file_count']} berkas ({', '.join(files.split(', ')[:3])}, …)"
    return files


def facts(
    ctx: NoteContext, sel: Selection, unit_name: str | None, status: dict, rules, rubric: str, own: pd.Series
) -> tuple[tuple[str, str], ...]:
    names = list(ctx.names.items())
    rows = [
        ("Provinsi yang belajar (A)", f"{ctx.a_name} ({ctx.learner})"),
        ("Provinsi yang dikunjungi (B)", ", ".join(f"{n} ({c})" for c, n in names[1:]) or "–"),
        ("Tahun penilaian", str(sel.year)),
        ("Tahap penilaian", stage_label(sel.stage)),
        ("Cakupan", SCOPE_LABELS.get(sel.scope, sel.scope)),
        ("Predikat sasaran", PREDICATE_LABELS.get(sel.predicate, sel.predicate)),
        ("Unit kerja (prioritas dan butir LKE)", unit_name or "Semua unit provinsi A"),
        (
            f"Ambang nilai total ({rubric_label(rubric)})",
            ", ".join(f"{p} {number(v, 2)}" for p, v in ctx.totals.items()) or "belum dikonfirmasi",
        ),
        (
            f"Area terlemah {ctx.a_name}",
            f"{ctx.area(ctx.weakest)} ({percent(own[ctx.weakest])} dari bobot)" if ctx.weakest else "–",
        ),
        ("Data per", date_text(status["loaded_at"])),
        ("Baris nilai", str(status["score_rows"])),
        ("Versi aturan", f"{rules.version} (data/rules.toml)"),
        ("Data contoh", f"Ya — {SAMPLE_NOTICE}" if status["has_sample"] else "Tidak"),
    ]
    return tuple(rows)


def sources(wh: Warehouse, rules, names: dict[int, str], practices: pd.DataFrame) -> pd.DataFrame:
    rows = []
    files = queries.load_files(wh)  # newest load first: keep each file's latest record
    for row in files.drop_duplicates("file_name").sort_values("file_name").itertuples():
        rows.append(("Berkas data", row.file_name, f"{row.kind}, {row.rows} baris, SHA-256 {str(row.sha256)[:12]}…"))
    rows.append(
        (
            "Aturan penilaian",
            f"data/rules.toml versi {rules.version}",
            "bobot, ambang batas, konversi indeks, heuristik kaji tiru",
        )
    )
    for key, text in rules.sources.items():
        rows.append(("Sumber aturan", text, key))
    context = queries.context_indices(wh)
    context = context[context["province_code"].isin(list(names))]
    for row in context.itertuples():
        category = "" if pd.isna(row.kategori) else f" ({row.kategori})"
        rows.append(("Indeks konteks", row.sumber, f"{row.indeks} {row.tahun} {row.province}: {cell_text(row.nilai)}{category}"))
    for source, group in practices.groupby("source", sort=False) if len(practices) else ():
        rows.append(("Praktik baik", source, ", ".join(dict.fromkeys(group["province"]))))
    return pd.DataFrame(rows, columns=["kind", "source", "detail"])

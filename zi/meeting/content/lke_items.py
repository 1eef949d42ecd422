"""The meeting pack down to the LKE's questions, where item answers were loaded: the learner's items to improve
first with the points each gains, and who elsewhere answered those items fully and what they wrote.

For one unit of the learning province (`Selection.unit_id`), its first steps towards the predicate
(`zi.query.items.item_steps`, as Prioritas perbaikan shows them); for the province as a whole, its items of
the largest mean gain per unit (`item_gaps`). The units to learn from are those of Belajar dari siapa
(`weakest_codes`, `item_peers`), other provinces first. Where the selection has no item answers, each
section says so and points to the sections by sub-area and by area. Slides shorten questions and notes
(`cells.shortened`); the sheets keep every row and every word.
"""

from __future__ import annotations

import pandas as pd

from zi.meeting.content import chart_data, notes
from zi.meeting.content.cells import shortened
from zi.meeting.content.model import Learner, Section, Selection, Table
from zi.meeting.content.notes import NoteContext, threshold_text
from zi.present.labels import conditions_text, number
from zi.query import items
from zi.query.db import Warehouse

# Characters of a text on a slide (layout: at 12-16 pt a slide holds about ten such rows; the sheet has all).
QUESTION_SHORT = 70  # a question beside its code in the table of steps
QUESTION_TINY = 40  # a question in a chart's category
QUESTION_PEER = 30  # a question beside its code in the table of peers (the items' own table has it longer)
NOTE_SHORT = 110  # what a unit wrote it did
EVIDENCE_SHORT = 60
REASON_SHORT = 160  # why a peer is suggested (about 150 characters at most): whole
SURVEY_NOTE = "IPAK dan IPKP adalah hasil survei, bukan jawaban unit: tidak masuk langkah perbaikan."
ELSEWHERE = "lihat juga bagian Prioritas perbaikan (per sub-area) dan Belajar dari siapa (per area)"


def improvement(
    wh: Warehouse, sel: Selection, ctx: NoteContext, learner: Learner, shown: int, standing: tuple[float | None, int | None]
) -> tuple[Table, Section]:
    """The section "Butir yang perlu diperbaiki": the table (every step or item; slides show the first `shown`), and its
    section with the bar chart of the points gained, the key figures and the notes. `standing`: the
    province's mean total and assessed units at the stage (the summary's), for the province's figures."""
    title = f"Butir yang perlu diperbaiki: {learner.name}"
    if learner.unit_id is not None:
        table, section = _unit_steps(wh, sel, ctx, learner, shown, title)
    else:
        table, section = _province_items(wh, sel, ctx, learner, shown, title, standing)
    return table, section


def _unit_steps(wh, sel: Selection, ctx: NoteContext, learner: Learner, shown: int, title: str) -> tuple[Table, Section]:
    assert learner.unit_id is not None  # the province's items otherwise
    steps = items.item_steps(wh, learner.unit_id, sel.year, sel.stage, sel.predicate)
    frame = pd.DataFrame(columns=["rank", "kode", "pertanyaan", "before", "after", "gain", "lifts", "total", "failing"])
    if not steps.empty:
        frame = steps.assign(
            butir=[f"{k} · {shortened(q, QUESTION_SHORT)}" for k, q in zip(steps["kode"], steps["pertanyaan"], strict=True)],
            change=[f"{b} → {a}" for b, a in zip(steps["before"], steps["after"], strict=True)],
            lifts_text=[conditions_text(lifts, ctx.rubric) for lifts in steps["lifts"]],
        )
    count = min(shown, len(frame))
    which = f"{count} langkah pertama dari {len(frame)}" if count else "Langkah perbaikan per butir"
    table = Table(
        "butir",
        "Butir diperbaiki",
        f"Langkah perbaikan per butir: {learner.name}",
        f"{which} ({sel.stage} {sel.year}): jawaban yang sendirian mengangkat syarat "
        f"{sel.predicate} yang belum terpenuhi lebih dulu, lalu yang poinnya paling besar; poin = bobot sub-area × "
        f"kenaikan nilai butir / banyak butir sub-area. {SURVEY_NOTE}",
        frame,
        {
            "rank": "Langkah",
            "kode": "Kode",
            "sub_area_name": "Sub-area",
            "pertanyaan": "Pertanyaan",
            "before": "Jawaban sekarang",
            "after": "Menjadi",
            "gain": "Tambahan poin",
            "lifts_text": "Mengangkat syarat",
            "total": "Nilai total setelahnya",
            "failing": f"Syarat {sel.predicate} belum terpenuhi",
        },
        brief={
            "rank": "Langkah",
            "butir": "Butir",
            "change": "Jawaban",
            "gain": "Tambahan poin",
            "total": "Nilai total setelahnya",
            "lifts_text": "Mengangkat syarat",
        },
        slide_rows=shown,
    )
    if steps.empty:
        return table, _without_answers(table, title, learner, sel)
    top = frame.head(shown)
    start = float(learner.total) if learner.total is not None else float(top["total"].iat[0] - top["gain"].iat[0])
    target = ctx.totals.get(sel.predicate)
    reached = items.steps_to_threshold(steps, start, target)
    figures = [(f"Nilai total {sel.stage} sekarang", number(start)), (f"Setelah {count} langkah", number(top["total"].iat[-1]))]
    if target is not None:
        figures += [
            (f"Ambang total {sel.predicate}", threshold_text(target)),
            (f"Langkah sampai ambang total {sel.predicate}", "–" if reached is None else str(reached)),
        ]
    return table, Section(
        "butir",
        title,
        f"{count} langkah pertama dari {len(frame)} ({sel.stage} {sel.year}): poin yang ditambahkan setiap langkah; "
        "rinciannya di slide berikut, semua langkah di lembar Excel.",
        ("butir",),
        chart_data.step_chart(top),
        notes.step_notes(ctx, learner.name, steps, top, start, reached),
        figures=tuple(figures),
    )


def _province_items(
    wh, sel: Selection, ctx: NoteContext, learner: Learner, shown: int, title: str, standing: tuple[float | None, int | None]
) -> tuple[Table, Section]:
    gaps = items.item_gaps(wh, sel.year, sel.stage, sel.scope, [learner.province])
    frame = gaps.assign(
        butir=[f"{k} · {shortened(q, QUESTION_SHORT)}" for k, q in zip(gaps["kode"], gaps["pertanyaan"], strict=True)]
    )
    count = min(shown, len(frame))
    which = f"{count} dari {len(frame)} butir" if count else "Butir"
    table = Table(
        "butir",
        "Butir diperbaiki",
        f"Butir yang paling sering belum dijawab penuh: {learner.name}",
        f"{which} {learner.name} ({sel.stage} {sel.year}) dengan poin rata-rata per unit terbesar bila "
        f"dijawab penuh (bobot butir × rata-rata kekurangan nilainya), dengan bagian unit yang sudah menjawab penuh. {SURVEY_NOTE}",
        frame,
        {
            "kode": "Kode",
            "sub_area_name": "Sub-area",
            "pertanyaan": "Pertanyaan",
            "units": "Unit",
            "full_units": "Unit menjawab penuh",
            "full_pct": "Menjawab penuh (%)",
            "mean_value": "Nilai rata-rata (0–1)",
            "recoverable": "Poin dapat diraih per unit",
        },
        brief={
            "butir": "Butir",
            "full_pct": "Unit sudah menjawab penuh (%)",
            "recoverable": "Poin rata-rata dapat diraih per unit",
        },
        slide_rows=shown,
    )
    if gaps.empty:
        return table, _without_answers(table, title, learner, sel)
    top = frame.head(shown)
    mean_total, assessed = standing
    gain = float(top["recoverable"].sum())
    figures = [
        ("Unit dengan jawaban per butir", str(int(gaps["units"].max()))),
        (f"Rata-rata nilai total {sel.stage}", number(mean_total)),
        (f"Poin per unit bila {count} butir dijawab penuh", f"+{number(gain)}"),
    ]
    target = ctx.totals.get(sel.predicate)
    if target is not None:
        figures.append((f"Ambang total {sel.predicate}", threshold_text(target)))
    return table, Section(
        "butir",
        title,
        f"{count} dari {len(frame)} butir ({sel.stage} {sel.year}): poin rata-rata per unit bila dijawab penuh; rinciannya "
        "di slide berikut, semua butir di lembar Excel.",
        ("butir",),
        chart_data.item_gap_chart(top, QUESTION_TINY),
        notes.item_gap_notes(ctx, gaps, top, mean_total, assessed),
        figures=tuple(figures),
    )


def exemplars(wh: Warehouse, sel: Selection, ctx: NoteContext, learner: Learner) -> tuple[Table, Section]:
    """The section "Yang dilakukan unit teladan": for the learner's weakest items, the units that answered them fully,
    with what they wrote (the table: every suggestion; slides shorten the texts), and its section."""
    codes = items.weakest_codes(wh, sel.year, sel.stage, sel.predicate, sel.scope, learner.province, learner.unit_id)
    peers = (
        items.item_peers(wh, tuple(codes), sel.year, sel.stage, learner.province, learner.unit_id, learner.jenis)
        if codes
        else pd.DataFrame(columns=["kode", "pertanyaan", "province", "unit", "year", "jawaban", "catatan", "bukti", "reason"])
    )
    frame = peers.assign(
        butir=[f"{k} · {shortened(q, QUESTION_PEER)}" for k, q in zip(peers["kode"], peers["pertanyaan"], strict=True)],
        done=[shortened(v, NOTE_SHORT) for v in peers["catatan"]],
        evidence=[shortened(v, EVIDENCE_SHORT) for v in peers["bukti"]],
        why=[shortened(v, REASON_SHORT) for v in peers["reason"]],
    )
    whom = f"{learner.unit} ({learner.province_name})" if learner.unit else learner.province_name
    table = Table(
        "teladan",
        "Unit teladan",
        f"Unit yang menjawab penuh butir terlemah {learner.name}",
        f"{_weakest_text(codes, sel.predicate, learner.unit_id is not None)}: unit yang menjawab penuh pada {sel.stage}, "
        "provinsi lain lebih dulu; 'Yang dilakukan' adalah catatan penilaian mandiri unit itu sendiri.",
        frame,
        {
            "kode": "Kode",
            "pertanyaan": "Pertanyaan",
            "province": "Provinsi",
            "instansi": "Instansi",
            "unit": "Unit kerja",
            "jenis_unit": "Jenis unit",
            "year": "Tahun",
            "jawaban": "Jawaban",
            "catatan": "Yang dilakukan",
            "bukti": "Bukti dukung",
            "catatan_penilai": f"Catatan {sel.stage}",
            "reason": "Alasan",
        },
        brief={
            "butir": "Butir",
            "province": "Provinsi",
            "unit": "Unit kerja",
            "done": "Yang dilakukan",
            "evidence": "Bukti dukung",
            "why": "Alasan",  # it opens with the answer given, stage and year: no column of its own on a slide
        },
    )
    if not codes:
        empty = f"{whom} belum punya jawaban LKE per butir untuk {sel.stage} {sel.year}; lihat juga bagian Belajar dari siapa (per area) dan Praktik baik."
    elif peers.empty:
        empty = (
            f"Belum ada unit lain yang menjawab penuh butir {', '.join(codes)} pada {sel.stage} {sel.year}; lihat juga bagian "
            "Belajar dari siapa (per area) dan Praktik baik."
        )
    else:
        empty = None
    return table, Section(
        "teladan",
        "Yang dilakukan unit teladan",
        table.caption + ("" if empty else " Teks lengkap di lembar Excel."),
        ("teladan",),
        None,
        notes.exemplar_notes(ctx, codes, peers) if empty is None else (),
        empty,
    )


def _weakest_text(codes: list[str], predicate: str, unit: bool) -> str:
    """Which items the peers are for, and why those (as Belajar dari siapa says it)."""
    why = f"langkah pertama menuju {predicate}" if unit else "poin rata-rata terbesar yang belum diraih"
    return f"Butir {', '.join(codes)} ({why})" if codes else f"Butir terlemah ({why})"


def _without_answers(table: Table, title: str, learner: Learner, sel: Selection) -> Section:
    """The items' section where the learner has no LKE answers for the selection: says so, points elsewhere."""
    return Section(
        "butir",
        title,
        table.caption,
        ("butir",),
        empty=f"{learner.name} belum punya jawaban LKE per butir untuk {sel.stage} {sel.year}; {ELSEWHERE}.",
    )

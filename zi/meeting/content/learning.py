"""What the learner can do next, by sub-area and by area: how far its units are from the predicate (how
many conditions each province's units miss, the learner's nearest units), which sub-areas to improve
first, the units elsewhere strong in its weakest area, and the good practices recorded in their
provinces; each as its table and its section (`zi.meeting.content.pack` puts them in meeting order). The same
questions at the level of the LKE's items are `zi.meeting.content.lke_items`.
"""

from __future__ import annotations

import pandas as pd

from zi.meeting.content import chart_data, notes
from zi.meeting.content.chart_data import GAP_COLUMNS
from zi.meeting.content.model import Learner, Section, Selection, Table
from zi.meeting.content.notes import NoteContext
from zi.meeting.content.standing import in_order
from zi.present.labels import PREDICATE_LABELS, PRIORITY_LABELS, conditions_text, item_label, predicate_label
from zi.query import queries
from zi.query.db import Warehouse


def gaps(wh: Warehouse, sel: Selection, ctx: NoteContext, shown: int) -> tuple[Table, Table, Section, Section, pd.DataFrame]:
    """Units per province by the number of conditions they miss, and the learner's `shown` nearest
    units; with every unit of the learner (the units a unit of the learner is chosen from)."""
    year, stage, predicate, codes = sel.year, sel.stage, sel.predicate, list(sel.provinces)
    distribution = Table(
        "sebaran_jarak",
        "Sebaran jarak",
        f"Jarak unit kerja ke {predicate}",
        f"Jumlah unit per provinsi menurut banyaknya syarat {PREDICATE_LABELS[predicate]} yang belum terpenuhi ({stage} {year}).",
        in_order(queries.gap_distribution(wh, year, stage, predicate, sel.scope, codes), codes),
        {"province": "Provinsi"} | GAP_COLUMNS,
    )
    # The conditions that block a unit, in words (the query names them by code); assign copies the
    # query's cached frame rather than changing it.
    all_gaps = queries.gap_units(wh, year, stage, predicate, sel.scope, [ctx.learner]).pipe(
        lambda g: g.assign(blocked_by=[conditions_text(c, ctx.rubric) for c in g["blocked_by"]])
    )
    nearest = Table(
        "unit_terdekat",
        "Unit terdekat",
        f"Unit {ctx.a_name} terdekat ke {predicate}",
        f"{min(shown, len(all_gaps))} dari {len(all_gaps)} unit {ctx.a_name}, yang paling sedikit syarat "
        f"{predicate}-nya belum terpenuhi lebih dulu, dengan syarat yang menghambat (terbesar dulu).",
        all_gaps.head(shown),
        {
            "unit": "Unit kerja",
            "jenis_unit": "Jenis unit",
            "total": "Nilai total",
            "conditions_failed": "Syarat belum terpenuhi",
            "points_missing": "Poin kurang",
            "needs_prior": "Belum pernah WBK",
            "blocked_by": "Dihambat oleh (terbesar dulu)",
        },
    )
    far = Section(
        "jarak",
        distribution.title,
        distribution.caption,
        ("sebaran_jarak",),
        chart_data.gap_chart(distribution.frame) if len(distribution.frame) else None,
        notes.gap_notes(ctx, distribution.frame),
        None if len(distribution.frame) else f"Provinsi terpilih belum punya nilai {stage} pada {year}.",
    )
    near = Section(
        "unit_terdekat",
        nearest.title,
        nearest.caption,
        ("unit_terdekat",),
        None,
        notes.nearest_notes(ctx, all_gaps),
        None if len(nearest.frame) else f"{ctx.a_name} belum punya nilai {stage} pada {year}.",
    )
    return distribution, nearest, far, near, all_gaps


def priorities(wh: Warehouse, sel: Selection, ctx: NoteContext, learner: Learner, shown: int) -> tuple[Table, Section]:
    """The learner's `shown` sub-areas to improve first: those blocking a condition in the most units,
    then the points recoverable."""
    found = queries.priority_items(wh, sel.year, sel.stage, sel.predicate, sel.scope, [ctx.learner], sel.unit_id)
    whom = learner.unit or f"semua unit {ctx.a_name} (rata-rata per unit)"
    table = Table(
        "prioritas",
        "Prioritas",
        f"Prioritas perbaikan {learner.name}",
        f"{min(shown, len(found))} butir teratas untuk {whom}: yang menghambat syarat {sel.predicate} di paling "
        "banyak unit, lalu poin yang dapat diraih bila dipenuhi penuh.",
        found.head(shown),
        PRIORITY_LABELS,
    )
    section = Section(
        "prioritas",
        table.title,
        table.caption,
        ("prioritas",),
        chart_data.priority_chart(table.frame) if len(table.frame) else None,
        notes.priority_notes(ctx, table.frame, found),
        None if len(table.frame) else "Belum ada rincian nilai untuk pilihan ini.",
    )
    return table, section


def peers(wh: Warehouse, sel: Selection, ctx: NoteContext, learner: Learner, own: pd.Series) -> tuple[Table, Section]:
    """Units in other provinces strong in the learner's weakest area, ranked by the rules' [kaji_tiru]
    heuristic, with the reason (`own`: the learner's achievement per area, for the notes)."""
    weakest = ctx.weakest
    if weakest is None:
        frame = pd.DataFrame(
            columns=["province_code", "province", "unit", "jenis_unit", "area_pct", "total", "predicate", "score", "reason"]
        )
    else:
        frame = queries.peer_candidates(wh, weakest, sel.year, sel.stage, [ctx.learner], learner.unit, learner.jenis).pipe(
            lambda p: p.assign(predicate=[predicate_label(v) for v in p["predicate"]])
        )
    label = item_label(weakest, ctx.rubric) if weakest else "–"
    shown = {
        "province": "Provinsi",
        "unit": "Unit kerja",
        "jenis_unit": "Jenis unit",
        "area_pct": f"Capaian {weakest or 'area'} (%)",
        "total": "Nilai total",
        "predicate": "Predikat",
    }
    table = Table(
        "pembanding",
        "Unit pembanding",
        f"Unit yang dikunjungi untuk area {label}",
        f"Unit di provinsi lain yang kuat di area terlemah {ctx.a_name} ({label}), diurutkan menurut heuristik "
        "[kaji_tiru] berkas aturan, dengan alasannya.",
        frame,
        shown | {"score": "Skor kecocokan", "reason": "Alasan"},
        1,
        shown | {"reason": "Alasan"},
    )
    section = Section(
        "belajar",
        f"Belajar dari siapa: area {label}",
        table.caption,
        ("pembanding",),
        None,
        notes.peer_notes(ctx, own, table.frame),
        None if len(table.frame) else f"Belum ada unit di provinsi lain dengan nilai {sel.stage} pada {sel.year}.",
    )
    return table, section


def practices(wh: Warehouse, ctx: NoteContext, peer_frame: pd.DataFrame) -> tuple[Table, Section]:
    """The good practices recorded in the peers' provinces, the weakest area's first, each with its source."""
    provinces = [int(p) for p in dict.fromkeys(peer_frame["province_code"].dropna())]
    found = queries.practices(wh, provinces) if provinces else pd.DataFrame(columns=["area"])
    # Practices of the weakest area first: that is what the visit is for.
    found = found.sort_values("area", key=lambda a: a != ctx.weakest, kind="stable") if len(found) else found
    found = found.assign(
        area_label=[None if pd.isna(a) else item_label(a, ctx.rubric) for a in found["area"]],
        subarea_label=[None if pd.isna(c) else item_label(c, ctx.rubric) for c in found.get("subarea", pd.Series(dtype=object))],
    )
    table = Table(
        "praktik",
        "Praktik baik",
        "Praktik baik di provinsi tujuan",
        "Praktik baik tercatat di provinsi unit pembanding (area terlemah dulu), masing-masing dengan sumbernya.",
        found,
        {
            "province": "Provinsi",
            "instansi": "Instansi",
            "unit": "Unit kerja",
            "year": "Tahun",
            "area": "Area",
            "area_name": "Area perubahan",
            "subarea": "Kode sub-area",
            "subarea_name": "Sub-area",
            "practice": "Praktik",
            "source": "Sumber",
        },
        brief={
            "province": "Provinsi",
            "unit": "Unit kerja",
            "area_label": "Area",
            "subarea_label": "Sub-area",
            "practice": "Praktik",
            "source": "Sumber",
        },
        cites="source",
    )
    section = Section(
        "praktik",
        table.title,
        table.caption,
        ("praktik",),
        None,
        notes.practice_notes(ctx, table.frame),
        None
        if len(table.frame)
        else "Belum ada praktik baik tercatat di provinsi tujuan (tambahkan lewat halaman Praktik baik).",
    )
    return table, section

"""Paket rapat kaji tiru: one assembly of everything a kaji tiru meeting shows, for three renderers.

`build_pack(wh, selection)` asks the query layer once and returns a `MeetingPack` (`zi.meeting.model`):
the tables (each a DataFrame with a title, a short Indonesian caption and its column headers), the
sections in meeting order with the data of their chart (`zi.meeting.chart_data`) and the key numbers for
the speaker notes (`zi.meeting.notes`), the footer (data as of, source files, stage, sample flag) and the
sources (`zi.meeting.sources`). The renderers — `zi.meeting.deck` (PowerPoint), `zi.meeting.workbook`
(Excel) and the page Mode presentasi (`zi.meeting.screens`) — only arrange what is here and never query
the warehouse, so the slide, the sheet and the screen of one selection always agree.

Province A (the first chosen) is the one that learns, B (the second) the one visited; gaps,
priorities and peers are about A. Every threshold comes from the rules file.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zi.domain.rules import AREAS, load_rules
from zi.meeting import chart_data, lke_items, notes, sources
from zi.meeting.chart_data import GAP_COLUMNS
from zi.meeting.model import MeetingPack, Section, Selection, Table
from zi.present.labels import (
    PREDICATE_LABELS,
    SCOPE_LABELS,
    conditions_text,
    date_text,
    item_label,
    predicate_label,
    rubric_label,
    stage_label,
)
from zi.query import queries
from zi.query.db import Warehouse

# How many rows of a ranked list one slide holds at a readable size (layout, not a rule of the LKE;
# the full lists are one click away on the dashboard's own pages).
UNITS_SHOWN = 10
ITEMS_SHOWN = 10


def build_pack(wh: Warehouse, selection: Selection) -> MeetingPack:
    rules = load_rules()
    sel = selection
    codes = list(sel.provinces)
    learner = codes[0]
    year, stage, scope, predicate = sel.year, sel.stage, sel.scope, sel.predicate
    rubric = rules.rubric_for_year(year)
    status = queries.data_status(wh)
    available = queries.provinces_available(wh)
    known = dict(zip(available["province_code"].astype(int), available["province"], strict=False))
    names = {code: known[code] for code in codes if code in known}
    a_name = names.get(learner, str(learner))
    totals = rules.total_thresholds(rubric)
    thresholds = {p: 100 * v / rules.rubrics[rubric].total for p, v in totals.items()}
    change = rules.newest_rubric_start()
    tables: dict[str, Table] = {}

    def add(key, sheet, title, caption, frame, columns, decimals=2, brief=None, cites=None):
        tables[key] = Table(key, sheet, title, caption, frame.reset_index(drop=True), columns, decimals, brief, cites)
        return tables[key].frame

    # Summary: ranked among every province with data (the rank means something), rows of the chosen.
    everyone = queries.province_summary(wh, year, stage, scope)
    ranked = int(everyone["rank"].notna().sum())
    summary = add(
        "ringkasan",
        "Ringkasan",
        f"Ringkasan {year}, tahap {stage}",
        f"Per provinsi: unit membangun ZI, predikat, dan nilai {stage_label(stage)}; peringkat di antara "
        f"{ranked} provinsi dalam data.",
        _in_order(everyone, codes),
        {
            "province": "Provinsi",
            "units": "Unit membangun ZI",
            "proposed": "Diusulkan ke TPN",
            "wbk": "Predikat WBK",
            "wbbm": "Predikat WBBM",
            "assessed": f"Unit dinilai {stage}",
            "mean_total": f"Rata-rata nilai {stage}",
            "std_total": "Simpangan baku",
            "mean_pct": "Capaian rata-rata (% maks.)",
            "eligible_wbk": f"Memenuhi syarat WBK ({stage})",
            "rank": f"Peringkat (dari {ranked})",
            "rank_change": "Perubahan peringkat",
        },
    )
    averages = add(
        "rata_rata",
        "Rata-rata",
        "Rata-rata nasional dan provinsi terpilih",
        f"Rata-rata nilai total {stage} {year}: semua provinsi dalam data dan provinsi terpilih bersama.",
        queries.averages(wh, year, stage, scope, codes),
        {
            "label": "Kelompok",
            "assessed": "Unit dinilai",
            "mean_total": "Rata-rata nilai",
            "std_total": "Simpangan baku",
            "mean_pct": "Capaian rata-rata (% maks.)",
        },
    )

    # Areas: provinces in selection order (A first, so differences read "other minus A").
    achievement = _in_order(queries.area_achievement(wh, year, stage, scope, codes), codes, by_area=True)
    areas = add(
        "area",
        "Capaian area",
        "Capaian per area perubahan",
        "Rata-rata capaian setiap area pengungkit sebagai % dari bobotnya, per provinsi dan untuk provinsi terpilih bersama.",
        achievement,
        {
            "province": "Provinsi",
            "area": "Area",
            "area_name": "Area perubahan",
            "units": "Unit",
            "mean_points": "Rata-rata poin",
            "weight": "Bobot",
            "pct": "Capaian (% bobot)",
        },
        1,
    )
    has_areas = achievement["province_code"].notna().any()
    differences = queries.area_differences(achievement) if has_areas else pd.DataFrame(columns=["area", "area_name"])
    diff_columns = {"area": "Area", "area_name": "Area perubahan"} | {
        c: (c if c.startswith("Selisih") else f"{c} (%)") for c in differences.columns if c not in ("area", "area_name")
    }
    differences = differences.assign(area_label=[item_label(a, rubric) for a in differences["area"]])
    add(
        "selisih",
        "Selisih area",
        "Selisih capaian per area",
        f"Capaian per area (% dari bobot) dan selisih setiap provinsi terhadap {a_name}, dalam poin persentase.",
        differences,
        diff_columns,
        1,
        {"area_label": "Area"} | {c: f"{c} (poin %)" for c in differences.columns if str(c).startswith("Selisih")},
    )
    own = areas[areas["province_code"] == learner].set_index("area")["pct"] if has_areas else pd.Series(dtype=float)
    weakest = own.idxmin() if not own.empty else None
    ctx = notes.NoteContext(names, learner, a_name, year, stage, predicate, thresholds, totals, change, weakest, rubric)

    trend = add(
        "tren",
        "Tren",
        "Tren nilai total",
        f"Rata-rata nilai total {stage} per tahun sebagai % dari nilai maksimum rubriknya, dengan unit yang memenuhi syarat.",
        _in_order(queries.province_trend(wh, stage, scope, codes), codes).pipe(
            lambda t: t.assign(rubric=t["rubric"].map(rubric_label))
        ),
        {
            "province": "Provinsi",
            "year": "Tahun",
            "rubric": "Rubrik",
            "assessed": f"Unit dinilai {stage}",
            "mean_total": "Rata-rata nilai",
            "mean_pct": "Capaian rata-rata (% maks.)",
            "eligible_wbk": "Memenuhi syarat WBK",
            "eligible_wbbm": "Memenuhi syarat WBBM",
        },
    )

    distribution = add(
        "sebaran_jarak",
        "Sebaran jarak",
        f"Jarak unit kerja ke {predicate}",
        f"Jumlah unit per provinsi menurut banyaknya syarat {PREDICATE_LABELS[predicate]} yang belum terpenuhi ({stage} {year}).",
        _in_order(queries.gap_distribution(wh, year, stage, predicate, scope, codes), codes),
        {"province": "Provinsi"} | GAP_COLUMNS,
    )
    # The conditions that block a unit, in words (the query names them by code); assign copies the
    # query's cached frame rather than changing it.
    all_gaps = queries.gap_units(wh, year, stage, predicate, scope, [learner]).pipe(
        lambda g: g.assign(blocked_by=[conditions_text(c, rubric) for c in g["blocked_by"]])
    )
    gaps = add(
        "unit_terdekat",
        "Unit terdekat",
        f"Unit {a_name} terdekat ke {predicate}",
        f"{min(UNITS_SHOWN, len(all_gaps))} dari {len(all_gaps)} unit {a_name}, yang paling sedikit syarat "
        f"{predicate}-nya belum terpenuhi lebih dulu, dengan syarat yang menghambat (terbesar dulu).",
        all_gaps.head(UNITS_SHOWN),
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

    unit_name = _unit_name(all_gaps, sel.unit_id)
    items = queries.priority_items(wh, year, stage, predicate, scope, [learner], sel.unit_id)
    whom = unit_name or f"semua unit {a_name} (rata-rata per unit)"
    priorities = add(
        "prioritas",
        "Prioritas",
        f"Prioritas perbaikan {unit_name or a_name}",
        f"{min(ITEMS_SHOWN, len(items))} butir teratas untuk {whom}: yang menghambat syarat {predicate} di paling "
        "banyak unit, lalu poin yang dapat diraih bila dipenuhi penuh.",
        items.head(ITEMS_SHOWN),
        {
            "code": "Kode",
            "name": "Butir",
            "level": "Tingkat",
            "weight": "Bobot",
            "mean_points": "Nilai rata-rata",
            "mean_pct": "Capaian (%)",
            "recoverable": "Poin dapat diraih",
            "units_blocked": "Unit terhambat olehnya",
            "units": "Unit",
            "cumulative_total": "Total kumulatif",
        },
    )

    learner_row = all_gaps[all_gaps["unit_id"] == sel.unit_id] if sel.unit_id else all_gaps.iloc[0:0]
    who = lke_items.Learner(learner, a_name)
    if len(learner_row):
        row = learner_row.iloc[0]
        who = lke_items.Learner(learner, a_name, sel.unit_id, row["unit"], row["jenis_unit"], float(row["total"]))
    own_summary = summary[summary["province_code"] == learner]
    standing = (
        (float(own_summary["mean_total"].iat[0]), int(own_summary["assessed"].iat[0]))
        if len(own_summary) and pd.notna(own_summary["mean_total"].iat[0])
        else (None, None)
    )
    tables["butir"], improving = lke_items.improvement(wh, sel, ctx, who, ITEMS_SHOWN, standing)
    if weakest is None:
        peer_frame = pd.DataFrame(
            columns=["province_code", "province", "unit", "jenis_unit", "area_pct", "total", "predicate", "score", "reason"]
        )
    else:
        peer_frame = queries.peer_candidates(
            wh,
            weakest,
            year,
            stage,
            [learner],
            learner_row["unit"].iat[0] if len(learner_row) else None,
            learner_row["jenis_unit"].iat[0] if len(learner_row) else None,
        ).pipe(lambda p: p.assign(predicate=[predicate_label(v) for v in p["predicate"]]))
    weakest_label = item_label(weakest, rubric) if weakest else "–"
    peers = add(
        "pembanding",
        "Unit pembanding",
        f"Unit yang dikunjungi untuk area {weakest_label}",
        f"Unit di provinsi lain yang kuat di area terlemah {a_name} ({weakest_label}), diurutkan menurut heuristik "
        "[kaji_tiru] berkas aturan, dengan alasannya.",
        peer_frame,
        {
            "province": "Provinsi",
            "unit": "Unit kerja",
            "jenis_unit": "Jenis unit",
            "area_pct": f"Capaian {weakest or 'area'} (%)",
            "total": "Nilai total",
            "predicate": "Predikat",
            "score": "Skor kecocokan",
            "reason": "Alasan",
        },
        1,
        {
            "province": "Provinsi",
            "unit": "Unit kerja",
            "jenis_unit": "Jenis unit",
            "area_pct": f"Capaian {weakest or 'area'} (%)",
            "total": "Nilai total",
            "predicate": "Predikat",
            "reason": "Alasan",
        },
    )
    tables["teladan"], exemplary = lke_items.exemplars(wh, sel, ctx, who)
    peer_provinces = [int(p) for p in dict.fromkeys(peers["province_code"].dropna())]
    found = queries.practices(wh, peer_provinces) if peer_provinces else pd.DataFrame(columns=["area"])
    # Practices of the weakest area first: that is what the visit is for.
    found = found.sort_values("area", key=lambda a: a != weakest, kind="stable") if len(found) else found
    found = found.assign(
        area_label=[None if pd.isna(a) else item_label(a, rubric) for a in found["area"]],
        subarea_label=[None if pd.isna(c) else item_label(c, rubric) for c in found.get("subarea", pd.Series(dtype=object))],
    )
    practices = add(
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

    files = sources.files_text(status)
    footer = f"Data per {date_text(status['loaded_at'])}, sumber: {files} · {stage_label(stage)}"
    source_rows = sources.sources(wh, rules, names, practices)
    sections = (
        Section(
            "ringkasan",
            f"Ringkasan: {' dan '.join(names.values())}",
            tables["ringkasan"].caption,
            ("ringkasan", "rata_rata"),
            None,
            notes.summary_notes(ctx, summary, averages, ranked),
            None if len(summary) else f"Belum ada data penilaian {year}.",
        ),
        Section(
            "area",
            "Capaian per area perubahan",
            tables["area"].caption,
            ("area", "selisih"),
            chart_data.area_chart(areas, codes) if has_areas else None,
            notes.area_notes(ctx, areas, tables["selisih"].frame, rules, rubric),
            None if has_areas else f"Provinsi terpilih belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "tren",
            "Tren nilai total",
            notes.trend_caption(ctx, rules),
            ("tren",),
            chart_data.trend_chart(trend, codes, thresholds) if len(trend) else None,
            notes.trend_notes(ctx, trend),
            None if len(trend) else f"Belum ada nilai {stage} untuk provinsi terpilih.",
        ),
        Section(
            "jarak",
            tables["sebaran_jarak"].title,
            tables["sebaran_jarak"].caption,
            ("sebaran_jarak",),
            chart_data.gap_chart(distribution) if len(distribution) else None,
            notes.gap_notes(ctx, distribution),
            None if len(distribution) else f"Provinsi terpilih belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "unit_terdekat",
            tables["unit_terdekat"].title,
            tables["unit_terdekat"].caption,
            ("unit_terdekat",),
            None,
            notes.nearest_notes(ctx, all_gaps),
            None if len(gaps) else f"{a_name} belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "prioritas",
            tables["prioritas"].title,
            tables["prioritas"].caption,
            ("prioritas",),
            chart_data.priority_chart(priorities) if len(priorities) else None,
            notes.priority_notes(ctx, priorities, items),
            None if len(priorities) else "Belum ada rincian nilai untuk pilihan ini.",
        ),
        improving,
        Section(
            "belajar",
            f"Belajar dari siapa: area {weakest_label}",
            tables["pembanding"].caption,
            ("pembanding",),
            None,
            notes.peer_notes(ctx, own, peers),
            None if len(peers) else f"Belum ada unit di provinsi lain dengan nilai {stage} pada {year}.",
        ),
        exemplary,
        Section(
            "praktik",
            tables["praktik"].title,
            tables["praktik"].caption,
            ("praktik",),
            None,
            notes.practice_notes(ctx, practices),
            None
            if len(practices)
            else "Belum ada praktik baik tercatat di provinsi tujuan (tambahkan lewat halaman Praktik baik).",
        ),
        Section(
            "sumber",
            "Data dan sumber",
            "Dari mana angka paket ini berasal, dan aturan yang dipakai.",
            (),
            None,
            notes.source_notes(status, rules, files),
        ),
    )
    facts = sources.facts(ctx, sel, unit_name, status, rules, rubric, own)
    return MeetingPack(
        selection=sel,
        names=names,
        title="Kaji tiru Zona Integritas",
        subtitle=sources.subtitle(names, learner),
        detail=f"Tahun penilaian {year} · {stage_label(stage)} · {SCOPE_LABELS.get(scope, scope)} · sasaran {PREDICATE_LABELS[predicate]}",
        as_of=date_text(status["loaded_at"]),
        footer=footer,
        sample=bool(status["has_sample"]),
        rules_version=rules.version,
        thresholds=thresholds,
        target=totals.get(predicate),
        rubric_change=change,
        weakest_area=weakest,
        tables=tables,
        sections=sections,
        facts=facts,
        sources=source_rows,
        unit_total=who.total,
        origin=(wh.cache_key(), sel),
    )


# st.cache_data pickles the pack; it is keyed on the warehouse version, so a new load is a new pack.
cached_pack = st.cache_data(hash_funcs={Warehouse: Warehouse.cache_key}, max_entries=16, show_spinner=False)(build_pack)


# -- arrangement ----------------------------------------------------------------------------------
def _in_order(frame: pd.DataFrame, codes: list[int], by_area: bool = False) -> pd.DataFrame:
    """Rows of the chosen provinces in selection order (A first); reference rows (no province) last;
    areas in LKE order."""
    rank = {code: i for i, code in enumerate(codes)}
    keep = frame[frame["province_code"].isna() | frame["province_code"].isin(codes)].copy()
    keep["_order"] = keep["province_code"].map(lambda c: len(codes) if pd.isna(c) else rank[int(c)])
    keys = ["_order"] + (["_area"] if by_area else []) + (["year"] if "year" in keep.columns else [])
    if by_area:
        keep["_area"] = keep["area"].map(lambda a: AREAS.index(a) if a in AREAS else len(AREAS))
    return keep.sort_values(keys, kind="stable").drop(columns=[c for c in ("_order", "_area") if c in keep.columns])


def _unit_name(units: pd.DataFrame, unit_id: str | None) -> str | None:
    found = units.loc[units["unit_id"] == unit_id, "unit"] if unit_id else units["unit"].iloc[:0]
    return found.iat[0] if len(found) else None

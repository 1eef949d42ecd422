"""Where the chosen provinces stand: the pack's summary (ranked among every province with data, and the
averages), the areas (each province's achievement per area and the differences to the learner) and the
trend of the total over the years, each as its tables and its section (`zi.meeting.content.pack` puts them in
meeting order). Provinces are in selection order, the learner first, so differences read "other minus A".
"""

from __future__ import annotations

import pandas as pd

from zi.domain.rules import AREAS
from zi.meeting.content import chart_data, notes
from zi.meeting.content.model import Section, Selection, Table
from zi.meeting.content.notes import NoteContext
from zi.present.labels import item_label, rubric_label, stage_label
from zi.query import queries
from zi.query.db import Warehouse


def summary(wh: Warehouse, sel: Selection, ctx: NoteContext) -> tuple[Table, Table, Section]:
    """The chosen provinces' counts, predicates and mean total (ranked among every province with data,
    so the rank means something), and the averages of all provinces and of the chosen together."""
    year, stage, codes = sel.year, sel.stage, list(sel.provinces)
    everyone = queries.province_summary(wh, year, stage, sel.scope)
    ranked = int(everyone["rank"].notna().sum())
    provinces = Table(
        "ringkasan",
        "Ringkasan",
        f"Ringkasan {year}, tahap {stage}",
        f"Per provinsi: unit membangun ZI, predikat, dan nilai {stage_label(stage)}; peringkat di antara "
        f"{ranked} provinsi dalam data.",
        in_order(everyone, codes),
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
    averages = Table(
        "rata_rata",
        "Rata-rata",
        "Rata-rata nasional dan provinsi terpilih",
        f"Rata-rata nilai total {stage} {year}: semua provinsi dalam data dan provinsi terpilih bersama.",
        queries.averages(wh, year, stage, sel.scope, codes),
        {
            "label": "Kelompok",
            "assessed": "Unit dinilai",
            "mean_total": "Rata-rata nilai",
            "std_total": "Simpangan baku",
            "mean_pct": "Capaian rata-rata (% maks.)",
        },
    )
    section = Section(
        "ringkasan",
        f"Ringkasan: {' dan '.join(ctx.names.values())}",
        provinces.caption,
        ("ringkasan", "rata_rata"),
        None,
        notes.summary_notes(ctx, provinces.frame, averages.frame, ranked),
        None if len(provinces.frame) else f"Belum ada data penilaian {year}.",
    )
    return provinces, averages, section


def areas(wh: Warehouse, sel: Selection, ctx: NoteContext, rules) -> tuple[Table, Table, Section, pd.Series]:
    """Achievement per area (% of its weight) of each chosen province and of the chosen together, the
    differences to the learner, and the learner's own achievement per area (its weakest is the visit's)."""
    codes, rubric = list(sel.provinces), rules.rubric_for_year(sel.year)
    achievement = in_order(queries.area_achievement(wh, sel.year, sel.stage, sel.scope, codes), codes, by_area=True)
    by_area = Table(
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
    apart = Table(
        "selisih",
        "Selisih area",
        "Selisih capaian per area",
        f"Capaian per area (% dari bobot) dan selisih setiap provinsi terhadap {ctx.a_name}, dalam poin persentase.",
        differences,
        diff_columns,
        1,
        {"area_label": "Area"} | {c: f"{c} (poin %)" for c in differences.columns if str(c).startswith("Selisih")},
    )
    frame = by_area.frame
    own = frame[frame["province_code"] == ctx.learner].set_index("area")["pct"] if has_areas else pd.Series(dtype=float)
    section = Section(
        "area",
        "Capaian per area perubahan",
        by_area.caption,
        ("area", "selisih"),
        chart_data.area_chart(frame, codes) if has_areas else None,
        notes.area_notes(ctx, frame, apart.frame, rules, rubric),
        None if has_areas else f"Provinsi terpilih belum punya nilai {sel.stage} pada {sel.year}.",
    )
    return by_area, apart, section, own


def trend(wh: Warehouse, sel: Selection, ctx: NoteContext, rules) -> tuple[Table, Section]:
    """The mean total per year as % of its rubric's maximum, against the rules' total thresholds."""
    codes, stage = list(sel.provinces), sel.stage
    years = Table(
        "tren",
        "Tren",
        "Tren nilai total",
        f"Rata-rata nilai total {stage} per tahun sebagai % dari nilai maksimum rubriknya, dengan unit yang memenuhi syarat.",
        in_order(queries.province_trend(wh, stage, sel.scope, codes), codes).pipe(
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
    section = Section(
        "tren",
        "Tren nilai total",
        notes.trend_caption(ctx, rules),
        ("tren",),
        chart_data.trend_chart(years.frame, codes, ctx.thresholds) if len(years.frame) else None,
        notes.trend_notes(ctx, years.frame),
        None if len(years.frame) else f"Belum ada nilai {stage} untuk provinsi terpilih.",
    )
    return years, section


def in_order(frame: pd.DataFrame, codes: list[int], by_area: bool = False) -> pd.DataFrame:
    """Rows of the chosen provinces in selection order (A first); reference rows (no province) last;
    areas in LKE order."""
    rank = {code: i for i, code in enumerate(codes)}
    keep = frame[frame["province_code"].isna() | frame["province_code"].isin(codes)].copy()
    keep["_order"] = keep["province_code"].map(lambda c: len(codes) if pd.isna(c) else rank[int(c)])
    keys = ["_order"] + (["_area"] if by_area else []) + (["year"] if "year" in keep.columns else [])
    if by_area:
        keep["_area"] = keep["area"].map(lambda a: AREAS.index(a) if a in AREAS else len(AREAS))
    return keep.sort_values(keys, kind="stable").drop(columns=[c for c in ("_order", "_area") if c in keep.columns])

"""Paket rapat kaji tiru: one assembly of everything a kaji tiru meeting shows, for three renderers.

`build_pack(wh, selection)` asks the query layer once and returns a `MeetingPack`: the tables (each
a DataFrame with a title, a short Indonesian caption and its column headers), the sections in
meeting order with the data of their chart and the key numbers for the speaker notes, the footer
(data as of, source files, stage, sample flag) and the sources. The renderers — `zi.meeting.deck`
(PowerPoint), `zi.meeting.workbook` (Excel) and the page `Mode presentasi` — only arrange what is here and
never query the warehouse, so the slide, the sheet and the screen of one selection always agree.

Province A (the first chosen) is the one that learns, B (the second) the one visited; gaps,
priorities and peers are about A. Every threshold comes from the rules file.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from zi.domain.rules import AREAS, load_rules
from zi.present import charts
from zi.present.exports import file_name
from zi.present.labels import (
    GAP_GROUPS,
    PREDICATE_LABELS,
    SAMPLE_NOTICE,
    SCOPE_LABELS,
    conditions_text,
    item_label,
    item_name,
    markdown_text,
    number,
    percent,
    predicate_label,
    rubric_label,
    stage_label,
)
from zi.present.ui import date_text
from zi.query import queries
from zi.query.db import Warehouse

# How many rows of a ranked list one slide holds at a readable size (layout, not a rule of the LKE;
# the full lists are one click away on the dashboard's own pages).
UNITS_SHOWN = 10
ITEMS_SHOWN = 10
SAMPLE_MARK = "DATA CONTOH"

GAP_COLUMNS = {column: label for column, (label, _) in GAP_GROUPS.items()}


@dataclass(frozen=True)
class Selection:
    """What the meeting is about: provinces (A that learns first, B visited second, more allowed),
    year, stage, scope, the predicate aimed at, and optionally one unit of A for the priorities."""

    provinces: tuple[int, ...]
    year: int
    stage: str
    scope: str
    predicate: str = "WBK"
    unit_id: str | None = None

    def __post_init__(self):
        # A list from a widget becomes a tuple: the selection is a cache key and must be hashable.
        object.__setattr__(self, "provinces", tuple(int(p) for p in self.provinces))
        object.__setattr__(self, "year", int(self.year))


@dataclass(frozen=True)
class Table:
    """One table of the pack: the query result in meeting order, with the columns to show."""

    key: str
    sheet: str  # Excel sheet name (at most 31 characters)
    title: str
    caption: str
    frame: pd.DataFrame
    columns: dict[str, str]  # column of `frame` -> Indonesian header, in the order shown
    decimals: int = 2
    brief: dict[str, str] | None = None  # what a slide or a screen shows, where the sheet shows `columns`
    cites: str | None = None  # a column of sources: slides and screens write [1], [2] … and list them below

    def cited_header(self) -> str | None:
        """The header of the cited column as a slide or a screen shows it."""
        return (self.brief or self.columns).get(self.cites) if self.cites else None

    def shown(self) -> pd.DataFrame:
        """The shown columns under their Indonesian headers (values untouched, numbers stay numbers)."""
        present = [c for c in self.columns if c in self.frame.columns]
        return self.frame[present].rename(columns=self.columns)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    role: str = "data"  # data (a province), reference (peer mean), threshold (a rules line)
    province_code: int | None = None


@dataclass(frozen=True)
class ChartData:
    """A chart as categories and series, ready for a native PowerPoint chart."""

    kind: str  # area (clustered bars + reference line), trend (lines), stacked (stacked bars), bars
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_title: str
    number_format: str = "0.0"


@dataclass(frozen=True)
class Section:
    """One slide / one screen, in meeting order."""

    key: str
    title: str
    caption: str
    tables: tuple[str, ...] = ()
    chart: ChartData | None = None
    notes: tuple[str, ...] = ()
    empty: str | None = None  # said instead of the content when there is nothing to show


@dataclass(frozen=True)
class MeetingPack:
    selection: Selection
    names: dict[int, str]  # chosen provinces that exist, in selection order
    title: str
    subtitle: str
    detail: str  # year, stage, scope and predicate in one line
    as_of: str
    footer: str
    sample: bool
    rules_version: str
    thresholds: dict[str, float]  # total thresholds of the year's rubric, % of the rubric's maximum
    target: float | None  # the predicate's total threshold in points
    rubric_change: int
    weakest_area: str | None
    tables: dict[str, Table]
    sections: tuple[Section, ...]
    facts: tuple[tuple[str, str], ...]  # the selection and data status, for the first sheet
    sources: pd.DataFrame  # kind, source, detail
    origin: tuple = field(default=(), compare=False)  # (warehouse version, selection): the cache identity

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def file_name(self, suffix: str) -> str:
        """e.g. zi_paket_kaji_tiru_2024_TPI_Kalimantan-Tengah-Jawa-Barat.pptx"""
        return file_name(
            "paket", "kaji", "tiru", self.selection.year, self.selection.stage, "-".join(self.names.values()), suffix=suffix
        )


# -- assembly -------------------------------------------------------------------------------------
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

    files = _files_text(status)
    footer = f"Data per {date_text(status['loaded_at'])}, sumber: {files} · {stage_label(stage)}"
    sources = _sources(wh, rules, names, practices)
    ctx = _Context(names, learner, a_name, year, stage, predicate, thresholds, totals, change, weakest, rubric)
    sections = (
        Section(
            "ringkasan",
            f"Ringkasan: {' dan '.join(names.values())}",
            tables["ringkasan"].caption,
            ("ringkasan", "rata_rata"),
            None,
            _summary_notes(ctx, summary, averages, ranked),
            None if len(summary) else f"Belum ada data penilaian {year}.",
        ),
        Section(
            "area",
            "Capaian per area perubahan",
            tables["area"].caption,
            ("area", "selisih"),
            _area_chart(areas, codes) if has_areas else None,
            _area_notes(ctx, areas, tables["selisih"].frame, rules, rubric),
            None if has_areas else f"Provinsi terpilih belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "tren",
            "Tren nilai total",
            _trend_caption(ctx, rules),
            ("tren",),
            _trend_chart(trend, codes, thresholds) if len(trend) else None,
            _trend_notes(ctx, trend),
            None if len(trend) else f"Belum ada nilai {stage} untuk provinsi terpilih.",
        ),
        Section(
            "jarak",
            tables["sebaran_jarak"].title,
            tables["sebaran_jarak"].caption,
            ("sebaran_jarak",),
            _gap_chart(distribution) if len(distribution) else None,
            _gap_notes(ctx, distribution),
            None if len(distribution) else f"Provinsi terpilih belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "unit_terdekat",
            tables["unit_terdekat"].title,
            tables["unit_terdekat"].caption,
            ("unit_terdekat",),
            None,
            _nearest_notes(ctx, all_gaps),
            None if len(gaps) else f"{a_name} belum punya nilai {stage} pada {year}.",
        ),
        Section(
            "prioritas",
            tables["prioritas"].title,
            tables["prioritas"].caption,
            ("prioritas",),
            _priority_chart(priorities) if len(priorities) else None,
            _priority_notes(ctx, priorities, items),
            None if len(priorities) else "Belum ada rincian nilai untuk pilihan ini.",
        ),
        Section(
            "belajar",
            f"Belajar dari siapa: area {weakest_label}",
            tables["pembanding"].caption,
            ("pembanding",),
            None,
            _peer_notes(ctx, own, peers),
            None if len(peers) else f"Belum ada unit di provinsi lain dengan nilai {stage} pada {year}.",
        ),
        Section(
            "praktik",
            tables["praktik"].title,
            tables["praktik"].caption,
            ("praktik",),
            None,
            _practice_notes(ctx, practices),
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
            _source_notes(status, rules, files),
        ),
    )
    facts = _facts(ctx, sel, unit_name, status, rules, rubric, own)
    return MeetingPack(
        selection=sel,
        names=names,
        title="Kaji tiru Zona Integritas",
        subtitle=_subtitle(names, learner),
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
        sources=sources,
        origin=(wh.cache_key(), sel),
    )


# st.cache_data pickles the pack; it is keyed on the warehouse version, so a new load is a new pack.
cached_pack = st.cache_data(hash_funcs={Warehouse: Warehouse.cache_key}, max_entries=16, show_spinner=False)(build_pack)


def pack_cache_key(pack: MeetingPack) -> tuple:
    """What identifies a pack for caches of its renderings (hashing its DataFrames would cost more)."""
    return pack.origin


def agenda(pack: MeetingPack) -> list[str]:
    return [s.title for s in pack.sections]


def facts_frame(pack: MeetingPack) -> pd.DataFrame:
    return pd.DataFrame(list(pack.facts), columns=["Pilihan", "Nilai"])


def contents(pack: MeetingPack, slides: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """What the pack holds, slide by slide (the deck opens with a title and an agenda slide).
    `slides`: the slides each section takes in the deck (`zi.meeting.deck.slide_numbers`), where a
    long table continues on a next slide; without it, one slide per section."""
    rows = [("1", pack.title, "teks", "–", pack.subtitle), ("2", "Agenda", "teks", "–", f"{len(pack.sections)} bahasan")]
    for slide, section in enumerate(pack.sections, start=3):
        tables = [pack.tables[k] for k in section.tables]
        numbers = (slides or {}).get(section.key, [slide])
        rows.append(
            (
                str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}",
                section.title,
                "grafik PowerPoint" if section.chart else ("tabel" if tables else "teks"),
                ", ".join(t.sheet for t in tables) or "Pilihan & sumber",
                section.empty or " · ".join(f"{len(t.frame)} baris" for t in tables) or f"{len(pack.sources)} sumber",
            )
        )
    return pd.DataFrame(rows, columns=["Slide", "Judul", "Isi", "Lembar Excel", "Data"])


def screen_figure(pack: MeetingPack, section: Section):
    """The dashboard's own chart of a section for the presentation screen (None: a table screen)."""
    sel = pack.selection

    def frame(key: str) -> pd.DataFrame:
        return pack.tables[key].frame

    counts = {c: pack.tables["ringkasan"].columns[c] for c in ("units", "proposed", "wbk", "wbbm", "eligible_wbk")}
    figures = {
        "ringkasan": lambda: charts.count_bars(frame("ringkasan"), counts, f"Unit kerja per provinsi, {sel.year}", sel.stage),
        "area": lambda: charts.area_bars(frame("area"), sel.stage),
        "tren": lambda: charts.trend_lines(
            frame("tren"),
            "mean_pct",
            "province",
            sel.stage,
            "Rata-rata nilai total per provinsi",
            pack.thresholds,
            pack.rubric_change,
        ),
        "jarak": lambda: charts.gap_distribution_bars(frame("sebaran_jarak"), sel.predicate, sel.stage),
        "prioritas": lambda: charts.priority_chart(frame("prioritas"), pack.target, sel.stage, shown=len(frame("prioritas"))),
    }
    return figures[section.key]() if section.key in figures and not section.empty else None


def screen_chart(pack: MeetingPack, section: Section, title: str):
    """`screen_figure` enlarged for the meeting screen and titled `title` (None: a table screen). The
    area chart names each area under its code: the screen has the room a slide gives to the table
    beside its chart."""
    figure = screen_figure(pack, section)
    if figure is None:
        return None
    if section.key != "area":
        return charts.presentation(figure, title)
    rubric = load_rules().rubric_for_year(pack.selection.year)
    text = [f"<b>{a}</b><br>" + "<br>".join(textwrap.wrap(html.escape(item_name(a, rubric) or a), 18)) for a in AREAS]
    figure.update_xaxes(tickmode="array", tickvals=list(AREAS), ticktext=text)
    # Four lines of names under the axis: the legend moves below them.
    return charts.presentation(figure, title, height=700).update_layout(legend={"y": -0.52}, margin={"b": 230})


def display(table: Table) -> pd.DataFrame:
    """The shown columns as text the way the interface writes numbers (decimal comma, – for missing)."""
    shown = table.shown()
    return shown.apply(lambda column: column.map(lambda v: cell_text(v, table.decimals)))


def brief(table: Table) -> pd.DataFrame:
    """`display` of what a slide or a screen shows (`Table.brief`; the sheet shows `Table.columns`)."""
    if table.brief is None:
        return display(table)
    return display(Table(table.key, table.sheet, table.title, table.caption, table.frame, table.brief, table.decimals))


def cite(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, list[str]]:
    """`frame` with the texts of `column` replaced by [1], [2] … in order of first appearance, and the
    texts so numbered: a source shared by many rows is written once, under the table."""
    sources = list(dict.fromkeys(v for v in frame[column] if v not in ("–", "")))
    marks = {source: f"[{i}]" for i, source in enumerate(sources, start=1)}
    return frame.assign(**{column: frame[column].map(lambda v: marks.get(v, v))}), sources


def screen_table(table: Table) -> pd.DataFrame:
    """`brief` with every cell and header literal for st.table, which renders Markdown: a unit or a
    practice written as `[klik](https://…)` stays text on the meeting screen."""
    return _literal(brief(table))


def screen_rows(table: Table, rows: Sequence[int] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """What one screen shows of a table (the rows of a slide, all without `rows`): `screen_table`,
    with a cited column written [1], [2] … as on the slide, and the sources those rows cite, literal."""
    shown, sources = brief(table), []
    header = table.cited_header()
    if header:
        shown, found = cite(shown, header)  # numbered over the whole table, as the slides are
        sources = [f"[{i}] {s}" for i, s in enumerate(found, start=1)]
    if rows is not None:
        shown = shown.iloc[list(rows)]
    cited = set(shown[header]) if header else set()
    return _literal(shown), [markdown_text(s) for s in sources if s.split(" ", 1)[0] in cited]


def screen_facts(pack: MeetingPack) -> pd.DataFrame:
    return _literal(facts_frame(pack))


def _literal(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(markdown_text).rename(columns=markdown_text)


def cell_text(value, decimals: int = 2) -> str:
    """One value as the interface writes it: 75,32; whole numbers (years, counts) as they are; Ya/Tidak."""
    if isinstance(value, (list, tuple, np.ndarray)):  # e.g. the shared words of a peer's name
        return ", ".join(str(v) for v in value)
    if value is None or pd.isna(value):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "Ya" if value else "Tidak"
    if isinstance(value, (float, np.floating)):
        return number(float(value), decimals)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return date_text(value)
    return str(value)


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


def _area_chart(areas: pd.DataFrame, codes: list[int]) -> ChartData:
    categories = tuple(a for a in AREAS if a in set(areas["area"]))
    series = []
    for code in codes:
        rows = areas[areas["province_code"] == code].set_index("area")["pct"]
        if len(rows):
            name = areas.loc[areas["province_code"] == code, "province"].iat[0]
            series.append(Series(name, _values(rows, categories), "data", code))
    reference = areas[areas["province_code"].isna()]
    if len(reference):
        series.append(Series(reference["province"].iat[0], _values(reference.set_index("area")["pct"], categories), "reference"))
    return ChartData("area", categories, tuple(series), "Capaian (% dari bobot)")


def _trend_chart(trend: pd.DataFrame, codes: list[int], thresholds: dict[str, float]) -> ChartData:
    years = sorted(int(y) for y in trend["year"].unique())
    categories = tuple(str(y) for y in years)
    series = []
    for code in codes:
        rows = trend[trend["province_code"] == code]
        if len(rows):
            values = rows.set_index(rows["year"].astype(int).astype(str))["mean_pct"]
            series.append(Series(rows["province"].iat[0], _values(values, categories), "data", code))
    for predicate, value in thresholds.items():
        series.append(Series(f"Ambang {predicate} ({number(value, 0)} %)", tuple(value for _ in categories), "threshold"))
    return ChartData("trend", categories, tuple(series), "Nilai total (% dari maksimum)")


def _gap_chart(distribution: pd.DataFrame) -> ChartData:
    categories = tuple(distribution["province"])
    # "Belum diketahui" only where some unit's rubric has no thresholds (as on the Jarak page).
    shown = [c for c in GAP_COLUMNS if c != "unknown" or distribution[c].sum() > 0]
    series = tuple(Series(GAP_COLUMNS[c], tuple(float(v) for v in distribution[c])) for c in shown)
    return ChartData("stacked", categories, series, "Jumlah unit", "0")


def _priority_chart(items: pd.DataFrame) -> ChartData:
    categories = tuple(f"{row.code} · {row.name}" for row in items.itertuples())
    return ChartData(
        "bars", categories, (Series("Poin yang dapat diraih", tuple(float(v) for v in items["recoverable"])),), "Poin", "0.00"
    )


def _values(by_category: pd.Series, categories: tuple[str, ...]) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(by_category.get(c)) else float(by_category.get(c)) for c in categories)


# -- key numbers for the speaker notes --------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    names: dict[int, str]
    learner: int
    a_name: str
    year: int
    stage: str
    predicate: str
    thresholds: dict[str, float]
    totals: dict[str, float]
    change: int
    weakest: str | None
    rubric: str | None = None

    def area(self, code: str | None) -> str:
        """An area code with its name, as the slides write it."""
        return item_label(code, self.rubric) if code else "–"


def _summary_notes(ctx: _Context, summary: pd.DataFrame, averages: pd.DataFrame, ranked: int) -> tuple[str, ...]:
    notes = []
    for row in summary.itertuples():
        rank = f", peringkat {row.rank} dari {ranked}" if pd.notna(row.rank) else ""
        notes.append(
            f"{row.province}: {_int(row.assessed)} unit dinilai {ctx.stage} {ctx.year}, rata-rata nilai "
            f"{number(row.mean_total)} ({percent(row.mean_pct)} dari maksimum){rank}; {_int(row.eligible_wbk)} unit "
            f"memenuhi syarat WBK; predikat WBK {_int(row.wbk)}, WBBM {_int(row.wbbm)}; {_int(row.units)} unit membangun ZI."
        )
    means = summary.set_index("province_code")["mean_total"] if len(summary) else pd.Series(dtype=float)
    for code, name in list(ctx.names.items())[1:]:
        if pd.notna(means.get(code)) and pd.notna(means.get(ctx.learner)):
            notes.append(f"Selisih rata-rata {name} − {ctx.a_name}: {number(means[code] - means[ctx.learner])} poin.")
    for row in averages.itertuples():
        notes.append(f"{row.label}: {number(row.mean_total)} ({_int(row.assessed)} unit).")
    return tuple(notes)


def _area_notes(ctx: _Context, areas: pd.DataFrame, differences: pd.DataFrame, rules, rubric: str) -> tuple[str, ...]:
    notes = []
    minimum = rules.threshold(rubric, ctx.predicate, "area_pct")
    for code, name in ctx.names.items():
        own = areas[areas["province_code"] == code].set_index("area")["pct"]
        if own.empty:
            continue
        line = (
            f"{name}: terendah {ctx.area(own.idxmin())} ({percent(own.min())}), "
            f"tertinggi {ctx.area(own.idxmax())} ({percent(own.max())})"
        )
        if minimum is not None:
            below = [ctx.area(a) for a in own.index if own[a] < minimum]
            line += f"; rata-rata di bawah {number(minimum, 0)} % (syarat area {ctx.predicate} per unit): {'; '.join(below) or 'tidak ada'}"
        notes.append(line + ".")
    for column in (c for c in differences.columns if str(c).startswith("Selisih")):
        widest = differences.loc[differences[column].abs().idxmax()]
        notes.append(f"{column}: terlebar di {ctx.area(widest['area'])} ({number(widest[column], 1)} poin %).")
    return tuple(notes)


def _trend_caption(ctx: _Context, rules) -> str:
    lines = ", ".join(f"{p} {number(v, 0)} %" for p, v in ctx.thresholds.items())
    return (
        f"Rata-rata nilai total {ctx.stage} sebagai % dari maksimum rubriknya. Garis putus: ambang "
        + (f"{lines} ({rubric_label(rules.rubric_for_year(ctx.year))})" if lines else "belum dikonfirmasi untuk rubrik tahun ini")
        + f"; rubrik {rubric_label(rules.rubric_for_year(ctx.change))} berlaku sejak {ctx.change}."
    )


def _trend_notes(ctx: _Context, trend: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for code, name in ctx.names.items():
        rows = trend[trend["province_code"] == code].sort_values("year")
        if rows.empty:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        eligible = "belum diketahui" if pd.isna(last["eligible_wbk"]) else _int(last["eligible_wbk"])
        notes.append(
            f"{name}: {percent(first['mean_pct'])} pada {int(first['year'])} → {percent(last['mean_pct'])} pada "
            f"{int(last['year'])}; memenuhi syarat WBK pada {int(last['year'])}: {eligible} unit."
        )
    for predicate, value in ctx.thresholds.items():
        notes.append(f"Ambang {predicate}: nilai total {number(ctx.totals[predicate], 0)} ({number(value, 0)} % dari maksimum).")
    return tuple(notes)


def _gap_notes(ctx: _Context, distribution: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for row in distribution.itertuples():
        total = row.met_all + row.one_away + row.two_away + row.three_plus_away + row.unknown
        notes.append(
            f"{row.province}: dari {total} unit, {row.met_all} memenuhi semua syarat {ctx.predicate}, "
            f"{row.one_away} kurang 1 syarat, {row.two_away} kurang 2, {row.three_plus_away} kurang 3 atau lebih"
            + (f", {row.unknown} belum diketahui" if row.unknown else "")
            + "."
        )
    return tuple(notes)


def _nearest_notes(ctx: _Context, units: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for row in units.head(3).itertuples():
        notes.append(
            f"{row.unit}: nilai {number(row.total)}, {_int(row.conditions_failed)} syarat belum terpenuhi, "
            f"kurang {number(row.points_missing)} poin; terhambat oleh {row.blocked_by or '–'}."
        )
    if len(units):
        notes.append(f"{len(units)} unit {ctx.a_name} dinilai {ctx.stage} {ctx.year}.")
    return tuple(notes)


def _priority_notes(ctx: _Context, top: pd.DataFrame, items: pd.DataFrame) -> tuple[str, ...]:
    notes = [
        f"{row.code} {row.name}: {number(row.recoverable)} poin dapat diraih, menghambat syarat di {row.units_blocked} unit."
        for row in top.head(3).itertuples()
    ]
    if len(top) and ctx.predicate in ctx.totals:
        notes.append(
            f"Bila {len(top)} butir teratas dipenuhi berurutan, rata-rata nilai total naik ke "
            f"{number(top['cumulative_total'].iat[-1])} (ambang {ctx.predicate} {number(ctx.totals[ctx.predicate], 0)})."
        )
    if len(items) > len(top):
        notes.append(f"Daftar lengkap: {len(items)} butir (halaman Prioritas perbaikan).")
    return tuple(notes)


def _peer_notes(ctx: _Context, own: pd.Series, peers: pd.DataFrame) -> tuple[str, ...]:
    if ctx.weakest is None:
        return ()
    notes = [
        f"Area terlemah {ctx.a_name}: {ctx.area(ctx.weakest)} ({percent(own[ctx.weakest])} dari bobot, {ctx.stage} {ctx.year})."
    ]
    notes += [f"{row.unit} ({row.province}): {row.reason}." for row in peers.head(3).itertuples()]
    return tuple(notes)


def _practice_notes(ctx: _Context, practices: pd.DataFrame) -> tuple[str, ...]:
    in_area = int((practices["area"] == ctx.weakest).sum()) if len(practices) else 0
    notes = [f"{len(practices)} praktik baik tercatat di provinsi tujuan, {in_area} di area {ctx.area(ctx.weakest)}."]
    notes += [
        f"{row.province}, {row.area_label or '–'}: {row.practice} (sumber: {row.source})."
        for row in practices.head(3).itertuples()
    ]
    return tuple(notes)


def _source_notes(status: dict, rules, files: str) -> tuple[str, ...]:
    notes = [
        f"Data per {date_text(status['loaded_at'])}; {status['score_rows']} baris nilai dari {files}.",
        f"Aturan penilaian: data/rules.toml versi {rules.version}; ambang bertanda sementara bersandar pada satu sumber sekunder.",
    ]
    if status["has_sample"]:
        notes.append(f"{SAMPLE_MARK}: {SAMPLE_NOTICE}")
    return tuple(notes)


def _int(value) -> str:
    return "–" if value is None or pd.isna(value) else str(int(value))


# -- texts and sources ----------------------------------------------------------------------------
def _subtitle(names: dict[int, str], learner: int) -> str:
    others = [n for c, n in names.items() if c != learner]
    visited = " dan ".join([", ".join(others[:-1]), others[-1]] if len(others) > 1 else others)
    return f"{names.get(learner, learner)} belajar dari {visited}" if visited else str(names.get(learner, learner))


def _files_text(status: dict) -> str:
    """The source files as the page header names them (the first three and a count beyond that)."""
    files = status["files"] or "–"
    if status["file_count"] and status["file_count"] > 3:
        files = f"{status['file_count']} berkas ({', '.join(files.split(', ')[:3])}, …)"
    return files


def _facts(ctx: _Context, sel: Selection, unit_name: str | None, status: dict, rules, rubric: str, own: pd.Series):
    names = list(ctx.names.items())
    facts = [
        ("Provinsi yang belajar (A)", f"{ctx.a_name} ({ctx.learner})"),
        ("Provinsi yang dikunjungi (B)", ", ".join(f"{n} ({c})" for c, n in names[1:]) or "–"),
        ("Tahun penilaian", str(sel.year)),
        ("Tahap penilaian", stage_label(sel.stage)),
        ("Cakupan", SCOPE_LABELS.get(sel.scope, sel.scope)),
        ("Predikat sasaran", PREDICATE_LABELS.get(sel.predicate, sel.predicate)),
        ("Unit kerja (prioritas)", unit_name or "Semua unit provinsi A"),
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
    return tuple(facts)


def _sources(wh: Warehouse, rules, names: dict[int, str], practices: pd.DataFrame) -> pd.DataFrame:
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


SOURCE_COLUMNS = {"kind": "Jenis", "source": "Sumber", "detail": "Keterangan"}

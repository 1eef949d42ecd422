"""The meeting pack as data: what a kaji tiru meeting is about (`Selection`) and what it shows (`MeetingPack`:
its `Table`s, its `Section`s in meeting order with their `ChartData`, the footer, the facts and the sources).

`zi.meeting.content.pack` fills these from the query layer; the renderers — `zi.meeting.render.deck` (PowerPoint),
`zi.meeting.render.workbook` (Excel) and the page Mode presentasi (`zi.meeting.render.screens`) — only read them, so
nothing here queries the warehouse. The lists a renderer shows of the pack as a whole (the agenda, the
facts, the contents) are here too: they read the pack and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from zi.present.exports import file_name

SAMPLE_MARK = "DATA CONTOH"
SOURCE_COLUMNS = {"kind": "Jenis", "source": "Sumber", "detail": "Keterangan"}


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
class Learner:
    """Who learns: the first province as a whole, or one of its units (its name, kind and total at the stage)."""

    province: int
    province_name: str
    unit_id: str | None = None
    unit: str | None = None
    jenis: str | None = None
    total: float | None = None

    @property
    def name(self) -> str:
        return self.unit or self.province_name


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
    slide_rows: int | None = None  # the first rows slides and screens show (None: all); the sheet shows every row

    def __post_init__(self):
        # Rows numbered from 0 in meeting order: a slide's rows are positions in this frame.
        object.__setattr__(self, "frame", self.frame.reset_index(drop=True))

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
    figures: tuple[tuple[str, str], ...] = ()  # key figures (label, value) shown beside the chart


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
    unit_total: float | None = None  # the chosen unit's total at the stage, where its item steps start
    origin: tuple = field(default=(), compare=False)  # (warehouse version, selection): the cache identity

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def file_name(self, suffix: str) -> str:
        """e.g. zi_paket_kaji_tiru_2024_TPI_Kalimantan-Tengah-Jawa-Barat.pptx"""
        return file_name(
            "paket", "kaji", "tiru", self.selection.year, self.selection.stage, "-".join(self.names.values()), suffix=suffix
        )


def pack_cache_key(pack: MeetingPack) -> tuple:
    """What identifies a pack for caches of its renderings (hashing its DataFrames would cost more)."""
    return pack.origin


def agenda(pack: MeetingPack) -> list[str]:
    return [s.title for s in pack.sections]


def facts_frame(pack: MeetingPack) -> pd.DataFrame:
    return pd.DataFrame(list(pack.facts), columns=["Pilihan", "Nilai"])


def contents(pack: MeetingPack, slides: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """What the pack holds, slide by slide (the deck opens with a title and an agenda slide).
    `slides`: the slides each section takes in the deck (`zi.meeting.render.deck.slide_numbers`), where a
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
                section.empty or " · ".join(_rows_text(t) for t in tables) or f"{len(pack.sources)} sumber",
            )
        )
    return pd.DataFrame(rows, columns=["Slide", "Judul", "Isi", "Lembar Excel", "Data"])


def _rows_text(table: Table) -> str:
    """How many rows a table has, and how many of them its slides show where that is fewer."""
    rows = len(table.frame)
    if table.slide_rows is None or rows <= table.slide_rows:
        return f"{rows} baris"
    return f"{table.slide_rows} dari {rows} baris di slide (semua di Excel)"

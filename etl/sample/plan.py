"""What the demo holds: its years, each province's adoption of ZI and file dialect, and the published facts
(lke-zi.md section 7) it must show; the national set's ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.sample.names import BALI_ART_CENTRE, DPMPTSP, JABAR_LIBRARY, JABAR_SEED_UPTD, KALTENG_P3APPKB
from zi.domain.rules import PREDICATES, STAGES

YEARS = tuple(range(2018, 2026))
NEVER = 9999  # start/stop year of a unit that never starts / never stops
FIXED_TIME = datetime(2024, 12, 4, 8, 0, 0)  # workbook properties and zip entry times
LEVELS = ("", *PREDICATES)  # predicate held, by level: 0 none, 1 WBK, 2 WBBM
WBK = LEVELS.index(PREDICATES[0])
DETAIL_STAGES = {"demo": STAGES, "national": ("TPI",)}  # rows that get a rincian (sub-area) file


@dataclass(frozen=True)
class Dialect:
    """How one province's rekap is written; each field is a variation the ETL must read."""

    kind: str = "csv"  # csv | xlsx
    sep: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    lineterminator: str = "\n"
    province: str = "{nama}"  # spelling of the provinsi cell: fields nama, kode, singkatan
    halves: bool = False  # 90/2021 areas as pemenuhan/reform halves instead of area totals
    survey_index: bool = False  # IPAK/IPKP as survey index (1..4) instead of points
    rubric_column: bool = False
    titled: bool = False  # report layout: title rows, human headers, sheet Rekap, sheet Catatan


@dataclass(frozen=True)
class ProvincePlan:
    """One province of the demo: its Pemprov's adoption of ZI, level, and file dialect."""

    code: int
    started: tuple[int, ...]  # units that have started ZI by each year of YEARS (cumulative)
    skill: float  # mean capability of a unit in its first ZI year
    dialect: Dialect
    n_units: int | None = None  # perangkat daerah; None: drawn in OPD_RANGE
    first_tpi_year: int = YEARS[0]
    random_awards: bool = True  # False: no predicate beyond those of PINS
    renames: tuple[tuple[str, str], ...] = ()  # (common name, this province's name)
    extras: tuple[tuple[str, str], ...] = ()  # (name, jenis) beside the common list


@dataclass(frozen=True)
class Pin:
    """A published fact about one unit (lke-zi.md section 7) that the demo must show."""

    province: int
    unit: str
    start: int
    stop: int = NEVER
    skill: float | None = None
    awards: tuple[tuple[int, str], ...] = ()  # (year, predicate) decided on that year's TPN row


DEMO = (
    ProvincePlan(
        32,
        (4, 7, 10, 14, 18, 22, 28, 30),
        0.60,
        n_units=46,
        random_awards=False,
        dialect=Dialect("xlsx", halves=True, rubric_column=True, titled=True),
        renames=(("Dinas Perpustakaan dan Kearsipan", JABAR_LIBRARY),),
        extras=(("Rumah Sakit Jiwa", "RSUD"), (JABAR_SEED_UPTD, "UPTD")),
    ),
    ProvincePlan(
        62,
        (0, 0, 0, 0, 0, 12, 15, 18),
        0.52,
        first_tpi_year=2024,
        random_awards=False,
        dialect=Dialect(sep=";", decimal=",", encoding="utf-8-sig", province="{singkatan}"),
        renames=(
            ("Dinas Perpustakaan dan Kearsipan", "Dinas Perpustakaan dan Arsip"),
            ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", KALTENG_P3APPKB),
        ),
    ),
    ProvincePlan(
        31,
        (1, 2, 4, 5, 7, 9, 11, 12),
        0.66,
        dialect=Dialect(province="{kode}", halves=True, rubric_column=True),
        renames=(("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Bina Marga"),),
        extras=(("Dinas Sumber Daya Air", "Dinas"), ("Dinas Penanggulangan Kebakaran dan Penyelamatan", "Dinas")),
    ),
    ProvincePlan(
        33,
        (2, 4, 6, 8, 9, 11, 12, 13),
        0.64,
        dialect=Dialect("xlsx"),
    ),
    ProvincePlan(
        35,
        (1, 3, 5, 6, 8, 10, 12, 13),
        0.65,
        dialect=Dialect(sep=";", decimal=",", province="Provinsi {nama}", halves=True),
    ),
    ProvincePlan(
        51,
        (0, 1, 2, 3, 4, 6, 7, 8),
        0.64,
        dialect=Dialect(sep="\t", encoding="cp1252", lineterminator="\r\n", province="Prov. {nama}", survey_index=True),
        renames=(("Dinas Pariwisata dan Kebudayaan", "Dinas Pariwisata"),),
        extras=(("Dinas Kebudayaan", "Dinas"), (BALI_ART_CENTRE, "UPTD")),
    ),
    ProvincePlan(
        64,
        (0, 0, 1, 2, 3, 4, 6, 7),
        0.63,
        dialect=Dialect(province="{singkatan}", halves=True, survey_index=True, rubric_column=True),
    ),
    ProvincePlan(
        73,
        (1, 2, 3, 4, 5, 7, 8, 9),
        0.63,
        dialect=Dialect(sep="\t"),
    ),
)
PINS = (
    Pin(32, JABAR_LIBRARY, 2018, skill=0.80, awards=((2021, "WBK"),)),
    Pin(32, DPMPTSP, 2018, skill=0.84, awards=((2019, "WBK"), (2021, "WBBM"))),
    # Not re-assessed after the award, so Jabar shows 2 predicate holders among its 2024 units.
    Pin(32, "Rumah Sakit Jiwa", 2019, stop=2021, skill=0.78, awards=((2021, "WBK"),)),
    Pin(32, JABAR_SEED_UPTD, 2020, stop=2021, skill=0.78, awards=((2021, "WBK"),)),
    Pin(62, "Inspektorat", 2023),
    Pin(62, "Badan Pendapatan Daerah", 2023),
    Pin(62, "Dinas Perpustakaan dan Arsip", 2023),
    Pin(62, KALTENG_P3APPKB, 2023),
    Pin(62, "Badan Pengembangan Sumber Daya Manusia", 2023),
    Pin(51, BALI_ART_CENTRE, 2021),
)
NATIONAL_DIALECT = Dialect()
NATIONAL_SKILL = (0.55, 0.67)  # range of provincial means
NATIONAL_ADOPTION = {"ceiling": (0.5, 0.95), "midpoint": (2020.0, 2023.5), "width": (0.8, 1.6)}


@dataclass(frozen=True)
class LkePlan:
    """Which unit-years of a province the sample gives as LKE files, and in which shape."""

    province: int
    years: tuple[int, ...]
    shape: str  # lampiran3 | portalrb_json
    template_every: int = 0  # every n-th unit of a portalrb_json province comes in PortalRB's template instead
    quirks: bool = False  # a few workbooks carry the quirks of real copies
    json_names_itself: bool = True  # manifest rows of JSON files leave unit and year to the file


# Unit-years answered item by item (etl.sample.lke_sample): Kalimantan Tengah's, as its units and its TPI (formed
# in May 2024) hold them; Jawa Barat's 2025 answers as PortalRB pulls them, a few in PortalRB's template.
LKE = (
    LkePlan(62, (2024, 2025), "lampiran3", quirks=True),
    LkePlan(32, (2025,), "portalrb_json", template_every=6),
)

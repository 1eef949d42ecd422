"""Deterministic sample input files: the bundled *data contoh* and a national benchmark set.

`generate()` writes what an inspectorate would load (data contract, section 1): one *rekap* file per
province and, for PermenPANRB 90/2021 rows, a long *rincian* file of sub-area scores.

- `demo`: eight provinces, provincial governments only. The files exercise every dialect the ETL
  must read (XLSX with title rows and human headers, `;` with decimal comma and BOM, tab in
  Windows-1252, province as code / abbreviation / `Prov. <name>`, halves instead of area totals,
  survey index instead of points) and follow the published facts of lke-zi.md section 7 (`PINS`).
- `national`: all 38 provinces with their kabupaten/kota (synthetic names), about 21,000 units,
  for benchmarks. Area totals only; sub-area detail for TPI rows under 90/2021.

How scores are made. A unit's *capability* (the share of each weight it reaches) starts at a drawn
skill in the year it starts building ZI and grows with noise. The TPI score of every component is
drawn around it; the self-assessment (SA) is a few points more generous, the TPN a little stricter.
The TPI proposes a unit whose total is near the bar of the next predicate; the TPN awards it only
if the TPN row meets every condition of the rules file (for a rubric without confirmed thresholds,
52/2014, the structural conditions `total`, `pengungkit`, `area_pct` of the rubric that has them
stand in). A 90/2021 TPN row that meets WBK but is not awarded is turned into a near miss: one
condition lowered just below its bar. Rows of a unit that holds a predicate stay above that
predicate's bar. Every weight and threshold is read from `data/rules.toml`; all numbers are
illustrative.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from zi.domain.rules import AREAS, DATA_DIR, PREDICATES, STAGES, Indicator, Rules, load_rules

YEARS = tuple(range(2018, 2026))
NEVER = 9999  # start/stop year of a unit that never starts / never stops
FIXED_TIME = datetime(2024, 12, 4, 8, 0, 0)  # workbook properties and zip entry times
LEVELS = ("", *PREDICATES)  # predicate held, by level: 0 none, 1 WBK, 2 WBBM
WBK = LEVELS.index(PREDICATES[0])
DETAIL_STAGES = {"demo": STAGES, "national": ("TPI",)}  # rows that get a rincian (sub-area) file

# -- the score model (shares of a component's weight) ------------------------------------------
C_REF = 0.70  # capability at which a component sits at its profile's base share
# Base share and slope on capability: survey results sit high and move slowly; reform trails
# pemenuhan. Keys are half names, the area level, or result codes of the rules file.
PROFILES = {
    "pemenuhan": (0.73, 1.0),
    "reform": (0.67, 1.0),
    "area": (0.70, 1.0),
    "IPAK": (0.86, 0.6),
    "CK": (0.60, 1.0),
    "IPKP": (0.80, 0.6),
}
RESULT_PROFILE = (0.80, 0.7)
FRAC_MIN = 0.30  # keeps a survey index well inside its 1..4 scale
UNIT_SKILL_SD = 0.06
INSTANSI_SKILL_SD = 0.03
GROWTH = (0.005, 0.035)  # capability gained per year of ZI
YEAR_SD = 0.02
UNIT_COMPONENT_SD = 0.04  # lasting strengths and weaknesses of a unit per area / result group
PROVINCE_COMPONENT_SD = 0.07  # a province's own profile per area (what kaji tiru compares)
COMPONENT_SD = 0.035
SA_SHIFT = (0.05, 0.025)  # mean and sd of the self-assessment's generosity over the TPI
TPN_SHIFT = (0.02, 0.015)  # mean and sd of the TPN's strictness under the TPI
STAGE_SD = 0.015
SUBAREA_SD = 0.08
TPI_SHARE = 0.85  # unit-years that get a TPI evaluation
PROPOSAL_MARGIN = 2.0  # the TPI proposes a unit whose TPI total is at most this far below the bar
AWARD_SHARE = 0.8  # TPN rows meeting every condition that get the predicate (quota, other checks)
AWARD_MARGIN = 0.005  # an award needs every condition met by at least this (no knife edges)
FLOOR_MARGIN = 0.01  # share above a predicate's bar kept by the rows of its holders
NEAR_MISS_GAP = (0.05, 0.60)  # points below the bar of the one condition a near miss fails
TOLERANCE = 1e-9
AWARD_NOTE = "Ditetapkan Menuju {} oleh TPN"
NEAR_MISS_NOTE = "Diusulkan TPI ke TPN.\nBelum memenuhi seluruh syarat WBK."

# -- perangkat daerah -------------------------------------------------------------------------
OPD_RANGE = (40, 50)
KABKOTA_OPD_RANGE = (35, 40)
# Typical OPD of a provincial government: always present (a province may rename some) ...
PROVINCIAL_CORE = (
    ("Sekretariat DPRD", "Sekretariat DPRD"),
    ("Inspektorat", "Inspektorat"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Badan Perencanaan Pembangunan Daerah", "Badan"),
    ("Badan Pendapatan Daerah", "Badan"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "Badan"),
    ("Badan Kepegawaian Daerah", "Badan"),
    ("Badan Pengembangan Sumber Daya Manusia", "Badan"),
    ("Badan Penanggulangan Bencana Daerah", "Badan"),
    ("Badan Kesatuan Bangsa dan Politik", "Badan"),
    ("Dinas Pendidikan", "Dinas"),
    ("Dinas Kesehatan", "Dinas"),
    ("Dinas Sosial", "Dinas"),
    ("Dinas Tenaga Kerja dan Transmigrasi", "Dinas"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas"),
    ("Dinas Perumahan dan Kawasan Permukiman", "Dinas"),
    ("Dinas Perhubungan", "Dinas"),
    ("Dinas Lingkungan Hidup", "Dinas"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Dinas"),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dinas"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Dinas"),
    ("Dinas Komunikasi dan Informatika", "Dinas"),
    ("Dinas Koperasi dan Usaha Kecil Menengah", "Dinas"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Dinas"),
    ("Dinas Pemuda dan Olahraga", "Dinas"),
    ("Dinas Perpustakaan dan Kearsipan", "Dinas"),
    ("Dinas Kelautan dan Perikanan", "Dinas"),
    ("Dinas Pariwisata dan Kebudayaan", "Dinas"),
    ("Dinas Tanaman Pangan dan Hortikultura", "Dinas"),
    ("Dinas Perkebunan", "Dinas"),
    ("Dinas Kehutanan", "Dinas"),
    ("Dinas Energi dan Sumber Daya Mineral", "Dinas"),
    ("Dinas Perindustrian dan Perdagangan", "Dinas"),
    ("Dinas Ketahanan Pangan", "Dinas"),
    ("Biro Pemerintahan dan Otonomi Daerah", "Biro"),
    ("Biro Hukum", "Biro"),
    ("Biro Organisasi", "Biro"),
    ("Biro Perekonomian", "Biro"),
    ("Biro Umum", "Biro"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
)
# ... and drawn from to reach the province's count.
PROVINCIAL_OPTIONAL = (
    ("Dinas Peternakan dan Kesehatan Hewan", "Dinas"),
    ("Badan Riset dan Inovasi Daerah", "Badan"),
    ("Badan Penghubung", "Badan"),
    ("Biro Administrasi Pembangunan", "Biro"),
    ("Biro Pengadaan Barang dan Jasa", "Biro"),
    ("Biro Kesejahteraan Rakyat", "Biro"),
    ("Biro Administrasi Pimpinan", "Biro"),
    ("Rumah Sakit Jiwa", "RSUD"),
    ("UPTD Balai Laboratorium Kesehatan", "UPTD"),
    ("UPTD Balai Pelatihan Kerja", "UPTD"),
    ("UPTD Balai Pengujian dan Sertifikasi Mutu Barang", "UPTD"),
    ("UPTD Balai Benih Ikan", "UPTD"),
    ("UPTD Pelabuhan Perikanan", "UPTD"),
    ("UPTD Pengelolaan Pendapatan Daerah Wilayah I", "UPTD"),
    ("UPTD Pengelolaan Pendapatan Daerah Wilayah II", "UPTD"),
    ("UPTD Balai Pengelolaan Jalan dan Jembatan", "UPTD"),
    ("UPTD Balai Pelayanan Sosial Tresna Werdha", "UPTD"),
)
KABKOTA_OPD = (
    ("Sekretariat DPRD", "Sekretariat DPRD"),
    ("Inspektorat", "Inspektorat"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Badan Perencanaan Pembangunan Daerah", "Badan"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "Badan"),
    ("Badan Pendapatan Daerah", "Badan"),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Badan"),
    ("Badan Penanggulangan Bencana Daerah", "Badan"),
    ("Badan Kesatuan Bangsa dan Politik", "Badan"),
    ("Dinas Pendidikan", "Dinas"),
    ("Dinas Kesehatan", "Dinas"),
    ("Dinas Sosial", "Dinas"),
    ("Dinas Tenaga Kerja", "Dinas"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas"),
    ("Dinas Perumahan dan Kawasan Permukiman", "Dinas"),
    ("Dinas Perhubungan", "Dinas"),
    ("Dinas Lingkungan Hidup", "Dinas"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Dinas"),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dinas"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Dinas"),
    ("Dinas Pengendalian Penduduk dan Keluarga Berencana", "Dinas"),
    ("Dinas Komunikasi dan Informatika", "Dinas"),
    ("Dinas Koperasi dan Usaha Mikro", "Dinas"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Dinas"),
    ("Dinas Kepemudaan dan Olahraga", "Dinas"),
    ("Dinas Pariwisata", "Dinas"),
    ("Dinas Kebudayaan", "Dinas"),
    ("Dinas Perpustakaan dan Kearsipan", "Dinas"),
    ("Dinas Pertanian", "Dinas"),
    ("Dinas Perikanan", "Dinas"),
    ("Dinas Ketahanan Pangan", "Dinas"),
    ("Dinas Perdagangan", "Dinas"),
    ("Dinas Perindustrian", "Dinas"),
    ("Dinas Pemadam Kebakaran", "Dinas"),
    ("Bagian Organisasi", "Bagian"),
    ("Bagian Hukum", "Bagian"),
    ("Bagian Pemerintahan", "Bagian"),
    ("Bagian Umum", "Bagian"),
    ("Bagian Pengadaan Barang dan Jasa", "Bagian"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
    *((f"Kecamatan Contoh {i:02d}", "Kecamatan") for i in range(1, 6)),
)
# Kabupaten and kota per province (Kemendagri, 416 + 98 = 514; DKI's are administrative). Only the
# counts are used: names are synthetic ("Kab. Contoh 03").
KABKOTA = {
    11: (18, 5),
    12: (25, 8),
    13: (12, 7),
    14: (10, 2),
    15: (9, 2),
    16: (13, 4),
    17: (9, 1),
    18: (13, 2),
    19: (6, 1),
    21: (5, 2),
    31: (1, 5),
    32: (18, 9),
    33: (29, 6),
    34: (4, 1),
    35: (29, 9),
    36: (4, 4),
    51: (8, 1),
    52: (8, 2),
    53: (21, 1),
    61: (12, 2),
    62: (13, 1),
    63: (11, 2),
    64: (7, 3),
    65: (4, 1),
    71: (11, 4),
    72: (12, 1),
    73: (21, 3),
    74: (15, 2),
    75: (5, 1),
    76: (6, 0),
    81: (9, 2),
    82: (8, 2),
    91: (8, 1),
    92: (7, 0),
    93: (4, 0),
    94: (8, 0),
    95: (8, 0),
    96: (5, 1),
}

DPMPTSP = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
JABAR_LIBRARY = "Dinas Perpustakaan dan Kearsipan Daerah"
JABAR_SEED_UPTD = "UPTD Balai Pengawasan dan Sertifikasi Benih Tanaman Pangan dan Hortikultura"
KALTENG_P3APPKB = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"
BALI_ART_CENTRE = "UPTD Taman Budaya – Art Centre"  # en dash: exercises the Windows-1252 file


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

REPORT_TITLE = "Rekapitulasi Hasil Penilaian Zona Integritas"
HUMAN_HEADERS = {  # aliases of the data contract, as an inspector heads the columns
    "unit_kerja": "Unit Kerja",
    "tahap": "Tahap Penilaian",
    "mp": "Manajemen Perubahan",
    "tt": "Penataan Tatalaksana",
    "sdm": "Penataan SDM",
    "ak": "Penguatan Akuntabilitas Kinerja",
    "pw": "Penguatan Pengawasan",
    "pp": "Peningkatan Kualitas Pelayanan Publik",
    "ipak": "Indeks Persepsi Anti Korupsi",
    "ck": "Capaian Kinerja",
    "ipkp": "Indeks Persepsi Kualitas Pelayanan",
}
HUMAN_STAGES = {"SA": "Penilaian Mandiri"}


def generate(out_dir: Path, scale: str = "demo", seed: int = 2024) -> list[Path]:
    """Write deterministic sample input files (the same formats a user loads) and return their paths."""
    if scale not in ("demo", "national"):
        raise ValueError(f"skala tidak dikenal: {scale!r} (demo atau national)")
    rules = load_rules()
    provinces = _provinces()
    # A fourth stream for province profiles: spawning more children leaves the first three unchanged.
    unit_rng, score_rng, subarea_rng, profile_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    if scale == "demo":
        units, scripted = _demo_units(provinces, unit_rng)
        dialects = {plan.code: plan.dialect for plan in DEMO}
    else:
        units, scripted = _national_units(provinces, unit_rng), {}
        dialects = dict.fromkeys(units["province_code"].unique().tolist(), NATIONAL_DIALECT)
    scores = _Simulation(units, scripted, rules, score_rng, profile_rng).run()
    _check(scores, rules)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    detailed = [r for r in sorted(rules.rubrics) if rules.indicators(r, "subarea")]
    paths = []
    for code, rows in scores.groupby("province_code", sort=True):
        province = provinces.loc[code]
        stem = f"{code}_{_slug(province['nama'])}"
        paths.append(_write_rekap(rows, out_dir / f"rekap_{stem}", province, dialects[code], units, rules))
        detail = rows[rows["rubric"].isin(detailed) & rows["stage"].isin(DETAIL_STAGES[scale])]
        if len(detail):
            path = out_dir / f"rincian_{stem}.csv"
            _rincian_table(detail, province, rules, subarea_rng).to_csv(
                path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8"
            )
            paths.append(path)
    return sorted(paths)


# -- units ------------------------------------------------------------------------------------
def _provinces() -> pd.DataFrame:
    table = pd.read_csv(DATA_DIR / "provinces.csv", dtype={"kode_kemendagri": int}, keep_default_na=False)
    return table.assign(kode=table["kode_kemendagri"]).set_index("kode_kemendagri", drop=False).sort_index()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _opd_names(core: Sequence, optional: Sequence, n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """The core list plus a draw from the optional one, `n` names in all, sorted."""
    chosen = list(dict.fromkeys(core))
    pool = [o for o in optional if o not in chosen]
    picks = rng.choice(len(pool), size=max(0, n - len(chosen)), replace=False)
    return sorted(chosen + [pool[i] for i in sorted(picks)])


def _start_years(n: int, started: Sequence[int], pinned: dict[int, int], rng: np.random.Generator) -> np.ndarray:
    """Year each unit starts ZI so that `started[k]` units have started by YEARS[k] (pins kept)."""
    start = np.full(n, NEVER)
    for i, year in pinned.items():
        start[i] = year
    free = rng.permutation(np.setdiff1d(np.arange(n), list(pinned)))
    taken = 0
    for year, count in zip(YEARS, started, strict=False):
        new = max(0, count - int((start <= year).sum()))
        start[free[taken : taken + new]] = year
        taken += new
    return start


def _instansi_units(
    code: int,
    instansi: str,
    names: list[tuple[str, str]],
    started: Sequence[int],
    skill: float,
    rng: np.random.Generator,
    pins: Sequence[Pin] = (),
) -> pd.DataFrame:
    """One row per perangkat daerah of one instansi, with its start year and latent level."""
    position = {name: i for i, (name, _) in enumerate(names)}
    pinned = {position[p.unit]: p.start for p in pins}
    units = pd.DataFrame(
        {
            "province_code": code,
            "instansi": instansi,
            "unit": [name for name, _ in names],
            "jenis_unit": [jenis for _, jenis in names],
            "start": _start_years(len(names), started, pinned, rng),
            "stop": NEVER,
            "skill": skill + rng.normal(0, UNIT_SKILL_SD, len(names)),
            "growth": rng.uniform(*GROWTH, len(names)),
        }
    )
    for pin in pins:
        row = position[pin.unit]
        units.loc[row, "stop"] = pin.stop
        if pin.skill is not None:
            units.loc[row, "skill"] = pin.skill
    return units


def _demo_units(provinces: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    frames = []
    for plan in sorted(DEMO, key=lambda p: p.code):
        renames = dict(plan.renames)
        core = [(renames.get(name, name), jenis) for name, jenis in PROVINCIAL_CORE] + list(plan.extras)
        n = plan.n_units or int(rng.integers(OPD_RANGE[0], OPD_RANGE[1] + 1))
        names = _opd_names(core, PROVINCIAL_OPTIONAL, n, rng)
        pins = [p for p in PINS if p.province == plan.code]
        units = _instansi_units(
            plan.code, f"Pemprov {provinces.loc[plan.code, 'nama']}", names, plan.started, plan.skill, rng, pins
        )
        frames.append(
            units.assign(
                first_tpi_year=plan.first_tpi_year,
                random_awards=plan.random_awards,
                halves=plan.dialect.halves,
                survey_index=plan.dialect.survey_index,
            )
        )
    units = pd.concat(frames, ignore_index=True)
    row_of = {(c, u): i for i, (c, u) in enumerate(zip(units["province_code"], units["unit"], strict=False))}
    scripted = {(row_of[p.province, p.unit], year): LEVELS.index(level) for p in PINS for year, level in p.awards}
    return units, scripted


def _national_units(provinces: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for code, province in provinces.iterrows():
        skill = rng.uniform(*NATIONAL_SKILL)
        kab, kota = KABKOTA[code]
        instansi = [(f"Pemprov {province['nama']}", PROVINCIAL_CORE, PROVINCIAL_OPTIONAL, OPD_RANGE)]
        instansi += [(f"Kab. Contoh {i:02d}", (), KABKOTA_OPD, KABKOTA_OPD_RANGE) for i in range(1, kab + 1)]
        instansi += [(f"Kota Contoh {i:02d}", (), KABKOTA_OPD, KABKOTA_OPD_RANGE) for i in range(1, kota + 1)]
        for name, core, optional, size in instansi:
            n = int(rng.integers(size[0], size[1] + 1))
            names = _opd_names(core, optional, n, rng)
            started = _adoption(len(names), rng)
            frames.append(_instansi_units(code, name, names, started, skill + rng.normal(0, INSTANSI_SKILL_SD), rng))
    units = pd.concat(frames, ignore_index=True)
    return units.assign(first_tpi_year=YEARS[0], random_awards=True, halves=False, survey_index=False)


def _adoption(n: int, rng: np.random.Generator) -> list[int]:
    """Cumulative units started by each year: a logistic curve with drawn ceiling, midpoint, width."""
    ceiling, midpoint, width = (rng.uniform(*NATIONAL_ADOPTION[k]) for k in ("ceiling", "midpoint", "width"))
    share = ceiling / (1 + np.exp(-(np.array(YEARS) - midpoint) / width))
    return np.round(n * share).astype(int).tolist()


# -- scores -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    label: str  # threshold condition, or the pengungkit item for a per-area minimum
    members: np.ndarray  # indices of the components summed
    minimum: float  # points


class _Layout:
    """The scored components of one rubric as arrays: weights, profiles, predicate conditions."""

    def __init__(self, rules: Rules, rubric: str, offset_keys: list[str]):
        spec = rules.rubrics[rubric]
        self.rules, self.rubric = rules, rubric
        self.items = rules.indicators(rubric, "half" if spec.halves else "area") + rules.indicators(rubric, "result")
        self.columns = [i.column for i in self.items]
        self.weight = np.array([i.weight for i in self.items])
        self.pengungkit = np.array([i.level != "result" for i in self.items])
        self.survey = [k for k, i in enumerate(self.items) if i.survey]
        self.key = np.array([offset_keys.index(i.area or i.parent) for i in self.items])
        profiles = [PROFILES.get(i.code) or PROFILES.get(i.half or i.level) or RESULT_PROFILE for i in self.items]
        self.base, self.slope = (np.array(v) for v in zip(*profiles, strict=False))
        self.confirmed = spec.thresholds_confirmed
        self.conditions = {level: self._conditions(PREDICATES[level - 1]) for level in range(1, len(LEVELS))}
        self.floors = np.vstack([np.zeros(len(self.items))] + [self._floor(c) for c in self.conditions.values()])
        totals = [next((c.minimum for c in conds if c.label == "total"), 0.0) for conds in self.conditions.values()]
        self.bar = np.array([np.inf, *totals, np.inf]) - PROPOSAL_MARGIN  # by target level

    def _conditions(self, predicate: str) -> list[Condition]:
        """Conditions of the rubric, or the structural ones of the rubric that has confirmed thresholds."""
        source = self.rubric if self.confirmed else _proxy_rubric(self.rules)
        everything = np.arange(len(self.items))
        conditions = []
        for t in self.rules.thresholds(source, predicate):
            if t.condition == "total":
                conditions.append(Condition("total", everything, t.minimum))
            elif t.condition == "pengungkit":
                conditions.append(Condition("pengungkit", everything[self.pengungkit], t.minimum))
            elif t.condition == "area_pct":
                conditions += [
                    Condition(i.code, np.array([k]), t.minimum / 100 * i.weight)
                    for k, i in enumerate(self.items)
                    if i.level != "result"
                ]
            elif self.confirmed:
                members = [k for k, i in enumerate(self.items) if t.condition in (i.code, i.parent)]
                conditions.append(Condition(t.condition, np.array(members), t.minimum))
        return conditions

    def _floor(self, conditions: list[Condition]) -> np.ndarray:
        """Share of each weight that, reached by every component, meets every condition."""
        floor = np.zeros(len(self.items))
        for c in conditions:
            floor[c.members] = np.maximum(floor[c.members], c.minimum / self.weight[c.members].sum())
        return np.minimum(floor + FLOOR_MARGIN, 1.0)

    def draw(self, capability: np.ndarray, offsets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        centre = self.base + self.slope * (capability[:, None] - C_REF) + offsets[:, self.key]
        return _clip(centre + rng.normal(0, COMPONENT_SD, centre.shape))

    def points(self, shares: np.ndarray, survey_rows: np.ndarray) -> np.ndarray:
        return self.snap(np.round(shares * self.weight, 2), survey_rows)

    def snap(self, values: np.ndarray, survey_rows: np.ndarray) -> np.ndarray:
        """Survey results of rows given as an index: points of the 2-decimal index, as the ETL converts."""
        values = values.copy()
        for k in self.survey:
            index = _survey_index(self.rules, self.rubric, self.items[k], values[survey_rows, k])
            values[survey_rows, k] = self.rules.survey_points(self.rubric, self.items[k].code, index)
        return values

    def shortfall(self, values: np.ndarray, level: int) -> np.ndarray:
        """Points missing per condition of a predicate level (negative: met with room to spare)."""
        conditions = self.conditions[level]
        return np.column_stack([c.minimum - values[:, c.members].sum(axis=1) for c in conditions])

    def check(self, values: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, against its own target level: (meets every condition, meets them with AWARD_MARGIN)."""
        meets = np.zeros(len(values), bool)
        clear = np.zeros(len(values), bool)
        for target in self.conditions:
            rows = level == target
            if rows.any():
                gap = self.shortfall(values[rows], target)
                meets[rows] = (gap <= TOLERANCE).all(axis=1)
                clear[rows] = (gap <= -AWARD_MARGIN).all(axis=1)
        return meets, clear

    def near_miss(self, values: np.ndarray, survey_row: bool, halves_shown: bool, rng: np.random.Generator) -> np.ndarray:
        """The row with one WBK condition (a result, or a half where halves are shown) just below its bar."""
        conditions = self.conditions[WBK]
        options = [
            k
            for k, c in enumerate(conditions)
            if len(c.members) == 1
            and (self.items[c.members[0]].level == "result" or (halves_shown and self.items[c.members[0]].half))
        ]
        trial = values
        for k in rng.permutation(options):
            condition = conditions[k]
            trial = values.copy()
            trial[condition.members[0]] = max(0.0, round(condition.minimum - rng.uniform(*NEAR_MISS_GAP), 2))
            trial = self.snap(trial[None, :], np.array([survey_row]))[0]
            failed = self.shortfall(trial[None, :], WBK)[0] > TOLERANCE
            if failed.sum() == 1 and failed[k]:
                break
        return trial


def _proxy_rubric(rules: Rules) -> str:
    confirmed = [r for r in rules.rubrics.values() if r.thresholds_confirmed]
    return max(confirmed, key=lambda r: r.first_year).id


def _survey_index(rules: Rules, rubric: str, item: Indicator, points: np.ndarray) -> np.ndarray:
    """The 2-decimal survey index whose points are nearest (inverse of `Rules.survey_points`)."""
    return np.round(points / item.weight * rules.rubrics[rubric].survey_scale[1], 2)


def _clip(shares: np.ndarray) -> np.ndarray:
    return np.clip(shares, FRAC_MIN, 1.0)


class _Simulation:
    """Years in order; within a year every unit at once (numpy), so the national set stays fast."""

    def __init__(
        self,
        units: pd.DataFrame,
        scripted: dict[tuple[int, int], int],
        rules: Rules,
        rng: np.random.Generator,
        profile_rng: np.random.Generator,
    ):
        self.units, self.scripted, self.rules, self.rng = units, scripted, rules, rng
        groups = sorted({i.parent for i in rules.indicators(level="result")})
        keys = list(AREAS) + groups
        self.layouts = {r: _Layout(rules, r, keys) for r in sorted(rules.rubrics)}
        self.arrays = {
            c: units[c].to_numpy()
            for c in ("start", "stop", "skill", "growth", "first_tpi_year", "random_awards", "halves", "survey_index")
        }
        self.offsets = rng.normal(0, UNIT_COMPONENT_SD, (len(units), len(keys)))
        # Provinces differ by area (one strong in Manajemen Perubahan, another weak in Pengawasan);
        # results are survey-driven, so only the pengungkit areas get a provincial profile.
        codes = np.unique(units["province_code"].to_numpy())
        profile = profile_rng.normal(0, PROVINCE_COMPONENT_SD, (len(codes), len(keys)))
        profile[:, len(AREAS) :] = 0.0
        self.offsets += profile[np.searchsorted(codes, units["province_code"].to_numpy())]
        self.held = np.zeros(len(units), int)

    def run(self) -> pd.DataFrame:
        frames = [frame for year in YEARS for frame in self._year(year)]
        scores = pd.concat(frames, ignore_index=True)
        scores = self._area_totals(scores)
        scores["predikat"] = np.array(LEVELS)[scores.pop("level")]
        scores = (
            self.units[["province_code", "instansi", "unit", "jenis_unit"]]
            .iloc[scores["row"]]
            .reset_index(drop=True)
            .join(scores.drop(columns="row"))
        )
        return scores.sort_values(["province_code", "instansi", "unit", "year", "stage"], ignore_index=True)

    def _year(self, year: int) -> list[pd.DataFrame]:
        """Rows of one year: draw the three stages, propose, award, and carry predicates forward."""
        a, rng = self.arrays, self.rng
        layout = self.layouts[self.rules.rubric_for_year(year)]
        idx = np.flatnonzero((a["start"] <= year) & (year <= a["stop"]))
        n = len(idx)
        before = self.held[idx]
        scripted = np.array([self.scripted.get((i, year), 0) for i in idx], int)
        survey = a["survey_index"][idx].astype(bool)
        sa, tpi, tpn = self._stages(layout, idx, year, np.maximum(before, scripted), survey)

        target = before + 1
        has_tpi = ((year >= a["first_tpi_year"][idx]) & (rng.random(n) < TPI_SHARE)) | (scripted > 0)
        has_tpn = (has_tpi & (tpi.sum(axis=1) >= layout.bar[target])) | (scripted > 0)
        meets, clear = layout.check(tpn, target)
        lucky = rng.random(n) < AWARD_SHARE
        award = has_tpn & np.where(scripted > 0, scripted == target, clear & lucky & a["random_awards"][idx].astype(bool))
        if not (award & clear)[scripted > 0].all():
            raise RuntimeError(f"{year}: a pinned predicate does not meet its conditions")
        near = has_tpn & meets & ~award & (target == WBK) & layout.confirmed
        for r in np.flatnonzero(near):
            tpn[r] = layout.near_miss(tpn[r], survey[r], bool(a["halves"][idx[r]]), rng)
        after = np.where(award, target, before)
        self.held[idx] = after

        award_notes = np.array(["", *(AWARD_NOTE.format(p) for p in PREDICATES), ""])
        notes = np.where(award, award_notes[target], np.where(near, NEAR_MISS_NOTE, ""))
        stages = (
            (STAGES[0], sa, np.ones(n, bool), before, np.full(n, "")),
            (STAGES[1], tpi, has_tpi, before, np.full(n, "")),
            (STAGES[2], tpn, has_tpn, after, notes),
        )
        return [
            pd.DataFrame(values[mask], columns=layout.columns).assign(
                row=idx[mask], year=year, stage=stage, rubric=layout.rubric, level=level[mask], catatan=note[mask]
            )
            for stage, values, mask, level, note in stages
        ]

    def _stages(
        self, layout: _Layout, idx: np.ndarray, year: int, floor_level: np.ndarray, survey: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """SA, TPI, TPN points of the active units, each at least the bar of `floor_level`."""
        a, rng = self.arrays, self.rng
        n = len(idx)
        capability = a["skill"][idx] + a["growth"][idx] * (year - a["start"][idx]) + rng.normal(0, YEAR_SD, n)
        tpi = layout.draw(capability, self.offsets[idx], rng)
        sa = _clip(tpi + rng.normal(*SA_SHIFT, (n, 1)) + rng.normal(0, STAGE_SD, tpi.shape))
        tpn = _clip(tpi - rng.normal(*TPN_SHIFT, (n, 1)) + rng.normal(0, STAGE_SD, tpi.shape))
        floor = layout.floors[floor_level]
        return tuple(layout.points(np.maximum(shares, floor), survey) for shares in (sa, tpi, tpn))

    def _area_totals(self, scores: pd.DataFrame) -> pd.DataFrame:
        """Area totals beside the halves of rubrics that split areas (the halves stay for the writers)."""
        for rubric in self.rules.rubrics:
            rows = scores["rubric"] == rubric
            for area in self.rules.indicators(rubric, "area"):
                halves = [h.column for h in self.rules.indicators(rubric, "half") if h.parent == area.code]
                if halves:
                    scores.loc[rows, area.column] = scores.loc[rows, halves].sum(axis=1).round(2)
        return scores


def _check(scores: pd.DataFrame, rules: Rules) -> None:
    """Fail loudly if the sample breaks the contract: unique keys, every value within [0, weight]."""
    problems = []
    key = ["province_code", "instansi", "unit", "year", "stage"]
    if scores.duplicated(key).any():
        problems.append("duplicate keys")
    for rubric in rules.rubrics:
        rows = scores[scores["rubric"] == rubric]
        for item in rules.indicators(rubric):
            if item.level in ("area", "half", "result"):
                values = rows[item.column]
                if values.isna().any() or (values < 0).any() or (values > item.weight + TOLERANCE).any():
                    problems.append(f"{rubric} {item.column} outside [0, {item.weight}]")
    if problems:
        raise RuntimeError("generated sample breaks the data contract: " + "; ".join(problems))


# -- files ------------------------------------------------------------------------------------
def _value_columns(rules: Rules, rubric: str, dialect: Dialect) -> list[tuple[str, str, Indicator]]:
    """(file column, scores column, indicator) of one rubric's values in a dialect."""
    spec = rules.rubrics[rubric]
    level = "half" if spec.halves and dialect.halves else "area"
    columns = []
    for item in rules.indicators(rubric, level) + rules.indicators(rubric, "result"):
        name = f"{item.column}_indeks" if item.survey and dialect.survey_index else item.column
        columns.append((name, item.column, item))
    return columns


def _write_rekap(
    rows: pd.DataFrame, stem: Path, province: pd.Series, dialect: Dialect, units: pd.DataFrame, rules: Rules
) -> Path:
    """Write one province's rekap in its dialect; `stem` is the path without the extension."""
    path = stem.with_suffix(f".{dialect.kind}")
    table = _rekap_table(rows, province, dialect, rules)
    if dialect.kind == "xlsx":
        _write_xlsx(table, path, province, dialect, units[units["province_code"] == province["kode"]])
    else:
        _write_csv(table, path, dialect)
    return path


def _rekap_table(rows: pd.DataFrame, province: pd.Series, dialect: Dialect, rules: Rules) -> pd.DataFrame:
    """The rekap as the province writes it: its spelling, its columns, blanks for the other rubric."""
    table = pd.DataFrame(
        {
            "provinsi": dialect.province.format(**province),
            "instansi": rows["instansi"],
            "unit_kerja": rows["unit"],
            "jenis_unit": rows["jenis_unit"],
            "tahun": rows["year"],
            "tahap": rows["stage"].map(lambda s: HUMAN_STAGES.get(s, s)) if dialect.titled else rows["stage"],
        }
    )
    if dialect.rubric_column:
        table["rubrik"] = rows["rubric"]
    identity = list(table.columns)
    pengungkit, results = [], []
    for rubric in sorted(rows["rubric"].unique(), key=lambda r: rules.rubrics[r].first_year):
        mine = rows["rubric"] == rubric
        for name, source, item in _value_columns(rules, rubric, dialect):
            (results if item.level == "result" else pengungkit).append(name)
            values = rows.loc[mine, source]
            if name != source:
                values = _survey_index(rules, rubric, item, values)
            table.loc[mine, name] = values
    table = table[identity + list(dict.fromkeys(pengungkit + results))]
    return table.assign(predikat=rows["predikat"], catatan=rows["catatan"]).reset_index(drop=True)


def _write_csv(table: pd.DataFrame, path: Path, dialect: Dialect) -> None:
    table.to_csv(
        path,
        sep=dialect.sep,
        decimal=dialect.decimal,
        encoding=dialect.encoding,
        index=False,
        float_format="%.2f",
        lineterminator=dialect.lineterminator,
    )


def _write_xlsx(table: pd.DataFrame, path: Path, province: pd.Series, dialect: Dialect, units: pd.DataFrame) -> None:
    """One data sheet (titled report layout, or a plain header on row 1) and, titled, a Catatan sheet."""
    workbook = Workbook()
    sheet = workbook.active
    if dialect.titled:
        sheet.title = "Rekap"
        for line in (REPORT_TITLE, f"Inspektorat Daerah Provinsi {province['nama']}", None):
            sheet.append([line])
        sheet.append([_human_header(c) for c in table.columns])
    else:
        sheet.title = "Penilaian ZI"
        sheet.append(list(table.columns))
    cells = table.astype(object).where(table.notna() & (table != ""), None)
    for row in cells.itertuples(index=False):
        sheet.append(list(row))
    if dialect.titled:
        notes = workbook.create_sheet("Catatan")
        for line in _notes(province, units):
            notes.append([line])
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    _save_workbook(workbook, path)


def _human_header(column: str) -> str:
    if column in HUMAN_HEADERS:
        return HUMAN_HEADERS[column]
    return " ".join(w.upper() if w.upper() in AREAS else w.capitalize() for w in column.split("_"))


def _notes(province: pd.Series, units: pd.DataFrame) -> list[str]:
    lines = [
        "Data contoh (ilustratif) untuk dasbor Zona Integritas, bukan hasil penilaian resmi.",
        "Nilai dalam poin menurut bobot rubrik pada kolom Rubrik.",
        f"Perangkat daerah Pemprov {province['nama']} ({len(units)}):",
    ]
    return lines + [f"- {unit} ({jenis})" for unit, jenis in sorted(zip(units["unit"], units["jenis_unit"], strict=False))]


def _save_workbook(workbook: Workbook, path: Path) -> None:
    """Save with fixed zip entry times (openpyxl stamps the clock), so the same data gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info))


def _rincian_table(rows: pd.DataFrame, province: pd.Series, rules: Rules, rng: np.random.Generator) -> pd.DataFrame:
    """Long sub-area table: one row per (unit, year, stage, sub-area), summing exactly to each half."""
    parts = []
    for rubric, group in rows.groupby("rubric", sort=True):
        codes = [s.code for s in rules.indicators(rubric, "subarea")]
        cents = _subarea_cents(group, rules, rubric, rng)
        n, k = cents.shape
        parts.append(
            pd.DataFrame(
                {
                    "provinsi": province["nama"],
                    "instansi": np.repeat(group["instansi"].to_numpy(), k),
                    "unit_kerja": np.repeat(group["unit"].to_numpy(), k),
                    "tahun": np.repeat(group["year"].to_numpy(), k),
                    "tahap": np.repeat(group["stage"].to_numpy(), k),
                    "indikator": np.tile(codes, n),
                    "nilai": cents.ravel() / 100,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _subarea_cents(group: pd.DataFrame, rules: Rules, rubric: str, rng: np.random.Generator) -> np.ndarray:
    """Sub-area scores in cents, (rows, sub-areas in rules order), each half split around its level."""
    subareas = rules.indicators(rubric, "subarea")
    cents = np.zeros((len(group), len(subareas)), int)
    for half in rules.indicators(rubric, "half"):
        columns = [k for k, s in enumerate(subareas) if s.parent == half.code]
        if not columns:
            continue
        weights = np.array([round(subareas[k].weight * 100) for k in columns])
        total = np.round(group[half.column].to_numpy() * 100).astype(int)
        shares = total[:, None] / weights.sum() + rng.normal(0, SUBAREA_SD, (len(group), len(columns)))
        cents[:, columns] = _split_cents(total, weights, np.clip(shares, 0, 1))
    return cents


def _split_cents(total: np.ndarray, weights: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integer cents near `shares` of each weight that sum exactly to `total`; the remainder goes to
    the last sub-area and spills backwards only where it would leave [0, weight]."""
    raw = shares * weights
    sums = raw.sum(axis=1, keepdims=True)
    even = weights * total[:, None] / weights.sum()
    raw = np.where(sums > 0, raw * total[:, None] / np.where(sums > 0, sums, 1), even)
    cents = np.minimum(np.floor(raw).astype(int), weights)
    rest = total - cents.sum(axis=1)
    for j in range(len(weights) - 1, -1, -1):
        step = np.clip(rest, -cents[:, j], weights[j] - cents[:, j])
        cents[:, j] += step
        rest -= step
    return cents

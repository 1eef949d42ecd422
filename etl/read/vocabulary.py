"""What the words in an inspector's spreadsheet mean: header aliases and value vocabularies.

Mapping tables are module-level constants (one place to extend). Every lookup key is normalised the
same way (`normalise_header`, `normalise_value`), so `Tahap Penilaian`, `tahap-penilaian` and
`TAHAP.PENILAIAN` are one header, and ` Menuju  WBK ` is one value.
"""

from __future__ import annotations

import csv
import re
from functools import cache

from zi.domain.rules import DATA_DIR, Rules

KEY_COLUMNS = ("provinsi", "unit_kerja", "tahun", "tahap")
META_COLUMNS = ("instansi", "jenis_unit", "predikat", "rubrik", "catatan")
LONG_COLUMNS = ("indikator", "nilai")  # a file with both is a long (one value per row) table
PRACTICE_KEY_COLUMNS = ("provinsi", "tahun", "praktik", "sumber")  # a good-practice file (etl.check.practices)
MANIFEST_KEY_COLUMNS = ("berkas", "provinsi", "unit_kerja", "tahun")  # an LKE manifest (etl.check.lke)
PROPOSAL_KEY_COLUMNS = ("provinsi", "instansi", "unit_kerja", "tahun", "kategori")  # proposals (etl.check.usulan)

HEADER_ALIASES = {
    "unit_kerja": ("unit_kerja", "perangkat_daerah", "satuan_kerja", "unit", "nama_unit_kerja", "opd"),
    "provinsi": ("provinsi", "propinsi", "prov", "kode_provinsi"),
    "tahun": ("tahun", "tahun_penilaian", "tahun_evaluasi"),
    "tahap": ("tahap", "tahap_penilaian", "penilai"),
    "instansi": ("instansi", "pemerintah_daerah", "pemda"),
    "jenis_unit": ("jenis_unit", "jenis", "jenis_perangkat_daerah"),
    "predikat": ("predikat",),
    "rubrik": ("rubrik", "regulasi", "dasar_penilaian"),
    "catatan": ("catatan", "keterangan"),
    "mp": ("mp", "manajemen_perubahan"),
    "tt": ("tt", "penataan_tatalaksana"),
    "sdm": ("sdm", "penataan_sistem_manajemen_sdm_aparatur", "penataan_sdm"),
    "ak": ("ak", "penguatan_akuntabilitas_kinerja", "penguatan_akuntabilitas"),
    "pw": ("pw", "penguatan_pengawasan"),
    "pp": ("pp", "peningkatan_kualitas_pelayanan_publik"),
    "ipak": ("ipak", "indeks_persepsi_anti_korupsi"),
    "ck": ("ck", "capaian_kinerja"),
    "ipkp": ("ipkp", "indeks_persepsi_kualitas_pelayanan"),
    "indikator": ("indikator", "kode_indikator", "kode"),
    "nilai": ("nilai", "skor"),
    "praktik": ("praktik", "praktik_baik", "good_practice"),
    "sumber": ("sumber", "sumber_data", "referensi"),
    "area": ("area", "area_perubahan"),
    "sub_area": ("sub_area", "subarea", "kode_sub_area"),
    "berkas": ("berkas", "nama_berkas", "berkas_lke", "file", "nama_file"),
    "kategori": ("kategori", "kategori_usulan", "usulan"),
    "afirmasi": ("afirmasi", "usulan_afirmasi"),
    "unit_id": ("unit_id", "id_unit"),
}

STAGE_ALIASES = {
    "SA": ("sa", "mandiri", "penilaian mandiri", "self assessment", "self-assessment", "pma"),
    "TPI": ("tpi", "tim penilai internal"),
    "TPN": ("tpn", "tim penilai nasional"),
}
PREDICATE_ALIASES = {
    "WBK": ("wbk", "menuju wbk"),
    "WBBM": ("wbbm", "menuju wbbm"),
    None: ("", "-", "belum berpredikat", "tidak ada", "belum"),
}
RUBRIC_ALIASES = {
    "permen52-2014": ("permen52-2014", "52/2014", "permenpanrb 52/2014", "permenpan-rb 52/2014", "permenpan 52/2014"),
    "permen90-2021": ("permen90-2021", "90/2021", "permenpanrb 90/2021", "permenpan-rb 90/2021", "permenpan 90/2021"),
}
# A proposal's category as PortalRB names it (usulan.csv `kategori`), and `-` to withdraw a proposal; the
# predicate each one proposes the unit for.
WITHDRAWN = "-"
PROPOSAL_ALIASES = {
    "WBK": ("wbk", "menuju wbk"),
    "WBK-AFIRMASI": ("wbk-afirmasi", "wbk afirmasi", "wbk_afirmasi", "menuju wbk afirmasi"),
    "WBBM": ("wbbm", "menuju wbbm"),
    WITHDRAWN: ("-", "batal", "ditarik", "tidak diusulkan"),
}
PROPOSAL_PREDICATE = {"WBK": "WBK", "WBK-AFIRMASI": "WBK", "WBBM": "WBBM"}
AFFIRMATION_CATEGORY = "WBK-AFIRMASI"  # its `afirmasi` is always true
YES_NO_ALIASES = {True: ("ya", "true", "1", "benar"), False: ("tidak", "false", "0", "bukan")}
# Names in common use that are neither the official name nor the abbreviation of provinces.csv.
PROVINCE_VARIANTS = {
    "31": ("jakarta", "dki", "dki jakarta", "daerah khusus ibukota jakarta", "daerah khusus jakarta"),
    "34": ("yogyakarta", "diy", "daerah istimewa yogyakarta", "jogja", "jogjakarta"),
    "11": ("nanggroe aceh darussalam", "nad"),
    "19": ("babel", "bangka belitung"),
    "21": ("kepri",),
    "52": ("ntb",),
    "53": ("ntt",),
}
PROVINCE_PREFIX = re.compile(r"^(prov\.?|provinsi|propinsi|pemprov\.?|pemerintah provinsi)\s+")


def normalise_header(header: object) -> str:
    """Lower-case, trim, and turn runs of spaces, dots and hyphens into one underscore."""
    text = re.sub(r"[\s.\-]+", "_", str(header if header is not None else "").strip().lower())
    return text.strip("_")


def normalise_value(value: str) -> str:
    return " ".join(value.strip().lower().split())


def _invert(aliases: dict) -> dict:
    return {normalise_value(alias): canon for canon, names in aliases.items() for alias in names}


STAGES = _invert(STAGE_ALIASES)
PREDICATES = _invert(PREDICATE_ALIASES)
RUBRICS = _invert(RUBRIC_ALIASES)
PROPOSALS = _invert(PROPOSAL_ALIASES)
YES_NO = _invert(YES_NO_ALIASES)


@cache
def header_map(rules: Rules) -> dict[str, str]:
    """Normalised header -> canonical column, for every column a rekap or long file may carry."""
    mapping = {alias: canon for canon, names in HEADER_ALIASES.items() for alias in names}
    for indicator in rules.indicators():
        if indicator.level == "group":
            continue  # group sub-totals are computed, never loaded
        mapping.setdefault(indicator.column, indicator.column)
        if indicator.survey:
            mapping.setdefault(f"{indicator.column}_indeks", f"{indicator.column}_indeks")
    return mapping


@cache
def indicator_columns(rules: Rules) -> tuple[str, ...]:
    """Every numeric column of any rubric, in rules order (the warehouse's `rekap` columns)."""
    columns: list[str] = []
    for indicator in rules.indicators():
        if indicator.level in ("area", "half", "result") and indicator.column not in columns:
            columns.append(indicator.column)
            if indicator.survey:
                columns.append(f"{indicator.column}_indeks")
    return tuple(columns)


@cache
def province_aliases() -> dict[str, int]:
    """Every accepted spelling (normalised, prefix removed) -> Kemendagri code. Exact matches only."""
    aliases: dict[str, int] = {}
    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = int(row["kode_kemendagri"])
            for name in (
                row["kode_kemendagri"],
                row["nama"],
                row["singkatan"],
                *PROVINCE_VARIANTS.get(row["kode_kemendagri"], ()),
            ):
                aliases[normalise_province(name)] = code
    return aliases


def normalise_province(value: str) -> str:
    return PROVINCE_PREFIX.sub("", normalise_value(value))


def subarea_columns(rules: Rules) -> frozenset[str]:
    return frozenset(i.column for i in rules.indicators(level="subarea"))

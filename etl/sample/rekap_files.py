"""The sample's rekap and rincian files, each province in its own dialect (see plan.DEMO)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from etl.sample.model import SUBAREA_SD, survey_index
from etl.sample.plan import FIXED_TIME, Dialect
from zi.domain.rules import AREAS, Indicator, Rules

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


def write_rekap(rows: pd.DataFrame, stem: Path, province: pd.Series, dialect: Dialect, units: pd.DataFrame, rules: Rules) -> Path:
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
    pengungkit: list[str] = []
    results: list[str] = []
    for rubric in sorted(rows["rubric"].unique(), key=lambda r: rules.rubrics[r].first_year):
        mine = rows["rubric"] == rubric
        for name, source, item in _value_columns(rules, rubric, dialect):
            (results if item.level == "result" else pengungkit).append(name)
            values = rows.loc[mine, source]
            if name != source:
                values = survey_index(rules, rubric, item, values)
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


def rincian_table(rows: pd.DataFrame, province: pd.Series, rules: Rules, rng: np.random.Generator) -> pd.DataFrame:
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

"""Property: any valid rekap table, written in any dialect the contract promises, loads back to the
same values.

Hypothesis draws 1-8 rows (unique keys; either rubric, chosen by year; scores with two decimals
within the rubric's weights; 90/2021 areas as totals or as halves) and one dialect: CSV with
delimiter `,` `;` or tab x decimal point or comma x UTF-8 / UTF-8 with BOM / Windows-1252 / UTF-16
x LF or CRLF, or XLSX. Each example loads into its own fresh warehouse and the `rekap` table must
hold exactly the values written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import openpyxl
from conftest import load, query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AREAS_90 = {"mp": 8, "tt": 7, "sdm": 10, "ak": 10, "pw": 15, "pp": 10}
RESULTS_90 = {"ipak": 17.5, "ck": 5, "ipkp": 17.5}
AREAS_52 = {"mp": 5, "tt": 5, "sdm": 15, "ak": 10, "pw": 15, "pp": 10}
RESULTS_52 = {"hasil_bersih": 20, "hasil_pelayanan": 20}
HALVES = [f"{a}_{h}" for a in AREAS_90 for h in ("pemenuhan", "reform")]
VALUE_COLUMNS = [*AREAS_90, *HALVES, *RESULTS_90, *RESULTS_52]

PROVINCES = [("62", 62), ("Kalteng", 62), ("Jawa Barat", 32), ("DKI Jakarta", 31), ("Prov. Papua Selatan", 93), ("jabar", 32)]
UNITS = [
    "Inspektorat",
    "Dinas Pariwisata – Seni é",
    "Badan Keuangan; Aset",
    'Biro "Umum"',
    "UPTD Balai, Benih",
    "RSUD dr. Doris Sylvanus",
    "Dinas Perpustakaan dan Arsip",
    "BPSDM",
]
LAST_YEAR = dt.date.today().year + 1


def points(weight: float):
    """A score with two decimals in [0, weight]."""
    return st.integers(0, round(weight * 100)).map(lambda cents: cents / 100)


@st.composite
def tables(draw):
    halves = draw(st.booleans())  # 90/2021 areas written as pemenuhan + reform
    count = draw(st.integers(1, 8))
    units = draw(st.lists(st.sampled_from(range(len(UNITS))), min_size=count, max_size=count, unique=True))
    rows = []
    for unit in units:
        written, code = draw(st.sampled_from(PROVINCES))
        year = draw(st.integers(2015, LAST_YEAR))
        row = {
            "provinsi": written,
            "code": code,
            "unit_kerja": UNITS[unit],
            "tahun": year,
            "tahap": draw(st.sampled_from(["SA", "TPI", "TPN"])),
            "values": {},
        }
        if year >= 2022:
            row["rubric"] = "permen90-2021"
            for area, weight in AREAS_90.items():
                if halves:
                    for half in ("pemenuhan", "reform"):
                        row["values"][f"{area}_{half}"] = draw(points(weight / 2))
                else:
                    row["values"][area] = draw(points(weight))
            row["values"].update({name: draw(points(weight)) for name, weight in RESULTS_90.items()})
        else:
            row["rubric"] = "permen52-2014"
            row["values"].update({area: draw(points(weight)) for area, weight in AREAS_52.items()})
            row["values"].update({name: draw(points(weight)) for name, weight in RESULTS_52.items()})
        rows.append(row)
    return rows


dialects = st.one_of(
    st.just({"format": "xlsx"}),
    st.fixed_dictionaries(
        {
            "format": st.just("csv"),
            "delimiter": st.sampled_from([",", ";", "\t"]),
            "decimal": st.sampled_from([".", ","]),
            "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
            "newline": st.sampled_from(["\n", "\r\n"]),
        }
    ),
)


def columns_of(rows) -> list[str]:
    used = {c for r in rows for c in r["values"]}
    return [c for c in VALUE_COLUMNS if c in used]


def write(rows, dialect, folder: Path) -> Path:
    header = ["provinsi", "unit_kerja", "tahun", "tahap", *columns_of(rows)]
    records = [[r["provinsi"], r["unit_kerja"], r["tahun"], r["tahap"], *(r["values"].get(c) for c in header[4:])] for r in rows]
    if dialect["format"] == "xlsx":
        book = openpyxl.Workbook()
        book.active.title = "Rekap"
        book.active.append(header)
        for record in records:
            book.active.append(record)
        path = folder / "rekap.xlsx"
        book.save(path)
        return path

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.2f}".replace(".", dialect["decimal"])
        return str(value)

    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=dialect["delimiter"], lineterminator=dialect["newline"])
    out.writerow(header)
    out.writerows([[text(v) for v in record] for record in records])
    path = folder / "rekap.csv"
    path.write_bytes(buffer.getvalue().encode(dialect["encoding"]))
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=tables(), dialect=dialects)
def test_any_dialect_loads_back_the_same_values(rows, dialect):
    folder = Path(tempfile.mkdtemp(prefix="zi-roundtrip-"))
    try:
        path = write(rows, dialect, folder)
        db = folder / "zi.duckdb"
        code, out = load(path, db)
        assert code == 0, out
        got = query(db, f"SELECT province_code, unit, year, stage, rubric, {', '.join(VALUE_COLUMNS)} FROM rekap ORDER BY unit")
        expected = sorted(rows, key=lambda r: r["unit_kerja"])
        assert len(got) == len(expected)
        for record, row in zip(got, expected, strict=True):
            assert record[:5] == (row["code"], row["unit_kerja"], row["tahun"], row["tahap"], row["rubric"])
            for column, value in zip(VALUE_COLUMNS, record[5:], strict=True):
                want = row["values"].get(column)
                if want is None:
                    assert value is None, (column, value)
                else:
                    assert value is not None and abs(value - want) <= 1e-9, (column, value, want)
        # and the scores view agrees with the sum of what was written
        for unit, pengungkit, total in query(db, "SELECT unit, pengungkit, total FROM scores"):
            row = next(r for r in rows if r["unit_kerja"] == unit)
            values = row["values"]
            expected_pengungkit = sum(v for c, v in values.items() if c.split("_")[0] in AREAS_90 and not c.startswith("hasil"))
            assert abs(pengungkit - expected_pengungkit) <= 1e-9
            assert abs(total - sum(values.values())) <= 1e-9
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""Good practices (*praktik baik*): a small third kind of input, loaded through the same ETL.

A practice file has one row per practice: `provinsi`, `tahun`, `praktik`, `sumber` (required),
`instansi`, `unit_kerja`, `area` (code such as `MP` or the area's name), `sub_area` (code such as
`MP-R2`), `catatan` (optional). It is read, validated and loaded in the same transaction as score
files; a row equal to one already loaded (same province, instansi, unit, year, area, sub-area and
practice text) is left alone, so loading a file twice changes nothing.

`sumber` must be a citation a participant can look up (title, publisher, date, or a URL): a source
without a letter or digit, or one that names a file (`shared/reference/lke-zi.md`, `C:\\catatan.docx`)
is refused, since the dashboard and the meeting pack show it as the practice's source.
"""

from __future__ import annotations

import re

from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.rows import pairs_table
from zi.domain.rules import AREAS, Rules

COLUMNS = ("provinsi", "instansi", "unit_kerja", "tahun", "area", "sub_area", "praktik", "sumber", "catatan")
REQUIRED = ("provinsi", "tahun", "praktik", "sumber")
MATCH = ("province_code", "instansi_key", "unit_key", "year", "area", "subarea", "practice_key")
SOURCE_EMPTY = "sumber kosong; tuliskan judul, penerbit, dan tanggal sumber publiknya (atau URL-nya)"
SOURCE_PATH = "sumber berupa nama atau path berkas, bukan rujukan publik; tuliskan judul, penerbit, dan tanggal (atau URL-nya)"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)  # a web address is a public source, slashes and all
_PATH_START = re.compile(r"(?:^|[\s(\[\"'“])(?:file:|[A-Za-z]:[\\/]|\\\\|~?/|\.{1,2}[\\/])")
_FILE = re.compile(
    r"[\w\\/.-]*\.(?:md|txt|csv|tsv|xlsx?|xlsm|ods|docx?|odt|pptx?|odp|pdf|json|toml|ya?ml|py|duckdb|parquet|zip)\b",
    re.IGNORECASE,
)


def validate(con, rules: Rules, today_year: int, problem) -> list[Problem]:
    """Resolve and check `raw_praktik`; stage the good rows as `in_praktik`."""
    provinces = vocab.province_aliases()
    raw = [r[0] for r in con.execute("SELECT DISTINCT provinsi FROM raw_praktik WHERE provinsi IS NOT NULL").fetchall()]
    pairs_table(con, "map_practice_province", {v: provinces.get(vocab.normalise_province(v)) for v in raw})
    areas = {vocab.normalise_value(code): code for code in AREAS}
    for indicator in rules.indicators(level="area"):
        areas[vocab.normalise_value(indicator.name)] = indicator.code
    raw = [r[0] for r in con.execute("SELECT DISTINCT area FROM raw_praktik WHERE area IS NOT NULL").fetchall()]
    pairs_table(con, "map_practice_area", {v: areas.get(vocab.normalise_value(v)) for v in raw})
    subareas = {i.column: (i.code, i.area or "") for i in rules.indicators(level="subarea")}
    raw = [r[0] for r in con.execute("SELECT DISTINCT sub_area FROM raw_praktik WHERE sub_area IS NOT NULL").fetchall()]
    pairs_table(
        con, "map_practice_subarea", {v: "|".join(subareas.get(vocab.normalise_header(v), ("", ""))) or None for v in raw}
    )
    raw = [r[0] for r in con.execute("SELECT DISTINCT sumber FROM raw_praktik WHERE sumber IS NOT NULL").fetchall()]
    pairs_table(con, "map_practice_source", {v: source_problem(v) for v in raw})
    first, last = int(rules.validation["first_year"]), rules.max_year(today_year)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE practice_rows AS
        SELECT r.*, p.value AS province_code, a.value AS area_code,
               nullif(split_part(s.value, '|', 1), '') AS subarea_code, nullif(split_part(s.value, '|', 2), '') AS subarea_area,
               try_cast(replace(r.tahun, ',', '.') AS DOUBLE) AS year_number,
               coalesce(r.instansi, 'Pemprov ' || prov.nama) AS instansi_name,
               trim(regexp_replace(r.unit_kerja, '\\s+', ' ', 'g')) AS unit_name, src.value AS source_problem
        FROM raw_praktik r
        LEFT JOIN map_practice_province p ON p.raw = r.provinsi
        LEFT JOIN map_practice_area a ON a.raw = r.area
        LEFT JOIN map_practice_subarea s ON s.raw = r.sub_area
        LEFT JOIN map_practice_source src ON src.raw = r.sumber
        LEFT JOIN provinces_ref prov ON prov.code = p.value
        """
    )
    checks = [
        *((c, f"{c} IS NULL", f"{c} wajib diisi") for c in REQUIRED),
        (
            "provinsi",
            "provinsi IS NOT NULL AND province_code IS NULL",
            "provinsi tidak dikenal; gunakan kode Kemendagri, nama resmi, atau singkatan",
        ),
        (
            "tahun",
            "tahun IS NOT NULL AND NOT coalesce(isfinite(year_number) AND year_number = round(year_number) "
            "AND year_number BETWEEN $first AND $last, false)",
            f"tahun harus bilangan bulat {first}–{last}",
        ),
        (
            "area",
            "area IS NOT NULL AND area_code IS NULL",
            "area tidak dikenal; gunakan kode MP, TT, SDM, AK, PW, PP atau nama area",
        ),
        (
            "sub_area",
            "sub_area IS NOT NULL AND subarea_code IS NULL",
            "kode sub-area tidak dikenal (mis. MP-R2; lihat data/rules.toml)",
        ),
        (
            "sub_area",
            "subarea_code IS NOT NULL AND area_code IS NOT NULL AND subarea_area <> area_code",
            "sub-area ini bukan bagian dari area yang disebut",
        ),
        ("sumber", "source_problem = 'kosong'", SOURCE_EMPTY),
        ("sumber", "source_problem = 'berkas'", SOURCE_PATH),
    ]
    found = []
    for column, condition, reason in checks:
        for file, row, value in con.execute(
            f"SELECT _file, _row, {column} FROM practice_rows WHERE {condition} ORDER BY ALL",  # fixed fragments above
            {"first": first, "last": last} if "$first" in condition else None,
        ).fetchall():
            found.append(problem(file, row, column, value, reason))
    for file, row, extra in con.execute(
        "SELECT _file, _row, _extra FROM raw_praktik WHERE _extra IS NOT NULL ORDER BY ALL"
    ).fetchall():
        found.append(problem(file, row, None, extra, "baris ini punya lebih banyak sel daripada judul kolom"))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE in_praktik AS
        SELECT DISTINCT ON (province_code, instansi_key, unit_key, year, area, subarea, practice_key)
               province_code, instansi_name AS instansi, lower(instansi_name) AS instansi_key,
               unit_name AS unit, lower(unit_name) AS unit_key, CAST(year_number AS INTEGER) AS year,
               coalesce(area_code, subarea_area) AS area, subarea_code AS subarea,
               praktik AS practice, lower(trim(regexp_replace(praktik, '\\s+', ' ', 'g'))) AS practice_key,
               sumber AS source, catatan, _file AS file_index, _row AS source_row
        FROM practice_rows
        WHERE province_code IS NOT NULL AND praktik IS NOT NULL AND sumber IS NOT NULL
        ORDER BY province_code, instansi_key, unit_key, year, area, subarea, practice_key, _file DESC, _row DESC
        """
    )
    return found


def apply(con, load_id: int, write: bool) -> int:
    """Insert the practices not yet in the warehouse; return how many are new."""
    same = " AND ".join(f"p.{c} IS NOT DISTINCT FROM i.{c}" for c in MATCH)
    new = con.execute(f"SELECT count(*) FROM in_praktik i ANTI JOIN practices p ON {same}").fetchone()[0]
    if write and new:
        con.execute(
            f"""
            INSERT INTO practices BY NAME
            SELECT i.* EXCLUDE (file_index), n.file_name, $load AS load_id
            FROM in_praktik i JOIN load_file_names n USING (file_index)
            ANTI JOIN practices p ON {same}
            """,
            {"load": load_id},
        )
    return new


def source_problem(text: str) -> str | None:
    """'kosong' for a source with no letter or digit (`-`, `?`), 'berkas' for one that names a file
    rather than a public source (outside any web address), None for a citation."""
    if not any(ch.isalnum() for ch in text):
        return "kosong"
    rest = _URL.sub(" ", text)
    return "berkas" if _PATH_START.search(rest) or _FILE.search(rest) else None

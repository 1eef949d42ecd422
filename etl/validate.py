"""Validate what `read` produced, all at once, and stage the typed rows for the load.

Lazy validation: every check runs over every row and each failure becomes one `Problem`; nothing
stops at the first. The heavy lifting is SQL in DuckDB (parsing and range checks over all cells in
parallel). Vocabulary lookups (province, stage, predicate, rubric, indicator code) run in Python over
the *distinct* values only, so each normalisation exists once (in `etl.vocabulary`).

Outputs, as temp tables on the given connection:
- `in_rekap`: one typed row per key (later file wins within one load), with file and row of origin;
- `in_rincian`: one typed sub-area value per key and code.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from etl import vocabulary as vocab
from etl.problems import Problem
from etl.read import Source
from zi.rules import Rules

KEY = ("province_code", "instansi_key", "unit_key", "year", "stage")
NUMBER = "try_cast(replace(trim({0}), ',', '.') AS DOUBLE)"  # decimal comma or point; no thousands


@dataclass
class Validation:
    problems: list[Problem]
    warnings: list[Problem]
    rekap_rows: int
    rincian_rows: int


def validate(con: duckdb.DuckDBPyConnection, sources: list[Source], rules: Rules, today_year: int) -> Validation:
    """Stage `sources` on `con` (temp tables) and return every problem found."""
    problems = [p for s in sources for p in s.problems if not p.warning]
    warnings = [p for s in sources for p in s.problems if p.warning]
    names = [s.name for s in sources]
    headers = {i: s.headers for i, s in enumerate(sources)}
    sheets = {i: s.sheet for i, s in enumerate(sources)}

    def problem(file: int, row, column: str | None, value, reason: str) -> Problem:
        written = headers[file].get(column, column) if column else None
        return Problem(names[file], row, written, None if value is None else str(value), reason, sheet=sheets[file])

    _stage_raw(con, sources, rules)
    _register_rules(con, rules)
    problems += _resolve_keys(con, rules, today_year, problem)
    problems += _check_cells(con, rules, problem)
    problems += _check_duplicates(con, problem)
    problems += _check_rekap_structure(con, rules, sources, problem)
    _build_typed(con, rules)
    problems += _check_rincian_sums(con, rules, problem)
    problems.sort(key=lambda p: (names.index(p.file), p.row or 0, p.column or ""))
    counts = con.execute("SELECT (SELECT count(*) FROM in_rekap), (SELECT count(*) FROM in_rincian)").fetchone()
    return Validation(problems, warnings, counts[0], counts[1])


# -- staging --------------------------------------------------------------------------------------
def _stage_raw(con, sources: list[Source], rules: Rules) -> None:
    """One all-text table per kind, every expected column present (null where a file lacks it)."""
    columns = {
        "rekap": (*vocab.KEY_COLUMNS, *vocab.META_COLUMNS, *vocab.indicator_columns(rules), "_extra"),
        "rincian": (*vocab.KEY_COLUMNS, *vocab.META_COLUMNS, *vocab.LONG_COLUMNS, "_extra"),
    }
    for kind, expected in columns.items():
        tables = []
        for index, source in enumerate(sources):
            if source.kind != kind:
                continue
            table = source.table
            for name in expected:
                if name not in table.column_names:
                    table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
            table = table.select([*expected, "_row"])
            tables.append(table.append_column("_file", pa.array([index] * table.num_rows, pa.int32())))
        empty = pa.schema([*((n, pa.string()) for n in expected), ("_row", pa.int64()), ("_file", pa.int32())])
        combined = pa.concat_tables(tables) if tables else empty.empty_table()
        con.register("arrow_staging", combined)
        # Blank cells become NULL once, here, so every later check can say IS NULL.
        text = ", ".join(f"nullif(trim({n}), '') AS {n}" for n in expected)
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_{kind} AS SELECT {text}, _row, _file FROM arrow_staging")  # allow-listed names
        con.unregister("arrow_staging")


def _register_rules(con, rules: Rules) -> None:
    """Per rubric and column: the maximum a cell may hold and what kind of item it is."""
    rows = []
    for rubric in rules.rubrics:
        for indicator in rules.indicators(rubric):
            if indicator.level == "group":
                continue
            rows.append((rubric, indicator.column, indicator.level, indicator.weight, indicator.parent and vocab.normalise_header(indicator.parent)))
            if indicator.survey:
                low, high = rules.rubrics[rubric].survey_scale
                rows.append((rubric, f"{indicator.column}_indeks", "index", high, indicator.column))
    table = pa.table(list(zip(*rows)), names=["rubric", "code", "level", "maximum", "parent"])
    con.register("arrow_rules", table)
    con.execute("CREATE OR REPLACE TEMP TABLE rule_cells AS SELECT * FROM arrow_rules")
    con.unregister("arrow_rules")


def _lookup_table(con, name: str, pairs: dict) -> None:
    table = pa.table({"raw": pa.array(list(pairs), pa.string()), "value": pa.array(list(pairs.values()))})
    con.register(f"arrow_{name}", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM arrow_{name}")  # name: fixed by code
    con.unregister(f"arrow_{name}")


def _resolve_keys(con, rules: Rules, today_year: int, problem) -> list[Problem]:
    """Resolve province, stage, year, rubric, predicate of every row; report what does not resolve."""
    union = """
        SELECT 'rekap' AS kind, _file, _row, provinsi, instansi, unit_kerja, tahun, tahap, rubrik, predikat,
               jenis_unit, catatan, NULL AS indikator FROM raw_rekap
        UNION ALL
        SELECT 'rincian', _file, _row, provinsi, instansi, unit_kerja, tahun, tahap, rubrik, predikat,
               jenis_unit, catatan, indikator FROM raw_rincian"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw_keys AS {union}")

    def distinct(column: str) -> list[str]:
        return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM raw_keys WHERE nullif(trim({column}), '') IS NOT NULL").fetchall()]

    provinces = vocab.province_aliases()
    _lookup_table(con, "map_province", {v: provinces.get(vocab.normalise_province(v)) for v in distinct("provinsi")})
    _lookup_table(con, "map_stage", {v: vocab.STAGES.get(vocab.normalise_value(v)) for v in distinct("tahap")})
    _lookup_table(con, "map_rubric", {v: vocab.RUBRICS.get(vocab.normalise_value(v)) for v in distinct("rubrik")})
    predicates = {v: vocab.PREDICATES.get(vocab.normalise_value(v), "?") for v in distinct("predikat")}
    _lookup_table(con, "map_predicate", predicates)
    subareas = vocab.subarea_columns(rules)
    _lookup_table(con, "map_code", {v: (c if (c := vocab.normalise_header(v)) in subareas else None) for v in distinct("indikator")})
    years = range(int(rules.validation["first_year"]), rules.max_year(today_year) + 1)
    _lookup_table(con, "map_year_rubric", {str(y): rules.rubric_for_year(y) for y in years})

    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT k.*, p.value AS province_code, s.value AS stage,
               CASE WHEN y.d = round(y.d) THEN CAST(y.d AS INTEGER) END AS year,
               pr.value AS predicate, r.value AS rubric_given, c.value AS code,
               coalesce(nullif(trim(k.instansi), ''), 'Pemprov ' || prov.nama) AS instansi_name,
               trim(regexp_replace(k.unit_kerja, '\\s+', ' ', 'g')) AS unit_name
        FROM raw_keys k
        LEFT JOIN map_province p ON p.raw = k.provinsi
        LEFT JOIN map_stage s ON s.raw = k.tahap
        LEFT JOIN map_rubric r ON r.raw = k.rubrik
        LEFT JOIN map_predicate pr ON pr.raw = k.predikat
        LEFT JOIN map_code c ON c.raw = k.indikator
        LEFT JOIN provinces_ref prov ON prov.code = p.value
        CROSS JOIN LATERAL (SELECT try_cast(replace(trim(k.tahun), ',', '.') AS DOUBLE) AS d) y
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT k.*, coalesce(k.rubric_given, yr.value) AS rubric,
               lower(k.instansi_name) AS instansi_key, lower(k.unit_name) AS unit_key
        FROM keyed k LEFT JOIN map_year_rubric yr ON yr.raw = CAST(k.year AS VARCHAR)
        """
    )
    found = []
    checks = [
        ("provinsi", "nullif(trim(provinsi), '') IS NULL", "provinsi wajib diisi"),
        ("provinsi", "nullif(trim(provinsi), '') IS NOT NULL AND province_code IS NULL",
         "provinsi tidak dikenal; gunakan kode Kemendagri, nama resmi, atau singkatan (mis. 62, Kalimantan Tengah, Kalteng)"),
        ("unit_kerja", "nullif(unit_name, '') IS NULL", "nama unit kerja wajib diisi"),
        ("tahun", "nullif(trim(tahun), '') IS NULL", "tahun wajib diisi"),
        ("tahun", "nullif(trim(tahun), '') IS NOT NULL AND year IS NULL", "tahun harus bilangan bulat, mis. 2024"),
        ("tahun", "year IS NOT NULL AND rubric IS NULL AND rubric_given IS NULL",
         f"tahun di luar rentang {years.start}–{years.stop - 1}"),
        ("tahap", "nullif(trim(tahap), '') IS NULL", "tahap penilaian wajib diisi (SA, TPI, atau TPN)"),
        ("tahap", "nullif(trim(tahap), '') IS NOT NULL AND stage IS NULL",
         "tahap tidak dikenal; gunakan SA (penilaian mandiri), TPI, atau TPN"),
        ("rubrik", "nullif(trim(rubrik), '') IS NOT NULL AND rubric_given IS NULL",
         "rubrik tidak dikenal; gunakan permen52-2014 atau permen90-2021"),
        ("predikat", "predicate = '?'", "predikat tidak dikenal; gunakan WBK, WBBM, atau kosongkan"),
        ("indikator", "kind = 'rincian' AND nullif(trim(indikator), '') IS NULL", "kode indikator wajib diisi"),
        ("indikator", "kind = 'rincian' AND nullif(trim(indikator), '') IS NOT NULL AND code IS NULL",
         "kode sub-area tidak dikenal (lihat daftar kode di data/rules.toml, mis. MP-P1)"),
    ]
    for column, condition, reason in checks:
        value = "NULL" if column == "unit_kerja" and "IS NULL" in condition else column
        for file, row, raw in con.execute(f"SELECT _file, _row, {value} FROM keyed WHERE {condition}").fetchall():
            found.append(problem(file, row, column, raw, reason))
    # Out-of-range years also for rows whose rubric was given explicitly.
    for file, row, raw in con.execute(
        "SELECT _file, _row, tahun FROM keyed WHERE year IS NOT NULL AND rubric_given IS NOT NULL "
        "AND (year < $first OR year > $last)",
        {"first": years.start, "last": years.stop - 1},
    ).fetchall():
        found.append(problem(file, row, "tahun", raw, f"tahun di luar rentang {years.start}–{years.stop - 1}"))
    return found


def _check_cells(con, rules: Rules, problem) -> list[Problem]:
    """Every score cell: a number, not negative, within the weight of the row's rubric."""
    columns = vocab.indicator_columns(rules)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cells AS
        SELECT u._file, u._row, u.code, u.raw, 'rekap' AS kind
        FROM (UNPIVOT (SELECT _file, _row, {", ".join(columns)} FROM raw_rekap)
              ON {", ".join(columns)} INTO NAME code VALUE raw) u
        WHERE nullif(trim(u.raw), '') IS NOT NULL
        UNION ALL
        SELECT k._file, k._row, coalesce(k.code, '?'), r.nilai, 'rincian'
        FROM keyed k JOIN raw_rincian r USING (_file, _row)
        WHERE k.kind = 'rincian'
        """  # column names come from the rules allow-list, never from a file
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE parsed AS
        SELECT c.*, k.rubric, {NUMBER.format("c.raw")} AS value, rc.level, rc.maximum,
               (SELECT string_agg(DISTINCT o.rubric, ', ') FROM rule_cells o WHERE o.code = c.code) AS rubrics_with_code
        FROM cells c JOIN keyed k ON k._file = c._file AND k._row = c._row AND k.kind = c.kind
        LEFT JOIN rule_cells rc ON rc.rubric = k.rubric AND rc.code = c.code
        """
    )
    found = []
    for file, row, code, kind, raw, rubric, value, level, maximum, others in con.execute(
        "SELECT _file, _row, code, kind, raw, rubric, value, level, maximum, rubrics_with_code FROM parsed "
        "WHERE code <> '?' AND rubric IS NOT NULL AND (level IS NULL OR value IS NULL OR NOT isfinite(value) "
        "OR value < 0 OR value > maximum + 1e-9 OR (level = 'index' AND value < 1))"
    ).fetchall():
        column = "nilai" if kind == "rincian" else code
        if nullif_blank(raw) is None:
            found.append(problem(file, row, column, raw, "nilai kosong"))
        elif level is None:
            owner = f"rubrik {others}" if others else "rubrik lain"
            found.append(problem(file, row, "indikator" if kind == "rincian" else column, code if kind == "rincian" else raw,
                                 f"kolom ini untuk {owner}; baris ini dinilai dengan {rubric}"))
        elif value is None or value != value or value in (float("inf"), float("-inf")):
            found.append(problem(file, row, column, raw, "bukan angka (gunakan angka seperti 87,5 atau 87.5)"))
        elif value < 0:
            found.append(problem(file, row, column, raw, "nilai tidak boleh negatif"))
        elif level == "index":
            low, high = rules.rubrics[rubric].survey_scale
            found.append(problem(file, row, column, raw, f"indeks survei harus antara {_fmt(low)} dan {_fmt(high)}"))
        else:
            found.append(problem(file, row, column, raw, f"melebihi bobot maksimum {_fmt(maximum)} pada rubrik {rubric}"))
    return found


def _check_duplicates(con, problem) -> list[Problem]:
    found = []
    for kind, extra in (("rekap", ""), ("rincian", ", code")):
        for file, row, first, unit in con.execute(
            f"""
            SELECT _file, _row, first_row, unit_kerja FROM (
                SELECT *, min(_row) OVER w AS first_row, row_number() OVER (w ORDER BY _row) AS n
                FROM keyed WHERE kind = '{kind}' AND province_code IS NOT NULL AND year IS NOT NULL AND stage IS NOT NULL
                WINDOW w AS (PARTITION BY _file, {", ".join(KEY)}{extra})
            ) WHERE n > 1
            """  # kind and extra are fixed literals above
        ).fetchall():
            what = "unit, tahun, tahap, dan indikator" if kind == "rincian" else "provinsi, instansi, unit, tahun, dan tahap"
            found.append(problem(file, row, "unit_kerja", unit, f"baris ganda: {what} sama dengan baris {first} di file ini"))
    for file, row, extra in con.execute(
        "SELECT _file, _row, _extra FROM raw_rekap WHERE nullif(trim(_extra), '') IS NOT NULL "
        "UNION ALL SELECT _file, _row, _extra FROM raw_rincian WHERE nullif(trim(_extra), '') IS NOT NULL"
    ).fetchall():
        found.append(problem(file, row, None, extra, "baris ini punya lebih banyak sel daripada judul kolom"))
    return found


def _check_rekap_structure(con, rules: Rules, sources: list[Source], problem) -> list[Problem]:
    """Per row and rubric: every area (as total or both halves) and every result is present and agrees."""
    found = []
    tolerance = float(rules.validation["halves_tolerance"])
    index_tolerance = float(rules.validation["index_points_tolerance"])
    value = {c: NUMBER.format(c) for c in vocab.indicator_columns(rules)}
    present = {i: set(s.headers) for i, s in enumerate(sources) if s.kind == "rekap"}
    for rubric_id, rubric in rules.rubrics.items():
        needed: list[tuple[str, ...]] = []  # alternatives: any one complete tuple satisfies
        for area in rules.indicators(rubric_id, "area"):
            a = area.column
            if rubric.halves:
                halves = [f"{a}_{h}" for h in rubric.halves]
                needed.append(((a,), tuple(halves)))
                found += _rows(con, problem, rubric_id, halves[0],
                               f"({' IS NULL) <> ('.join(halves)} IS NULL)",
                               "hanya satu paruh yang diisi; isi pemenuhan dan reform, atau total area saja",
                               shown=f"coalesce({halves[0]}, {halves[1]})",
                               column_sql=f"CASE WHEN {halves[0]} IS NULL THEN '{halves[1]}' ELSE '{halves[0]}' END")
                found += _rows(con, problem, rubric_id, a,
                               f"abs({value[halves[0]]} + {value[halves[1]]} - {value[a]}) > {tolerance}",
                               f"total area tidak sama dengan jumlah pemenuhan + reform (selisih > {_fmt(tolerance)})")
            else:
                needed.append(((a,),))
        for result in rules.indicators(rubric_id, "result"):
            r = result.column
            if result.survey:
                needed.append(((r,), (f"{r}_indeks",)))
                low, high = rubric.survey_scale
                found += _rows(con, problem, rubric_id, r,
                               f"abs({value[r]} - {value[r + '_indeks']} / {high} * {result.weight}) > {index_tolerance}",
                               f"poin tidak sesuai dengan indeks survei (indeks / {_fmt(high)} x {_fmt(result.weight)}, toleransi {_fmt(index_tolerance)})")
            else:
                needed.append(((r,),))
        for alternatives in needed:
            # A column no file row of this rubric could fill: say it once per file, not per row.
            for file, cols in present.items():
                if not any(all(c in cols for c in alt) for alt in alternatives):
                    row = con.execute("SELECT min(_row) FROM keyed WHERE kind = 'rekap' AND _file = $f AND rubric = $r",
                                      {"f": file, "r": rubric_id}).fetchone()[0]
                    if row is not None:
                        wanted = " atau ".join(" + ".join(alt) for alt in alternatives)
                        found.append(problem(file, None, None, None,
                                             f"kolom wajib untuk rubrik {rubric_id} tidak ada: {wanted} (baris pertama dengan rubrik ini: {row})"))
            missing = " AND ".join("(" + " OR ".join(f"{c} IS NULL" for c in alt) + ")" for alt in alternatives)
            complete_files = [f for f, cols in present.items() if any(all(c in cols for c in alt) for alt in alternatives)]
            if complete_files:
                found += _rows(con, problem, rubric_id, alternatives[0][0], f"({missing}) AND r._file IN ({', '.join(map(str, complete_files))})",
                               "nilai wajib kosong", shown="NULL")
    return found


def _rows(con, problem, rubric: str, column: str, condition: str, reason: str, shown: str | None = None, column_sql: str | None = None) -> list[Problem]:
    """Rows of `rubric` in raw_rekap meeting `condition` (SQL over allow-listed columns) as problems."""
    sql = (
        f"SELECT r._file, r._row, {column_sql or repr(column)}, {shown or column} FROM raw_rekap r "
        f"JOIN keyed k ON k.kind = 'rekap' AND k._file = r._file AND k._row = r._row "
        f"WHERE k.rubric = $rubric AND ({condition})"
    )
    return [problem(f, row, col, val, reason) for f, row, col, val in con.execute(sql, {"rubric": rubric}).fetchall()]


def _build_typed(con, rules: Rules) -> None:
    """Typed rows for the load: later file wins within one command; only resolvable rows."""
    columns = vocab.indicator_columns(rules)
    typed = ", ".join(f"{NUMBER.format('r.' + c)} AS {c}" for c in columns)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE in_rekap AS
        SELECT k.province_code, k.instansi_key, k.unit_key, k.year, k.stage,
               k.instansi_name AS instansi, k.unit_name AS unit, nullif(trim(k.jenis_unit), '') AS jenis_unit,
               k.rubric, k.predicate AS predikat, nullif(trim(k.catatan), '') AS catatan, {typed},
               k._file AS file_index, k._row AS source_row
        FROM keyed k JOIN raw_rekap r ON k.kind = 'rekap' AND r._file = k._file AND r._row = k._row
        WHERE k.province_code IS NOT NULL AND k.year IS NOT NULL AND k.stage IS NOT NULL AND k.rubric IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY {", ".join(KEY)} ORDER BY k._file DESC, k._row DESC) = 1
        """  # column names from the rules allow-list
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE in_rincian AS
        SELECT k.province_code, k.instansi_key, k.unit_key, k.year, k.stage, k.code, k.unit_name AS unit,
               {NUMBER.format('r.nilai')} AS value, k._file AS file_index, k._row AS source_row
        FROM keyed k JOIN raw_rincian r ON k.kind = 'rincian' AND r._file = k._file AND r._row = k._row
        WHERE k.province_code IS NOT NULL AND k.year IS NOT NULL AND k.stage IS NOT NULL AND k.code IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY {", ".join(KEY)}, k.code ORDER BY k._file DESC, k._row DESC) = 1
        """
    )


def _check_rincian_sums(con, rules: Rules, problem) -> list[Problem]:
    """Sub-area detail needs its rekap row (from this load or the warehouse), and a complete set of
    sub-areas must sum to its half (or, where only area totals are known, both halves to the area)."""
    tolerance = float(rules.validation["subarea_tolerance"])
    key = ", ".join(KEY)
    parents = sorted({i.parent.lower().replace("-", "_") for i in rules.indicators(level="subarea")})
    areas = sorted({p.split("_")[0] for p in parents})
    levels = ", ".join(areas + parents)
    found = []
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rekap_after AS
        SELECT {key}, rubric, {levels} FROM in_rekap
        UNION ALL
        SELECT {key}, rubric, {levels} FROM rekap e
        WHERE NOT EXISTS (SELECT 1 FROM in_rekap i WHERE {" AND ".join(f"i.{k} = e.{k}" for k in KEY)})
        """  # identifiers from the rules allow-list
    )
    for file, row, unit in con.execute(
        f"""
        SELECT min(file_index), min(source_row), any_value(unit) FROM in_rincian
        ANTI JOIN rekap_after USING ({key}) GROUP BY {key}
        """
    ).fetchall():
        found.append(problem(file, row, "unit_kerja", unit,
                             "rincian sub-area untuk unit, tahun, dan tahap yang belum ada di rekap; muat rekapnya lebih dulu atau bersamaan"))
    rows = con.execute(
        f"""
        WITH known AS (UNPIVOT (SELECT {key}, {levels} FROM rekap_after) ON {levels} INTO NAME code VALUE points),
        sub AS (
            SELECT {", ".join("r." + k for k in KEY)}, rc.parent AS half, any_value(h.parent) AS area,
                   sum(r.value) AS total, count(*) AS n, min(r.file_index) AS file_index, min(r.source_row) AS source_row
            FROM in_rincian r JOIN rekap_after a USING ({key})
            JOIN rule_cells rc ON rc.rubric = a.rubric AND rc.code = r.code
            JOIN rule_cells h ON h.rubric = a.rubric AND h.code = rc.parent
            GROUP BY ALL
        ),
        complete AS (
            SELECT sub.* FROM sub
            JOIN (SELECT parent AS half, count(*) AS n FROM rule_cells WHERE level = 'subarea' GROUP BY ALL) e USING (half, n)
        )
        SELECT c.file_index, c.source_row, c.half, c.total, hv.points FROM complete c
        JOIN known hv ON hv.code = c.half AND {" AND ".join(f"hv.{k} = c.{k}" for k in KEY)}
        WHERE abs(c.total - hv.points) > $tolerance
        UNION ALL
        SELECT min(c.file_index), min(c.source_row), c.area, sum(c.total), any_value(av.points) FROM complete c
        JOIN known av ON av.code = c.area AND {" AND ".join(f"av.{k} = c.{k}" for k in KEY)}
        ANTI JOIN known hv ON hv.code = c.half AND {" AND ".join(f"hv.{k} = c.{k}" for k in KEY)}
        GROUP BY {", ".join("c." + k for k in KEY)}, c.area
        HAVING count(*) = 2 AND abs(sum(c.total) - any_value(av.points)) > $tolerance
        """,
        {"tolerance": tolerance},
    ).fetchall()
    for file, row, level, total, points in rows:
        found.append(problem(file, row, "nilai", _fmt(total),
                             f"jumlah sub-area {level.upper().replace('_', ' ')} = {_fmt(total)}, tidak sama dengan nilainya di rekap ({_fmt(points)})"))
    return found


def nullif_blank(value):
    return value if value is not None and str(value).strip() else None


def _fmt(number: float) -> str:
    """A number as the interface shows it: decimal comma, no needless zeros (7,5 not 7.50)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")

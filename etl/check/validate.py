"""Validate what `read` produced, all at once, and stage the typed rows for the load.

Lazy validation: every check runs over every row and each failure becomes one `Problem`; nothing
stops at the first. The heavy lifting is SQL in DuckDB (parsing and range checks over all cells in
parallel). Vocabulary lookups (province, stage, predicate, rubric, indicator code) run in Python over
the *distinct* values only, so each normalisation exists once (in `etl.read.vocabulary`).

Outputs, as temp tables on the given connection:
- `in_rekap`: one typed row per key (later file wins within one load), with file and row of origin;
- `in_rincian`: one typed sub-area value per key and code;
- `in_praktik`, `in_usulan`, `in_unit_ids`: good practices, proposals and the stable ids the load gives
  (etl.check.practices, etl.check.usulan, etl.check.unit_ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from etl.check import practices, unit_ids, usulan
from etl.check.lke import LkeTables
from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.read.lke_content import ANSWER_SCHEMA, DETAIL_SCHEMA
from etl.read.source import Source
from zi.domain.rules import Rules

KEY = ("province_code", "instansi_key", "unit_key", "year", "stage")
NUMBER = "try_cast(replace(trim({0}), ',', '.') AS DOUBLE)"  # decimal comma or point; no thousands
POSITION = "((_file::BIGINT << 32) + _row)"  # a row's place in one load: later file, then later row
KEY_TEXT = ("provinsi", "instansi", "unit_kerja", "tahun", "tahap", "rubrik")  # a key as written
# A row belongs to the key spelled exactly as in the row (`written_*`); everything else reads the
# cleaned text (`provinsi`, ...: trimmed, NULL when blank).
SAME_TEXT = " AND ".join(f"r.{c} IS NOT DISTINCT FROM k.written_{c}" for c in KEY_TEXT)


@dataclass
class Validation:
    problems: list[Problem]
    warnings: list[Problem]
    rekap_rows: int
    rincian_rows: int


def validate(
    con: duckdb.DuckDBPyConnection, sources: list[Source], rules: Rules, today_year: int, lke: LkeTables | None = None
) -> Validation:
    """Stage `sources` on `con` (temp tables) and return every problem found. `lke`: the score rows, sub-area
    values and item answers of the load's LKE files (etl.check.lke), checked with the rekap and rincian rows."""
    problems = [p for s in sources for p in s.problems if not p.warning]
    warnings = [p for s in sources for p in s.problems if p.warning]
    names = [s.name for s in sources]
    headers = {i: s.headers for i, s in enumerate(sources)}
    sheets = {i: s.sheet for i, s in enumerate(sources)}

    def problem(file: int, row, column: str | None, value, reason: str) -> Problem:
        written = headers[file].get(column, column) if column else None
        return Problem(names[file], row, written, None if value is None else str(value), reason, sheet=sheets[file])

    con.execute("CREATE OR REPLACE TEMP TABLE load_lke_files (file_index INTEGER, file_name VARCHAR)")
    if lke_files := [(i, s.name) for i, s in enumerate(sources) if s.kind == "lke"]:
        con.executemany("INSERT INTO load_lke_files VALUES (?, ?)", lke_files)
    _stage_raw(con, sources, rules, lke)
    _register_rules(con, rules)
    problems += _resolve_keys(con, rules, today_year, problem)
    problems += _check_cells(con, rules, problem)
    problems += _check_duplicates(con, problem)
    problems += _check_rekap_structure(con, rules, sources, problem)
    _build_typed(con, rules)
    problems += _check_rincian_sums(con, rules, problem)
    problems += _check_detail_given_twice(con, problem)
    problems += practices.validate(con, rules, today_year, problem)
    problems += usulan.validate(con, rules, today_year, problem)
    found, warned = unit_ids.validate(con, lke.claims if lke is not None else [], problem)
    problems += found + usulan.check(con, problem)
    warnings += warned
    problems.sort(key=lambda p: (names.index(p.file), p.row or 0, p.column or ""))
    counts = con.execute("SELECT (SELECT count(*) FROM in_rekap), (SELECT count(*) FROM rincian_latest)").fetchall()[0]
    return Validation(problems, warnings, counts[0], counts[1])


# -- staging --------------------------------------------------------------------------------------
def _stage_raw(con, sources: list[Source], rules: Rules, lke: LkeTables | None) -> None:
    """One all-text table per kind, every expected column present (null where a file lacks it); an LKE's
    score rows join the rekap rows and its sub-area values the rincian rows. Its item answers, already typed
    by the scoring, are staged as `raw_lke`."""
    columns = {
        "rekap": (*vocab.KEY_COLUMNS, *vocab.META_COLUMNS, *vocab.indicator_columns(rules), "_extra"),
        "rincian": (*vocab.KEY_COLUMNS, *vocab.META_COLUMNS, *vocab.LONG_COLUMNS, "_extra"),
        "praktik": (*practices.COLUMNS, "_extra"),
        "usulan": (*usulan.COLUMNS, "_extra"),
    }
    for kind, expected in columns.items():
        # `_shown_row`: the row shown as a score row's origin where it is not `_row` (an LKE's total row)
        kept = [*expected, "_row", "_file"] + (["_shown_row"] if kind == "rekap" else [])
        tables = []
        for index, source in enumerate(sources):
            if source.kind == kind:
                tables.append(source.table.append_column("_file", pa.repeat(pa.scalar(index, pa.int32()), source.table.num_rows)))
        derived = lke.rekap if lke is not None and kind == "rekap" else None
        if derived is not None and derived.num_rows:
            tables.append(derived)
        for n, table in enumerate(tables):
            for name in kept:
                if name not in table.column_names:
                    table = table.append_column(
                        name, pa.nulls(table.num_rows, pa.int64() if name == "_shown_row" else pa.string())
                    )
            tables[n] = table.select(kept)
        empty = pa.schema(
            [(n, pa.int64() if n in ("_row", "_shown_row") else pa.int32() if n == "_file" else pa.string()) for n in kept]
        )
        combined = pa.concat_tables(tables) if tables else empty.empty_table()
        con.register("arrow_staging", combined)
        # Blank cells become NULL once, here, so every later check can say IS NULL. The key text is
        # the exception: a long file repeats it on every row, so it is cleaned once per distinct
        # spelling, in _resolve_keys.
        as_written = KEY_TEXT if kind in ("rekap", "rincian") else ()
        text = ", ".join(n if n in as_written else f"nullif(trim({n}), '') AS {n}" for n in expected)
        extra = ", _shown_row" if kind == "rekap" else ""
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE raw_{kind} AS SELECT {text}, _row, _file{extra} FROM arrow_staging"
        )  # allow-listed names
        con.unregister("arrow_staging")
    # An LKE's sub-area points and answers are typed by the scoring already: they stay Arrow tables, read
    # through the registration (no copy) until the load writes them; they join their score row by file and stage.
    for name, table, schema in (
        ("raw_lke_detail", lke and lke.detail, DETAIL_SCHEMA),
        ("raw_lke", lke and lke.answers, ANSWER_SCHEMA),
    ):
        con.register(name, table if table is not None else schema.append(pa.field("_file", pa.int32())).empty_table())
    for source in sources:
        source.table = None  # DuckDB holds the text now; a national load would otherwise keep it twice


def _register_rules(con, rules: Rules) -> None:
    """Per rubric and column: the maximum a cell may hold and what kind of item it is."""
    rows = []
    for rubric in rules.rubrics:
        for indicator in rules.indicators(rubric):
            if indicator.level == "group":
                continue
            rows.append(
                (
                    rubric,
                    indicator.column,
                    indicator.level,
                    indicator.weight,
                    indicator.parent and vocab.normalise_header(indicator.parent),
                )
            )
            if indicator.survey:
                _low, high = rules.rubrics[rubric].survey_scale  # type: ignore[misc]  # a survey indicator's rubric has one
                rows.append((rubric, f"{indicator.column}_indeks", "index", high, indicator.column))
    table = pa.table(list(zip(*rows, strict=False)), names=["rubric", "code", "level", "maximum", "parent"])
    con.register("arrow_rules", table)
    con.execute("CREATE OR REPLACE TEMP TABLE rule_cells AS SELECT * FROM arrow_rules")
    con.unregister("arrow_rules")


def _lookup_table(con, name: str, pairs: dict) -> None:
    table = pa.table({"raw": pa.array(list(pairs), pa.string()), "value": pa.array(list(pairs.values()))})
    con.register(f"arrow_{name}", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM arrow_{name}")  # name: fixed by code
    con.unregister(f"arrow_{name}")


def _resolve_keys(con, rules: Rules, today_year: int, problem) -> list[Problem]:
    """Resolve every distinct key as written (province, instance, unit, year, stage, rubric) once.

    Long files repeat one key on dozens of rows, so resolving distinct keys instead of rows keeps the
    work proportional to the number of score rows. `key_id` numbers the resolved key, so spellings
    that mean the same key (`Dinas D`, `dinas  d`) share it. Problems are still reported per row:
    the (rare) unresolvable keys are joined back to the rows that carry them.
    """
    text = ", ".join(KEY_TEXT)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE key_text AS
        SELECT {", ".join(f"{c} AS written_{c}, nullif(trim({c}), '') AS {c}" for c in KEY_TEXT)}
        FROM (SELECT DISTINCT {text} FROM (SELECT {text} FROM raw_rekap UNION ALL SELECT {text} FROM raw_rincian))
        """
    )

    def distinct(table: str, column: str) -> list[str]:
        return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()]

    provinces = vocab.province_aliases()
    _lookup_table(con, "map_province", {v: provinces.get(vocab.normalise_province(v)) for v in distinct("key_text", "provinsi")})
    _lookup_table(con, "map_stage", {v: vocab.STAGES.get(vocab.normalise_value(v)) for v in distinct("key_text", "tahap")})
    _lookup_table(con, "map_rubric", {v: vocab.RUBRICS.get(vocab.normalise_value(v)) for v in distinct("key_text", "rubrik")})
    _lookup_table(
        con, "map_predicate", {v: vocab.PREDICATES.get(vocab.normalise_value(v), "?") for v in distinct("raw_rekap", "predikat")}
    )
    subareas = vocab.subarea_columns(rules)
    _lookup_table(
        con,
        "map_code",
        {v: (c if (c := vocab.normalise_header(v)) in subareas else None) for v in distinct("raw_rincian", "indikator")},
    )
    years = range(int(rules.validation["first_year"]), rules.max_year(today_year) + 1)
    _lookup_table(con, "map_year_rubric", {str(y): rules.rubric_for_year(y) for y in years})

    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE keys AS
        WITH resolved AS (
            SELECT t.*, row_number() OVER () AS text_id, p.value AS province_code, s.value AS stage,
                   CASE WHEN isfinite(y.d) AND y.d = round(y.d) AND y.d BETWEEN $first AND $last THEN CAST(y.d AS INTEGER) END AS year,
                   y.d AS year_number, r.value AS rubric_given,
                   coalesce(trim(regexp_replace(t.instansi, '[\\s\\p{Z}]+', ' ', 'g')), 'Pemprov ' || prov.nama) AS instansi_name,
                   trim(regexp_replace(t.unit_kerja, '[\\s\\p{Z}]+', ' ', 'g')) AS unit_name  -- also U+00A0 and other Unicode spaces
            FROM key_text t
            LEFT JOIN map_province p ON p.raw = t.provinsi
            LEFT JOIN map_stage s ON s.raw = t.tahap
            LEFT JOIN map_rubric r ON r.raw = t.rubrik
            LEFT JOIN provinces_ref prov ON prov.code = p.value
            CROSS JOIN LATERAL (SELECT try_cast(replace(t.tahun, ',', '.') AS DOUBLE) AS d) y
        )
        SELECT k.*, coalesce(k.rubric_given, yr.value) AS rubric,
               lower(k.instansi_name) AS instansi_key, lower(k.unit_name) AS unit_key,
               CASE WHEN k.province_code IS NOT NULL AND k.year IS NOT NULL AND k.stage IS NOT NULL AND k.unit_name <> ''
                    THEN dense_rank() OVER (ORDER BY k.province_code, lower(k.instansi_name), lower(k.unit_name), k.year, k.stage)
               END AS key_id
        FROM resolved k LEFT JOIN map_year_rubric yr ON yr.raw = CAST(k.year AS VARCHAR)
        """,
        {"first": years.start, "last": years.stop - 1},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT r._file, r._row, k.*, pr.value AS predicate, r.jenis_unit, r.catatan
        FROM raw_rekap r JOIN keys k ON {SAME_TEXT}
        LEFT JOIN map_predicate pr ON pr.raw = r.predikat
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rincian_cells AS
        SELECT r._file, r._row, k.text_id, k.key_id, k.rubric, c.value AS code, r.indikator, r.nilai AS raw,
               {NUMBER.format("r.nilai")} AS value
        FROM raw_rincian r JOIN keys k ON {SAME_TEXT}
        LEFT JOIN map_code c ON c.raw = r.indikator
        """
    )
    span = f"{years.start}–{years.stop - 1}"
    checks = [  # (column, condition on keys, reason)
        ("provinsi", "provinsi IS NULL", "provinsi wajib diisi"),
        (
            "provinsi",
            "provinsi IS NOT NULL AND province_code IS NULL",
            "provinsi tidak dikenal; gunakan kode Kemendagri, nama resmi, atau singkatan (mis. 62, Kalimantan Tengah, Kalteng)",
        ),
        ("unit_kerja", "coalesce(unit_name, '') = ''", "nama unit kerja wajib diisi"),
        ("tahun", "tahun IS NULL", "tahun wajib diisi"),
        (
            "tahun",
            "tahun IS NOT NULL AND NOT coalesce(isfinite(year_number) AND year_number = round(year_number), false)",
            "tahun harus bilangan bulat, mis. 2024",
        ),
        ("tahun", "isfinite(year_number) AND year_number = round(year_number) AND year IS NULL", f"tahun di luar rentang {span}"),
        ("tahap", "tahap IS NULL", "tahap penilaian wajib diisi (SA, TPI, atau TPN)"),
        ("tahap", "tahap IS NOT NULL AND stage IS NULL", "tahap tidak dikenal; gunakan SA (penilaian mandiri), TPI, atau TPN"),
        (
            "rubrik",
            "rubrik IS NOT NULL AND rubric_given IS NULL",
            "rubrik tidak dikenal; gunakan permen52-2014 atau permen90-2021",
        ),
    ]
    flags = ", ".join(f"({condition}) AS c{i}" for i, (_, condition, _) in enumerate(checks))
    any_flag = " OR ".join(f"({condition})" for _, condition, _ in checks)
    found = []
    bad = con.execute(
        f"""
        WITH bad AS (SELECT text_id, {", ".join(KEY_TEXT)}, {flags} FROM keys WHERE {any_flag})
        SELECT x._file, x._row, bad.* EXCLUDE (text_id) FROM bad
        JOIN (SELECT _file, _row, text_id FROM keyed UNION ALL SELECT _file, _row, text_id FROM rincian_cells) x USING (text_id)
        ORDER BY x._file, x._row
        """  # conditions and columns are fixed above
    ).fetchall()
    for file, row, *cells in bad:
        written = dict(zip(KEY_TEXT, cells, strict=False))
        for flag, (column, _, reason) in zip(cells[len(KEY_TEXT) :], checks, strict=False):
            if flag:
                found.append(problem(file, row, column, written.get(column), reason))
    for file, row, raw in con.execute(
        "SELECT _file, _row, predikat FROM keyed JOIN raw_rekap USING (_file, _row) WHERE predicate = '?'"
    ).fetchall():
        found.append(problem(file, row, "predikat", raw, "predikat tidak dikenal; gunakan WBK, WBBM, atau kosongkan"))
    for file, row, raw in con.execute(
        "SELECT _file, _row, indikator FROM rincian_cells WHERE code IS NULL ORDER BY ALL"
    ).fetchall():
        reason = (
            "kode indikator wajib diisi"
            if raw is None
            else "kode sub-area tidak dikenal (lihat daftar kode di data/rules.toml, mis. MP-P1)"
        )
        found.append(problem(file, row, "indikator", raw, reason))
    return found


def _check_cells(con, rules: Rules, problem) -> list[Problem]:
    """Every score cell: a number, not negative, within the weight of the row's rubric."""
    columns = vocab.indicator_columns(rules)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW cells AS
        SELECT u._file, u._row, u.code, u.raw, {NUMBER.format("u.raw")} AS value, 'rekap' AS kind, k.rubric
        FROM (UNPIVOT (SELECT _file, _row, {", ".join(columns)} FROM raw_rekap)
              ON {", ".join(columns)} INTO NAME code VALUE raw) u
        JOIN keyed k USING (_file, _row)
        UNION ALL
        SELECT _file, _row, code, raw, value, 'rincian', rubric FROM rincian_cells WHERE code IS NOT NULL
        """  # column names come from the rules allow-list, never from a file
    )
    found = []
    for file, row, code, kind, raw, rubric, value, level, maximum, others in con.execute(
        """
        SELECT c._file, c._row, c.code, c.kind, c.raw, c.rubric, c.value, rc.level, rc.maximum,
               (SELECT string_agg(DISTINCT o.rubric, ', ') FROM rule_cells o WHERE o.code = c.code) AS rubrics_with_code
        FROM cells c LEFT JOIN rule_cells rc ON rc.rubric = c.rubric AND rc.code = c.code
        WHERE c.rubric IS NOT NULL AND (rc.level IS NULL OR c.value IS NULL OR NOT isfinite(c.value)
              OR c.value < 0 OR c.value > rc.maximum + 1e-9 OR (rc.level = 'index' AND c.value < 1))
        ORDER BY ALL
        """
    ).fetchall():
        column = "nilai" if kind == "rincian" else code
        if raw is None:
            found.append(problem(file, row, column, raw, "nilai kosong"))
        elif level is None:
            owner = f"rubrik {others}" if others else "rubrik lain"
            found.append(
                problem(
                    file,
                    row,
                    "indikator" if kind == "rincian" else column,
                    code if kind == "rincian" else raw,
                    f"kolom ini untuk {owner}; baris ini dinilai dengan {rubric}",
                )
            )
        elif value is None or value != value or value in (float("inf"), float("-inf")):
            found.append(problem(file, row, column, raw, "bukan angka (gunakan angka seperti 87,5 atau 87.5)"))
        elif value < 0:
            found.append(problem(file, row, column, raw, "nilai tidak boleh negatif"))
        elif level == "index":
            low, high = rules.rubrics[rubric].survey_scale  # type: ignore[misc]  # a survey indicator's rubric has one
            found.append(problem(file, row, column, raw, f"indeks survei harus antara {_fmt(low)} dan {_fmt(high)}"))
        else:
            found.append(problem(file, row, column, raw, f"melebihi bobot maksimum {_fmt(maximum)} pada rubrik {rubric}"))
    return found


def _check_duplicates(con, problem) -> list[Problem]:
    """The same key twice in one file (compared as resolved: case and spaces of names do not count)."""
    found = []
    queries = (
        (
            "SELECT _file, _row, key_id, unit_kerja FROM keyed WHERE key_id IS NOT NULL",
            "key_id",
            "provinsi, instansi, unit, tahun, dan tahap",
        ),
        (
            "SELECT c._file, c._row, c.key_id, c.code, k.unit_kerja FROM rincian_cells c JOIN keys k USING (text_id) "
            "WHERE c.key_id IS NOT NULL AND c.code IS NOT NULL",
            "key_id, code",
            "unit, tahun, tahap, dan indikator",
        ),
    )
    for rows, partition, what in queries:
        for file, row, first, unit in con.execute(
            f"""
            WITH doubled AS (SELECT _file, {partition} FROM ({rows}) GROUP BY ALL HAVING count(*) > 1)
            SELECT _file, _row, first_row, unit_kerja FROM (
                SELECT r.*, min(_row) OVER w AS first_row, row_number() OVER (w ORDER BY _row) AS n
                FROM ({rows}) r SEMI JOIN doubled USING (_file, {partition})
                WINDOW w AS (PARTITION BY _file, {partition})
            ) WHERE n > 1 ORDER BY ALL
            """  # fixed fragments above
        ).fetchall():
            found.append(problem(file, row, "unit_kerja", unit, f"baris ganda: {what} sama dengan baris {first} di file ini"))
    for file, row, extra in con.execute(
        "SELECT _file, _row, _extra FROM raw_rekap WHERE _extra IS NOT NULL "
        "UNION ALL SELECT _file, _row, _extra FROM raw_rincian WHERE _extra IS NOT NULL ORDER BY ALL"
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
        needed: list[tuple[tuple[str, ...], ...]] = []  # alternatives: any one complete tuple satisfies
        for area in rules.indicators(rubric_id, "area"):
            a = area.column
            if rubric.halves:
                halves = [f"{a}_{h}" for h in rubric.halves]
                needed.append(((a,), tuple(halves)))
                found += _rows(
                    con,
                    problem,
                    rubric_id,
                    halves[0],
                    f"({' IS NULL) <> ('.join(halves)} IS NULL)",
                    "hanya satu paruh yang diisi; isi pemenuhan dan reform, atau total area saja",
                    shown=f"coalesce({halves[0]}, {halves[1]})",
                    column_sql=f"CASE WHEN {halves[0]} IS NULL THEN '{halves[1]}' ELSE '{halves[0]}' END",
                )
                found += _rows(
                    con,
                    problem,
                    rubric_id,
                    a,
                    f"abs({value[halves[0]]} + {value[halves[1]]} - {value[a]}) > {tolerance}",
                    f"total area tidak sama dengan jumlah pemenuhan + reform (selisih > {_fmt(tolerance)})",
                )
            else:
                needed.append(((a,),))
        for result in rules.indicators(rubric_id, "result"):
            r = result.column
            if result.survey:
                needed.append(((r,), (f"{r}_indeks",)))
                _low, high = rubric.survey_scale  # type: ignore[misc]  # a survey indicator's rubric has one
                found += _rows(
                    con,
                    problem,
                    rubric_id,
                    r,
                    f"abs({value[r]} - {value[r + '_indeks']} / {high} * {result.weight}) > {index_tolerance}",
                    f"poin tidak sesuai dengan indeks survei (indeks / {_fmt(high)} x {_fmt(result.weight)}, toleransi {_fmt(index_tolerance)})",
                )
            else:
                needed.append(((r,),))
        for alternatives in needed:
            # A column no file row of this rubric could fill: say it once per file, not per row.
            for file, cols in present.items():
                if not any(all(c in cols for c in alt) for alt in alternatives):
                    row = con.execute(
                        "SELECT min(_row) FROM keyed WHERE _file = $f AND rubric = $r", {"f": file, "r": rubric_id}
                    ).fetchone()[0]
                    if row is not None:
                        wanted = " atau ".join(" + ".join(alt) for alt in alternatives)
                        found.append(
                            problem(
                                file,
                                None,
                                None,
                                None,
                                f"kolom wajib untuk rubrik {rubric_id} tidak ada: {wanted} (baris pertama dengan rubrik ini: {row})",
                            )
                        )
            # empty: no alternative has any cell (a lone half is its own problem, reported above)
            missing = " AND ".join(f"{c} IS NULL" for alt in alternatives for c in alt)
            complete_files = [f for f, cols in present.items() if any(all(c in cols for c in alt) for alt in alternatives)]
            if complete_files:
                found += _rows(
                    con,
                    problem,
                    rubric_id,
                    alternatives[0][0],
                    f"({missing}) AND r._file IN ({', '.join(map(str, complete_files))})",
                    "nilai wajib kosong",
                    shown="NULL",
                )
    return found


def _rows(
    con, problem, rubric: str, column: str, condition: str, reason: str, shown: str | None = None, column_sql: str | None = None
) -> list[Problem]:
    """Rows of `rubric` in raw_rekap meeting `condition` (SQL over allow-listed columns) as problems."""
    sql = (
        f"SELECT r._file, r._row, {column_sql or repr(column)}, {shown or column} FROM raw_rekap r "
        f"JOIN keyed k ON k._file = r._file AND k._row = r._row "
        f"WHERE k.rubric = $rubric AND ({condition})"
    )
    return [problem(f, row, col, val, reason) for f, row, col, val in con.execute(sql, {"rubric": rubric}).fetchall()]


def _build_typed(con, rules: Rules) -> None:
    """Typed rows for the load: the later file, then the later row, wins within one command; only
    resolvable rows. `position` orders a load's rows that way in one number. Winners are found on
    the slim key columns first, so the wide rows are copied once."""
    columns = vocab.indicator_columns(rules)
    typed = ", ".join(f"{NUMBER.format('r.' + c)} AS {c}" for c in columns)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE in_rekap AS
        WITH latest AS (
            SELECT max({POSITION}) AS position FROM keyed
            WHERE key_id IS NOT NULL AND rubric IS NOT NULL GROUP BY key_id
        )
        SELECT k.province_code, k.instansi_key, k.unit_key, k.year, k.stage,
               k.instansi_name AS instansi, k.unit_name AS unit, k.jenis_unit,
               k.rubric, k.predicate AS predikat, k.catatan, {typed},
               k._file AS file_index, coalesce(r._shown_row, k._row) AS source_row
        FROM (SELECT *, {POSITION} AS position FROM keyed) k JOIN raw_rekap r USING (_file, _row)
        SEMI JOIN latest USING (position)
        """  # column names from the rules allow-list
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE key_names AS   -- each resolved key's names, once
        SELECT key_id, any_value(province_code) AS province_code, any_value(instansi_key) AS instansi_key,
               any_value(unit_key) AS unit_key, any_value(year) AS year, any_value(stage) AS stage,
               any_value(unit_name) AS unit, any_value(rubric) AS rubric
        FROM keys WHERE key_id IS NOT NULL GROUP BY key_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rincian_latest AS   -- one value per key and code
        SELECT key_id, code, arg_max(value, position) AS value, max(position) AS position
        FROM (SELECT key_id, code, value, {POSITION} AS position FROM rincian_cells)
        WHERE key_id IS NOT NULL AND code IS NOT NULL GROUP BY ALL
        """
    )
    # The wide rows (names on every value) only as a view: the load reads them once, to write them.
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW in_rincian AS
        SELECT n.province_code, n.instansi_key, n.unit_key, n.year, n.stage, l.code, l.value,
               (l.position >> 32)::INTEGER AS file_index, (l.position & 4294967295) AS source_row,
               l.key_id, n.unit, n.rubric
        FROM rincian_latest l JOIN key_names n USING (key_id)
        UNION ALL   -- an LKE's sub-area points, where its score row won
        SELECT i.province_code, i.instansi_key, i.unit_key, i.year, i.stage, d.code, d.value, d._file, d._row,
               NULL, i.unit, i.rubric
        FROM raw_lke_detail d JOIN in_rekap i ON i.file_index = d._file AND i.stage = d.tahap
        """
    )
    # An LKE's answers belong to its score row where that row won (a later file with the same key wins).
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW in_lke AS
        SELECT i.province_code, i.instansi_key, i.unit_key, i.year, i.stage, a.kode, a.jawaban, a.jawaban_baku, a.nilai,
               a.catatan, a.bukti, a._file AS file_index, a._row AS source_row
        FROM raw_lke a JOIN in_rekap i ON i.file_index = a._file AND i.stage = a.tahap
        """
    )


def _check_rincian_sums(con, rules: Rules, problem) -> list[Problem]:
    """Sub-area detail needs its rekap row (from this load or the warehouse), and a complete set of
    sub-areas must sum to its half (or, where only area totals are known, both halves to the area).

    Sub-areas are summed per key and half first (dozens of rows become one), so the comparison with
    the rekap touches as many rows as there are score rows."""
    tolerance = float(rules.validation["subarea_tolerance"])
    on_key = lambda a, b: " AND ".join(f"{a}.{k} = {b}.{k}" for k in KEY)  # noqa: E731
    parents = sorted({vocab.normalise_header(i.parent) for i in rules.indicators(level="subarea")})
    levels = ", ".join(sorted({p.split("_")[0] for p in parents}) + parents)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rincian_halves AS   -- per key and half: the sum of its sub-areas
        WITH valued AS MATERIALIZED (   -- (materialised: else DuckDB joins the rules to every key first)
            SELECT r.*, n.rubric FROM rincian_latest r JOIN key_names n USING (key_id)
        ),
        sums AS (
            SELECT r.key_id, r.rubric, rc.parent AS half, sum(r.value) AS total, count(*) AS n,
                   min(r.position) AS position
            FROM valued r JOIN rule_cells rc ON rc.rubric = r.rubric AND rc.code = r.code
            GROUP BY ALL
        )
        SELECT s.*, h.parent AS area, e.expected
        FROM sums s
        JOIN rule_cells h ON h.rubric = s.rubric AND h.code = s.half
        JOIN (SELECT rubric, parent, count(*) AS expected FROM rule_cells GROUP BY ALL) e
             ON e.rubric = s.rubric AND e.parent = s.half
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rekap_after AS   -- the rekap rows these details belong to, after this load
        WITH detailed AS (SELECT * FROM key_names SEMI JOIN rincian_halves USING (key_id))
        SELECT d.key_id, {levels} FROM in_rekap i JOIN detailed d ON {on_key("i", "d")}
        UNION ALL
        SELECT d.key_id, {levels} FROM rekap e JOIN detailed d ON {on_key("e", "d")}
        ANTI JOIN in_rekap i ON {on_key("i", "e")}
        """  # identifiers from the rules allow-list
    )
    found = []
    for position, unit in con.execute(
        "SELECT min(d.position), any_value(n.unit) FROM rincian_halves d ANTI JOIN rekap_after a USING (key_id) "
        "JOIN key_names n USING (key_id) GROUP BY d.key_id ORDER BY ALL"
    ).fetchall():
        found.append(
            problem(
                *_file_and_row(position),
                "unit_kerja",
                unit,
                "rincian sub-area untuk unit, tahun, dan tahap yang belum ada di rekap; muat rekapnya lebih dulu atau bersamaan",
            )
        )
    rows = con.execute(
        f"""
        WITH known AS (UNPIVOT (SELECT key_id, {levels} FROM rekap_after) ON {levels} INTO NAME code VALUE points),
        complete AS (SELECT * FROM rincian_halves WHERE n = expected)
        SELECT c.position, c.half, c.total, hv.points FROM complete c
        JOIN known hv ON hv.key_id = c.key_id AND hv.code = c.half
        WHERE abs(c.total - hv.points) > $tolerance
        UNION ALL
        SELECT min(c.position), c.area, sum(c.total), any_value(av.points) FROM complete c
        JOIN known av ON av.key_id = c.key_id AND av.code = c.area
        ANTI JOIN known hv ON hv.key_id = c.key_id AND hv.code = c.half
        GROUP BY c.key_id, c.area
        HAVING count(*) = 2 AND abs(sum(c.total) - any_value(av.points)) > $tolerance
        ORDER BY ALL
        """,
        {"tolerance": tolerance},
    ).fetchall()
    for position, level, total, points in rows:
        found.append(
            problem(
                *_file_and_row(position),
                "nilai",
                _fmt(total),
                f"jumlah sub-area {level.upper().replace('_', ' ')} = {_fmt(total)}, tidak sama dengan nilainya di rekap ({_fmt(points)})",
            )
        )
    return found


def _check_detail_given_twice(con, problem) -> list[Problem]:
    """Sub-area values of a long file for a score row an LKE file of the same load scores: two sources of
    the same values, and which one is meant is not for the ETL to guess."""
    found = []
    for position, unit, lke_file in con.execute(
        """
        SELECT min(l.position), any_value(n.unit), any_value(f.file_name)
        FROM rincian_latest l JOIN key_names n USING (key_id)
        JOIN in_rekap i USING (province_code, instansi_key, unit_key, year, stage)
        JOIN load_lke_files f ON f.file_index = i.file_index
        GROUP BY l.key_id ORDER BY 1
        """
    ).fetchall():
        found.append(
            problem(
                *_file_and_row(position),
                "unit_kerja",
                unit,
                f"nilai sub-area unit, tahun, dan tahap ini juga dihitung dari berkas LKE {lke_file} di muatan ini; "
                "muat salah satunya",
            )
        )
    return found


def _file_and_row(position: int) -> tuple[int, int]:
    """The file index and row a POSITION stands for."""
    return position >> 32, position & 0xFFFFFFFF


def _fmt(number: float) -> str:
    """A number as the interface shows it: decimal comma, no needless zeros (7,5 not 7.50)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")

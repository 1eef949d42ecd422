"""Validate what `read` produced, all at once, and stage the typed rows for the load.

Lazy validation: every check runs over every row and each failure becomes one `Problem`; nothing
stops at the first. The heavy lifting is SQL in DuckDB (parsing and range checks over all cells in
parallel). Vocabulary lookups (province, stage, predicate, rubric, indicator code) run in Python over
the *distinct* values only, so each normalisation exists once (in `etl.read.vocabulary`).

Here: the raw rows staged, the rules registered, every row's key resolved (province, instansi, unit,
year, stage, rubric). The checks of the score cells and sub-area sums are in `etl.check.scores`.

Outputs, as temp tables on the given connection:
- `in_rekap`: one typed row per key (later file wins within one load), with file and row of origin;
- `in_rincian`: one typed sub-area value per key and code (both built by etl.check.scores);
- `in_praktik`, `in_usulan`, `in_unit_ids`: good practices, proposals and the stable ids the load gives
  (etl.check.practices, etl.check.usulan, etl.check.unit_ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from etl.check import practices, scores, unit_ids, usulan
from etl.check.lke import LkeTables
from etl.check.scores import NUMBER
from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.read.lke_content import ANSWER_SCHEMA, DETAIL_SCHEMA
from etl.read.source import Source
from etl.rows import insert_rows
from zi.domain.rules import Rules

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
        insert_rows(con, "load_lke_files", lke_files)
    _stage_raw(con, sources, rules, lke)
    _register_rules(con, rules)
    problems += _resolve_keys(con, rules, today_year, problem)
    problems += scores.check_cells(con, rules, problem)
    problems += scores.check_duplicates(con, problem)
    problems += scores.check_rekap_structure(con, rules, sources, problem)
    scores.build_typed(con, rules)
    problems += scores.check_rincian_sums(con, rules, problem)
    problems += scores.check_detail_given_twice(con, problem)
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

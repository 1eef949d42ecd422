"""The checks on score rows (rekap) and sub-area values (rincian) once `validate` has resolved their keys,
and the typed tables the load writes from.

Every check runs over every row of the load's temp tables and returns one `Problem` per failure (located:
file, row, column, value, reason in Bahasa Indonesia): each cell a number within its weight, a key given
twice, a rekap row whose parts disagree with its totals, sub-area values that do not add up to their
area, a sub-area given twice. `build_typed` stages `in_rekap` (one typed row per key, the later file
winning) and `in_rincian` for the write.
"""

from __future__ import annotations

from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.read.source import Source
from zi.domain.rules import Rules

KEY = ("province_code", "instansi_key", "unit_key", "year", "stage")  # a score row's key in every table
NUMBER = "try_cast(replace(trim({0}), ',', '.') AS DOUBLE)"  # decimal comma or point; no thousands
POSITION = "((_file::BIGINT << 32) + _row)"  # a row's place in one load: later file, then later row


def check_cells(con, rules: Rules, problem) -> list[Problem]:
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


def check_duplicates(con, problem) -> list[Problem]:
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


def check_rekap_structure(con, rules: Rules, sources: list[Source], problem) -> list[Problem]:
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


def build_typed(con, rules: Rules) -> None:
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


def check_rincian_sums(con, rules: Rules, problem) -> list[Problem]:
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


def check_detail_given_twice(con, problem) -> list[Problem]:
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

"""Proposals to PortalRB (`usulan.csv`): which units an instansi proposes for a year, loaded like every input.

A proposal file has one row per unit and year: `provinsi, instansi, unit_kerja, tahun, kategori` (required
columns; an empty `instansi` cell means the province's Pemprov, as in a rekap file), `afirmasi` (optional: `Ya`
or `Tidak`) and `unit_id` (optional: the unit's stable id, so that a unit whose name was corrected keeps it;
see etl.check.unit_ids). `kategori` is `WBK`, `WBK-AFIRMASI` or `WBBM` as PortalRB names them, or `-` to
withdraw the unit's proposal of that year. A row sets that one unit-year: units the file does not name keep
what they had, so loading a file twice changes nothing.

Refused, located by file, row and column as headed: an unknown province, kategori or afirmasi value, a year
out of range, the same unit and year twice in one file, a `WBK-AFIRMASI` row whose `afirmasi` says `Tidak`, a
proposal for a unit without a TPI score that year (in the warehouse or in the same load), and a proposal for a
predicate that needs an earlier one (`requires_prior` in data/rules.toml: WBBM needs an earlier WBK or WBBM)
for a unit that never held it in an earlier year, under any name sharing its id.

The steps, on the load's connection (temp tables of etl.check.validate): `validate` resolves the rows and
stages `in_usulan`; after the stable ids are worked out (etl.check.unit_ids), `check` applies the conditions
that need the scores and ids after the load; `apply` writes, with history.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.rows import pairs_table
from zi.domain.rules import Rules

COLUMNS = ("provinsi", "instansi", "unit_kerja", "tahun", "kategori", "afirmasi", "unit_id")
KEY = ("province_code", "instansi_key", "unit_key", "year")
TPI = "TPI"  # the stage whose score a proposal rests on
POSITION = "((_file::BIGINT << 32) + _row)"  # later file, then later row (as etl.check.validate)


@dataclass
class ProposalCounts:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0  # withdrawn (`-`)


def validate(con, rules: Rules, today_year: int, problem) -> list[Problem]:
    """Resolve and check the rows of `raw_usulan` on their own; stage the winners as `in_usulan`."""
    provinces = vocab.province_aliases()
    pairs_table(con, "map_usulan_province", {v: provinces.get(vocab.normalise_province(v)) for v in _distinct(con, "provinsi")})
    pairs_table(
        con, "map_usulan_kategori", {v: vocab.PROPOSALS.get(vocab.normalise_value(v)) for v in _distinct(con, "kategori")}
    )
    pairs_table(con, "map_usulan_afirmasi", {v: vocab.YES_NO.get(vocab.normalise_value(v)) for v in _distinct(con, "afirmasi")})
    pairs_table(con, "map_usulan_predicate", dict(vocab.PROPOSAL_PREDICATE))
    first, last = int(rules.validation["first_year"]), rules.max_year(today_year)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE usulan_rows AS
        SELECT r.*, p.value::INTEGER AS province_code, k.value AS kategori_code, a.value AS afirmasi_value,
               pr.value AS predicate, try_cast(replace(r.tahun, ',', '.') AS DOUBLE) AS year_number,
               coalesce(trim(regexp_replace(r.instansi, '[\\s\\p{{Z}}]+', ' ', 'g')), 'Pemprov ' || prov.nama) AS instansi_name,
               trim(regexp_replace(r.unit_kerja, '[\\s\\p{{Z}}]+', ' ', 'g')) AS unit_name, {POSITION} AS position
        FROM raw_usulan r
        LEFT JOIN map_usulan_province p ON p.raw = r.provinsi
        LEFT JOIN map_usulan_kategori k ON k.raw = r.kategori
        LEFT JOIN map_usulan_afirmasi a ON a.raw = r.afirmasi
        LEFT JOIN map_usulan_predicate pr ON pr.raw = k.value
        LEFT JOIN provinces_ref prov ON prov.code = p.value::INTEGER
        """  # the POSITION fragment is fixed above
    )
    known = ", ".join(c for c in vocab.PROPOSAL_ALIASES if c != vocab.WITHDRAWN)
    checks = [
        *((c, f"{c} IS NULL", f"{c} wajib diisi") for c in ("provinsi", "unit_kerja", "tahun", "kategori")),
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
            "kategori",
            "kategori IS NOT NULL AND kategori_code IS NULL",
            f"kategori tidak dikenal; gunakan {known}, atau - untuk menarik usulan",
        ),
        ("afirmasi", "afirmasi IS NOT NULL AND afirmasi_value IS NULL", "afirmasi harus Ya atau Tidak (boleh kosong)"),
        (
            "afirmasi",
            "kategori_code = $affirmation AND afirmasi_value = 'False'",
            f"kategori {vocab.AFFIRMATION_CATEGORY} adalah usulan afirmasi; afirmasi tidak boleh Tidak",
        ),
    ]
    found = []
    for column, condition, reason in checks:
        params: dict[str, object] = {"first": first, "last": last} if "$first" in condition else {}
        if "$affirmation" in condition:
            params["affirmation"] = vocab.AFFIRMATION_CATEGORY
        for file, row, value in con.execute(
            f"SELECT _file, _row, {column} FROM usulan_rows WHERE {condition} ORDER BY ALL",  # fixed fragments above
            params or None,
        ).fetchall():
            found.append(problem(file, row, column, value, reason))
    for file, row, extra in con.execute(
        "SELECT _file, _row, _extra FROM raw_usulan WHERE _extra IS NOT NULL ORDER BY ALL"
    ).fetchall():
        found.append(problem(file, row, None, extra, "baris ini punya lebih banyak sel daripada judul kolom"))
    resolved = (
        "province_code IS NOT NULL AND coalesce(unit_name, '') <> '' AND kategori_code IS NOT NULL "
        "AND isfinite(year_number) AND year_number = round(year_number) AND year_number BETWEEN $first AND $last"
    )
    for file, row, unit, first_row in con.execute(
        f"""
        SELECT _file, _row, unit_kerja, first_row FROM (
            SELECT *, min(_row) OVER w AS first_row, row_number() OVER (w ORDER BY _row) AS n
            FROM usulan_rows WHERE {resolved}
            WINDOW w AS (PARTITION BY _file, province_code, lower(instansi_name), lower(unit_name), year_number)
        ) WHERE n > 1 ORDER BY ALL
        """,  # fixed fragment above
        {"first": first, "last": last},
    ).fetchall():
        found.append(
            problem(file, row, "unit_kerja", unit, f"baris ganda: unit dan tahun sama dengan baris {first_row} di file ini")
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE in_usulan AS   -- one row per unit and year: the later file, then row, wins
        SELECT DISTINCT ON (province_code, instansi_key, unit_key, year)
               province_code, lower(instansi_name) AS instansi_key, lower(unit_name) AS unit_key,
               CAST(year_number AS INTEGER) AS year, instansi_name AS instansi, unit_name AS unit,
               kategori_code AS kategori, predicate,
               coalesce(afirmasi_value = 'True', false) OR kategori_code = $affirmation AS afirmasi,
               nullif(trim(unit_id), '') AS unit_id, _file AS file_index, _row AS source_row
        FROM usulan_rows WHERE {resolved}
        ORDER BY province_code, instansi_key, unit_key, year, position DESC
        """,  # fixed fragment above
        {"first": first, "last": last, "affirmation": vocab.AFFIRMATION_CATEGORY},
    )
    return found


def check(con, problem) -> list[Problem]:
    """What a proposal needs of the scores and ids after this load (temp views `score_keys_after` and
    `ids_after`, made by etl.check.unit_ids)."""
    found = []
    withdrawn = vocab.WITHDRAWN
    for file, row, unit, year in con.execute(
        """
        SELECT u.file_index, u.source_row, u.unit, u.year FROM in_usulan u
        WHERE u.kategori <> $withdrawn AND NOT EXISTS (
            SELECT 1 FROM score_keys_after s
            WHERE s.province_code = u.province_code AND s.instansi_key = u.instansi_key AND s.unit_key = u.unit_key
              AND s.year = u.year AND s.stage = $tpi)
        ORDER BY ALL
        """,
        {"withdrawn": withdrawn, "tpi": TPI},
    ).fetchall():
        found.append(
            problem(
                file,
                row,
                "unit_kerja",
                unit,
                f"unit ini belum punya nilai {TPI} tahun {year}; muat nilainya lebih dulu atau bersamaan dengan usulan",
            )
        )
    for file, row, kategori, year, priors in con.execute(
        """
        WITH proposed AS (   -- each proposal with its TPI row's rubric and the id its key has after the load
            SELECT u.*, s.rubric, i.stable_id FROM in_usulan u
            JOIN score_keys_after s ON s.province_code = u.province_code AND s.instansi_key = u.instansi_key
                 AND s.unit_key = u.unit_key AND s.year = u.year AND s.stage = $tpi
            JOIN ids_after i ON i.province_code = u.province_code AND i.instansi_key = u.instansi_key AND i.unit_key = u.unit_key
            WHERE u.kategori <> $withdrawn
        ),
        needs AS (
            SELECT p.*, list(DISTINCT rp.prior_predicate ORDER BY rp.prior_predicate) AS priors FROM proposed p
            JOIN rule_prior rp ON rp.rubric = p.rubric AND rp.predicate = p.predicate GROUP BY ALL
        ),
        held AS (   -- predicates held in any year, under any key that shares the id
            SELECT i.stable_id, s.year, s.predikat FROM score_keys_after s
            JOIN ids_after i USING (province_code, instansi_key, unit_key) WHERE s.predikat IS NOT NULL
        )
        SELECT n.file_index, n.source_row, n.kategori, n.year, array_to_string(n.priors, ' atau ') FROM needs n
        WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.stable_id = n.stable_id AND h.year < n.year AND list_contains(n.priors, h.predikat))
        ORDER BY ALL
        """,
        {"withdrawn": withdrawn, "tpi": TPI},
    ).fetchall():
        found.append(
            problem(
                file,
                row,
                "kategori",
                kategori,
                f"usulan {kategori} perlu predikat {priors} pada tahun sebelum {year}; unit ini belum pernah memegangnya",
            )
        )
    for file, row, unit, stable_id, other in con.execute(
        """
        WITH proposals AS (   -- after the load: this load's rows over the warehouse's
            SELECT province_code, instansi_key, unit_key, year, kategori, unit, file_index, source_row, true AS in_load
            FROM in_usulan WHERE kategori <> $withdrawn
            UNION ALL
            SELECT e.province_code, e.instansi_key, e.unit_key, e.year, e.kategori, e.unit_key, NULL, NULL, false
            FROM usulan e ANTI JOIN in_usulan i USING (province_code, instansi_key, unit_key, year)
        ),
        keyed AS (SELECT p.*, i.stable_id FROM proposals p JOIN ids_after i USING (province_code, instansi_key, unit_key))
        SELECT a.file_index, a.source_row, a.unit, a.stable_id, min(b.unit_key) FROM keyed a
        JOIN keyed b ON b.stable_id = a.stable_id AND b.year = a.year AND b.unit_key <> a.unit_key
        WHERE a.in_load GROUP BY ALL ORDER BY ALL
        """,
        {"withdrawn": withdrawn},
    ).fetchall():
        found.append(
            problem(
                file,
                row,
                "unit_kerja",
                unit,
                f"unit ini dan '{other}' memakai id {stable_id} yang sama; hanya satu dari keduanya yang dapat diusulkan tahun ini",
            )
        )
    return found


def apply(con, load_id: int, write: bool, preview_max_rows: int) -> tuple[ProposalCounts, dict]:
    """Add, replace (old row to history) or withdraw proposals; the counts and the preview of the changes."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE usulan_changes AS
        SELECT i.*, n.file_name, e.kategori AS old_kategori, e.afirmasi AS old_afirmasi, e.load_id IS NOT NULL AS existed,
               CASE WHEN i.kategori = $withdrawn THEN CASE WHEN e.load_id IS NULL THEN 'sama' ELSE 'ditarik' END
                    WHEN e.load_id IS NULL THEN 'baru'
                    WHEN e.kategori = i.kategori AND e.afirmasi = i.afirmasi THEN 'sama'
                    ELSE 'diganti' END AS change
        FROM in_usulan i JOIN load_file_names n USING (file_index)
        LEFT JOIN usulan e USING (province_code, instansi_key, unit_key, year)
        """,
        {"withdrawn": vocab.WITHDRAWN},
    )
    counts = dict(con.execute("SELECT change, count(*) FROM usulan_changes GROUP BY ALL").fetchall())
    result = ProposalCounts(counts.get("baru", 0), counts.get("diganti", 0), counts.get("sama", 0), counts.get("ditarik", 0))
    cursor = con.execute(
        """
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.instansi, c.unit, c.year, c.change,
               c.old_kategori, c.old_afirmasi, nullif(c.kategori, $withdrawn) AS kategori,
               CASE WHEN c.kategori <> $withdrawn THEN c.afirmasi END AS afirmasi, count(*) OVER () AS total
        FROM usulan_changes c JOIN provinces_ref p ON p.code = c.province_code
        WHERE c.change <> 'sama' ORDER BY c.file_index, c.source_row LIMIT $limit
        """,
        {"withdrawn": vocab.WITHDRAWN, "limit": preview_max_rows},
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    preview = {
        "usulan": {"total": rows[0]["total"] if rows else 0, "rows": [{k: v for k, v in r.items() if k != "total"} for r in rows]}
    }
    if write and result.replaced + result.removed:
        con.execute(
            "INSERT INTO usulan_history BY NAME SELECT e.*, $load AS replaced_by_load FROM usulan e "
            "SEMI JOIN (SELECT * FROM usulan_changes WHERE change IN ('diganti', 'ditarik')) c "
            "USING (province_code, instansi_key, unit_key, year)",
            {"load": load_id},
        )
        con.execute(
            "DELETE FROM usulan e USING usulan_changes c WHERE c.change IN ('diganti', 'ditarik') "
            "AND e.province_code = c.province_code AND e.instansi_key = c.instansi_key AND e.unit_key = c.unit_key "
            "AND e.year = c.year"
        )
    if write and result.added + result.replaced:
        con.execute(
            "INSERT INTO usulan BY NAME SELECT province_code, instansi_key, unit_key, year, kategori, afirmasi, "
            "$load AS load_id, file_name, source_row FROM usulan_changes WHERE change IN ('baru', 'diganti')",
            {"load": load_id},
        )
    return result, preview


def _distinct(con, column: str) -> list[str]:
    return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM raw_usulan WHERE {column} IS NOT NULL").fetchall()]  # fixed

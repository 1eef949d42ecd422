"""Stable unit ids: what PortalRB knows a unit by, kept when the unit's name is corrected.

The warehouse keys a unit by its province and the lower-cased names of its instansi and unit, so a corrected
spelling is a new key. PortalRB, once it has pulled `UNIT-32-008`, must find the same unit there next year. So
every unit key gets an id once (table `stable_ids`), and the id never changes or moves to another unit:

- a key that a file names an id for takes that id: a PortalRB JSON's own `unit_id` (the id the instansi served
  PortalRB before: it is this unit's), or the `unit_id` cell of a usulan.csv row;
- every other key gets the next free `UNIT-<province>-<n>` (three digits at least) at the first load that holds
  it: numbered per province, in the order of instansi and unit name, after every id of that form already given;
- a key that names the id of another key of the same province and instansi *shares* it: that is how a
  corrected name keeps its id (said as a warning, so a mistyped id is seen before it is loaded);
- refused: an id that is not 1–64 letters, digits, `.`, `_` or `-` (starting with a letter or digit), an id
  other than the one the key already has, an id of a unit in another province or instansi, one key naming two
  ids, or one new id named for two keys in one load.

Ids are not rolled back (the table has no `load_id`): a rollback takes back data, not names PortalRB has seen.
"""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from etl.problems import Problem

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
KEY = ("province_code", "instansi_key", "unit_key")


def validate(con, lke_claims: list[tuple[int, str]], problem) -> tuple[list[Problem], list[Problem]]:
    """Check the ids the load's files name and stage the new ids (`in_unit_ids`); the views `score_keys_after` and
    `ids_after` show every score key and every key's id as they will be after the load. (problems, warnings)"""
    con.register(
        "arrow_claims",
        pa.table({"_file": pa.array([f for f, _ in lke_claims], pa.int32()), "claimed": [c for _, c in lke_claims]}),
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE id_claims AS   -- (key, id) named by a file, with where it is named
        SELECT DISTINCT c._file, NULL::BIGINT AS _row, c.claimed, k.province_code, k.instansi_key, k.unit_key
        FROM arrow_claims c JOIN keyed k USING (_file) WHERE k.key_id IS NOT NULL
        UNION ALL
        SELECT file_index, source_row, unit_id, province_code, instansi_key, unit_key FROM in_usulan WHERE unit_id IS NOT NULL
        """
    )
    con.unregister("arrow_claims")
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW score_keys_after AS   -- every score row after the load: this load's over the warehouse's
        SELECT province_code, instansi_key, unit_key, year, stage, rubric, predikat FROM in_rekap
        UNION ALL
        SELECT e.province_code, e.instansi_key, e.unit_key, e.year, e.stage, e.rubric, e.predikat FROM rekap e
        ANTI JOIN in_rekap i USING (province_code, instansi_key, unit_key, year, stage)
        """
    )
    found, warned = [], []
    for file, row, claimed, reason in con.execute(
        """
        WITH c AS (SELECT c.*, e.stable_id AS held FROM id_claims c LEFT JOIN stable_ids e USING (province_code, instansi_key, unit_key)),
        owners AS (SELECT stable_id, any_value(province_code) AS owner_province, any_value(instansi_key) AS owner_instansi,
                          any_value(unit_key) AS owner_unit FROM stable_ids GROUP BY stable_id),
        named AS (SELECT claimed, count(DISTINCT (province_code, instansi_key, unit_key)) AS keys FROM c GROUP BY claimed),
        twice AS (SELECT province_code, instansi_key, unit_key, count(DISTINCT claimed) AS ids FROM c GROUP BY ALL)
        SELECT c._file, c._row, c.claimed,
               CASE WHEN NOT regexp_full_match(c.claimed, $pattern)
                        THEN 'id unit harus 1–64 huruf, angka, titik, garis bawah, atau tanda hubung, diawali huruf atau angka'
                    WHEN c.held IS NOT NULL AND c.held <> c.claimed
                        THEN 'unit ini sudah ber-id ' || c.held || '; id unit tidak pernah diganti'
                    WHEN o.stable_id IS NOT NULL AND (o.owner_province <> c.province_code OR o.owner_instansi <> c.instansi_key)
                        THEN 'id ini milik unit lain (' || o.owner_instansi || ' / ' || o.owner_unit || ')'
                    WHEN t.ids > 1 THEN 'unit ini diberi lebih dari satu id di muatan ini'
                    WHEN o.stable_id IS NULL AND n.keys > 1 THEN 'id baru ini disebut untuk lebih dari satu unit di muatan ini'
               END AS reason
        FROM c LEFT JOIN owners o ON o.stable_id = c.claimed JOIN named n USING (claimed)
        JOIN twice t USING (province_code, instansi_key, unit_key)
        WHERE reason IS NOT NULL ORDER BY ALL
        """,
        {"pattern": ID_PATTERN},
    ).fetchall():
        found.append(problem(file, row, "unit_id", claimed, reason))
    for file, row, claimed, other in con.execute(
        """
        SELECT DISTINCT c._file, c._row, c.claimed, e.unit_key FROM id_claims c JOIN stable_ids e ON e.stable_id = c.claimed
        WHERE NOT EXISTS (SELECT 1 FROM stable_ids h WHERE h.province_code = c.province_code AND h.instansi_key = c.instansi_key
                          AND h.unit_key = c.unit_key)
        ORDER BY ALL
        """
    ).fetchall():
        warned.append(
            problem(
                file,
                row,
                "unit_id",
                claimed,
                f"nama unit ini memakai id milik '{other}' (nama yang dikoreksi): keduanya satu unit",
            )
        )
    warned = [dataclasses.replace(p, warning=True) for p in warned]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE in_unit_ids AS
        WITH named AS (   -- keys without an id that a file names one for
            SELECT DISTINCT ON (province_code, instansi_key, unit_key) c.province_code, c.instansi_key, c.unit_key,
                   c.claimed AS stable_id, 'berkas' AS source, c._file AS file_index
            FROM id_claims c
            ANTI JOIN stable_ids e USING (province_code, instansi_key, unit_key)
            WHERE regexp_full_match(c.claimed, $pattern)
            ORDER BY province_code, instansi_key, unit_key, c._file DESC
        ),
        unnamed AS (
            SELECT DISTINCT province_code, instansi_key, unit_key FROM score_keys_after
            ANTI JOIN stable_ids USING (province_code, instansi_key, unit_key)
            ANTI JOIN named USING (province_code, instansi_key, unit_key)
        ),
        taken AS (   -- the highest n of UNIT-<province>-<n> per province, given or named in this load
            SELECT try_cast(regexp_extract(stable_id, '^UNIT-([0-9]+)-([0-9]+)$', 1) AS INTEGER) AS province_code,
                   max(try_cast(regexp_extract(stable_id, '^UNIT-([0-9]+)-([0-9]+)$', 2) AS BIGINT)) AS n
            FROM (SELECT stable_id FROM stable_ids UNION ALL SELECT stable_id FROM named) GROUP BY 1
        ),
        numbered AS (
            SELECT u.*, coalesce(t.n, 0) + row_number() OVER (PARTITION BY u.province_code ORDER BY u.instansi_key, u.unit_key) AS n
            FROM unnamed u LEFT JOIN taken t USING (province_code)
        )
        SELECT {", ".join(KEY)}, stable_id, source, file_index FROM named
        UNION ALL
        SELECT {", ".join(KEY)}, 'UNIT-' || province_code || '-' || CASE WHEN n < 1000 THEN lpad(n::VARCHAR, 3, '0') ELSE n::VARCHAR END,
               'dibuat', NULL::INTEGER FROM numbered
        """,  # fixed column names
        {"pattern": ID_PATTERN},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW ids_after AS
        SELECT province_code, instansi_key, unit_key, stable_id FROM stable_ids
        UNION ALL SELECT province_code, instansi_key, unit_key, stable_id FROM in_unit_ids
        """
    )
    return found, warned


def apply(con, load_id: int, write: bool) -> int:
    """Give the new ids (staged by `validate`); return how many keys got one."""
    added = con.execute("SELECT count(*) FROM in_unit_ids").fetchone()[0]
    if write and added:
        con.execute(
            "INSERT INTO stable_ids BY NAME SELECT i.* EXCLUDE (file_index), n.file_name, $load AS assigned_load "
            "FROM in_unit_ids i LEFT JOIN load_file_names n USING (file_index)",
            {"load": load_id},
        )
    return added

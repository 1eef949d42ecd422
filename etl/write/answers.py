"""Write a load's LKE item answers (table `lke`), with history, and keep its warnings with it.

A score row's answers always describe that score row. So the answers of every key a load decides are
rewritten: the keys of its LKE files, and the keys it writes from a rekap or long file (whose earlier
answers no longer hold once the score row is replaced). An answer equal to the one stored is left alone; one
that changed, or that no longer has a place, goes to `lke_history` with the load that replaced it.

Reads the temp tables of `etl.check.validate` (`in_lke`) and of the load (`rekap_changes`, `load_file_names`).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.check.scores import KEY
from etl.problems import Problem
from etl.rows import insert_rows

VALUES = ("jawaban", "jawaban_baku", "nilai", "catatan", "bukti")
ON_KEY = " AND ".join(f"a.{k} = b.{k}" for k in KEY)


@dataclass
class AnswerCounts:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0  # answers of a decided key that the load leaves no place for


def stage(con) -> AnswerCounts:
    """Work out what the load changes in `lke` (temp tables `lke_changes`, `lke_out`); nothing is written."""
    same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in VALUES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lke_keys AS
        SELECT DISTINCT {", ".join(KEY)} FROM in_lke
        UNION SELECT {", ".join(KEY)} FROM rekap_changes WHERE NOT same
        """  # fixed column names
    )
    # A view, not a table: a national load has millions of answers; it is read three times (counts, the
    # answers it keeps, the insert), each a scan of the Arrow table the readers made.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW lke_changes AS
        SELECT a.*, n.file_name, b.load_id IS NOT NULL AS existed, coalesce({same}, false) AS same
        FROM in_lke a JOIN load_file_names n USING (file_index)
        LEFT JOIN lke b ON {ON_KEY} AND a.kode = b.kode
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lke_change_counts AS   -- per file and stage (the preview shows them)
        SELECT file_index, stage, count(*) FILTER (NOT existed) AS added, count(*) FILTER (existed AND NOT same) AS replaced,
               count(*) FILTER (same) AS unchanged
        FROM lke_changes GROUP BY ALL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lke_out AS   -- stored answers of decided keys that no unchanged answer keeps
        SELECT b.* FROM lke b SEMI JOIN lke_keys a ON {ON_KEY}
        ANTI JOIN (SELECT * FROM lke_changes WHERE same) a ON {ON_KEY} AND a.kode = b.kode
        """
    )
    added, replaced, unchanged, out = con.execute(
        "SELECT coalesce(sum(added), 0), coalesce(sum(replaced), 0), coalesce(sum(unchanged), 0), (SELECT count(*) FROM lke_out) "
        "FROM lke_change_counts"
    ).fetchone()
    return AnswerCounts(int(added), int(replaced), int(unchanged), int(out) - int(replaced))


def write(con, load_id: int) -> None:
    """Apply what `stage` found: old answers to history, then the new ones in."""
    con.execute("INSERT INTO lke_history SELECT *, $load FROM lke_out", {"load": load_id})
    con.execute(f"DELETE FROM lke b USING lke_out a WHERE {ON_KEY} AND a.kode = b.kode")
    con.execute(
        "INSERT INTO lke BY NAME SELECT * EXCLUDE (file_index, existed, same), $load AS load_id FROM lke_changes WHERE NOT same",
        {"load": load_id},
    )


def keep_warnings(con, load_id: int, warnings: list[Problem]) -> None:
    """The load's warnings, in the ledger beside it (the upload review and the CLI showed them already)."""
    rows = [(load_id, w.file, w.sheet, w.row, w.cell, w.column, w.item, w.value, w.reason) for w in warnings]
    if rows:
        insert_rows(con, "warnings", rows)

"""What a load would change, row by row: the preview a `check` shows before anyone confirms.

Read from the `rekap_changes` / `rincian_changes` temp tables that `load._apply` builds (the same
ones the load itself applies), before the warehouse tables are touched, so the preview of a `check`
is exactly what the following `load` does. Each list is capped (`[limits] preview_max_rows`); the
totals are always the full counts. Replacements are listed per changed column, old -> new, with the
file and row the old value had come from.
"""

from __future__ import annotations

from etl.check.scores import KEY
from etl.read import vocabulary as vocab
from zi.domain.bank import load_bank
from zi.domain.rules import Rules, load_rules

WHERE = " AND ".join(f"e.{k} = c.{k}" for k in KEY)


def collect(con, table: str, rules: Rules, limit: int, compared: tuple[str, ...] = ()) -> dict[str, dict]:
    """`{table}_added` and `{table}_replaced`: {"total": n, "rows": [...]} each, rows as plain dicts.
    `compared`: the rekap columns the load compares (so the preview lists exactly what it changes)."""
    if table == "rekap":
        return {"rekap_added": _rekap_added(con, rules, limit), "rekap_replaced": _rekap_replaced(con, compared, limit)}
    return {"rincian_added": _rincian_added(con, limit), "rincian_replaced": _rincian_replaced(con, limit)}


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def _count(con, table: str, condition: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}_changes WHERE {condition}").fetchone()[0]  # fixed by code


def _rekap_added(con, rules: Rules, limit: int) -> dict:
    values = ", ".join(f"c.{c}" for c in vocab.indicator_columns(rules))  # allow-listed by the rules file
    rows = _dicts(
        con.execute(
            f"""
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.instansi, c.unit, c.year, c.stage,
               c.rubric, c.predikat, {values}
        FROM rekap_changes c LEFT JOIN provinces_ref p ON p.code = c.province_code
        WHERE NOT c.existed ORDER BY c.file_index, c.source_row LIMIT $limit
        """,
            {"limit": limit},
        )
    )
    return {"total": _count(con, "rekap", "NOT existed"), "rows": rows}


def _rekap_replaced(con, columns: tuple[str, ...], limit: int) -> dict:
    """One entry per changed column of each replaced row (`column`, `old`, `new`)."""
    pairs = ", ".join(f"c.{c} AS new_{c}, e.{c} AS old_{c}" for c in columns)  # allow-listed names
    keys = _dicts(
        con.execute(
            f"""
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.instansi, c.unit, c.year, c.stage,
               e.file_name AS old_file, e.source_row AS old_row, e.load_id AS old_load, {pairs}
        FROM rekap_changes c JOIN rekap e ON {WHERE} LEFT JOIN provinces_ref p ON p.code = c.province_code
        WHERE c.existed AND NOT c.same ORDER BY c.file_index, c.source_row LIMIT $limit
        """,
            {"limit": limit},
        )
    )
    rows = []
    for key in keys:
        where = {k: key[k] for k in ("file", "row", "province", "instansi", "unit", "year", "stage")}
        origin = {k: key[k] for k in ("old_file", "old_row", "old_load")}
        for column in columns:
            old, new = key[f"old_{column}"], key[f"new_{column}"]
            if old != new:  # the same test as the load's IS NOT DISTINCT FROM (values are finite)
                rows.append({**where, "column": column, "old": old, "new": new, **origin})
    return {"total": _count(con, "rekap", "existed AND NOT same"), "rows": rows}


def _rincian_added(con, limit: int) -> dict:
    rows = _dicts(
        con.execute(
            """
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.unit, c.year, c.stage, c.code, c.value
        FROM rincian_changes c LEFT JOIN provinces_ref p ON p.code = c.province_code
        WHERE NOT c.existed ORDER BY c.file_index, c.source_row LIMIT $limit
        """,
            {"limit": limit},
        )
    )
    return {"total": _count(con, "rincian", "NOT existed"), "rows": rows}


def _rincian_replaced(con, limit: int) -> dict:
    rows = _dicts(
        con.execute(
            f"""
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.unit, c.year, c.stage,
               c.code AS column, e.value AS old, c.value AS new,
               e.file_name AS old_file, e.source_row AS old_row, e.load_id AS old_load
        FROM rincian_changes c JOIN rincian e ON {WHERE} AND e.code = c.code
        LEFT JOIN provinces_ref p ON p.code = c.province_code
        WHERE c.existed AND NOT c.same ORDER BY c.file_index, c.source_row LIMIT $limit
        """,
            {"limit": limit},
        )
    )
    return {"total": _count(con, "rincian", "existed AND NOT same"), "rows": rows}


def lke_scores(con, sources: list) -> dict[str, dict]:
    """Per LKE file, unit and stage: the total the rules compute from its answers, the total the warehouse
    holds now for that key (if any), and how many of its item answers change."""
    lke = [i for i, s in enumerate(sources) if s.kind == "lke"]
    if not lke:
        return {}
    rules = load_rules()
    bank = load_bank(rules)
    columns = [i.column for i in rules.indicators(bank.rubric) if i.level in ("half", "result")]  # what an LKE row gives
    total = " + ".join(f"c.{c}" for c in columns)  # allow-listed by the rules file
    has_scores = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'scores' AND NOT temporary").fetchone()[0]
    old = (
        "(SELECT s.total FROM scores s WHERE s.unit_id = c.province_code::VARCHAR || ':' || c.instansi_key || ':' || c.unit_key "
        "AND s.year = c.year AND s.stage = c.stage)"
        if has_scores
        else "NULL"
    )
    rows = _dicts(
        con.execute(
            f"""
        SELECT c.file_name AS file, c.source_row AS row, p.nama AS province, c.instansi, c.unit, c.year, c.stage,
               {total} AS total, {old} AS old_total,
               CASE WHEN c.same THEN 'sama' WHEN c.existed THEN 'diganti' ELSE 'baru' END AS status,
               coalesce(l.added + l.replaced, 0) AS answers_changed
        FROM rekap_changes c LEFT JOIN provinces_ref p ON p.code = c.province_code
        LEFT JOIN lke_change_counts l ON l.file_index = c.file_index AND l.stage = c.stage
        WHERE c.file_index IN (SELECT unnest($files))
        ORDER BY c.file_index, c.stage
        """,  # columns from the rules allow-list; the old total is a fixed fragment
            {"files": lke},
        )
    )
    return {"lke_scores": {"total": len(rows), "rows": rows}}

"""Rows from Python into a DuckDB table in one statement.

DuckDB's `executemany` runs one statement per row: twenty thousand files of a national LKE load cost
seconds per table. Here the rows travel as one Arrow table, columns by position as in `INSERT ... VALUES`,
so values stay data (never SQL text) and the target table's types apply on insert.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple]) -> None:
    """Insert `rows` (tuples in the table's column order) into `table`, a name fixed by code."""
    if not rows:
        return
    batch = pa.table({f"c{i}": list(column) for i, column in enumerate(zip(*rows, strict=True))})
    con.register("_rows_batch", batch)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _rows_batch")
    finally:
        con.unregister("_rows_batch")


def pairs_table(con: duckdb.DuckDBPyConnection, name: str, pairs: dict) -> None:
    """A temp table `name` (raw, value) of a lookup made in Python: each value as written -> what it means."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (raw VARCHAR, value VARCHAR)")  # name fixed by code
    insert_rows(con, name, [(k, None if v is None else str(v)) for k, v in pairs.items()])

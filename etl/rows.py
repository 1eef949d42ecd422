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

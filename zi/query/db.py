"""The dashboard's only way to the warehouse: read-only, external access off, configuration locked.

`Warehouse.query(name, **params)` runs the named SQL file from `zi/sql/queries/` with values bound as
parameters, through the one choke point `Warehouse.execute`, which parses the text first and runs it
only if it is a single SELECT. A `Warehouse` is tied to one version of the file
(inode, size, mtime); when the ETL swaps in a new file, `current()` sees another version and the
caches keyed on it refresh without a restart.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

QUERY_DIR = Path(__file__).resolve().parents[1] / "sql" / "queries"


@cache
def sql(name: str) -> str:
    """The text of a named query; names come from code, never from a user."""
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


class NotASelect(duckdb.PermissionException):
    """Refused by the choke point: the text is not exactly one SELECT statement."""


# Texts already parsed as one SELECT: the named queries are a few dozen, each parsed once per process.
_SELECTS: set[str] = set()


def refuse_unless_single_select(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """Raise NotASelect unless `text` parses as exactly one SELECT (WITH, FROM-first and VALUES
    queries are SELECTs to DuckDB's parser).

    On top of the connection's settings: they refuse files, network, extensions, writes and
    configuration changes, but not every statement; `ATTACH ':memory:'` still succeeds on the
    in-memory instance the file is attached to (connect_readonly) and would give a writable
    database. Refusing by statement type closes that, and whatever DuckDB adds next."""
    if text in _SELECTS:
        return
    statements = con.extract_statements(text)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(statement.type.name for statement in statements) or "none"
        raise NotASelect(f"the dashboard's connection runs a single SELECT only (statements found: {kinds})")
    _SELECTS.add(text)


def file_version(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """The file attached read-only to a private in-memory instance, then external access off and the
    configuration locked.

    Not `duckdb.connect(path)`: DuckDB shares one instance per path within a process, so while any
    connection to the old file is open (another session's cached `Warehouse`), connecting to the
    path again returns the *old* file's data after the ETL swapped in a new one (duckdb#15912). An
    in-memory instance is never shared, and ATTACH opens the file that is at the path now."""
    con = duckdb.connect(":memory:", config={"autoload_known_extensions": False, "autoinstall_known_extensions": False})
    con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
    con.execute("USE warehouse")
    con.execute("DETACH memory")  # nothing writable is left but temp tables private to one query's cursor
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _plain(value):
    """numpy scalars (from a pandas cell) as Python values, which DuckDB can bind."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


@dataclass(eq=False)
class Warehouse:
    path: Path | str  # the DuckDB file, or the dataset's folder or s3:// URL (open_dataset)
    version: tuple[int, int, int]
    _con: duckdb.DuckDBPyConnection = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, path: Path) -> Warehouse:
        version = file_version(path)
        return cls(path, version, connect_readonly(path))

    @classmethod
    def open_dataset(cls, location: str) -> Warehouse:
        """A Parquet export (`python -m etl export`, `$ZI_DATASET`) instead of the file: the same
        views over Parquet, hardened alike (zi.query.dataset); `version` is that of the manifest read."""
        from zi.query import dataset  # here: only the dataset mode needs it

        con, version = dataset.connect(location)
        return cls(location, version, con)

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run query `name` with bound parameters."""
        return self.execute(sql(name), params)

    def execute(self, text: str, params: dict | None = None) -> pd.DataFrame:
        """The choke point: `text` runs only if it is a single SELECT, with `params` bound; a cursor
        per call keeps sessions apart."""
        with self._lock:  # creating a cursor is not thread-safe; running on it is
            cursor = self._con.cursor()
        try:
            refuse_unless_single_select(cursor, text)
            return cursor.execute(text, {k: _plain(v) for k, v in (params or {}).items()} or None).df()
        finally:
            cursor.close()

    def cache_key(self) -> tuple[str, tuple[int, int, int]]:
        return (str(self.path), self.version)

    def close(self) -> None:
        self._con.close()

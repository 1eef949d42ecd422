"""Roll the warehouse back to a kept version, as a load of its own that the history records.

`python -m etl rollback K` makes the data what it was after load #K (a file kept in `versions/`),
through the same path as a load: copy the live file -> change the copy in one transaction ->
publish (which keeps the outgoing file, so a rollback can itself be undone). Only the data tables
go back; the ledger (`loads`, `load_files`) and the history tables are kept whole and only grow, so
the loads that were undone stay in the history, every row the rollback took out is in `*_history`
with `replaced_by_load` = the rollback's id, and the rollback is a `loads` row whose note says
`rollback ke muatan #K` and which loads it undid.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.write import versions, warehouse
from zi.domain.rules import Rules, load_rules

LEDGER = ("loads", "load_files", "warnings")  # only ever appended to
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


class VersionMissing(LookupError):
    """The asked-for version is not kept (wrong number, or pruned)."""


@dataclass
class RollbackReport:
    version: int
    load_id: int | None = None
    written: bool = False
    undone: list[int] = field(default_factory=list)
    restored: dict[str, int] = field(default_factory=dict)  # per table: rows brought back from the version
    taken_out: dict[str, int] = field(default_factory=dict)  # per table: rows removed (moved to history)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def note(self) -> str:
        undone = ", ".join(f"#{i}" for i in self.undone) or "–"
        return f"rollback ke muatan #{self.version}; membatalkan muatan {undone}"


def rollback(db: Path, version: int, rules: Rules | None = None, loaded_by: str | None = None) -> RollbackReport:
    """Make `db` hold the data it held after load #`version`; raise VersionMissing if not kept."""
    started = time.perf_counter()
    rules = rules or load_rules()
    kept = versions.path_of(db, version)
    if not kept.is_file() or not db.exists():
        raise VersionMissing(version)
    report = RollbackReport(version)
    with warehouse.exclusive(db):
        con, work = warehouse.open_copy(db, rules)
        try:
            # The kept file's path is built by code from the warehouse path, never from a request;
            # ATTACH takes no bound parameter, so it is quoted as an SQL string literal.
            literal = str(kept).replace("'", "''")
            con.execute(f"ATTACH '{literal}' AS kept (READ_ONLY)")
            con.execute("BEGIN")
            warehouse.refresh_reference(con, rules)
            current = con.execute("SELECT coalesce(max(load_id), 0) FROM loads").fetchall()[0][0]
            report.undone = [
                r[0]
                for r in con.execute("SELECT load_id FROM loads WHERE load_id > $k ORDER BY load_id", {"k": version}).fetchall()
            ]
            load_id = current + 1
            for table in _data_tables(con):
                _restore(con, table, load_id, report)
            if not any(report.restored.values()) and not any(report.taken_out.values()):
                return report
            con.execute(
                "INSERT INTO loads (load_id, loaded_at, loaded_by, rules_version, rekap_added, rekap_replaced, "
                "rincian_added, rincian_replaced, note, lke_added, lke_replaced) "
                "VALUES ($id, $at, $by, $rules, $ra, $rr, $ia, $ir, $note, $la, $lr)",
                {
                    "id": load_id,
                    "at": dt.datetime.now(),
                    "by": loaded_by or _user(),
                    "rules": rules.version,
                    "ra": report.restored.get("rekap", 0),
                    "rr": report.taken_out.get("rekap", 0),
                    "ia": report.restored.get("rincian", 0),
                    "ir": report.taken_out.get("rincian", 0),
                    "note": report.note,
                    "la": report.restored.get("lke", 0),
                    "lr": report.taken_out.get("lke", 0),
                },
            )
            warehouse.create_views(con)
            con.execute("COMMIT")
            con.execute("DETACH kept")
            report.load_id = load_id
            warehouse.publish(con, work, db, outgoing_load=current, keep_versions=int(rules.limits.get("keep_versions", 0)))
            report.written = True
        except duckdb.Error as error:
            report.problems.append(f"versi muatan #{version} tidak dapat dipulihkan: {str(error).splitlines()[0]}")
        finally:
            if not report.written:
                warehouse.discard(con, work)
            report.seconds = time.perf_counter() - started
    return report


def _data_tables(con) -> list[str]:
    """Tables that hold loaded rows (a `load_id` column), other than the ledger and the histories.

    Found in the catalog rather than listed, so a kind of input added later is rolled back too.
    Names come from the warehouse's own schema and are still checked against a plain pattern."""
    names = [
        r[0]
        for r in con.execute(
            """
        SELECT DISTINCT table_name FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = 'main' AND column_name = 'load_id'
          AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = current_database())
        ORDER BY table_name
        """
        ).fetchall()
    ]
    # marts (`mart_*`) are derived: create_views recomputes them from the restored rows
    return [
        n
        for n in names
        if IDENTIFIER.fullmatch(n) and n not in LEDGER and not n.endswith("_history") and not n.startswith("mart_")
    ]


def _restore(con, table: str, load_id: int, report: RollbackReport) -> None:
    """Replace `table` with the kept version's rows; rows taken out go to `{table}_history` if it exists."""
    columns = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = $t ORDER BY column_index",
            {"t": table},
        ).fetchall()
    ]
    kept_columns = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'kept' AND table_name = $t", {"t": table}
        ).fetchall()
    }
    if not kept_columns:  # the table did not exist yet in that version: it was empty then
        select_kept = f"SELECT {', '.join(columns)} FROM {table} WHERE false"
    else:
        shared = ", ".join(c if c in kept_columns else f"NULL AS {c}" for c in columns)
        select_kept = f"SELECT {shared} FROM kept.{table}"
    listed = ", ".join(columns)
    # identifiers: catalog names checked against IDENTIFIER; values bound
    con.execute(f"CREATE OR REPLACE TEMP TABLE rollback_out AS SELECT {listed} FROM {table} EXCEPT ALL {select_kept}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rollback_back AS {select_kept} EXCEPT ALL SELECT {listed} FROM {table}")
    out, back = con.execute("SELECT (SELECT count(*) FROM rollback_out), (SELECT count(*) FROM rollback_back)").fetchone()
    report.taken_out[table], report.restored[table] = out, back
    if out + back == 0:
        return
    has_history = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = $t",
        {"t": f"{table}_history"},
    ).fetchone()[0]
    if has_history and out:
        con.execute(f"INSERT INTO {table}_history BY NAME SELECT *, $id AS replaced_by_load FROM rollback_out", {"id": load_id})
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} BY NAME {select_kept}")


def versions_text(db: Path) -> str:
    kept = versions.available(db)
    return ", ".join(f"#{v.load_id}" for v in kept) or "tidak ada"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "tidak diketahui"

"""The warehouse file: how a new version is prepared beside the live one and swapped in.

A load never writes the live file. It copies it to `<db>.loading`, changes the copy in one
transaction, checkpoints and fsyncs it, then `os.replace`s it over the live file. Readers keep the
old inode until they reopen, so a running dashboard is never locked out and never sees half a load;
a crash or a refusal leaves the live file untouched (the copy is discarded at the next start).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from etl.rows import insert_rows
from etl.write import versions
from zi.domain.bank import load_bank
from zi.domain.rules import DATA_DIR, Rules

SQL_DIR = Path(__file__).resolve().parents[2] / "zi" / "sql"
DEFAULT_DB = DATA_DIR / "zi.duckdb"


def default_db_path() -> Path:
    return Path(os.environ.get("ZI_DB") or DEFAULT_DB)


@contextlib.contextmanager
def exclusive(db: Path) -> Iterator[None]:
    """Serialise writers of one warehouse (a second `load` waits for the first)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def staging_path(db: Path) -> Path:
    return db.with_name(db.name + ".loading")


def open_copy(db: Path, rules: Rules) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A writable copy of the live warehouse (or a new empty one), with schema and rules current."""
    work = staging_path(db)
    work.unlink(missing_ok=True)
    work.with_name(work.name + ".wal").unlink(missing_ok=True)
    if db.exists():
        shutil.copyfile(db, work)
    # The memory cap makes DuckDB spill temp tables to disk rather than grow with the input. Within
    # it, the block allocator keeps freed blocks for reuse instead of returning them to the system
    # and faulting them in again: a national load took 40% fewer page faults and 0.3 s less.
    memory = f"{int(rules.limits['etl_memory_mb'])}MB"
    con = duckdb.connect(
        str(work), config={"memory_limit": memory, "block_allocator_memory": memory, "preserve_insertion_order": False}
    )
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    return con, work


def refresh_reference(con: duckdb.DuckDBPyConnection, rules: Rules) -> None:
    """Replace the rules and reference tables with what data/ says now."""
    insert_rows(
        con,
        "rule_rubrics",
        [
            (
                r.id,
                r.name,
                r.first_year,
                r.total,
                r.pengungkit,
                r.hasil,
                bool(r.halves),
                r.thresholds_confirmed,
                r.survey_scale[1] if r.survey_scale else None,
                r.survey_provisional,
                r.source,
                r.provisional,
            )
            for r in rules.rubrics.values()
        ],
    )
    insert_rows(
        con,
        "rule_indicators",
        [
            (number, i.rubric, i.code, i.column, i.level, i.area, i.half, i.parent, i.name, i.weight, i.survey)
            for number, i in enumerate(rules.indicators(), start=1)
        ],
    )
    insert_rows(
        con,
        "rule_thresholds",
        [(t.rubric, t.predicate, t.condition, t.minimum, t.provisional, t.source) for t in rules.thresholds()],
    )
    insert_rows(
        con,
        "rule_prior",
        [(r.id, p, prior) for r in rules.rubrics.values() for p, priors in r.requires_prior.items() for prior in priors],
    )
    insert_rows(con, "rule_sources", list(rules.sources.items()))
    insert_rows(
        con,
        "provinces_ref",
        [(int(r["kode_kemendagri"]), int(r["kode_bps"]), r["nama"], r["singkatan"], r["wilayah"]) for r in _csv("provinces.csv")],
    )
    insert_rows(
        con,
        "context_indices",
        [
            (
                int(r["kode_provinsi"]),
                r["indeks"],
                int(r["tahun"]),
                _number(r["nilai"]),
                r["kategori"] or None,
                r["sumber"],
                r["catatan"] or None,
            )
            for r in _csv("context_indices.csv")
        ],
    )
    insert_rows(
        con,
        "national_awards",
        [
            (int(r["tahun"]), _int(r["unit_dievaluasi"]), _int(r["wbk"]), _int(r["wbbm"]), r["sumber"], r["catatan"] or None)
            for r in _csv("national_zi_awards.csv")
        ],
    )
    con.execute("INSERT INTO meta VALUES ('rules_version', $v)", {"v": rules.version})
    # item_exemplars keeps, per group, one unit more than a learner is shown: enough for any learner (its own
    # unit left out); see zi/sql/views/56_item_stats.sql
    con.execute("INSERT INTO meta VALUES ('peers_kept', $n)", {"n": str(int(rules.kaji_tiru["peers_per_item"]) + 1)})
    bank = load_bank(rules)
    counts = {code: len(items) for code, items in bank.subareas.items()}
    insert_rows(
        con,
        "rule_questions",
        [
            (
                i.code,
                i.soal_id,
                n,
                bank.rubric,
                i.part,
                i.area,
                i.subarea,
                i.subarea_name,
                i.subarea_weight,
                i.rules_subarea,
                i.kind,
                ";".join(f"{label}={value:g}" for label, value in i.options) or None,
                i.formula.text if i.formula else None,
                i.question,
                i.scored,
                counts.get(i.subarea) if i.scored else None,
                i.of,
                i.source,
                bank.version,
            )
            for n, i in enumerate(bank.items, start=1)
        ],
    )


# Marts computed once per load instead of on every page query (in dependency order). Each keeps
# its view name and columns: the view is re-pointed to a table `mart_<name>` holding its rows.
# The two large ones (`item_points`, `condition_values`) hold numbers only; the views
# `score_items` and `score_conditions` join the names back on read. Writing the names into millions
# of rows at every load cost more than the whole rest of the load (see docs/performance.md).
# `scores` is sorted so a filter on year and province skips most of it. `item_stats` and `item_calibration`
# count the LKE answers item by item (millions of rows at national scale) once, for the pages that compare
# provinces and assessors by item; `item_exemplars` keeps, per item, the few units a learner may be shown
# with their notes, sorted by item so "who answered this fully" reads a few row groups, not every answer.
MATERIALISED = {
    "units": "",
    "item_stats": " ORDER BY year, stage, province_code",
    "item_calibration": " ORDER BY year, province_code",
    "score_rows": "",
    "rule_checks": "",
    "item_points": "",
    "condition_values": "",
    "scores": " ORDER BY year, province_code",
    "item_exemplars": " ORDER BY kode, year, stage",
    "unit_ids": "",  # the PortalRB API reads these three on every request
    "usulan_units": "",
    "portalrb_answers": " ORDER BY unit_id, year, bank_order",
}


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted((SQL_DIR / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    for name, order in MATERIALISED.items():  # fixed names and clauses above
        con.execute(f"CREATE OR REPLACE TABLE mart_{name} AS SELECT * FROM {name}{order}")
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM mart_{name}")


def publish(
    con: duckdb.DuckDBPyConnection, work: Path, db: Path, outgoing_load: int | None = None, keep_versions: int = 0
) -> None:
    """Make the prepared copy the live warehouse, durably and atomically.

    With `keep_versions`, the outgoing live file (holding loads up to `outgoing_load`) is first kept
    in `versions/` so it can be rolled back to, and only the newest `keep_versions` stay."""
    con.execute("CHECKPOINT")
    con.close()
    with open(work, "rb") as fh:
        os.fsync(fh.fileno())
    kept = keep_versions > 0 and outgoing_load and db.exists()
    if kept:
        versions.keep(db, outgoing_load)  # type: ignore[arg-type]  # not None when kept
    os.replace(work, db)
    directory = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    if kept:
        versions.prune(db, keep_versions)


def discard(con: duckdb.DuckDBPyConnection, work: Path) -> None:
    con.close()
    work.unlink(missing_ok=True)
    work.with_name(work.name + ".wal").unlink(missing_ok=True)


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None

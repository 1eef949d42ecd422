"""`python -m etl export`: the warehouse as a Parquet dataset for other machines and engines.

Every relation the dashboard reads (zi.query.dataset.RELATIONS) is written with DuckDB's COPY: the per-row
ones partitioned Hive-style by province and year (`scores/province_code=62/year=2024/data_0.parquet`,
readable by DuckDB, Spark and Trino), the small ones as one file each, plus `_manifest.json`
(relations, columns and types, files, row counts and checksums, rules version, source file hash and
last load). Column types stay plain Parquet types (HUGEINT is written as BIGINT).

A reader never sees half an export: the export is written into a new hidden folder beside DIR, read
back through the dashboard's own reader and compared (rows and checksum of every relation) with the
warehouse, synced to disk, and only then published by replacing the symlink DIR with one pointing at
it (`os.replace`, atomic). The previous export is kept, so a server still reading it finishes its
queries; older ones are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from zi.domain.rules import load_rules
from zi.query import dataset

EMPTY_FILE = "kosong.parquet"  # a relation without rows: one empty file keeps its columns and types
# Partition columns a relation does not carry itself, derived for the folder layout only (the
# dataset's views keep the relation's own columns; see zi.query.dataset).
DERIVED = {
    name: {"province_code": "CAST(split_part(unit_id, ':', 1) AS INTEGER)"} for name in ("value_history", "lke_answer_history")
}
PARQUET_TYPE = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT"}  # Spark and Trino have no 128-bit integers
SNAPSHOT = re.compile(r"\.(?P<name>.+)\.(?P<stamp>\d{8}T\d{6}\d{6}Z)-(?P<pid>\d+)")


class ExportError(Exception):
    """The export was not published; the message says why (Indonesian)."""


class UsageError(ExportError):
    """A missing warehouse or an output path that is not an export (exit status 2)."""


@dataclass
class ExportReport:
    out: Path
    snapshot: Path
    relations: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    removed: list[Path] = field(default_factory=list)


def export(db: Path, out: Path) -> ExportReport:
    """Write `db` as a Parquet dataset and publish it at `out` (a symlink to the newest snapshot)."""
    started = time.perf_counter()
    if not db.is_file():
        raise UsageError(f"{db}: gudang data tidak ditemukan")
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    snapshot = out.parent / f".{out.name}.{stamp:%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
    snapshot.mkdir()
    try:
        con, sha256 = _attach(db)
        try:
            manifest = _write(con, snapshot)
            manifest["source"] = {"db": str(db.resolve()), "sha256": sha256, **_last_load(con)}
        finally:
            con.close()
        manifest["exported_at"] = stamp.isoformat(timespec="seconds")
        manifest["duckdb"] = duckdb.__version__
        _write_json(snapshot / dataset.MANIFEST, manifest)
        _verify(snapshot, manifest)
        _sync(snapshot)
    except BaseException:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise
    previous = _publish(snapshot, out)
    report = ExportReport(out, snapshot, {n: r["rows"] for n, r in manifest["relations"].items()})
    report.removed = _prune(out, keep={snapshot, previous})
    report.files = sum(len(r["files"]) for r in manifest["relations"].values())
    report.bytes = sum(p.stat().st_size for p in snapshot.rglob("*") if p.is_file())
    report.seconds = time.perf_counter() - started
    return report


def _check_out(out: Path) -> None:
    """DIR may be absent, our symlink, an empty folder, or a folder holding an export; never a
    folder of something else (it would be replaced)."""
    if out.is_symlink() or not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"{out}: sudah ada dan bukan folder hasil ekspor; tidak ditimpa")
    if any(out.iterdir()) and not (out / dataset.MANIFEST).is_file():
        raise UsageError(f"{out}: folder berisi file lain (tidak ada {dataset.MANIFEST}); tidak ditimpa")


def _attach(db: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    """The warehouse read-only in a private in-memory instance (as zi.query.db opens it), and the SHA-256 of
    exactly the file attached: a load may swap another file in at the path meanwhile."""
    # The ETL's memory cap (a national export otherwise peaks at ~1.4 GB, at about the same speed);
    # beyond it DuckDB spills to the system temp folder, not to `.tmp` in the working directory.
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "memory_limit": f"{int(load_rules().limits['etl_memory_mb'])}MB",
        "temp_directory": tempfile.gettempdir(),
    }
    for _attempt in range(3):
        with open(db, "rb") as source:
            con = duckdb.connect(":memory:", config=config)
            con.execute(f"ATTACH '{_sql_path(db)}' AS warehouse (READ_ONLY)")  # the path comes from the command line
            con.execute("USE warehouse")
            if os.stat(db).st_ino == os.fstat(source.fileno()).st_ino:
                return con, _sha256(source)
            con.close()
    raise ExportError(f"{db}: gudang data terus berganti selama ekspor; coba lagi")


def _write(con: duckdb.DuckDBPyConnection, snapshot: Path) -> dict:
    relations = {}
    for name in dataset.RELATIONS:  # fixed names: the only identifiers put into SQL here
        columns = [
            {"name": c, "type": t} for c, t in con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall()
        ]
        select = ", ".join(
            f'CAST("{c["name"]}" AS {PARQUET_TYPE[c["type"]]}) AS "{c["name"]}"'
            if c["type"] in PARQUET_TYPE
            else f'"{c["name"]}"'
            for c in columns
        )
        [(rows, checksum)] = con.execute(dataset.checksum_sql(name)).fetchall()
        target = snapshot / name
        if name in dataset.PARTITIONED and rows:
            derived = "".join(f", {expression} AS {column}" for column, expression in DERIVED.get(name, {}).items())
            con.execute(
                f"COPY (SELECT {select}{derived} FROM {name}) TO '{_sql_path(target)}' "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({', '.join(dataset.PARTITION_BY)}))"
            )
        else:
            target.mkdir()
            file = target / (EMPTY_FILE if name in dataset.PARTITIONED else f"{name}.parquet")
            con.execute(f"COPY (SELECT {select} FROM {name}) TO '{_sql_path(file)}' (FORMAT parquet, COMPRESSION zstd)")
        files = sorted(p.relative_to(snapshot).as_posix() for p in target.rglob("*.parquet"))
        relations[name] = {
            "rows": rows,
            "checksum": checksum,
            "columns": columns,
            "files": files,
            "partition_by": list(dataset.PARTITION_BY) if name in dataset.PARTITIONED and rows else [],
        }
    rules_version = con.execute("SELECT any_value(value) FROM meta WHERE key = 'rules_version'").fetchall()[0][0]
    return {
        "format": dataset.FORMAT,
        "rules_version": rules_version,
        "relations": relations,
        "checksum": "DuckDB sum(hash(baris)) per relasi; hanya sebanding antar-DuckDB versi yang sama",
    }


def _last_load(con: duckdb.DuckDBPyConnection) -> dict:
    [(load_id, loaded_at)] = con.execute("SELECT max(load_id), max(loaded_at) FROM load_history").fetchall()
    return {"load_id": load_id, "loaded_at": loaded_at.isoformat() if loaded_at else None}


def _verify(snapshot: Path, manifest: dict) -> None:
    """Read the export back the way the dashboard will, and compare it with the warehouse."""
    try:
        con, _version = dataset.connect(str(snapshot))
    except dataset.DatasetError as error:
        raise ExportError(f"pemeriksaan ekspor gagal: {error}; ekspor tidak diterbitkan") from error
    try:
        for name, entry in manifest["relations"].items():
            [(rows, checksum)] = con.execute(dataset.checksum_sql(name)).fetchall()
            if (rows, checksum) != (entry["rows"], entry["checksum"]):
                raise ExportError(
                    f"pemeriksaan ekspor gagal untuk {name}: {rows} baris (gudang data {entry['rows']}), "
                    f"checksum {checksum} (gudang data {entry['checksum']}); ekspor tidak diterbitkan"
                )
    finally:
        con.close()


def _sync(snapshot: Path) -> None:
    """Every file and folder on disk before the export is published (a crash after the swap must
    not leave a link to files still in the page cache). One sync(2) rather than an fsync per file:
    a national export has thousands of small files, and fsync of each costs seconds."""
    os.sync()


def _publish(snapshot: Path, out: Path) -> Path | None:
    """Point `out` at `snapshot` atomically; the snapshot it pointed at before, if any."""
    previous = None
    if out.is_symlink():
        previous = (out.parent / os.readlink(out)).resolve()
    elif out.is_dir():
        if any(out.iterdir()):  # an export copied here as a plain folder: keep it as the previous one
            previous = out.parent / f".{out.name}.{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
            out.rename(previous)  # the one moment `out` is missing; only on a first export over such a folder
        else:
            out.rmdir()
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(snapshot.name)  # relative: the parent folder can be moved or mounted elsewhere
    os.replace(link, out)
    _fsync(out.parent)
    return previous


def _prune(out: Path, keep: set[Path | None]) -> list[Path]:
    """Remove older snapshots of `out` (named by this module, holding a manifest), keeping `keep` and
    whatever `out` points at now (another export may have published since this one did)."""
    kept = {p.resolve() for p in (*keep, out) if p is not None}
    removed = []
    for path in out.parent.iterdir():
        match = SNAPSHOT.fullmatch(path.name)
        if (
            match
            and match["name"] == out.name
            and path.is_dir()
            and not path.is_symlink()
            and path.resolve() not in kept
            and (path / dataset.MANIFEST).is_file()
        ):
            shutil.rmtree(path)
            removed.append(path)
    return removed


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


def _sha256(handle) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

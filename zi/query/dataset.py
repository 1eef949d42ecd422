"""The warehouse as a Parquet dataset (`python -m etl export`), read by the dashboard instead of the
DuckDB file when `$ZI_DATASET` is set: a local folder or `s3://bucket/prefix`.

This module is both sides' contract: which relations an export holds and how they are partitioned
(the writer, etl.write.export, imports it), and how a reader turns an export back into the same views the
queries in zi/sql/queries/ use, with the same hardening as the DuckDB file (zi.query.db):

- one VIEW per relation of the fixed list `RELATIONS`, over `read_parquet` of exactly the files the
  export's `_manifest.json` lists, with the manifest's column order and types, so every query and
  page runs unchanged and returns the same frames as on the DuckDB file;
- the views live in a small DuckDB file attached READ_ONLY (then deleted) and the in-memory catalog
  is detached, so a query can create nothing shared with other sessions;
- `allowed_paths` is exactly the listed Parquet files, then external access is switched off and the
  configuration locked: the views can read their files, nothing else can be read, and no file can be
  written (`allowed_directories` would let COPY TO write into the dataset folder; see
  docs/deployment.md).

Object storage (`s3://`) needs DuckDB's httpfs extension installed beforehand; it is loaded here
(never downloaded at run time) and credentials come from the environment. Not tested on the machine
this was written on (no network): see docs/deployment.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import duckdb

MANIFEST = "_manifest.json"
FORMAT = 1  # bump when the layout changes in a way an older reader cannot read

# Per-row relations are written as Hive-style partitions province_code=N/year=YYYY/ (readable by
# DuckDB, Spark and Trino); the small ones as one file each. Names are an allow-list: a manifest can
# only ever make views of these names, and they are the only identifiers put into SQL unquoted.
PARTITION_BY = ("province_code", "year")
PARTITIONED = (
    "scores",
    "score_items",
    "score_conditions",
    "provenance",
    "stg_rekap",
    "value_history",
    "lke_answers",
    "lke_answer_history",
    "item_stats",
    "item_calibration",
    "item_exemplars",
)
SINGLE = (
    "load_history",
    "load_warnings",
    "rule_questions",
    "praktik_baik",
    "unit_ids",
    "usulan_units",
    "proposal_history",
    "portalrb_answers",
    "meta",
    "rule_rubrics",
    "rule_indicators",
    "rule_thresholds",
    "rule_prior",
    "rule_sources",
    "provinces_ref",
    "context_indices",
    "national_awards",
)
RELATIONS = PARTITIONED + SINGLE

# Types a view casts a column back to (the manifest records the warehouse's type; Parquet has no
# HUGEINT, so the export writes BIGINT and the view restores HUGEINT). Nested types (load_history's
# list of structs) survive Parquet as they are and are never put into SQL from the manifest.
SIMPLE_TYPES = frozenset({"BOOLEAN", "INTEGER", "BIGINT", "HUGEINT", "DOUBLE", "VARCHAR", "DATE", "TIMESTAMP"})
NAME = re.compile(r"[a-z_][a-z0-9_]*")
FILE = re.compile(r"(?:[a-z_]+=-?[0-9]+/)*[A-Za-z0-9_.-]+\.parquet")
REMOTE_PREFIX = "s3://"


class DatasetError(Exception):
    """A dataset that cannot be opened; the message is for the dashboard's user (Indonesian)."""


def is_remote(location: str) -> bool:
    return str(location).startswith(REMOTE_PREFIX)


def version(location: str) -> tuple[int, int, int]:
    """Identity of the export at `location` now: the manifest's (inode, size, mtime) locally (a new
    export is swapped in as a new manifest), a hash of its text on object storage."""
    if is_remote(location):
        con = _connection(location)
        try:
            return _manifest_text(con, location)[1]
        finally:
            con.close()
    try:
        stat = os.stat(Path(location) / MANIFEST)
    except FileNotFoundError:
        raise DatasetError(
            f"Dataset {location} tidak ditemukan atau bukan hasil `python -m etl export` (tidak ada {MANIFEST})."
        ) from None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def connect(location: str) -> tuple[duckdb.DuckDBPyConnection, tuple[int, int, int]]:
    """A hardened connection whose views read the export at `location`, and the version it read."""
    location = str(location)
    if not is_remote(location):
        location = os.path.realpath(location)  # pin one export: the folder name is a link a new export replaces
    con = _connection(location)
    try:
        text, found = _manifest_text(con, location)
        manifest = parse_manifest(text, location)
        files = _create_views(con, location, manifest)
        con.execute("SET allowed_paths = $files", {"files": files})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        for name in RELATIONS:  # bind every view now: a damaged export fails here, not on a page
            con.execute(f"SELECT * FROM {name} LIMIT 0")
    except duckdb.Error as error:
        con.close()
        raise DatasetError(f"Dataset {location} tidak dapat dibaca: {error}") from error
    except BaseException:
        con.close()
        raise
    return con, found


def parse_manifest(text: str, location: str) -> dict:
    """The manifest, checked: the format this reader knows, every relation present, and names,
    types and file paths of the shapes an export writes (they end up in SQL text)."""
    try:
        manifest = json.loads(text)
    except ValueError:
        raise DatasetError(f"{MANIFEST} di {location} rusak (bukan JSON).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DatasetError(
            f"{MANIFEST} di {location} berformat {manifest.get('format') if isinstance(manifest, dict) else '?'}; "
            f"dasbor ini membaca format {FORMAT}. Ekspor ulang dengan `python -m etl export`."
        )
    relations = manifest.get("relations") or {}
    missing = [name for name in RELATIONS if name not in relations]
    if missing:
        raise DatasetError(f"Dataset {location} tidak lengkap: relasi {', '.join(missing)} tidak ada.")
    for name in RELATIONS:
        entry = relations[name]
        columns = entry.get("columns") or []
        bad = [c for c in columns if not (isinstance(c, dict) and NAME.fullmatch(str(c.get("name", ""))))]
        paths = entry.get("files") or []
        bad_files = [
            f for f in paths if not (isinstance(f, str) and f.startswith(name + "/") and FILE.fullmatch(f[len(name) + 1 :]))
        ]
        if not columns or bad or not paths or bad_files:
            raise DatasetError(
                f"{MANIFEST} di {location}: relasi {name} tidak sah (kolom atau file tidak sesuai bentuk hasil ekspor)."
            )
    return manifest


def view_sql(name: str, location: str, entry: dict) -> tuple[str, list[str]]:
    """CREATE VIEW for relation `name` (from RELATIONS) over its files, and those files' paths."""
    if name not in RELATIONS:
        raise ValueError(name)
    files = [_join(location, f) for f in entry["files"]]
    hive = all("=" in f.split("/", 1)[1] for f in entry["files"])  # an empty relation is one file, unpartitioned
    options = ", hive_partitioning = true, hive_types = {'province_code': 'INTEGER', 'year': 'INTEGER'}" if hive else ""
    select = ", ".join(
        f'CAST("{c["name"]}" AS {c["type"]}) AS "{c["name"]}"' if c.get("type") in SIMPLE_TYPES else f'"{c["name"]}"'
        for c in entry["columns"]
    )
    return f"CREATE VIEW {name} AS SELECT {select} FROM read_parquet({_list_literal(files)}{options})", files


def checksum_sql(relation: str) -> str:
    """Rows and an order-independent checksum of a relation (the same on the file and the export)."""
    if relation not in RELATIONS:
        raise ValueError(relation)
    return f"SELECT count(*) AS rows, coalesce(sum(hash(t)), 0)::VARCHAR AS checksum FROM {relation} AS t"


# -- internals ------------------------------------------------------------------------------------
def _connection(location: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"autoload_known_extensions": False, "autoinstall_known_extensions": False})
    if is_remote(location):
        try:
            _object_storage(con)
        except BaseException:
            con.close()
            raise
    return con


def _object_storage(con: duckdb.DuckDBPyConnection) -> None:
    """httpfs and an S3 secret from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN, AWS_REGION; ZI_S3_ENDPOINT, ZI_S3_URL_STYLE, ZI_S3_USE_SSL for other stores)."""
    try:
        con.execute("LOAD httpfs")
    except duckdb.Error as error:
        raise DatasetError(
            "Dataset di penyimpanan objek (s3://) memerlukan ekstensi httpfs DuckDB, yang belum terpasang "
            "di server ini. Pasang sekali saat ada jaringan: "
            "`python -c \"import duckdb; duckdb.execute('INSTALL httpfs')\"`, lalu jalankan ulang dasbor. "
            f"({error})"
        ) from error
    settings = {
        "KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID"),
        "SECRET": os.environ.get("AWS_SECRET_ACCESS_KEY"),
        "SESSION_TOKEN": os.environ.get("AWS_SESSION_TOKEN"),
        "REGION": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        "ENDPOINT": os.environ.get("ZI_S3_ENDPOINT"),
        "URL_STYLE": os.environ.get("ZI_S3_URL_STYLE"),
    }
    # CREATE SECRET takes no bound parameters: values are quoted literals; keys are the fixed names above.
    options = [f"{key} {_literal(value)}" for key, value in settings.items() if value]
    if os.environ.get("ZI_S3_USE_SSL"):
        options.append(f"USE_SSL {'false' if os.environ['ZI_S3_USE_SSL'].lower() in ('0', 'false', 'no') else 'true'}")
    con.execute("CREATE SECRET zi_dataset (" + ", ".join(["TYPE s3", *options]) + ")")


def _manifest_text(con: duckdb.DuckDBPyConnection, location: str) -> tuple[str, tuple[int, int, int]]:
    if is_remote(location):
        try:
            row = con.execute("SELECT content FROM read_text($path)", {"path": _join(location, MANIFEST)}).fetchone()
        except duckdb.Error as error:
            raise DatasetError(f"{MANIFEST} di {location} tidak dapat dibaca: {error}") from error
        if row is None:  # read_text of one file gives one row, or fails above
            raise DatasetError(f"{MANIFEST} di {location} tidak dapat dibaca")
        text = row[0]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return text, (0, len(text), int(digest[:15], 16))
    path = Path(location) / MANIFEST
    try:
        with open(path, "rb") as fh:
            stat = os.fstat(fh.fileno())  # the version of exactly the manifest read
            text = fh.read().decode("utf-8")
    except FileNotFoundError:
        raise DatasetError(
            f"Dataset {location} tidak ditemukan atau bukan hasil `python -m etl export` (tidak ada {MANIFEST})."
        ) from None
    return text, (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _create_views(con: duckdb.DuckDBPyConnection, location: str, manifest: dict) -> list[str]:
    """Create the views in a private DuckDB file, attach it read-only as the only catalog, delete it."""
    folder = tempfile.mkdtemp(prefix="zi-dataset-")
    catalog = os.path.join(folder, "views.duckdb")
    files: list[str] = []
    try:
        con.execute("ATTACH $catalog AS dataset_views", {"catalog": catalog})
        for name in RELATIONS:
            statement, paths = view_sql(name, location, manifest["relations"][name])
            con.execute(statement.replace("CREATE VIEW ", "CREATE VIEW dataset_views.", 1))
            files += paths
        con.execute("DETACH dataset_views")
        con.execute("ATTACH $catalog AS dataset (READ_ONLY)", {"catalog": catalog})
        con.execute("USE dataset")
        con.execute("DETACH memory")
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the attached file stays open; nothing else needs it
    return files


def _join(location: str, relative: str) -> str:
    return location.rstrip("/") + "/" + relative


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _list_literal(items: list[str]) -> str:
    return "[" + ", ".join(_literal(item) for item in items) + "]"

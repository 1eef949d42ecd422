"""One `load` (or `check`): read every file, validate everything, then change the warehouse in one go.

The steps have one shape: read -> give LKE files their unit (etl.check.lke) -> validate (lazy, every
problem) -> apply in one transaction on a copy -> publish by atomic rename. `check` runs the same steps
and stops before applying, so its report is exactly what `load` would say.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from etl.check import lke, practices, unit_ids, usulan
from etl.check.scores import KEY
from etl.check.validate import validate
from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.read.batch import read_all
from etl.read.source import Source
from etl.rows import insert_rows
from etl.write import answers, warehouse
from etl.write import preview as change_preview
from zi.domain.rules import DATA_DIR, Rules, load_rules

INPUT_SUFFIXES = {".csv", ".xlsx", ".txt", ".tsv", ".json"}
SAMPLE_MANIFEST = DATA_DIR / "sample" / "MANIFEST.sha256"
REKAP_META = ("instansi", "unit", "jenis_unit", "rubric", "predikat", "catatan")


@dataclass
class FileSummary:
    name: str
    sha256: str
    kind: str
    rows: int
    dialect: dict


@dataclass
class LoadReport:
    files: list[FileSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rekap_added: int = 0
    rekap_replaced: int = 0
    rekap_unchanged: int = 0
    rincian_added: int = 0
    rincian_replaced: int = 0
    rincian_unchanged: int = 0
    practices_added: int = 0
    lke_added: int = 0  # item answers
    lke_replaced: int = 0
    lke_unchanged: int = 0
    lke_removed: int = 0
    usulan_added: int = 0  # proposals (usulan.csv)
    usulan_replaced: int = 0
    usulan_unchanged: int = 0
    usulan_removed: int = 0  # withdrawn
    ids_added: int = 0  # stable unit ids given (etl.check.unit_ids)
    load_id: int | None = None
    written: bool = False
    seconds: float = 0.0
    # What the load adds and replaces, row by row (capped lists, full totals): see etl.write.preview.
    preview: dict = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def changes(self) -> int:
        return (
            self.rekap_added
            + self.rekap_replaced
            + self.rincian_added
            + self.rincian_replaced
            + self.practices_added
            + self.lke_added
            + self.lke_replaced
            + self.lke_removed
            + self.usulan_added
            + self.usulan_replaced
            + self.usulan_removed
            + self.ids_added
        )


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Files in the order given; a folder contributes its input files sorted by path, its subfolders' too
    (a folder of LKE files per province, or the sample's `lke/`)."""
    files, warnings = [], []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if any(part.startswith(("~$", ".")) for part in child.relative_to(path).parts):
                continue  # Excel's lock file of an open workbook, or a hidden file or folder: never input
            if child.is_file() and child.suffix.lower() in INPUT_SUFFIXES:
                files.append(child)
            elif child.is_file() and child.name != SAMPLE_MANIFEST.name:
                warnings.append(Problem(child.name, None, None, None, "bukan file CSV/XLSX/JSON; dilewati", warning=True))
    return files, warnings


def run(
    files: list[tuple[Path, str]],
    db: Path,
    *,
    write: bool,
    rules: Rules | None = None,
    loaded_by: str | None = None,
    progress: Callable[[str, int, int], None] = lambda step, done, total: None,
    today: dt.date | None = None,
    identity: lke.Identity | None = None,
) -> LoadReport:
    """Load (write=True) or check (write=False) `files`, given as (path, name shown to the user).
    `identity`: the unit of a single LKE file given on the command line (else the load's manifest says)."""
    started = time.perf_counter()
    rules = rules or load_rules()
    today = today or dt.date.today()
    report = LoadReport()
    sources: list[Source] = []
    for done, (name, source) in enumerate(read_all(files, rules), start=1):
        progress(f"dibaca {name}", done, len(files))
        if isinstance(source, Problem):
            report.problems.append(source)
            continue
        sources.append(source)
        report.files.append(FileSummary(name, source.sha256, source.kind, source.rows, source.dialect))
    progress("memeriksa", len(files), len(files))
    bound, found = lke.bind(sources, rules, identity, today.year)
    report.problems += [p for p in found if not p.warning]
    report.warnings += [p for p in found if p.warning]
    if not sources:  # every file was refused while reading: nothing to check against the warehouse
        report.seconds = time.perf_counter() - started
        return report

    with warehouse.exclusive(db):
        con, work = warehouse.open_copy(db, rules)
        try:
            con.execute("BEGIN")
            warehouse.refresh_reference(con, rules)
            checked = validate(con, sources, rules, today.year, bound)
            report.problems += checked.problems
            report.warnings += checked.warnings
            if report.refused:
                return report
            _apply(con, sources, rules, report, loaded_by, write)
            if not write or report.changes == 0:
                return report
            warehouse.create_views(con)
            con.execute("COMMIT")
            progress("menyimpan", len(files), len(files))
            # The outgoing file holds loads up to this one's id - 1 (ids are max + 1); it is kept for rollback.
            warehouse.publish(
                con, work, db, outgoing_load=report.load_id - 1, keep_versions=int(rules.limits.get("keep_versions", 0))
            )
            report.written = True
        finally:
            if not report.written:
                warehouse.discard(con, work)
            report.seconds = time.perf_counter() - started
    return report


def _apply(con, sources: list[Source], rules: Rules, report: LoadReport, loaded_by: str | None, write: bool) -> None:
    """Insert new rows, replace changed ones (old values to history), leave equal ones alone."""
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    con.execute("CREATE OR REPLACE TEMP TABLE load_file_names (file_index INTEGER, file_name VARCHAR)")
    insert_rows(con, "load_file_names", [(i, s.name) for i, s in enumerate(sources)])
    on_key = " AND ".join(f"e.{k} = i.{k}" for k in KEY)
    same_rekap = " AND ".join(f"i.{c} IS NOT DISTINCT FROM e.{c}" for c in (*REKAP_META, *vocab.indicator_columns(rules)))
    counts = {}
    for table, same, not_stored in (("rekap", same_rekap, ""), ("rincian", "i.value = e.value", ", key_id, unit, rubric")):
        code_join = " AND e.code = i.code" if table == "rincian" else ""
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table}_changes AS
            SELECT i.*, n.file_name, e.load_id IS NOT NULL AS existed, coalesce({same}, false) AS same
            FROM in_{table} i JOIN load_file_names n USING (file_index)
            LEFT JOIN {table} e ON {on_key}{code_join}
            """  # table names and columns are fixed by code and the rules allow-list
        )
        added, replaced, unchanged = con.execute(
            f"SELECT count(*) FILTER (NOT existed), count(*) FILTER (existed AND NOT same), count(*) FILTER (same) FROM {table}_changes"
        ).fetchone()
        counts[table] = (added, replaced, unchanged)
        # Before the warehouse table changes: the preview compares with the values it holds now.
        report.preview.update(
            change_preview.collect(
                con,
                table,
                rules,
                int(rules.limits.get("preview_max_rows", 2000)),
                compared=(*REKAP_META, *vocab.indicator_columns(rules)),
            )
        )
        if not write or added + replaced == 0:
            continue
        match = f"{' AND '.join(f'c.{k} = t.{k}' for k in KEY)}{' AND c.code = t.code' if table == 'rincian' else ''}"
        con.execute(
            f"INSERT INTO {table}_history SELECT t.*, $load FROM {table} t "
            f"SEMI JOIN {table}_changes c ON {match} AND c.existed AND NOT c.same",
            {"load": load_id},
        )
        con.execute(f"DELETE FROM {table} t USING {table}_changes c WHERE {match} AND c.existed AND NOT c.same")
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (file_index, existed, same{not_stored}), $load AS load_id "
            f"FROM {table}_changes WHERE NOT same",
            {"load": load_id},
        )
    report.practices_added = practices.apply(con, load_id, write)
    proposals, proposal_preview = usulan.apply(con, load_id, write, int(rules.limits.get("preview_max_rows", 2000)))
    report.usulan_added, report.usulan_replaced = proposals.added, proposals.replaced
    report.usulan_unchanged, report.usulan_removed = proposals.unchanged, proposals.removed
    report.preview.update(proposal_preview)
    report.ids_added = unit_ids.apply(con, load_id, write)
    report.rekap_added, report.rekap_replaced, report.rekap_unchanged = counts["rekap"]
    report.rincian_added, report.rincian_replaced, report.rincian_unchanged = counts["rincian"]
    answered = answers.stage(con)
    report.lke_added, report.lke_replaced, report.lke_unchanged, report.lke_removed = (
        answered.added,
        answered.replaced,
        answered.unchanged,
        answered.removed,
    )
    report.preview.update(change_preview.lke_scores(con, sources))
    if not write or report.changes == 0:
        return
    report.load_id = load_id
    answers.write(con, load_id)
    con.execute(
        "INSERT INTO loads BY NAME SELECT $id AS load_id, $at AS loaded_at, $by AS loaded_by, $rules AS rules_version, "
        "$ra AS rekap_added, $rr AS rekap_replaced, $ia AS rincian_added, $ir AS rincian_replaced, NULL AS note, "
        "$la AS lke_added, $lr AS lke_replaced",
        {
            "id": load_id,
            "at": dt.datetime.now(),
            "by": loaded_by or _user(),
            "rules": rules.version,
            "ra": report.rekap_added,
            "rr": report.rekap_replaced,
            "ia": report.rincian_added,
            "ir": report.rincian_replaced,
            "la": report.lke_added,
            "lr": report.lke_replaced + report.lke_removed,
        },
    )
    answers.keep_warnings(con, load_id, report.warnings)
    samples = sample_hashes()
    rubrics = dict(
        con.execute("SELECT _file, string_agg(DISTINCT rubric, ', ' ORDER BY rubric) FROM keyed GROUP BY _file").fetchall()
    )
    insert_rows(  # a national LKE load has twenty thousand files
        con,
        "load_files",
        [
            (
                load_id,
                s.name,
                s.sha256,
                s.kind,
                s.rows,
                rubrics.get(i),
                json.dumps(s.dialect, ensure_ascii=False),
                s.sha256 in samples,
            )
            for i, s in enumerate(sources)
        ],
    )


def sample_hashes() -> set[str]:
    """Hashes of the bundled generated files: rows from them are shown as *data contoh*."""
    if not SAMPLE_MANIFEST.exists():
        return set()
    return {line.split()[0] for line in SAMPLE_MANIFEST.read_text(encoding="utf-8").splitlines() if line.strip()}


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "tidak diketahui"

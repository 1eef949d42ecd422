"""Give each LKE file its unit and turn its scored stages into what the load writes.

An LKE names no unit reliably, so a manifest travels with it: `lke_daftar.csv` (or `.xlsx`), one row per LKE
file, `berkas, provinsi, instansi, unit_kerja, tahun` (optional `jenis_unit`), matched on the file's name; for a
single file, `--provinsi --instansi --unit-kerja --tahun` on the command line. A PortalRB JSON's own
`nama_unit` and `tahun` count where the manifest leaves them empty; where both are given and differ, the file
is refused, naming both. A file without a unit is refused.

Each stage of a bound file becomes one score row (its halves and results, as a rekap row with the bank's
rubric), its sub-area values (as a long rincian table) and its item answers; the three go through the same
checks, keys, history and change detection as rekap and rincian files do (`etl.check.validate`), so a rekap
row and an LKE row with the same key are one score row and the later load wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from etl.problems import Problem
from etl.read import vocabulary as vocab
from etl.read.lke_content import ANSWER_SCHEMA, DETAIL_SCHEMA
from etl.read.source import Source
from zi.domain.bank import load_bank
from zi.domain.rules import Rules

IDENTITY = ("provinsi", "instansi", "unit_kerja", "tahun", "jenis_unit")


@dataclass(frozen=True)
class Identity:
    """Who an LKE file is about, as written (in the manifest, or on the command line), and where."""

    provinsi: str | None
    instansi: str | None
    unit_kerja: str | None
    tahun: str | None
    jenis_unit: str | None = None
    file: str = "baris perintah"  # the manifest, or the command line
    row: int | None = None
    headers: tuple[tuple[str, str], ...] = ()  # canonical column -> as headed in the manifest

    def header(self, column: str) -> str:
        return dict(self.headers).get(column, f"--{column.replace('_', '-')}")


@dataclass
class LkeTables:
    """What the bound LKE files of one load hold, one table per kind, each row with `_file` (its source)."""

    rekap: pa.Table  # score rows as text, checked with the rekap rows (their keys are resolved there)
    detail: pa.Table  # sub-area points, typed (DETAIL_SCHEMA + _file): they join their score row by file and stage
    answers: pa.Table  # item answers, typed (ANSWER_SCHEMA + _file), likewise
    claims: list[tuple[int, str]] = field(default_factory=list)  # (file, id) a PortalRB JSON names its unit by


def bind(sources: list[Source], rules: Rules, command_line: Identity | None, today_year: int) -> tuple[LkeTables, list[Problem]]:
    """Identity for every LKE source, checked; the tables of those that are sound; every problem found."""
    problems: list[Problem] = []
    lke = [(index, s) for index, s in enumerate(sources) if s.kind == "lke"]
    listed = _manifest_rows(sources, problems)
    names = {_key(s.name): s.name for _, s in lke}
    for key, entry in listed.items():
        if key not in names:
            problems.append(
                Problem(
                    entry.file,
                    entry.row,
                    entry.header("berkas"),
                    key,
                    "berkas ini tidak ada di muatan ini; baris daftar dilewati",
                    warning=True,
                )
            )
    if command_line is not None and len(lke) != 1:
        problems.append(
            Problem(
                command_line.file,
                None,
                None,
                None,
                f"--provinsi/--instansi/--unit-kerja/--tahun hanya untuk satu berkas LKE (ada {len(lke)}); "
                "untuk beberapa berkas pakai lke_daftar.csv",
            )
        )
        command_line = None
    builder = _Builder(rules)
    for index, source in lke:
        identity: Identity | None = listed.get(_key(source.name)) or (command_line if len(lke) == 1 else None)
        if identity is None:
            problems.append(
                Problem(
                    source.name,
                    None,
                    None,
                    None,
                    "berkas LKE tanpa identitas unit: cantumkan di lke_daftar.csv (berkas, provinsi, instansi, "
                    "unit_kerja, tahun) atau, untuk satu berkas, --provinsi --instansi --unit-kerja --tahun",
                )
            )
            continue
        identity, found = _with_file_identity(identity, source)
        found += _check_identity(identity, rules, today_year, load_bank(rules).rubric)
        problems += found
        if not found and not any(not p.warning for p in source.problems):
            builder.add(index, source, identity)
    return builder.tables(), problems


def _key(name: str) -> str:
    return Path(str(name).strip().replace("\\", "/")).name.lower()


def _manifest_rows(sources: list[Source], problems: list[Problem]) -> dict[str, Identity]:
    listed: dict[str, Identity] = {}
    for source in (s for s in sources if s.kind == "daftar"):
        table = source.table.to_pydict()
        headers = tuple(source.headers.items())
        for n, row in enumerate(table["_row"]):
            cells = {c: _clean(table[c][n]) if c in table else None for c in ("berkas", *IDENTITY)}
            if not cells["berkas"]:
                problems.append(
                    Problem(source.name, row, source.headers.get("berkas"), None, "nama berkas wajib diisi", sheet=source.sheet)
                )
                continue
            key = _key(cells["berkas"])
            if key in listed:
                first = listed[key]
                problems.append(
                    Problem(
                        source.name,
                        row,
                        source.headers.get("berkas"),
                        cells["berkas"],
                        f"berkas yang sama sudah di {first.file} baris {first.row}",
                        sheet=source.sheet,
                    )
                )
                continue
            listed[key] = Identity(**{c: cells[c] for c in IDENTITY}, file=source.name, row=row, headers=headers)
    return listed


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _with_file_identity(identity: Identity, source: Source) -> tuple[Identity, list[Problem]]:
    """A PortalRB JSON's own unit name and year fill what the manifest leaves empty; a disagreement is refused."""
    content = source.lke
    if content is None or (content.unit_name is None and content.year is None):
        return identity, []
    problems = []
    unit, year = identity.unit_kerja, identity.tahun
    if content.unit_name is not None:
        if unit is None:
            unit = content.unit_name
        elif vocab.normalise_value(unit) != vocab.normalise_value(content.unit_name):
            problems.append(
                Problem(
                    identity.file,
                    identity.row,
                    identity.header("unit_kerja"),
                    unit,
                    f"berbeda dengan nama_unit di {source.name} ('{content.unit_name}')",
                )
            )
    if content.year is not None:
        if year is None:
            year = str(content.year)
        elif year.strip() != str(content.year):
            problems.append(
                Problem(
                    identity.file,
                    identity.row,
                    identity.header("tahun"),
                    year,
                    f"berbeda dengan tahun di {source.name} ({content.year})",
                )
            )
    return Identity(
        identity.provinsi, identity.instansi, unit, year, identity.jenis_unit, identity.file, identity.row, identity.headers
    ), problems


def _check_identity(identity: Identity, rules: Rules, today_year: int, rubric: str) -> list[Problem]:
    """The same rules as a rekap row's key, said at the manifest's row (the LKE itself names no unit)."""
    found = []

    def problem(column: str, value: str | None, reason: str) -> None:
        found.append(Problem(identity.file, identity.row, identity.header(column), value, reason))

    if identity.provinsi is None:
        problem("provinsi", None, "provinsi wajib diisi")
    elif vocab.province_aliases().get(vocab.normalise_province(identity.provinsi)) is None:
        problem("provinsi", identity.provinsi, "provinsi tidak dikenal; gunakan kode Kemendagri, nama resmi, atau singkatan")
    if identity.unit_kerja is None:
        problem("unit_kerja", None, "nama unit kerja wajib diisi")
    first, last = rules.rubrics[rubric].first_year, rules.max_year(today_year)
    if identity.tahun is None:
        problem("tahun", None, "tahun wajib diisi")
    elif not identity.tahun.isdigit() or not first <= int(identity.tahun) <= last:
        problem(
            "tahun",
            identity.tahun,
            f"tahun harus bilangan bulat {first}–{last} (LKE {rules.rubrics[rubric].name} berlaku sejak {first})",
        )
    return found


class _Builder:
    """The score rows as text lists; the sub-area points and answers as each file's own Arrow tables."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.bank = load_bank(rules)
        indicators = [*rules.indicators(self.bank.rubric, "half"), *rules.indicators(self.bank.rubric, "result")]
        self.points = [(i.column, i.code) for i in indicators]
        self.rekap: dict[str, list] = {
            c: []
            for c in (
                "_file",
                "_row",
                "_shown_row",
                *vocab.KEY_COLUMNS,
                "instansi",
                "jenis_unit",
                "rubrik",
                *(column for column, _ in self.points),
            )
        }
        self.files: list[int] = []
        self.detail: list[pa.Table] = []
        self.answers: list[pa.Table] = []
        self.claims: list[tuple[int, str]] = []

    def add(self, index: int, source: Source, identity: Identity) -> None:
        content = source.lke
        assert content is not None
        if content.answers is None:
            content.compact(self.bank)
        key = {
            "provinsi": identity.provinsi,
            "unit_kerja": identity.unit_kerja,
            "tahun": identity.tahun,
            "instansi": identity.instansi,
        }
        for number, stage in enumerate(content.totals, start=1):
            # Every stage's total stands on the workbook's total row (in its own column): that row is shown as
            # the score row's origin; `_row` only numbers the file's score rows (the checks need them apart).
            row = {
                **key,
                "tahap": stage.stage,
                "jenis_unit": identity.jenis_unit,
                "rubrik": self.bank.rubric,
                "_file": index,
                "_row": number,
                "_shown_row": content.score_row,
            }
            row |= {column: repr(stage.points[code]) for column, code in self.points}
            for column, values in self.rekap.items():
                values.append(row[column])
        self.files.append(index)
        if content.unit_id is not None:  # the id PortalRB knows this unit by (etl.check.unit_ids)
            self.claims.append((index, content.unit_id))
        self.detail.append(content.detail)
        self.answers.append(content.answers)
        source.lke = None  # nothing of it is read again

    def tables(self) -> LkeTables:
        types = {
            c: pa.int32() if c == "_file" else pa.int64() if c in ("_row", "_shown_row") else pa.string() for c in self.rekap
        }
        rekap = pa.table({c: pa.array(v, types[c]) for c, v in self.rekap.items()})
        return LkeTables(
            rekap, self._with_files(self.detail, DETAIL_SCHEMA), self._with_files(self.answers, ANSWER_SCHEMA), self.claims
        )

    def _with_files(self, tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
        """One table of every file's rows, each with `_file` (one column made at once, not one per file)."""
        combined = pa.concat_tables(tables) if tables else schema.empty_table()
        files = (
            np.repeat(np.asarray(self.files, dtype=np.int32), [t.num_rows for t in tables]) if tables else np.zeros(0, np.int32)
        )
        return combined.append_column("_file", pa.array(files, pa.int32()))

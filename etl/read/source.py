"""One input file once read: what every reader hands the checks, whatever the file was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from etl.problems import Problem
from etl.read.lke_content import LkeContent


@dataclass
class Source:
    """One file, read: canonical text columns plus `_row`, and how the file was written.

    Kinds: `rekap` (one row per key), `rincian` (long: one value per row), `praktik` (good practices),
    `daftar` (an LKE manifest: which unit each LKE file is about), `usulan` (which units an instansi proposes
    to PortalRB for a year: etl.check.usulan), and `lke` (an LKE workbook or PortalRB
    JSON, answered item by item: its content is in `lke` until `etl.check.lke` gives it its unit and turns
    it into score rows (`table`), sub-area values (`detail`) and item answers (`answers`))."""

    name: str
    sha256: str
    kind: str
    table: pa.Table
    headers: dict[str, str]  # canonical column -> header as written in the file
    dialect: dict[str, object]
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    lke: LkeContent | None = None
    detail: pa.Table | None = None  # an LKE's sub-area values, as a long (rincian) table
    answers: pa.Table | None = None  # an LKE's item answers

    def __post_init__(self) -> None:
        self.rows = self.table.num_rows  # kept after `table` is released (see validate._stage_raw)

"""Reading input files as they come into all-text tables: rekap, long and practice tables and LKE manifests
(CSV/XLSX, `tables`), LKE workbooks (`lke_workbook`) and PortalRB answers (`portalrb_json`).

`read_source` decides by content, never by the file's name: a zip is an XLSX (an LKE workbook if a visible
sheet has the LKE header, else a table), text starting with `{` is JSON, anything else a CSV.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.problems import FileRefused, Problem
from etl.read.lke_workbook import read_lke_workbook
from etl.read.portalrb_json import looks_like_json, read_portalrb_json
from etl.read.source import Source
from etl.read.tables import OLE_MAGIC, ZIP_MAGIC, check_zip, read_csv_table, read_xlsx_table
from zi.domain.rules import Rules


def read_source(path: Path, rules: Rules, name: str | None = None) -> Source:
    """Read `path` (shown to the user as `name`); raise FileRefused if it is not a usable file."""
    name = name or path.name
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(ZIP_MAGIC):
        check_zip(data, name, rules)  # size and ratio caps before any XML is parsed
        return read_lke_workbook(data, name, sha256, rules) or read_xlsx_table(data, name, sha256, rules)
    if data.startswith(OLE_MAGIC):
        raise FileRefused(
            Problem(name, None, None, None, "format Excel lama (.xls) tidak didukung; simpan ulang sebagai .xlsx atau CSV")
        )
    if looks_like_json(data):
        return read_portalrb_json(data, name, sha256, rules)
    return read_csv_table(data, name, sha256, rules)

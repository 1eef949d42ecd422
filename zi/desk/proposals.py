"""The proposals page's server side: the ticked units as a `usulan.csv`, and what PortalRB would receive then.

Pure functions over the frames the page shows; the file goes through the same upload -> check -> load path as
Unggah Data (`zi.desk.uploads`), so the dashboard never writes the warehouse itself. A ticked unit is written
with its kategori and afirmasi, an unticked unit that is proposed now with kategori `-` (withdrawn); units
neither ticked nor proposed are left out. Each row carries the unit's stable id, so a file checked against an
older warehouse cannot give a unit another one.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from etl.read.vocabulary import AFFIRMATION_CATEGORY, PROPOSAL_PREDICATE, WITHDRAWN
from zi.portalrb import payload

HEADER = ("provinsi", "instansi", "unit_kerja", "tahun", "kategori", "afirmasi", "unit_id")
CATEGORIES = tuple(PROPOSAL_PREDICATE)  # WBK, WBK-AFIRMASI, WBBM
EDITOR_COLUMNS = (
    "unit_id",
    "usulkan",
    "stable_id",
    "unit",
    "tpi_total",
    "wbk_eligible",
    "wbbm_eligible",
    "kategori",
    "afirmasi",
    "jawaban",
    "proposed",
)
TABLE_COLUMNS = {
    "unit": "Unit kerja",
    "stable_id": "Id unit (PortalRB)",
    "tpi_total": "Nilai TPI",
    "wbk_eligible": "Syarat WBK",
    "wbbm_eligible": "Syarat WBBM",
    "proposal": "Usulan sekarang",
    "jawaban": "Jawaban LKE (unit + TPI)",
}
FILE_NAME = "usulan.csv"
NEW_ID = "(id diberikan saat dimuat)"


def editor_rows(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates as the page's rows of widgets: ticked where proposed now; kategori as proposed, else WBBM where
    the WBBM conditions are met, else WBK."""
    default = candidates["wbbm_eligible"].fillna(False).map({True: "WBBM", False: "WBK"})
    return pd.DataFrame(
        {
            "unit_id": candidates["unit_id"],
            "usulkan": candidates["proposed"].astype(bool),
            "stable_id": candidates["stable_id"].fillna(NEW_ID),
            "unit": candidates["unit"],
            "tpi_total": candidates["tpi_total"],
            "wbk_eligible": candidates["wbk_eligible"],
            "wbbm_eligible": candidates["wbbm_eligible"],
            "kategori": candidates["kategori"].fillna(default),
            "afirmasi": candidates["afirmasi"].astype(bool),
            "jawaban": (candidates["sa_answers"] + candidates["tpi_answers"]).astype(int),
            "proposed": candidates["proposed"].astype(bool),
        },
        columns=list(EDITOR_COLUMNS),
    )


def candidates_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The candidates for reading (and CSV download): conditions and the proposal held now in words."""
    return rows.assign(
        wbk_eligible=rows["wbk_eligible"].map(_yes_no),
        wbbm_eligible=rows["wbbm_eligible"].map(_yes_no),
        proposal=rows["kategori"].where(rows["proposed"], "–"),
    )[list(TABLE_COLUMNS)]


def with_choices(rows: pd.DataFrame, ticks: list[bool], categories: list[str], affirmations: list[bool]) -> pd.DataFrame:
    """The rows with the page's ticks, categories and affirmation boxes, one each per row."""
    return rows.assign(usulkan=list(ticks), kategori=list(categories), afirmasi=list(affirmations))


def usulan_csv(edited: pd.DataFrame, province: str, instansi: str, year: int) -> bytes:
    """`usulan.csv` for the edited table (UTF-8); empty bytes when it would change nothing to write."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    rows = 0
    for row in edited.itertuples(index=False):
        if not row.usulkan and not row.proposed:
            continue
        kategori = row.kategori if row.usulkan else WITHDRAWN
        afirmasi = ("Ya" if row.afirmasi or kategori == AFFIRMATION_CATEGORY else "Tidak") if row.usulkan else ""
        unit_id = "" if row.stable_id == NEW_ID else row.stable_id
        writer.writerow((province, instansi, row.unit, int(year), kategori, afirmasi, unit_id))
        rows += 1
    return out.getvalue().encode("utf-8") if rows else b""


def received_after(edited: pd.DataFrame, year: int) -> dict[str, dict]:
    """What `/pengusulan/unit-wbk` and `/unit-wbbm` would send for this instansi once the table is loaded."""
    ticked = edited[edited["usulkan"]].assign(
        afirmasi=lambda f: f["afirmasi"] | (f["kategori"] == AFFIRMATION_CATEGORY),
        predicate=lambda f: f["kategori"].map(PROPOSAL_PREDICATE),
    )
    result = {}
    for endpoint, predicate in payload.PREDICATES.items():
        rows = ticked[ticked["predicate"] == predicate].rename(columns={"stable_id": "id", "unit": "nama"})
        result[endpoint] = {"tahun": int(year), "units": payload.units_list(rows.sort_values("id"))}
    return result


def _yes_no(value: object) -> str:
    return "–" if pd.isna(value) else "ya" if bool(value) else "tidak"

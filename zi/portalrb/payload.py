"""What PortalRB receives, built from the warehouse: the proposed units and one unit's LKE answers.

Plain functions over a `Warehouse` (the read-only, SELECT-only connection of `zi.query.db`), shared by the API
(`zi.portalrb.app`) and the proposals page, so the page shows exactly what the API sends. The shapes are those
of PortalRB's guide (`../shared/reference/lke-workbook.md`, section 2):

- `/pengusulan/unit-wbk`, `/pengusulan/unit-wbbm`: `{"tahun": N, "units": [{"id", "nama", "kategori", "afirmasi"}]}`;
- `/lke/jawaban-unit/{id}`: `{"unit_id", "nama_unit", "tahun", "answers": [{"soal_id", "jawaban_unit",
  "jawaban_tpi", "catatan_unit", "bukti_dukung_unit", "catatan_tpi"}]}`, one answer per item of the master list.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from zi.domain.bank import COUNT_KIND, INDEX_KIND
from zi.query.db import Warehouse

PREDICATES = {"unit-wbk": "WBK", "unit-wbbm": "WBBM"}  # endpoint -> the predicate its units are proposed for
NUMBER_KINDS = (COUNT_KIND, INDEX_KIND)  # answered with a number; every other kind with a letter or Ya/Tidak


class UnitUnknown(LookupError):
    """No unit has this stable id."""


class NotProposed(LookupError):
    """The unit is not proposed in the year asked for (PortalRB pulls the answers of proposed units only)."""


class NoAnswers(LookupError):
    """The unit is proposed, but no LKE answer of it is loaded for that year."""


@dataclass(frozen=True)
class Unit:
    stable_id: str
    instansi_key: str  # what a token limited to some instansi is matched on


def proposal_year(wh: Warehouse) -> int | None:
    """The current proposal year: the latest year with a proposal."""
    year = wh.query("portalrb_year")["year"].iat[0]
    return None if pd.isna(year) else int(year)


def proposals(wh: Warehouse, predicate: str, year: int | None, instansi: Collection[str] | None = None) -> dict:
    """The units proposed for `predicate` in `year`; `instansi`: only these instansi keys (None: all)."""
    if year is None:
        return {"tahun": None, "units": []}
    rows = wh.query(
        "portalrb_units", year=int(year), predicate=predicate, every=instansi is None, instansi=sorted(instansi or ())
    )
    return {"tahun": int(year), "units": units_list(rows)}


def units_list(rows: pd.DataFrame) -> list[dict]:
    """Rows of `id, nama, kategori, afirmasi` as PortalRB's list (plain Python values)."""
    return [
        {"id": str(r.id), "nama": str(r.nama), "kategori": str(r.kategori), "afirmasi": bool(r.afirmasi)}
        for r in rows.itertuples(index=False)
    ]


def unit(wh: Warehouse, stable_id: str, year: int) -> tuple[Unit, pd.Series | None]:
    """The unit of `stable_id` and, where it is proposed in `year`, its proposal; UnitUnknown if no unit has it."""
    rows = wh.query("portalrb_unit", stable_id=stable_id, year=int(year))
    if rows.empty:
        raise UnitUnknown(stable_id)
    row = rows.iloc[0]
    return Unit(str(row["stable_id"]), str(row["instansi_key"])), (None if pd.isna(row["unit_id"]) else row)


def answers(wh: Warehouse, proposal: pd.Series, year: int) -> dict:
    """The LKE answers of a proposed unit (a row of `unit`) for `year`; NoAnswers if none is loaded."""
    if not (proposal["sa_answers"] or proposal["tpi_answers"]):
        raise NoAnswers(proposal["stable_id"])
    rows = wh.query("portalrb_answers", unit_id=proposal["unit_id"], year=int(year))
    return {
        "unit_id": str(proposal["stable_id"]),
        "nama_unit": str(proposal["unit"]),
        "tahun": int(year),
        "answers": [
            {
                "soal_id": int(r.soal_id),
                "jawaban_unit": answer_value(r.jawaban_unit, r.jenis),
                "jawaban_tpi": answer_value(r.jawaban_tpi, r.jenis),
                "catatan_unit": _text(r.catatan_unit),
                "bukti_dukung_unit": _text(r.bukti_dukung_unit),
                "catatan_tpi": _text(r.catatan_tpi),
            }
            for r in rows.itertuples(index=False)
        ],
    }


def answer_value(text: object, kind: str) -> str | int | float | None:
    """A standard answer as PortalRB expects it: a count or an index as a number (12, not 12.0; 3.6), an option
    letter or Ya/Tidak as text; None unanswered."""
    if _text(text) is None:
        return None
    if kind in NUMBER_KINDS:
        number = float(str(text))
        return int(number) if math.isfinite(number) and number.is_integer() else number
    return str(text)


def _text(value: object) -> str | None:
    """A cell as text, or None for SQL NULL (None, NaN or pd.NA, depending on the column's dtype)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

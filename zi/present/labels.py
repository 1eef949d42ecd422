"""Words, number and date formats of the interface (Bahasa Indonesia first, decimal comma).

Every page, chart and export takes its labels from here, so a term is spelled one way everywhere.
Dates are written as Indonesian office documents write them (`2 Desember 2026 00.03`), by Babel's
`id` locale (CLDR): month names and the time separator come from there, not from code.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from babel.dates import format_date, format_datetime

from zi.domain.rules import load_rules

LOCALE = "id"  # Babel/CLDR locale of the interface

STAGE_LABELS = {
    "SA": "SA (penilaian mandiri)",
    "TPI": "TPI (Tim Penilai Internal)",
    "TPN": "TPN (Tim Penilai Nasional)",
}
SCOPE_LABELS = {"provinsi": "Pemerintah provinsi saja", "semua": "Provinsi dengan kabupaten/kota"}
PREDICATE_LABELS = {"WBK": "Menuju WBK", "WBBM": "Menuju WBBM", None: "Belum berpredikat"}
CONDITION_LABELS = {
    "total": "Nilai total",
    "pengungkit": "Total komponen pengungkit",
    "area_pct": "Capaian area pengungkit",
    "BERSIH": "Birokrasi bersih dan akuntabel",
    "IPAK": "Indeks Persepsi Anti Korupsi (IPAK)",
    "CK": "Capaian kinerja",
    "IPKP": "Indeks Persepsi Kualitas Pelayanan (IPKP)",
    "prior": "Pernah meraih predikat sebelumnya",
}
ELIGIBILITY_LABELS = {
    True: "Memenuhi syarat",
    False: "Belum memenuhi syarat",
    None: "Belum diketahui (ambang rubrik belum dikonfirmasi)",
}
# Distance to a predicate: the columns of query gap_distribution, with their label and colour
# (one definition for the chart, the meeting pack and the deck).
GAP_GROUPS = {
    "met_all": ("Memenuhi semua syarat", "#2ca02c"),
    "one_away": ("Kurang 1 syarat", "#bcbd22"),
    "two_away": ("Kurang 2 syarat", "#ff7f0e"),
    "three_plus_away": ("Kurang ≥ 3 syarat", "#d62728"),
    "unknown": ("Belum diketahui", "#aaaaaa"),
}
ELIGIBILITY_SHORT = {True: "Memenuhi", False: "Belum", None: "Belum diketahui"}
SAMPLE_NOTICE = "Data contoh: angka dibuat oleh generator untuk ilustrasi, bukan hasil penilaian sebenarnya."

# The columns of zi.query.queries.priority_items as Prioritas perbaikan and the meeting pack head them.
PRIORITY_LABELS = {
    "code": "Kode",
    "name": "Butir",
    "level": "Tingkat",
    "weight": "Bobot",
    "mean_points": "Nilai rata-rata",
    "mean_pct": "Capaian (%)",
    "recoverable": "Poin dapat diraih",
    "units_blocked": "Unit terhambat olehnya",
    "units": "Unit",
    "cumulative_total": "Total kumulatif",
}

COLUMN_LABELS = {
    "province": "Provinsi",
    "province_abbr": "Singkatan",
    "instansi": "Instansi",
    "unit": "Unit kerja",
    "jenis_unit": "Jenis unit",
    "year": "Tahun",
    "stage": "Tahap",
    "rubric": "Rubrik",
    "area": "Area",
    "area_name": "Area perubahan",
    "total": "Nilai total",
    "pengungkit": "Pengungkit",
    "hasil": "Hasil",
    "total_pct": "Capaian total (%)",
    "pct": "Capaian (%)",
    "predikat": "Predikat",
    "units": "Unit membangun ZI",
    "proposed": "Unit diusulkan ke TPN",
    "wbk": "Predikat WBK",
    "wbbm": "Predikat WBBM",
    "eligible_wbk": "Memenuhi syarat WBK",
    "mean_total": "Rata-rata nilai",
    "std_total": "Simpangan baku",
    "rank": "Peringkat",
    "rank_change": "Perubahan peringkat",
    "selisih": "Selisih",
    "kode": "Kode",
    "pertanyaan": "Pertanyaan",
    "sub_area_name": "Sub-area",
    "jawaban": "Jawaban",
    "catatan": "Catatan",
    "bukti": "Bukti dukung",
}

# The load history (query load_history), on Metodologi and on Riwayat Muatan
LOAD_HISTORY_LABELS = {
    "load_id": "Muatan",
    "loaded_at": "Waktu",
    "loaded_by": "Oleh",
    "rules_version": "Versi aturan",
    "note": "Catatan",
    "rekap_added": "Rekap baru",
    "rekap_replaced": "Rekap diganti",
    "rincian_added": "Rincian baru",
    "rincian_replaced": "Rincian diganti",
    "files": "File",
    "file_rows": "Baris",
    "is_sample": "Data contoh",
}

MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"  # Markdown, LaTeX ($) and emoji/icon shortcodes (:)


def markdown_text(text: object) -> str:
    """Text from a user (a file name, a message quoting one) made literal for st.error/st.caption,
    which render Markdown: `[klik](https://…)` in a file name stays text, never a link."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def number(value: float | None, decimals: int = 2) -> str:
    """75.3219 -> '75,32'; thousands with a dot; missing -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def rank_change_text(value: float | None) -> str:
    """Places gained since the year before: 2 -> '▲ 2', -1 -> '▼ 1'; unchanged or unknown -> '–'."""
    if value is None or pd.isna(value) or value == 0:
        return "–"
    return f"▲ {int(value)}" if value > 0 else f"▼ {-int(value)}"


def date_text(value: dt.date | pd.Timestamp | str | None, short: bool = False) -> str:
    """A date: '2 Desember 2026' ('2 Des 2026' where space is tight); missing -> '–'."""
    moment = _moment(value)
    return "–" if moment is None else format_date(moment, "d MMM y" if short else "d MMMM y", locale=LOCALE)


def moment_text(value: dt.datetime | pd.Timestamp | str | None, short: bool = False) -> str:
    """A timestamp to the minute: '2 Desember 2026 00.03' ('2 Des 2026 00.03' where space is tight;
    the seconds and microseconds the warehouse keeps are left out); missing -> '–'."""
    moment = _moment(value)
    if moment is None:
        return "–"
    if not isinstance(moment, dt.datetime):  # a plain date has no time to show
        return date_text(moment, short)
    # tzinfo: an aware time is shown in its own zone (Babel would convert it to UTC); the warehouse's
    # are naive, the local time of the machine that loaded
    return format_datetime(moment, "d MMM y HH.mm" if short else "d MMMM y HH.mm", tzinfo=moment.tzinfo, locale=LOCALE)


def _moment(value: object) -> dt.date | None:
    """A date or datetime from what a query or a page holds (datetime, pandas Timestamp, ISO text)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).to_pydatetime()  # ISO text, numpy datetime64


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{number(value, decimals)} %"


def eligibility(value: object, short: bool = False) -> str:
    """True/False/unknown (None, NaN or NA from a query) as the interface says it."""
    known = value is not None and value == value and str(value) != "<NA>"
    labels = ELIGIBILITY_SHORT if short else ELIGIBILITY_LABELS
    return labels[bool(value)] if known else labels[None]


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def rubric_label(rubric: str) -> str:
    """The regulation's name as the rules file gives it (e.g. PermenPANRB 90/2021)."""
    found = load_rules().rubrics.get(rubric)
    return found.name if found else rubric


def predicate_label(predicate: object) -> str:
    """WBK -> Menuju WBK; missing (None, NaN or NA from a query) -> Belum berpredikat."""
    known = predicate is not None and predicate == predicate and str(predicate) != "<NA>"
    return PREDICATE_LABELS.get(str(predicate) if known else None, str(predicate))


def item_name(code: str, rubric: str | None = None) -> str | None:
    """The name the rules file gives an area, half, sub-area or result (`MP` -> Manajemen Perubahan),
    from `rubric`, else from the newest rubric that has the code; None for a code no rubric has."""
    rules = load_rules()
    order = sorted(rules.rubrics.values(), key=lambda r: r.first_year, reverse=True)
    if rubric in rules.rubrics:
        order.insert(0, rules.rubrics[rubric])
    for candidate in order:
        found = [i for i in rules.indicators(candidate.id) if i.code == code]
        if found:
            return found[0].name
    return None


def item_label(code: str, rubric: str | None = None) -> str:
    """A code with its name: `MP · Manajemen Perubahan`, `MP-R2 · Komitmen pimpinan`; a half is shown
    under its area's code (`AK-REFORM` -> `AK · Penguatan Akuntabilitas Kinerja (reform)`)."""
    name = item_name(code, rubric)
    if name is None:
        return code
    area, _, half = code.partition("-")
    shown = area if half.lower() in _halves() else code
    return f"{shown} · {name}"


def condition_label(code: str, rubric: str | None = None) -> str:
    """A condition of a predicate in words: one of CONDITION_LABELS, or the area (or half) whose
    minimum is not met, with its name (as `gap_units.blocked_by` names them)."""
    return CONDITION_LABELS.get(code) or item_label(code, rubric)


def conditions_text(codes: object, rubric: str | None = None) -> str | None:
    """A list of conditions as the queries join them (`total, pengungkit, AK-REFORM`) in words,
    separated by semicolons (the words themselves hold commas); missing stays missing."""
    if codes is None or codes != codes or not str(codes).strip():
        return None
    return "; ".join(condition_label(code.strip(), rubric) for code in str(codes).split(","))


def _halves() -> set[str]:
    return {h for r in load_rules().rubrics.values() for h in r.halves}


ANSWER_FIELD_LABELS = {"jawaban": "Jawaban", "nilai": "Nilai", "poin": "Poin", "catatan": "Catatan", "bukti": "Bukti dukung"}


def answer_labels(stages) -> dict[str, str]:
    """Headers of a side-by-side answers table (zi.query.items.side_by_side): `TPI_nilai` -> `Nilai TPI`."""
    return {f"{stage}_{field}": f"{label} {stage}" for stage in stages for field, label in ANSWER_FIELD_LABELS.items()}

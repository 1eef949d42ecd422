"""The speaker notes of the meeting pack: each section's key numbers as sentences a presenter reads out
(decimal comma, the stage and year named), from the tables the assembly (`zi.meeting.content.pack`) built and a
`NoteContext` of the selection. Slides carry them as notes; Mode presentasi leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zi.meeting.content.model import SAMPLE_MARK
from zi.present.labels import SAMPLE_NOTICE, date_text, item_label, number, percent, rubric_label


@dataclass(frozen=True)
class NoteContext:
    """What every note writer knows of the selection: the provinces, the learner, the year, stage and
    predicate, the rules' total thresholds (in % of the maximum and in points), the weakest area."""

    names: dict[int, str]
    learner: int
    a_name: str
    year: int
    stage: str
    predicate: str
    thresholds: dict[str, float]
    totals: dict[str, float]
    change: int
    weakest: str | None
    rubric: str | None = None

    def area(self, code: str | None) -> str:
        """An area code with its name, as the slides write it."""
        return item_label(code, self.rubric) if code else "–"


def summary_notes(ctx: NoteContext, summary: pd.DataFrame, averages: pd.DataFrame, ranked: int) -> tuple[str, ...]:
    notes = []
    for row in summary.itertuples():
        rank = f", peringkat {row.rank} dari {ranked}" if pd.notna(row.rank) else ""
        notes.append(
            f"{row.province}: {whole(row.assessed)} unit dinilai {ctx.stage} {ctx.year}, rata-rata nilai "
            f"{number(row.mean_total)} ({percent(row.mean_pct)} dari maksimum){rank}; {whole(row.eligible_wbk)} unit "
            f"memenuhi syarat WBK; predikat WBK {whole(row.wbk)}, WBBM {whole(row.wbbm)}; {whole(row.units)} unit membangun ZI."
        )
    means = summary.set_index("province_code")["mean_total"] if len(summary) else pd.Series(dtype=float)
    for code, name in list(ctx.names.items())[1:]:
        if pd.notna(means.get(code)) and pd.notna(means.get(ctx.learner)):
            notes.append(f"Selisih rata-rata {name} − {ctx.a_name}: {number(means[code] - means[ctx.learner])} poin.")
    for row in averages.itertuples():
        notes.append(f"{row.label}: {number(row.mean_total)} ({whole(row.assessed)} unit).")
    return tuple(notes)


def area_notes(ctx: NoteContext, areas: pd.DataFrame, differences: pd.DataFrame, rules, rubric: str) -> tuple[str, ...]:
    notes = []
    minimum = rules.threshold(rubric, ctx.predicate, "area_pct")
    for code, name in ctx.names.items():
        own = areas[areas["province_code"] == code].set_index("area")["pct"]
        if own.empty:
            continue
        line = (
            f"{name}: terendah {ctx.area(own.idxmin())} ({percent(own.min())}), "
            f"tertinggi {ctx.area(own.idxmax())} ({percent(own.max())})"
        )
        if minimum is not None:
            below = [ctx.area(a) for a in own.index if own[a] < minimum]
            line += f"; rata-rata di bawah {number(minimum, 0)} % (syarat area {ctx.predicate} per unit): {'; '.join(below) or 'tidak ada'}"
        notes.append(line + ".")
    for column in (c for c in differences.columns if str(c).startswith("Selisih")):
        widest = differences.loc[differences[column].abs().idxmax()]
        notes.append(f"{column}: terlebar di {ctx.area(widest['area'])} ({number(widest[column], 1)} poin %).")
    return tuple(notes)


def trend_caption(ctx: NoteContext, rules) -> str:
    lines = ", ".join(f"{p} {number(v, 0)} %" for p, v in ctx.thresholds.items())
    return (
        f"Rata-rata nilai total {ctx.stage} sebagai % dari maksimum rubriknya. Garis putus: ambang "
        + (f"{lines} ({rubric_label(rules.rubric_for_year(ctx.year))})" if lines else "belum dikonfirmasi untuk rubrik tahun ini")
        + f"; rubrik {rubric_label(rules.rubric_for_year(ctx.change))} berlaku sejak {ctx.change}."
    )


def trend_notes(ctx: NoteContext, trend: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for code, name in ctx.names.items():
        rows = trend[trend["province_code"] == code].sort_values("year")
        if rows.empty:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        eligible = "belum diketahui" if pd.isna(last["eligible_wbk"]) else whole(last["eligible_wbk"])
        notes.append(
            f"{name}: {percent(first['mean_pct'])} pada {int(first['year'])} → {percent(last['mean_pct'])} pada "
            f"{int(last['year'])}; memenuhi syarat WBK pada {int(last['year'])}: {eligible} unit."
        )
    for predicate, value in ctx.thresholds.items():
        notes.append(f"Ambang {predicate}: nilai total {number(ctx.totals[predicate], 0)} ({number(value, 0)} % dari maksimum).")
    return tuple(notes)


def gap_notes(ctx: NoteContext, distribution: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for row in distribution.itertuples():
        total = row.met_all + row.one_away + row.two_away + row.three_plus_away + row.unknown
        notes.append(
            f"{row.province}: dari {total} unit, {row.met_all} memenuhi semua syarat {ctx.predicate}, "
            f"{row.one_away} kurang 1 syarat, {row.two_away} kurang 2, {row.three_plus_away} kurang 3 atau lebih"
            + (f", {row.unknown} belum diketahui" if row.unknown else "")
            + "."
        )
    return tuple(notes)


def nearest_notes(ctx: NoteContext, units: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for row in units.head(3).itertuples():
        notes.append(
            f"{row.unit}: nilai {number(row.total)}, {whole(row.conditions_failed)} syarat belum terpenuhi, "
            f"kurang {number(row.points_missing)} poin; terhambat oleh {row.blocked_by or '–'}."
        )
    if len(units):
        notes.append(f"{len(units)} unit {ctx.a_name} dinilai {ctx.stage} {ctx.year}.")
    return tuple(notes)


def priority_notes(ctx: NoteContext, top: pd.DataFrame, items: pd.DataFrame) -> tuple[str, ...]:
    notes = [
        f"{row.code} {row.name}: {number(row.recoverable)} poin dapat diraih, menghambat syarat di {row.units_blocked} unit."
        for row in top.head(3).itertuples()
    ]
    if len(top) and ctx.predicate in ctx.totals:
        notes.append(
            f"Bila {len(top)} butir teratas dipenuhi berurutan, rata-rata nilai total naik ke "
            f"{number(top['cumulative_total'].iat[-1])} (ambang {ctx.predicate} {number(ctx.totals[ctx.predicate], 0)})."
        )
    if len(items) > len(top):
        notes.append(f"Daftar lengkap: {len(items)} butir (halaman Prioritas perbaikan).")
    return tuple(notes)


def peer_notes(ctx: NoteContext, own: pd.Series, peers: pd.DataFrame) -> tuple[str, ...]:
    if ctx.weakest is None:
        return ()
    notes = [
        f"Area terlemah {ctx.a_name}: {ctx.area(ctx.weakest)} ({percent(own[ctx.weakest])} dari bobot, {ctx.stage} {ctx.year})."
    ]
    notes += [f"{row.unit} ({row.province}): {row.reason}." for row in peers.head(3).itertuples()]
    return tuple(notes)


def practice_notes(ctx: NoteContext, practices: pd.DataFrame) -> tuple[str, ...]:
    in_area = int((practices["area"] == ctx.weakest).sum()) if len(practices) else 0
    notes = [f"{len(practices)} praktik baik tercatat di provinsi tujuan, {in_area} di area {ctx.area(ctx.weakest)}."]
    notes += [
        f"{row.province}, {row.area_label or '–'}: {row.practice} (sumber: {row.source})."
        for row in practices.head(3).itertuples()
    ]
    return tuple(notes)


def source_notes(status: dict, rules, files: str) -> tuple[str, ...]:
    notes = [
        f"Data per {date_text(status['loaded_at'])}; {status['score_rows']} baris nilai dari {files}.",
        f"Aturan penilaian: data/rules.toml versi {rules.version}; ambang bertanda sementara bersandar pada satu sumber sekunder.",
    ]
    if status["has_sample"]:
        notes.append(f"{SAMPLE_MARK}: {SAMPLE_NOTICE}")
    return tuple(notes)


def whole(value) -> str:
    """A count as written in a note; – where it is missing."""
    return "–" if value is None or pd.isna(value) else str(int(value))


# -- the LKE's questions ------------------------------------------------------------------------------
def step_notes(ctx: NoteContext, unit: str, steps: pd.DataFrame, shown: pd.DataFrame, start: float, reached: int | None):
    """A unit's first steps: how many of how many, its total before and after them, the predicate's total
    threshold and the step that reaches it, the largest single gain, the conditions still failing."""
    after = float(shown["total"].iat[-1])
    notes = [
        f"{unit}, tahap {ctx.stage} {ctx.year}: {len(shown)} langkah pertama dari {len(steps)} langkah yang masih mungkin.",
        f"Nilai total {ctx.stage} sekarang {number(start)}; setelah {len(shown)} langkah {number(after)} "
        f"(+{number(after - start)} poin).",
    ]
    target = ctx.totals.get(ctx.predicate)
    if target is not None:
        if reached == 0:
            where = "sudah terlampaui sekarang"
        elif reached is not None:
            where = f"tercapai pada langkah {reached}"
        else:
            where = "belum tercapai dengan semua langkah"
        notes.append(f"Ambang nilai total {ctx.predicate} (aturan): {threshold_text(target)}; {where}.")
    biggest = shown.loc[shown["gain"].idxmax()]
    notes.append(
        f"Tambahan terbesar: langkah {int(biggest['rank'])}, {biggest['kode']} {biggest['before']} → {biggest['after']}, "
        f"+{number(biggest['gain'])} poin ({ctx.stage})."
    )
    notes.append(
        f"Syarat {ctx.predicate} yang masih belum terpenuhi setelah {len(shown)} langkah: {whole(shown['failing'].iat[-1])}."
    )
    return tuple(notes)


def item_gap_notes(ctx: NoteContext, gaps: pd.DataFrame, shown: pd.DataFrame, mean_total: float | None, assessed: int | None):
    """A province's items: how many of how many, the mean total before and after the shown items are answered
    fully (where every assessed unit has item answers), the threshold, the largest mean gain."""
    units = int(gaps["units"].max())
    gain = float(shown["recoverable"].sum())
    notes = [
        f"{ctx.a_name}, tahap {ctx.stage} {ctx.year}: {len(shown)} dari {len(gaps)} butir dengan poin rata-rata per unit "
        f"terbesar; jawaban per butir dari {units} unit" + (f" ({assessed} unit dinilai)." if assessed != units else "."),
    ]
    line = f"Bila {len(shown)} butir ini dijawab penuh, rata-rata nilai total {ctx.stage} per unit bertambah {number(gain)} poin"
    if mean_total is not None and assessed == units and (shown["units"] == units).all():
        line += f": dari {number(mean_total)} ke {number(mean_total + gain)}"
    notes.append(line + ".")
    target = ctx.totals.get(ctx.predicate)
    if target is not None:
        notes.append(f"Ambang nilai total {ctx.predicate} (aturan): {threshold_text(target)} per unit.")
    biggest = shown.loc[shown["recoverable"].idxmax()]
    notes.append(
        f"Terbesar: {biggest['kode']} ({biggest['sub_area_name']}), +{number(biggest['recoverable'])} poin rata-rata per unit; "
        f"{percent(biggest['full_pct'])} unit sudah menjawab penuh ({ctx.stage})."
    )
    return tuple(notes)


def exemplar_notes(ctx: NoteContext, codes: list[str], peers: pd.DataFrame) -> tuple[str, ...]:
    """The first unit suggested for each item and what it wrote it did."""
    notes = []
    for code in codes:
        found = peers[peers["kode"] == code]
        if found.empty:
            notes.append(f"{code}: belum ada unit lain yang menjawab penuh pada {ctx.stage}.")
            continue
        first = found.iloc[0]
        done = first["catatan"] if isinstance(first["catatan"], str) and first["catatan"].strip() else "tidak ditulis"
        notes.append(
            f"{code}: {first['unit']} ({first['province']}) menjawab {first['jawaban']} pada {ctx.stage} {int(first['year'])}; "
            f"yang dilakukan: {done}."
        )
    notes.append(
        f"{len(peers)} saran untuk {len(codes)} butir: provinsi lain lebih dulu, lalu yang menulis catatan dan bukti dukung, "
        "jenis unit sama, berpredikat, nilai total tertinggi (heuristik [kaji_tiru] berkas aturan)."
    )
    return tuple(notes)


def threshold_text(value: float) -> str:
    """A threshold of the rules as written: whole points without decimals (75), others with two."""
    return number(value, 0 if float(value).is_integer() else 2)

"""The LKE part of the sample: some unit-years answered item by item, written as inspectors hold them.

For the unit-years of `plan.LKE` (Kalimantan Tengah's units as official workbooks with their TPI's columns,
Jawa Barat's as PortalRB answers, a few of them in PortalRB's template), the simulated SA and TPI points are
turned into answers: each sub-area's share of its half is drawn around the half's share, each item's value
around its sub-area's, then snapped to the nearest option (or, for a `%` item, to counts whose formula gives
it). The TPI shares each item's draw with the unit, so it agrees mostly and corrects where its stage scored
lower. Notes say what was done (better answers) or what is missing; the TPI notes where it changed the
answer. Those unit-years' SA and TPI rows are then scored from these answers by the ETL (they leave the rekap
file); their TPN rows stay in the rekap. A few workbooks carry the quirks of real copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.sample.lke_files import LkeAnswers, Quirks, write_lampiran3, write_portalrb_json, write_portalrb_template
from etl.sample.plan import LkePlan
from etl.sample.units import slug
from zi.domain.bank import COMPUTED_KIND, COUNT_KIND, INDEX_KIND, Bank, Item, load_bank
from zi.domain.formula import ZeroDenominator
from zi.domain.rules import Rules, load_rules

SUBAREA_SD, ITEM_SD = 0.07, 0.12
COUNTS = (3, 25)  # range of the counts a % item's inputs start from
KEEP_COUNTS = 0.2  # a TPI keeps the unit's counts where their % is this near its own judgement
DOCUMENTS = (
    "SK Kepala",
    "Laporan monitoring dan evaluasi",
    "Notulen rapat koordinasi",
    "Dokumentasi kegiatan",
    "Surat Edaran Kepala",
    "Rencana aksi",
    "Laporan triwulan",
)
DONE = (
    "dipantau tiap triwulan oleh Tim Kerja ZI",
    "disosialisasikan lewat apel pagi, laman resmi, dan media sosial",
    "dievaluasi dan ditindaklanjuti dalam rapat pimpinan",
    "dijalankan bersama agen perubahan di setiap bidang",
    "dicatat dan dilaporkan dalam aplikasi persuratan elektronik (TNDE)",
    "dimasukkan ke rencana kinerja setiap bidang",
)
# the lessons Jawa Barat shared at the kaji tiru of 4 December 2024 (lke-zi.md section 7), as its units write them
LESSONS = (
    "komitmen pimpinan: kepala perangkat daerah memimpin langsung rapat ZI bulanan",
    "ZI menjadi bagian kinerja setiap bidang, bukan tugas tambahan",
    "peta jalan ZI disusun bersama seluruh bidang",
    "pelatihan dan pendampingan rutin bagi Tim Kerja ZI",
    "koordinasi rutin antarbidang setiap bulan",
    "persuratan dinas elektronik (TNDE) untuk seluruh naskah dinas",
)
MISSING = ("masih dalam penyusunan", "baru sebagian bidang", "belum dievaluasi", "bukti dukung belum lengkap")
TPI_LOWER = "Diturunkan TPI: {}"
TPI_RAISE = "Dinaikkan TPI: bukti tambahan diterima saat desk evaluation"


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    taken: set[tuple] = field(default_factory=set)  # (province, instansi, unit, year, stage) now given by an LKE


def write_lke(
    scores: pd.DataFrame, plans: tuple[LkePlan, ...], provinces: pd.DataFrame, out: Path, rules: Rules, rng: np.random.Generator
) -> Written:
    """Write the planned LKE files and their manifest into `out`; say which score rows they now give."""
    bank = load_bank(rules)
    written = Written()
    manifest = []
    out.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        rows = scores[
            (scores["province_code"] == plan.province) & scores["year"].isin(plan.years) & scores["stage"].isin(("SA", "TPI"))
        ]
        province = provinces.loc[plan.province]
        for number, ((instansi, unit, year), group) in enumerate(rows.groupby(["instansi", "unit", "year"], sort=True)):
            stages = {row.stage: row for row in group.itertuples()}
            if "SA" not in stages:
                continue
            answers = _answers(bank, rules, stages, unit, year, plan.province == 32, rng)
            shape = plan.shape
            if shape == "portalrb_json" and plan.template_every and number % plan.template_every == 0:
                shape = "portalrb_template"
            stem = f"{plan.province}_{year}_{slug(unit)}"
            if shape == "lampiran3":
                quirks = _quirks(bank, number, answers, rng) if plan.quirks else Quirks()
                path = write_lampiran3(out / f"lke_{stem}.xlsx", answers, quirks, rules)
            elif shape == "portalrb_template":
                path = write_portalrb_template(out / f"jawaban_{stem}.xlsx", answers, rules)
            else:
                path = write_portalrb_json(
                    out / f"portalrb_{stem}.json", answers, f"UNIT-{plan.province}-{number + 1:03d}", unit, year
                )
            names_itself = shape == "portalrb_json" and plan.json_names_itself
            jenis = group["jenis_unit"].iat[0]
            manifest.append(
                (path.name, province["singkatan"], instansi, "" if names_itself else unit, "" if names_itself else year, jenis)
            )
            written.paths.append(path)
            written.taken |= {(plan.province, instansi, unit, year, stage) for stage in stages}
    path = out / "lke_daftar.csv"
    pd.DataFrame(manifest, columns=["berkas", "provinsi", "instansi", "unit_kerja", "tahun", "jenis_unit"]).to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8"
    )
    written.paths.append(path)
    return written


def _quirks(bank: Bank, number: int, answers: LkeAnswers, rng: np.random.Generator) -> Quirks:
    """One quirk of a real copy in four workbooks out of five, in turn."""
    kind = number % 5
    if kind == 0:
        return Quirks(wrong_range=str(rng.choice([s for s, items in bank.subareas.items() if len(items) > 2])))
    if kind == 1:
        return Quirks(broken_type_labels=True, trailing_spaces=True)
    if kind == 2:  # "Jumlah yang harus melaporkan" typed over its SUM, a little off its parts
        total = bank.item("PW-R3a-a.0")
        parts = sum(int(answers.stages["SA"][total.ref_code(r)]) for r in total.formula.references)  # type: ignore[union-attr, call-overload]
        return Quirks(typed_total=(total.code, float(parts + rng.integers(1, 4))))
    if kind == 3:
        return Quirks(marker_in_text=True)
    return Quirks()


def _answers(bank: Bank, rules: Rules, stages: dict, unit: str, year: int, teladan: bool, rng: np.random.Generator) -> LkeAnswers:
    shares = {stage: _half_shares(rules, bank, row) for stage, row in stages.items()}
    noise = {s: rng.normal(0, SUBAREA_SD) for s in bank.subareas}
    item_noise = {i.code: rng.normal(0, ITEM_SD) for i in bank.items}
    given: dict[str, dict[str, object]] = {}
    for stage in stages:
        answers: dict[str, object] = {}
        for subarea, items in bank.subareas.items():
            for item in items:
                target = float(np.clip(shares[stage][_half_of(rules, bank, item)] + noise[subarea] + item_noise[item.code], 0, 1))
                if item.options:
                    answers[item.code] = _nearest(item.options, target)
                elif item.kind == INDEX_KIND:  # an external survey's result: the TPI takes the unit's
                    answers[item.code] = (
                        given["SA"][item.code]
                        if "SA" in given
                        else round(float(np.clip(target * bank.index_scale(rules), 1.0, 4.0)), 2)
                    )
                elif item.kind == COMPUTED_KIND:
                    start = given.get("SA") or {}
                    answers |= _counts(bank, item, target, start, rng)
        given[stage] = answers
    notes, evidence = _notes(bank, given, unit, year, teladan, rng)
    return LkeAnswers(given, notes, evidence)


def _half_shares(rules: Rules, bank: Bank, row) -> dict[str, float]:
    """Each half's (and result's) share of its weight in one simulated score row (a row or a dict)."""
    shares = {}
    for indicator in rules.indicators(bank.rubric):
        if indicator.level in ("half", "result"):
            value = row[indicator.column] if isinstance(row, dict) else getattr(row, indicator.column)
            shares[indicator.code] = float(value) / indicator.weight
    return shares


def _nearest(options: tuple[tuple[str, float], ...], target: float) -> str:
    """The option whose value comes nearest `target`."""
    return min(options, key=lambda option: abs(option[1] - target))[0]


def _half_of(rules: Rules, bank: Bank, item: Item) -> str:
    if item.part == "hasil":
        return item.area
    return f"{item.area}-{item.part.upper()}"


def _counts(bank: Bank, item: Item, target: float, start: dict, rng: np.random.Generator) -> dict[str, object]:
    """Whole counts for a % item's inputs whose formula comes nearest `target`: from the unit's own counts
    (for a TPI: it corrects the numbers it checked) or drawn, then one input at a time adjusted."""
    assert item.formula is not None
    refs = item.formula.references
    inputs = {r: int(start[item.ref_code(r)]) if item.ref_code(r) in start else int(rng.integers(*COUNTS)) for r in refs}

    def off(values: dict[str, int]) -> float:
        try:
            return abs(item.formula.evaluate({k: float(v) for k, v in values.items()}) - target)  # type: ignore[union-attr]
        except ZeroDenominator:
            return 2.0

    if start and off(inputs) < KEEP_COUNTS:
        return {item.ref_code(r): v for r, v in inputs.items()}  # the TPI finds the unit's counts right
    for ref in refs:

        def closeness(v: int, ref: str = ref) -> tuple[float, int]:
            return off({**inputs, ref: v}), abs(v - inputs[ref])

        inputs[ref] = min(range(0, 41), key=closeness)
    return {item.ref_code(r): v for r, v in inputs.items() if bank.item(item.ref_code(r)).kind == COUNT_KIND}


def _notes(
    bank: Bank, given: dict[str, dict[str, object]], unit: str, year: int, teladan: bool, rng: np.random.Generator
) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    unit_notes, tpi_notes, evidence = {}, {}, {}
    sa, tpi = given["SA"], given.get("TPI", {})
    for item in bank.items:
        if not item.answered or item.kind == COUNT_KIND:
            continue
        value = dict(item.options).get(str(sa.get(item.code)), 1.0) if item.options else 1.0
        document = str(rng.choice(DOCUMENTS))
        if value >= 0.75:
            done = str(rng.choice(LESSONS if teladan and rng.random() < 0.5 else DONE))
            unit_notes[item.code] = f"{document} tentang {item.subarea_name.lower()} ({year}); {done}"
            evidence[item.code] = (
                f"{document} {unit}",
                f"https://drive.example.go.id/zi/{year}/{slug(unit)}/{item.code.lower()}",
            )
        elif value > 0:
            unit_notes[item.code] = f"{item.subarea_name}: {rng.choice(MISSING)}"
        if item.options and item.code in tpi and tpi[item.code] != sa.get(item.code):
            lower = dict(item.options)[str(tpi[item.code])] < value
            tpi_notes[item.code] = TPI_LOWER.format(rng.choice(MISSING)) if lower else TPI_RAISE
    notes = {"SA": unit_notes} | ({"TPI": tpi_notes} if tpi else {})
    return notes, evidence


# -- the national benchmark set -------------------------------------------------------------------------
def write_benchmark(scores: pd.DataFrame, count: int, out: Path, rules: Rules, seed: int, workers: int = 2) -> list[Path]:
    """`count` official workbooks of the latest unit-years of the national simulation (the unit's answers, and a
    TPI's and a TPN's columns where the simulation has those stages), with their manifest: what a national load
    of LKE files reads. Written by `workers` processes; each
    workbook draws from its own seed, so the set is the same however the work is shared."""
    from concurrent.futures import ProcessPoolExecutor

    rows = scores[scores["rubric"] == load_bank(rules).rubric]
    rows = rows.sort_values(["year", "province_code", "instansi", "unit", "stage"], ascending=[False, True, True, True, True])
    key = ["year", "province_code", "instansi", "unit"]
    units = [(unit, group) for unit, group in rows.groupby(key, sort=False) if "SA" in set(group["stage"])][:count]
    tasks, listed = [], []
    for number, ((year, province, instansi, unit), group) in enumerate(units):
        path = out / f"lke_{province}_{year}_{number:05d}.xlsx"
        tasks.append((path, {r["stage"]: r for r in group.to_dict("records")}, unit, int(year), seed, number))
        listed.append((path.name, int(province), instansi, unit, int(year), group["jenis_unit"].iat[0]))
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        paths = list(pool.map(_write_one, tasks, chunksize=50))
    path = out / "lke_daftar.csv"
    pd.DataFrame(listed, columns=["berkas", "provinsi", "instansi", "unit_kerja", "tahun", "jenis_unit"]).to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8"
    )
    return [*paths, path]


def _write_one(task) -> Path:
    path, rows, unit, year, seed, number = task
    rules = load_rules()
    rng = np.random.default_rng(np.random.SeedSequence([seed, number]))
    answers = _answers(load_bank(rules), rules, rows, unit, year, False, rng)
    return write_lampiran3(path, answers, Quirks(), rules)

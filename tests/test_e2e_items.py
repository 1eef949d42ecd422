"""Kaji tiru down to the question, in a real browser, on the bundled sample (item answers for Kalimantan Tengah
and Jawa Barat): a newcomer opens Prioritas perbaikan for a Kalteng unit and downloads which answers to raise
first; goes on to Belajar dari siapa, where the same unit's weakest items are answered fully by Jawa Barat
units, with what they wrote; then builds the meeting pack and finds both item sections in the PowerPoint.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright; skipped where it is missing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from conftest import load
from pptx import Presentation
from streamlit_server import streamlit_server
from test_e2e import BROWSER_ARGS, CHROMIUM, assert_no_exception, choose, follow, open_url, settle, shoot

from zi.query import items
from zi.query.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("butir_e2e") / "zi.duckdb"
    code, out = load([ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv"], db)
    assert code == 0, out
    return db


@pytest.fixture(scope="module")
def learner(warehouse) -> dict:
    """A Kalteng unit with SA and TPI answers in 2025, with what the query layer says about it."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        unit_id, unit, jenis = con.execute(
            "SELECT a.unit_id, s.unit, s.jenis_unit FROM lke_answers a JOIN scores s USING (unit_id, year, stage) "
            "WHERE a.province_code = 62 AND a.year = 2025 AND a.stage = 'TPI' ORDER BY s.unit LIMIT 1"
        ).fetchall()[0]
    finally:
        con.close()
    wh = Warehouse.open(warehouse)
    try:
        steps = items.item_steps(wh, unit_id, 2025, "TPI", "WBK")
        codes = items.weakest_codes(wh, 2025, "TPI", "WBK", "provinsi", 62, unit_id)
        peers = items.item_peers(wh, tuple(codes), 2025, "TPI", 62, unit_id, jenis)
    finally:
        wh.close()
    return {"unit_id": unit_id, "unit": unit, "steps": steps, "peers": peers}


@pytest.fixture(scope="module")
def server(warehouse):
    with streamlit_server(warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="id-ID")
        context.set_default_timeout(60_000)
        yield context.new_page()
        browser.close()


def csv_download(page, index: int, stem: str) -> list[dict]:
    """The rows of the page's `index`-th table CSV (in the tables' order), which must be named `stem`…csv."""
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").nth(index).locator("button").click()
    download = info.value
    assert download.suggested_filename.startswith(stem) and download.suggested_filename.endswith(".csv"), (
        download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_prioritas_then_belajar_then_the_meeting_pack(server, page, learner):
    open_url(page, server + "/prioritas?provinsi_unit=Kalimantan+Tengah&tahun=2025")
    assert_no_exception(page, "prioritas")
    choose(page, "Unit kerja", learner["unit"])
    assert page.get_by_text("Langkah sampai ambang total WBK").is_visible()
    shoot(page, "butir_prioritas")
    rows = csv_download(page, 0, "zi_prioritas_butir_")  # the steps come before the sub-area table
    assert [r["Kode"] for r in rows] == learner["steps"]["kode"].tolist()

    follow(page, "Belajar dari siapa", "belajar")
    assert_no_exception(page, "belajar")
    choose(page, "Unit kerja yang belajar", learner["unit"])
    page.get_by_text("Per butir LKE: siapa yang sudah menjawab penuh").wait_for()
    shoot(page, "butir_belajar")
    rows = csv_download(page, 1, "zi_belajar_butir_")  # after the area-level suggestions
    assert [r["Unit kerja"] for r in rows] == learner["peers"]["unit"].tolist()
    assert "Jawa Barat" in {r["Provinsi"] for r in rows}  # the kaji tiru: Jawa Barat's units, and what they did
    assert any(r["Yang dilakukan"] for r in rows if r["Provinsi"] == "Jawa Barat")

    follow(page, "Paket rapat", "paket")
    assert_no_exception(page, "paket")
    page.get_by_role("button", name="Siapkan berkas rapat").click()
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh PowerPoint (.pptx)").click()
    deck = Presentation(io.BytesIO(Path(info.value.path()).read_bytes()))
    titles = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("Butir yang perlu diperbaiki" in t for t in titles)
    assert any("Yang dilakukan unit teladan" in t for t in titles)
    shoot(page, "butir_paket")

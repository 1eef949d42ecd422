"""The meeting pack in a real browser: start the dashboard on a free port over a warehouse built from
the bundled sample and the seed good practices, open the root URL as a user does, go to Paket rapat,
build, download the PowerPoint and the Excel file and reopen both; then page through Mode presentasi.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright; skipped where it is missing (never
`playwright install`).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import load
from openpyxl import load_workbook
from pptx import Presentation
from streamlit_server import streamlit_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("paket_e2e") / "zi.duckdb"
    code, out = load([ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv"], db)
    assert code == 0, out
    with streamlit_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def download(page, label: str):
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return info.value


def test_download_the_deck_and_the_workbook(server, page):
    page.goto(server + "/")  # the root first, as a user arrives
    page.get_by_role("heading", name="Ringkasan").wait_for()
    page.get_by_role("link", name="Paket rapat").click()
    page.get_by_role("heading", name="Paket rapat").wait_for()
    page.get_by_role("button", name="Siapkan berkas rapat").click()

    pptx = download(page, "Unduh PowerPoint (.pptx)")
    assert pptx.suggested_filename.startswith("zi_paket_kaji_tiru_") and pptx.suggested_filename.endswith(".pptx")
    deck = Presentation(io.BytesIO(Path(pptx.path()).read_bytes()))
    words = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("Kalimantan Tengah belajar dari Jawa Barat" in w for w in words)
    # area, trend, gaps, priorities, and the items to improve (the sample's Kalteng has LKE answers for 2025)
    assert sum(shape.has_chart for slide in deck.slides for shape in slide.shapes) == 5

    xlsx = download(page, "Unduh Excel (.xlsx)")
    assert xlsx.suggested_filename == pptx.suggested_filename.replace(".pptx", ".xlsx")
    book = load_workbook(io.BytesIO(Path(xlsx.path()).read_bytes()))
    values = {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None}
    assert "Kalimantan Tengah" in values and "Jawa Barat" in values


def test_presentation_mode_pages_forward(server, page):
    page.goto(server + "/presentasi")
    page.get_by_role("heading", name="Kaji tiru Zona Integritas").wait_for()
    assert page.get_by_text("layar 1/").is_visible()
    playwright.expect(page.get_by_test_id("stSidebar")).to_be_hidden()  # minimal chrome
    page.get_by_role("button", name="Next page").click()
    page.get_by_text("layar 2/").wait_for()
    page.wait_for_url("**/presentasi?*slide=2*")
    page.get_by_role("button", name="Previous page").click()
    page.get_by_text("layar 1/").wait_for()

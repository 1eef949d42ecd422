"""In a real browser: upload a file on Unggah Data, read the preview, confirm, then find the new unit
on Bandingkan Provinsi in the same session, without a restart.

The server runs `streamlit run dashboard.py` on a free port with ZI_DB pointing at a warehouse built
from data/sample; the browser is Debian's Chromium through Playwright (never a downloaded one).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, load, query
from streamlit_server import streamlit_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
UNIT = "Dinas Uji Peramban"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium tidak ada di /usr/bin/chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_unggah")
    db = folder / "wh" / "zi.duckdb"
    code, out = load(ROOT / "data" / "sample", db)
    assert code == 0, out
    with streamlit_server(db, folder / "server.log") as url:
        yield url, db, folder


def test_upload_in_the_browser_then_see_it_on_the_comparison_page(server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=90_000)  # a check and a load each run the ETL in a child process

    url, db, folder = server
    latest = query(db, "SELECT max(year) FROM scores")[0][0]
    upload = folder / "rekap_kalteng_baru.csv"
    upload.write_text(
        "provinsi;unit_kerja;tahun;tahap;mp;tt;sdm;ak;pw;pp;ipak;ck;ipkp\n"
        f"Kalimantan Tengah;{UNIT};{latest};TPI;6,5;5;8;8;12;8;16;4;15\n",
        encoding="utf-8",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(90_000)
            page.goto(url)  # the root first: the app's own navigation, as a user arrives
            expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible()
            page.get_by_role("link", name="Unggah Data").click()
            expect(page.get_by_role("heading", name="Unggah Data")).to_be_visible()
            page.locator("input[type=file]").set_input_files(str(upload))
            expect(page.get_by_text("Pratinjau perubahan")).to_be_visible()
            expect(page.get_by_text("Baris rekap yang akan ditambahkan")).to_be_visible()
            assert query(db, "SELECT count(*) FROM scores WHERE unit = $u", {"u": UNIT}) == [(0,)]  # nothing before confirm
            page.get_by_role("button", name="Muat ke gudang data").click()
            expect(page.get_by_text("selesai", exact=False).first).to_be_visible()
            assert query(db, "SELECT province_code, stage FROM scores WHERE unit = $u", {"u": UNIT}) == [(62, "TPI")]

            page.get_by_role("link", name="Bandingkan Provinsi").click()  # same session, next interaction
            expect(page.get_by_role("heading", name="Bandingkan Provinsi")).to_be_visible()
            page.get_by_text("Nilai setiap unit kerja").click()
            table = page.get_by_test_id("stExpander").filter(has_text="Nilai setiap unit kerja")
            with page.expect_download() as download:
                table.get_by_role("button", name="Unduh CSV (Excel)").click()
            text = Path(download.value.path()).read_text(encoding="utf-8-sig")
            assert UNIT in text and "Kalimantan Tengah" in text
            page.screenshot(path=str(folder / "bandingkan.png"), full_page=True)
        finally:
            browser.close()


def test_upload_an_lke_workbook_with_the_form_then_see_its_unit_on_profil(server, tmp_path):
    """The LKE path: one official workbook, its unit given in the form, the rules' totals reviewed, loaded."""
    from lke_fixtures import workbook
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=90_000)
    url, db, folder = server
    unit = "Dinas LKE Peramban"
    path = workbook(tmp_path, name="lke_dinas_peramban.xlsx")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(90_000)
            page.goto(url)
            page.get_by_role("link", name="Unggah Data").click()
            expect(page.get_by_role("heading", name="Unggah Data")).to_be_visible()
            page.locator("input[type=file]").set_input_files(str(path))
            expect(page.get_by_text("Identitas unit untuk lke_dinas_peramban.xlsx")).to_be_visible()
            page.get_by_label("Unit kerja").fill(unit)
            page.get_by_label("Tahun penilaian").fill("2025")
            page.get_by_role("button", name="Periksa dengan identitas ini").click()
            expect(page.get_by_text("Nilai LKE menurut aturan")).to_be_visible()
            page.screenshot(path=str(folder / "unggah_lke.png"), full_page=True)
            assert query(db, "SELECT count(*) FROM scores WHERE unit = $u", {"u": unit}) == [(0,)]
            page.get_by_role("button", name="Muat ke gudang data").click()
            expect(page.get_by_text("selesai:", exact=False).first).to_be_visible()
            assert query(db, "SELECT stage FROM scores WHERE unit = $u ORDER BY stage", {"u": unit}) == [("SA",), ("TPI",)]

            page.get_by_role("link", name="Profil Unit Kerja").click()
            expect(page.get_by_role("heading", name="Profil Unit Kerja")).to_be_visible()
            page.get_by_role("combobox", name="Unit kerja").click()
            page.keyboard.type(unit)
            page.get_by_role("option", name=f"{unit} — Pemprov Kalimantan Tengah").click()
            expect(page.get_by_role("heading", name=f"{unit} — Pemprov Kalimantan Tengah, 2025")).to_be_visible()
            page.screenshot(path=str(folder / "profil_lke.png"), full_page=True)
        finally:
            browser.close()

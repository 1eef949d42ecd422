"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

The server runs on a free port with ZI_DB pointing to a temporary copy of a warehouse that the ETL
builds from the bundled sample. Every page is visited through the sidebar; a selection is changed
and read back from the page, from the URL and from a second page opened on that URL; a CSV is
downloaded and read. Screenshots go to tests/artifacts/ (gitignored). Never `playwright install`:
the module is skipped, with the reason, where /usr/bin/chromium is missing.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from streamlit_server import logged_problems, streamlit_server

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

pytest_plugins = ["dashboard_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TITLES = {  # url path -> title, for the dashboard's own pages (other pages are visited too)
    "": "Ringkasan",
    "bandingkan": "Bandingkan Provinsi",
    "tren": "Tren menuju WBK",
    "profil": "Profil Unit Kerja",
    "metodologi": "Metodologi & Sumber",
}
SAMPLE_NOTICE_START = "Data contoh: angka dibuat oleh generator"


@pytest.fixture(scope="module")
def warehouse_copy(sample_db, tmp_path_factory) -> Path:
    """A private copy: the server holds it open; nothing else touches it."""
    copy = tmp_path_factory.mktemp("e2e") / "zi.duckdb"
    shutil.copy2(sample_db, copy)
    return copy


FIRST_VISIT: dict[str, str] = {}  # what the first visit after the server start saw (tested below)


@pytest.fixture(scope="module")
def server_log(warehouse_copy) -> Path:
    return warehouse_copy.parent / "streamlit.log"


@pytest.fixture(scope="module")
def server(warehouse_copy, server_log, browser):
    """The server of this module. Its first visit is a link to a page (what a colleague's copied
    link does after a restart); what that visit shows is kept for the test of it."""
    with streamlit_server(warehouse_copy, server_log) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(base + "/bandingkan?tahap=TPN")
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning] h1", timeout=60_000)
            page.wait_for_timeout(500)
            dialogs = page.locator("[role=dialog]")
            FIRST_VISIT["dialog"] = " ".join(dialogs.first.inner_text().split()) if dialogs.count() else ""
            FIRST_VISIT["title"] = title(page)
        finally:
            context.close()
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser):
    """One browser profile for the module: its HTTP cache spares reloading Streamlit's scripts on every
    page; each page (tab) is still a session of its own."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="id-ID")
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


# -- helpers -------------------------------------------------------------------------------------------
NOT_RUNNING = "[data-testid=stApp][data-test-script-state=notRunning]"


def settle(page) -> None:
    """Wait until the script run the last action triggered has finished and the page is drawn: not
    running, with no element left over from an earlier run and none still waiting for its code (each
    element shows a stSkeleton until its widget's script chunk has loaded, which on a busy machine
    outlasts the run), and still so a moment later (a run that cleans up the link may start the next
    one just after it ends; a busy machine starts it late)."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    deadline = time.monotonic() + 30
    while True:
        page.wait_for_timeout(300)  # a rerun starts a moment after the click
        page.wait_for_selector(NOT_RUNNING, timeout=30_000)
        page.wait_for_timeout(300)
        if page.locator(NOT_RUNNING).count() and not page.locator("[data-stale=true], [data-testid=stSkeleton]").count():
            break
        assert time.monotonic() < deadline, f"{page.url}: the page did not come to rest within 30 s"
    page.wait_for_selector("h1")
    dialogs = page.locator("[role=dialog]")
    assert dialogs.count() == 0, f"{page.url}: unexpected dialog: {dialogs.first.inner_text()}"


def open_url(page, url: str) -> None:
    page.goto(url)
    settle(page)


def title(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def follow(page, link_text: str, path: str) -> None:
    """Click a sidebar link; wait for its URL, for the new page's title, and for its run to end."""
    before, here = title(page), urlsplit(page.url).path.strip("/")
    sidebar_link(page, link_text).click()
    page.wait_for_url(lambda url: urlsplit(url).path.strip("/") == path)
    if path != here:  # every page has its own title
        page.wait_for_function(
            "old => { const h = document.querySelector('h1'); return h && h.innerText.trim() !== old }", arg=before
        )
    settle(page)


def alerts(page) -> list[str]:
    return [" ".join(text.split()) for text in page.get_by_test_id("stAlert").all_inner_texts()]


def assert_no_exception(page, where: str) -> None:
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()}"


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # Streamlit scrolls inside the page: the viewport is what shows


def click_option_button(page, text: str) -> None:
    page.locator("[data-testid=stButtonGroup] button", has_text=text).first.click()
    settle(page)


def checked_buttons(page) -> set[str]:
    return {b.inner_text().strip() for b in page.locator("[data-testid=stButtonGroup] button[aria-checked=true]").all()}


def combobox(page, label: str):
    return page.get_by_test_id("stSelectbox").get_by_role("combobox", name=label, exact=True)


def choose(page, label: str, option: str) -> None:
    combobox(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def selected(page, label: str) -> str:
    return combobox(page, label).input_value()


def sidebar_link(page, text: str):
    return page.get_by_test_id("stSidebarNav").locator("a", has_text=text).first


def sample_status(db: Path) -> tuple[str, int]:
    """The first table file's name (the caption lists rekap and rincian files before LKE files) and how many
    files the scores come from."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT min(p.file_name) FILTER (WHERE f.kind <> 'lke'), count(DISTINCT p.file_name) "
            "FROM provenance p JOIN load_files f USING (load_id, file_name)"
        ).fetchone()
    finally:
        con.close()


# -- tests ---------------------------------------------------------------------------------------------
def test_every_page_through_the_sidebar(page, server, server_log, sample_db):
    first_file, file_count = sample_status(sample_db)  # the server's warehouse is a copy of it
    open_url(page, server + "/")  # the root URL first: the default page
    assert title(page) == "Ringkasan"
    links = page.get_by_test_id("stSidebarNav").locator("a")
    targets = [(link.get_attribute("href"), link.inner_text().split("\n")[-1].strip()) for link in links.all()]
    paths = [urlsplit(href).path.strip("/") for href, _ in targets]
    assert set(TITLES) <= set(paths), paths
    for href, text in targets:
        path = urlsplit(href).path.strip("/")
        if not sidebar_link(page, text).is_visible():  # a page may hide the sidebar (Mode presentasi)
            open_url(page, server + "/")
        follow(page, text, path)
        assert_no_exception(page, path or "/")
        if path in TITLES:
            assert title(page) == TITLES[path]
            assert any(
                a.endswith(SAMPLE_NOTICE_START + " untuk ilustrasi, bukan hasil penilaian sebenarnya.") for a in alerts(page)
            ), path
            status = page.get_by_text("Data per ", exact=False).first.inner_text()
            assert f"sumber: {file_count} berkas ({first_file}" in status and status.endswith("data contoh"), status
        shoot(page, f"page_{path or 'ringkasan'}")
    # from page to page, pickers of several provinces and of one take turns (Bandingkan, Profil, ...)
    assert logged_problems(server_log) == []


def tpn_2023(db: Path) -> list[str]:
    """Of the default pair (Kalimantan Tengah, Jawa Barat), the provinces with TPN scores in 2023."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT DISTINCT province_code, province FROM scores WHERE year = 2023 AND stage = 'TPN' "
            "AND province_code IN (62, 32) AND instansi_level = 'provinsi'"
        ).fetchall()
    finally:
        con.close()
    return [name for code in (62, 32) for c, name in rows if c == code]


def test_selection_in_url_reopens_and_downloads_csv(page, context, server, sample_db):
    shown = tpn_2023(sample_db)
    assert shown == ["Jawa Barat"], "the sample changed: Kalimantan Tengah was not yet proposed to TPN in 2023"
    open_url(page, server + "/bandingkan")
    assert title(page) == "Bandingkan Provinsi"
    assert checked_buttons(page) >= {"TPI", "Pemprov saja"}
    click_option_button(page, "TPN")
    choose(page, "Tahun penilaian", "2023")
    assert_no_exception(page, "bandingkan TPN 2023")
    assert selected(page, "Tahun penilaian") == "2023"
    notice = "1 provinsi terpilih belum punya nilai TPN pada 2023; tidak tampil di grafik."
    assert any(a.endswith(notice) for a in alerts(page)), alerts(page)
    params = query(page)
    assert params["tahap"] == ["TPN"] and params["tahun"] == ["2023"], page.url
    shoot(page, "bandingkan_TPN_2023")

    differences = page.get_by_test_id("stExpander").filter(has_text="Selisih capaian per area")
    differences.get_by_text("Selisih capaian per area").click()  # the table is built once its section opens
    with page.expect_download() as info:
        differences.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").click()
    download = info.value
    assert download.suggested_filename == "zi_bandingkan_selisih_2023_TPN_Jawa-Barat.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    assert rows[0] == ["Area", "Area perubahan", "Jawa Barat"]
    assert [row[0] for row in rows[1:]] == ["MP", "TT", "SDM", "AK", "PW", "PP"]
    assert all("," in row[2] and 0 < float(row[2].replace(",", ".")) <= 100 for row in rows[1:])

    # the copied link opens the same view in another tab (a session of its own)
    other = context.new_page()
    try:
        open_url(other, page.url)
        assert_no_exception(other, "reopened link")
        assert selected(other, "Tahun penilaian") == "2023"
        assert "TPN" in checked_buttons(other) and "TPI" not in checked_buttons(other)
        assert any(a.endswith(notice) for a in alerts(other))
        assert query(other) == params
    finally:
        other.close()


def test_bad_link_falls_back_with_a_notice(page, server):
    open_url(page, server + "/bandingkan?tahun=1900&provinsi=Atlantis&tahap=XYZ")
    assert_no_exception(page, "bad link")
    texts = alerts(page)
    for key, value in (("tahun", "1900"), ("provinsi", "Atlantis"), ("tahap", "XYZ")):
        assert any(f"Nilai tautan '{key}' tidak dikenal ({value})" in a for a in texts), texts
    assert "TPI" in checked_buttons(page)
    assert query(page) == {}, page.url  # the bad values are dropped from the link
    # the default view is drawn: its four charts and the items' (the bundled data has LKE answers), and the
    # section of the table below them
    assert page.get_by_test_id("stPlotlyChart").count() == 5
    assert page.get_by_test_id("stExpander").filter(has_text="Selisih capaian per area").count() == 1


def test_province_choice_survives_moving_between_pages(page, context, server, server_log):
    """Profil picks one province (selectbox, URL key `provinsi_unit`), most pages several (multiselect,
    `provinsi`): the first of several is where Profil starts, and a choice there is in its link."""
    open_url(page, server + "/bandingkan?provinsi=Jawa+Barat&provinsi=Bali")
    follow(page, "Profil Unit Kerja", "profil")
    assert_no_exception(page, "bandingkan -> profil")
    assert selected(page, "Provinsi") == "Jawa Barat"
    assert query(page).get("provinsi_unit") == ["Jawa Barat"] and "provinsi" not in query(page), page.url
    choose(page, "Provinsi", "Bali")
    assert query(page).get("provinsi_unit") == ["Bali"], page.url
    link = page.url
    for text, path in (("Bandingkan Provinsi", "bandingkan"), ("Ringkasan", ""), ("Tren menuju WBK", "tren")):
        follow(page, text, path)
        assert_no_exception(page, f"profil -> {path or '/'}")
        assert query(page).get("provinsi") == ["Jawa Barat", "Bali"], page.url  # the multi pages' own choice
    follow(page, "Profil Unit Kerja", "profil")
    assert selected(page, "Provinsi") == "Bali"  # and Profil's
    other = context.new_page()  # the copied Profil link, in a session of its own
    try:
        open_url(other, link)
        assert_no_exception(other, "profil link")
        assert selected(other, "Provinsi") == "Bali" and title(other) == "Profil Unit Kerja"
    finally:
        other.close()
    assert logged_problems(server_log) == []


def test_a_profil_link_copied_before_the_keys_split_still_opens_its_province(page, server):
    open_url(page, server + "/profil?provinsi=Jawa+Barat")
    assert selected(page, "Provinsi") == "Jawa Barat" and alerts(page)[1:] == []  # the sample notice only
    assert query(page).get("provinsi_unit") == ["Jawa Barat"] and "provinsi" not in query(page), page.url


def test_a_link_as_the_first_visit_after_a_start_opens_cleanly(server):
    """The server fixture's first visit was /bandingkan; Streamlit once drew "Page not found" over it
    (the legacy `pages/` mode of a first session; see dashboard.py)."""
    assert FIRST_VISIT["title"] == "Bandingkan Provinsi"
    assert FIRST_VISIT["dialog"] == ""

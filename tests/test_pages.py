"""AppTest of every dashboard page: header and data status, widgets driven, links (query parameters)
good and bad, empty selections, one colour per province, and the CSV / image downloads.

Numbers asserted here come from the hand-made fixture (`tests/fixtures/dashboard/README.md`); the
bundled sample is used only for what must differ on it (the *data contoh* notice, sub-area detail).
A page is opened either through `zi/app.py` (the script dashboard.py serves: st.navigation, the
sidebar) or, to open it the way a copied link does (a fresh session whose first run carries the
query string), from its own file.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from zi.present.labels import SAMPLE_NOTICE
from zi.present.navigation import all_pages

pytest_plugins = ["dashboard_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
APP = "zi/app.py"  # the script every session runs (dashboard.py only names it)
PAGES = {
    "ringkasan": ("pages/dasbor/ringkasan.py", "Ringkasan"),
    "bandingkan": ("pages/dasbor/bandingkan.py", "Bandingkan Provinsi"),
    "tren": ("pages/dasbor/tren.py", "Tren menuju WBK"),
    "profil": ("pages/dasbor/profil_unit.py", "Profil Unit Kerja"),
    "metodologi": ("pages/data/metodologi.py", "Metodologi & Sumber"),
}
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
BOM = b"\xef\xbb\xbf"
K_INS = "62:pemprov kalimantan tengah:inspektorat"
KALTENG, JABAR = "Kalimantan Tengah", "Jawa Barat"


@pytest.fixture(autouse=True)
def full_error_details():
    """The app's config hides tracebacks from users; a failing test should show them."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.fixture
def open_page(monkeypatch):
    """open_page(db, page=None, **params): a fresh session on the app (`zi/app.py`, page None) or on
    a page file, with the link's query parameters, after its first run."""

    def run(db: Path, page: str | None = None, **params) -> AppTest:
        monkeypatch.setenv("ZI_DB", str(db))
        script = ROOT / (PAGES[page][0] if page in PAGES else page or APP)
        at = AppTest.from_file(str(script), default_timeout=60)
        at.query_params.update(params)
        return at.run()

    return run


@pytest.fixture
def navigate(monkeypatch):
    """navigate(db): a session on the app (`zi/app.py`), then `go(page)` switches through st.navigation."""

    def start(db: Path) -> AppTest:
        monkeypatch.setenv("ZI_DB", str(db))
        return AppTest.from_file(str(ROOT / APP), default_timeout=60).run()

    return start


@pytest.fixture
def downloads(monkeypatch):
    """downloads(at) -> {file name: bytes} of the download buttons of the last run.

    AppTest keeps only a media URL in the button; the bytes go through the media file storage,
    which is recorded here."""
    stored: dict[str, tuple[str | None, bytes]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = (filename, path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)

    def files(at: AppTest) -> dict[str, bytes]:
        out = {}
        for button in at.get("download_button"):
            name, data = stored[Path(button.proto.url).stem]
            out[name] = data
        return out

    return files


# -- reading what a run shows -----------------------------------------------------------------------
def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(e.value + "\n" + "\n".join(e.stack_trace) for e in at.exception)


def literal(text: str) -> str:
    """Markdown as it reads on screen: without the backslashes that keep user text literal."""
    return re.sub(r"\\(.)", r"\1", text)


def infos(at: AppTest) -> list[str]:
    return [literal(i.value) for i in at.info]


def link_notices(at: AppTest) -> list[str]:
    return [text for text in infos(at) if text.startswith("Nilai tautan")]


def table(at: AppTest, column: str):
    """The first table with this (displayed) column."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}: {[list(f.value.columns) for f in at.dataframe]}")


def shown(at: AppTest, column: str) -> pd.DataFrame:
    """The first table with this column as the browser draws it: the Styler's display text (dates
    and rank changes formatted), not the values underneath, which AppTest's `.value` gives."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            styler = frame.proto.arrow_data.styler
            assert styler.display_values, f"table with {column!r} is not styled"
            return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
    raise AssertionError(f"no table with column {column!r}")


MOMENT = re.compile(rf"[1-3]?\d ({'|'.join(MONTHS)}) 20\d\d [0-2]\d\.[0-5]\d")  # '2 Desember 2026 00.03'


def open_sections(at: AppTest, *keys: str) -> AppTest:
    """Open on-demand sections (zi.present.ui.on_demand) as a user's click does: the section's state set, the
    page run again."""
    for key in keys:
        at.session_state[f"buka_{key}"] = True
    return at.run()


def charts(at: AppTest) -> list[dict]:
    out = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        spec["config"] = json.loads(element.proto.config)
        out.append(spec)
    return out


def chart(at: AppTest, title_start: str) -> dict:
    for spec in charts(at):
        if spec["layout"]["title"]["text"].startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}: {[c['layout']['title']['text'] for c in charts(at)]}")


def plain(values) -> list:
    """A Plotly array as a list: Plotly 6 writes numeric arrays as {'dtype', 'bdata' (base64)}."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def xy(trace: dict) -> tuple[list, list]:
    return plain(trace["x"]), plain(trace["y"])


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def trace_colour(trace: dict) -> str | None:
    return (trace.get("marker") or {}).get("color") or (trace.get("line") or {}).get("color")


def loaded_on(db: Path) -> str:
    """'27 November 2026 14.05': the last load as the caption must write it (months spelled out here)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        moment = con.execute("SELECT max(loaded_at) FROM provenance").fetchone()[0]
    finally:
        con.close()
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment.hour:02d}.{moment.minute:02d}"


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM), data[:20]
    text = data[len(BOM) :].decode("utf-8")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


# -- every page: header, data status, sample notice ---------------------------------------------------
def test_every_page_through_the_navigation_on_the_fixture(navigate, fixture_db):
    at = navigate(fixture_db)
    caption = f"Data per {loaded_on(fixture_db)}, sumber: rekap_bali.csv, rekap_jabar.csv, rekap_kalteng.csv"
    for page, (path, title) in PAGES.items():
        if page != "ringkasan":
            at.switch_page(str(ROOT / path)).run()  # relative to zi/app.py otherwise
        no_exception(at)
        assert [t.value for t in at.title] == [title]
        captions = [literal(c.value) for c in at.caption]
        assert caption in captions, (page, captions)
        assert not any(c.endswith("**data contoh**") for c in captions), page  # the fixture is not sample data
        assert SAMPLE_NOTICE not in [w.value for w in at.warning], page
        assert at.sidebar.segmented_control(key="format_gambar").value == "png"
        for spec in charts(at):  # every chart: a toolbar download at presentation size, named after what it shows
            options = spec["config"]["toImageButtonOptions"]
            assert (options["format"], options["width"], options["height"], options["scale"]) == ("png", 1600, 900, 2), page
            assert re.fullmatch(rf"zi_{page}_\w[\w-]*", options["filename"]), options["filename"]
        for button in at.get("download_button"):  # every table: a CSV download
            assert button.proto.label == "Unduh CSV (Excel)"


def test_every_page_says_data_contoh_on_the_bundled_sample(navigate, sample_db):
    sample = ROOT / "data" / "sample"  # the rekap files, then the LKE files, give the score rows
    lke = sorted(p.name for p in (sample / "lke").iterdir() if p.name != "lke_daftar.csv")
    files = sorted(p.name for p in sample.glob("rekap_*")) + lke
    assert len(files) > 3
    at = navigate(sample_db)
    for page, (path, title) in PAGES.items():
        if page != "ringkasan":
            at.switch_page(str(ROOT / path)).run()  # relative to zi/app.py otherwise
        no_exception(at)
        assert [t.value for t in at.title] == [title]
        assert SAMPLE_NOTICE in [w.value for w in at.warning], page
        status = [literal(c.value) for c in at.caption if c.value.startswith("Data per ")]
        assert status == [
            f"Data per {loaded_on(sample_db)}, sumber: {len(files)} berkas ({', '.join(files[:3])}, …) — **data contoh**"
        ], page


@pytest.mark.parametrize("path", [page.file for page in all_pages()])
def test_every_registered_page_runs_without_exception(open_page, fixture_db, path):
    """Also the pages other features add: each one opened fresh on the fixture warehouse."""
    at = open_page(fixture_db, path)
    no_exception(at)
    assert at.title, f"{path}: no title"


# -- Ringkasan ------------------------------------------------------------------------------------------
RANKING = ["Peringkat", "Perubahan peringkat", "Provinsi", "Unit membangun ZI", "Unit diusulkan ke TPN", "Predikat WBBM"]


def ranking(at: AppTest) -> list[tuple]:
    frame = table(at, "Peringkat")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[RANKING].itertuples(index=False)]


def test_ringkasan_default_view(navigate, fixture_db):
    at = navigate(fixture_db)
    no_exception(at)
    # 2024, TPI, Pemprov: Kalteng mean 82.33 rank 1 (up from 2), Jabar 73 rank 2 (down from 1)
    assert ranking(at) == [(1, 1, KALTENG, 3, 1, 0), (2, -1, JABAR, 3, 1, 1)]
    assert shown(at, "Peringkat")["Perubahan peringkat"].tolist() == ["▲ 1", "▼ 1"]  # the CSV keeps 1 and -1
    assert metrics(at) == {
        "Provinsi dengan data": "2",
        "Unit membangun ZI": "6",
        "Rata-rata nasional (semua data) (TPI)": "77,67",  # 466 / 6
        "Rata-rata provinsi terpilih (TPI)": "77,67",  # default peers Kalteng + Jabar: the same six units
    }
    counts = chart(at, "Unit kerja per provinsi, 2024")
    assert [(t["name"], *xy(t)) for t in counts["data"][:2]] == [
        ("Unit membangun ZI", [KALTENG, JABAR], [3, 3]),
        ("Diusulkan ke TPN", [KALTENG, JABAR], [1, 1]),
    ]


def test_ringkasan_widgets_change_the_view(navigate, fixture_db):
    at = navigate(fixture_db)
    at.selectbox(key="tahun").set_value(2023).run()
    no_exception(at)
    # 2023 TPI: Jabar 79.75, Kalteng 63, Bali 58; no 2022, so no rank change
    assert ranking(at) == [(1, None, JABAR, 2, 1, 0), (2, None, KALTENG, 2, 1, 0), (3, None, "Bali", 1, 0, 0)]
    assert shown(at, "Peringkat")["Perubahan peringkat"].tolist() == ["–", "–", "–"]
    assert metrics(at)["Provinsi dengan data"] == "3"
    at.segmented_control(key="tahap").set_value("TPN").run()
    # 2023 TPN: Jabar 78, Kalteng 57; Bali has no TPN row (listed, unranked)
    frame = table(at, "Peringkat")
    assert list(frame["Provinsi"]) == [JABAR, KALTENG, "Bali"]
    assert frame["Rata-rata nilai TPN"].tolist()[:2] == [78.0, 57.0]
    at.selectbox(key="tahun").set_value(2024).run()
    at.segmented_control(key="tahap").set_value("TPI").run()
    at.multiselect(key="provinsi").set_value([62]).run()
    assert metrics(at)["Rata-rata provinsi terpilih (TPI)"] == "82,33"  # (84 + 71 + 92) / 3
    at.segmented_control(key="cakupan").set_value("Dengan kab/kota").run()
    no_exception(at)
    # with Kabupaten Bandung (67): (466 + 67) / 7 = 76.14; Jabar (92 + 67 + 60 + 67) / 4 = 71.5
    assert metrics(at)["Rata-rata nasional (semua data) (TPI)"] == "76,14"
    assert table(at, "Peringkat").set_index("Provinsi").loc[JABAR, "Rata-rata nilai TPI"] == pytest.approx(71.5)


def test_ringkasan_link_selects_the_view(open_page, fixture_db):
    at = open_page(fixture_db, tahun="2023", tahap="TPN", cakupan="Dengan kab/kota", provinsi=["Bali"])
    no_exception(at)
    assert link_notices(at) == []
    assert at.selectbox(key="tahun").value == 2023
    assert at.segmented_control(key="tahap").value == "TPN"
    assert at.segmented_control(key="cakupan").value == "Dengan kab/kota"
    assert list(table(at, "Peringkat")["Provinsi"]) == [JABAR, KALTENG, "Bali"]
    # peers = Bali, which has no TPN: only the national average is shown
    assert list(metrics(at)) == ["Provinsi dengan data", "Unit membangun ZI", "Rata-rata nasional (semua data) (TPN)"]


def test_ringkasan_link_through_the_entry_script(open_page, fixture_db):
    at = open_page(fixture_db, None, tahun="2023", provinsi=["Jawa Barat", "Bali"])
    no_exception(at)
    assert [t.value for t in at.title] == ["Ringkasan"]
    assert at.multiselect(key="provinsi").value == [32, 51]
    assert metrics(at)["Rata-rata provinsi terpilih (TPI)"] == "72,50"  # (84 + 75.5 + 58) / 3


def test_ringkasan_bad_link_falls_back_with_notices(open_page, fixture_db):
    at = open_page(fixture_db, "ringkasan", tahun="1900", tahap="XYZ", cakupan="semua", provinsi=["Atlantis"])
    no_exception(at)
    assert link_notices(at) == [
        "Nilai tautan 'tahun' tidak dikenal (1900); memakai tahun terbaru.",
        "Nilai tautan 'tahap' tidak dikenal (XYZ); memakai TPI.",
        "Nilai tautan 'cakupan' tidak dikenal (semua); memakai pemerintah provinsi saja.",
        "Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai pilihan bawaan.",
    ]
    assert ranking(at) == [(1, 1, KALTENG, 3, 1, 0), (2, -1, JABAR, 3, 1, 1)]  # the default view


def test_ringkasan_csv_download(navigate, fixture_db, downloads):
    at = navigate(fixture_db)
    files = downloads(at)
    assert list(files) == ["zi_ringkasan_peringkat_2024_TPI.csv"]
    rows = csv_rows(files["zi_ringkasan_peringkat_2024_TPI.csv"])
    assert rows[0][:3] == ["Peringkat", "Perubahan peringkat", "Provinsi"]
    assert rows[1][:4] == ["1", "1", KALTENG, "3"]
    assert rows[2][:4] == ["2", "-1", JABAR, "3"]  # a negative number stays a number (no apostrophe)
    assert rows[2][8] == "73,0"  # decimal comma


# -- Bandingkan -----------------------------------------------------------------------------------------
DIFF = "Selisih Jawa Barat − Kalimantan Tengah"


def no_items(stage: str, year: int) -> str:
    """What Bandingkan says under its item heading when no province has LKE answers (the fixture has none)."""
    return (
        f"Perbandingan per butir perlu jawaban LKE per butir ({stage} {year}) dari dua provinsi atau lebih; yang ada: belum ada."
    )


def test_bandingkan_default_view(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan")
    no_exception(at)
    assert infos(at) == [no_items("TPI", 2024)]
    # the tables wait below the charts until their sections are opened: nothing of them is sent before
    assert [e.label for e in at.expander] == ["Selisih capaian per area (poin persentase dari bobot)", "Nilai setiap unit kerja"]
    assert len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 4
    open_sections(at, "bandingkan_selisih", "bandingkan_unit")
    no_exception(at)
    diff = table(at, DIFF)
    # Kalteng 80 % on every area but PW 73.33 %; Jabar 83.33 % on MP, 66.67 % elsewhere
    assert list(diff["Area"]) == ["MP", "TT", "SDM", "AK", "PW", "PP"]
    assert diff[DIFF].round(2).tolist() == [3.33, -13.33, -13.33, -13.33, -6.67, -13.33]
    bars = chart(at, "Capaian per area perubahan")
    assert [t["name"] for t in bars["data"]] == [KALTENG, JABAR, "Rata-rata terpilih"]
    kalteng = dict(zip(*xy(bars["data"][0]), strict=True))
    assert kalteng["PW"] == pytest.approx(220 / 3) and kalteng["MP"] == pytest.approx(80.0)
    units = table(at, "Nilai total")  # "Nilai setiap unit kerja": by province code, then total
    assert list(zip(units["Unit kerja"], units["Nilai total"], strict=True)) == [
        ("Inspektorat", 92.0),
        ("Dinas Kesehatan", 67.0),
        ('=HYPERLINK("x")', 60.0),
        ("Badan Pendapatan Daerah", 92.0),
        ("Inspektorat", 84.0),
        ("Dinas Kesehatan", 71.0),
    ]


def test_bandingkan_widgets_change_the_view(open_page, fixture_db):
    at = open_sections(open_page(fixture_db, "bandingkan"), "bandingkan_selisih", "bandingkan_unit")
    at.multiselect(key="provinsi").set_value([32, 51]).run()
    no_exception(at)
    # Bali has no 2024 row: said, and left out of the chart and the table
    assert infos(at) == ["1 provinsi terpilih belum punya nilai TPI pada 2024; tidak tampil di grafik.", no_items("TPI", 2024)]
    assert [t["name"] for t in chart(at, "Capaian per area perubahan")["data"]] == [JABAR, "Rata-rata terpilih"]
    at.selectbox(key="tahun").set_value(2023).run()
    no_exception(at)
    assert infos(at) == [no_items("TPI", 2023)]
    diff = table(at, "Selisih Bali − Jawa Barat")
    # 2023 TPI: Jabar (80 % + 70 %) / 2 = 75 % on every area, Bali 50 %: -25 points everywhere
    assert diff["Selisih Bali − Jawa Barat"].round(6).tolist() == [-25.0] * 6
    at.multiselect(key="provinsi").set_value([62, 32]).run()
    at.segmented_control(key="tahap").set_value("TPN").run()
    units = table(at, "Nilai total")
    assert sorted(zip(units["Provinsi"], units["Nilai total"], strict=True)) == [(JABAR, 78.0), (KALTENG, 57.0)]
    at.segmented_control(key="tahap").set_value("TPI").run()
    at.selectbox(key="tahun").set_value(2024).run()
    at.segmented_control(key="cakupan").set_value("Dengan kab/kota").run()
    units = table(at, "Nilai total")
    assert "Kabupaten Bandung" in set(units["Instansi"]) and len(units) == 7


def test_bandingkan_empty_selections_explain_themselves(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan")
    at.multiselect(key="provinsi").set_value([]).run()
    no_exception(at)
    assert infos(at) == ["Pilih setidaknya dua provinsi untuk dibandingkan."]
    assert not at.get("plotly_chart")
    at.multiselect(key="provinsi").set_value([62]).run()
    assert infos(at) == ["Pilih setidaknya dua provinsi untuk dibandingkan."]
    at.multiselect(key="provinsi").set_value([62, 32]).run()
    at.segmented_control(key="tahap").set_value("SA").run()  # no SA row in the fixture
    no_exception(at)
    assert infos(at) == ["Provinsi terpilih belum punya nilai SA pada tahun 2024. Coba tahun atau tahap lain."]


def test_bandingkan_link_selects_the_view(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan", provinsi=["Jawa Barat", "Bali"], tahun="2023", tahap="TPI")
    no_exception(at)
    assert link_notices(at) == []
    assert at.multiselect(key="provinsi").value == [32, 51]
    open_sections(at, "bandingkan_selisih")
    assert list(table(at, "Selisih Bali − Jawa Barat").columns) == [
        "Area",
        "Area perubahan",
        JABAR,
        "Bali",
        "Selisih Bali − Jawa Barat",
    ]


def test_bandingkan_bad_link_falls_back_with_notices(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan", provinsi=["Atlantis"], tahun="1900", tahap="XYZ", cakupan="zzz")
    no_exception(at)
    assert link_notices(at) == [
        "Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai pilihan bawaan.",
        "Nilai tautan 'tahun' tidak dikenal (1900); memakai tahun terbaru.",
        "Nilai tautan 'tahap' tidak dikenal (XYZ); memakai TPI.",
        "Nilai tautan 'cakupan' tidak dikenal (zzz); memakai pemerintah provinsi saja.",
    ]
    assert at.selectbox(key="tahun").value == 2024
    assert at.segmented_control(key="tahap").value == "TPI"
    open_sections(at, "bandingkan_selisih")
    assert DIFF in table(at, DIFF).columns  # Kalteng and Jabar, the default pair


def test_bandingkan_link_keeps_the_known_provinces_of_a_partly_bad_link(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan", provinsi=["Atlantis", "Jawa Barat", "Bali"])
    no_exception(at)
    assert link_notices(at) == ["Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai provinsi lain dari tautan."]
    assert at.multiselect(key="provinsi").value == [32, 51]


def test_a_link_cannot_put_markdown_on_the_page(open_page, fixture_db):
    at = open_page(fixture_db, "bandingkan", provinsi="[Masuk](https://contoh.invalid)", tahun="**1**")
    no_exception(at)
    raw = [i.value for i in at.info]
    assert not any("](https://" in text or "**1**" in text for text in raw), raw
    assert link_notices(at) == [
        "Nilai tautan 'provinsi' tidak dikenal ([Masuk](https://contoh.invalid)); memakai pilihan bawaan.",
        "Nilai tautan 'tahun' tidak dikenal (**1**); memakai tahun terbaru.",
    ]


def test_bandingkan_link_with_an_empty_selection_is_not_a_bad_link(open_page, fixture_db):
    """A cleared province picker is written to the URL as `provinsi=`; reopening it is a valid view."""
    at = open_page(fixture_db, "bandingkan", provinsi="")
    no_exception(at)
    assert link_notices(at) == []
    assert infos(at) == ["Pilih setidaknya dua provinsi untuk dibandingkan."]


def test_bandingkan_csv_is_for_excel_and_neutralises_formulas(open_page, fixture_db, downloads):
    at = open_sections(open_page(fixture_db, "bandingkan"), "bandingkan_selisih", "bandingkan_unit")
    files = downloads(at)
    assert set(files) == {
        "zi_bandingkan_selisih_2024_TPI_Kalimantan-Tengah-Jawa-Barat.csv",
        "zi_bandingkan_unit_2024_TPI_Kalimantan-Tengah-Jawa-Barat.csv",
    }
    units = csv_rows(files["zi_bandingkan_unit_2024_TPI_Kalimantan-Tengah-Jawa-Barat.csv"])
    header = units[0]
    assert header[:4] == ["Provinsi", "Instansi", "Unit kerja", "Jenis unit"]
    by_unit = {row[header.index("Unit kerja")]: row for row in units[1:]}
    assert '\'=HYPERLINK("x")' in by_unit  # the formula is text now, apostrophe first
    assert '=HYPERLINK("x")' not in by_unit
    assert by_unit['\'=HYPERLINK("x")'][header.index("Nilai total")] == "60,0"  # numbers stay numbers
    raw = files["zi_bandingkan_unit_2024_TPI_Kalimantan-Tengah-Jawa-Barat.csv"].decode("utf-8-sig")
    assert "\r\n" + JABAR + ';Pemprov Jawa Barat;"\'=HYPERLINK(""x"")";Badan;' in raw
    diff = csv_rows(files["zi_bandingkan_selisih_2024_TPI_Kalimantan-Tengah-Jawa-Barat.csv"])
    assert diff[0] == ["Area", "Area perubahan", KALTENG, JABAR, DIFF]
    assert diff[2][0] == "TT" and diff[2][4].startswith("-13,33")  # a negative difference: no apostrophe


def test_bandingkan_chart_toolbar_downloads_png_or_svg_at_presentation_size(navigate, fixture_db):
    at = navigate(fixture_db)
    at.switch_page(str(ROOT / PAGES["bandingkan"][0])).run()
    configs = [c["config"] for c in charts(at)]
    assert len(configs) == 4
    for config in configs:
        options = config["toImageButtonOptions"]
        assert (options["format"], options["width"], options["height"], options["scale"]) == ("png", 1600, 900, 2)
    assert configs[0]["toImageButtonOptions"]["filename"] == "zi_bandingkan_area_2024_TPI_Kalimantan-Tengah-Jawa-Barat"
    at.sidebar.segmented_control(key="format_gambar").set_value("svg").run()
    no_exception(at)
    assert {c["config"]["toImageButtonOptions"]["format"] for c in charts(at)} == {"svg"}


# -- one colour per province ---------------------------------------------------------------------------
def province_colours(specs: list[dict], names: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for spec in specs:
        for trace in spec["data"]:
            if trace.get("name") in names:
                found.setdefault(trace["name"], set()).add(trace_colour(trace))
    return found


def test_a_province_has_one_colour_on_every_chart(open_page, fixture_db):
    names = {KALTENG, JABAR, "Bali"}
    bandingkan = open_page(fixture_db, "bandingkan")
    tren = open_page(fixture_db, "tren")
    specs = charts(bandingkan) + charts(tren)
    colours = province_colours(specs, names)
    # each province is drawn on five charts: area bars, unit distribution, small multiples (Bandingkan);
    # province trend, slope (Tren)
    for name in (KALTENG, JABAR):
        assert sum(any(t.get("name") == name for t in spec["data"]) for spec in specs) == 5, name
    assert len(colours[KALTENG]) == 1 and len(colours[JABAR]) == 1 and None not in colours[KALTENG] | colours[JABAR]
    assert colours[KALTENG] != colours[JABAR]
    # another choice and order of provinces does not repaint them
    other = open_page(fixture_db, "bandingkan", provinsi=["Jawa Barat", "Bali", "Kalimantan Tengah"], tahun="2023")
    again = province_colours(charts(other), names)
    assert again[KALTENG] == colours[KALTENG] and again[JABAR] == colours[JABAR]
    assert len(again["Bali"]) == 1 and again["Bali"].isdisjoint(colours[KALTENG] | colours[JABAR])


# -- Tren --------------------------------------------------------------------------------------------------
def test_tren_default_view(open_page, fixture_db):
    at = open_page(fixture_db, "tren")
    no_exception(at)
    frame = table(at, "Memenuhi syarat WBK")
    assert [
        (r[0], r[1], r[2], r[3])
        for r in frame[["Provinsi", "Tahun", "Unit dinilai TPI", "Memenuhi syarat WBK"]].itertuples(index=False)
    ] == [(JABAR, 2023, 2, 1), (JABAR, 2024, 3, 1), (KALTENG, 2023, 2, 0), (KALTENG, 2024, 3, 2)]
    lines = chart(at, "Rata-rata nilai total per provinsi")
    by_name = {t["name"]: t for t in lines["data"]}
    assert xy(by_name[KALTENG]) == ([2023, 2024], [pytest.approx(63.0), pytest.approx(247 / 3)])
    slope = chart(at, "Perubahan nilai total unit kerja 2023 → 2024")
    assert sorted(tuple(xy(t)[1]) for t in slope["data"]) == [(60.0, 84.0), (66.0, 71.0), (75.5, 67.0), (84.0, 92.0)]
    assert len(chart(at, "Nilai total unit kerja")["data"]) == 5  # the five units with the highest latest total


def test_tren_widgets_and_empty_states(open_page, fixture_db):
    at = open_page(fixture_db, "tren")
    at.segmented_control(key="tahap").set_value("TPN").run()
    no_exception(at)
    frame = table(at, "Memenuhi syarat WBK")
    assert frame["Rata-rata nilai"].tolist() == [78.0, 85.5, 57.0, 75.0]
    assert frame["Memenuhi syarat WBBM"].tolist() == [0, 1, 0, 0]
    at.multiselect(key="provinsi").set_value([51]).run()
    assert infos(at) == ["Belum ada nilai TPN untuk provinsi terpilih."]
    at.segmented_control(key="tahap").set_value("TPI").run()
    no_exception(at)
    # Bali: one year only; the unit picker falls back to Bali's unit rather than an empty chart
    assert at.multiselect(key="unit_tren").value == ["51:pemprov bali:inspektorat"]
    assert infos(at) == ["Perlu data dari setidaknya dua tahun."]
    at.multiselect(key="unit_tren").set_value([]).run()
    assert infos(at) == ["Pilih satu unit kerja atau lebih untuk melihat trennya.", "Perlu data dari setidaknya dua tahun."]
    at.multiselect(key="provinsi").set_value([]).run()
    no_exception(at)
    assert infos(at) == ["Pilih setidaknya satu provinsi."]
    at.multiselect(key="provinsi").set_value([62]).run()
    at.segmented_control(key="tahap").set_value("SA").run()
    assert infos(at) == ["Belum ada nilai SA untuk provinsi terpilih."]


def test_tren_link_good_and_bad(open_page, fixture_db):
    at = open_page(fixture_db, "tren", provinsi=["Bali", "Jawa Barat"], tahap="TPN")
    no_exception(at)
    assert link_notices(at) == []
    assert list(table(at, "Memenuhi syarat WBK")["Provinsi"]) == [JABAR, JABAR]  # Bali has no TPN
    bad = open_page(fixture_db, "tren", provinsi="Atlantis", tahap="XYZ")
    no_exception(bad)
    assert link_notices(bad) == [
        "Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai pilihan bawaan.",
        "Nilai tautan 'tahap' tidak dikenal (XYZ); memakai TPI.",
    ]
    assert len(table(bad, "Memenuhi syarat WBK")) == 4


# -- Profil Unit Kerja -----------------------------------------------------------------------------------
def test_profil_default_and_unit_pick(open_page, fixture_db):
    at = open_page(fixture_db, "profil")
    no_exception(at)
    # Kalteng, first unit by instansi and name: Badan Pendapatan Daerah, its latest year 2024
    assert [literal(s.value) for s in at.subheader][0] == "Badan Pendapatan Daerah — Pemprov Kalimantan Tengah, 2024"
    assert metrics(at) == {"Nilai total TPI": "92,00"}
    assert [literal(m.value) for m in at.markdown if m.value.startswith("**")] == [
        '**=HYPERLINK("x")** (Jawa Barat) — nilai total TPI 60,00'
    ]
    at.selectbox(key="unit").set_value(K_INS).run()
    no_exception(at)
    assert metrics(at) == {"Nilai total TPI": "84,00", "Nilai total TPN": "75,00"}
    assert "WBK: Memenuhi syarat · WBBM: Belum memenuhi syarat" in [c.value for c in at.caption]
    profile = chart(at, "Capaian area pengungkit per tahap")
    assert [t["name"] for t in profile["data"]] == ["TPI (Tim Penilai Internal)", "TPN (Tim Penilai Nasional)"]
    assert [values[:2] for values in xy(profile["data"][0])] == [["MP (P)", "MP (R)"], [80.0, 80.0]]
    # no label on another: values inside the bars' ends, the WBK/WBBM lines behind the bars and named
    # in the right margin (x past the plot's right edge, paper coordinates)
    assert {(t["textposition"], t["insidetextanchor"]) for t in profile["data"]} == {("inside", "end")}
    lines = profile["layout"]["shapes"]
    assert [(s["y0"], s["layer"]) for s in lines] == [(60.0, "below"), (75.0, "below")]
    names = profile["layout"]["annotations"]
    assert [(a["text"], a["xref"], a["x"] >= 1, a["xanchor"]) for a in names] == [
        ("syarat WBK<br>60 %", "x domain", True, "left"),
        ("syarat WBBM<br>75 %", "x domain", True, "left"),
    ]
    conditions = table(at, "Kekurangan (poin)")
    failing = conditions[(conditions["Tahap"] == "TPI") & ~conditions["Terpenuhi"]]
    assert sorted(zip(failing["Predikat"], failing["Kekurangan (poin)"], strict=True)) == [("WBBM", 1.0), ("WBBM", 1.0)]
    at.selectbox(key="tahun_unit").set_value(2023).run()
    assert metrics(at) == {"Nilai total TPI": "60,00", "Nilai total TPN": "57,00"}
    assert [literal(m.value) for m in at.markdown if m.value.startswith("**")][
        0
    ] == "**Inspektorat** (Jawa Barat) — nilai total TPI 84,00"
    at.selectbox(key="tahun_unit").set_value(2024).run()
    at.segmented_control(key="tahap_banding").set_value("TPN").run()
    no_exception(at)
    assert [literal(m.value) for m in at.markdown if m.value.startswith("**")][
        0
    ] == "**Inspektorat** (Jawa Barat) — nilai total TPN 85,50, predikat Menuju WBBM"
    assert [t["name"] for t in chart(at, "Capaian per area, tahap TPN")["data"]] == [
        "Inspektorat — Pemprov Kalimantan Tengah",
        "Inspektorat (Jawa Barat)",
    ]


def test_profil_province_pick(open_page, fixture_db):
    at = open_page(fixture_db, "profil")
    at.selectbox(key="provinsi_unit").set_value(32).run()
    no_exception(at)
    assert at.selectbox(key="unit").options == [
        "Inspektorat — Kabupaten Bandung",
        '=HYPERLINK("x") — Pemprov Jawa Barat',
        "Dinas Kesehatan — Pemprov Jawa Barat",
        "Inspektorat — Pemprov Jawa Barat",
    ]
    assert [literal(s.value) for s in at.subheader][0] == "Inspektorat — Kabupaten Bandung, 2024"


def test_profil_link_selects_unit_and_year(open_page, fixture_db):
    at = open_page(fixture_db, "profil", provinsi="Jawa Barat", unit="Inspektorat — Pemprov Jawa Barat", tahun_unit="2023")
    no_exception(at)
    assert link_notices(at) == []
    assert [literal(s.value) for s in at.subheader][0] == "Inspektorat — Pemprov Jawa Barat, 2023"
    assert metrics(at) == {"Nilai total TPI": "84,00", "Nilai total TPN": "78,00"}
    assert [s.value for s in at.success] == ["Predikat: Menuju WBK"]


def test_profil_link_with_its_own_province_key(open_page, fixture_db):
    """`provinsi_unit` (one province) beside `provinsi` (several, the other pages): a link of either opens it."""
    at = open_page(fixture_db, "profil", provinsi_unit="Jawa Barat", unit="Inspektorat — Pemprov Jawa Barat", tahun_unit="2023")
    no_exception(at)
    assert link_notices(at) == []
    assert at.selectbox(key="provinsi_unit").value == 32
    assert [literal(s.value) for s in at.subheader][0] == "Inspektorat — Pemprov Jawa Barat, 2023"
    bad = open_page(fixture_db, "profil", provinsi_unit="Atlantis")
    assert link_notices(bad) == ["Nilai tautan 'provinsi_unit' tidak dikenal (Atlantis); memakai pilihan bawaan."]
    assert bad.selectbox(key="provinsi_unit").value == 62
    several = open_page(fixture_db, "profil", provinsi=["Atlantis", "Bali", "Jawa Barat"])  # a multi page's link
    assert link_notices(several) == ["Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai Bali."]
    assert several.selectbox(key="provinsi_unit").value == 51


def test_single_province_pages_start_from_the_provinces_chosen_before(navigate, fixture_db):
    at = navigate(fixture_db)
    at.switch_page(str(ROOT / PAGES["bandingkan"][0])).run()
    at.multiselect(key="provinsi").set_value([51, 32]).run()
    for path in (PAGES["profil"][0], "pages/kaji_tiru/prioritas.py"):
        at.switch_page(str(ROOT / path)).run()
        no_exception(at)
        assert at.selectbox(key="provinsi_unit").value == 51, path
    at.switch_page(str(ROOT / PAGES["bandingkan"][0])).run()
    assert at.multiselect(key="provinsi").value == [51, 32]  # each key keeps its own choice
    # (a choice on a page is written to the URL by the browser, not by AppTest: see test_e2e)


def test_profil_bad_link_falls_back_with_notices(open_page, fixture_db):
    at = open_page(fixture_db, "profil", provinsi="Atlantis", unit="Tidak Ada — Pemprov Atlantis", tahun_unit="1900")
    no_exception(at)
    assert link_notices(at) == [
        "Nilai tautan 'provinsi' tidak dikenal (Atlantis); memakai pilihan bawaan.",
        "Nilai tautan 'unit' tidak dikenal (Tidak Ada — Pemprov Atlantis); memakai unit pertama.",
        "Nilai tautan 'tahun_unit' tidak dikenal (1900); memakai tahun terbaru unit ini.",
    ]
    assert [literal(s.value) for s in at.subheader][0] == "Badan Pendapatan Daerah — Pemprov Kalimantan Tengah, 2024"
    # a unit of another province than the link's province is unknown there, too
    other = open_page(fixture_db, "profil", unit="Inspektorat — Pemprov Jawa Barat")
    assert link_notices(other) == ["Nilai tautan 'unit' tidak dikenal (Inspektorat — Pemprov Jawa Barat); memakai unit pertama."]


def test_profil_csv_downloads(open_page, fixture_db, downloads):
    at = open_page(fixture_db, "profil", provinsi="Jawa Barat", unit='=HYPERLINK("x") — Pemprov Jawa Barat')
    no_exception(at)
    assert at.subheader[0].value == '=HYPERLINK\\("x"\\) — Pemprov Jawa Barat, 2024'  # a name is text, not Markdown
    files = downloads(open_sections(at, "profil_asal_data"))
    assert set(files) == {
        "zi_profil_syarat_HYPERLINK-x-Pemprov-Jawa-Barat_2024.csv",
        "zi_profil_asal_data_HYPERLINK-x-Pemprov-Jawa-Barat.csv",
    }
    origin = csv_rows(files["zi_profil_asal_data_HYPERLINK-x-Pemprov-Jawa-Barat.csv"])
    assert origin[0][:4] == ["Tahun", "Tahap", "File", "Baris"]
    assert origin[1][:4] == ["2024", "TPI", "rekap_jabar.csv", "8"]
    assert shown(at, "SHA-256")["Dimuat"].tolist() == [loaded_on(fixture_db)]  # to the minute, months in words


def test_profil_shows_subarea_detail_on_the_sample(open_page, sample_db):
    at = open_page(sample_db, "profil")
    no_exception(at)
    assert "Rincian sub-area" in [e.label for e in at.expander]
    assert len(table(open_sections(at, "profil_subarea"), "Sub-area")) > 0


# -- Metodologi --------------------------------------------------------------------------------------------
def test_metodologi_tables_and_downloads(open_page, fixture_db, downloads):
    at = open_page(fixture_db, "metodologi")
    no_exception(at)
    thresholds = table(at, "Ambang")
    wbk = thresholds[(thresholds["Rubrik"] == "PermenPANRB 90/2021") & (thresholds["Predikat"] == "WBK")]
    assert dict(zip(wbk["Syarat"], wbk["Ambang"], strict=True))["total"] == 75.0
    assert set(wbk["Syarat riwayat"]) == {"–"}  # WBK needs no earlier predicate: a dash, not "None"
    history = table(at, "Rekap baru")
    assert history[["Muatan", "Rekap baru", "File"]].values.tolist() == [
        [1, 16, "rekap_bali.csv, rekap_jabar.csv, rekap_kalteng.csv"]
    ]
    assert shown(at, "Rekap baru")["Waktu"].tolist() == [loaded_on(fixture_db)]
    assert MOMENT.fullmatch(loaded_on(fixture_db))
    files = downloads(open_sections(at, "metodologi_file"))
    assert {
        "zi_metodologi_ambang.csv",
        "zi_metodologi_bobot.csv",
        "zi_metodologi_riwayat_muatan.csv",
        "zi_metodologi_file.csv",
        "zi_metodologi_indeks_konteks.csv",
        "zi_metodologi_penghargaan_nasional.csv",
    } == set(files)
    rows = csv_rows(files["zi_metodologi_riwayat_muatan.csv"])
    assert rows[1][rows[0].index("File")] == "rekap_bali.csv, rekap_jabar.csv, rekap_kalteng.csv"
    ambang = csv_rows(files["zi_metodologi_ambang.csv"])
    wbk_rows = [r for r in ambang[1:] if r[0] == "PermenPANRB 90/2021" and r[1] == "WBK"]
    assert {r[ambang[0].index("Syarat riwayat")] for r in wbk_rows} == {""}  # the CSV keeps an empty cell


# -- the province picker across pages --------------------------------------------------------------------
def _province_pickers():
    """A multiselect page (key `provinsi`), then the Profil selectbox (key `provinsi_unit`), then a
    multiselect page again."""
    import streamlit as st

    from zi.present import ui

    wh = ui.warehouse()
    if st.session_state.get("step", 0) % 2 == 0:
        st.text(repr(ui.province_filter(wh)))
    else:
        st.text(repr(ui.province_filter(wh, multi=False)))


def test_province_choice_is_carried_between_picker_types(monkeypatch, fixture_db):
    monkeypatch.setenv("ZI_DB", str(fixture_db))
    at = AppTest.from_function(_province_pickers, default_timeout=60)
    at.session_state["step"] = 0
    at.run()
    at.multiselect(key="provinsi").set_value([32, 51]).run()
    assert [t.value for t in at.text] == ["[32, 51]"]
    at.session_state["step"] = 1
    at.run()
    no_exception(at)
    assert [t.value for t in at.text] == ["[32]"]  # the first province chosen, not a list, not the default
    at.session_state["step"] = 2
    at.run()
    no_exception(at)
    # back on a multiselect: its own choice, kept while the selectbox was shown
    assert [t.value for t in at.text] == ["[32, 51]"]


def _large_table():
    import numpy as np
    import pandas as pd

    from zi.present import ui

    rows = 70_000  # x 4 columns: more cells than a pandas Styler renders (262 144)
    ui.show_table(
        pd.DataFrame(
            {"unit": [f"=unit {i}" for i in range(rows)], "total": np.linspace(0, 100, rows), "year": 2024, "pct": 12.5}
        ),
        ("besar",),
    )


def test_a_table_too_large_for_a_styler_still_shows_and_downloads(downloads):
    at = AppTest.from_function(_large_table, default_timeout=60).run()
    no_exception(at)
    assert at.dataframe[0].value.shape == (70_000, 4)
    rows = csv_rows(downloads(at)["zi_besar.csv"])
    assert len(rows) == 70_001 and rows[1] == ["'=unit 0", "0,0", "2024", "12,5"]


def test_unit_names_are_text_not_markup_in_charts():
    """Plotly reads tags (<a href=…>, <b>) in names and hover text; unit names come from uploaded files."""
    from zi.present import charts

    name = '<a href="https://contoh.invalid">Masuk</a> & <b>Dinas</b>'
    frame = pd.DataFrame(
        {
            "unit_id": ["u", "u"],
            "province_code": [32, 32],
            "province": [JABAR, JABAR],
            "unit": [name, name],
            "label": [name, name],
            "year": [2023, 2024],
            "total_pct": [50.0, 60.0],
            "pct_from": [50.0, 50.0],
            "pct_to": [60.0, 60.0],
        }
    )
    lines = charts.trend_lines(frame, "total_pct", "label", "TPI", "judul", colour_by_province=False).to_plotly_json()["data"]
    slope = charts.slope_chart(frame.head(1), 2023, 2024, "TPI").to_plotly_json()["data"]
    boxes = charts.total_distribution(frame, "TPI").to_plotly_json()["data"]
    shown = [lines[0]["name"], lines[0]["hovertemplate"], *slope[0]["text"], *boxes[0]["text"]]
    assert all("<a " not in text and "<b>" not in text for text in shown), shown
    assert lines[0]["name"] == '&lt;a href="https://contoh.invalid"&gt;Masuk&lt;/a&gt; &amp; &lt;b&gt;Dinas&lt;/b&gt;'

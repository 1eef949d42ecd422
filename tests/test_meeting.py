"""The meeting pack: its assembly (`zi.meeting.content.pack`), the PowerPoint deck (`zi.meeting.render.deck`), the Excel workbook
(`zi.meeting.render.workbook`), and the pages Paket rapat and Mode presentasi (AppTest).

The deck and the workbook are reopened with python-pptx and openpyxl, as a participant's Office
would, and compared with the query layer's results. Two warehouses, built by the ETL: the bundled
sample with the seed good practices (*data contoh*), and a tiny non-sample one whose unit and
practice names look like spreadsheet formulas.
"""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path

import pytest
from conftest import load, write_csv
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Emu
from streamlit.testing.v1 import AppTest

from zi.domain.rules import AREAS, load_rules
from zi.meeting.content import chart_data, model
from zi.meeting.content.pack import ITEMS_SHOWN, build_pack
from zi.meeting.render import deck, screens, slide_table, workbook
from zi.present.labels import SAMPLE_NOTICE, item_label, markdown_text, number, percent
from zi.query import queries
from zi.query.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
KALTENG, JABAR = 62, 32
FORMULA_UNIT = '=HYPERLINK("http://x","y")'
MARKDOWN_PRACTICE = "[klik](https://x.example) rapat"


# -- warehouses and packs ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plain_wh(tmp_path_factory):
    """Not sample data; a Kalteng unit named like a formula, a Jabar unit and a practice too."""
    folder = tmp_path_factory.mktemp("paket_plain")
    write_csv(
        folder,
        "rekap_uji.csv",
        "\n".join(
            [
                "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp",
                f'62,"{FORMULA_UNIT.replace(chr(34), chr(34) * 2)}",2024,TPI,6,5,8,8,12,8,16,4,15',
                "62,Inspektorat,2024,TPI,5,4,7,5,9,6,14,3,13",
                "62,Inspektorat,2023,TPI,4,4,6,5,8,6,13,3,12",
                "32,Dinas Perpustakaan,2024,TPI,7,6,9,9,13,9,16.5,4.5,16",
                "32,+Badan Pendapatan,2024,TPI,6.5,5.5,8.5,8,12,8.5,16,4,15",
                "32,Dinas Perpustakaan,2023,TPI,6,5,8,8,12,8,16,4,15",
            ]
        )
        + "\n",
    )
    write_csv(
        folder,
        "praktik_uji.csv",
        "provinsi,unit_kerja,tahun,area,praktik,sumber,catatan\n"
        "32,Dinas Perpustakaan,2024,AK,=1+1 rapat rutin,@sumber uji,-catatan\n"
        f"32,Dinas Perpustakaan,2024,AK,{MARKDOWN_PRACTICE},catatan kunjungan,\n",
    )
    db = folder / "wh" / "zi.duckdb"
    code, out = load(folder, db)
    assert code == 0, out
    wh = Warehouse.open(db)
    yield wh
    wh.close()


def selection(year: int = 2024, **kwargs) -> model.Selection:
    return model.Selection([KALTENG, JABAR], year, "TPI", "provinsi", **kwargs)


@pytest.fixture(scope="module")
def pack(sample_wh):
    return build_pack(sample_wh, selection())


@pytest.fixture(scope="module")
def plain_pack(plain_wh):
    return build_pack(plain_wh, selection())


@pytest.fixture(scope="module")
def slides(pack):
    return Presentation(io.BytesIO(deck.build_deck(pack)))


@pytest.fixture(scope="module")
def plain_slides(plain_pack):
    return Presentation(io.BytesIO(deck.build_deck(plain_pack)))


def section_slides(slides, pack) -> list[tuple[object, model.Section]]:
    """(slide, section) for every slide after the agenda, as the deck's plan lays them out (a long
    table takes more than one slide)."""
    pages = deck.plan(pack)[1:]
    found = list(slides.slides)[2:]
    assert len(found) == len(pages)
    return [(slide, pack.section(page.section)) for slide, page in zip(found, pages, strict=True)]


def first_slides(slides, pack) -> dict[str, object]:
    """The first slide of each section."""
    found: dict[str, object] = {}
    for slide, section in section_slides(slides, pack):
        found.setdefault(section.key, slide)
    return found


def texts(slide) -> list[str]:
    """Every text on a slide: text boxes, titles and table cells."""
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))


# -- the pack -------------------------------------------------------------------------------------
def test_pack_puts_the_learning_province_first_and_names_the_file(pack):
    assert list(pack.names) == [KALTENG, JABAR]
    assert pack.subtitle == "Kalimantan Tengah belajar dari Jawa Barat"
    assert pack.file_name("pptx") == "zi_paket_kaji_tiru_2024_TPI_Kalimantan-Tengah-Jawa-Barat.pptx"
    assert list(pack.tables["ringkasan"].frame["province_code"]) == [KALTENG, JABAR]
    assert pack.tables["area"].frame["province_code"].dropna().astype(int).unique().tolist() == [KALTENG, JABAR]
    assert [s.key for s in pack.sections] == [
        "ringkasan",
        "area",
        "tren",
        "jarak",
        "unit_terdekat",
        "prioritas",
        "butir",
        "belajar",
        "teladan",
        "praktik",
        "sumber",
    ]


def test_thresholds_and_weakest_area_come_from_the_rules_and_the_queries(pack, sample_wh):
    rules = load_rules()
    rubric = rules.rubric_for_year(2024)
    assert pack.target == rules.total_thresholds(rubric)["WBK"]
    assert pack.thresholds == {p: 100 * v / rules.rubrics[rubric].total for p, v in rules.total_thresholds(rubric).items()}
    assert pack.rubric_change == rules.newest_rubric_start()
    own = queries.area_achievement(sample_wh, 2024, "TPI", "provinsi", [KALTENG, JABAR])
    own = own[own["province_code"] == KALTENG].set_index("area")["pct"]
    assert pack.weakest_area == own.idxmin()
    peers = pack.tables["pembanding"].frame
    assert len(peers) and KALTENG not in set(peers["province_code"])
    assert set(pack.tables["praktik"].frame["province_code"]) <= set(peers["province_code"])


def test_a_year_without_data_for_the_learner_still_builds_everything(sample_wh):
    empty = build_pack(sample_wh, selection(2018))  # the sample's Kalteng starts later
    assert any(s.empty for s in empty.sections)
    assert Presentation(io.BytesIO(deck.build_deck(empty))).slides
    assert load_workbook(io.BytesIO(workbook.build_workbook(empty))).sheetnames[0] == workbook.FIRST_SHEET


def test_priorities_of_one_unit(sample_wh, pack):
    unit_id = pack.tables["unit_terdekat"].frame["unit_id"].iat[0]
    unit = pack.tables["unit_terdekat"].frame["unit"].iat[0]
    one = build_pack(sample_wh, selection(unit_id=unit_id))
    expected = queries.priority_items(sample_wh, 2024, "TPI", "WBK", "provinsi", [KALTENG], unit_id).head(ITEMS_SHOWN)
    assert one.tables["prioritas"].frame["code"].tolist() == expected["code"].tolist()
    assert unit in one.section("prioritas").title


# -- the deck -------------------------------------------------------------------------------------
def test_deck_is_16_9_with_a_slide_per_section(slides, pack):
    assert (round(Emu(slides.slide_width).inches, 2), round(Emu(slides.slide_height).inches, 2)) == (13.33, 7.5)
    titles = [slide.shapes.title.text for slide in slides.slides]
    first = [t for t in titles if not t.endswith(slide_table.MORE)]
    assert first == [pack.title, "Agenda"] + [s.title for s in pack.sections]
    # A continuation slide follows the slides of its own section and says so.
    for before, title in itertools.pairwise(titles):
        if title.endswith(slide_table.MORE):
            assert before in (title, title.removesuffix(slide_table.MORE))
    agenda = texts(slides.slides[1])
    assert all(any(s.title in t for t in agenda) for s in pack.sections)


def chart_slides(slides, pack):
    """(section, chart) for every slide that has a chart, in order."""
    for slide, section in section_slides(slides, pack):
        for shape in slide.shapes:
            if shape.has_chart:
                yield section, shape.chart


def test_every_chart_is_native_and_holds_the_pack_data(slides, pack):
    found = list(chart_slides(slides, pack))
    assert [s.key for s, _ in found] == [s.key for s in pack.sections if s.chart]
    assert len(found) == 5  # the sample's Kalteng has LKE answers for 2024: the items to improve have a chart too
    for section, chart in found:
        series = [s for plot in chart.plots for s in plot.series]
        assert [s.name for s in series] == [s.name for s in section.chart.series]
        for plot in chart.plots:
            assert tuple(str(c) for c in plot.categories) == section.chart.categories
        for drawn, expected in zip(series, section.chart.series, strict=True):
            assert all(close(a, b) for a, b in zip(drawn.values, expected.values, strict=True)), (section.key, drawn.name)
    area = dict(found)[pack.section("area")]
    assert [type(p).__name__ for p in area.plots] == ["BarPlot", "LinePlot"]  # peer mean as a line over the bars


def test_chart_data_equals_the_query_results(slides, pack, sample_wh):
    charts_by_key = {section.key: chart for section, chart in chart_slides(slides, pack)}
    codes = [KALTENG, JABAR]

    def series(chart, name):
        return next(s for plot in chart.plots for s in plot.series if s.name == name)

    achievement = queries.area_achievement(sample_wh, 2024, "TPI", "provinsi", codes)
    chart = charts_by_key["area"]
    assert [str(c) for c in chart.plots[0].categories] == list(AREAS)
    for name, rows in achievement.groupby("province"):
        values = rows.set_index("area")["pct"]
        assert all(close(v, values[a]) for v, a in zip(series(chart, name).values, AREAS, strict=True)), name

    trend = queries.province_trend(sample_wh, "TPI", "provinsi", codes)
    chart = charts_by_key["tren"]
    years = [int(c) for c in chart.plots[0].categories]
    assert years == sorted(trend["year"].unique())
    for name, rows in trend.groupby("province"):
        values = dict(zip(rows["year"], rows["mean_pct"], strict=True))
        assert all(close(v, values.get(y)) for v, y in zip(series(chart, name).values, years, strict=True)), name
    for predicate, minimum in load_rules().total_thresholds(load_rules().rubric_for_year(2024)).items():
        line = next(s for s in chart.plots[0].series if s.name.startswith(f"Ambang {predicate}"))
        assert set(line.values) == {minimum}  # rubric total is 100, so % of maximum = points

    distribution = queries.gap_distribution(sample_wh, 2024, "TPI", "WBK", "provinsi", codes).set_index("province")
    chart = charts_by_key["jarak"]
    assert [str(c) for c in chart.plots[0].categories] == ["Kalimantan Tengah", "Jawa Barat"]
    for column, label in chart_data.GAP_COLUMNS.items():
        if column != "unknown" or distribution[column].sum():
            assert list(series(chart, label).values) == [distribution.loc[p, column] for p in ("Kalimantan Tengah", "Jawa Barat")]

    items = queries.priority_items(sample_wh, 2024, "TPI", "WBK", "provinsi", [KALTENG]).head(ITEMS_SHOWN)
    chart = charts_by_key["prioritas"]
    assert [str(c).split(" · ")[0] for c in chart.plots[0].categories] == items["code"].tolist()
    assert all(close(a, b) for a, b in zip(chart.plots[0].series[0].values, items["recoverable"], strict=True))


def test_embedded_chart_workbooks_hold_no_formulas(slides, plain_slides):
    for deck_ in (slides, plain_slides):
        for slide in deck_.slides:
            for shape in slide.shapes:
                if shape.has_chart:
                    book = load_workbook(io.BytesIO(shape.chart.part.chart_workbook.xlsx_part.blob))
                    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_footer_and_sample_mark_on_every_slide(slides, pack):
    for number_, slide in enumerate(slides.slides, start=1):
        names = {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}
        assert names["Kaki slide"] == pack.footer
        assert names["Kaki slide"].startswith(f"Data per {pack.as_of}, sumber: ") and "TPI (Tim Penilai Internal)" in pack.footer
        assert names["Tanda slide"] == f"DATA CONTOH · {number_}/{len(slides.slides)}"
    assert any(SAMPLE_NOTICE in t for t in texts(slides.slides[0]))


def test_no_sample_mark_without_sample_data(plain_slides, plain_pack):
    assert not plain_pack.sample
    for slide in plain_slides.slides:
        everything = [*texts(slide), slide.notes_slide.notes_text_frame.text]
        assert not any("DATA CONTOH" in t or SAMPLE_NOTICE in t for t in everything)
        assert any(t == plain_pack.footer for t in everything)


def test_speaker_notes_carry_the_key_numbers(slides, pack, sample_wh):
    notes = {key: slide.notes_slide.notes_text_frame.text for key, slide in first_slides(slides, pack).items()}
    assert all(notes[s.key] for s in pack.sections if not s.empty)
    summary = queries.province_summary(sample_wh, 2024, "TPI", "provinsi").set_index("province_code")
    for code in (KALTENG, JABAR):
        assert number(summary.loc[code, "mean_total"]) in notes["ringkasan"]  # decimal comma, e.g. 58,47
    difference = summary.loc[JABAR, "mean_total"] - summary.loc[KALTENG, "mean_total"]
    assert f"Selisih rata-rata Jawa Barat − Kalimantan Tengah: {number(difference)} poin" in notes["ringkasan"]
    own = pack.tables["area"].frame
    weakest = own[own["province_code"] == KALTENG].set_index("area")["pct"]
    assert f"terendah {item_label(pack.weakest_area)} ({percent(weakest.min())})" in notes["area"]
    assert f"Area terlemah Kalimantan Tengah: {pack.weakest_area}" in notes["belajar"]
    first = pack.tables["prioritas"].frame.iloc[0]
    assert f"{first['code']} {first['name']}: {number(first['recoverable'])} poin" in notes["prioritas"]


def test_formula_like_names_stay_text_in_the_deck(plain_slides, plain_pack):
    nearest = first_slides(plain_slides, plain_pack)["unit_terdekat"]
    assert FORMULA_UNIT in texts(nearest)


def test_screen_tables_show_markdown_as_text(plain_pack):
    practices = plain_pack.tables["praktik"]
    assert MARKDOWN_PRACTICE in set(practices.frame["practice"])
    shown = screens.screen_table(practices)
    assert markdown_text(MARKDOWN_PRACTICE) in set(shown[markdown_text("Praktik")])
    assert MARKDOWN_PRACTICE not in set(shown[markdown_text("Praktik")])


# -- the workbook ---------------------------------------------------------------------------------
def open_book(pack_) -> tuple:
    data = workbook.build_workbook(pack_)
    return load_workbook(io.BytesIO(data), data_only=False), data


def test_workbook_has_the_selection_sheet_then_one_sheet_per_table(pack):
    book, _ = open_book(pack)
    assert book.sheetnames == [workbook.FIRST_SHEET] + [t.sheet for t in pack.tables.values()]
    first = [c.value for row in book[workbook.FIRST_SHEET].iter_rows() for c in row if c.value is not None]
    for label, value in pack.facts:
        assert label in first and value in first
    for expected in ("data/rules.toml versi " + pack.rules_version, "rekap_62_kalimantan_tengah.csv", "praktik_baik.csv"):
        assert expected in first
    assert any(str(v).startswith("https://") for v in first)  # context indices keep their sources, as text


@pytest.mark.parametrize("which", ["pack", "plain_pack"])
def test_workbook_has_no_formula_cells(which, request):
    book, _ = open_book(request.getfixturevalue(which))
    assert not [(ws.title, c.coordinate) for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_formula_like_text_is_a_quoted_string(plain_pack):
    book, _ = open_book(plain_pack)
    cells = {c.value: c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (FORMULA_UNIT, "+Badan Pendapatan", "=1+1 rapat rutin", "@sumber uji"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text


def test_workbook_numbers_are_numbers(pack, sample_wh):
    book, _ = open_book(pack)
    sheet = book["Ringkasan"]
    header = [c.value for c in sheet[workbook.HEADER_ROW + 1]]
    column = header.index("Rata-rata nilai TPI") + 1
    values = [sheet.cell(row=r, column=column).value for r in (workbook.HEADER_ROW + 2, workbook.HEADER_ROW + 3)]
    summary = queries.province_summary(sample_wh, 2024, "TPI", "provinsi").set_index("province_code")
    assert all(isinstance(v, float) for v in values)
    assert values == pytest.approx([summary.loc[KALTENG, "mean_total"], summary.loc[JABAR, "mean_total"]])
    assert sheet.cell(row=workbook.HEADER_ROW + 2, column=column).number_format == "#,##0.00"
    assert sheet.freeze_panes == f"A{workbook.HEADER_ROW + 2}"


def test_sample_mark_on_every_sheet_only_with_sample_data(pack, plain_pack):
    book, _ = open_book(pack)
    for ws in book:
        assert any("DATA CONTOH" in str(c.value) for row in ws.iter_rows(max_row=5) for c in row), ws.title
    plain, _ = open_book(plain_pack)
    assert not any("DATA CONTOH" in str(c.value) for ws in plain for row in ws.iter_rows() for c in row)


# -- the pages (AppTest) ----------------------------------------------------------------------------
@pytest.fixture
def open_page(monkeypatch, sample_wh):
    def run(page: str, **params) -> AppTest:
        monkeypatch.setenv("ZI_DB", str(sample_wh.path))
        at = AppTest.from_file(str(ROOT / "pages" / "kaji_tiru" / page), default_timeout=90)
        at.query_params.update(params)
        return at.run()

    return run


def test_paket_builds_the_files_only_when_asked(open_page, pack):
    at = open_page("paket.py", tahun="2024")
    assert not at.exception
    assert not at.get("download_button")
    contents = at.dataframe[0].value
    assert contents["Judul"].iloc[0] == "Kaji tiru Zona Integritas" and len(contents) == len(pack.sections) + 2
    at.button(key="siapkan").click().run()
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Unduh PowerPoint (.pptx)", "Unduh Excel (.xlsx)"]


def test_paket_needs_two_provinces(open_page):
    at = open_page("paket.py", provinsi="Kalimantan Tengah")
    assert not at.exception
    assert any("dua provinsi" in i.value for i in at.info)
    assert not at.button


def screen_caption(at: AppTest) -> str:
    return at.caption[-1].value


def test_presentasi_moves_between_screens(open_page, pack):
    at = open_page("presentasi.py", tahun="2024")
    assert not at.exception
    count = len(deck.screens(pack)) + 1  # a title screen, then one per slide after the agenda
    assert at.title[0].value == "Kaji tiru Zona Integritas" and f"layar 1/{count}" in screen_caption(at)
    at.pagination(key="slide").select(2).run()  # the next screen
    assert not at.exception and f"layar 2/{count}" in screen_caption(at) and at.get("plotly_chart")
    at.pagination(key="slide").select(1).run()  # and back
    assert f"layar 1/{count}" in screen_caption(at)


def screen_of(pack, key: str) -> int:
    """The first screen of a section (screen 1 is the title; screen n shows slide n + 1)."""
    return 2 + [k for k, _, _ in deck.screens(pack)].index(key)


def test_presentasi_opens_the_screen_of_the_link(open_page, pack):
    priorities = screen_of(pack, "prioritas")  # a chart
    at = open_page("presentasi.py", tahun="2024", slide=str(priorities))
    assert not at.exception
    assert f"layar {priorities}/" in screen_caption(at) and len(at.get("plotly_chart")) == 1
    at = open_page("presentasi.py", tahun="2024", slide=str(screen_of(pack, "belajar")))  # a table with its heading
    assert at.header[0].value.startswith("Belajar dari siapa") and at.table


def test_presentasi_continues_a_long_table_as_the_deck_does(open_page, pack):
    """Each screen of a table shows the rows of its slide: together every row, once, in order."""
    screens = [(n, rows) for n, (key, _, rows) in enumerate(deck.screens(pack), start=2) if key == "unit_terdekat"]
    assert len(screens) > 1  # the sample's nearest units of Kalteng take more than one slide
    shown = []
    for n, rows in screens:
        at = open_page("presentasi.py", tahun="2024", slide=str(n))
        assert not at.exception
        units = list(at.table[0].value[markdown_text("Unit kerja")])
        assert units == [markdown_text(u) for u in pack.tables["unit_terdekat"].frame["unit"].iloc[list(rows)]]
        shown += units
        if n > screens[0][0]:
            assert at.header[0].value.endswith(markdown_text(slide_table.MORE))
    assert shown == [markdown_text(u) for u in pack.tables["unit_terdekat"].frame["unit"]]


def test_presentasi_falls_back_from_a_bad_link(open_page):
    at = open_page("presentasi.py", slide="99")
    assert not at.exception
    assert any("slide" in i.value and "99" in i.value for i in at.info)
    assert "layar 1/" in screen_caption(at)

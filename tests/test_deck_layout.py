"""The meeting pack as the room sees it, without rendering: slide tables laid out from their content
(`zi.meeting.render.layout`, `zi.meeting.render.slide_table.table_pages`), words instead of codes, public citations,
and the workbook's print settings. `tests/test_render_pack.py` renders the deck and checks the drawing.

Packs of the bundled sample (built by the ETL): Kalimantan Tengah learns from Jawa Barat (2025, TPI,
pemprov, Menuju WBK), Jawa Timur from DKI Jakarta with kab/kota, Kalimantan Tengah from three
provinces at once, and the first with the priorities of one unit whose name is long. The deck is
reopened with python-pptx, the workbook with openpyxl, as a participant's Office would.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from zi.domain.rules import load_rules
from zi.meeting.content import cells, model
from zi.meeting.content.pack import build_pack
from zi.meeting.render import deck, layout, screens, sheet_print, slide_parts, slide_table, workbook
from zi.present.labels import CONDITION_LABELS, PREDICATE_LABELS
from zi.query import queries

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/liberation2")  # Debian fonts-liberation2: Arial's metrics
REPORT = "“Pemprov Kalteng Kaji Tiru Pembangunan Zona Integritas dari Pemprov Jawa Barat”, KaltengTerkini.co.id, 5 Desember 2024"
PAIRS = {
    "kalteng_jabar": ([62, 32], "provinsi"),
    "jatim_dki": ([35, 31], "semua"),
    "empat_provinsi": ([62, 32, 35, 31], "provinsi"),  # three differences beside the area chart
}


@pytest.fixture(scope="module")
def packs(sample_wh) -> dict[str, model.MeetingPack]:
    found = {name: build_pack(sample_wh, model.Selection(codes, 2025, "TPI", scope)) for name, (codes, scope) in PAIRS.items()}
    units = queries.gap_units(sample_wh, 2025, "TPI", "WBK", "provinsi", [62])
    longest = units.loc[units["unit"].str.len().idxmax()]
    found["unit_panjang"] = build_pack(sample_wh, model.Selection([62, 32], 2025, "TPI", "provinsi", unit_id=longest["unit_id"]))
    assert len(longest["unit"]) > 60  # a long name: the title must still fit
    return found


@pytest.fixture(scope="module")
def decks(packs) -> dict[str, Presentation]:
    return {name: Presentation(io.BytesIO(deck.build_deck(p))) for name, p in packs.items()}


def tables(slide):
    return [shape for shape in slide.shapes if shape.has_table]


# -- layout -----------------------------------------------------------------------------------------
@pytest.mark.skipif(
    not (FONTS / "LiberationSans-Regular.ttf").exists(), reason="fonts-liberation2 (Arial's metrics) not installed"
)
@pytest.mark.parametrize("bold", [False, True])
def test_measured_text_is_never_narrower_than_the_font_draws_it(packs, bold):
    """The layout's width table against the font file itself, for every text of every slide table."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONTS / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"), 1000)
    texts = {
        str(v)
        for p in packs.values()
        for t in p.tables.values()
        for v in [*cells.brief(t).to_numpy().ravel(), *cells.brief(t).columns]
    }
    for text in texts:
        for line in text.split("\n"):
            drawn = font.getlength(line) / 1000 * 12  # points at 12 pt
            assert layout.text_width(line, 12, bold) >= drawn - 1e-6, line


def test_a_long_table_continues_on_next_slides_with_its_header():
    rows = 60
    frame = pd.DataFrame(
        {
            "Unit kerja": [f"Dinas Nomor {i} dengan nama yang cukup panjang untuk dua baris" for i in range(rows)],
            "Nilai total": [f"{70 + i / 7:.2f}".replace(".", ",") for i in range(rows)],
            "Catatan": ["kuat di AK (91,6 % dari bobot); naik 12,2 poin % sejak 2021" for _ in range(rows)],
        }
    )
    pages = slide_table.table_pages("Judul tabel", "Keterangan singkat.", ("catatan",), frame)
    assert len(pages) > 1
    assert [p.title for p in pages] == ["Judul tabel"] + ["Judul tabel" + slide_table.MORE] * (len(pages) - 1)
    assert list(itertools.chain.from_iterable(p.rows for p in pages)) == list(range(rows))  # every row once, in order
    assert pages[0].notes == ("catatan",) and all("Lanjutan" in p.notes[0] for p in pages[1:])
    drawn = Presentation(io.BytesIO(_deck_of(pages)))
    for slide in drawn.slides:
        (shape,) = tables(slide)
        assert [c.text for c in shape.table.rows[0].cells] == list(frame.columns)  # the header on every slide
        assert shape.top + sum(r.height for r in shape.table.rows) <= slide_parts.BODY_BOTTOM


def test_a_table_whose_words_do_not_fit_takes_its_shorter_form():
    """Codes with their names where space allows; the codes alone where the names would break."""
    named = pd.DataFrame(
        {"Area": ["SDM · Penataan Sistem Manajemen SDM Aparatur", "PW · Penguatan Pengawasan"], "Selisih": ["7,2", "6,3"]}
    )
    codes = pd.DataFrame({"Area": ["SDM", "PW"], "Selisih": ["7,2", "6,3"]})
    for width, expected in ((Inches(4), named), (Inches(1.4), codes)):
        pages = slide_table.table_pages("Capaian", "Keterangan.", (), named, width=width, shorter=codes)
        (shape,) = tables(Presentation(io.BytesIO(_deck_of(pages))).slides[0])
        assert [row.cells[0].text for row in list(shape.table.rows)[1:]] == list(expected["Area"])


def _deck_of(pages) -> bytes:
    """A bare deck of the given pages (the drawing the real deck does, without a pack)."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = slide_parts.WIDTH, slide_parts.HEIGHT
    for page in pages:
        slide = presentation.slides.add_slide(presentation.slide_layouts[deck.LAYOUT_TITLE_ONLY])
        page.draw(slide, slide_parts.heading(slide, page.title, page.caption))
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["kalteng_jabar", "jatim_dki", "empat_provinsi", "unit_panjang"])
def test_every_slide_table_fits_and_reads_from_the_back_of_the_room(decks, name):
    """Above the footer, inside the slide, no text under 12 pt, no column narrower than its longest
    word (so a number or a code never breaks), rows as tall as the layout measured."""
    drawn = decks[name]
    for number, slide in enumerate(drawn.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= drawn.slide_width, (number, shape.name)
            if shape.name not in ("Kaki slide", "Tanda slide"):
                assert shape.top + shape.height <= slide_parts.FOOTER_TOP, (number, shape.name)
        for shape in tables(slide):
            table = shape.table
            assert shape.top + sum(r.height for r in table.rows) <= slide_parts.BODY_BOTTOM, number
            sizes = {run.font.size.pt for row in table.rows for c in row.cells for p in c.text_frame.paragraphs for run in p.runs}
            assert min(sizes) >= layout.MIN_SIZE, number
            for j, column in enumerate(table.columns):
                room = Emu(column.width).pt - 2 * layout.MARGIN_X
                for i, row in enumerate(table.rows):
                    size, bold = Emu(row.cells[j].text_frame.paragraphs[0].runs[0].font.size).pt, i == 0
                    if i == 0:  # headers wrap between words, body cells never inside one
                        assert layout.longest_word(row.cells[j].text, size, bold) <= room + 0.01, (number, row.cells[j].text)
                    else:
                        assert layout.longest_word(row.cells[j].text, size) <= room + 0.01, (number, row.cells[j].text)


@pytest.mark.parametrize("name", ["kalteng_jabar", "jatim_dki", "empat_provinsi", "unit_panjang"])
def test_titles_and_captions_fit_their_boxes(decks, name):
    for number, slide in enumerate(decks[name].slides, start=1):
        title = slide.shapes.title
        size = title.text_frame.paragraphs[0].runs[0].font.size.pt
        room = Emu(title.width - 2 * slide_parts.INSET_X).pt
        lines = layout.text_lines(title.text_frame.text, room, size, bold=True)
        assert lines <= 2 and Pt(lines * size * layout.LINE) <= title.height, (number, title.text_frame.text)


def test_slide_numbers_follow_the_plan(packs, decks):
    pack, drawn = packs["kalteng_jabar"], decks["kalteng_jabar"]
    numbers = deck.slide_numbers(pack)
    assert [n for key in (s.key for s in pack.sections) for n in numbers[key]] == list(range(3, len(drawn.slides) + 1))
    contents = model.contents(pack, numbers)
    first = {row.Judul: row.Slide for row in contents.itertuples()}
    for section in pack.sections:
        shown = numbers[section.key]
        assert first[section.title] == (str(shown[0]) if len(shown) == 1 else f"{shown[0]}–{shown[-1]}")
        assert drawn.slides[shown[0] - 1].shapes.title.text == section.title


# -- words instead of codes -------------------------------------------------------------------------
def test_blocking_conditions_are_named_in_words(packs, sample_wh):
    """Each code of the query becomes the label of labels.py or the area's name in the rules file."""
    rules = load_rules()
    rubric = rules.rubric_for_year(2025)
    names = {i.code: i.name for i in rules.indicators(rubric)}
    raw = queries.gap_units(sample_wh, 2025, "TPI", "WBK", "provinsi", [62]).set_index("unit_id")["blocked_by"]
    shown = packs["kalteng_jabar"].tables["unit_terdekat"].frame
    assert shown["blocked_by"].notna().any()
    for unit_id, text in zip(shown["unit_id"], shown["blocked_by"], strict=True):
        codes = [c.strip() for c in raw[unit_id].split(",")] if raw[unit_id] else []
        words = [CONDITION_LABELS.get(c) or f"{c.split('-')[0]} · {names[c]}" for c in codes]
        assert (text or None) == ("; ".join(words) or None)


def test_predicates_areas_and_rubrics_are_named(packs):
    rules = load_rules()
    pack = packs["kalteng_jabar"]
    assert set(pack.tables["pembanding"].frame["predicate"]) <= set(PREDICATE_LABELS.values())
    assert set(pack.tables["tren"].frame["rubric"]) <= {r.name for r in rules.rubrics.values()}
    practices = cells.brief(pack.tables["praktik"])
    areas = {i.code: i.name for i in rules.indicators(rules.rubric_for_year(2025), "area")}
    for code, shown in zip(pack.tables["praktik"].frame["area"], practices["Area"], strict=True):
        assert shown == f"{code} · {areas[code]}"
    differences = cells.brief(pack.tables["selisih"])
    assert list(differences["Area"]) == [f"{code} · {areas[code]}" for code in pack.tables["selisih"].frame["area"]]


def test_no_slide_table_shows_a_bare_code(decks):
    """No item of a cell (between ; or ,) is a condition, area, half or result code alone."""
    rules = load_rules()
    codes = set(CONDITION_LABELS) | {i.code for i in rules.indicators() if i.level in ("area", "half", "group", "result")}
    for name, drawn in decks.items():
        for slide in drawn.slides:
            for shape in tables(slide):
                for row in list(shape.table.rows)[1:]:
                    for cell in row.cells:
                        items = {item.strip() for item in re.split(r"[;,]", cell.text)}
                        assert not items & codes, (name, cell.text)


# -- sources ----------------------------------------------------------------------------------------
def test_practices_slide_cites_the_public_report_once(decks, packs):
    pack, drawn = packs["kalteng_jabar"], decks["kalteng_jabar"]
    slide = drawn.slides[deck.slide_numbers(pack)["praktik"][0] - 1]
    (shape,) = tables(slide)
    header = [c.text for c in shape.table.rows[0].cells]
    cited = {row.cells[header.index("Sumber")].text for row in list(shape.table.rows)[1:]}
    assert cited == {"[1]"}
    notes = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("[1] ")]
    assert len(notes) == 1 and notes[0].startswith(f"[1] {REPORT}")
    everything = [s.text_frame.text for sl in drawn.slides for s in sl.shapes if s.has_text_frame]
    assert not any("lke-zi.md" in t or "shared/reference" in t for t in everything)


def test_screen_rows_number_the_sources_as_the_slide_does(packs):
    table = packs["kalteng_jabar"].tables["praktik"]
    shown, sources = screens.screen_rows(table)
    assert set(shown["Sumber"]) == {r"\[1\]"}
    assert len(sources) == 1 and "KaltengTerkini" in sources[0]


# -- the workbook prints as it shows ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["kalteng_jabar", "jatim_dki"])
def test_every_sheet_prints_landscape_at_full_width(packs, name):
    book = load_workbook(io.BytesIO(workbook.build_workbook(packs[name])))
    for sheet in book:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == sheet_print.A4, sheet.title
        # One page wide (1 is the file format's default, so it may be left out), any number of pages down.
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
        assert sheet.print_area == f"'{sheet.title}'!$A$1:${_column(sheet.max_column)}${sheet.max_row}", sheet.title
        assert "DATA CONTOH" in sheet.oddHeader.right.text and "Halaman &P dari &N" in sheet.oddFooter.right.text
        if sheet.title != workbook.FIRST_SHEET:
            assert sheet.print_title_rows == f"${workbook.HEADER_ROW + 1}:${workbook.HEADER_ROW + 1}", sheet.title


def test_long_text_wraps_in_rows_as_tall_as_their_lines(packs):
    book = load_workbook(io.BytesIO(workbook.build_workbook(packs["kalteng_jabar"])))
    sheet = book["Unit terdekat"]
    header = [c.value for c in sheet[workbook.HEADER_ROW + 1]]
    column = header.index("Dihambat oleh (terbesar dulu)") + 1
    letter = _column(column)
    width = sheet.column_dimensions[letter].width
    assert width < max(len(str(c.value or "")) for c in sheet[letter][workbook.HEADER_ROW + 1 :])  # it wraps
    widths = [sheet.column_dimensions[_column(i)].width for i in range(1, sheet.max_column + 1)]
    assert sum(widths) <= sheet_print.PRINT_WIDTH + len(widths)  # the file stores each width with its padding
    for row in range(workbook.HEADER_ROW + 2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        assert cell.alignment.wrap_text
        lines = layout.text_lines(str(cell.value or ""), sheet_print.column_points(width), sheet_print.FONT_SIZE)
        height = sheet.row_dimensions[row].height or sheet_print.ROW_HEIGHT
        assert height >= lines * sheet_print.ROW_HEIGHT, (row, cell.value)


def _column(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)

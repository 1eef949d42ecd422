"""The meeting deck as the room sees it: rendered headlessly (LibreOffice Impress to PDF, `pdftoppm`
to PNG) and read back from the PDF's text boxes (`pdftotext -bbox`).

For three selections of the bundled sample (Kalimantan Tengah learns from Jawa Barat, 2025, TPI,
pemprov, Menuju WBK, as a province and for its unit with LKE answers and the longest name; Jawa Timur
from DKI Jakarta with kab/kota), on every slide: nothing lies below the footer's top or beyond the
slide, no two words are drawn over each other, and no number of a table cell is broken across lines;
on the slides of the LKE's questions every word of a table cell or a chart's category is drawn whole. LibreOffice starts once for both decks (its start-up is the
slow part). The PNGs are left in tests/artifacts/deck/ for a person to look at.

Needs the Debian packages libreoffice-impress-nogui (soffice) and poppler-utils (pdftoppm,
pdftotext); skipped with that reason where they are missing. The deck is set in Arial, which
LibreOffice draws with the metric-compatible Liberation Sans (fonts-liberation2, which LibreOffice
itself depends on).
"""

from __future__ import annotations

import collections
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from conftest import load
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from zi.meeting.content import model
from zi.meeting.content.pack import build_pack
from zi.meeting.render import deck, slide_parts
from zi.query import items, queries
from zi.query.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "deck"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TOOLS = SOFFICE and shutil.which("pdftoppm") and shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not TOOLS,
    reason="rendering the deck needs LibreOffice Impress (Debian: libreoffice-impress-nogui) and poppler-utils (pdftoppm, pdftotext)",
)
SELECTIONS = {
    "kalteng_jabar": model.Selection([62, 32], 2025, "TPI", "provinsi", "WBK"),
    "jatim_dki": model.Selection([35, 31], 2025, "TPI", "semua", "WBK"),
}
UNIT_DECK = "kalteng_unit"  # the first selection for one unit, chosen from the data in the fixture
DECKS = [*SELECTIONS, UNIT_DECK]
ITEM_SECTIONS = ("butir", "teladan")
EPSILON = 0.5  # points: rounding in the PDF's coordinates


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Rendered:
    pack: model.MeetingPack
    slides: Presentation
    pages: list[tuple[float, float, list[Word]]]  # width, height, words of each PDF page
    pngs: list[Path]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("tampilan")
    db = folder / "zi.duckdb"
    code, out = load([ROOT / "data" / "sample", ROOT / "data" / "praktik_baik.csv"], db)
    assert code == 0, out
    wh = Warehouse.open(db)
    try:
        selections = dict(SELECTIONS)
        # Its unit with LKE answers and the longest name: two long titles, the longest agenda.
        units = queries.unit_totals(wh, 2025, "TPI", "provinsi", [62])
        units = units[[not items.unit_answers(wh, u, 2025).empty for u in units["unit_id"]]]
        longest = units.loc[units["unit"].str.len().idxmax(), "unit_id"]
        selections[UNIT_DECK] = replace(SELECTIONS["kalteng_jabar"], unit_id=longest)
        packs = {name: build_pack(wh, selection) for name, selection in selections.items()}
    finally:
        wh.close()
    files = {}
    for name, pack in packs.items():
        files[name] = folder / f"{name}.pptx"
        files[name].write_bytes(deck.build_deck(pack))
    # Its own profile, so a LibreOffice already running (another test run, a user) does not take the job.
    profile = (folder / "profil").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, files.values()),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, pack in packs.items():
        pdf = folder / f"{name}.pdf"
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(ARTIFACTS / name)], check=True, timeout=120)
        boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=120).stdout
        found[name] = Rendered(
            pack, Presentation(io.BytesIO(files[name].read_bytes())), _pages(boxes), sorted(ARTIFACTS.glob(f"{name}-*.png"))
        )
    return found


def _pages(xhtml: bytes) -> list[tuple[float, float, list[Word]]]:
    tree = ET.fromstring(xhtml)
    pages = []
    for page in tree.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [
            Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def slides_and_pages(result: Rendered):
    assert len(result.pages) == len(result.slides.slides)
    return zip(result.slides.slides, result.pages, strict=True)


@pytest.mark.parametrize("name", DECKS)
def test_every_slide_is_rendered_as_a_16_9_picture(rendered, name):
    result = rendered[name]
    assert len(result.pngs) == len(result.slides.slides)
    for png in result.pngs:
        with Image.open(png) as image:
            assert abs(image.width / image.height - 16 / 9) < 0.01, png.name
            inked = sum(image.convert("L").histogram()[:200])  # pixels darker than light grey
            assert inked > 0.005 * image.width * image.height, png.name  # something is drawn on it


@pytest.mark.parametrize("name", DECKS)
def test_nothing_lies_below_the_footer_top_or_beyond_the_slide(rendered, name):
    footer_top = Emu(slide_parts.FOOTER_TOP).pt
    for number, (slide, (width, height, words)) in enumerate(slides_and_pages(rendered[name]), start=1):
        assert words, number
        for word in words:
            assert word.x0 >= -EPSILON and word.x1 <= width + EPSILON, (number, word)
            assert word.y0 >= -EPSILON and word.y1 <= height + EPSILON, (number, word)
            assert not word.y0 < footer_top - EPSILON < word.y1, (number, word)  # nothing straddles the footer's top
        footer = [w.text for w in words if w.y0 >= footer_top - EPSILON]
        expected = [
            t for shape in slide.shapes if shape.name in ("Kaki slide", "Tanda slide") for t in shape.text_frame.text.split()
        ]
        assert collections.Counter(footer) == collections.Counter(expected), number  # only the footer is down there


@pytest.mark.parametrize("name", DECKS)
def test_no_two_words_are_drawn_over_each_other(rendered, name):
    for number, (_, (_, _, words)) in enumerate(slides_and_pages(rendered[name]), start=1):
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                same_line = abs((a.y0 + a.y1) - (b.y0 + b.y1)) / 2 < 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
                assert not (same_line and overlap > 1.0), (number, a, b)


@pytest.mark.parametrize("name", DECKS)
def test_no_table_cell_breaks_a_number_across_lines(rendered, name):
    """Every word of a table cell that holds a digit is drawn whole: a number broken over two lines
    would come out of the PDF as two words (`74,` and `59`)."""
    checked = 0
    for number, (slide, (_, _, words)) in enumerate(slides_and_pages(rendered[name]), start=1):
        drawn = collections.Counter(w.text for w in words)
        wanted = collections.Counter(
            token
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
            for token in cell.text.split()
            if any(ch.isdigit() for ch in token)
        )
        missing = wanted - drawn
        assert not missing, (number, dict(missing))
        checked += sum(wanted.values())
    assert checked > 100  # the decks do have numbers in their tables


@pytest.mark.parametrize("name", ["kalteng_jabar", UNIT_DECK])  # Jawa Timur has no LKE answers in the sample
def test_the_slides_of_the_lke_questions_show_every_word(rendered, name):
    """Every word of the table cells and the chart categories on the slides of "Butir yang perlu
    diperbaiki" and "Yang dilakukan unit teladan" is in the PDF, whole: none cut off, hidden or broken."""
    result = rendered[name]
    numbers = deck.slide_numbers(result.pack)
    shown = [n for key in ITEM_SECTIONS for n in numbers[key]]
    assert len(shown) > len(ITEM_SECTIONS)  # the sample's sections take more slides than one each
    for number in shown:
        slide, (_, _, words) = result.slides.slides[number - 1], result.pages[number - 1]
        wanted = collections.Counter(
            token
            for shape in slide.shapes
            for text in (
                [cell.text for row in shape.table.rows for cell in row.cells]
                if shape.has_table
                else [str(c) for plot in shape.chart.plots for c in plot.categories]
                if shape.has_chart
                else []
            )
            for token in text.split()
        )
        missing = wanted - collections.Counter(w.text for w in words)
        assert not missing, (number, dict(missing))

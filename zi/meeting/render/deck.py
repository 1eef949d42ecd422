"""The meeting pack as a PowerPoint deck (python-pptx, 16:9, Bahasa Indonesia), built from a
`MeetingPack` without a browser.

The deck is planned before it is drawn: every section becomes one or more `Page`s (a table too long
for one slide continues on the next, titled "(lanjutan)"), so each footer can say "slide n of m" and
Mode presentasi can show the same screens. Every table slide goes through `slide_table.table_pages`,
which lays the table out from its content: a new table slide is one call. Titles and captions are
measured too (`slide_parts.heading`), and the body ends above the footer. Charts are native
PowerPoint charts (`zi.meeting.render.deck_charts`). Every slide carries the footer (data as of, source
files, stage) and "DATA CONTOH" while sample data is shown; speaker notes hold the key numbers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace

import streamlit as st
from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from zi.meeting.content.cells import brief, cell_text, display
from zi.meeting.content.model import SAMPLE_MARK, MeetingPack, Section, facts_frame, pack_cache_key
from zi.meeting.render import layout
from zi.meeting.render.deck_charts import add_chart
from zi.meeting.render.slide_parts import (
    BODY_BOTTOM,
    BODY_WIDTH,
    FOOTER_SIZE,
    FOOTER_TOP,
    HEIGHT,
    INK,
    INSET_X,
    INSET_Y,
    MARGIN,
    MUTED,
    WARNING,
    WIDTH,
    font,
    heading,
    place,
    style,
    text_box,
)
from zi.meeting.render.slide_table import MORE, Page, table_pages
from zi.present.labels import SAMPLE_NOTICE

LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # of python-pptx's default template
FIGURES_WIDTH = Inches(3.6)  # key figures beside a chart
AGENDA_SIZES, AGENDA_SPACING = (22, 20, 18, 16), 8  # points: the agenda's type, largest first, and the space after an item


def build_deck(pack: MeetingPack) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    pages = plan(pack)
    _title_slide(deck, pack, len(pages) + 1)
    for number, page in enumerate(pages, start=2):
        slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
        top = heading(slide, page.title, page.caption)
        page.draw(slide, top)
        _footer(slide, pack, number, len(pages) + 1)
        slide.notes_slide.notes_text_frame.text = "\n".join(page.notes)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# The file is rebuilt only for a new selection or a new warehouse version.
cached_deck = st.cache_data(hash_funcs={MeetingPack: pack_cache_key}, max_entries=8, show_spinner=False)(build_deck)


def plan(pack: MeetingPack) -> list[Page]:
    """Every slide after the title slide, in order: the agenda, then each section's pages."""
    pages = [
        Page(
            "Agenda",
            f"Urutan bahasan rapat kaji tiru {pack.subtitle}.",
            lambda slide, top: _agenda(slide, top, pack),
            (f"{len(pack.sections)} bahasan; setiap slide mencantumkan tanggal data dan sumbernya di kaki slide.",),
        )
    ]
    for section in pack.sections:
        if section.empty:
            found = [Page(section.title, section.caption, _words(section.empty), section.notes)]
        else:
            found = RENDER[section.key](pack, section)
        pages += [Page(p.title, p.caption, p.draw, p.notes, section.key, p.rows) for p in found]
    return pages


def slide_numbers(pack: MeetingPack) -> dict[str, list[int]]:
    """The slides each section takes (the title slide is 1, the agenda 2)."""
    numbers: dict[str, list[int]] = {}
    for number, page in enumerate(plan(pack), start=2):
        if page.section:
            numbers.setdefault(page.section, []).append(number)
    return numbers


def screens(pack: MeetingPack) -> list[tuple[str, str, tuple[int, ...] | None]]:
    """Mode presentasi's screens after its title screen, one per slide after the agenda: (section key,
    title, the table rows the slide shows), so the screen and the deck page alike."""
    return [(page.section, page.title, page.rows) for page in plan(pack) if page.section]


# Planning measures every table: once per selection and warehouse version, not at every rerun.
cached_slide_numbers = st.cache_data(hash_funcs={MeetingPack: pack_cache_key}, max_entries=16, show_spinner=False)(slide_numbers)
cached_screens = st.cache_data(hash_funcs={MeetingPack: pack_cache_key}, max_entries=16, show_spinner=False)(screens)


# -- slides ---------------------------------------------------------------------------------------
def _title_slide(deck, pack: MeetingPack, count: int) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    place(title, MARGIN, Inches(1.6), BODY_WIDTH, Inches(1.3))
    place(subtitle, MARGIN, Inches(3.0), BODY_WIDTH, Inches(1.6))
    title.text = pack.title
    style(title.text_frame, 44, INK, bold=True)
    subtitle.text_frame.text = pack.subtitle
    detail = subtitle.text_frame.add_paragraph()
    detail.text = pack.detail
    style(subtitle.text_frame, 24, INK)
    font(detail.runs[0].font, 18, MUTED)
    if pack.sample:
        text_box(slide, f"{SAMPLE_MARK} — {SAMPLE_NOTICE}", MARGIN, Inches(5.0), BODY_WIDTH, Inches(0.8), 18, WARNING, bold=True)
    _footer(slide, pack, 1, count)
    slide.notes_slide.notes_text_frame.text = "\n".join(
        [f"{pack.subtitle}. {pack.detail}.", *(f"{k}: {v}" for k, v in pack.facts[:8])]
    )


def _agenda(slide, top: int, pack: MeetingPack) -> None:
    """The sections as a numbered list, at the largest size at which the list ends above the footer
    (a long unit name in two titles takes two more lines)."""
    lines = [f"{i}. {section.title}" for i, section in enumerate(pack.sections, start=1)]
    room = Emu(BODY_WIDTH - 2 * INSET_X).pt
    height = Emu(BODY_BOTTOM - top - 2 * INSET_Y).pt
    size = next(
        (s for s in AGENDA_SIZES if sum(layout.text_height(line, room, s, spacing=AGENDA_SPACING) for line in lines) <= height),
        AGENDA_SIZES[-1],
    )
    box = text_box(slide, "", MARGIN, top, BODY_WIDTH, BODY_BOTTOM - top, size, INK)
    frame = box.text_frame
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.space_after = Pt(AGENDA_SPACING)
        font(paragraph.runs[0].font, size, INK)


def _words(text: str) -> Callable[[object, int], None]:
    return lambda slide, top: text_box(slide, text, MARGIN, top, BODY_WIDTH, Inches(1), 24, MUTED)


def _summary(pack: MeetingPack, section: Section) -> list[Page]:
    # Measures as rows, provinces as columns: A and B read side by side.
    shown = display(pack.tables["ringkasan"]).set_index("Provinsi").T.reset_index(names="Ukuran")

    def averages(slide, top: int) -> None:
        box = text_box(slide, "", Inches(9.0), top, Inches(3.8), BODY_BOTTOM - top, 14, MUTED)
        frame = box.text_frame
        for i, row in enumerate(pack.tables["rata_rata"].frame.itertuples()):
            for j, (text, size, colour, bold) in enumerate(
                [
                    (row.label, 14, MUTED, False),
                    (cell_text(row.mean_total), 36, INK, True),
                    (f"{row.assessed} unit dinilai {pack.selection.stage}", 14, MUTED, False),
                ]
            ):
                paragraph = frame.paragraphs[0] if i == j == 0 else frame.add_paragraph()
                paragraph.text = text
                paragraph.space_after = Pt(14 if j == 2 else 0)
                font(paragraph.runs[0].font, size, colour, bold)

    return table_pages(section.title, section.caption, section.notes, shown, width=Inches(8.2), beside=averages)


def _areas(pack: MeetingPack, section: Section) -> list[Page]:
    table = pack.tables["selisih"]
    differences = [c for c in (table.brief or {}) if str(c).startswith("Selisih")]
    codes = replace(table, brief={"area": "Area"} | {c: (table.brief or {})[c] for c in differences})

    def shown(frame):  # the pair of provinces on a line of its own under "Selisih"
        return frame.rename(columns=lambda c: c.replace("Selisih ", "Selisih\n", 1))

    # The table beside the chart widens with each province compared; the chart takes the rest.
    width = min(Inches(3.73 + 1.3 * (len(differences) - 1)), BODY_WIDTH // 2)
    left = WIDTH - MARGIN - width
    chart_data = section.chart
    assert chart_data is not None  # a section with areas has its chart (pack.build_pack)

    def chart(slide, top: int) -> None:
        add_chart(slide, chart_data, MARGIN, top, left - Inches(0.2) - MARGIN, BODY_BOTTOM - top)

    return table_pages(
        section.title,
        section.caption,
        section.notes,
        shown(brief(table)),
        left=left,
        width=width,
        beside=chart,
        shorter=shown(brief(codes)),
    )


def _chart_only(pack: MeetingPack, section: Section) -> list[Page]:
    chart_data = section.chart
    assert chart_data is not None  # a chart section that is not empty has its chart (pack.build_pack)

    def chart(slide, top: int) -> None:
        add_chart(slide, chart_data, MARGIN, top, BODY_WIDTH, BODY_BOTTOM - top)

    return [Page(section.title, section.caption, chart, section.notes)]


def _chart_then_table(pack: MeetingPack, section: Section) -> list[Page]:
    """The chart on a slide of its own with the section's key figures beside it, then its table on the
    slides after it (titled "(lanjutan)": they continue the section): a table of questions needs the
    slide's whole width."""
    chart_data = section.chart
    assert chart_data is not None  # a section that is not empty has its chart (lke_items)
    width = BODY_WIDTH - FIGURES_WIDTH - Inches(0.3) if section.figures else BODY_WIDTH

    def chart(slide, top: int) -> None:
        add_chart(slide, chart_data, MARGIN, top, width, BODY_BOTTOM - top)
        if section.figures:
            _figures(slide, top, section.figures)

    (key,) = section.tables
    table = pack.tables[key]
    rows = table_pages(section.title, table.caption, (), brief(table))
    # Every table slide continues the chart's (its body top is measured for the longer title already).
    more = (f"Lanjutan dari slide sebelumnya: {section.title}.",)
    rows = [replace(page, title=section.title + MORE, notes=more) for page in rows]
    return [Page(section.title, section.caption, chart, section.notes), *rows]


def _figures(slide, top: int, figures: tuple[tuple[str, str], ...]) -> None:
    """Key figures one under the other, each a label over its value in large type."""
    box = text_box(slide, "", WIDTH - MARGIN - FIGURES_WIDTH, top, FIGURES_WIDTH, BODY_BOTTOM - top, 14, MUTED)
    frame = box.text_frame
    for i, (label, value) in enumerate(figures):
        for j, (text, size, colour, bold) in enumerate([(label, 14, MUTED, False), (value, 30, INK, True)]):
            paragraph = frame.paragraphs[0] if i == j == 0 else frame.add_paragraph()
            paragraph.text = text
            paragraph.space_after = Pt(16 if j == 1 else 0)
            font(paragraph.runs[0].font, size, colour, bold)


def _nearest(pack: MeetingPack, section: Section) -> list[Page]:
    return table_pages(section.title, section.caption, section.notes, display(pack.tables["unit_terdekat"]))


def _peers(pack: MeetingPack, section: Section) -> list[Page]:
    return table_pages(section.title, section.caption, section.notes, brief(pack.tables["pembanding"]))


def _exemplars(pack: MeetingPack, section: Section) -> list[Page]:
    return table_pages(section.title, section.caption, section.notes, brief(pack.tables["teladan"]))


def _practices(pack: MeetingPack, section: Section) -> list[Page]:
    table = pack.tables["praktik"]
    return table_pages(section.title, section.caption, section.notes, brief(table), cite_column=table.cited_header())


def _sources(pack: MeetingPack, section: Section) -> list[Page]:
    lines = [
        *section.notes,
        "Daftar lengkap sumber (berkas, aturan, indeks konteks, praktik baik): lembar 'Pilihan & sumber' di berkas Excel paket ini.",
    ]

    def notes(slide, top: int) -> None:
        box = text_box(slide, "", Inches(8.4), top, Inches(4.4), BODY_BOTTOM - top, 14, INK)
        for i, line in enumerate(lines):
            paragraph = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
            paragraph.text = line
            paragraph.space_after = Pt(10)
            font(paragraph.runs[0].font, 14, WARNING if line.startswith(SAMPLE_MARK) else INK)

    return table_pages(section.title, section.caption, section.notes, facts_frame(pack), width=Inches(7.6), beside=notes)


RENDER: dict[str, Callable[[MeetingPack, Section], list[Page]]] = {
    "ringkasan": _summary,
    "area": _areas,
    "tren": _chart_only,
    "jarak": _chart_only,
    "unit_terdekat": _nearest,
    "prioritas": _chart_only,
    "butir": _chart_then_table,
    "belajar": _peers,
    "teladan": _exemplars,
    "praktik": _practices,
    "sumber": _sources,
}
# The sections whose chart has a slide of its own, their table the slides after it: Mode presentasi
# shows the chart on the first of their screens and the table on the others.
CHART_THEN_TABLE = frozenset(key for key, render in RENDER.items() if render is _chart_then_table)


# -- footer ---------------------------------------------------------------------------------------
def _footer(slide, pack: MeetingPack, number: int, count: int) -> None:
    text_box(slide, pack.footer, MARGIN, FOOTER_TOP, Inches(10.2), HEIGHT - FOOTER_TOP, FOOTER_SIZE, MUTED, name="Kaki slide")
    mark = (f"{SAMPLE_MARK} · " if pack.sample else "") + f"{number}/{count}"
    box = text_box(
        slide,
        mark,
        Inches(10.8),
        FOOTER_TOP,
        Inches(2.03),
        HEIGHT - FOOTER_TOP,
        FOOTER_SIZE,
        MUTED,
        name="Tanda slide",
        align=PP_ALIGN.RIGHT,
    )
    if pack.sample:
        run = box.text_frame.paragraphs[0].runs[0]
        run.text = f"{SAMPLE_MARK} · "
        font(run.font, FOOTER_SIZE, WARNING, bold=True)
        rest = box.text_frame.paragraphs[0].add_run()
        rest.text = f"{number}/{count}"
        font(rest.font, FOOTER_SIZE, MUTED)

"""The meeting pack as a PowerPoint deck (python-pptx, 16:9, Bahasa Indonesia), built from a
`MeetingPack` without a browser.

Charts are native PowerPoint charts with their data embedded (a participant can edit them or
restyle them), not pictures. Every slide carries the footer (data as of, source files, stage) and
"DATA CONTOH" while sample data is shown; speaker notes hold the key numbers of the slide.
Province colours are those of the dashboard's charts, so Kalimantan Tengah looks the same on the
screen and on the slide.
"""

from __future__ import annotations

import io
from copy import deepcopy

import pandas as pd
import streamlit as st
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Inches, Pt

from zi.meeting.pack import SAMPLE_MARK, ChartData, MeetingPack, Section, brief, cell_text, display, facts_frame, pack_cache_key
from zi.present.charts import PROVINCE_COLOURS, REFERENCE_COLOUR
from zi.present.labels import GAP_GROUPS, SAMPLE_NOTICE

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BODY_TOP, BODY_BOTTOM = Inches(1.75), Inches(6.85)
INK, MUTED, WARNING = RGBColor(0x1F, 0x38, 0x64), RGBColor(0x55, 0x55, 0x55), RGBColor(0xC0, 0x1B, 0x1B)
# Stacked gap bars from "meets every condition" to "three or more away", then "unknown" (as on the Jarak page).
GAP_COLOURS = tuple(colour.lstrip("#") for _, colour in GAP_GROUPS.values())
BAR_COLOUR = "4e79a7"
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # of python-pptx's default template


def build_deck(pack: MeetingPack) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    count = len(pack.sections) + 2
    _title_slide(deck, pack, count)
    _agenda_slide(deck, pack, count)
    for number, section in enumerate(pack.sections, start=3):
        slide = _content_slide(deck, pack, section.title, section.caption, number, count)
        if section.empty:
            _text(slide, section.empty, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1), 24, MUTED)
        else:
            RENDER[section.key](slide, pack, section)
        _notes(slide, section.notes)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# The file is rebuilt only for a new selection or a new warehouse version.
cached_deck = st.cache_data(hash_funcs={MeetingPack: pack_cache_key}, max_entries=8, show_spinner=False)(build_deck)


# -- slides ---------------------------------------------------------------------------------------
def _title_slide(deck, pack: MeetingPack, count: int) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    _place(title, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(1.3))
    _place(subtitle, MARGIN, Inches(3.0), WIDTH - 2 * MARGIN, Inches(1.6))
    title.text = pack.title
    _style(title.text_frame, 44, INK, bold=True)
    subtitle.text_frame.text = pack.subtitle
    detail = subtitle.text_frame.add_paragraph()
    detail.text = pack.detail
    _style(subtitle.text_frame, 24, INK)
    detail.runs[0].font.size, detail.runs[0].font.color.rgb = Pt(18), MUTED
    if pack.sample:
        _text(
            slide,
            f"{SAMPLE_MARK} — {SAMPLE_NOTICE}",
            MARGIN,
            Inches(5.0),
            WIDTH - 2 * MARGIN,
            Inches(0.8),
            18,
            WARNING,
            bold=True,
        )
    _footer(slide, pack, 1, count)
    _notes(slide, [f"{pack.subtitle}. {pack.detail}.", *(f"{k}: {v}" for k, v in pack.facts[:8])])


def _agenda_slide(deck, pack: MeetingPack, count: int) -> None:
    slide = _content_slide(deck, pack, "Agenda", f"Urutan bahasan rapat kaji tiru {pack.subtitle}.", 2, count)
    box = slide.shapes.add_textbox(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    frame = box.text_frame
    frame.word_wrap = True
    for i, section in enumerate(pack.sections, start=1):
        paragraph = frame.paragraphs[0] if i == 1 else frame.add_paragraph()
        paragraph.text = f"{i}. {section.title}"
        paragraph.space_after = Pt(8)
        _font(paragraph.runs[0].font, 22, INK)
    _notes(slide, [f"{len(pack.sections)} bahasan; setiap slide mencantumkan tanggal data dan sumbernya di kaki slide."])


def _content_slide(deck, pack: MeetingPack, title: str, caption: str, number: int, count: int):
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
    _place(slide.shapes.title, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8))
    slide.shapes.title.text = title
    _style(slide.shapes.title.text_frame, 30, INK, bold=True, align=PP_ALIGN.LEFT)
    _text(slide, caption, MARGIN, Inches(1.1), WIDTH - 2 * MARGIN, Inches(0.6), 14, MUTED)
    _footer(slide, pack, number, count)
    return slide


def _summary(slide, pack: MeetingPack, section: Section) -> None:
    # Measures as rows, provinces as columns: A and B read side by side.
    shown = display(pack.tables["ringkasan"]).set_index("Provinsi").T.reset_index(names="Ukuran")
    _table(slide, shown, MARGIN, BODY_TOP, Inches(8.2), 14)
    averages = pack.tables["rata_rata"].frame
    box = slide.shapes.add_textbox(Inches(9.0), BODY_TOP, Inches(3.8), Inches(3))
    frame = box.text_frame
    frame.word_wrap = True
    for i, row in enumerate(averages.itertuples()):
        head = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        head.text = row.label
        _font(head.runs[0].font, 14, MUTED)
        value = frame.add_paragraph()
        value.text = cell_text(row.mean_total)
        _font(value.runs[0].font, 36, INK, bold=True)
        unit = frame.add_paragraph()
        unit.text = f"{row.assessed} unit dinilai {pack.selection.stage}"
        unit.space_after = Pt(14)
        _font(unit.runs[0].font, 14, MUTED)


def _areas(slide, pack: MeetingPack, section: Section) -> None:
    _chart(slide, section.chart, MARGIN, BODY_TOP, Inches(8.4), BODY_BOTTOM - BODY_TOP)  # type: ignore[arg-type]  # a chart section
    table = pack.tables["selisih"]
    shown = display(table)
    keep = ["Area"] + [c for c in shown.columns if str(c).startswith("Selisih")]
    shown = shown[keep].rename(columns=lambda c: c.replace("Selisih ", "Selisih\n") + (" (poin %)" if c != "Area" else ""))
    _table(slide, shown, Inches(9.1), BODY_TOP, Inches(3.73), 14)


def _chart_only(slide, pack: MeetingPack, section: Section) -> None:
    _chart(slide, section.chart, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)  # type: ignore[arg-type]  # a chart section


def _nearest(slide, pack: MeetingPack, section: Section) -> None:
    _table(slide, display(pack.tables["unit_terdekat"]), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 11)


def _peers(slide, pack: MeetingPack, section: Section) -> None:
    _table(slide, brief(pack.tables["pembanding"]), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 11)


def _practices(slide, pack: MeetingPack, section: Section) -> None:
    practices = brief(pack.tables["praktik"])
    width, room = WIDTH - 2 * MARGIN, BODY_BOTTOM - Inches(0.4)  # room for the "shown n of m" line
    # As many as fit above the footer; the workbook has them all.
    shown = next(
        (
            n
            for n in range(len(practices), 0, -1)
            if BODY_TOP + _height(practices.head(n), _widths(practices.head(n), width), 11) <= room
        ),
        1,
    )
    bottom = _table(slide, practices.head(shown), MARGIN, BODY_TOP, width, 11)
    if shown < len(practices):
        _text(
            slide,
            f"Tampil {shown} dari {len(practices)} praktik; semuanya di lembar Excel 'Praktik baik'.",
            MARGIN,
            bottom + Inches(0.05),
            width,
            Inches(0.35),
            12,
            MUTED,
        )


def _sources(slide, pack: MeetingPack, section: Section) -> None:
    _table(slide, facts_frame(pack), MARGIN, BODY_TOP, Inches(7.6), 11)
    box = slide.shapes.add_textbox(Inches(8.4), BODY_TOP, Inches(4.4), BODY_BOTTOM - BODY_TOP)
    frame = box.text_frame
    frame.word_wrap = True
    lines = list(section.notes) + [
        "Daftar lengkap sumber (berkas, aturan, indeks konteks, praktik baik): "
        "lembar 'Pilihan & sumber' di berkas Excel paket ini."
    ]
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.space_after = Pt(10)
        _font(paragraph.runs[0].font, 14, WARNING if line.startswith(SAMPLE_MARK) else INK)


RENDER = {
    "ringkasan": _summary,
    "area": _areas,
    "tren": _chart_only,
    "jarak": _chart_only,
    "unit_terdekat": _nearest,
    "prioritas": _chart_only,
    "belajar": _peers,
    "praktik": _practices,
    "sumber": _sources,
}


# -- native charts --------------------------------------------------------------------------------
def _chart(slide, data: ChartData, left, top, width, height):
    chart_data = CategoryChartData(number_format=data.number_format)
    chart_data.categories = list(data.categories)
    for series in data.series:
        chart_data.add_series(series.name, list(series.values))
    kind = {
        "area": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "trend": XL_CHART_TYPE.LINE_MARKERS,
        "stacked": XL_CHART_TYPE.BAR_STACKED,
        "bars": XL_CHART_TYPE.BAR_CLUSTERED,
    }[data.kind]
    chart = slide.shapes.add_chart(kind, left, top, width, height, chart_data).chart
    chart.font.size = Pt(14)
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    axis = chart.value_axis
    axis.has_title = True
    axis.axis_title.text_frame.text = data.value_title
    _font(axis.axis_title.text_frame.paragraphs[0].runs[0].font, 13, MUTED)
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = data.number_format, False
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    if data.kind in ("area", "trend"):  # % of weight or of maximum: the whole scale, so heights compare
        axis.minimum_scale, axis.maximum_scale = 0, 100
    if data.kind in ("stacked", "bars"):  # horizontal bars: the first category on top, as in the pack
        chart.category_axis.reverse_order = True
    STYLE[data.kind](chart, data)
    return chart


def _style_area(chart, data: ChartData) -> None:
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, -10
    for series, spec in zip(plot.series, data.series, strict=False):
        _fill(series, _colour(spec))
    if data.series[-1].role == "reference":
        line = _as_line(chart, len(data.series) - 1)
        line.format.line.color.rgb, line.format.line.width = RGBColor.from_string(REFERENCE_COLOUR[1:]), Pt(2)
        line.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        line.marker.style, line.marker.size = XL_MARKER_STYLE.DASH, 20
        line.marker.format.fill.solid()
        line.marker.format.fill.fore_color.rgb = RGBColor.from_string(REFERENCE_COLOUR[1:])
        line.smooth = False


def _style_trend(chart, data: ChartData) -> None:
    for series, spec in zip(chart.plots[0].series, data.series, strict=False):
        series.smooth = False
        line = series.format.line
        if spec.role == "threshold":
            line.color.rgb, line.width, line.dash_style = (
                RGBColor.from_string(REFERENCE_COLOUR[1:]),
                Pt(1.5),
                MSO_LINE_DASH_STYLE.DASH,
            )
            series.marker.style = XL_MARKER_STYLE.NONE
        else:
            line.color.rgb, line.width = _colour(spec), Pt(3)
            series.marker.style, series.marker.size = XL_MARKER_STYLE.CIRCLE, 9
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _colour(spec)


def _style_stacked(chart, data: ChartData) -> None:
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = "0;;;", False  # zero segments stay unlabelled
    labels.font.size, labels.font.bold = Pt(16), True
    for series, colour in zip(plot.series, GAP_COLOURS, strict=False):
        _fill(series, RGBColor.from_string(colour))


def _style_bars(chart, data: ChartData) -> None:
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = data.number_format, False
    plot.data_labels.font.size = Pt(12)
    chart.category_axis.tick_labels.font.size = Pt(12)
    _fill(plot.series[0], RGBColor.from_string(BAR_COLOUR))


STYLE = {"area": _style_area, "trend": _style_trend, "stacked": _style_stacked, "bars": _style_bars}


def _as_line(chart, index: int):
    """Move series `index` of a clustered column chart into a line chart on the same axes (a combo
    chart, which python-pptx cannot create directly): the peer mean as a line across the bars."""
    plot_area = chart._chartSpace.chart.plotArea
    bar = plot_area.find(qn("c:barChart"))
    ser = bar.findall(qn("c:ser"))[index]
    bar.remove(ser)
    for tag in ("c:invertIfNegative", "c:pictureOptions", "c:shape"):  # bar-only elements
        for child in ser.findall(qn(tag)):
            ser.remove(child)
    anchor = ser.find(qn("c:spPr")) if ser.find(qn("c:spPr")) is not None else ser.find(qn("c:tx"))
    anchor.addnext(OxmlElement("c:marker"))
    ser.append(_element("c:smooth", "0"))
    line = OxmlElement("c:lineChart")
    line.append(_element("c:grouping", "standard"))
    line.append(_element("c:varyColors", "0"))
    line.append(ser)
    line.append(_element("c:marker", "1"))
    for axis_id in bar.findall(qn("c:axId")):
        line.append(deepcopy(axis_id))
    bar.addnext(line)
    return chart.plots[1].series[0]


def _element(tag: str, val: str):
    element = OxmlElement(tag)
    element.set("val", val)
    return element


def _colour(spec) -> RGBColor:
    return RGBColor.from_string(PROVINCE_COLOURS.get(spec.province_code, REFERENCE_COLOUR)[1:])


def _fill(series, colour: RGBColor) -> None:
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = colour


# -- tables, text, footer, notes ------------------------------------------------------------------
def _table(slide, frame: pd.DataFrame, left, top, width, size: int) -> int:
    """A native table of text (numbers already written with a decimal comma), columns as wide as
    their longest text (within limits), header in the deck's ink colour. Returns the estimated
    bottom edge (PowerPoint grows rows to fit their text when it draws them)."""
    rows, columns = len(frame) + 1, len(frame.columns)
    widths = _widths(frame, width)
    shape = slide.shapes.add_table(rows, columns, left, top, width, Inches(0.3) * rows)
    table = shape.table
    for i, column_width in enumerate(widths):
        table.columns[i].width = column_width
    for j, header in enumerate(frame.columns):
        _cell(table.cell(0, j), str(header), size, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF), fill=INK)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            _cell(table.cell(i, j), str(value), size, align=PP_ALIGN.RIGHT if _looks_numeric(value) else PP_ALIGN.LEFT)
    for row in table.rows:
        row.height = Inches(0.3)
    return top + _height(frame, widths, size)


def _widths(frame: pd.DataFrame, width) -> list[int]:
    # Headers wrap, so they count half; no column narrower than four characters or wider than sixty.
    lengths = [min(max([len(str(c)) / 2, 4] + [len(str(v)) for v in frame[c]]), 60) for c in frame.columns]
    return [int(width * length / sum(lengths)) for length in lengths]


def _height(frame: pd.DataFrame, widths: list[int], size: int) -> int:
    """Estimated height of a table as drawn: each row as tall as its most-wrapped cell (an average
    character is about half the font size wide; a line is 1.2 times the font size)."""

    def lines(text: str, column_width: int) -> int:
        per_line = max(1, int((column_width - Inches(0.12)) / Pt(size * 0.5)))
        return sum(-(-max(len(part), 1) // per_line) for part in str(text).split("\n"))

    rows = [frame.columns] + [list(row) for row in frame.itertuples(index=False)]
    heights = [
        max(Pt(size * 1.2) * max(lines(v, w) for v, w in zip(row, widths, strict=False)) + Inches(0.06), Inches(0.3))
        for row in rows
    ]
    return int(sum(heights))


def _looks_numeric(text: str) -> bool:
    return str(text).replace(",", "").replace(".", "").replace("-", "").replace("−", "").replace("–", "").isdigit()


def _cell(
    cell, text: str, size: int, bold: bool = False, colour: RGBColor = INK, fill: RGBColor | None = None, align=PP_ALIGN.LEFT
) -> None:
    cell.text = text
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = align
        for run in paragraph.runs:
            _font(run.font, size, colour, bold)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def _text(
    slide,
    text: str,
    left,
    top,
    width,
    height,
    size: int,
    colour: RGBColor,
    bold: bool = False,
    name: str | None = None,
    align=PP_ALIGN.LEFT,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    _style(frame, size, colour, bold, align)
    return box


def _footer(slide, pack: MeetingPack, number: int, count: int) -> None:
    top = Inches(6.98)
    _text(slide, pack.footer, MARGIN, top, Inches(10.2), Inches(0.4), 10, MUTED, name="Kaki slide")
    mark = (f"{SAMPLE_MARK} · " if pack.sample else "") + f"{number}/{count}"
    box = _text(slide, mark, Inches(10.8), top, Inches(2.03), Inches(0.4), 10, MUTED, name="Tanda slide", align=PP_ALIGN.RIGHT)
    if pack.sample:
        run = box.text_frame.paragraphs[0].runs[0]
        run.text = f"{SAMPLE_MARK} · "
        _font(run.font, 10, WARNING, bold=True)
        rest = box.text_frame.paragraphs[0].add_run()
        rest.text = f"{number}/{count}"
        _font(rest.font, 10, MUTED)


def _notes(slide, lines) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _style(frame, size: int, colour: RGBColor, bold: bool = False, align=None) -> None:
    for paragraph in frame.paragraphs:
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            _font(run.font, size, colour, bold)


def _font(font, size: int, colour: RGBColor, bold: bool = False) -> None:
    font.size, font.bold = Pt(size), bold
    font.color.rgb = colour

"""Native PowerPoint charts of the meeting deck (python-pptx), from a pack's `ChartData`.

The charts carry their data (a participant can edit or restyle them), not pictures. Province colours
are those of the dashboard's charts, so Kalimantan Tengah looks the same on the screen and on the slide.
"""

from __future__ import annotations

from copy import deepcopy

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Pt

from zi.meeting.content.model import ChartData
from zi.meeting.render.layout import FONT
from zi.present.charts import PROVINCE_COLOURS, REFERENCE_COLOUR
from zi.present.labels import GAP_GROUPS

MUTED = RGBColor(0x55, 0x55, 0x55)
# Stacked gap bars from "meets every condition" to "three or more away", then "unknown" (as on the Jarak page).
GAP_COLOURS = tuple(colour.lstrip("#") for _, colour in GAP_GROUPS.values())
BAR_COLOUR = "4e79a7"
# Number formats carry the Indonesian locale (LCID 0x421): LibreOffice then writes 4,40 whatever the
# machine's locale; PowerPoint takes the separator from the viewer's settings (a comma in Indonesia).
LOCALE = "[$-421]"


# -- charts --------------------------------------------------------------------------------
def add_chart(slide, data: ChartData, left, top, width, height):
    """A native chart of `data` in the box given (EMU)."""
    chart_data = CategoryChartData(number_format=LOCALE + data.number_format)
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
    chart.font.size, chart.font.name = Pt(14), FONT
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    axis = chart.value_axis
    axis.has_title = True
    axis.axis_title.text_frame.text = data.value_title
    title = axis.axis_title.text_frame.paragraphs[0].runs[0].font
    title.size, title.name, title.color.rgb = Pt(13), FONT, MUTED
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = LOCALE + data.number_format, False
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
    labels.number_format, labels.number_format_is_linked = LOCALE + "0;;;", False  # zero segments stay unlabelled
    labels.font.size, labels.font.bold = Pt(16), True
    for series, colour in zip(plot.series, GAP_COLOURS, strict=False):
        _fill(series, RGBColor.from_string(colour))


def _style_bars(chart, data: ChartData) -> None:
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = LOCALE + data.number_format, False
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

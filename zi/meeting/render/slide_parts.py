"""The parts every slide of the meeting deck is made of: the 16:9 geometry, the colours, the title
and caption measured to their text (`heading`), text boxes and fonts. All text is set in
`layout.FONT`, the font `zi.meeting.render.layout` measures, so what is measured is what is drawn.
"""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from zi.meeting.render import layout

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BODY_WIDTH = WIDTH - 2 * MARGIN
FOOTER_TOP = Inches(6.98)
BODY_BOTTOM = FOOTER_TOP - Inches(0.12)  # content ends here, a gap above the footer
TITLE_TOP = Inches(0.3)
TITLE_SIZES, CAPTION_SIZE, FOOTER_SIZE = (30, 26, 22), 14, 10
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)  # python-pptx's default text box insets
INK, MUTED, WARNING = RGBColor(0x1F, 0x38, 0x64), RGBColor(0x55, 0x55, 0x55), RGBColor(0xC0, 0x1B, 0x1B)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def title_size(title: str) -> int:
    """The largest title size at which the title stays on one line; the smallest (on two) otherwise."""
    room = Emu(BODY_WIDTH - 2 * INSET_X).pt
    return next((s for s in TITLE_SIZES if layout.text_lines(title, room, s, bold=True) == 1), TITLE_SIZES[-1])


def heading_boxes(title: str, caption: str) -> tuple[int, int, int, int]:
    """(title size, title height, caption height, body top), measured for this title and caption."""
    room = Emu(BODY_WIDTH - 2 * INSET_X).pt
    size = title_size(title)
    title_height = Pt(layout.text_height(title, room, size, bold=True)) + 2 * INSET_Y
    caption_height = Pt(layout.text_height(caption, room, CAPTION_SIZE)) + 2 * INSET_Y
    return size, title_height, caption_height, TITLE_TOP + title_height + Inches(0.05) + caption_height + Inches(0.12)


def body_top(title: str, caption: str) -> int:
    """Where the body of a slide with this title and caption starts (EMU)."""
    return heading_boxes(title, caption)[3]


def heading(slide, title: str, caption: str) -> int:
    """Title and caption, each as tall as its text; returns where the body starts."""
    size, title_height, caption_height, top = heading_boxes(title, caption)
    shape = slide.shapes.title
    place(shape, MARGIN, TITLE_TOP, BODY_WIDTH, title_height)
    shape.text = title
    frame = shape.text_frame
    frame.word_wrap, frame.auto_size, frame.vertical_anchor = True, MSO_AUTO_SIZE.NONE, MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = INSET_X
    frame.margin_top = frame.margin_bottom = INSET_Y
    style(frame, size, INK, bold=True, align=PP_ALIGN.LEFT)
    text_box(slide, caption, MARGIN, TITLE_TOP + title_height + Inches(0.05), BODY_WIDTH, caption_height, CAPTION_SIZE, MUTED)
    return top


def text_box(slide, text: str, left, top, width, height, size: int, colour: RGBColor, bold=False, name=None, align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap, frame.auto_size = True, MSO_AUTO_SIZE.NONE
    frame.text = text
    style(frame, size, colour, bold, align)
    return box


def place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def style(frame, size: int, colour: RGBColor, bold: bool = False, align=None) -> None:
    for paragraph in frame.paragraphs:
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            font(run.font, size, colour, bold)


def font(target, size: int, colour: RGBColor, bold: bool = False) -> None:
    target.size, target.bold, target.name = Pt(size), bold, layout.FONT
    target.color.rgb = colour

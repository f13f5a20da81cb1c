"""Draw badge elements as a PNG image the size of the printed badge.

Pictures, codes and text drawn as pictures are the same pixels the printer
receives. Text the printer sets in its own font A is imitated with DejaVu
Sans Mono at font A's cell size (12 x 24 dots), stretched by the element's
width and height multipliers.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from kiosk.badges import fonts
from kiosk.badges.escpos_render import text_image
from kiosk.badges.layout import (
    FONT_A_HEIGHT_DOTS,
    FONT_A_WIDTH_DOTS,
    Code,
    Element,
    Feed,
    Picture,
    Text,
)

MARGIN = 8
"""White dots above and below the badge, where the paper is fed and cut."""


def _native_line(line: str, element: Text, paper_dots: int) -> Image.Image:
    cell_height = FONT_A_HEIGHT_DOTS * element.height
    background, ink = (0, 255) if element.invert else (255, 0)
    # Draw at the height multiplier, where one character is 12 x height dots
    # wide, then stretch or squeeze to the width multiplier.
    size = round(FONT_A_WIDTH_DOTS * element.height / fonts.MONOSPACE_ADVANCE_EM)
    natural_width = max(1, FONT_A_WIDTH_DOTS * element.height * len(line))
    glyphs = Image.new("L", (natural_width, cell_height), background)
    ImageDraw.Draw(glyphs).text(
        (natural_width / 2, cell_height / 2),
        line,
        fill=ink,
        font=fonts.monospace(size, element.bold),
        anchor="mm",
    )
    printed_width = min(paper_dots, FONT_A_WIDTH_DOTS * element.width * len(line))
    glyphs = glyphs.resize((max(1, printed_width), cell_height))
    row = Image.new("L", (paper_dots, cell_height), 255)
    row.paste(glyphs, ((paper_dots - glyphs.width) // 2, 0))
    return row


def _centred(image: Image.Image, paper_dots: int) -> Image.Image:
    image = image.convert("L")
    if image.width > paper_dots:
        image = image.crop((0, 0, paper_dots, image.height))
    return ImageOps.pad(image, (paper_dots, image.height), color=255)


def render_preview(elements: list[Element], paper_dots: int) -> Image.Image:
    """Return a white image ``paper_dots`` wide with the badge drawn on it."""
    parts: list[Image.Image] = []
    for element in elements:
        if isinstance(element, Text):
            if element.as_image:
                parts.append(text_image(element, paper_dots))
            else:
                parts.extend(
                    _native_line(line, element, paper_dots) for line in element.lines
                )
        elif isinstance(element, Code):
            parts.append(_centred(element.image(), paper_dots))
        elif isinstance(element, Picture):
            parts.append(_centred(element.image, paper_dots))
        elif isinstance(element, Feed):
            parts.append(
                Image.new("L", (paper_dots, FONT_A_HEIGHT_DOTS * element.lines), 255)
            )

    height = sum(part.height for part in parts) + 2 * MARGIN
    sheet = Image.new("L", (paper_dots, height), 255)
    top = MARGIN
    for part in parts:
        sheet.paste(part, (0, top))
        top += part.height
    return sheet

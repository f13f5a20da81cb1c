"""Draw badge elements as a PNG image the size of the printed badge."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

from kiosk.badges.layout import (
    FONT_A_HEIGHT_DOTS,
    FONT_A_WIDTH_DOTS,
    Code,
    Element,
    Feed,
    Text,
)

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
)
MARGIN = 8


@cache
def _font(scale: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu Sans Mono advances 0.6 em, so this size gives 12 dots a character.
    size = round(FONT_A_WIDTH_DOTS * scale / 0.602)
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def code_image(data: str, symbology: str) -> Image.Image:
    """Draw a sign-out code the way the printer receives it."""
    if symbology == "qr":
        qr = qrcode.QRCode(box_size=8, border=4)
        qr.add_data(data)
        return qr.make_image().get_image().convert("L")
    import barcode
    from barcode.writer import ImageWriter

    code = barcode.get("code128", data, writer=ImageWriter())
    return code.render(
        {"module_width": 0.25, "module_height": 10, "write_text": False, "dpi": 203}
    ).convert("L")


def render_preview(elements: list[Element], paper_dots: int) -> Image.Image:
    """Return a white image ``paper_dots`` wide with the badge drawn on it."""
    parts: list[Image.Image] = []
    for element in elements:
        if isinstance(element, Text):
            font = _font(element.scale)
            line_height = FONT_A_HEIGHT_DOTS * element.scale
            for line in element.lines:
                part = Image.new(
                    "L", (paper_dots, line_height), 0 if element.invert else 255
                )
                draw = ImageDraw.Draw(part)
                draw.text(
                    (paper_dots // 2, line_height // 2),
                    line,
                    fill=255 if element.invert else 0,
                    font=font,
                    anchor="mm",
                )
                parts.append(part)
        elif isinstance(element, Code):
            image = code_image(element.data, element.symbology)
            if image.width > paper_dots:
                image = image.resize(
                    (paper_dots, image.height * paper_dots // image.width)
                )
            parts.append(ImageOps.pad(image, (paper_dots, image.height), color=255))
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

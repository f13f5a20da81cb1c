"""Turn badge elements into ESC/POS bytes with python-escpos.

Text goes through python-escpos's code page selection (``ESC t``). Text the
code pages cannot carry, pictures, and codes the printer cannot draw are sent
as raster images (``GS v 0``), which every profile supports.
"""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from kiosk.badges import fonts
from kiosk.badges.capabilities import PrinterCapabilities
from kiosk.badges.codes import CODE128_HEIGHT_DOTS
from kiosk.badges.layout import (
    IMAGE_TEXT_MARGIN,
    Code,
    Element,
    Feed,
    Picture,
    Text,
)


def _printer(caps: PrinterCapabilities) -> Dummy:
    printer = Dummy(profile=caps.profile)
    # python-escpos prints a warning to stdout for every image when the
    # profile has no paper width, so this instance (not the shared profile
    # class) gets the width in use.
    data = dict(printer.profile.profile_data)
    media = dict(data.get("media", {}))
    media["width"] = {**media.get("width", {}), "pixels": caps.paper_dots}
    data["media"] = media
    printer.profile.profile_data = data
    return printer


def printer_for(caps: PrinterCapabilities) -> Dummy:
    """Return a python-escpos Dummy for ``caps`` with the paper width set, for
    other printouts (the desk's emergency roster) built the same way."""
    return _printer(caps)


def text_image(element: Text, paper_dots: int) -> Image.Image:
    """Draw a text element as the picture the printer receives."""
    width = paper_dots - 2 * IMAGE_TEXT_MARGIN
    lines = [
        fonts.draw_line(
            line,
            element.font_size,
            width,
            element.line_dots,
            bold=element.bold,
            invert=element.invert,
        )
        for line in element.lines
    ]
    sheet = Image.new("L", (paper_dots, element.line_dots * len(lines)), 255)
    for index, line in enumerate(lines):
        sheet.paste(line, (IMAGE_TEXT_MARGIN, index * element.line_dots))
    return sheet.point(lambda value: 255 if value > 127 else 0)


def _image(printer: Dummy, image: Image.Image) -> None:
    printer.image(image.convert("1"), impl="bitImageRaster", center=True)


def _text(printer: Dummy, element: Text, caps: PrinterCapabilities) -> None:
    if element.as_image:
        _image(printer, text_image(element, caps.paper_dots))
        return
    printer.set(
        align="center",
        bold=element.bold,
        invert=element.invert,
        custom_size=True,
        width=element.width,
        height=element.height,
    )
    for line in element.lines:
        printer.textln(line)
    printer.set(bold=False, invert=False, custom_size=True, width=1, height=1)


def _code(printer: Dummy, code: Code) -> None:
    if not code.native:
        _image(printer, code.image())
    elif code.symbology == "qr":
        # ESC a (centre), set before, also places native codes.
        printer.qr(code.data, size=code.module_dots, ec=QR_ECLEVEL_M, native=True)
    else:
        # barcode() prints "Using hardware barcode renderer" to stdout (python-
        # escpos 3.1), which would land in `kiosk scan` output; _hw_barcode is
        # the part of it that writes the command. Code set B needs "{B" first.
        printer._hw_barcode(
            "{B" + code.data,
            "CODE128",
            height=CODE128_HEIGHT_DOTS,
            width=code.module_dots,
            pos="OFF",
            function_type="B",
        )


def render_escpos(elements: list[Element], caps: PrinterCapabilities) -> bytes:
    """Return the print job for ``elements``: initialise, print, feed and cut."""
    printer = _printer(caps)
    printer.hw("INIT")
    printer.set(align="center")
    for element in elements:
        if isinstance(element, Text):
            _text(printer, element, caps)
        elif isinstance(element, Code):
            _code(printer, element)
        elif isinstance(element, Picture):
            _image(printer, element.image)
        elif isinstance(element, Feed):
            printer.ln(element.lines)
    printer.cut()
    return printer.output

"""Sign-out codes as exact pictures: QR and Code128 drawn module by module.

The printer receives these pictures when it cannot draw a code itself, and
the preview always shows them, so both have the same modules at the same
size. Quiet zones follow the symbology standards: 4 modules around a QR code
(ISO/IEC 18004) and 10 modules each side of a Code128 symbol (ISO/IEC 15417).
"""

from __future__ import annotations

import barcode
import qrcode
from PIL import Image

QR_QUIET_MODULES = 4
CODE128_QUIET_MODULES = 10
CODE128_MODULE_DOTS = 2
"""Narrowest Code128 bar in dots: 0.25 mm at 203 dpi, which scanners read well."""
CODE128_HEIGHT_DOTS = 96


def qr_modules(data: str) -> list[list[bool]]:
    """Return the QR symbol of ``data`` (error correction M), without quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(data: str, module_dots: int) -> Image.Image:
    matrix = qr_modules(data)
    side = len(matrix) + 2 * QR_QUIET_MODULES
    image = Image.new("1", (side, side), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + QR_QUIET_MODULES, y + QR_QUIET_MODULES), 0)
    return image.resize((side * module_dots, side * module_dots), Image.NEAREST)


def code128_modules(data: str) -> str:
    """Return the bars of ``data`` in Code128 as ``1`` (bar) and ``0`` (space)."""
    return barcode.get("code128", data).build()[0]


def code128_width(data: str, module_dots: int = CODE128_MODULE_DOTS) -> int:
    """Return the width in dots of the symbol without its quiet zones."""
    return len(code128_modules(data)) * module_dots


def code128_image(
    data: str,
    module_dots: int = CODE128_MODULE_DOTS,
    height: int = CODE128_HEIGHT_DOTS,
    rotate: bool = False,
    quiet_modules: int = CODE128_QUIET_MODULES,
) -> Image.Image:
    """Draw ``data`` as Code128; ``rotate`` turns the bars to run across the paper.

    ``quiet_modules`` may be fewer than the standard's 10 where the paper's
    unprintable margin (about 4 mm a side on 80 mm and 58 mm rolls) makes up
    the rest of the quiet zone.
    """
    bars = "0" * quiet_modules + code128_modules(data) + "0" * quiet_modules
    strip = Image.new("1", (len(bars), 1), 1)
    for x, bar in enumerate(bars):
        if bar == "1":
            strip.putpixel((x, 0), 0)
    image = strip.resize((len(bars) * module_dots, height), Image.NEAREST)
    return image.rotate(90, expand=True) if rotate else image

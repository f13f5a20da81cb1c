"""Turn badge elements into ESC/POS bytes with python-escpos."""

from __future__ import annotations

from escpos.printer import Dummy

from kiosk.badges.layout import Code, Element, Feed, Text


def _printer(profile: str, paper_dots: int) -> Dummy:
    printer = Dummy(profile=profile)
    # Profiles without a known paper width make python-escpos print a warning
    # to stdout for every image; give this instance (not the shared profile
    # class) the width in use.
    data = dict(printer.profile.profile_data)
    media = dict(data.get("media", {}))
    media["width"] = {**media.get("width", {}), "pixels": paper_dots}
    data["media"] = media
    printer.profile.profile_data = data
    return printer


def printer_for(profile: str, paper_dots: int) -> Dummy:
    """Return a python-escpos Dummy for ``profile`` with the paper width set,
    for other printouts (the desk's emergency roster) built the same way."""
    return _printer(profile, paper_dots)


def render_escpos(
    elements: list[Element], profile: str = "default", paper_dots: int = 576
) -> bytes:
    """Return the print job for ``elements``: initialise, print, feed and cut.

    Codes are sent as raster images (``GS v 0``), which every printer prints.
    """
    printer = _printer(profile, paper_dots)
    printer.hw("INIT")
    printer.set(align="center")
    for element in elements:
        if isinstance(element, Text):
            printer.set(
                align="center",
                bold=element.bold,
                invert=element.invert,
                custom_size=True,
                width=element.scale,
                height=element.scale,
            )
            for line in element.lines:
                printer.textln(line)
            printer.set(bold=False, invert=False, custom_size=True, width=1, height=1)
        elif isinstance(element, Code):
            if element.symbology == "qr":
                printer.qr(element.data, size=8, native=False, center=False)
            else:
                printer.barcode(
                    "{B" + element.data,
                    "CODE128",
                    height=80,
                    width=2,
                    pos="OFF",
                    force_software="bitImageRaster",
                )
        elif isinstance(element, Feed):
            printer.ln(element.lines)
    printer.cut()
    return printer.output

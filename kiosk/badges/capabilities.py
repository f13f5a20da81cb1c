"""What a printer can print natively, from its python-escpos profile.

The layout asks these questions before it places anything: how many dots a
line holds, whether the printer draws QR codes and Code128 itself, and
whether a piece of text can go out through one of the printer's code pages or
has to be drawn as a picture.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

from escpos.capabilities import CAPABILITIES, get_profile
from escpos.magicencode import Encoder

PAPER_DOTS = {80: 576, 58: 384}
"""Printable dots across 80 mm and 58 mm paper on a 203 dpi head."""

ASCII_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
"""Typographic punctuation a printer font may lack, mapped to plain ASCII."""

_RIGHT_TO_LEFT = {"R", "AL", "AN"}


def profile_names() -> list[str]:
    """Return the printer profiles python-escpos knows, sorted."""
    return sorted(CAPABILITIES["profiles"])


@dataclass(frozen=True)
class PrinterCapabilities:
    profile: str
    paper_dots: int
    native_qr: bool
    native_code128: bool
    code_pages: tuple[str, ...] = field(default=(), compare=False)

    def printable_as_text(self, text: str) -> bool:
        """Tell whether ``text`` prints correctly through the code pages.

        Every character must be in one of the profile's code pages, and the
        text must need no shaping or right-to-left ordering, which a printer's
        character generator does not do.
        """
        encoder = _encoder(self.profile)
        for char in native_text(text):
            if ord(char) < 128:
                continue
            if unicodedata.bidirectional(char) in _RIGHT_TO_LEFT:
                return False
            if unicodedata.combining(char):
                return False
            if not any(encoder.can_encode(page, char) for page in self.code_pages):
                return False
        return True


def native_text(text: str) -> str:
    """Return ``text`` as it goes to the printer's character generator."""
    return unicodedata.normalize("NFC", text).translate(ASCII_PUNCTUATION)


@cache
def _encoder(profile: str) -> Encoder:
    return Encoder(get_profile(profile).get_code_pages())


@cache
def capabilities_for(profile: str, paper_mm: int) -> PrinterCapabilities:
    """Return what the printer of ``profile`` offers on ``paper_mm`` paper.

    A profile that states a narrower printable width than the 203 dpi table
    (an Epson TM-T88V prints 512 dots on 80 mm paper) wins over the table.
    """
    data = get_profile(profile).profile_data
    dots = PAPER_DOTS[paper_mm]
    stated = data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(stated, int) and 0 < stated < dots:
        dots = stated
    features = data.get("features", {})
    pages = tuple(
        name
        for name in get_profile(profile).get_code_pages()
        if name.lower() != "unknown"
    )
    return PrinterCapabilities(
        profile=profile,
        paper_dots=dots,
        native_qr=bool(features.get("qrCode")),
        native_code128=bool(features.get("barcodeB")),
        code_pages=pages,
    )

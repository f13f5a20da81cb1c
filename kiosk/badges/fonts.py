"""Fonts for badge text that is drawn as a picture, with per-character fallback.

Text goes out as a picture when the printer's code pages cannot carry it
(Chinese, Arabic, or Cyrillic on a printer without a Cyrillic code page).
Each character is drawn with the first font of the chain that has a glyph for
it, so a line mixing Latin and Han characters comes out whole. The fonts come
from Debian packages (``fonts-dejavu-core``, ``fonts-droid-fallback``; see
scripts/system-packages.sh); a missing font is skipped. Characters that no
font of the chain covers (most emoji) are left out rather than drawn as empty
boxes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

logger = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
PROPORTIONAL_CHAIN = (
    ("dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans.ttf"),
    ("droid/DroidSansFallbackFull.ttf", "droid/DroidSansFallbackFull.ttf"),
    ("noto/NotoSansMono-Bold.ttf", "noto/NotoSansMono-Regular.ttf"),
)
"""(bold, regular) files, in the order a character's font is chosen."""

MONOSPACE = ("dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSansMono.ttf")
"""Stands in for the printer's font A in previews."""

MONOSPACE_ADVANCE_EM = 0.602
"""DejaVu Sans Mono advances 0.602 em per character."""


def find_font(relative: str) -> Path | None:
    for folder in FONT_DIRS:
        path = folder / relative
        if path.exists():
            return path
    return None


@cache
def _coverage(path: Path) -> frozenset[int]:
    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


@cache
def _truetype(path: Path, size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


@cache
def _chain(bold: bool) -> tuple[Path, ...]:
    paths = []
    for bold_name, regular_name in PROPORTIONAL_CHAIN:
        path = find_font(bold_name if bold else regular_name) or find_font(regular_name)
        if path is not None:
            paths.append(path)
    if not paths:
        logger.warning("no fonts for badge text found under %s", FONT_DIRS[0])
    return tuple(paths)


@dataclass(frozen=True)
class Run:
    text: str
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font_for(char: str, chain: tuple[Path, ...]) -> Path | None:
    if char.isspace():
        return chain[0]
    for path in chain:
        if ord(char) in _coverage(path):
            return path
    return None


def drawable(text: str, bold: bool = True) -> str:
    """Return ``text`` without the characters that no installed badge font has
    a glyph for (most emoji, for example), which would print as empty boxes.

    With no font installed at all, ``text`` is returned unchanged: Pillow's
    built-in font then draws what it can.
    """
    chain = _chain(bold)
    if not chain:
        return text
    return "".join(char for char in text if _font_for(char, chain) is not None)


def runs(text: str, size: int, bold: bool = True) -> list[Run]:
    """Split ``text`` into runs that one font each can draw.

    A character no font covers is drawn with the first font, as an empty box;
    callers remove such characters first with :func:`drawable`.
    """
    chain = _chain(bold)
    if not chain:
        return [Run(text, ImageFont.load_default(size))]
    pieces: list[Run] = []
    for char in text:
        chosen = _font_for(char, chain) or chain[0]
        font = _truetype(chosen, size)
        if pieces and pieces[-1].font is font:
            pieces[-1] = Run(pieces[-1].text + char, font)
        else:
            pieces.append(Run(char, font))
    return pieces


def text_width(text: str, size: int, bold: bool = True) -> int:
    """Return the width in dots of ``text`` drawn at ``size`` pixels."""
    return round(sum(run.font.getlength(run.text) for run in runs(text, size, bold)))


def draw_line(
    text: str,
    size: int,
    width: int,
    height: int,
    *,
    bold: bool = True,
    invert: bool = False,
) -> Image.Image:
    """Draw one line of ``text`` centred on a ``width`` x ``height`` image."""
    background, ink = (0, 255) if invert else (255, 0)
    image = Image.new("L", (width, height), background)
    draw = ImageDraw.Draw(image)
    pieces = runs(text, size, bold)
    total = sum(run.font.getlength(run.text) for run in pieces)
    x = (width - total) / 2
    for run in pieces:
        draw.text((x, height / 2), run.text, fill=ink, font=run.font, anchor="lm")
        x += run.font.getlength(run.text)
    return image


def monospace(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    """Return the preview's stand-in for printer font A at ``size`` pixels."""
    path = find_font(MONOSPACE[0] if bold else MONOSPACE[1])
    if path is None:
        return ImageFont.load_default(size)  # type: ignore[return-value]
    return _truetype(path, size)

"""The visitor's photo on the badge: stored with the visit, printed as dots.

The kiosk camera takes the still (see ``PhotoSource``); the badge code only
stores it next to the visit and turns it into a dithered black-and-white
picture a thermal head can print.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

PHOTO_ASPECT = 5 / 6
"""Width over height of the printed photo (portrait, like an ID card photo)."""


class PhotoSource(Protocol):
    """Takes a still of the person at the kiosk, or returns None when it cannot."""

    def capture(self) -> Image.Image | None: ...


def load_photo(path: str | Path) -> Image.Image | None:
    """Open a stored photo; a missing or damaged file gives None and a warning."""
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        logger.warning("badge photo %s not usable: %s", path, exc)
        return None


def save_photo(image: Image.Image, folder: Path, visit_id: int) -> Path:
    """Store ``image`` as ``visit-<id>.jpg`` in ``folder`` and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"visit-{visit_id}.jpg"
    ImageOps.exif_transpose(image).convert("RGB").save(path, "JPEG", quality=88)
    return path


def print_ready(image: Image.Image, width: int) -> Image.Image:
    """Crop ``image`` to a portrait ``width`` dots wide and dither it to black
    and white (Floyd-Steinberg), the way a thermal head prints grey."""
    image = ImageOps.exif_transpose(image).convert("L")
    height = round(width / PHOTO_ASPECT)
    image = ImageOps.fit(image, (width, height), Image.LANCZOS, centering=(0.5, 0.4))
    image = ImageOps.autocontrast(image, cutoff=1)
    image = image.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2))
    # Thermal dots spread: lighten the mid-tones so faces do not print too dark.
    image = image.point(lambda value: round(255 * (value / 255) ** 0.8))
    return image.convert("1", dither=Image.Dither.FLOYDSTEINBERG).convert("L")

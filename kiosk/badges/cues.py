"""The day-of-week cue: a large black shape with the day's letter knocked out.

Receipt paper cannot void itself, so yesterday's badge looks like today's up
close. Each weekday has its own shape and letter, large enough to tell apart
across a hallway: a staff member who knows it is Tuesday (square, T) spots a
Monday badge (circle, M) without reading the date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw

from kiosk.badges import fonts


@dataclass(frozen=True)
class DayCue:
    letters: str
    shape: str
    name: str


DAY_CUES = (
    DayCue("M", "circle", "MONDAY"),
    DayCue("T", "square", "TUESDAY"),
    DayCue("W", "triangle", "WEDNESDAY"),
    DayCue("TH", "diamond", "THURSDAY"),
    DayCue("F", "star", "FRIDAY"),
    DayCue("SA", "hexagon", "SATURDAY"),
    DayCue("SU", "octagon", "SUNDAY"),
)
"""Indexed by ``date.weekday()`` (Monday is 0)."""


def day_cue(day: date) -> DayCue:
    return DAY_CUES[day.weekday()]


def _polygon(sides: int, size: int, rotation: float) -> list[tuple[float, float]]:
    centre, radius = size / 2, size / 2
    return [
        (
            centre + radius * math.cos(rotation + 2 * math.pi * k / sides),
            centre + radius * math.sin(rotation + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def _star(size: int) -> list[tuple[float, float]]:
    centre, outer, inner = size / 2, size / 2, size * 0.27
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + math.pi * k / 5
        points.append(
            (
                centre + radius * math.cos(angle),
                centre + 0.04 * size + radius * math.sin(angle),
            )
        )
    return points


def draw_cue(cue: DayCue, size: int) -> Image.Image:
    """Draw ``cue`` as a ``size`` x ``size`` black-and-white picture."""
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    # Where the letters sit (centre height, as a share of size) and how tall.
    letter_y, letter_share = 0.5, 0.55
    if cue.shape == "circle":
        draw.ellipse((0, 0, size - 1, size - 1), fill=0)
    elif cue.shape == "square":
        draw.rectangle((0, 0, size - 1, size - 1), fill=0)
    elif cue.shape == "triangle":
        draw.polygon([(size / 2, 0), (size - 1, size - 1), (0, size - 1)], fill=0)
        letter_y, letter_share = 0.66, 0.42
    elif cue.shape == "diamond":
        draw.polygon(_polygon(4, size, -math.pi / 2), fill=0)
        letter_share = 0.36
    elif cue.shape == "star":
        draw.polygon(_star(size), fill=0)
        letter_y, letter_share = 0.54, 0.30
    elif cue.shape == "hexagon":
        draw.polygon(_polygon(6, size, 0), fill=0)
        letter_share = 0.42
    elif cue.shape == "octagon":
        draw.polygon(_polygon(8, size, math.pi / 8), fill=0)
        letter_share = 0.45
    else:
        raise ValueError(f"unknown cue shape {cue.shape!r}")

    height = size * letter_share
    width_limit = size * (0.62 if len(cue.letters) > 1 else 0.5)
    font_size = int(height / 0.73)  # DejaVu Sans capitals are 0.73 em tall
    while font_size > 8 and fonts.text_width(cue.letters, font_size) > width_limit:
        font_size -= 2
    letters = fonts.draw_line(
        cue.letters, font_size, size, int(height * 1.6), bold=True, invert=True
    )
    mask = Image.eval(letters, lambda value: 255 if value > 127 else 0)
    top = int(size * letter_y - letters.height / 2)
    image.paste(255, (0, top), mask)
    return image.point(lambda value: 255 if value > 127 else 0)

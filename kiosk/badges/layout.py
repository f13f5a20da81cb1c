"""Badge content and its layout as a list of printable elements.

One layout feeds two renderers: ESC/POS commands for the printer and a PNG
preview, so the preview shows what the printer receives.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime

FONT_A_WIDTH_DOTS = 12
"""Width of one character of printer font A at size 1, in dots."""
FONT_A_HEIGHT_DOTS = 24
DOTS_PER_MM = 8  # 203 dpi thermal heads
PAPER_DOTS = {80: 576, 58: 384}

DAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MONTH_NAMES = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)


def badge_date(day: date) -> str:
    """Format a date the same way in every locale: ``FRI 04 DEC 2026``."""
    weekday, month = DAY_NAMES[day.weekday()], MONTH_NAMES[day.month - 1]
    return f"{weekday} {day.day:02d} {month} {day.year}"


@dataclass(frozen=True)
class Badge:
    school_name: str
    banner: str
    """``PARTNER`` for roster staff and volunteers, ``VISITOR`` otherwise."""
    name: str
    organization: str
    signed_in_at: datetime
    """Local time of the sign-in, in the school's zone."""
    sign_out_code: str
    reprint: bool = False


@dataclass(frozen=True)
class Text:
    lines: tuple[str, ...]
    scale: int = 1
    """Character size multiplier, 1 to 8."""
    bold: bool = False
    invert: bool = False


@dataclass(frozen=True)
class Code:
    data: str
    symbology: str
    """``qr`` or ``code128``."""


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Element = Text | Code | Feed


def columns(paper_dots: int, scale: int) -> int:
    return paper_dots // (FONT_A_WIDTH_DOTS * scale)


def fit_text(
    text: str, paper_dots: int, largest: int, smallest: int = 1, max_lines: int = 2
) -> Text:
    """Return ``text`` at the largest scale that fits in ``max_lines`` lines,
    wrapping at spaces; at the smallest scale it wraps onto as many lines as needed."""
    for scale in range(largest, smallest - 1, -1):
        width = columns(paper_dots, scale)
        lines = textwrap.wrap(text, width, break_on_hyphens=True) or [""]
        if len(lines) <= max_lines and all(len(line) <= width for line in lines):
            return Text(tuple(lines), scale=scale, bold=True)
    width = columns(paper_dots, smallest)
    return Text(tuple(textwrap.wrap(text, width) or [""]), scale=smallest, bold=True)


def badge_elements(badge: Badge, paper_mm: int, symbology: str) -> list[Element]:
    """Lay out ``badge`` for paper ``paper_mm`` wide."""
    dots = PAPER_DOTS[paper_mm]
    wide = paper_mm == 80
    valid = badge_date(badge.signed_in_at.date())
    elements: list[Element] = [
        fit_text(badge.school_name, dots, largest=2, max_lines=2),
        Text((badge.banner,), scale=3 if wide else 2, bold=True, invert=True),
        Feed(),
        fit_text(badge.name, dots, largest=3 if wide else 2, max_lines=2),
        Text(tuple(textwrap.wrap(badge.organization, columns(dots, 1)) or [""])),
        Feed(),
        Text((f"IN {badge.signed_in_at:%Y-%m-%d %H:%M}",), scale=1, bold=True),
        Text((f"VALID {valid} ONLY",), scale=1, bold=True),
    ]
    if badge.reprint:
        elements.append(Text(("REPRINT",), scale=2, bold=True, invert=True))
    elements += [
        Feed(),
        Code(badge.sign_out_code, symbology),
        Text((badge.sign_out_code,)),
        Text(("Scan to sign out",)),
        Feed(2),
    ]
    return elements

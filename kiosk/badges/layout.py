"""Badge content and its layout as a list of printable elements.

One layout feeds two renderers: ESC/POS commands for the printer and a PNG
preview, so the preview shows what the printer receives. The layout depends on
the printer (see ``PrinterCapabilities``): its width in dots, whether it draws
codes itself, and which text its code pages carry.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image

from kiosk.badges import codes, cues, fonts
from kiosk.badges.capabilities import PAPER_DOTS, PrinterCapabilities, native_text
from kiosk.badges.photo import print_ready

__all__ = ["PAPER_DOTS", "Badge", "Code", "Element", "Feed", "Picture", "Text"]

FONT_A_WIDTH_DOTS = 12
"""Width of one character of printer font A at size 1, in dots."""
FONT_A_HEIGHT_DOTS = 24
IMAGE_FONT_SHARE = 0.8
"""Font size of text drawn as a picture, as a share of its line height."""
IMAGE_TEXT_MARGIN = 8
"""Dots kept clear at each side of text drawn as a picture."""

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

PARTNER = "PARTNER"
VISITOR = "VISITOR"

NAME_PLACEHOLDER = "__________"
"""Printed in place of a name made only of characters no font can draw (a
name of emoji), as a line for the clerk to write the name on."""


def badge_date(day: date) -> str:
    """Format a date the same way in every locale: ``FRI 04 DEC 2026``."""
    weekday, month = DAY_NAMES[day.weekday()], MONTH_NAMES[day.month - 1]
    return f"{weekday} {day.day:02d} {month} {day.year}"


def badge_time(moment: datetime) -> str:
    """Format a time of day as US offices write it: ``8:30 AM``."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


@dataclass(frozen=True, eq=False)
class Badge:
    school_name: str
    banner: str
    """``PARTNER`` for roster staff and volunteers, ``VISITOR`` otherwise."""
    name: str
    organization: str
    signed_in_at: datetime
    """Local time of the sign-in, in the school's zone."""
    sign_out_code: str
    destination: str = ""
    photo: Image.Image | None = None
    reprint: bool = False


@dataclass(frozen=True)
class Text:
    lines: tuple[str, ...]
    width: int = 1
    """Character width multiplier, 1 to 8."""
    height: int = 1
    """Character height multiplier, 1 to 8."""
    bold: bool = False
    invert: bool = False
    as_image: bool = False
    """Drawn as a picture because the printer's code pages cannot carry it."""

    @property
    def line_dots(self) -> int:
        return FONT_A_HEIGHT_DOTS * self.height

    @property
    def font_size(self) -> int:
        """Font size in pixels when the text is drawn as a picture."""
        return round(self.line_dots * IMAGE_FONT_SHARE)


@dataclass(frozen=True)
class Code:
    data: str
    symbology: str
    """``qr`` or ``code128``."""
    native: bool
    """Drawn by the printer (``GS ( k`` or ``GS k``) rather than sent as a picture."""
    module_dots: int
    rotate: bool = False
    """Bars run along the paper, for a Code128 symbol wider than the paper."""
    quiet_modules: int = codes.CODE128_QUIET_MODULES
    """White modules drawn each side of a Code128 symbol."""

    def image(self) -> Image.Image:
        """Draw the symbol as the printer receives it, or would draw it."""
        if self.symbology == "qr":
            return codes.qr_image(self.data, self.module_dots)
        return codes.code128_image(
            self.data,
            self.module_dots,
            rotate=self.rotate,
            quiet_modules=self.quiet_modules,
        )


@dataclass(frozen=True, eq=False)
class Picture:
    image: Image.Image
    """Black (0) and white (255) pixels, at most the paper's width."""


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Element = Text | Code | Picture | Feed

Size = tuple[int, int]
"""(width, height) character multipliers."""


def columns(paper_dots: int, width: int) -> int:
    return paper_dots // (FONT_A_WIDTH_DOTS * width)


_WIDE = re.compile(
    r"[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
"""Scripts written without spaces between words (CJK): break between any two."""


def _units(text: str) -> list[str]:
    """Split ``text`` into pieces a line may break after, keeping separators."""
    units: list[str] = []
    for word in re.findall(r"\S+\s*", text):
        for piece in re.findall(r"[^-]*-\s*|[^-]+", word):
            if _WIDE.search(piece):
                units.extend(re.findall(r".\s*", piece))
            else:
                units.append(piece)
    return units


def wrap_measured(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Wrap ``text`` into lines that ``fits`` accepts, breaking at spaces and
    hyphens, and inside a word only when the word alone does not fit."""
    lines: list[str] = []
    current = ""
    for unit in _units(text):
        candidate = current + unit
        if fits(candidate.rstrip()):
            current = candidate
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = ""
        for char in unit:
            if current and not fits((current + char).rstrip()):
                lines.append(current.rstrip())
                current = ""
            current += char
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return [line.lstrip() for line in lines]


def _wrap(text: str, size: Size, paper_dots: int, as_image: bool) -> list[str]:
    if as_image:
        font_size = Text((), *size).font_size
        limit = paper_dots - 2 * IMAGE_TEXT_MARGIN
        return wrap_measured(
            text, lambda line: fonts.text_width(line, font_size) <= limit
        )
    width = columns(paper_dots, size[0])
    return textwrap.wrap(text, width, break_on_hyphens=True) or [""]


def _has_visible(text: str) -> bool:
    """Tell whether ``text`` has a letter, digit, punctuation mark or symbol,
    rather than only joiners and combining marks left from dropped emoji."""
    return any(unicodedata.category(char)[0] in "LNPS" for char in text)


def fit_text(
    text: str,
    caps: PrinterCapabilities,
    sizes: Sequence[Size],
    max_lines: int = 2,
    bold: bool = True,
    invert: bool = False,
    overflow_lines: int = 0,
    placeholder: str = "",
) -> Text:
    """Fit ``text`` to the paper at the largest size that keeps it short.

    The first of ``sizes`` at which it wraps into at most ``max_lines`` lines
    wins. Failing that, the first size but the last that needs at most
    ``overflow_lines`` wins, so a long name takes a third line before it drops
    to the smallest size. Failing both, the last size takes as many lines as
    the text needs.

    Nothing runs off the paper: a word wider than the paper is broken.
    Characters that neither the code pages nor any installed font can show
    are dropped, and ``placeholder`` is printed when nothing is left.
    """
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    as_image = not caps.printable_as_text(text)
    if as_image:
        text = " ".join(fonts.drawable(text, bold).split())
        if not _has_visible(text):
            text = placeholder
            as_image = not caps.printable_as_text(text)
    if not as_image:
        text = native_text(text)
    wrapped = [(size, _wrap(text, size, caps.paper_dots, as_image)) for size in sizes]
    for limit, candidates in ((max_lines, wrapped), (overflow_lines, wrapped[:-1])):
        for size, lines in candidates:
            if len(lines) <= limit:
                return Text(
                    tuple(lines), *size, bold=bold, invert=invert, as_image=as_image
                )
    size, lines = wrapped[-1]
    return Text(tuple(lines), *size, bold=bold, invert=invert, as_image=as_image)


def banner(text: str, caps: PrinterCapabilities, size: Size) -> Text:
    """Return ``text`` centred on a black bar across the paper."""
    width = columns(caps.paper_dots, size[0])
    return Text((text.center(width),), *size, bold=True, invert=True)


def _cue_row(badge: Badge, caps: PrinterCapabilities, with_photo: bool) -> Picture:
    """Draw the day-of-week cue, with the photo beside it when there is one."""
    dots = caps.paper_dots
    cue = cues.day_cue(badge.signed_in_at.date())
    side = dots * 3 // 8
    shape = cues.draw_cue(cue, side)
    label_size = max(20, side // 6)
    label = fonts.draw_line(cue.name, label_size, side + 40, label_size + 8)
    column = Image.new("L", (label.width, side + label.height + 4), 255)
    column.paste(shape, ((label.width - side) // 2, 0))
    column.paste(label, (0, side + 4))

    parts = [column]
    if with_photo and badge.photo is not None:
        parts.insert(0, print_ready(badge.photo, side))
    gap = dots // 16
    width = sum(part.width for part in parts) + gap * (len(parts) - 1)
    row = Image.new("L", (min(width, dots), max(part.height for part in parts)), 255)
    x = 0
    for part in parts:
        row.paste(part, (x, (row.height - part.height) // 2))
        x += part.width + gap
    return Picture(row.point(lambda value: 255 if value > 127 else 0))


def code_element(data: str, symbology: str, caps: PrinterCapabilities) -> Code:
    """Choose how the sign-out code is printed on this printer."""
    if symbology == "qr":
        side = len(codes.qr_modules(data)) + 2 * codes.QR_QUIET_MODULES
        module = max(2, min(8, caps.paper_dots * 5 // 8 // side))
        return Code(data, "qr", native=caps.native_qr, module_dots=module)
    module = codes.CODE128_MODULE_DOTS
    spare = caps.paper_dots - codes.code128_width(data, module)
    fits_across = spare >= 0
    quiet = min(codes.CODE128_QUIET_MODULES, spare // (2 * module))
    return Code(
        data,
        "code128",
        native=caps.native_code128 and fits_across,
        module_dots=module,
        rotate=not fits_across,
        quiet_modules=quiet if fits_across else codes.CODE128_QUIET_MODULES,
    )


def badge_elements(
    badge: Badge, caps: PrinterCapabilities, symbology: str, photo: bool = True
) -> list[Element]:
    """Lay out ``badge`` for the printer ``caps`` describes."""
    wide = caps.paper_dots >= 512
    day = badge.signed_in_at.date()
    elements: list[Element] = [
        fit_text(badge.school_name, caps, [(1, 2), (1, 1)], max_lines=2),
        banner(badge.banner, caps, (3, 2) if wide else (2, 2)),
        Feed(),
        fit_text(
            badge.name,
            caps,
            [(3, 3), (2, 3), (2, 2), (1, 2), (1, 1)]
            if wide
            else [(2, 3), (2, 2), (1, 2), (1, 1)],
            max_lines=2,
            overflow_lines=3,
            placeholder=NAME_PLACEHOLDER,
        ),
        fit_text(badge.organization, caps, [(1, 2), (1, 1)], max_lines=2, bold=False),
    ]
    if badge.destination:
        elements.append(
            fit_text(f"TO: {badge.destination}", caps, [(1, 2), (1, 1)], max_lines=2)
        )
    elements += [
        Feed(),
        _cue_row(badge, caps, photo),
        Feed(),
        Text((f"IN {badge_time(badge.signed_in_at)}  {badge_date(day)}",), bold=True),
        fit_text(f"VALID {badge_date(day)} ONLY", caps, [(1, 2), (1, 1)], 1),
    ]
    if badge.reprint:
        elements.append(banner("REPRINT", caps, (2, 2)))
    elements += [
        Feed(),
        code_element(badge.sign_out_code, symbology, caps),
        Text((badge.sign_out_code,)),
        Text(("Scan at the kiosk to sign out",)),
        Feed(3),
    ]
    return elements

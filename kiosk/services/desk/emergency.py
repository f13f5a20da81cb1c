"""The emergency roster: everyone in the building, on paper and on screen.

Printed as plain left-aligned text in printer font A (no images), so it
prints fast on any ESC/POS printer and reads well when held at arm's length.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from escpos.printer import Dummy

from kiosk.badges.capabilities import PrinterCapabilities, native_text
from kiosk.badges.escpos_render import printer_for, text_image
from kiosk.badges.layout import FONT_A_WIDTH_DOTS, Text
from kiosk.services.desk.views import PresentView


@dataclass(frozen=True)
class EmergencyRoster:
    """The list as it stood at ``taken_at``."""

    school_name: str
    taken_at: datetime
    """Instant the list was read (UTC): for a last known list, when the desk
    last read it from the store."""
    people: list[PresentView]
    store_reachable: bool = True
    """False when the store could not be read: the list is then the last one
    the desk loaded, or empty when ``has_list`` is False."""
    has_list: bool = True
    """False when the store could not be read and the desk never loaded a list."""

    def local_time(self, zone: ZoneInfo) -> str:
        return f"{self.taken_at.astimezone(zone):%Y-%m-%d %H:%M}"

    def heading(self, zone: ZoneInfo) -> str:
        """Return the line naming the list's time and, when the store could
        not be read, saying so."""
        if not self.has_list:
            return "STORE UNREACHABLE: no list was loaded since the desk started"
        if not self.store_reachable:
            local = self.taken_at.astimezone(zone)
            return (
                f"STORE UNREACHABLE: last known list, "
                f"as of {local:%H:%M} on {local:%Y-%m-%d}"
            )
        return f"as of {self.local_time(zone)}"


def roster_lines(roster: EmergencyRoster, zone: ZoneInfo, width: int) -> list[str]:
    """Return the body of the printout, one entry per person, wrapped to ``width``."""
    lines: list[str] = []
    for number, person in enumerate(roster.people, start=1):
        since = person.since_text(zone)
        head = f"{number:>3}. {person.name}"
        lines.extend(textwrap.wrap(head, width, subsequent_indent="     ") or [""])
        # A visitor's organization line already reads "Visitor: <purpose>".
        if person.visitor:
            detail = f"in {since} {person.organization}"
        else:
            detail = f"in {since} {person.credential:<7} {person.organization}"
        lines.extend(
            textwrap.wrap(
                detail, width, initial_indent="     ", subsequent_indent="     "
            )
        )
    return lines


def _line(printer: Dummy, line: str, caps: PrinterCapabilities) -> None:
    """Print one left-aligned line, as a picture when the code pages lack a
    character of it (a name in a script the printer has no font for)."""
    if caps.printable_as_text(line):
        printer.textln(native_text(line))
        return
    picture = text_image(Text((line,), as_image=True), caps.paper_dots)
    printer.image(picture.convert("1"), impl="bitImageRaster", center=False)


def render_emergency_roster(
    roster: EmergencyRoster, zone: ZoneInfo, caps: PrinterCapabilities
) -> bytes:
    """Return the ESC/POS job for ``roster``: heading, count, list, cut."""
    width = caps.paper_dots // FONT_A_WIDTH_DOTS
    count = len(roster.people)
    printer = printer_for(caps)
    printer.hw("INIT")
    printer.set(align="center", bold=True, custom_size=True, width=2, height=2)
    printer.textln("EMERGENCY ROSTER")
    printer.set(align="center", bold=True, custom_size=True, width=1, height=1)
    for line in textwrap.wrap(roster.school_name, width) or [""]:
        _line(printer, line, caps)
    if roster.store_reachable:
        printer.set(align="center", bold=False, custom_size=True, width=1, height=1)
        printer.textln(roster.local_time(zone))
    else:
        # The time the list was loaded is the point of a last known list, so
        # it goes on its own lines, in bold.
        printer.set(align="center", bold=True, custom_size=True, width=1, height=1)
        printer.textln("STORE UNREACHABLE")
        printer.textln("LAST KNOWN LIST")
        printer.textln(f"as of {roster.local_time(zone)}")
    printer.set(align="center", bold=True, custom_size=True, width=1, height=1)
    printer.textln(f"{count} in the building")
    printer.set(align="left", bold=False, custom_size=True, width=1, height=1)
    printer.textln("-" * width)
    for line in roster_lines(roster, zone, width):
        _line(printer, line, caps)
    printer.textln("-" * width)
    printer.set(align="center", bold=True, custom_size=True, width=1, height=1)
    printer.textln(f"END OF LIST: {count}")
    printer.ln(3)
    printer.cut()
    return printer.output

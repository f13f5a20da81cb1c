"""The emergency roster, full screen: everyone in the building right now."""

from __future__ import annotations

import time
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kiosk.services.badging import PrintOutcome
from kiosk.services.desk.emergency import EmergencyRoster
from kiosk.services.freetext import shorten

NAME_WIDTH = 32
"""Maximum width of the name and organization columns, in characters, so that
all five columns fit on a 100-column terminal. Longer names are cut with "…"."""


class EmergencyScreen(Screen[None]):
    """Stays up until closed with Esc; the idle lock leaves it alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("p", "print_again", "Print again"),
    ]

    def __init__(self, roster: EmergencyRoster, zone: ZoneInfo) -> None:
        super().__init__()
        self.roster = roster
        self.zone = zone

    def compose(self) -> ComposeResult:
        roster = self.roster
        count = len(roster.people)
        if not roster.has_list:
            title = "EMERGENCY ROSTER: NO LIST"
        elif not roster.store_reachable:
            title = f"EMERGENCY ROSTER: {count} in the building (LAST KNOWN LIST)"
        else:
            title = f"EMERGENCY ROSTER: {count} in the building"
        yield Static(title, id="emergency-title")
        subtitle = Static(
            f"{roster.school_name} | {roster.heading(self.zone)}",
            id="emergency-subtitle",
            markup=False,
        )
        subtitle.set_class(not roster.store_reachable, "error")
        yield subtitle
        yield Static("Printing…", id="emergency-print")
        table = DataTable(id="emergency-list", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", "Name", "Organization", "In since", "How")
        for number, person in enumerate(self.roster.people, start=1):
            table.add_row(
                str(number),
                Text(shorten(person.name, NAME_WIDTH)),
                Text(shorten(person.organization, NAME_WIDTH)),
                person.since_text(self.zone),
                "VISITOR" if person.visitor else person.credential,
            )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.mounted_at = time.perf_counter()
        """When the list was in place on screen (bench/desk.py times it)."""
        self.query_one("#emergency-list", DataTable).focus()

    def printed(self, outcome: PrintOutcome) -> None:
        status = self.query_one("#emergency-print", Static)
        if outcome.status == "printed":
            status.update("Printed on the badge printer.")
            status.set_class(False, "error")
        elif outcome.error == "no_list":
            status.update("Nothing printed: there is no list to print.")
            status.set_class(True, "error")
        else:
            status.update(f"NOT PRINTED ({outcome.error}). Use this screen.")
            status.set_class(True, "error")

    def action_print_again(self) -> None:
        self.query_one("#emergency-print", Static).update("Printing…")
        self.app.print_emergency_roster(self)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)

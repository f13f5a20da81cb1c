"""Small pieces the desk screens share: the status line and time formats."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from kiosk.services.desk.views import StatusItem, describe_reason


def local_clock(instant: datetime, zone: ZoneInfo) -> str:
    """Return ``HH:MM`` at the school."""
    return f"{instant.astimezone(zone):%H:%M}"


def reason_text(codes: tuple[str, ...]) -> str:
    return "; ".join(describe_reason(code) for code in codes)


class StatusLine(Static):
    """Scanner, camera, printer, store and roster, each green or red.

    A part that no kiosk at the school reports is shown dim.
    """

    def show(self, items: list[StatusItem]) -> None:
        line = Text()
        for item in items:
            if item.ok is None:
                style, mark = "dim", "○"
            elif item.ok:
                style, mark = "bold green", "●"
            else:
                style, mark = "bold white on red", "●"
            label = f" {mark} {item.name}"
            # Failures say why; the roster always shows its age.
            if item.detail and (item.ok is not True or item.name == "roster"):
                label += f" ({item.detail})"
            line.append(label + " ", style=style)
            line.append(" ")
        self.update(line)

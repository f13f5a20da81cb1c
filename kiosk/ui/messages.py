"""Messages the kiosk app passes between its threads and screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kiosk.services.badging import PrintOutcome
from kiosk.services.checkin import ScanResult


@dataclass
class ScanReceived(Message):
    """A reader delivered one complete scan."""

    payload: bytes
    source: str
    """``wedge``, ``serial`` or ``camera``."""
    symbology: str | None = None
    """``qr``, ``code128``, ``pdf417``..., when the reader can tell."""
    repeat: bool = False
    """The camera read again a code that never left its view."""


@dataclass
class ScanDecided(Message):
    """The store holds the outcome of a scan."""

    result: ScanResult


@dataclass
class ScanFailed(Message):
    """Processing a scan raised; the visitor is sent to the office."""

    error: str


@dataclass
class BadgePrinted(Message):
    visit_id: int
    outcome: PrintOutcome

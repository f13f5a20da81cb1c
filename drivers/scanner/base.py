"""Scans as every barcode reader delivers them, and the reader interface.

Readers run in their own threads and call back from there: ``on_scan`` with
each complete scan, ``on_status`` whenever the device comes or goes. Callers
must make their callbacks thread-safe (the kiosk app posts a Textual message).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

WEDGE, SERIAL, CAMERA = "wedge", "serial", "camera"
"""Values of ``Scan.source``; they match ``[scanner] kind``."""


@dataclass(frozen=True)
class Scan:
    """One complete code, exactly as the reader delivered it."""

    payload: bytes
    source: str
    """``wedge``, ``serial`` or ``camera``."""
    symbology: str | None = None
    """``qr``, ``code128``, ``pdf417``..., when the reader can tell."""
    repeat: bool = False
    """True when the camera read again a code that never left its view (after
    ``hold_off_seconds``). Wedge and serial readers cannot tell, so their
    scans are never marked."""

    @property
    def text(self) -> str:
        """The payload as text: UTF-8 where valid, U+FFFD for invalid bytes."""
        return self.payload.decode("utf-8", errors="replace")

    @property
    def is_utf8(self) -> bool:
        try:
            self.payload.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    def to_json(self) -> dict[str, object]:
        """Return the fields ``kiosk scan --listen`` prints, one JSON object a scan."""
        data: dict[str, object] = {
            "source": self.source,
            "data": self.text,
            "symbology": self.symbology,
            "length": len(self.payload),
            "repeat": self.repeat,
        }
        if not self.is_utf8:
            data["hex"] = self.payload.hex()
        return data


@dataclass(frozen=True)
class ReaderStatus:
    """State of a reader's device, for the clerk's status line."""

    component: str
    """``scanner`` or ``camera`` (the row in the component status table)."""
    ok: bool
    detail: str
    """Plain words without personal data: ``connected /dev/ttyACM0``."""


ScanHandler = Callable[[Scan], None]
StatusHandler = Callable[[ReaderStatus], None]


class Reader(Protocol):
    """A reader running in its own thread until stopped."""

    component: str

    def start(self) -> None:
        """Start reading in a background thread; return at once."""

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading, close the device and wait for the thread to end."""


def call_safely(handler: Callable[[object], None], value: object, label: str) -> None:
    """Call a user callback from a reader thread; log and swallow its errors so
    one bad callback does not end the reader."""
    try:
        handler(value)
    except Exception:
        logger.exception("%s callback failed", label)

"""The interface every printer transport offers, its errors and printer states."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

REASON_WORDS = {
    "unreachable": "not reachable",
    "refused": "connection refused",
    "timed_out": "stopped taking data",
    "not_responding": "not answering status requests",
    "paper_out": "paper out",
    "cover_open": "cover open",
    "offline": "offline",
    "printer_error": "printer error",
    "io_error": "connection lost while printing",
    "permission_denied": "permission denied",
    "not_configured": "no printer configured",
}
"""Plain words for the clerk's status line, by reason code."""


class PrinterError(Exception):
    """A print job did not (entirely) reach a printer that could print it.

    ``reason`` is a code for logs and the clerk, one of ``REASON_WORDS``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        if reason not in REASON_WORDS:
            raise ValueError(f"unknown printer fault reason {reason!r}")
        self.reason = reason

    @property
    def words(self) -> str:
        return REASON_WORDS[self.reason]


PAPER_OK, PAPER_LOW, PAPER_OUT = "ok", "low", "out"


@dataclass(frozen=True)
class PrinterState:
    """A printer's responses to the real-time status requests (``DLE EOT n``)."""

    answered: bool
    """False when the printer sent no valid response or cannot be asked."""
    online: bool = True
    cover_open: bool = False
    paper: str = PAPER_OK
    """``ok``, ``low`` (near end) or ``out``."""
    error: bool = False

    @property
    def fault(self) -> str | None:
        """The reason code that stops printing, or None when the printer is ready."""
        if self.cover_open:
            return "cover_open"
        if self.paper == PAPER_OUT:
            return "paper_out"
        if self.error:
            return "printer_error"
        if not self.online:
            return "offline"
        return None

    @property
    def words(self) -> str:
        """The state in plain words for the clerk's status line."""
        if not self.answered:
            return "ready (status not known)"
        if self.fault is not None:
            return REASON_WORDS[self.fault]
        return "paper low" if self.paper == PAPER_LOW else "ready"


UNKNOWN_STATE = PrinterState(answered=False)


@dataclass(frozen=True)
class Delivery:
    """A job that reached its printer."""

    path: Path | None = None
    """File written, for transports that write files."""
    state: PrinterState = UNKNOWN_STATE
    """The printer's status after the job, when it was asked."""


class PrinterTransport(ABC):
    """Delivers finished ESC/POS jobs; knows nothing of badges."""

    description: str = "printer"
    """Where jobs go, for messages (``network 10.0.0.5:9100``)."""

    @abstractmethod
    def send(
        self, job: bytes, job_name: str, preview_png: bytes | None = None
    ) -> Delivery:
        """Deliver ``job`` and report where it went and the printer's state.

        Raises:
            PrinterError: the job did not (entirely) reach the printer, or the
                printer reported a fault that stops it printing.
        """

    def probe(self) -> PrinterState:
        """Connect, ask the printer for its status and disconnect.

        A fault the printer reports (paper out, cover open) comes back in the
        state, not as an error.

        Raises:
            PrinterError: the printer cannot be reached, or accepts the
                connection but sends no response to the status request.
        """
        return UNKNOWN_STATE

"""The interface every printer transport offers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path


class PrinterError(Exception):
    """A print job did not reach the printer.

    ``reason`` is a code for logs and the clerk: ``unreachable``, ``refused``,
    ``timed_out``, ``paper_out``, ``cover_open``, ``io_error`` or ``not_configured``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PrinterTransport(ABC):
    """Delivers finished ESC/POS jobs; knows nothing of badges."""

    description: str = "printer"
    """Where jobs go, for messages (``network 10.0.0.5:9100``)."""

    @abstractmethod
    def send(
        self, job: bytes, job_name: str, preview_png: bytes | None = None
    ) -> Path | None:
        """Deliver ``job``; return the file written, if the transport writes files.

        Raises:
            PrinterError: the job did not (entirely) reach the printer.
        """

"""Printer transports over the connections python-escpos offers, and a folder."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.printer.base import (
    UNKNOWN_STATE,
    Delivery,
    PrinterError,
    PrinterState,
    PrinterTransport,
)
from drivers.printer.devices import (
    DeviceFile,
    NetworkPrinter,
    SerialPrinter,
    UsbPrinter,
)
from drivers.printer.status import read_state

logger = logging.getLogger(__name__)


class FolderTransport(PrinterTransport):
    """Writes each job to ``<folder>/<job_name>.bin`` with a PNG preview beside it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.description = f"folder {folder}"

    def _write_atomically(self, path: Path, data: bytes) -> None:
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def send(
        self, job: bytes, job_name: str, preview_png: bytes | None = None
    ) -> Delivery:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{job_name}.bin"
            self._write_atomically(target, job)
            if preview_png is not None:
                self._write_atomically(self.folder / f"{job_name}.png", preview_png)
        except OSError as exc:
            raise PrinterError(
                "io_error", f"cannot write badge to {self.folder}: {exc}"
            ) from exc
        return Delivery(path=target)

    def probe(self) -> PrinterState:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterError("io_error", f"cannot use {self.folder}: {exc}") from exc
        if not os.access(self.folder, os.W_OK):
            raise PrinterError("permission_denied", f"cannot write to {self.folder}")
        return UNKNOWN_STATE


class EscposTransport(PrinterTransport):
    """Sends jobs through a python-escpos printer (network, USB, serial, device).

    With ``status_check`` the printer is asked for its status (``DLE EOT``)
    before the job, which stops a job for a printer with its cover open or
    out of paper, and again after it: a printer that answers has read the
    whole job, while one that stopped reading its connection does not answer.
    A printer that never answers status requests needs ``status_check`` off;
    then a stalled printer goes unnoticed when the job fits in the connection's
    buffers.
    """

    def __init__(
        self,
        factory: Callable[[], Any],
        description: str,
        *,
        timeout: float = 3.0,
        status_check: bool = True,
        status_timeout: float = 1.0,
    ) -> None:
        self._factory = factory
        self.description = description
        self.timeout = timeout
        self.status_check = status_check
        self.status_timeout = status_timeout

    def _open(self) -> Any:
        printer = self._factory()
        try:
            printer.open()
        except PrinterError:
            raise
        except OSError as exc:
            raise PrinterError("unreachable", f"{self.description}: {exc}") from exc
        return printer

    def _ask(self, printer: Any) -> PrinterState:
        if not getattr(printer, "readable", True):
            return UNKNOWN_STATE
        printer.set_timeout(self.status_timeout)
        try:
            return read_state(printer)
        finally:
            printer.set_timeout(self.timeout)

    def _ask_answered(self, printer: Any, when: str = "") -> PrinterState:
        state = self._ask(printer)
        if not state.answered and getattr(printer, "readable", True):
            request = f"a status request {when}" if when else "a status request"
            raise PrinterError(
                "not_responding",
                f"{self.description}: no answer to {request} "
                f"within {self.status_timeout} s",
            )
        return state

    def _check(self, printer: Any, when: str) -> PrinterState:
        state = self._ask_answered(printer, f"{when} the job")
        if state.fault is not None:
            raise PrinterError(
                state.fault, f"{self.description}: {state.words} ({when} the job)"
            )
        return state

    def send(
        self, job: bytes, job_name: str, preview_png: bytes | None = None
    ) -> Delivery:
        printer = self._open()
        delivered = False
        try:
            state = UNKNOWN_STATE
            if self.status_check:
                state = self._check(printer, "before")
            printer._raw(job)  # python-escpos sends every command through _raw
            if self.status_check:
                state = self._check(printer, "after")
            delivered = True
            return Delivery(state=state)
        finally:
            if not delivered and hasattr(printer, "discard_output"):
                printer.discard_output()
            self._close(printer)

    def probe(self) -> PrinterState:
        """Connect and, with ``status_check``, ask for the printer's status.

        Without ``status_check`` the printer is only connected to, and its
        state is unknown.

        Raises:
            PrinterError: the printer cannot be reached, or with
                ``status_check`` on it sends no response to the status request
                (reason ``not_responding``).
        """
        printer = self._open()
        try:
            if not self.status_check:
                return UNKNOWN_STATE
            return self._ask_answered(printer)
        finally:
            self._close(printer)

    def _close(self, printer: Any) -> None:
        try:
            printer.close()
        except OSError:
            logger.warning("closing %s failed", self.description, exc_info=True)


class NullTransport(PrinterTransport):
    description = "no printer"

    def send(
        self, job: bytes, job_name: str, preview_png: bytes | None = None
    ) -> Delivery:
        raise PrinterError("not_configured", "no printer is configured")

    def probe(self) -> PrinterState:
        raise PrinterError("not_configured", "no printer is configured")


def make_transport(printer_config: Any, path: Path) -> PrinterTransport:
    """Build the transport a ``[printer]`` section names; ``path`` is the folder
    or device file of a ``file`` connection."""
    kind = printer_config.connection
    options = {
        "timeout": printer_config.timeout,
        "status_check": printer_config.status_check,
        "status_timeout": printer_config.status_timeout,
    }
    timeout = printer_config.timeout
    profile = printer_config.profile
    if kind == "file":
        if path.exists() and not path.is_dir():
            device = str(path)
            return EscposTransport(
                lambda: DeviceFile(device, timeout=timeout),
                f"device {device}",
                **options,
            )
        return FolderTransport(path)
    if kind == "network":
        host, port = printer_config.host, printer_config.port
        return EscposTransport(
            lambda: NetworkPrinter(
                host=host, port=port, timeout=timeout, profile=profile
            ),
            f"network {host}:{port}",
            **options,
        )
    if kind == "serial":
        device, baudrate = printer_config.serial_device, printer_config.serial_baudrate
        return EscposTransport(
            lambda: SerialPrinter(
                devfile=device, baudrate=baudrate, timeout=timeout, profile=profile
            ),
            f"serial {device}",
            **options,
        )
    if kind == "usb":
        vendor, product = printer_config.usb_vendor, printer_config.usb_product
        return EscposTransport(
            lambda: UsbPrinter(
                idVendor=vendor,
                idProduct=product,
                timeout=max(1, int(timeout * 1000)),
                profile=profile,
            ),
            f"usb {vendor:04x}:{product:04x}",
            **options,
        )
    return NullTransport()

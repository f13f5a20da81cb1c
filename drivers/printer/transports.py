"""Printer transports over the connections python-escpos offers, and a folder."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from escpos.exceptions import DeviceNotFoundError

from drivers.printer.base import PrinterError, PrinterTransport

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

    def send(self, job: bytes, job_name: str, preview_png: bytes | None = None) -> Path:
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
        return target


class EscposTransport(PrinterTransport):
    """Sends jobs through a python-escpos printer class (network, USB, serial, file)."""

    def __init__(self, factory, description: str) -> None:  # type: ignore[no-untyped-def]
        self._factory = factory
        self.description = description

    def send(self, job: bytes, job_name: str, preview_png: bytes | None = None) -> None:
        printer = self._factory()
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            reason = "refused" if "refused" in str(exc).lower() else "unreachable"
            raise PrinterError(reason, f"{self.description}: {exc}") from exc
        except OSError as exc:
            raise PrinterError("unreachable", f"{self.description}: {exc}") from exc
        try:
            # python-escpos builds every command on _raw(); the job is already built.
            printer._raw(job)
        except TimeoutError as exc:
            raise PrinterError(
                "timed_out", f"{self.description}: timed out sending"
            ) from exc
        except OSError as exc:
            raise PrinterError("io_error", f"{self.description}: {exc}") from exc
        finally:
            try:
                printer.close()
            except OSError:
                logger.warning("closing %s failed", self.description, exc_info=True)


class NullTransport(PrinterTransport):
    description = "no printer"

    def send(self, job: bytes, job_name: str, preview_png: bytes | None = None) -> None:
        raise PrinterError("not_configured", "no printer is configured")


def make_transport(printer_config, badge_dir: Path) -> PrinterTransport:  # type: ignore[no-untyped-def]
    """Build the transport ``[printer] connection`` names."""
    kind = printer_config.connection
    timeout = printer_config.timeout
    if kind == "file":
        path = badge_dir
        if path.exists() and not path.is_dir():
            from escpos.printer import File

            return EscposTransport(
                lambda: File(devfile=str(path), auto_flush=True), f"device {path}"
            )
        return FolderTransport(path)
    if kind == "network":
        from escpos.printer import Network

        host, port = printer_config.host, printer_config.port
        return EscposTransport(
            lambda: Network(host=host, port=port, timeout=timeout),
            f"network {host}:{port}",
        )
    if kind == "serial":
        from escpos.printer import Serial

        device, baudrate = printer_config.serial_device, printer_config.serial_baudrate
        return EscposTransport(
            lambda: Serial(devfile=device, baudrate=baudrate, timeout=timeout),
            f"serial {device}",
        )
    if kind == "usb":
        from escpos.printer import Usb

        vendor, product = printer_config.usb_vendor, printer_config.usb_product
        return EscposTransport(
            lambda: Usb(
                idVendor=vendor, idProduct=product, timeout=int(timeout * 1000)
            ),
            f"usb {vendor:04x}:{product:04x}",
        )
    return NullTransport()

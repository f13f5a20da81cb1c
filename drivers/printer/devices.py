"""python-escpos printer classes that never block without a time limit.

The stock classes wait forever on a stalled connection (serial writes, a
device file, a USB printer with timeout 0) or lose the cause of a failed
connection in their message. These subclasses send in chunks and give up
when one chunk makes no progress for ``timeout`` seconds, return ``b""`` when
a read times out, and raise :class:`PrinterError` with a reason code.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import stat
import time

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import File, Network, Serial, Usb

from drivers.printer.base import PrinterError

CHUNK_BYTES = 4096
SERIAL_CHUNK_BYTES = 256
SEND_BUFFER = 8192
"""Socket send buffer for network printers, in bytes (Linux doubles it)."""


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "permission_denied"
    return "unreachable"


class NetworkPrinter(Network):
    """A raw TCP (port 9100) printer."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        where = f"{self.host}:{self.port}"
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                self.host, self.port, type=socket.SOCK_STREAM
            )[0]
            connection = socket.socket(family, kind, proto)
            # A small send buffer makes a printer that stopped reading show up
            # as a send that makes no progress instead of vanishing into
            # megabytes of kernel buffer.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            connection.settimeout(self.timeout)
            try:
                connection.connect(address)
            except OSError:
                connection.close()
                raise
            self.device = connection
        except TimeoutError as exc:
            raise PrinterError(
                "unreachable", f"{where}: timed out connecting after {self.timeout} s"
            ) from exc
        except socket.gaierror as exc:
            raise PrinterError(
                "unreachable", f"{where}: host name not found ({exc})"
            ) from exc
        except OSError as exc:
            raise PrinterError(_os_reason(exc), f"{where}: {exc}") from exc

    def set_timeout(self, seconds: float) -> None:
        self.device.settimeout(seconds)

    def _raw(self, msg: bytes) -> None:
        view = memoryview(msg)
        try:
            while view:
                sent = self.device.send(view[:CHUNK_BYTES])
                view = view[sent:]
        except TimeoutError as exc:
            waited = self.device.gettimeout()
            raise PrinterError(
                "timed_out", f"{self.host}:{self.port}: took no data for {waited} s"
            ) from exc
        except OSError as exc:
            raise PrinterError(
                "io_error", f"{self.host}:{self.port}: connection lost: {exc}"
            ) from exc

    def discard_input(self) -> None:
        """Drop bytes that arrived unrequested (late or stray status responses)."""
        saved = self.device.gettimeout()
        self.device.setblocking(False)
        try:
            while self.device.recv(64):
                pass
        except OSError:
            pass
        finally:
            self.device.settimeout(saved)

    def _read(self) -> bytes:
        try:
            return self.device.recv(16)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterError(
                "io_error", f"{self.host}:{self.port}: connection lost: {exc}"
            ) from exc


class SerialPrinter(Serial):
    """A printer on a serial port (RS-232, USB serial adapter)."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            super().open(raise_not_found=True)
        except DeviceNotFoundError as exc:
            cause = exc.__context__
            reason = _os_reason(cause) if isinstance(cause, OSError) else "unreachable"
            raise PrinterError(
                reason, f"serial {self.devfile}: {cause or exc}"
            ) from exc
        self.set_timeout(self.timeout)

    def set_timeout(self, seconds: float) -> None:
        self.device.timeout = seconds
        self.device.write_timeout = seconds

    def _raw(self, msg: bytes) -> None:
        import serial

        try:
            for start in range(0, len(msg), SERIAL_CHUNK_BYTES):
                self.device.write(msg[start : start + SERIAL_CHUNK_BYTES])
        except serial.SerialTimeoutException as exc:
            waited = self.device.write_timeout
            raise PrinterError(
                "timed_out", f"serial {self.devfile}: took no data for {waited} s"
            ) from exc
        except (serial.SerialException, OSError) as exc:
            raise PrinterError("io_error", f"serial {self.devfile}: {exc}") from exc

    def _read(self) -> bytes:
        import serial

        try:
            # read(16) would wait for all 16 bytes until the timeout, but a
            # status response is one byte.
            first = self.device.read(1)
            return first + self.device.read(self.device.in_waiting)
        except (serial.SerialException, OSError) as exc:
            raise PrinterError("io_error", f"serial {self.devfile}: {exc}") from exc

    def discard_input(self) -> None:
        self.device.reset_input_buffer()

    def discard_output(self) -> None:
        """Drop bytes still waiting to go out, so closing does not wait for them."""
        if self._device:
            self._device.reset_output_buffer()

    def close(self) -> None:
        # python-escpos flushes (tcdrain) before closing, which waits forever
        # on a printer holding the line busy; the kernel drains what is left.
        if self._device:
            self._device.close()
        self._device = False


class UsbPrinter(Usb):
    """A USB printer claimed through libusb (pyusb).

    NOTE: only the "not found" and "no backend" paths run in the tests; the
    chunked writes and status reads have not met a real USB printer.
    """

    def open(self, raise_not_found: bool = True) -> None:
        import usb.core

        where = f"usb {self.usb_args.get('idVendor', 0):04x}:" + (
            f"{self.usb_args.get('idProduct', 0):04x}"
        )
        try:
            super().open(raise_not_found=True)
        except usb.core.NoBackendError as exc:
            raise PrinterError(
                "unreachable",
                f"{where}: no USB backend; install libusb (Debian: libusb-1.0-0)",
            ) from exc
        except DeviceNotFoundError as exc:
            cause = exc.__context__
            reason = "unreachable"
            if isinstance(cause, usb.core.USBError) and cause.errno == errno.EACCES:
                reason = "permission_denied"
            raise PrinterError(reason, f"{where}: {exc}") from exc
        self.where = where

    def set_timeout(self, seconds: float) -> None:
        self.timeout = max(1, int(seconds * 1000))

    def _raw(self, msg: bytes) -> None:
        import usb.core

        try:
            for start in range(0, len(msg), CHUNK_BYTES):
                self.device.write(
                    self.out_ep, msg[start : start + CHUNK_BYTES], self.timeout
                )
        except usb.core.USBTimeoutError as exc:
            raise PrinterError(
                "timed_out", f"{self.where}: took no data for {self.timeout} ms"
            ) from exc
        except usb.core.USBError as exc:
            raise PrinterError("io_error", f"{self.where}: {exc}") from exc

    def _read(self) -> bytes:
        import usb.core

        try:
            return bytes(self.device.read(self.in_ep, 16, self.timeout))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise PrinterError("io_error", f"{self.where}: {exc}") from exc


class DeviceFile(File):
    """A printer device file such as ``/dev/usb/lp0``, written without blocking.

    Character devices are opened for reading too, so a bidirectional printer
    can respond to status requests. A FIFO or plain file is only written.

    NOTE: status reads are tested on a pseudo-terminal, not on the Linux
    ``usblp`` driver; a printer that cannot send data back over ``usblp``
    needs ``[printer] status_check = false``.
    """

    def __init__(self, devfile: str, timeout: float = 3.0) -> None:
        super().__init__(devfile=devfile, auto_flush=False)
        self.timeout = timeout
        self.readable = False

    def open(self, raise_not_found: bool = True) -> None:
        try:
            mode = os.stat(self.devfile).st_mode
            self.readable = stat.S_ISCHR(mode)
            flags = os.O_RDWR if self.readable else os.O_WRONLY
            if stat.S_ISREG(mode):
                flags |= os.O_APPEND
            self.device = os.open(self.devfile, flags | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError as exc:
            reason = _os_reason(exc)
            if exc.errno == errno.ENXIO:
                reason = (
                    "unreachable"  # a FIFO without a reader, or a device that went away
                )
            raise PrinterError(reason, f"device {self.devfile}: {exc}") from exc

    def set_timeout(self, seconds: float) -> None:
        self.timeout = seconds

    def _wait(self, events: int) -> bool:
        poller = select.poll()
        poller.register(self.device, events)
        return bool(poller.poll(self.timeout * 1000))

    def _raw(self, msg: bytes) -> None:
        view = memoryview(msg)
        try:
            while view:
                if not self._wait(select.POLLOUT):
                    raise PrinterError(
                        "timed_out",
                        f"device {self.devfile}: took no data for {self.timeout} s",
                    )
                try:
                    written = os.write(self.device, view[:CHUNK_BYTES])
                except BlockingIOError:
                    continue
                view = view[written:]
        except OSError as exc:
            raise PrinterError("io_error", f"device {self.devfile}: {exc}") from exc

    def discard_input(self) -> None:
        if not self.readable:
            return
        try:
            while os.read(self.device, 64):
                pass
        except OSError:
            pass

    def _read(self) -> bytes:
        if not self.readable:
            return b""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if not self._wait(select.POLLIN):
                return b""
            try:
                return os.read(self.device, 16)
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterError("io_error", f"device {self.devfile}: {exc}") from exc
        return b""

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._device is not False and self._device is not None:
            os.close(self._device)
        self._device = False

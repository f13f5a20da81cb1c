"""Read a scanner in serial mode (USB-CDC or RS-232) with pyserial.

A thread opens the port, reads what arrives, and hands every complete code to
``on_scan``. When the scanner is unplugged the read fails: the reader reports
the component as down, closes the port and tries to open the configured name
again every ``reconnect_interval`` seconds. The configured name is opened anew
each time, so a udev symlink such as ``/dev/barcode`` that now points at
another ``/dev/ttyACM*`` is followed.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time

import serial

from drivers.scanner.base import (
    SERIAL,
    ReaderStatus,
    Scan,
    ScanHandler,
    StatusHandler,
    call_safely,
)
from drivers.scanner.devices import explain_open_error
from drivers.scanner.framing import SerialFramer

logger = logging.getLogger(__name__)

SERIAL_FORMAT = re.compile(r"^([5-8])([NEOMS])([12])$")
_PARITY = {
    "N": serial.PARITY_NONE,
    "E": serial.PARITY_EVEN,
    "O": serial.PARITY_ODD,
    "M": serial.PARITY_MARK,
    "S": serial.PARITY_SPACE,
}


def parse_serial_format(text: str) -> tuple[int, str, float]:
    """Return pyserial's bytesize, parity and stopbits for ``8N1``-style text."""
    match = SERIAL_FORMAT.match(text.upper())
    if match is None:
        raise ValueError(f"invalid serial format {text!r}; expected e.g. 8N1 or 7E1")
    return int(match[1]), _PARITY[match[2]], float(match[3])


def open_port(
    port: str, baudrate: int, serial_format: str = "8N1", timeout: float = 0.05
) -> serial.Serial:
    """Open ``port`` for exclusive reading; raise serial.SerialException."""
    bytesize, parity, stopbits = parse_serial_format(serial_format)
    connection = serial.Serial()
    connection.port = port
    connection.baudrate = baudrate
    connection.bytesize = bytesize
    connection.parity = parity
    connection.stopbits = stopbits
    connection.timeout = timeout
    connection.exclusive = True
    connection.open()
    return connection


class SerialReader:
    """Reads codes from a serial scanner in a thread, reopening it when it
    comes back after being unplugged."""

    component = "scanner"

    def __init__(
        self,
        port: str,
        baudrate: int,
        framer: SerialFramer,
        on_scan: ScanHandler,
        on_status: StatusHandler | None = None,
        *,
        serial_format: str = "8N1",
        reconnect_interval: float = 1.0,
    ) -> None:
        parse_serial_format(serial_format)
        self.port = port
        self.baudrate = baudrate
        self.serial_format = serial_format
        self.framer = framer
        self.on_scan = on_scan
        self.on_status = on_status
        self.reconnect_interval = reconnect_interval
        self.read_timeout = min(0.05, max(framer.idle_gap / 2, 0.005))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: ReaderStatus | None = None
        self._last_problem = ""

    @property
    def status(self) -> ReaderStatus | None:
        """The last status reported."""
        return self._status

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="serial-scanner", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("serial reader on %s did not stop in time", self.port)

    def _run(self) -> None:
        logger.info("serial scanner reader started on %s", self.port)
        while not self._stop.is_set():
            connection = self._open()
            if connection is None:
                self._stop.wait(self.reconnect_interval)
                continue
            try:
                self._read(connection)
            except (serial.SerialException, OSError) as exc:
                if not self._stop.is_set():
                    logger.warning(
                        "serial scanner on %s disconnected: %s", self.port, exc
                    )
                    self._report(False, f"disconnected: {self.port}")
                    self._last_problem = "disconnected"
            finally:
                self.framer.reset()
                connection.close()
        logger.info("serial scanner reader on %s stopped", self.port)

    def _open(self) -> serial.Serial | None:
        try:
            connection = open_port(
                self.port, self.baudrate, self.serial_format, self.read_timeout
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            problem = explain_open_error(exc, self.port)
            if problem != self._last_problem:
                logger.warning("serial scanner: %s", problem)
                self._last_problem = problem
            self._report(False, problem)
            return None
        target = os.path.realpath(self.port)
        device = self.port if target == self.port else f"{self.port} ({target})"
        logger.info("serial scanner connected on %s", device)
        self._last_problem = ""
        self._report(True, f"connected {device}")
        return connection

    def _read(self, connection: serial.Serial) -> None:
        while not self._stop.is_set():
            data = connection.read(max(1, connection.in_waiting))
            now = time.monotonic()
            for code in self.framer.feed(data, now) + self.framer.poll(now):
                call_safely(self.on_scan, Scan(code, SERIAL), "scan")

    def _report(self, ok: bool, detail: str) -> None:
        status = ReaderStatus(self.component, ok, detail)
        if status == self._status:
            return
        self._status = status
        if self.on_status is not None:
            call_safely(self.on_status, status, "status")

"""A serial ESC/POS printer on a pseudo-terminal, for tests and benchmarks.

The kiosk opens ``device`` (the pseudo-terminal's slave side, a character
device) with pyserial or as a device file. This class reads the master side,
keeps every byte and responds to status requests (``DLE EOT n``) as a
printer does. A serial line has no connections, so all jobs arrive as one
stream.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from dataclasses import dataclass, field

from drivers.printer.fake import DLE_EOT, FakeNetworkPrinter

ACCEPT = "accept"
STALL = "stall"
"""Never read the line, as a printer holding it busy does."""


@dataclass
class FakeSerialPrinter:
    mode: str = ACCEPT
    paper: str = "ok"
    cover_open: bool = False
    answers_status: bool = True
    data: bytearray = field(default_factory=bytearray)
    status_requests: list[int] = field(default_factory=list)
    device: str = ""
    """Path of the pseudo-terminal the kiosk opens."""
    _master: int = -1
    _slave: int = -1
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> FakeSerialPrinter:
        self._master, self._slave = os.openpty()
        # Raw mode, so the line discipline passes every byte unchanged (no
        # LF to CR LF) even to a sender that does not configure the port.
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)
        self._thread = threading.Thread(
            target=self._serve, name="fake-serial-printer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        os.close(self._master)
        os.close(self._slave)

    def __enter__(self) -> FakeSerialPrinter:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_for(self, needle: bytes, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until ``needle`` has arrived ``count`` times; tell whether it did."""
        with self._arrived:
            return self._arrived.wait_for(
                lambda: bytes(self.data).count(needle) >= count, timeout
            )

    def _status_byte(self, request: int) -> int:
        answering = FakeNetworkPrinter(paper=self.paper, cover_open=self.cover_open)
        return answering.status_byte(request)

    def _serve(self) -> None:
        scan_from = 0
        while not self._stop.is_set():
            if self.mode == STALL:
                self._stop.wait(0.05)
                continue
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                continue  # EIO while no process has the slave open
            with self._arrived:
                self.data += chunk
                while True:
                    index = self.data.find(DLE_EOT, scan_from)
                    if index == -1 or index + 2 >= len(self.data):
                        scan_from = max(scan_from, len(self.data) - 2)
                        break
                    request = self.data[index + 2]
                    if 1 <= request <= 4:
                        self.status_requests.append(request)
                        if self.answers_status:
                            os.write(self._master, bytes([self._status_byte(request)]))
                    scan_from = index + 3
                self._arrived.notify_all()

"""Read a keyboard-wedge scanner from a terminal, outside the full-screen app.

``kiosk scan --listen`` uses this to show what a wedge scanner types. The
terminal is switched to a raw mode that passes every byte through unchanged
(no echo, no line editing, no CR-to-LF translation, no signal keys), so CR, LF,
RS and GS arrive as the scanner typed them. Ctrl-C typed alone still stops
the listener: it arrives as a one-byte burst and is reported to
``on_interrupt``, as is the terminal closing.
"""

from __future__ import annotations

import codecs
import logging
import os
import select
import termios
import threading
import time
from collections.abc import Callable

from drivers.scanner.base import (
    WEDGE,
    ReaderStatus,
    Scan,
    ScanHandler,
    StatusHandler,
    call_safely,
)
from drivers.scanner.wedge import Burst, WedgeCollector

logger = logging.getLogger(__name__)

CTRL_C = "\x03"


def raw_mode(attributes: list) -> list:
    """Return termios attributes that pass every typed byte through unchanged."""
    attrs = [list(a) if isinstance(a, list) else a for a in attributes]
    iflag, _oflag, _cflag, lflag, _ispeed, _ospeed, cc = range(7)
    attrs[iflag] &= ~(
        termios.ICRNL
        | termios.INLCR
        | termios.IGNCR
        | termios.ISTRIP
        | termios.IXON
        | termios.IXOFF
    )
    attrs[lflag] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    attrs[cc][termios.VMIN] = 1
    attrs[cc][termios.VTIME] = 0
    return attrs


class TerminalWedgeReader:
    """Reads keystrokes from a terminal file descriptor and groups them into
    scans with :class:`WedgeCollector`."""

    component = "scanner"

    def __init__(
        self,
        fd: int,
        collector: WedgeCollector,
        on_scan: ScanHandler,
        on_status: StatusHandler | None = None,
        *,
        on_ignored: Callable[[Burst], None] | None = None,
        on_interrupt: Callable[[], None] | None = None,
    ) -> None:
        self.fd = fd
        self.collector = collector
        self.on_scan = on_scan
        self.on_status = on_status
        self.on_ignored = on_ignored
        self.on_interrupt = on_interrupt
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: list | None = None

    def start(self) -> None:
        if not os.isatty(self.fd):
            raise OSError(f"file descriptor {self.fd} is not a terminal")
        self._saved = termios.tcgetattr(self.fd)
        termios.tcsetattr(self.fd, termios.TCSANOW, raw_mode(self._saved))
        self._thread = threading.Thread(
            target=self._run, name="wedge-terminal", daemon=True
        )
        self._thread.start()
        if self.on_status is not None:
            call_safely(
                self.on_status,
                ReaderStatus(self.component, True, "reading the keyboard"),
                "status",
            )

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._saved is not None:
            try:
                termios.tcsetattr(self.fd, termios.TCSANOW, self._saved)
            except termios.error:
                logger.warning("could not restore the terminal settings")
            self._saved = None

    def _run(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        wait = self.collector.gap / 2
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], wait)
            now = time.monotonic()
            if ready:
                try:
                    data = os.read(self.fd, 4096)
                except OSError as exc:
                    logger.warning("reading the terminal failed: %s", exc)
                    data = b""
                if not data:
                    # The terminal is gone: nothing more can be typed.
                    if self.on_interrupt is not None:
                        self.on_interrupt()
                    return
                for burst in self.collector.feed_text(decoder.decode(data), now):
                    self._deliver(burst)
            burst = self.collector.poll(now)
            if burst is not None:
                self._deliver(burst)

    def _deliver(self, burst: Burst) -> None:
        if burst.is_scan:
            scan = Scan(burst.text.encode("utf-8"), WEDGE)
            call_safely(self.on_scan, scan, "scan")
        elif burst.text == CTRL_C and self.on_interrupt is not None:
            self.on_interrupt()
        elif self.on_ignored is not None:
            call_safely(self.on_ignored, burst, "ignored burst")

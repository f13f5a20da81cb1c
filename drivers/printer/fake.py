"""A network printer on 127.0.0.1 that keeps the bytes it receives.

For tests and benchmarks: it behaves like a raw port-9100 ESC/POS printer,
responds to real-time status requests (``DLE EOT n``) from the state it is
given, and can be set to misbehave the ways real printers and networks do.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

ACCEPT = "accept"
STALL = "stall"
"""Accept connections but never read, so the sender's buffers fill up."""
CLOSE_MID_JOB = "close_mid_job"
"""Read ``close_after`` bytes of each job, then reset the connection."""
REFUSE = "refuse"
"""Nothing listens on the port, so connecting is refused."""
UNREACHABLE = "unreachable"
"""Connections never complete, like a printer that is switched off."""
MODES = (ACCEPT, STALL, CLOSE_MID_JOB, REFUSE, UNREACHABLE)

DLE_EOT = b"\x10\x04"
_FIXED_BITS = 0x12


@dataclass
class Job:
    data: bytearray = field(default_factory=bytearray)
    complete: bool = False
    """True when the sender closed the connection after sending everything."""
    status_requests: list[int] = field(default_factory=list)
    """The ``n`` of each ``DLE EOT n`` received, in order."""
    last_byte_at: float = 0.0
    """``time.perf_counter()`` when the last byte arrived."""


@dataclass
class FakeNetworkPrinter:
    """A TCP server standing in for a raw-socket ESC/POS printer.

    ``mode`` is read when the server starts (``REFUSE``, ``UNREACHABLE``) or
    when a connection arrives (the others). The printer's state (paper,
    cover, answering status requests) may be changed at any time.
    """

    mode: str = ACCEPT
    paper: str = "ok"
    """``ok``, ``low`` or ``out``: what the paper sensor reports."""
    cover_open: bool = False
    answers_status: bool = True
    close_after: int = 1024
    jobs: list[Job] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _server: socket.socket | None = None
    _thread: threading.Thread | None = None
    _held: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _job_done: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> FakeNetworkPrinter:
        if self.mode not in MODES:
            raise ValueError(f"unknown fake printer mode {self.mode!r}")
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.mode == STALL:
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        server.bind((self.host, self.port))
        self.port = server.getsockname()[1]
        if self.mode == REFUSE:
            # The port stays reserved by the bound socket but nothing listens.
            self._server = server
            return self
        if self.mode == UNREACHABLE:
            # A full accept queue makes Linux drop new SYNs, so connecting
            # times out as it does to a host that is switched off.
            server.listen(0)
            filler = socket.create_connection((self.host, self.port), timeout=2)
            self._held.append(filler)
            self._server = server
            return self
        server.listen(8)
        server.settimeout(0.1)
        self._server = server
        self._thread = threading.Thread(
            target=self._serve, name="fake-printer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        if self._server is not None:
            self._server.close()

    def __enter__(self) -> FakeNetworkPrinter:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[Job]:
        """Block until ``count`` jobs have finished arriving; return them."""
        with self._job_done:
            self._job_done.wait_for(
                lambda: len([j for j in self.jobs if j.complete]) >= count, timeout
            )
        return [job for job in self.jobs if job.complete]

    def status_byte(self, request: int) -> int:
        """Return the status byte the printer sends for ``DLE EOT request``."""
        paper_out = self.paper == "out"
        if request == 1:
            return _FIXED_BITS | (0x08 if paper_out or self.cover_open else 0)
        if request == 2:
            return (
                _FIXED_BITS
                | (0x04 if self.cover_open else 0)
                | (0x20 if paper_out else 0)
            )
        if request == 4:
            if paper_out:
                return _FIXED_BITS | 0x60
            return _FIXED_BITS | (0x0C if self.paper == "low" else 0)
        return _FIXED_BITS

    def _serve(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            if self.mode == STALL:
                self._held.append(connection)  # never read
                continue
            threading.Thread(
                target=self._receive, args=(connection,), daemon=True
            ).start()

    def _answer(self, connection: socket.socket, job: Job, scan_from: int) -> int:
        """Respond to the status requests in ``job.data`` after ``scan_from`` and
        return the offset where the next search starts."""
        data = job.data
        while True:
            index = data.find(DLE_EOT, scan_from)
            if index == -1 or index + 2 >= len(data):
                return max(scan_from, len(data) - 2)
            request = data[index + 2]
            if 1 <= request <= 4:
                job.status_requests.append(request)
                if self.answers_status:
                    connection.sendall(bytes([self.status_byte(request)]))
            scan_from = index + 3

    def _receive(self, connection: socket.socket) -> None:
        job = Job()
        self.jobs.append(job)
        connection.settimeout(5)
        scan_from = 0
        with connection:
            while not self._stop.is_set():
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    break
                if not chunk:
                    job.complete = True
                    break
                job.data += chunk
                job.last_byte_at = time.perf_counter()
                try:
                    scan_from = self._answer(connection, job, scan_from)
                except OSError:
                    break
                if self.mode == CLOSE_MID_JOB and len(job.data) >= self.close_after:
                    # Linger 0: close() sends a reset, as a printer that
                    # reboots or loses power mid-job does.
                    connection.setsockopt(
                        socket.SOL_SOCKET,
                        socket.SO_LINGER,
                        b"\x01\x00\x00\x00\x00\x00\x00\x00",
                    )
                    break
        with self._job_done:
            self._job_done.notify_all()

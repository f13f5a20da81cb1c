"""A network printer on 127.0.0.1 that keeps the bytes it receives.

For tests and benchmarks: it behaves like a raw port-9100 printer and can be
told to misbehave the ways real printers do.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

ACCEPT = "accept"
STALL = "stall"
"""Accept connections but never read, so the sender's buffers fill up."""
CLOSE_MID_JOB = "close_mid_job"
"""Read a little of each job, then drop the connection."""


@dataclass
class Job:
    data: bytes = b""
    complete: bool = False
    """True when the sender closed the connection after sending everything."""


@dataclass
class FakeNetworkPrinter:
    """A TCP server standing in for a raw-socket ESC/POS printer."""

    mode: str = ACCEPT
    jobs: list[Job] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _server: socket.socket | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _job_done: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> FakeNetworkPrinter:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.mode == STALL:
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        server.bind((self.host, self.port))
        server.listen(8)
        server.settimeout(0.1)
        self.port = server.getsockname()[1]
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

    def _serve(self) -> None:
        assert self._server is not None
        held: list[socket.socket] = []
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            if self.mode == STALL:
                held.append(connection)  # never read
                continue
            threading.Thread(
                target=self._receive, args=(connection,), daemon=True
            ).start()
        for connection in held:
            connection.close()

    def _receive(self, connection: socket.socket) -> None:
        job = Job()
        self.jobs.append(job)
        connection.settimeout(5)
        with connection:
            while True:
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    break
                if not chunk:
                    job.complete = True
                    break
                job.data += chunk
                if self.mode == CLOSE_MID_JOB:
                    connection.setsockopt(
                        socket.SOL_SOCKET,
                        socket.SO_LINGER,
                        b"\x01\x00\x00\x00\x00\x00\x00\x00",
                    )
                    break
        with self._job_done:
            self._job_done.notify_all()

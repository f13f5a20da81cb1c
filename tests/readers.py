"""Test helpers for readers: a serial scanner on a pseudo-terminal, waiting on
conditions, and the fixture payloads each reader can physically deliver."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.support import SCANS

CAMERA_MAX_BYTES = 1000
"""Largest fixture payload rendered as a barcode (PDF417 holds about 1.1 KB of
bytes); the 20 KB ``bad_long`` fits in no symbol."""


def payloads() -> dict[str, bytes]:
    """Every fixture scan, by file name."""
    return {path.name: path.read_bytes() for path in sorted(SCANS.glob("*.bin"))}


def typeable_payloads() -> dict[str, bytes]:
    """Payloads a wedge scanner can type into a terminal: not empty, and without
    ESC (a terminal turns ESC and what follows into a key sequence)."""
    return {
        name: data for name, data in payloads().items() if data and b"\x1b" not in data
    }


def sendable_payloads() -> dict[str, bytes]:
    """Payloads a serial scanner can send: every one but the empty one."""
    return {name: data for name, data in payloads().items() if data}


def printable_payloads() -> dict[str, bytes]:
    """Payloads that fit in a barcode a camera can read."""
    return {
        name: data
        for name, data in payloads().items()
        if data and len(data) <= CAMERA_MAX_BYTES
    }


def is_licence(name: str) -> bool:
    return name.startswith("dl_") or name == "bad_truncated_aamva.bin"


def wait_for(
    condition: Callable[[], object], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Wait until ``condition()`` is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class Collected:
    """Thread-safe list of what a reader delivered."""

    def __init__(self) -> None:
        self._items: list = []
        self._lock = threading.Lock()

    def __call__(self, item: object) -> None:
        with self._lock:
            self._items.append(item)

    @property
    def items(self) -> list:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self.items)


class PtyScanner:
    """A serial scanner on a pseudo-terminal pair.

    The reader opens the slave side (through ``link``, a udev-style symlink);
    the test writes on the master side. Unplugging closes the master, which
    makes reads on the slave fail as they do when a USB scanner goes away.
    """

    def __init__(self, folder: Path, name: str = "barcode") -> None:
        self.link = folder / name
        self.master: int | None = None
        self.device = ""
        self.devices: list[str] = []
        self.plug()

    def plug(self) -> str:
        """Create a new pseudo-terminal and point the symlink at it."""
        master, slave = os.openpty()
        device = os.ttyname(slave)
        os.close(slave)
        staging = self.link.with_name(self.link.name + ".new")
        if staging.is_symlink():
            staging.unlink()
        staging.symlink_to(device)
        os.replace(staging, self.link)
        old = self.master
        self.master, self.device = master, device
        self.devices.append(device)
        if old is not None:
            os.close(old)
        return device

    def unplug(self, remove_link: bool = True) -> None:
        if self.master is not None:
            os.close(self.master)
            self.master = None
        if remove_link and self.link.is_symlink():
            self.link.unlink()

    def write(self, data: bytes) -> None:
        assert self.master is not None, "the scanner is unplugged"
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def close(self) -> None:
        self.unplug()

"""Keep a camera's newest frame at hand, and notice when the camera goes.

A thread calls ``grab()`` as fast as the camera delivers, which empties the
driver's queue, and ``retrieve()`` (the costly colour conversion or JPEG
decoding) only when the decoder requests a frame. A decoder that took 100 ms
over one frame therefore gets the frame of now, not the one queued 100 ms ago.

Files and image sequences are played at their own frame rate, as a camera
would deliver them. When a live camera stops delivering, or keeps delivering
the very same frame (some drivers hand back the last frame of an unplugged
camera), the camera is closed and opened again, trying other ``/dev/videoN``
nodes too (see ``sources.candidates``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.scanner.base import ReaderStatus, StatusHandler, call_safely
from drivers.scanner.sources import (
    FILE,
    SEQUENCE,
    CameraSource,
    candidates,
    frame_count,
    open_capture,
)

logger = logging.getLogger(__name__)

CaptureOpener = Callable[[int | str], "cv2.VideoCapture | None"]


@dataclass(frozen=True)
class Frame:
    image: np.ndarray
    index: int
    """Count of frames grabbed from this opening of the source, from 1."""
    at: float
    """Monotonic time the frame was grabbed."""


class FrameGrabber:
    """Grabs frames in a thread; hands the newest one out on request."""

    component = "camera"

    def __init__(
        self,
        source: CameraSource,
        on_status: StatusHandler | None = None,
        *,
        device_dir: str = "/dev",
        opener: CaptureOpener | None = None,
        reconnect_interval: float = 1.0,
        frozen_seconds: float = 3.0,
        stall_seconds: float = 3.0,
    ) -> None:
        self.source = source
        self.on_status = on_status
        self.device_dir = device_dir
        self.opener: CaptureOpener = opener or open_capture
        self.reconnect_interval = reconnect_interval
        self.frozen_seconds = frozen_seconds
        """A live camera repeating one frame this long is taken as gone."""
        self.stall_seconds = stall_seconds
        """A live camera delivering nothing this long is reported as down."""
        self.opened: int | str | None = None
        """What is open now (the configured source, or another video device)."""
        self.ended = threading.Event()
        """Set when a file or image sequence has played to its end."""
        self._capture: cv2.VideoCapture | None = None
        self._lock = threading.Lock()
        self._frame_requested = threading.Event()
        self._ready = threading.Condition(self._lock)
        self._frame: Frame | None = None
        self._index = 0
        self._last_grab = 0.0
        self._paced = False
        self._status: ReaderStatus | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._same_since: float | None = None
        self._signature: bytes | None = None
        self._reopen = threading.Event()
        self._status_lock = threading.Lock()

    # Life cycle

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="camera-grab", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._ready:
            self._ready.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("camera grabber on %s did not stop in time", self.source)

    @property
    def status(self) -> ReaderStatus | None:
        return self._status

    # What the decoder calls

    def next_frame(self, timeout: float = 1.0) -> Frame | None:
        """Return a frame grabbed after this call, or None if none came in time."""
        deadline = time.monotonic() + timeout
        with self._ready:
            self._frame = None
            self._frame_requested.set()
            while self._frame is None and not self._stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._ready.wait(remaining)
            frame, self._frame = self._frame, None
            self._frame_requested.clear()
        if frame is not None:
            self._check_frozen(frame)
        else:
            self._check_stalled()
        return frame

    # The grabbing thread

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._capture is None and not self._open():
                self._stop.wait(self.reconnect_interval)
                continue
            self._grab_once()
        self._close()

    def _open(self) -> bool:
        if self.ended.is_set():
            return False
        for target in candidates(self.source, self.device_dir):
            capture = self.opener(target)
            if capture is None:
                continue
            self._capture = capture
            self.opened = target
            self._index = 0
            self._paced = frame_count(capture) > 0
            fps = capture.get(cv2.CAP_PROP_FPS)
            self._interval = 1 / fps if self._paced and fps > 0 else 0.0
            self._started = time.monotonic()
            self._last_grab = self._started
            self._signature = None
            self._same_since = None
            width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
            where = self._describe(target)
            logger.info("camera opened: %s at %dx%d", where, width, height)
            self._report(True, f"connected {where} {width}x{height}")
            return True
        detail = f"{self.source}: not found or cannot be opened"
        if self._status is None or self._status.detail != detail:
            logger.warning(
                "camera %s; trying again every %.1f s", detail, self.reconnect_interval
            )
        self._report(False, detail)
        return False

    def _grab_once(self) -> None:
        capture = self._capture
        assert capture is not None
        if self._paced:
            due = self._started + self._index * self._interval
            delay = due - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                return
        if self._reopen.is_set():
            self._reopen.clear()
            self._lost("camera repeats one frame")
            return
        if not capture.grab():
            if self.source.kind in (FILE, SEQUENCE):
                logger.info("camera source %s played to its end", self.source)
                self._report(False, f"{self.source}: end of video")
                self.ended.set()
                self._close()
            else:
                self._lost("camera delivers no frames")
            return
        now = time.monotonic()
        self._index += 1
        self._last_grab = now
        if self._frame_requested.is_set():
            ok, image = capture.retrieve()
            if ok and image is not None:
                with self._ready:
                    self._frame = Frame(image, self._index, now)
                    self._frame_requested.clear()
                    self._ready.notify_all()

    def _lost(self, reason: str) -> None:
        where = self._describe(self.opened)
        logger.warning("camera %s lost: %s; reopening", where, reason)
        self._report(False, f"disconnected: {where} ({reason})")
        self._close()

    def _close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    # Checks run on the decoder's thread

    def _check_frozen(self, frame: Frame) -> None:
        if self._paced:
            return
        signature = frame.image[::8, ::8].tobytes()
        if signature != self._signature:
            self._signature = signature
            self._same_since = frame.at
            return
        if (
            self._same_since is not None
            and frame.at - self._same_since >= self.frozen_seconds
        ):
            self._same_since = None
            self._signature = None
            self._reopen.set()

    def _check_stalled(self) -> None:
        if self._capture is None or self._paced or self.ended.is_set():
            return
        silent = time.monotonic() - self._last_grab
        if silent >= self.stall_seconds:
            self._report(False, f"no frames from {self._describe(self.opened)}")

    # Helpers

    def _describe(self, target: int | str | None) -> str:
        if isinstance(target, int):
            return f"/dev/video{target}"
        return str(target)

    def _report(self, ok: bool, detail: str) -> None:
        status = ReaderStatus(self.component, ok, detail)
        with self._status_lock:
            if status == self._status:
                return
            self._status = status
        if self.on_status is not None:
            call_safely(self.on_status, status, "status")

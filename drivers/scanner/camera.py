"""Read barcodes held in front of a camera (OpenCV, zxing-cpp, pyzbar).

:class:`CameraReader` runs a :class:`FrameGrabber` (newest frame, reopening a
lost camera) and a decoding thread. A code held in view is one scan: it is
scanned again only after it has been out of view for ``gone_seconds``, or after
``hold_off_seconds`` in view. A scan of the second kind is marked as a repeat,
so check-in never takes it as the visitor asking to sign in or out again.

When nothing has been read for ``idle_after_seconds`` and the picture is
still, the reader looks at only ``idle_fps`` frames a second and skips the
costly second try. Any movement brings it back to full rate.

:meth:`CameraReader.capture_still` and :func:`capture_still` take one picture
(for a badge photo) as JPEG.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from drivers.scanner.base import (
    CAMERA,
    ReaderStatus,
    Scan,
    ScanHandler,
    StatusHandler,
    call_safely,
)
from drivers.scanner.decode import Decoded, FrameDecoder, to_gray
from drivers.scanner.grabber import CaptureOpener, Frame, FrameGrabber
from drivers.scanner.sources import CameraSource, open_capture, parse_source

logger = logging.getLogger(__name__)

MOTION_LEVEL = 3.0
"""Mean grey-level change (0-255) between two small frames that counts as movement."""


@dataclass(frozen=True)
class CameraSettings:
    width: int = 1280
    height: int = 720
    fps: float = 15.0
    max_decode_fps: float = 15.0
    """Frames a second decoded while something is in view."""
    idle_fps: float = 4.0
    """Frames a second looked at while nothing is in view."""
    idle_after_seconds: float = 3.0
    gone_seconds: float = 1.0
    """Seconds after which a code not seen has left the picture, so showing it
    again scans it again."""
    hold_off_seconds: float = 10.0
    """A code kept in view is scanned again after this long."""
    frozen_seconds: float = 3.0
    reconnect_seconds: float = 1.0
    decoder: str = "auto"
    """``auto`` (the measured choice per symbology), ``zxing-cpp`` or ``pyzbar``
    (pyzbar for QR and Code128; PDF417 stays with zxing-cpp)."""


@dataclass
class _Sighting:
    scanned_at: float
    last_seen: float
    missed: bool = False
    """True once a frame was decoded without the code in it."""


@dataclass(frozen=True)
class Reading:
    """A code that counts as a scan."""

    code: Decoded
    repeat: bool
    """True when the code never left the view since its last scan."""


@dataclass
class Deduplicator:
    """Turns a stream of per-frame readings into scans, one per showing.

    A code has left the picture when a decoded frame lacked it and it has not
    been seen for ``gone_seconds``. Both are needed: a slow decoder must not
    take a code it never saw leave as gone, and one missed read of a code
    still in view must not count as leaving.
    """

    gone_seconds: float = 1.0
    hold_off_seconds: float = 10.0
    _seen: dict[tuple[bytes, str], _Sighting] = field(default_factory=dict)

    def update(self, codes: list[Decoded], now: float) -> list[Decoded]:
        """Return the codes in this frame that count as new scans."""
        return [reading.code for reading in self.readings(codes, now)]

    def readings(self, codes: list[Decoded], now: float) -> list[Reading]:
        """Return the codes in this frame that count as scans, each marked as a
        repeat when it was kept in view past ``hold_off_seconds``."""
        present = {(code.payload, code.symbology) for code in codes}
        for key, sighting in list(self._seen.items()):
            if key not in present:
                sighting.missed = True
            if sighting.missed and now - sighting.last_seen >= self.gone_seconds:
                del self._seen[key]
        fresh = []
        for code in codes:
            key = (code.payload, code.symbology)
            sighting = self._seen.get(key)
            if sighting is None:
                fresh.append(Reading(code, repeat=False))
                self._seen[key] = _Sighting(now, now)
            elif now - sighting.scanned_at >= self.hold_off_seconds:
                fresh.append(Reading(code, repeat=True))
                self._seen[key] = _Sighting(now, now)
            else:
                sighting.last_seen = now
                sighting.missed = False
        return fresh

    @property
    def in_view(self) -> int:
        """Count of codes seen and not yet gone."""
        return len(self._seen)


class Activity:
    """Decides how hard to look: full rate while something is in view or moving."""

    def __init__(self, idle_after: float) -> None:
        self.idle_after = idle_after
        self._busy_until = 0.0
        self._previous: np.ndarray | None = None

    def moved(self, gray: np.ndarray) -> bool:
        small = cv2.resize(gray, (80, 45), interpolation=cv2.INTER_AREA).astype(
            np.int16
        )
        previous, self._previous = self._previous, small
        if previous is None:
            return True
        return float(np.mean(np.abs(small - previous))) >= MOTION_LEVEL

    def busy(self, now: float) -> bool:
        return now < self._busy_until

    def wake(self, now: float) -> None:
        self._busy_until = now + self.idle_after


@dataclass(frozen=True)
class Still:
    """One picture from the camera, for a badge photo."""

    jpeg: bytes
    width: int
    height: int


def encode_still(image: np.ndarray, quality: int = 90) -> Still:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG")
    return Still(data.tobytes(), image.shape[1], image.shape[0])


def make_decoder(choice: str) -> FrameDecoder:
    if choice == "auto":
        return FrameDecoder()
    if choice in ("zxing-cpp", "pyzbar"):
        return FrameDecoder(choice={"qr": choice, "code128": choice, "pdf417": choice})
    raise ValueError(f"unknown decoder {choice!r}; expected auto, zxing-cpp or pyzbar")


class CameraReader:
    """Reads codes from a camera in background threads."""

    component = "camera"

    def __init__(
        self,
        source: str | CameraSource,
        on_scan: ScanHandler,
        on_status: StatusHandler | None = None,
        settings: CameraSettings | None = None,
        *,
        device_dir: str = "/dev",
        opener: CaptureOpener | None = None,
    ) -> None:
        self.settings = settings or CameraSettings()
        if isinstance(source, str):
            source = parse_source(source, device_dir)
        self.source = source
        self.on_scan = on_scan
        self.decoder = make_decoder(self.settings.decoder)
        s = self.settings
        self.grabber = FrameGrabber(
            source,
            on_status,
            device_dir=device_dir,
            opener=opener or self._open,
            reconnect_interval=s.reconnect_seconds,
            frozen_seconds=s.frozen_seconds,
        )
        self.dedup = Deduplicator(s.gone_seconds, s.hold_off_seconds)
        self.activity = Activity(s.idle_after_seconds)
        self.frames_decoded = 0
        """Frames the decoder looked at (for tests and the benchmark)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None

    def _open(self, target: int | str) -> cv2.VideoCapture | None:
        s = self.settings
        return open_capture(target, width=s.width, height=s.height, fps=s.fps)

    @property
    def status(self) -> ReaderStatus | None:
        return self.grabber.status

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        self._stop.clear()
        self.grabber.start()
        self._thread = threading.Thread(
            target=self._run, name="camera-decode", daemon=True
        )
        self._thread.start()
        logger.info("camera reader started on %s", self.source)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.grabber.stop(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
        logger.info("camera reader on %s stopped", self.source)

    def capture_still(self, timeout: float = 2.0) -> Still | None:
        """Return a current picture as JPEG, or None if the camera gives none."""
        frame = self._latest
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stop.is_set():
            current = self._latest
            if current is not None and (frame is None or current.index != frame.index):
                return encode_still(current.image)
            if self.grabber.ended.is_set() and current is not None:
                return encode_still(current.image)
            time.sleep(0.02)
        return None

    def _run(self) -> None:
        s = self.settings
        while not self._stop.is_set():
            started = time.monotonic()
            frame = self.grabber.next_frame(timeout=1.0)
            if frame is None:
                continue
            self._latest = frame
            gray = to_gray(frame.image)
            now = time.monotonic()
            if self.activity.moved(gray):
                self.activity.wake(now)
            busy = self.activity.busy(now) or self.dedup.in_view > 0
            try:
                codes = self.decoder.decode(gray, retry=busy)
            except Exception:
                logger.exception("decoding a camera frame failed")
                codes = []
            self.frames_decoded += 1
            if codes:
                self.activity.wake(now)
            for reading in self.dedup.readings(codes, now):
                code = reading.code
                scan = Scan(code.payload, CAMERA, code.symbology, reading.repeat)
                logger.info(
                    "camera read a %s code (%d bytes) with %s%s",
                    code.symbology,
                    len(code.payload),
                    code.decoder,
                    " again (kept in view)" if reading.repeat else "",
                )
                call_safely(self.on_scan, scan, "scan")
            rate = s.max_decode_fps if busy or codes else s.idle_fps
            pause = 1 / rate - (time.monotonic() - started)
            if pause > 0:
                self._stop.wait(pause)


def capture_still(
    source: str, settings: CameraSettings | None = None, warm_up_frames: int = 5
) -> Still | None:
    """Open ``source``, let exposure settle for a few frames, and return one
    picture as JPEG; None if the camera does not open or gives no frame."""
    s = settings or CameraSettings()
    parsed = parse_source(source)
    capture = open_capture(parsed.target, width=s.width, height=s.height, fps=s.fps)
    if capture is None:
        return None
    try:
        image = None
        for _ in range(max(1, warm_up_frames)):
            ok, candidate = capture.read()
            if not ok:
                break
            image = candidate
        return encode_still(image) if image is not None else None
    finally:
        capture.release()

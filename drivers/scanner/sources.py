"""Camera sources: the kinds ``[camera] source`` names, and opening them.

A source is a device (an index such as ``0``, or a path such as ``/dev/video0``
or ``/dev/v4l/by-id/...``), a video file, an image sequence (a path with a
printf pattern such as ``frames/%04d.png``), or a stream URL (``rtsp://``,
``http://``). Devices and streams are live; files and sequences are played
at their own frame rate, as if a camera delivered them.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import cv2

logger = logging.getLogger(__name__)

DEVICE, FILE, SEQUENCE, URL = "device", "file", "sequence", "url"

_VIDEO_NODE = re.compile(r"^video(\d+)$")

# OpenCV prints its own warnings on stderr, where the full-screen app draws.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


@dataclass(frozen=True)
class CameraSource:
    text: str
    """The source as configured."""
    kind: str
    """``device``, ``file``, ``sequence`` or ``url``."""
    target: int | str
    """The argument given to ``cv2.VideoCapture``."""

    @property
    def live(self) -> bool:
        return self.kind in (DEVICE, URL)

    def __str__(self) -> str:
        if isinstance(self.target, int):
            return f"camera {self.target} (/dev/video{self.target})"
        return self.text


def parse_source(text: str, device_dir: str = "/dev") -> CameraSource:
    """Tell what kind of source ``text`` names (see the module docstring)."""
    text = text.strip()
    if text.isdigit():
        return CameraSource(text, DEVICE, int(text))
    if "://" in text:
        return CameraSource(text, URL, text)
    if "%" in text:
        return CameraSource(text, SEQUENCE, text)
    device_root = device_dir.rstrip("/") + "/"
    if text.startswith(device_root):
        return CameraSource(text, DEVICE, text)
    return CameraSource(text, FILE, text)


def video_devices(device_dir: str = "/dev") -> list[str]:
    """Return the ``videoN`` nodes in ``device_dir``, lowest number first."""
    try:
        names = os.listdir(device_dir)
    except OSError:
        return []
    nodes = [(int(m[1]), name) for name in names if (m := _VIDEO_NODE.match(name))]
    return [str(Path(device_dir) / name) for _, name in sorted(nodes)]


def candidates(source: CameraSource, device_dir: str = "/dev") -> list[int | str]:
    """Return what to try opening, in order: the configured source, then, for a
    camera given as ``videoN``, the other video devices present, because an
    unplugged camera often comes back under a new number."""
    tried: list[int | str] = [source.target]
    if source.kind != DEVICE:
        return tried
    configured = source.target
    if isinstance(configured, int):
        configured = str(Path(device_dir) / f"video{configured}")
    if not _VIDEO_NODE.match(Path(configured).name):
        return tried  # a stable name such as /dev/v4l/by-id/...: follow it only
    tried.extend(path for path in video_devices(device_dir) if path != configured)
    return tried


def open_capture(
    target: int | str, *, width: int = 1280, height: int = 720, fps: float = 15
) -> cv2.VideoCapture | None:
    """Open one camera, file, sequence or stream; return None if it does not open."""
    if isinstance(target, int):
        capture = cv2.VideoCapture(target, cv2.CAP_V4L2)
    elif target.startswith(("rtsp://", "http://", "https://")):
        capture = cv2.VideoCapture(
            target,
            cv2.CAP_FFMPEG,
            [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                5000,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                5000,
            ],
        )
    else:
        capture = cv2.VideoCapture(target)
    if not capture.isOpened():
        capture.release()
        return None
    if frame_count(capture) <= 0:
        # A camera: ask for the resolution that resolves a licence's PDF417
        # (about 2 pixels a module), a modest frame rate, and a short queue so
        # that a grabbed frame is a current one.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_FPS, fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
    return capture


def frame_count(capture: cv2.VideoCapture) -> int:
    """Return the number of frames of a file or sequence; 0 or less for a camera."""
    try:
        return int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    except (ValueError, OverflowError):
        return 0

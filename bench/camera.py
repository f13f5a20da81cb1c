"""Camera decoding: read rate and time per frame of pyzbar and zxing-cpp.

Frames are 1280x720, rendered from the kiosk's fixture payloads in the looks a
kiosk camera meets (``tests/frames.py``: clean, small, rotated, blurred, low
contrast, light on dark, noisy, plus skews of 5 to 45 degrees). Each decoder
reads every frame; a read counts when it returns the exact payload bytes.
The public photos (at their own sizes) are measured the same way. Last, the
camera reader runs on a still, empty scene to measure the CPU it uses idle.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from drivers.scanner.camera import CameraReader, CameraSettings
from drivers.scanner.decode import FrameDecoder, ZbarBackend, ZxingBackend, to_gray
from drivers.scanner.grabber import FrameGrabber
from drivers.scanner.sources import parse_source
from tests.frames import LOOKS, Look, Shot, background, render, with_noise, write_video
from tests.support import PUBLIC, SCANS

PAYLOADS = {
    "qr": ["badge_P001_ALD.bin", "badge_P001_lowercase_spaces.bin", "bad_sql.bin"],
    "code128": [
        "badge_P002_ALD.bin",
        "badge_P001_lowercase_spaces.bin",
        "bad_text.bin",
    ],
    "pdf417": ["dl_v8_P001.bin", "dl_ca_P018_ontario.bin", "dl_v1_P016_full_name.bin"],
}
SKEWS = (5, 15, 30, 45)
PUBLIC_SETS = {
    "pdf417": [
        "zxing/pdf417-1",
        "zxing/pdf417-2",
        "zxing/pdf417-3",
        "zxing-cpp/pdf417-1",
    ],
    "qr": [f"zxing/qrcode-{n}" for n in range(1, 7)],
    "code128": ["zxing/code128-1", "zxing/code128-2", "zxing/code128-3"],
}

Decode = Callable[[np.ndarray], list]


@dataclass
class Tally:
    frames: int = 0
    read: int = 0
    wrong: int = 0
    times: list[float] = field(default_factory=list)

    def row(self, label: str) -> str:
        if not self.frames:
            return f"| {label} | 0 | - | - | - | - |"
        times = sorted(self.times)
        median = statistics.median(times) * 1000
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))] * 1000
        rate = f"{self.read}/{self.frames} ({100 * self.read / self.frames:.0f}%)"
        return f"| {label} | {rate} | {self.wrong} | {median:.1f} | {p90:.1f} |"


def _decoders(symbology: str) -> dict[str, Decode | None]:
    zxing = ZxingBackend([symbology])
    retrying = FrameDecoder([symbology])
    zbar = ZbarBackend([symbology]) if symbology != "pdf417" else None
    return {
        "pyzbar": (lambda frame: zbar.read(to_gray(frame))) if zbar else None,
        "zxing-cpp": lambda frame: zxing.read(to_gray(frame)),
        "zxing-cpp + level and retry": retrying.decode,
    }


def _measure(decode: Decode, frames: list[tuple[np.ndarray, bytes, str]]) -> Tally:
    tally = Tally()
    for frame, expected, kind in frames:
        started = time.perf_counter()
        found = decode(frame)
        tally.times.append(time.perf_counter() - started)
        tally.frames += 1
        got = [
            code.payload if kind == "bytes" else code.text.encode() for code in found
        ]
        if any(g.rstrip(b"\n") == expected.rstrip(b"\n") for g in got):
            tally.read += 1
        elif got:
            tally.wrong += 1
    return tally


def _rendered(symbology: str) -> list[tuple[np.ndarray, bytes, str]]:
    scene = background(11)
    base_module = LOOKS[symbology][0].module_px
    looks = LOOKS[symbology] + [
        Look(f"skew_{angle}", module_px=max(3.0, base_module / 2), angle=angle)
        for angle in SKEWS
    ]
    frames = []
    for name in PAYLOADS[symbology]:
        payload = (SCANS / name).read_bytes()
        for look in looks:
            frames.append(
                (render(Shot(payload, symbology, look), scene), payload, "bytes")
            )
    return frames


def _public(symbology: str) -> list[tuple[np.ndarray, bytes, str]]:
    frames = []
    for folder in PUBLIC_SETS[symbology]:
        for image in sorted((PUBLIC / folder).glob("*.png")):
            binary, text = image.with_suffix(".bin"), image.with_suffix(".txt")
            if binary.exists():
                expected, kind = binary.read_bytes(), "bytes"
            elif text.exists():
                expected, kind = text.read_bytes(), "text"
            else:
                continue
            frames.append((cv2.imread(str(image), cv2.IMREAD_COLOR), expected, kind))
    return frames


def _decode_tables() -> list[str]:
    lines = [
        "| symbology, decoder | read | wrong | median ms | p90 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    public_lines = list(lines)
    empty_lines = ["| decoder | median ms | p90 ms |", "| --- | ---: | ---: |"]
    empty = [(with_noise(background(12), 2.0, n), b"", "bytes") for n in range(20)]
    for symbology in ("qr", "code128", "pdf417"):
        rendered, public = _rendered(symbology), _public(symbology)
        for name, decode in _decoders(symbology).items():
            label = f"{symbology}, {name}"
            if decode is None:
                lines.append(f"| {label} | cannot read PDF417 | | | |")
                public_lines.append(f"| {label} | cannot read PDF417 | | | |")
                continue
            lines.append(_measure(decode, rendered).row(label))
            public_lines.append(_measure(decode, public).row(label))
    all_zxing = FrameDecoder()
    for name, decode in {
        "pyzbar (QR, Code128)": ZbarBackend(["qr", "code128"]).read,
        "zxing-cpp (QR, Code128, PDF417)": ZxingBackend(
            ["qr", "code128", "pdf417"]
        ).read,
        "zxing-cpp + level and retry (the kiosk's default)": all_zxing.decode,
    }.items():
        tally = _measure(lambda frame, d=decode: d(to_gray(frame)), empty)
        row = tally.row(name).split("|")
        empty_lines.append(f"|{row[1]}|{row[4]}|{row[5]}|")
    return [
        "Rendered 1280x720 frames (exact payload bytes count as read):",
        "",
        *lines,
        "",
        "Public photos at their own sizes (expected text or bytes count as read):",
        "",
        *public_lines,
        "",
        "Empty 1280x720 frames (nothing in view), time per frame:",
        "",
        *empty_lines,
    ]


def _idle_cpu(
    settings: CameraSettings | None, seconds: float = 10.0, settle: float = 4.0
) -> tuple[float, float]:
    """Run the reader (or, for None, only the frame grabber) on a still, empty
    15 fps scene. Return the CPU it uses, in % of one core, and the frames it
    decodes a second, both measured after ``settle`` seconds."""
    with tempfile.TemporaryDirectory() as folder:
        fps = 15
        frames = [with_noise(background(13), 2.0, n) for n in range(int(fps * seconds))]
        video = write_video(Path(folder) / "empty.avi", frames, fps)
        if settings is None:
            reader: FrameGrabber | CameraReader = FrameGrabber(parse_source(str(video)))
            ended = reader.ended
        else:
            reader = CameraReader(str(video), lambda scan: None, None, settings)
            ended = reader.grabber.ended
        reader.start()
        time.sleep(settle)
        cpu_before, wall_before = time.process_time(), time.monotonic()
        decoded_before = getattr(reader, "frames_decoded", 0)
        ended.wait(seconds + 30)
        cpu = time.process_time() - cpu_before
        wall = time.monotonic() - wall_before
        decoded = getattr(reader, "frames_decoded", 0) - decoded_before
        reader.stop()
    return 100 * cpu / wall, decoded / wall


def run() -> str:
    lines = [
        "## Camera decoding: pyzbar and zxing-cpp",
        "",
        "Run with `python -m bench camera`. Times are wall-clock and vary from run",
        "to run on a shared machine; read counts do not. The kiosk's decoder per",
        "symbology is `DEFAULT_CHOICE` in `drivers/scanner/decode.py`.",
        "",
        *_decode_tables(),
        "",
        "Camera reader on a still, empty 15 fps 1280x720 video, measured from 4 s",
        "to 10 s (grabbing, video decoding and barcode decoding together; CPU time",
        "of the process; a camera's MJPEG is decoded only for frames the decoder",
        "takes, a video file's in every grab):",
        "",
        "| setting | CPU (% of one core) | frames decoded a second |",
        "| --- | ---: | ---: |",
    ]
    for label, settings in (
        ("grabbing and video decoding only, no barcode decoding", None),
        ("idle after 3 s, 4 frames/s idle (default)", CameraSettings()),
        (
            "never idle (every frame, with retries)",
            CameraSettings(idle_fps=60, max_decode_fps=60, idle_after_seconds=60),
        ),
    ):
        cpu, decoded = _idle_cpu(settings)
        lines.append(f"| {label} | {cpu:.0f} | {decoded:.1f} |")
    lines += ["", f"Machine: {os.cpu_count()} CPUs."]
    return "\n".join(lines)

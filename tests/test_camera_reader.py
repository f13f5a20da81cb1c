"""The camera reader on real video files, image sequences and an HTTP stream."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.scanner.camera import (
    CameraReader,
    CameraSettings,
    Deduplicator,
    capture_still,
)
from drivers.scanner.decode import Decoded
from drivers.scanner.grabber import FrameGrabber
from drivers.scanner.sources import (
    DEVICE,
    FILE,
    SEQUENCE,
    URL,
    candidates,
    open_capture,
    parse_source,
)
from tests.frames import (
    LOOKS,
    Look,
    Shot,
    background,
    render,
    with_noise,
    write_sequence,
    write_video,
)
from tests.readers import Collected, is_licence, payloads, printable_payloads, wait_for

FPS = 20
HOLD, BLANK = 10, 8
"""Frames a code is held in view, and empty frames between two showings."""

SETTINGS = CameraSettings(
    gone_seconds=0.15,
    max_decode_fps=FPS * 2,
    idle_after_seconds=1.0,
    reconnect_seconds=0.1,
    frozen_seconds=0.6,
)


def showings(
    shots: Iterable[Shot], scene: np.ndarray, hold: int = HOLD, blank: int = BLANK
) -> Iterator[np.ndarray]:
    """Frames of each shot held in view, with the empty scene between them."""
    yield from [scene] * blank
    for shot in shots:
        frame = render(shot, scene)
        yield from [frame] * hold
        yield from [scene] * blank


def live(frames: Iterable[np.ndarray], seed: int = 0) -> Iterator[np.ndarray]:
    """Add sensor noise, so no two frames are the same, as from a real camera."""
    for index, frame in enumerate(frames):
        yield with_noise(frame, 2.0, seed + index)


def shot_for(name: str, data: bytes, badge_symbology: str = "qr") -> Shot:
    if is_licence(name):
        return Shot(data, "pdf417", Look(module_px=3))
    module = 6 if badge_symbology == "qr" else 3
    return Shot(data, badge_symbology, Look(module_px=module))


def read_all(source: str, timeout: float, settings: CameraSettings = SETTINGS, **kw):
    """Run a reader over a file to its end; return its scans and statuses."""
    scans, statuses = Collected(), Collected()
    reader = CameraReader(source, scans, statuses, settings, **kw)
    reader.start()
    try:
        wait_for(reader.grabber.ended.is_set, timeout=timeout, what="the video's end")
        time.sleep(0.3)
    finally:
        reader.stop()
    return scans.items, statuses.items, reader


def scanned(scans) -> list[tuple[bytes, str]]:
    return [(scan.payload, scan.symbology) for scan in scans]


# Every kiosk payload


def test_every_printable_payload_is_one_scan(tmp_path):
    shots = [shot_for(name, data) for name, data in printable_payloads().items()]
    video = write_video(tmp_path / "all.avi", showings(shots, background(1)), FPS)

    scans, statuses, _ = read_all(str(video), timeout=120)

    assert scanned(scans) == [(shot.payload, shot.symbology) for shot in shots]
    assert {scan.source for scan in scans} == {"camera"}
    assert statuses[0].ok
    assert statuses[0].detail == f"connected {video} 1280x720"


def test_badges_as_code128_are_one_scan_each(tmp_path):
    shots = [
        shot_for(name, data, "code128")
        for name, data in printable_payloads().items()
        if not is_licence(name)
    ]
    video = write_video(tmp_path / "code128.avi", showings(shots, background(2)), FPS)

    scans, _, _ = read_all(str(video), timeout=120)

    assert scanned(scans) == [(shot.payload, "code128") for shot in shots]


def test_licences_from_image_sequence(tmp_path):
    licences = {n: d for n, d in printable_payloads().items() if is_licence(n)}
    shots = [shot_for(name, data) for name, data in licences.items()]
    pattern = write_sequence(tmp_path / "frames", showings(shots, background(4)))

    scans, _, _ = read_all(pattern, timeout=120)

    assert scanned(scans) == [(data, "pdf417") for data in licences.values()]


@pytest.mark.parametrize("symbology", sorted(LOOKS))
def test_hard_looks_are_one_scan_each(tmp_path, symbology):
    if symbology == "pdf417":
        sources = [d for n, d in printable_payloads().items() if is_licence(n)]
    else:
        sources = [
            d for n, d in printable_payloads().items() if n.startswith("badge_P0")
        ]
    shots = [
        Shot(data, symbology, look)
        for data, look in zip(sources, LOOKS[symbology], strict=False)
    ]
    assert len(shots) == len(LOOKS[symbology])
    frames = showings(shots, background(5), hold=16, blank=BLANK)
    video = write_video(tmp_path / f"{symbology}.avi", frames, FPS)

    scans, _, _ = read_all(str(video), timeout=120)

    assert scanned(scans) == [(shot.payload, symbology) for shot in shots]


# Deduplication


def test_code_held_past_hold_off_is_scanned_again(tmp_path):
    shot = Shot(b"OTP-100001", "qr", Look(module_px=6))
    frames = showings([shot], background(1), hold=int(FPS * 1.6), blank=4)
    video = write_video(tmp_path / "held.avi", frames, FPS)
    settings = CameraSettings(gone_seconds=0.15, hold_off_seconds=1.0)

    scans, _, _ = read_all(str(video), timeout=30, settings=settings)

    assert scanned(scans) == [(b"OTP-100001", "qr")] * 2


def test_code_kept_in_view_is_marked_repeat(tmp_path):
    shot = Shot(b"OTP-100001", "qr", Look(module_px=6))
    # Held 1.6 s (read again after the 1 s hold-off), taken away for 0.6 s,
    # then shown once more.
    frames = showings([shot, shot], background(1), hold=int(FPS * 1.6), blank=12)
    video = write_video(tmp_path / "held-twice.avi", frames, FPS)
    settings = CameraSettings(gone_seconds=0.15, hold_off_seconds=1.0)

    scans, _, _ = read_all(str(video), timeout=30, settings=settings)

    assert scanned(scans) == [(b"OTP-100001", "qr")] * 4
    assert [scan.repeat for scan in scans] == [False, True, False, True]
    assert [scan.to_json()["repeat"] for scan in scans] == [False, True, False, True]


def test_dedup_readings_mark_hold_off_repeats():
    dedup = Deduplicator(gone_seconds=0.5, hold_off_seconds=3.0)
    a = code(b"A")

    first = dedup.readings([a], 0.0)
    held = dedup.readings([a], 3.0)
    dedup.readings([], 3.2)
    dedup.readings([], 4.0)  # A last seen at 3.0: gone at 3.5
    shown_again = dedup.readings([a], 4.1)

    assert [(r.code, r.repeat) for r in first] == [(a, False)]
    assert [(r.code, r.repeat) for r in held] == [(a, True)]
    assert [(r.code, r.repeat) for r in shown_again] == [(a, False)]


def code(payload: bytes) -> Decoded:
    return Decoded(payload, "qr", "zxing-cpp", payload.decode())


def test_dedup_counts_each_showing_once():
    dedup = Deduplicator(gone_seconds=1.0, hold_off_seconds=10.0)
    a, b = code(b"A"), code(b"B")

    assert dedup.update([a], 0.0) == [a]
    assert dedup.update([a], 0.1) == []
    assert dedup.update([], 0.5) == []  # one missed read is not leaving
    assert dedup.update([a, b], 0.6) == [b]
    assert dedup.update([], 1.2) == []
    assert dedup.update([], 1.7) == []  # A last seen at 0.6: gone at 1.6
    assert dedup.in_view == 0
    assert dedup.update([a], 1.8) == [a]


def test_dedup_slow_decoder_no_repeat():
    dedup = Deduplicator(gone_seconds=0.5, hold_off_seconds=10.0)
    a = code(b"A")

    assert dedup.update([a], 0.0) == [a]
    # Two seconds between decoded frames, and A in every one of them.
    assert dedup.update([a], 2.0) == []
    assert dedup.update([a], 4.0) == []


def test_dedup_hold_off_repeats_code_kept_in_view():
    dedup = Deduplicator(gone_seconds=1.0, hold_off_seconds=3.0)
    a = code(b"A")

    scans = [t for t in np.arange(0.0, 7.0, 0.1) if dedup.update([a], float(t))]

    assert scans == pytest.approx([0.0, 3.0, 6.0])


# Current frames, lost cameras, new device numbers


def test_grabber_hands_out_current_frame_not_queued_one(tmp_path):
    frames = live([background(1)] * 60)
    video = write_video(tmp_path / "clock.avi", frames, 30)
    grabber = FrameGrabber(parse_source(str(video)))
    grabber.start()
    try:
        first = grabber.next_frame(timeout=5)
        time.sleep(0.5)  # a slow decode
        second = grabber.next_frame(timeout=5)
    finally:
        grabber.stop()

    assert first is not None and second is not None
    # 0.5 s at 30 frames a second: the frame handed out is about 15 frames
    # on, not the next one in the queue.
    assert second.index - first.index >= 10


class VanishingCamera:
    """A camera whose driver keeps handing back its last frame after it was
    unplugged (wraps a real capture of a video file, played as a camera)."""

    def __init__(self, path: Path, fps: float = FPS) -> None:
        self.capture = cv2.VideoCapture(str(path))
        self.interval = 1 / fps
        self.next_at = time.monotonic()
        self.last: np.ndarray | None = None
        self.gone = False

    def grab(self) -> bool:
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at + self.interval, time.monotonic())
        if not self.gone and not self.capture.grab():
            self.gone = True
        return True

    def retrieve(self):
        if not self.gone:
            ok, frame = self.capture.retrieve()
            if ok:
                self.last = frame
        return True, self.last.copy()

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_FRAME_COUNT:
            return -1.0  # a camera, not a file
        return self.capture.get(prop)

    def release(self) -> None:
        self.capture.release()


def test_frozen_camera_is_reopened(tmp_path):
    first = write_video(
        tmp_path / "first.avi",
        live(showings([Shot(b"OTP-100001", "qr", Look(module_px=6))], background(1))),
        FPS,
    )
    second = write_video(
        tmp_path / "second.avi",
        live(showings([Shot(b"OTP-100002", "qr", Look(module_px=6))], background(2))),
        FPS,
    )
    clips = iter([first, second])
    opened = []

    def opener(target):
        clip = next(clips, None)
        if clip is None:
            return None
        opened.append(target)
        return VanishingCamera(clip)

    scans, statuses = Collected(), Collected()
    device = str(tmp_path / "dev" / "video0")
    reader = CameraReader(
        device,
        scans,
        statuses,
        SETTINGS,
        device_dir=str(tmp_path / "dev"),
        opener=opener,
    )
    reader.start()
    try:
        wait_for(lambda: len(scans) >= 2, timeout=30, what="a scan after reopening")
    finally:
        reader.stop()

    assert scanned(scans.items) == [(b"OTP-100001", "qr"), (b"OTP-100002", "qr")]
    assert opened == [device, device]
    details = [(status.ok, status.detail) for status in statuses.items]
    assert details[0] == (True, f"connected {device} 1280x720")
    assert details[1] == (False, f"disconnected: {device} (camera repeats one frame)")
    assert details[2] == (True, f"connected {device} 1280x720")


def test_camera_back_under_new_video_number(tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    first = write_video(
        tmp_path / "first.avi",
        live(showings([Shot(b"OTP-100003", "qr", Look(module_px=6))], background(1))),
        FPS,
    )
    second = write_video(
        tmp_path / "second.avi",
        live(showings([Shot(b"OTP-100004", "qr", Look(module_px=6))], background(2))),
        FPS,
    )
    (dev / "video0").symlink_to(first)
    scans, statuses = Collected(), Collected()
    reader = CameraReader(
        str(dev / "video0"), scans, statuses, SETTINGS, device_dir=str(dev)
    )
    reader.start()
    try:
        wait_for(lambda: len(scans) >= 1, timeout=30, what="the first camera's scan")
        # Unplugged: video0 goes away and the camera comes back as video2.
        (dev / "video0").unlink()
        (dev / "video2").symlink_to(second)
        wait_for(lambda: len(scans) >= 2, timeout=30, what="the scan on video2")
    finally:
        reader.stop()

    assert scanned(scans.items) == [(b"OTP-100003", "qr"), (b"OTP-100004", "qr")]
    details = [status.detail for status in statuses.items]
    assert details[0] == f"connected {dev / 'video0'} 1280x720"
    assert details[1].startswith(f"disconnected: {dev / 'video0'}")
    assert details[-1] == f"connected {dev / 'video2'} 1280x720"


def test_missing_camera_is_reported(tmp_path):
    statuses = Collected()
    reader = CameraReader(
        str(tmp_path / "dev" / "video0"),
        Collected(),
        statuses,
        SETTINGS,
        device_dir=str(tmp_path / "dev"),
    )
    reader.start()
    try:
        wait_for(lambda: len(statuses) >= 1)
    finally:
        reader.stop()

    assert not statuses.items[0].ok
    assert "not found" in statuses.items[0].detail


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_folder(tmp_path):
    """An HTTP server on loopback serving tmp_path; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_stream_url_is_read(tmp_path, http_folder):
    licence = payloads()["dl_v10_P002.bin"]
    write_video(
        tmp_path / "stream.avi",
        live(showings([Shot(licence, "pdf417", Look(module_px=3))], background(3))),
        FPS,
    )
    scans, statuses = Collected(), Collected()
    url = f"{http_folder}/stream.avi"
    reader = CameraReader(url, scans, statuses, SETTINGS)
    reader.start()
    try:
        wait_for(lambda: len(scans) >= 1, timeout=30, what="a scan from the stream")
    finally:
        reader.stop()

    assert scanned(scans.items)[0] == (licence, "pdf417")
    assert statuses.items[0].detail == f"connected {url} 1280x720"


# Looking less hard when nothing is in view


def test_idle_camera_looks_at_few_frames(tmp_path):
    frames = live([background(6)] * (FPS * 4))
    video = write_video(tmp_path / "empty.avi", frames, FPS)
    settings = CameraSettings(
        idle_after_seconds=0.5, idle_fps=4, max_decode_fps=FPS * 2
    )

    _, _, reader = read_all(str(video), timeout=30, settings=settings)

    # Busy, the reader would look at all 80 frames. Idle after 0.5 s, it looks
    # at about 10 frames, then 4 a second for 3.5 s.
    assert reader.frames_decoded <= 40


def test_idle_camera_wakes_for_a_skewed_licence(tmp_path):
    licence = payloads()["dl_v8_P001.bin"]
    scene = background(7)
    empty = [scene] * (FPS * 2)
    shown = [render(Shot(licence, "pdf417", Look(module_px=3, angle=15)), scene)] * FPS
    video = write_video(tmp_path / "wake.avi", live(empty + shown + [scene] * 10), FPS)
    settings = CameraSettings(idle_after_seconds=0.5, idle_fps=2, gone_seconds=0.15)

    scans, _, _ = read_all(str(video), timeout=30, settings=settings)

    assert scanned(scans) == [(licence, "pdf417")]


# Stills for badge photos


def test_reader_captures_a_still(tmp_path):
    video = write_video(tmp_path / "scene.avi", live([background(8)] * 40), FPS)
    reader = CameraReader(str(video), Collected(), None, SETTINGS)
    reader.start()
    try:
        still = reader.capture_still(timeout=5)
    finally:
        reader.stop()

    assert still is not None
    picture = cv2.imdecode(np.frombuffer(still.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (720, 1280, 3)
    assert (still.width, still.height) == (1280, 720)


def test_capture_still_opens_source_once(tmp_path):
    video = write_video(tmp_path / "scene.avi", live([background(9)] * 10), FPS)

    still = capture_still(str(video))

    assert still is not None
    assert still.jpeg.startswith(b"\xff\xd8")


def test_capture_still_of_missing_source_is_none(tmp_path):
    assert capture_still(str(tmp_path / "missing.avi")) is None


# Sources


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("0", DEVICE, 0),
        ("/dev/video2", DEVICE, "/dev/video2"),
        (
            "/dev/v4l/by-id/usb-cam-video-index0",
            DEVICE,
            "/dev/v4l/by-id/usb-cam-video-index0",
        ),
        ("clips/desk.mp4", FILE, "clips/desk.mp4"),
        ("frames/%04d.png", SEQUENCE, "frames/%04d.png"),
        ("rtsp://127.0.0.1/cam", URL, "rtsp://127.0.0.1/cam"),
    ],
)
def test_source_kinds(text, kind, target):
    source = parse_source(text)

    assert (source.kind, source.target) == (kind, target)


def test_candidates_try_other_video_nodes(tmp_path):
    for name in ("video0", "video1", "video10", "vbi0"):
        (tmp_path / name).touch()

    found = candidates(parse_source("2", str(tmp_path)), str(tmp_path))

    assert found == [2] + [str(tmp_path / n) for n in ("video0", "video1", "video10")]


def test_candidates_follow_stable_name_only(tmp_path):
    (tmp_path / "video0").touch()
    source = parse_source(str(tmp_path / "v4l" / "by-id" / "cam"), str(tmp_path))

    assert candidates(source, str(tmp_path)) == [
        str(tmp_path / "v4l" / "by-id" / "cam")
    ]


def test_open_capture_of_missing_file_is_none(tmp_path):
    assert open_capture(str(tmp_path / "missing.avi")) is None


class StalledCamera:
    """A camera whose driver blocks in grab() (an unplugged V4L2 camera waits
    for its select() timeout before failing)."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def grab(self) -> bool:
        self.released.wait(1.5)
        return False

    def retrieve(self):
        return False, None

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_FRAME_COUNT:
            return -1.0
        return {cv2.CAP_PROP_FRAME_WIDTH: 1280.0, cv2.CAP_PROP_FRAME_HEIGHT: 720.0}.get(
            prop, 0.0
        )

    def release(self) -> None:
        self.released.set()


def test_stalled_camera_is_reported(tmp_path):
    statuses = Collected()
    device = str(tmp_path / "dev" / "video0")
    grabber = FrameGrabber(
        parse_source(device, str(tmp_path / "dev")),
        statuses,
        device_dir=str(tmp_path / "dev"),
        opener=lambda target: StalledCamera(),
        stall_seconds=0.4,
        reconnect_interval=5,
    )
    grabber.start()
    try:
        for _ in range(4):
            assert grabber.next_frame(timeout=0.2) is None
        wait_for(lambda: len(statuses) >= 3, timeout=10, what="the failed grab")
    finally:
        grabber.stop()

    details = [(status.ok, status.detail) for status in statuses.items]
    assert details[0] == (True, f"connected {device} 1280x720")
    assert details[1] == (False, f"no frames from {device}")
    assert details[2] == (False, f"disconnected: {device} (camera delivers no frames)")

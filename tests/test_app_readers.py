"""The kiosk app with a serial or camera reader: scans reach the screen, device
state reaches the status table, and the reader stops with the app."""

from __future__ import annotations

import asyncio
import time

import pytest

from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.services.checkin import SIGNED_IN
from kiosk.store.components import component_statuses
from kiosk.ui.app import KioskApp
from kiosk.ui.messages import ScanDecided, ScanReceived
from tests.frames import Look, Shot, background, render, write_video
from tests.readers import PtyScanner, payloads


@pytest.fixture
def kiosk_factory(rostered_config, make_config):
    """Build kiosks at school ALD on the imported roster, with extra settings."""
    made = []

    def make(**sections):
        config = load_config(str(make_config(**sections)))
        clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
        kiosk = build_kiosk(config, clock)
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


@pytest.fixture
def scanner(tmp_path):
    pty = PtyScanner(tmp_path)
    yield pty
    pty.close()


class Recorder:
    """Message hook keeping the scans received and decided."""

    def __init__(self) -> None:
        self.received: list[ScanReceived] = []
        self.decided: list[ScanDecided] = []

    def __call__(self, message) -> None:
        if isinstance(message, ScanReceived):
            self.received.append(message)
        elif isinstance(message, ScanDecided):
            self.decided.append(message)


async def wait_until(condition, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def status_rows(kiosk) -> dict[str, tuple[bool, str]]:
    with kiosk.store.read() as session:
        return {
            row.component: (row.ok, row.detail) for row in component_statuses(session)
        }


async def test_serial_scan_reaches_the_screen(kiosk_factory, scanner):
    kiosk = kiosk_factory(
        scanner={"kind": "serial", "port": str(scanner.link), "reconnect_seconds": 0.1}
    )
    licence = payloads()["dl_v8_P001.bin"]
    recorder = Recorder()
    app = KioskApp(kiosk)
    async with app.run_test(message_hook=recorder) as pilot:
        await wait_until(
            lambda: status_rows(kiosk).get("scanner", (False,))[0], what="the port"
        )
        scanner.write(licence + b"\r")
        await wait_until(lambda: app.scans_handled >= 1, what="the scan")
        reader = app.reader
        await pilot.pause(0.2)

    assert [(m.payload, m.source) for m in recorder.received] == [(licence, "serial")]
    assert [m.result.outcome for m in recorder.decided] == [SIGNED_IN]
    assert [m.result.person_id for m in recorder.decided] == ["P001"]
    assert app.reader is None
    assert not reader._thread.is_alive()
    assert status_rows(kiosk)["scanner"] == (False, "kiosk stopped")


async def test_serial_unplug_while_running(kiosk_factory, scanner):
    kiosk = kiosk_factory(
        scanner={"kind": "serial", "port": str(scanner.link), "reconnect_seconds": 0.1}
    )
    recorder = Recorder()
    app = KioskApp(kiosk)
    async with app.run_test(message_hook=recorder):
        await wait_until(
            lambda: status_rows(kiosk).get("scanner", (False,))[0], what="the port"
        )
        scanner.unplug()
        await wait_until(
            lambda: not status_rows(kiosk)["scanner"][0], what="the unplug"
        )
        down = status_rows(kiosk)["scanner"]
        scanner.plug()
        await wait_until(lambda: status_rows(kiosk)["scanner"][0], what="the replug")
        up = status_rows(kiosk)["scanner"]
        scanner.write(b"OTP-100001\r")
        await wait_until(lambda: app.scans_handled >= 1, what="the scan")

    assert not down[0]
    assert up == (True, f"connected {scanner.link} ({scanner.device})")
    assert [m.payload for m in recorder.received] == [b"OTP-100001"]
    assert [m.result.outcome for m in recorder.decided] == [SIGNED_IN]


async def test_camera_scan_reaches_the_screen(kiosk_factory, tmp_path):
    scene = background(1)
    badge = render(Shot(b"OTP-100001", "qr", Look(module_px=6)), scene)
    video = write_video(tmp_path / "desk.avi", [scene] * 5 + [badge] * 20 + [scene] * 5)
    kiosk = kiosk_factory(
        scanner={"kind": "camera"}, camera={"source": str(video), "gone_seconds": 0.2}
    )
    recorder = Recorder()
    app = KioskApp(kiosk)
    async with app.run_test(message_hook=recorder) as pilot:
        await wait_until(lambda: app.scans_handled >= 1, what="the camera scan")
        reader = app.reader
        await pilot.pause(0.5)

    assert [(m.payload, m.source, m.symbology) for m in recorder.received] == [
        (b"OTP-100001", "camera", "qr")
    ]
    assert [m.result.outcome for m in recorder.decided] == [SIGNED_IN]
    assert not reader._thread.is_alive()
    assert not reader.grabber._thread.is_alive()


async def test_badge_held_at_camera_stays_signed_in(kiosk_factory, tmp_path):
    scene = background(1)
    badge = render(Shot(b"OTP-100001", "qr", Look(module_px=6)), scene)
    # Held up 3.5 s at 10 frames a second: read again after each 1 s hold-off.
    video = write_video(tmp_path / "held.avi", [scene] * 5 + [badge] * 35 + [scene])
    kiosk = kiosk_factory(
        kiosk={"rescan_guard_seconds": 0},
        scanner={"kind": "camera"},
        camera={"source": str(video), "gone_seconds": 0.2, "hold_off_seconds": 1},
    )
    recorder = Recorder()
    app = KioskApp(kiosk)
    async with app.run_test(message_hook=recorder) as pilot:
        await wait_until(lambda: app.reader is not None, what="the reader")
        ended = app.reader.grabber.ended
        await wait_until(ended.is_set, what="the video's end")
        await pilot.pause(0.5)
        await wait_until(
            lambda: app.scans_handled == len(recorder.received), what="the scans"
        )

    results = [m.result for m in recorder.decided]
    assert len(results) >= 3
    assert [r.outcome for r in results] == [SIGNED_IN] * len(results)
    assert [r.notices for r in results[1:]] == [["already_signed_in"]] * (
        len(results) - 1
    )
    assert {r.visit_id for r in results} == {results[0].visit_id}
    assert [m.repeat for m in recorder.received][:3] == [False, True, True]


async def test_wedge_kind_records_unmonitored_scanner(kiosk_factory):
    kiosk = kiosk_factory(scanner={"kind": "wedge"})
    app = KioskApp(kiosk)
    async with app.run_test():
        rows = status_rows(kiosk)

    assert app.reader is None
    assert rows["scanner"] == (True, "keyboard wedge (not monitored)")


def test_photo_from_camera_source_without_reader(kiosk_factory, tmp_path):
    video = write_video(tmp_path / "desk.avi", [background(2)] * 8)
    kiosk = kiosk_factory(scanner={"kind": "wedge"}, camera={"source": str(video)})

    still = kiosk.capture_photo()

    assert still is not None
    assert (still.width, still.height) == (1280, 720)
    assert still.jpeg.startswith(b"\xff\xd8")


async def test_photo_from_running_camera_reader(kiosk_factory, tmp_path):
    video = write_video(tmp_path / "desk.avi", [background(3)] * 40)
    kiosk = kiosk_factory(scanner={"kind": "camera"}, camera={"source": str(video)})
    app = KioskApp(kiosk)
    async with app.run_test():
        await wait_until(lambda: kiosk.reader is not None, what="the reader")
        still = await asyncio.to_thread(kiosk.capture_photo, 5.0)

    assert still is not None
    assert (still.width, still.height) == (1280, 720)


async def test_kiosk_records_heartbeat(kiosk_factory):
    kiosk = kiosk_factory(kiosk={"heartbeat_seconds": 5})
    app = KioskApp(kiosk)
    async with app.run_test():
        await wait_until(
            lambda: "heartbeat" in status_rows(kiosk), what="the first heartbeat"
        )
        first = status_rows(kiosk)["heartbeat"]
    assert first == (True, "running")

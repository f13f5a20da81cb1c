"""``kiosk scan --listen`` against a serial scanner and a camera, and
``kiosk doctor``, each run as its own process."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from drivers.printer.fake import FakeNetworkPrinter
from tests.frames import Look, Shot, background, render, write_video
from tests.readers import PtyScanner, payloads
from tests.support import REPO

KIOSK = [sys.executable, "-m", "kiosk"]


class Listener:
    """A running ``kiosk scan --listen``, read line by line."""

    def __init__(self, config) -> None:
        self.process = subprocess.Popen(
            [*KIOSK, "--config", str(config), "scan", "--listen"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
        )
        self.stderr = b""
        self.stdout = b""

    def wait_stderr(self, text: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {text!r} on stderr: {self.stderr!r}"
            ready, _, _ = select.select([self.process.stderr], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stderr.fileno(), 4096)
                assert chunk, f"stderr closed: {self.stderr!r}"
                self.stderr += chunk

    def read_line(self, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.stdout:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no scan printed; stderr: {self.stderr!r}"
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                assert chunk, f"stdout closed; stderr: {self.stderr!r}"
                self.stdout += chunk
        line, self.stdout = self.stdout.split(b"\n", 1)
        return json.loads(line)

    def interrupt(self) -> tuple[int, bytes]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        self.stderr += err
        return self.process.returncode, out

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def listener_of():
    started = []

    def start(config) -> Listener:
        listener = Listener(config)
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.kill()


def test_listen_serial_prints_json_lines(make_config, tmp_path, listener_of):
    scanner = PtyScanner(tmp_path)
    config = make_config(scanner={"kind": "serial", "port": str(scanner.link)})
    listener = listener_of(config)
    try:
        listener.wait_stderr(b"scanner ok: connected")
        licence = payloads()["dl_ca_P018_ontario.bin"]
        scanner.write(licence + b"\rOTP-100001\r")
        first, second = listener.read_line(), listener.read_line()
        status, rest = listener.interrupt()
    finally:
        scanner.close()

    assert status == 0
    assert rest == b""
    assert first["source"] == "serial"
    assert first["data"] == licence.decode()
    assert first["length"] == len(licence)
    assert first["symbology"] is None
    assert second["data"] == "OTP-100001"
    assert b"Traceback" not in listener.stderr


def test_listen_serial_survives_unplug(make_config, tmp_path, listener_of):
    scanner = PtyScanner(tmp_path)
    config = make_config(
        scanner={
            "kind": "serial",
            "port": str(scanner.link),
            "reconnect_seconds": 0.1,
        }
    )
    listener = listener_of(config)
    try:
        listener.wait_stderr(b"scanner ok: connected")
        scanner.unplug()
        listener.wait_stderr(b"scanner not working")
        scanner.plug()
        listener.stderr = b""
        listener.wait_stderr(b"scanner ok: connected")
        scanner.write(b"OTP-100002\r")
        line = listener.read_line()
        status, _ = listener.interrupt()
    finally:
        scanner.close()

    assert status == 0
    assert line["data"] == "OTP-100002"


def test_listen_camera_prints_json_lines(make_config, tmp_path, listener_of):
    scene = background(1)
    licence = payloads()["dl_v8_P001.bin"]
    frames = (
        [scene] * 5
        + [render(Shot(b"OTP-100001", "qr", Look(module_px=6)), scene)] * 10
        + [scene] * 8
        + [render(Shot(licence, "pdf417", Look(module_px=3)), scene)] * 10
        + [scene] * 5
    )
    video = write_video(tmp_path / "desk.avi", frames, fps=10)
    config = make_config(
        scanner={"kind": "camera"}, camera={"source": str(video), "gone_seconds": 0.3}
    )
    listener = listener_of(config)
    listener.wait_stderr(b"listening")
    badge, card = listener.read_line(), listener.read_line()
    listener.wait_stderr(b"end of video")
    status, rest = listener.interrupt()

    assert status == 0
    assert rest == b""
    assert (badge["source"], badge["data"], badge["symbology"]) == (
        "camera",
        "OTP-100001",
        "qr",
    )
    assert (card["source"], card["symbology"]) == ("camera", "pdf417")
    assert card["data"] == licence.decode()
    assert b"Traceback" not in listener.stderr


# kiosk doctor


def doctor(config, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KIOSK, "--config", str(config), "doctor"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        **options,
    )


def test_doctor_lists_devices_and_checks_serial(make_config, tmp_path):
    scanner = PtyScanner(tmp_path)
    config = make_config(scanner={"kind": "serial", "port": str(scanner.link)})
    try:
        result = doctor(config)
    finally:
        scanner.close()

    assert result.returncode == 0, result.stdout
    for heading in ("serial ports:", "cameras:", "printers:"):
        assert heading in result.stdout
    assert (
        f"[ok  ] scanner: serial {scanner.link} (now {scanner.device}) opens at "
        "9600 baud" in result.stdout
    )
    assert "Every configured part works." in result.stdout


def test_doctor_names_missing_port(make_config, tmp_path):
    config = make_config(scanner={"kind": "serial", "port": str(tmp_path / "ttyACM0")})

    result = doctor(config)

    assert result.returncode == 1
    assert (
        f"[FAIL] scanner: serial {tmp_path / 'ttyACM0'} at 9600 baud" in result.stdout
    )
    assert "not found: is the device plugged in?" in result.stdout


def test_doctor_names_group_to_join(make_config, tmp_path):
    master, slave = os.openpty()
    device = os.ttyname(slave)
    os.close(slave)
    try:
        os.chown(device, os.geteuid(), 20)  # group dialout on Debian
        os.chmod(device, 0o060)
        config = make_config(scanner={"kind": "serial", "port": device})
        command = [*KIOSK, "--config", str(config), "doctor"]
        if os.geteuid() == 0:
            # root opens anything; drop the capability that lets it.
            command = [
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                "--inh-caps=-dac_override,-dac_read_search",
                *command,
            ]
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, timeout=120
        )
    finally:
        os.close(master)

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"permission denied on {device}: add the kiosk's user to the 'dialout' "
        "group (sudo usermod -aG dialout USER), then log in again" in result.stdout
    )


def test_doctor_checks_camera_file(make_config, tmp_path):
    video = write_video(tmp_path / "desk.avi", [background(1)] * 3)
    config = make_config(scanner={"kind": "camera"}, camera={"source": str(video)})

    result = doctor(config)

    assert result.returncode == 0, result.stdout
    assert f"[ok  ] camera: {video} gives 1280x720 pictures" in result.stdout


def test_doctor_warns_of_low_resolution_camera(make_config, tmp_path):
    import cv2

    writer = cv2.VideoWriter(
        str(tmp_path / "vga.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480)
    )
    for _ in range(3):
        writer.write(background(1)[:480, :640].copy())
    writer.release()
    config = make_config(
        scanner={"kind": "camera"}, camera={"source": str(tmp_path / "vga.avi")}
    )

    result = doctor(config)

    assert "gives 640x480 pictures; a licence's PDF417 needs about 1280x720" in (
        result.stdout
    )


def test_doctor_reports_missing_camera(make_config, tmp_path):
    config = make_config(
        scanner={"kind": "camera"}, camera={"source": str(tmp_path / "none.avi")}
    )

    result = doctor(config)

    assert result.returncode == 1
    assert f"[FAIL] camera: {tmp_path / 'none.avi'} not found" in result.stdout


def test_doctor_checks_network_printer(make_config):
    with FakeNetworkPrinter() as printer:
        config = make_config(
            printer={"connection": "network", "host": "127.0.0.1", "port": printer.port}
        )
        result = doctor(config)

    assert result.returncode == 0, result.stdout
    assert (
        f"[ok  ] printer: network printer 127.0.0.1:{printer.port} accepts connections"
        in result.stdout
    )


def test_doctor_fails_printer_without_status(make_config):
    with FakeNetworkPrinter(answers_status=False) as printer:
        config = make_config(
            printer={"connection": "network", "host": "127.0.0.1", "port": printer.port}
        )
        result = doctor(config)

    assert result.returncode == 1, result.stdout
    line = next(line for line in result.stdout.splitlines() if "printer:" in line)
    assert line.startswith(
        f"  [FAIL] printer: network printer 127.0.0.1:{printer.port} accepts "
        "connections but does not respond to the ESC/POS status request within 1 s."
    )
    assert line.endswith("needs [printer] status_check = false.")


def test_doctor_skips_status_when_off(make_config):
    with FakeNetworkPrinter(answers_status=False) as printer:
        config = make_config(
            printer={
                "connection": "network",
                "host": "127.0.0.1",
                "port": printer.port,
                "status_check": False,
            }
        )
        result = doctor(config)

    assert result.returncode == 0, result.stdout
    assert (
        f"[ok  ] printer: network printer 127.0.0.1:{printer.port} accepts "
        "connections (status not asked: [printer] status_check is off)"
    ) in result.stdout


def test_doctor_reports_printer_paper_out(make_config):
    with FakeNetworkPrinter(paper="out") as printer:
        config = make_config(
            printer={"connection": "network", "host": "127.0.0.1", "port": printer.port}
        )
        result = doctor(config)

    assert result.returncode == 1, result.stdout
    assert (
        f"[FAIL] printer: network printer 127.0.0.1:{printer.port}: paper out"
    ) in result.stdout


def test_doctor_reports_refused_printer(make_config):
    with FakeNetworkPrinter() as printer:
        port = printer.port
    config = make_config(
        printer={"connection": "network", "host": "127.0.0.1", "port": port}
    )

    result = doctor(config)

    assert result.returncode == 1
    assert "connection refused" in result.stdout


def test_doctor_wedge_points_to_listen(make_config):
    result = doctor(make_config(scanner={"kind": "wedge"}))

    assert result.returncode == 0
    assert "run `kiosk scan --listen` and scan a code" in result.stdout

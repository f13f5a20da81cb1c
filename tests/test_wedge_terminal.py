"""Keyboard-wedge scans through a real terminal: the kiosk in tmux, and
``kiosk scan --listen`` on a pseudo-terminal."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select as sql_select

from kiosk.config import load_config
from kiosk.store import Store
from kiosk.store.models import Visit
from tests.readers import payloads, typeable_payloads, wait_for
from tests.support import REPO

KIOSK = [sys.executable, "-m", "kiosk"]


def type_bytes(write, data: bytes, chunk: int = 8, pause: float = 0.004) -> None:
    """Type ``data`` at scanner speed: a few bytes, then a few milliseconds."""
    for start in range(0, len(data), chunk):
        write(data[start : start + chunk])
        time.sleep(pause)


# The full-screen kiosk in tmux


@pytest.fixture
def tmux_session():
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed (scripts/system-packages.sh test)")
    name = f"kiosk-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_tmux_licence_typed_is_one_scan(rostered_config, tmux_session):
    config = load_config(str(rostered_config))
    command = f"cd {REPO} && {sys.executable} -m kiosk --config {rostered_config} run"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", tmux_session, "-x", "120", "-y", "40"],
        check=True,
    )
    subprocess.run(
        ["tmux", "send-keys", "-t", tmux_session, command, "Enter"], check=True
    )
    log = config.log_file
    wait_for(
        lambda: log.exists() and "kiosk starting" in log.read_text(),
        timeout=30,
        what="the kiosk to start",
    )
    time.sleep(1.0)  # the app mounts after the start is logged

    def send(data: bytes) -> None:
        hex_bytes = [f"{byte:02x}" for byte in data]
        subprocess.run(
            ["tmux", "send-keys", "-t", tmux_session, "-H", *hex_bytes], check=True
        )

    type_bytes(send, payloads()["dl_v8_P001.bin"], chunk=16, pause=0.005)

    store = Store(config.store_url)
    try:

        def visits() -> list[tuple[str | None, str]]:
            with store.read() as session:
                query = sql_select(Visit.person_id, Visit.credential)
                return [tuple(row) for row in session.execute(query)]

        wait_for(lambda: visits(), timeout=20, what="the scan to be stored")
        time.sleep(0.5)
        stored = visits()
    finally:
        store.close()
    assert stored == [("P001", "licence")]
    assert "Traceback" not in log.read_text()


# kiosk scan --listen on a terminal


class ListenOnPty:
    """``kiosk scan --listen`` with a pseudo-terminal as its keyboard."""

    def __init__(self, config) -> None:
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            [*KIOSK, "--config", str(config), "scan", "--listen"],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
        )
        os.close(slave)
        self.stderr = b""
        self.stdout = b""
        self.wait_stderr(b"listening")

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

    def type(self, data: bytes) -> None:
        type_bytes(lambda part: os.write(self.master, part), data)

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

    def finish(self, timeout: float = 30.0) -> tuple[int, str]:
        out, _ = self.process.communicate(timeout=timeout)
        os.close(self.master)
        return self.process.returncode, out.decode()


@pytest.fixture
def wedge_config(make_config):
    return make_config(scanner={"kind": "wedge"})


def test_listen_wedge_prints_each_scan(wedge_config):
    listener = ListenOnPty(wedge_config)
    try:
        texts = typeable_payloads()
        lines = []
        names = (
            "dl_v8_P001.bin",
            "badge_P001_lowercase_spaces.bin",
            "dl_ca_P018_ontario.bin",
        )
        for name in names:
            listener.type(texts[name])
            lines.append(listener.read_line())
            time.sleep(0.15)
        listener.process.send_signal(signal.SIGINT)
        status, rest = listener.finish()
    finally:
        if listener.process.poll() is None:
            listener.process.kill()

    assert status == 0
    assert rest == ""
    assert [line["source"] for line in lines] == ["wedge"] * 3
    # The licence data ends with the CR the scanner typed as Enter.
    ontario = texts["dl_ca_P018_ontario.bin"].decode()
    assert lines[0]["data"] == texts["dl_v8_P001.bin"].decode().removesuffix("\r")
    assert lines[1]["data"] == "otp-100001"
    assert lines[2]["data"] == ontario.removesuffix("\r")
    assert lines[0]["symbology"] is None


@pytest.mark.parametrize(
    ("scanner", "typed"),
    [
        ({}, b"OTP-100004\r"),
        ({}, b"OTP-100004\r\n"),
        ({}, b"OTP-100004\t"),
        ({"suffix": "#END"}, b"OTP-100004#END"),
        ({"prefix": "]C0", "suffix": "#END"}, b"]C0OTP-100004#END\r"),
    ],
    ids=["enter", "crlf", "tab", "suffix", "prefix_suffix_enter"],
)
def test_listen_wedge_strips_terminator(make_config, scanner, typed):
    config = make_config(scanner={"kind": "wedge", **scanner})
    listener = ListenOnPty(config)
    try:
        listener.type(typed)
        line = listener.read_line()
        listener.process.send_signal(signal.SIGINT)
        status, out = listener.finish()
    finally:
        if listener.process.poll() is None:
            listener.process.kill()

    assert status == 0
    assert out == ""
    assert line["data"] == "OTP-100004"
    assert line["length"] == len(b"OTP-100004")


def test_listen_wedge_slow_typing_prints_nothing(wedge_config):
    listener = ListenOnPty(wedge_config)
    try:
        for char in b"OTP-1\r":
            os.write(listener.master, bytes([char]))
            time.sleep(0.15)
        listener.wait_stderr(b"not a scan (reason: short, length 1)")
        listener.process.send_signal(signal.SIGINT)
        status, out = listener.finish()
    finally:
        if listener.process.poll() is None:
            listener.process.kill()

    assert status == 0
    assert out == ""


def test_listen_wedge_ctrl_c_key_stops(wedge_config):
    listener = ListenOnPty(wedge_config)
    try:
        os.write(listener.master, b"\x03")
        status, out = listener.finish()
    finally:
        if listener.process.poll() is None:
            listener.process.kill()

    assert status == 0
    assert out == ""


def test_listen_wedge_without_terminal_fails(wedge_config):
    result = subprocess.run(
        [*KIOSK, "--config", str(wedge_config), "scan", "--listen"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )

    assert result.returncode == 1
    assert "run it in a terminal" in result.stderr

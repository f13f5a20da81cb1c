"""The desk in a real terminal (tmux) reacts to a refusal made by ``kiosk scan``
in another process within a second."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kiosk.clock import SystemClock
from kiosk.config import load_config
from kiosk.store import Store
from kiosk.store.models import Event
from tests.support import REPO, ROSTER_DIR, SCANS, run_kiosk

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed"
)

PIN = "482913"


def tmux(*args: str) -> str:
    completed = subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=10
    )
    return completed.stdout


def wait_for_screen(session: str, text: str, timeout: float) -> str:
    """Capture the pane until it shows ``text``; return that capture."""
    deadline = time.monotonic() + timeout
    while True:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not on screen after {timeout} s:\n{screen}")
        time.sleep(0.05)


@pytest.fixture
def desk_config(make_config, monkeypatch):
    """Settings on real time: the scan and the desk run in other processes."""
    config = make_config(desk={"desk_id": "desk-tmux"})
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR)], SystemClock()
    )
    assert status == 0, output
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PIN + "\n"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "staff",
            "add",
            "c.ortiz",
            "--name",
            "Cam Ortiz",
            "--role",
            "clerk",
            "--pin-stdin",
        ]
    )
    assert status == 0, output
    return config


@pytest.fixture
def desk_session(desk_config):
    session = f"kiosk-desk-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m kiosk --config {desk_config} desk"
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        str(REPO),
        command,
    )
    try:
        yield session
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, timeout=10)


def test_desk_shows_refusal_from_other_process(desk_config, desk_session, tmp_path):
    session = desk_session
    # Keys typed before the app puts the terminal in raw mode would be
    # translated by the tty, so each step waits for the screen first.
    wait_for_screen(session, "Sign in with your username", timeout=60)
    tmux("send-keys", "-t", session, "-l", "c.ortiz")
    wait_for_screen(session, "c.ortiz", timeout=10)
    tmux("send-keys", "-t", session, "Enter")
    wait_for_screen(session, "Now your PIN", timeout=10)
    tmux("send-keys", "-t", session, "-l", PIN)
    wait_for_screen(session, "•" * len(PIN), timeout=10)
    tmux("send-keys", "-t", session, "Enter")
    wait_for_screen(session, "ALD front desk | Cam Ortiz (clerk)", timeout=30)
    screen = wait_for_screen(session, "No open alerts", timeout=10)
    assert "James Carter" not in screen

    scan = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--config",
            str(desk_config),
            "scan",
            "--file",
            str(SCANS / "badge_P008_ALD.bin"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert scan.returncode == 0, scan.stderr
    screen = wait_for_screen(session, "James Carter", timeout=5)
    seen_at = datetime.now(UTC)

    config = load_config(str(desk_config))
    store = Store(config.store_url)
    try:
        with store.read() as db:
            decision = db.scalar(
                select(Event).where(Event.kind == "decision").order_by(Event.id)
            )
    finally:
        store.close()
    latency = (seen_at - decision.at).total_seconds()
    assert latency < 1.0, f"the desk showed the refusal {latency:.2f} s after it"
    assert "1 open alert" in screen
    assert "refer_to_principal" in screen
    assert "offense" not in screen
    (tmp_path / "desk-capture.txt").write_text(screen)

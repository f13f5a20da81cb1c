"""``kiosk badge reprint``, ``queue``, ``check`` and ``profiles``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.services.staff import add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event
from tests.badge_support import AT, network_printer_section, rostered
from tests.escpos_decode import decode_job
from tests.support import SCANS, run_kiosk, run_scan

CLERK_PIN = "482913"


def add_clerk(config: Path, clock: FixedClock) -> int:
    """Create the fictional clerk ``c.ortiz`` at school ALD; return the staff id."""
    store = Store(load_config(str(config)).store_url)
    try:
        clerk = add_staff(
            store,
            EventSource("ALD", "setup"),
            clock.now(),
            username="c.ortiz",
            display_name="Cam Ortiz",
            role="clerk",
            school="ALD",
            pin=CLERK_PIN,
        )
    finally:
        store.close()
    return clerk.id


def print_events(config: Path, visit_id: int) -> list[tuple[str, dict]]:
    store = Store(load_config(str(config)).store_url)
    try:
        with store.read() as session:
            rows = session.scalars(
                select(Event)
                .where(Event.visit_id == visit_id)
                .where(Event.kind.in_(("print", "print_failed")))
                .order_by(Event.id)
            )
            return [(row.kind, dict(row.detail)) for row in rows]
    finally:
        store.close()


def staff_events(config: Path, kind: str) -> list[tuple[int | None, dict]]:
    store = Store(load_config(str(config)).store_url)
    try:
        with store.read() as session:
            rows = session.scalars(
                select(Event).where(Event.kind == kind).order_by(Event.id)
            )
            return [(row.visit_id, dict(row.detail)) for row in rows]
    finally:
        store.close()


def reprint(config: Path, visit_id: int, clock=None, monkeypatch=None, pin=CLERK_PIN):
    """Run ``kiosk badge reprint VISIT_ID --as c.ortiz`` with the PIN on stdin."""
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{pin}\n"))
    args = ["--config", str(config), "badge", "reprint", str(visit_id)]
    return run_kiosk([*args, "--as", "c.ortiz", "--pin-stdin"], clock)


def test_reprint_command_keeps_code(make_config, tmp_path, monkeypatch):
    clock = FixedClock.at_local(AT, "America/Chicago")
    with FakeNetworkPrinter(paper="out") as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        clerk_id = add_clerk(config, clock)
        result = run_scan(
            config, (SCANS / "badge_P001_ALD.bin").read_bytes(), clock, tmp_path
        )
        assert result["badge_status"] == "queued"

        status, output = run_kiosk(
            ["--config", str(config), "badge", "queue", "--format", "json"], clock
        )
        assert status == 0, output
        rows = [json.loads(line) for line in output.splitlines()]
        assert [(row["visit_id"], row["error"]) for row in rows] == [
            (result["visit_id"], "paper_out")
        ]

        failed, _ = reprint(config, result["visit_id"], clock, monkeypatch)
        assert failed == 1

        printer.paper = "ok"
        status, output = reprint(config, result["visit_id"], clock, monkeypatch)
        assert status == 0, output
        assert f"badge of visit {result['visit_id']} reprinted on printer" in output
        jobs = printer.wait_for_jobs(1)

        status, output = run_kiosk(["--config", str(config), "badge", "queue"], clock)
        assert output.strip() == "no badges waiting for a reprint"

    decoded = decode_job(bytes(jobs[-1].data))
    assert decoded.native_codes[0]["data"] == result["sign_out_code"]
    assert any("REPRINT" in line for line in decoded.lines())

    events = print_events(config, result["visit_id"])
    # The kiosk's own attempt, then the two reprints the clerk requested.
    assert [kind for kind, _ in events] == ["print_failed", "print_failed", "print"]
    assert "staff_id" not in events[0][1]
    assert events[1][1]["staff_id"] == clerk_id
    assert events[2][1]["staff_id"] == clerk_id
    assert events[2][1]["reprint"] is True
    requests = staff_events(config, "reprint_requested")
    assert requests == [(result["visit_id"], {"staff_id": clerk_id})] * 2


def test_reprint_without_staff_is_rejected(make_config, capsys):
    config = rostered(make_config)
    with pytest.raises(SystemExit) as exited:
        run_kiosk(["--config", str(config), "badge", "reprint", "77"])
    assert exited.value.code == 2
    assert "the following arguments are required: --as" in capsys.readouterr().err


def test_reprint_unknown_staff_is_rejected(make_config, tmp_path, capsys):
    clock = FixedClock.at_local(AT, "America/Chicago")
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        add_clerk(config, clock)
        result = run_scan(
            config, (SCANS / "badge_P001_ALD.bin").read_bytes(), clock, tmp_path
        )
        printer.wait_for_jobs(1)
        args = ["--config", str(config), "badge", "reprint", str(result["visit_id"])]
        status, _ = run_kiosk([*args, "--as", "x.nobody", "--pin-stdin"], clock)
        assert status == 1
        assert len(printer.jobs) == 1
    error = capsys.readouterr().err
    assert "no staff account named 'x.nobody'" in error
    assert len(print_events(config, result["visit_id"])) == 1
    assert staff_events(config, "reprint_requested") == []


def test_reprint_wrong_pin_prints_nothing(make_config, tmp_path, monkeypatch, capsys):
    clock = FixedClock.at_local(AT, "America/Chicago")
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        add_clerk(config, clock)
        result = run_scan(
            config, (SCANS / "badge_P001_ALD.bin").read_bytes(), clock, tmp_path
        )
        printer.wait_for_jobs(1)
        status, _ = reprint(config, result["visit_id"], clock, monkeypatch, "000000")
        assert status == 1
        assert len(printer.jobs) == 1
    assert "sign-in failed: unknown user or wrong PIN" in capsys.readouterr().err


def test_reprint_unknown_visit_fails_cleanly(make_config, monkeypatch, capsys):
    clock = FixedClock.at_local(AT, "America/Chicago")
    config = rostered(make_config)
    add_clerk(config, clock)
    status, _ = reprint(config, 77, clock, monkeypatch)
    assert status == 1
    assert "visit 77 not found" in capsys.readouterr().err
    assert staff_events(config, "reprint_requested") == []


def test_queue_table_lists_fault(make_config, tmp_path):
    clock = FixedClock.at_local(AT, "America/Chicago")
    with FakeNetworkPrinter(cover_open=True) as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        run_scan(config, (SCANS / "badge_P002_ALD.bin").read_bytes(), clock, tmp_path)
        status, output = run_kiosk(["--config", str(config), "badge", "queue"], clock)
    assert status == 0
    lines = output.splitlines()
    assert lines[0].split() == ["VISIT", "IN", "NAME", "ORGANIZATION", "LAST", "FAULT"]
    assert "Daniel O'Connor" in lines[1]
    assert lines[1].endswith("cover_open")


def test_check_command_reports_each_printer(make_config):
    with (
        FakeNetworkPrinter(paper="low") as first,
        FakeNetworkPrinter(paper="out") as second,
    ):
        config = rostered(
            make_config,
            printer=network_printer_section(first),
            printer_fallback=network_printer_section(second),
        )
        status, output = run_kiosk(["--config", str(config), "badge", "check"])
    assert status == 1
    lines = output.splitlines()
    assert lines[0].startswith("printer: ok: paper low (network 127.0.0.1:")
    assert lines[1].startswith("printer_fallback: FAULT: paper out (network 127.0.0.1:")


def test_check_command_fails_silent_printer(make_config):
    # The printer takes the TCP connection and reads, but sends no status.
    with (
        FakeNetworkPrinter(answers_status=False) as first,
        FakeNetworkPrinter(answers_status=False) as second,
    ):
        config = rostered(
            make_config,
            printer=network_printer_section(first),
            printer_fallback=network_printer_section(second),
        )
        status, output = run_kiosk(["--config", str(config), "badge", "check"])
        requests = [job.status_requests for job in first.jobs]
    lines = output.splitlines()

    assert status == 1
    assert requests == [[1]]
    assert lines[0].startswith(
        "printer: FAULT: not answering status requests (network 127.0.0.1:"
    )
    assert "does not respond to the ESC/POS status request" in lines[1]
    assert lines[1].endswith("needs [printer] status_check = false.")
    assert lines[2].startswith("printer_fallback: FAULT: not answering status")
    assert lines[3].endswith("needs [printer_fallback] status_check = false.")


def test_check_command_without_status_check(make_config):
    with FakeNetworkPrinter(answers_status=False) as printer:
        config = rostered(
            make_config,
            printer=network_printer_section(printer, status_check=False),
        )
        status, output = run_kiosk(["--config", str(config), "badge", "check"])
        requests = [job.status_requests for job in printer.jobs]

    assert status == 0
    assert output.startswith("printer: ok: ready (status not known) (network")
    assert requests == [[]]


def test_profiles_command_lists_capabilities():
    status, output = run_kiosk(["badge", "profiles"])
    assert status == 0
    lines = {line.split()[0]: line for line in output.splitlines()}
    assert "native codes: QR, Code128" in lines["default"]
    assert "native codes: none" in lines["simple"]
    assert "TM-T88V" in lines


def test_unknown_profile_in_config_is_rejected(make_config, capsys):
    config = make_config(printer={"profile": "TM-NOPE"})
    status, _ = run_kiosk(["--config", str(config), "badge", "queue"])
    assert status == 2
    assert "[printer] profile = 'TM-NOPE'" in capsys.readouterr().err

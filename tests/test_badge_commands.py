"""``kiosk badge reprint``, ``queue``, ``check`` and ``profiles``."""

from __future__ import annotations

import json

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.clock import FixedClock
from tests.badge_support import AT, network_printer_section, rostered
from tests.escpos_decode import decode_job
from tests.support import SCANS, run_kiosk, run_scan


def test_reprint_command_keeps_code(make_config, tmp_path):
    clock = FixedClock.at_local(AT, "America/Chicago")
    with FakeNetworkPrinter(paper="out") as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
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

        failed, _ = run_kiosk(
            ["--config", str(config), "badge", "reprint", str(result["visit_id"])],
            clock,
        )
        assert failed == 1

        printer.paper = "ok"
        status, output = run_kiosk(
            ["--config", str(config), "badge", "reprint", str(result["visit_id"])],
            clock,
        )
        assert status == 0, output
        assert f"badge of visit {result['visit_id']} reprinted on printer" in output
        jobs = printer.wait_for_jobs(1)

        status, output = run_kiosk(["--config", str(config), "badge", "queue"], clock)
        assert output.strip() == "no badges waiting for a reprint"

    decoded = decode_job(bytes(jobs[-1].data))
    assert decoded.native_codes[0]["data"] == result["sign_out_code"]
    assert any("REPRINT" in line for line in decoded.lines())


def test_reprint_unknown_visit_fails_cleanly(make_config, capsys):
    config = rostered(make_config)
    status, _ = run_kiosk(["--config", str(config), "badge", "reprint", "77"])
    assert status == 1
    assert "visit 77 not found" in capsys.readouterr().err


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

"""A whole morning at one kiosk, through the ``kiosk`` command only.

A cleared partner signs in (the badge reaches the network printer), one whose
background check expired is refused without a badge, and the first signs out
by scanning the code read back from their printed badge.
"""

from __future__ import annotations

import json
from datetime import timedelta

from kiosk.clock import FixedClock
from tests.escpos_decode import decode_job
from tests.support import ROSTER_DIR, run_kiosk, run_scan


def test_sign_in_refuse_sign_out_and_report(make_config, network_printer, tmp_path):
    config = make_config(
        kiosk={"school_name": "Alder Elementary"},
        printer={
            "connection": "network",
            "host": "127.0.0.1",
            "port": network_printer.port,
        },
    )
    assert (
        run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])[0]
        == 0
    )
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")

    # A cleared partner scans their badge: signed in, badge printed.
    signed_in = run_scan(config, b"OTP-100001\r\n", clock, tmp_path)
    assert signed_in["outcome"] == "signed_in"
    assert signed_in["person_id"] == "P001"
    assert signed_in["badge_status"] == "printed"
    assert signed_in["badge"] is None  # a network printer keeps no file
    badge = decode_job(network_printer.wait_for_jobs(1)[0].data)
    assert "María José" in badge.text
    assert "VALID FRI 04 DEC 2026 ONLY" in badge.text
    codes = badge.codes()
    assert codes == [signed_in["sign_out_code"]]

    # A partner whose check expired: refused, no badge.
    clock.advance(timedelta(minutes=5))
    refused = run_scan(config, b"OTP-100003\r\n", clock, tmp_path)
    assert refused["outcome"] == "denied"
    assert refused["reasons"] == ["check_expired"]
    assert refused["badge"] is None
    assert refused["sign_out_code"] is None
    printed = [job for job in network_printer.jobs if decode_job(bytes(job.data)).texts]
    assert len(printed) == 1

    # The first partner leaves, scanning the code on the printed badge.
    clock.advance(timedelta(hours=3))
    signed_out = run_scan(config, codes[0].encode() + b"\r\n", clock, tmp_path)
    assert signed_out["outcome"] == "signed_out"
    assert signed_out["visit_id"] == signed_in["visit_id"]

    status, output = run_kiosk(
        ["--config", str(config), "report", "day", "--format", "json"], clock
    )
    assert status == 0
    rows = {row["person_id"]: row for row in json.loads(output)}
    assert rows["P001"]["time_in"] == "2026-12-04T08:30:00-06:00"
    assert rows["P001"]["time_out"] == "2026-12-04T11:35:00-06:00"
    assert rows["P001"]["outcome"] == "signed_out"
    assert rows["P003"]["time_in"] == "2026-12-04T08:35:00-06:00"
    assert rows["P003"]["time_out"] is None
    assert rows["P003"]["outcome"] == "denied"
    assert rows["P003"]["reasons"] == ["check_expired"]


def test_edited_sign_out_code_signs_nobody_out(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    signed_in = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)
    code = signed_in["sign_out_code"]
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    other_visit = code.replace(f"-{signed_in['visit_id']}-", "-2-")

    for attempt in (forged, other_visit, "SO1-1-AAAAAAAAAAAAA"):
        result = run_scan(rostered_config, attempt.encode(), clock, tmp_path)
        assert result["outcome"] == "denied"
        assert result["reasons"] == ["invalid_sign_out_code"]

    status, output = run_kiosk(
        ["--config", str(rostered_config), "report", "day", "--format", "json"], clock
    )
    assert status == 0
    assert [row["outcome"] for row in json.loads(output)] == ["in_building"]


def test_badge_file_and_preview_are_written(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    result = run_scan(rostered_config, b"OTP-100002", clock, tmp_path)
    badge = tmp_path / "data" / "badges" / f"visit-{result['visit_id']}.bin"
    assert result["badge"] == str(badge)
    assert "Daniel" in decode_job(badge.read_bytes()).text
    preview = badge.with_suffix(".png")
    assert preview.read_bytes().startswith(b"\x89PNG")

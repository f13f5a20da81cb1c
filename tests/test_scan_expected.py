"""Every fixture scan through ``kiosk scan`` at its local time and school."""

from __future__ import annotations

import os
import time

import pytest

from kiosk.clock import FixedClock
from tests.support import ROSTER_DIR, expected_scans, run_kiosk, run_scan

ROWS = expected_scans()


@pytest.fixture(params=["America/Chicago", "UTC", "Pacific/Kiritimati"])
def machine_zone(request, monkeypatch):
    """Run with the machine's own time zone set, which the kiosk must ignore."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("row", ROWS, ids=[row.scan for row in ROWS])
def test_fixture_scan_outcome(row, machine_zone, make_config, tmp_path):
    config = make_config(school=row.school)
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output
    clock = FixedClock.at_local(row.at, "America/Chicago")

    result = run_scan(config, row.payload, clock, tmp_path)

    assert result["outcome"] == row.outcome
    assert sorted(result["reasons"]) == sorted(row.reasons)


def test_fixture_rows_cover_every_file():
    from tests.support import SCANS

    listed = {row.scan for row in ROWS}
    on_disk = {path.name for path in SCANS.glob("*.bin")}
    assert listed == on_disk
    assert os.environ.get("TZ") != "broken"


def test_json_reasons_carry_the_renewal_notice(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    result = run_scan(rostered_config, b"OTP-100002", clock, tmp_path)
    assert result["outcome"] == "signed_in"
    assert result["reasons"] == ["check_renewal_due"]
    assert result["notices"] == ["check_renewal_due"]


def test_unreadable_scan_names_its_reason(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    result = run_scan(rostered_config, b"OTP\x00100001", clock, tmp_path)
    assert result["outcome"] == "unreadable"
    assert result["reasons"] == []
    assert result["unreadable_reason"] == "control_characters"

"""Visits across the end of the school day: no made-up times out."""

from __future__ import annotations

import json
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.services.closing import close_open_visits
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event, Visit
from tests.support import run_kiosk, run_scan

ZONE_NAME = "America/Chicago"
CLOSING = time(17, 0)


def _visit(tmp_path, visit_id: int) -> Visit:
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    with store.read() as session:
        visit = session.get(Visit, visit_id)
    store.close()
    return visit


def _day(config, day: str) -> list[dict]:
    status, output = run_kiosk(
        ["--config", str(config), "report", "day", "--date", day, "--format", "json"]
    )
    assert status == 0
    return json.loads(output)


def test_badge_next_morning_signs_in_and_closes_yesterday(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-03T10:00", ZONE_NAME)
    first = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)
    clock.set(FixedClock.at_local("2026-12-04T08:30", ZONE_NAME).now())

    again = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)

    assert again["outcome"] == "signed_in"
    assert again["visit_id"] != first["visit_id"]
    yesterday = _visit(tmp_path, first["visit_id"])
    assert yesterday.sign_out_method == "not_signed_out"
    assert yesterday.signed_out_at is None
    assert [row["outcome"] for row in _day(rostered_config, "2026-12-03")] == [
        "not_signed_out"
    ]


def test_yesterdays_badge_code_signs_nobody_out(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-02T10:00", ZONE_NAME)
    first = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)
    clock.set(FixedClock.at_local("2026-12-03T09:00", ZONE_NAME).now())

    result = run_scan(rostered_config, first["sign_out_code"].encode(), clock, tmp_path)

    assert result["outcome"] == "denied"
    assert result["reasons"] == ["expired_sign_out_code"]
    visit = _visit(tmp_path, first["visit_id"])
    assert visit.signed_out_at is None
    assert visit.sign_out_method == "not_signed_out"


def _close_day(tmp_path, at) -> list[int]:
    """Run the end-of-day job the way the daily timer does."""
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    try:
        return close_open_visits(
            store, EventSource("ALD", "daily-job"), at, ZoneInfo(ZONE_NAME), CLOSING
        )
    finally:
        store.close()


def test_scan_after_closing_records_the_real_time_out(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T09:00", ZONE_NAME)
    first = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)
    clock.set(FixedClock.at_local("2026-12-04T17:05", ZONE_NAME).now())
    assert _close_day(tmp_path, clock.now()) == [first["visit_id"]]
    clock.advance(timedelta(minutes=20))

    result = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)

    assert result["outcome"] == "signed_out"
    assert result["visit_id"] == first["visit_id"]
    visit = _visit(tmp_path, first["visit_id"])
    assert visit.signed_out_at == clock.now()
    assert visit.sign_out_method == "badge"
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    with store.read() as session:
        event = session.scalars(
            select(Event).where(Event.kind == "sign_out").order_by(Event.id.desc())
        ).first()
    store.close()
    assert event.detail == {"method": "badge", "after_closing": True}


def test_badge_code_after_closing_records_the_real_time_out(rostered_config, tmp_path):
    clock = FixedClock.at_local("2026-12-04T09:00", ZONE_NAME)
    first = run_scan(rostered_config, b"OTP-100001", clock, tmp_path)
    clock.set(FixedClock.at_local("2026-12-04T17:30", ZONE_NAME).now())
    _close_day(tmp_path, clock.now())

    result = run_scan(rostered_config, first["sign_out_code"].encode(), clock, tmp_path)

    assert result["outcome"] == "signed_out"
    assert _visit(tmp_path, first["visit_id"]).signed_out_at == clock.now()

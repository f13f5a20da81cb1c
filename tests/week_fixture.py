"""A store holding the fictional demo week (Monday 2026-11-30 to Friday 2026-12-04)
at school ALD, built once per test session and copied for each test."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.demo.week import CLERK, PRINCIPAL, WeekSummary, fill_week
from kiosk.services.checkin import Station
from kiosk.services.signout import SignOutKey
from kiosk.store import Store

SCHOOL = "ALD"
ZONE = ZoneInfo("America/Chicago")
MONDAY = date(2026, 11, 30)
FRIDAY = date(2026, 12, 4)
PRINCIPAL_PIN = PRINCIPAL[2]
CLERK_PIN = CLERK[2]
KEY = SignOutKey(b"fictional-week-signing-key-0123456789")


def local(day: date, wall: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(wall), tzinfo=ZONE)


@pytest.fixture(scope="session")
def week_template(tmp_path_factory) -> tuple[Path, WeekSummary]:
    folder = tmp_path_factory.mktemp("week")
    store = Store(f"sqlite:///{folder / 'kiosk.db'}")
    store.migrate()
    summary = fill_week(store, Station(SCHOOL, "kiosk-1", ZONE), KEY, MONDAY)
    store.close()
    return folder / "kiosk.db", summary


@pytest.fixture
def week(week_template, make_config, tmp_path) -> tuple[Path, WeekSummary]:
    """Settings for school ALD whose store holds a copy of the demo week."""
    template, summary = week_template
    config = make_config(
        kiosk={"school_name": "Alder Creek Elementary", "kiosk_id": "desk-1"}
    )
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy(source, data / source.name)
    return config, summary


def week_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    store.migrate()
    return store

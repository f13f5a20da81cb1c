"""District mode with the store unreachable: a PostgreSQL database that does
not exist (or was dropped), or a SQLite path that cannot be opened."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, inspect, text
from textual.widgets import Static

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.assembly import build_desk, build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.store import StoreError
from kiosk.ui.app import KioskApp
from kiosk.ui.desk.app import STORE_DOWN, DeskApp
from kiosk.ui.desk.emergency import EmergencyScreen
from kiosk.ui.desk.lock import LockScreen
from kiosk.ui.desk.lookup import LookupScreen
from kiosk.ui.desk.main import DeskScreen
from kiosk.ui.screens import SEE_OFFICE, WELCOME
from tests.conftest import PG_ADMIN_URL
from tests.desk_support import (
    CLERK_PIN,
    make_desk_env,
    notifications,
    sign_in,
    signed_in,
    table_rows,
    until,
)
from tests.support import ROSTER_DIR, run_kiosk
from tests.test_kiosk_app import SIZE, scan, wait_for

START = "2026-12-04T08:30"
ZONE = "America/Chicago"


@pytest.fixture
def missing_pg_url() -> Iterator[str]:
    """The URL of a PostgreSQL database that does not exist yet; dropped
    afterwards in case the test created it."""
    name = f"kiosk_outage_{uuid.uuid4().hex[:10]}"
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def unopenable_sqlite_url(tmp_path: Path) -> str:
    """A SQLite URL whose database path is a folder, which SQLite cannot open."""
    folder = tmp_path / "kiosk.db"
    folder.mkdir()
    return f"sqlite:///{folder}"


@pytest.fixture(
    params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"],
)
def unreachable_url(request, tmp_path: Path) -> str:
    if request.param == "postgres":
        return request.getfixturevalue("missing_pg_url")
    return unopenable_sqlite_url(tmp_path)


def outage_config(make_config, url: str, printer: FakeNetworkPrinter) -> Path:
    return make_config(
        kiosk={"school_name": "Alder Elementary"},
        store={"url": url},
        printer={"connection": "network", "host": printer.host, "port": printer.port},
        scanner={"wedge_gap_ms": 400},
        desk={"poll_seconds": 0.1},
    )


def status_text(app) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_kiosk_starts_and_sends_scans_to_office(
    make_config, network_printer, unreachable_url, caplog
):
    config = load_config(
        str(outage_config(make_config, unreachable_url, network_printer))
    )
    clock = FixedClock.at_local(START, ZONE)
    with pytest.raises(StoreError):
        build_kiosk(config, clock)

    kiosk = build_kiosk(config, clock, wait_for_store=True)
    app = KioskApp(kiosk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, app, "OTP-100001")
            kind = app.screen.kind
            headline = str(app.screen.query_one("#headline", Static).render())
            await app.workers.wait_for_complete()
    finally:
        kiosk.close()

    assert kind == SEE_OFFICE
    assert headline == "Please see the front office staff."
    assert app.store_reachable is False
    assert "scan sent to the front office: store unreachable" in caplog.text
    assert "sqlalche.me" not in caplog.text
    # No personal data from the scanned code reaches the log.
    assert "100001" not in caplog.text


@pytest.mark.postgres
async def test_kiosk_migrates_when_store_comes_back(
    make_config, network_printer, missing_pg_url
):
    config_path = outage_config(make_config, missing_pg_url, network_printer)
    config = load_config(str(config_path))
    clock = FixedClock.at_local(START, ZONE)
    kiosk = build_kiosk(config, clock, wait_for_store=True)
    app = KioskApp(kiosk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.store_reachable is False)
            create_database(missing_pg_url)
            # The next heartbeat reaches the store and runs the postponed
            # migration; the test sends it now instead of waiting for it.
            app.record_heartbeat()
            await wait_for(pilot, lambda: app.store_reachable is True)
            tables = inspect(kiosk.store.engine).get_table_names()
            status, output = run_kiosk(
                [
                    "--config",
                    str(config_path),
                    "roster",
                    "import",
                    str(ROSTER_DIR / "roster.json"),
                ],
                clock,
            )
            assert status == 0, output
            await scan(pilot, app, "OTP-100001")
            kind = app.screen.kind
            # Close the store only once no worker thread still uses a connection.
            await app.workers.wait_for_complete()
    finally:
        kiosk.close()

    assert "alembic_version" in tables
    assert kind == WELCOME


async def test_desk_starts_red_and_f9_works(
    make_config, network_printer, unreachable_url
):
    config = load_config(
        str(outage_config(make_config, unreachable_url, network_printer))
    )
    clock = FixedClock.at_local(START, ZONE)
    with pytest.raises(StoreError):
        build_desk(config, clock)

    desk = build_desk(config, clock, wait_for_store=True)
    app = DeskApp(desk)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LockScreen), "lock")
            await until(
                pilot, lambda: "store" in status_text(app), "the store on the status"
            )
            status = status_text(app)
            await pilot.press("f9")
            await until(
                pilot, lambda: isinstance(app.screen, EmergencyScreen), "the roster"
            )
            roster = app.screen.roster
    finally:
        app.wait_for_threads(timeout=10)
        desk.store.close()

    assert "store" in status
    assert "unreachable" in status
    assert roster.store_reachable is False
    assert roster.has_list is False


@pytest.mark.parametrize(
    "command",
    [
        ["scan", "OTP-100001"],
        ["report", "day"],
        ["roster", "import", str(ROSTER_DIR / "roster.json")],
    ],
    ids=["scan", "report", "roster-import"],
)
def test_cli_fails_in_one_line(
    make_config, network_printer, unreachable_url, command, capsys
):
    config = outage_config(make_config, unreachable_url, network_printer)
    status, _output = run_kiosk(["--config", str(config), *command])
    error = capsys.readouterr().err

    assert status == 1
    lines = error.strip().splitlines()
    assert len(lines) == 1, error
    assert lines[0].startswith("kiosk: ")
    assert "store" in lines[0]
    assert "sqlalche.me" not in error


@pytest.mark.postgres
async def test_kiosk_dropped_store_logs_without_traceback(
    make_config, network_printer, pg_url, caplog
):
    config_path = outage_config(make_config, pg_url, network_printer)
    status, output = run_kiosk(
        ["--config", str(config_path), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output
    kiosk = build_kiosk(load_config(str(config_path)), FixedClock.at_local(START, ZONE))
    app = KioskApp(kiosk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, app, "OTP-100001")
            assert app.screen.kind == WELCOME
            kiosk.store.close()
            drop_database(pg_url)
            caplog.clear()
            with caplog.at_level(logging.INFO):
                await scan(pilot, app, "OTP-100009")
            kind = app.screen.kind
            # Close the store only once no worker thread still uses a connection.
            await app.workers.wait_for_complete()
    finally:
        kiosk.close()

    assert kind == SEE_OFFICE
    assert "scan sent to the front office: store unreachable" in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.postgres
async def test_desk_sign_in_with_store_dropped(
    make_config, tmp_path, network_printer, pg_url, caplog
):
    env = make_desk_env(make_config, tmp_path, network_printer, pg_url)
    env.store.close()
    desk = env.desk()
    app = DeskApp(desk)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LockScreen), "lock")
            await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
            await pilot.press("l")
            await until(pilot, lambda: isinstance(app.screen, LockScreen), "lock")
            drop_database(pg_url)
            caplog.clear()

            await sign_in(app, pilot, "c.ortiz", CLERK_PIN)
            await until(
                pilot,
                lambda: "cannot be reached" in lock_message(app),
                "the store message on the lock screen",
            )
            message = lock_message(app)
            await pilot.press("f9")
            await until(
                pilot, lambda: isinstance(app.screen, EmergencyScreen), "the roster"
            )
            roster = app.screen.roster
    finally:
        app.wait_for_threads(timeout=10)
        desk.store.close()

    assert "PIN cannot be checked" in message
    assert app.staff is None
    assert roster.store_reachable is False
    assert roster.has_list is True
    assert "desk sign-in failed: store unreachable (OperationalError)" in caplog.text
    assert "c.ortiz" not in caplog.text


def lock_message(app: DeskApp) -> str:
    return str(app.screen.query_one("#lock-message", Static).render())


@pytest.mark.postgres
async def test_desk_actions_show_store_reason(
    make_config, tmp_path, network_printer, pg_url, caplog
):
    env = make_desk_env(make_config, tmp_path, network_printer, pg_url)
    env.scan("badge_P003_ALD.bin")  # refused: an alert to acknowledge
    env.scan("badge_P001_ALD.bin")  # signed in: a person to sign out
    env.store.close()
    desk = env.desk()
    app = DeskApp(desk)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LockScreen), "lock")
            await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
            assert table_rows(app, "#alerts")
            assert table_rows(app, "#present")
            drop_database(pg_url)

            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, LookupScreen), "find")
            await pilot.press(*"nunez", "enter")
            await until(
                pilot,
                lambda: "cannot be reached" in lookup_message(app),
                "the look-up message",
            )
            found = lookup_message(app)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, DeskScreen), "desk")

            app.screen.query_one("#alerts").focus()
            await pilot.press("a")
            await until(pilot, lambda: notifications(app), "a notification")
            acknowledged = notifications(app)[-1]

            app.screen.query_one("#present").focus()
            await pilot.press("s")
            await until(pilot, lambda: app.screen.query("#sign-out-note"), "dialog")
            await pilot.press(*"left early", "enter")
            await until(pilot, lambda: len(notifications(app)) > 1, "a notification")
            signed_out = notifications(app)[-1]
    finally:
        app.wait_for_threads(timeout=10)
        desk.store.close()

    assert found == STORE_DOWN
    assert acknowledged == STORE_DOWN
    assert signed_out == STORE_DOWN
    assert "OperationalError" not in found + acknowledged + signed_out
    assert "desk action failed: store unreachable (OperationalError)" in caplog.text


def lookup_message(app: DeskApp) -> str:
    return str(app.screen.query_one("#lookup-message", Static).render())


def test_status_warning_logged_once_per_outage(tmp_path, caplog):
    from kiosk.services.checkin import Station
    from kiosk.services.components import ComponentStatusRecorder
    from kiosk.store import Store

    clock = FixedClock.at_local(START, ZONE)
    station = Station("ALD", "kiosk-1", ZoneInfo(ZONE))
    broken = Store(unopenable_sqlite_url(tmp_path))
    recorder = ComponentStatusRecorder(broken, station, clock)
    caplog.set_level(logging.INFO, logger="kiosk.services.components")

    results = [recorder.record("heartbeat", True, "") for _ in range(5)]

    assert results == [False] * 5
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "1 failed attempts so far" in warnings[0].getMessage()

    working = Store(f"sqlite:///{tmp_path / 'working.db'}")
    working.migrate()
    recorder.store = working
    try:
        assert recorder.record("heartbeat", True, "")
    finally:
        working.close()
        broken.close()
    assert any(
        "again after 5 failed attempts" in r.getMessage() for r in caplog.records
    )

"""Fixtures and helpers the desk tests share: a rostered store (SQLite or
PostgreSQL), staff accounts, a fake network printer and pilot helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.assembly import build_desk
from kiosk.clock import FixedClock
from kiosk.config import Config, load_config
from kiosk.services.desk.console import Desk
from kiosk.services.staff import StaffMember, add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event, Visit
from kiosk.ui.desk.app import DeskApp
from kiosk.ui.desk.lock import LockScreen
from tests.support import ROSTER_DIR, SCANS, run_kiosk, run_scan

CLERK_PIN = "482913"
PRINCIPAL_PIN = "5550123"
START = "2026-12-04T08:30"
ZONE = "America/Chicago"


@dataclass
class DeskEnv:
    """A school ALD with the shared roster, a clerk, a principal and a printer."""

    config_path: Path
    config: Config
    clock: FixedClock
    printer: FakeNetworkPrinter
    tmp_path: Path
    clerk: StaffMember
    principal: StaffMember
    store: Store
    """A second handle on the store, for the test's own reads."""

    def scan(self, name: str, config_path: Path | None = None) -> dict:
        """Put a fixture scan through ``kiosk scan`` at the env's clock."""
        return run_scan(
            config_path or self.config_path,
            (SCANS / name).read_bytes(),
            self.clock,
            self.tmp_path,
        )

    def desk(self) -> Desk:
        return build_desk(self.config, self.clock)

    def visit(self, visit_id: int) -> Visit:
        with self.store.read() as session:
            visit = session.get(Visit, visit_id)
            assert visit is not None
            return visit

    def events(self, kind: str) -> list[Event]:
        with self.store.read() as session:
            return list(
                session.scalars(
                    select(Event).where(Event.kind == kind).order_by(Event.id)
                )
            )


def make_desk_env(
    make_config, tmp_path: Path, printer: FakeNetworkPrinter, store_url: str = ""
) -> DeskEnv:
    sections: dict = {
        "printer": {
            "connection": "network",
            "host": printer.host,
            "port": printer.port,
            "timeout": 2.0,
        },
        "desk": {
            "poll_seconds": 0.1,
            "max_pin_attempts": 3,
            "idle_lock_minutes": 15,
            "desk_id": "desk-1",
        },
    }
    if store_url:
        sections["store"] = {"url": store_url}
    config_path = make_config(**sections)
    clock = FixedClock.at_local(START, ZONE)
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
    config = load_config(str(config_path))
    desk = build_desk(config, clock)
    source = EventSource("ALD", "setup")
    try:
        clerk = add_staff(
            desk.store,
            source,
            clock.now(),
            username="c.ortiz",
            display_name="Cam Ortiz",
            role="clerk",
            school="ALD",
            pin=CLERK_PIN,
        )
        principal = add_staff(
            desk.store,
            source,
            clock.now(),
            username="p.lindqvist",
            display_name="Pat Lindqvist",
            role="principal",
            school="ALD",
            pin=PRINCIPAL_PIN,
        )
    finally:
        desk.store.close()
    return DeskEnv(
        config_path,
        config,
        clock,
        printer,
        tmp_path,
        clerk,
        principal,
        Store(config.store_url),
    )


async def until(pilot, predicate: Callable[[], object], what: str, timeout: float = 10):
    """Let the app run until ``predicate()`` is true; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


@asynccontextmanager
async def running_desk(env: DeskEnv, size: tuple[int, int] = (120, 40)):
    """Run the desk app headless at ``size`` (columns, rows); yield (app, pilot)."""
    desk = env.desk()
    app = DeskApp(desk)
    try:
        async with app.run_test(size=size) as pilot:
            await until(
                pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen"
            )
            yield app, pilot
    finally:
        app.wait_for_threads(timeout=10)
        desk.store.close()


async def sign_in(app: DeskApp, pilot, username: str, pin: str) -> None:
    """Type a username and PIN on the lock screen and press Enter."""
    from textual.widgets import Input

    from kiosk.ui.desk.lock import LockScreen

    await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock screen")
    field = app.screen.query_one("#username", Input)
    field.value = username
    field.focus()
    await pilot.press("enter")
    await pilot.press(*pin)
    await pilot.press("enter")


async def signed_in(app: DeskApp, pilot, username: str, pin: str) -> None:
    """Sign in and wait until the desk screen shows a first snapshot."""
    from kiosk.ui.desk.main import DeskScreen

    await sign_in(app, pilot, username, pin)
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, DeskScreen)
            and app.screen.snapshot is not None
            and app.screen.query("#alerts")
        ),
        "the desk screen",
    )


def table_rows(app: DeskApp, selector: str) -> list[list[str]]:
    """Return the cells of a DataTable on the current screen as strings."""
    from textual.widgets import DataTable

    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def notifications(app: DeskApp) -> list[str]:
    return [notification.message for notification in app._notifications]

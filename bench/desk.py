"""Desk timings: the emergency roster (key to screen and to paper) and polling.

The emergency roster must be on screen and printed in under two seconds. It
is timed on SQLite with 10, 200 and 1000 people in the building. The job goes
to the fake network printer on 127.0.0.1 through python-escpos over TCP, the
way a real port-9100 printer is driven. With 200 people it is also timed
through the desk app, from F9 (pressed in Textual's headless pilot) until the
list is mounted on screen and until the printer has received the whole job.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.assembly import build_desk
from kiosk.clock import FixedClock
from kiosk.config import parse_config
from kiosk.demo import demo_roster
from kiosk.services.desk.console import Desk
from kiosk.services.roster import read_roster
from kiosk.services.staff import add_staff
from kiosk.store.events import EventSource
from kiosk.store.models import Visit
from kiosk.store.roster import apply_roster

SIZES = (10, 200, 1000)
REPEATS = 5
ZONE = "America/Chicago"


def _roster(today, people: int) -> dict:
    roster = demo_roster(today)
    template = roster["people"][0]
    roster["people"] = [
        {
            **template,
            "person_id": f"B{number:05d}",
            "first_name": f"Bench{number:05d}",
            "last_name": "Example-Person",
            "badge_code": f"BENCH-{number:05d}",
        }
        for number in range(people)
    ]
    return roster


def _desk(folder: Path, printer: FakeNetworkPrinter, people: int) -> Desk:
    clock = FixedClock.at_local("2026-12-04T10:00", ZONE)
    config = parse_config(
        {
            "kiosk": {"school": "DEMO", "data_dir": str(folder), "timezone": ZONE},
            "printer": {
                "connection": "network",
                "host": printer.host,
                "port": printer.port,
            },
        }
    )
    desk = build_desk(config, clock)
    path = folder / "roster.json"
    today = clock.now().astimezone(config.zone).date()
    path.write_text(json.dumps(_roster(today, people)))
    source = EventSource("DEMO", "bench")
    apply_roster(desk.store, read_roster([path]), source, clock.now())
    signed_in = clock.now() - timedelta(hours=1)

    def sign_everyone_in(session) -> None:  # type: ignore[no-untyped-def]
        for number in range(people):
            session.add(
                Visit(
                    school="DEMO",
                    kiosk_id="bench",
                    person_id=f"B{number:05d}",
                    org_id="DEMO-ORG-1",
                    credential="badge",
                    admitted=True,
                    scanned_at=signed_in,
                    signed_in_at=signed_in,
                    badge_status="printed",
                )
            )

    desk.store.write(sign_everyone_in)
    add_staff(
        desk.store,
        source,
        clock.now(),
        username="bench.clerk",
        display_name="Bench Clerk",
        role="clerk",
        school="DEMO",
        pin="482913",
    )
    return desk


def _service_path(desk: Desk, printer: FakeNetworkPrinter, people: int) -> list[float]:
    timings = []
    for repeat in range(REPEATS):
        started = time.perf_counter()
        roster = desk.present_now()
        outcome = desk.print_emergency_roster(None, roster)
        printer.wait_for_jobs(repeat + 1)
        timings.append(time.perf_counter() - started)
        assert outcome.status == "printed"
        assert len(roster.people) == people
    return timings


async def _app_path(desk: Desk, printer: FakeNetworkPrinter) -> tuple[float, float]:
    """Return seconds from F9 to the list mounted on screen, and to the
    printer holding the whole job (timed in the app, not by the pilot)."""
    from textual.widgets import Input

    from kiosk.ui.desk.app import DeskApp
    from kiosk.ui.desk.emergency import EmergencyScreen
    from kiosk.ui.desk.main import DeskScreen

    app = DeskApp(desk)
    jobs_before = len([job for job in printer.jobs if job.complete])
    printed_at: list[float] = []

    def wait_for_job() -> None:
        printer.wait_for_jobs(jobs_before + 1, timeout=30)
        printed_at.append(time.perf_counter())

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        app.screen.query_one("#username", Input).value = "bench.clerk"
        app.screen.query_one("#username", Input).focus()
        await pilot.press("enter", *"482913", "enter")
        while not isinstance(app.screen, DeskScreen) or app.screen.snapshot is None:
            await pilot.pause(0.05)
        waiter = threading.Thread(target=wait_for_job)
        waiter.start()
        await pilot.press("f9")
        while not isinstance(app.screen, EmergencyScreen):
            await pilot.pause(0.01)
        screen = app.screen
        waiter.join(30)
        shown = screen.mounted_at - app.emergency_requested_at
        printed = printed_at[0] - app.emergency_requested_at
    app.wait_for_threads(10)
    return shown, printed


def _poll_costs(desk: Desk) -> tuple[float, float]:
    from kiosk.services.staff import StaffMember

    viewer = StaffMember(1, "bench.clerk", "Bench Clerk", "clerk", "DEMO")
    snapshot = desk.poll(viewer, None)
    assert snapshot is not None
    unchanged, full = [], []
    for _ in range(20):
        started = time.perf_counter()
        assert desk.poll(viewer, snapshot.last_event_id) is None
        unchanged.append(time.perf_counter() - started)
        started = time.perf_counter()
        desk.poll(viewer, None)
        full.append(time.perf_counter() - started)
    return statistics.median(unchanged), statistics.median(full)


def run() -> str:
    rows = []
    app_rows = []
    poll_rows = []
    for people in SIZES:
        with tempfile.TemporaryDirectory() as folder, FakeNetworkPrinter() as printer:
            desk = _desk(Path(folder), printer, people)
            try:
                timings = _service_path(desk, printer, people)
                job_bytes = len(printer.jobs[-1].data)
                rows.append(
                    f"| {people} | {statistics.median(timings) * 1000:.0f} | "
                    f"{max(timings) * 1000:.0f} | {job_bytes} |"
                )
                unchanged, full = _poll_costs(desk)
                poll_rows.append(
                    f"| {people} | {unchanged * 1000:.1f} | {full * 1000:.0f} |"
                )
                if people == 200:
                    shown, printed = asyncio.run(_app_path(desk, printer))
                    app_rows.append(
                        f"| {people} | {shown * 1000:.0f} | {printed * 1000:.0f} |"
                    )
            finally:
                desk.store.close()
    return "\n".join(
        [
            "## Desk: emergency roster and polling (SQLite)",
            "",
            f"Read the list, render ESC/POS, send to the fake network printer "
            f"(median and max of {REPEATS}); target under 2000 ms.",
            "",
            "| people in the building | median ms | max ms | job bytes |",
            "| ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "F9 in the desk app (headless pilot), timed inside the app: until "
            "the list is mounted on screen, and until the printer holds the "
            "whole job:",
            "",
            "| people | on screen ms | printed ms |",
            "| ---: | ---: | ---: |",
            *app_rows,
            "",
            "One poll of the store (median of 20): with no new event, and a full "
            "read of alerts, people in the building and the status line.",
            "",
            "| people | unchanged ms | full read ms |",
            "| ---: | ---: | ---: |",
            *poll_rows,
        ]
    )

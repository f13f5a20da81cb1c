"""The kiosk screen while the badge printer misbehaves (Textual pilot).

The sign-in is stored and welcomed before the badge prints; a printer fault
turns the welcome into "pick up your badge at the desk", and the kiosk takes
the next visitor while a stalled printer is still timing out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Static

from drivers.printer.fake import REFUSE, STALL, FakeNetworkPrinter
from kiosk.services.desk.queries import people_present
from kiosk.store.models import Event
from kiosk.ui.app import KioskApp
from kiosk.ui.destination import DestinationScreen
from kiosk.ui.messages import ScanReceived
from kiosk.ui.screens import WELCOME, ResultScreen
from tests.badge_support import (
    component,
    events_of,
    network_printer_section,
    open_kiosk,
    rostered,
    sign_in,
    visit_row,
)
from tests.escpos_decode import decode_job
from tests.support import SCANS


async def wait_until(
    pilot: Pilot, condition: Callable[[], bool], timeout: float = 10
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.02)


def read_scan(name: str) -> bytes:
    return (SCANS / name).read_bytes()


def scan(app: KioskApp, name: str) -> None:
    app.post_message(ScanReceived(read_scan(name), "wedge"))


def body_text(app: KioskApp) -> str:
    screen = app.screen
    assert isinstance(screen, ResultScreen)
    return str(screen.query_one("#body", Static).content)


async def test_stalled_printer_keeps_kiosk_responsive(make_config):
    with FakeNetworkPrinter(mode=STALL) as printer:
        config = rostered(
            make_config,
            printer=network_printer_section(
                printer, timeout=2.0, status_timeout=2.0, check_seconds=0
            ),
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 1)
                assert app.badges_handled == 0

                started = time.monotonic()
                scan(app, "badge_P002_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 2)
                # The next visitor is welcomed while the first badge is still
                # waiting for the stalled printer.
                assert time.monotonic() - started < 1.0
                assert app.badges_handled == 0
                screen = app.screen
                assert isinstance(screen, ResultScreen)
                assert screen.kind == WELCOME
                assert screen.first_name == "Daniel"

                await wait_until(pilot, lambda: app.badges_handled == 2, timeout=15)
                assert "pick up your badge at the front desk" in body_text(app)
            for visit_id in (1, 2):
                visit = visit_row(kiosk, visit_id)
                assert visit.admitted
                assert visit.badge_status == "queued"


async def test_welcome_says_badge_printing_until_outcome(make_config):
    with FakeNetworkPrinter(mode=STALL) as printer:
        config = rostered(
            make_config,
            printer=network_printer_section(
                printer, timeout=2.0, status_timeout=2.0, check_seconds=0
            ),
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 1)
                # The badge waits for the stalled printer up to its 2 s timeout.
                printing = body_text(app)
                badges_then = app.badges_handled
                await wait_until(pilot, lambda: app.badges_handled == 1)
                after = body_text(app)

    assert badges_then == 0
    assert printing == "You are signed in. Your badge is printing…"
    assert after == "You are signed in. Please pick up your badge at the front desk."


async def test_welcome_says_take_badge_once_printed(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(
            make_config, printer=network_printer_section(printer, check_seconds=0)
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1)
                after = body_text(app)
                # The same badge again at once: signed in already, nothing prints.
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 2)
                again = body_text(app)
            jobs = printer.wait_for_jobs(1)

    assert after == (
        "You are signed in. Please take your badge from the printer and wear it "
        "where staff can see it."
    )
    assert again == "You are signed in."
    assert len(jobs) == 1


async def test_spanish_welcome_while_badge_prints(make_config):
    with FakeNetworkPrinter(mode=STALL) as printer:
        config = rostered(
            make_config,
            kiosk={"language": "es"},
            printer=network_printer_section(
                printer, timeout=2.0, status_timeout=2.0, check_seconds=0
            ),
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 1)
                printing = body_text(app)
                badges_then = app.badges_handled
                await wait_until(pilot, lambda: app.badges_handled == 1)
                after = body_text(app)

    assert badges_then == 0
    assert printing == (
        "Su entrada está registrada. Su credencial se está imprimiendo…"
    )
    assert after == (
        "Su entrada está registrada. Recoja su credencial en la recepción."
    )


async def test_refused_printer_sends_visitor_to_desk(make_config):
    with FakeNetworkPrinter(mode=REFUSE) as printer:
        config = rostered(
            make_config, printer=network_printer_section(printer, check_seconds=0)
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1)
                assert app.screen.kind == WELCOME  # type: ignore[attr-defined]
                assert "pick up your badge at the front desk" in body_text(app)
            assert visit_row(kiosk, 1).badge_status == "queued"


async def test_fallback_printer_location_shown(make_config):
    with (
        FakeNetworkPrinter(paper="out") as first,
        FakeNetworkPrinter() as second,
    ):
        config = rostered(
            make_config,
            kiosk={"language": "es"},
            printer=network_printer_section(first, check_seconds=0),
            printer_fallback=network_printer_section(second, location="la oficina"),
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1)
                assert "se imprimió en la oficina" in body_text(app)
            assert len(second.wait_for_jobs(1)) == 1


async def test_welcome_waits_for_badge_outcome(make_config):
    with FakeNetworkPrinter(mode=STALL) as printer:
        config = rostered(
            make_config,
            kiosk={"result_seconds": 1},
            printer=network_printer_section(
                printer, timeout=2.0, status_timeout=2.5, check_seconds=0
            ),
        )
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1, timeout=10)
                # The welcome outlived its second so the visitor learns where
                # the badge is.
                assert isinstance(app.screen, ResultScreen)
                assert "front desk" in body_text(app)


async def test_start_up_queues_unfinished_badges(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(
            make_config, printer=network_printer_section(printer, check_seconds=0)
        )
        # Another kiosk on the same database, whose badge may be printing now.
        other = make_config(
            kiosk={"kiosk_id": "kiosk-north"},
            printer=network_printer_section(printer, check_seconds=0),
        )
        with open_kiosk(other) as north:
            elsewhere = sign_in(north, "badge_P002_ALD.bin")
        with open_kiosk(config) as kiosk:
            # The kiosk stopped after storing these sign-ins and before their
            # badges printed; the second person has signed out since.
            stranded = sign_in(kiosk)
            left = sign_in(kiosk, "badge_P009_ALD.bin")
            kiosk.clock.advance(timedelta(minutes=5))
            assert kiosk.checkin.process(read_scan("badge_P009_ALD.bin")).visit_id
            kiosk.clock.advance(timedelta(seconds=30))

            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                await wait_until(pilot, lambda: app.start_up_done)
                scan(app, "badge_P013_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1)

            assert visit_row(kiosk, stranded).badge_status == "queued"
            assert visit_row(kiosk, left).badge_status == "pending"
            assert visit_row(kiosk, elsewhere).badge_status == "pending"
            # The sign-in of this run printed as usual.
            assert visit_row(kiosk, left + 1).badge_status == "printed"
            queued_events = [
                kind for kind, _ in events_of(kiosk, stranded) if kind == "badge_queued"
            ]
            assert queued_events == ["badge_queued"]
            with kiosk.store.read() as session:
                reasons = session.scalar(
                    select(Event.reasons).where(Event.kind == "badge_queued")
                )
                today = kiosk.clock.now().astimezone(kiosk.station.zone).date()
                present = people_present(session, "ALD", today, kiosk.station.zone)
            assert reasons == ["print_unfinished"]
            # The desk lists badges whose status is queued.
            desk_queue = [
                row.visit_id for row in present if row.badge_status == "queued"
            ]
            assert desk_queue == [stranded]


async def test_idle_check_records_printer_state(make_config):
    with FakeNetworkPrinter(cover_open=True) as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                await wait_until(pilot, lambda: component(kiosk) is not None)
                state = component(kiosk)
                assert state is not None
                assert not state.ok
                assert state.detail == "cover open"


def button_shown(app: KioskApp, selector: str) -> bool:
    buttons = app.screen.query(selector)
    return bool(buttons) and buttons.first().region.area > 0


def destination_config(make_config, printer: FakeNetworkPrinter, seconds: float = 15):
    return rostered(
        make_config,
        kiosk={
            "destinations": ["Library", "Room 112", "Gym"],
            "destination_seconds": seconds,
        },
        printer=network_printer_section(printer, check_seconds=0),
    )


async def test_destination_key_prints_on_badge(make_config):
    with FakeNetworkPrinter() as printer:
        config = destination_config(make_config, printer)
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(
                    pilot, lambda: isinstance(app.screen, DestinationScreen)
                )
                assert app.badges_handled == 0
                await pilot.press("2")
                await wait_until(pilot, lambda: app.badges_handled == 1)
                assert isinstance(app.screen, ResultScreen)
            assert visit_row(kiosk, 1).destination == "Room 112"
            jobs = printer.wait_for_jobs(1)
    assert "TO: Room 112" in decode_job(bytes(jobs[0].data)).lines()


async def test_destination_button_tap_chooses(make_config):
    with FakeNetworkPrinter() as printer:
        config = destination_config(make_config, printer)
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test(size=(100, 40)) as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(
                    pilot, lambda: isinstance(app.screen, DestinationScreen)
                )
                await wait_until(pilot, lambda: button_shown(app, "#place-3"))
                assert await pilot.click("#place-3")
                await wait_until(pilot, lambda: app.badges_handled == 1)
            assert visit_row(kiosk, 1).destination == "Gym"


async def test_destination_timeout_prints_without_place(make_config):
    with FakeNetworkPrinter() as printer:
        config = destination_config(make_config, printer, seconds=3)
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(pilot, lambda: app.badges_handled == 1, timeout=10)
                assert isinstance(app.screen, ResultScreen)
            assert visit_row(kiosk, 1).destination is None
            assert visit_row(kiosk, 1).badge_status == "printed"


async def test_next_scan_ends_destination_choice(make_config):
    with FakeNetworkPrinter() as printer:
        config = destination_config(make_config, printer)
        with open_kiosk(config) as kiosk:
            app = KioskApp(kiosk)
            async with app.run_test() as pilot:
                scan(app, "badge_P001_ALD.bin")
                await wait_until(
                    pilot, lambda: isinstance(app.screen, DestinationScreen)
                )
                scan(app, "badge_P003_ALD.bin")
                await wait_until(pilot, lambda: app.scans_handled == 2)
                await wait_until(pilot, lambda: app.badges_handled == 1)
                screen = app.screen
                assert isinstance(screen, ResultScreen)
                assert screen.kind == "see_office"
                assert not any(
                    isinstance(s, DestinationScreen) for s in app.screen_stack
                )
            assert visit_row(kiosk, 1).badge_status == "printed"
            assert visit_row(kiosk, 1).destination is None

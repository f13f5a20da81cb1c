"""The kiosk screen, driven through Textual's pilot as a wedge scanner types."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Button, Static

from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.commands.run import keep_running
from kiosk.config import load_config
from kiosk.services.checkin import ScanResult
from kiosk.store.models import Event, Visit
from kiosk.ui.app import KioskApp
from kiosk.ui.destination import DestinationScreen
from kiosk.ui.messages import ScanDecided
from kiosk.ui.screens import GOODBYE, SEE_OFFICE, WELCOME, IdleScreen, ResultScreen
from tests.escpos_decode import decode_job
from tests.support import ROSTER_DIR, run_kiosk

SIZE = (120, 40)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds, or fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


async def scan(pilot, app: KioskApp, code: str) -> None:
    """Type ``code`` and Enter as a wedge scanner does; wait for its outcome."""
    handled = app.scans_handled
    await pilot.press(*code, "enter")
    await wait_for(pilot, lambda: app.scans_handled > handled)


def _visit(kiosk) -> Visit:
    with kiosk.store.read() as session:
        return session.scalar(select(Visit).order_by(Visit.id.desc()).limit(1))


def _text(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def kiosk_for(make_config, network_printer):
    """Build a kiosk at ALD on the shared roster, printing to the test printer."""
    made = []

    def build(clock: FixedClock, **kiosk_settings):
        path = make_config(
            kiosk={"school_name": "Alder Elementary", **kiosk_settings},
            printer={
                "connection": "network",
                "host": "127.0.0.1",
                "port": network_printer.port,
            },
            # Generous: the pilot types slower than a real scanner.
            scanner={"wedge_gap_ms": 400},
        )
        assert (
            run_kiosk(["--config", str(path), "roster", "import", str(ROSTER_DIR)])[0]
            == 0
        )
        kiosk = build_kiosk(load_config(str(path)), clock)
        made.append(kiosk)
        return kiosk

    yield build
    for kiosk in made:
        kiosk.close()


async def test_idle_screen_shows_school_date_and_clock(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IdleScreen)
        assert _text(app, "#school") == "Welcome to Alder Elementary"
        assert _text(app, "#date") == "Friday, December 4, 2026"
        assert app.screen.query_one("#clock").value == "08:30"
        assert "partner badge" in _text(app, "#prompt")


async def test_cleared_partner_is_welcomed_and_gets_a_badge(kiosk_for, network_printer):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    kiosk = kiosk_for(clock)
    app = KioskApp(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-100001")

        assert isinstance(app.screen, ResultScreen)
        assert app.screen.kind == WELCOME
        assert _text(app, "#headline") == "Welcome, María José!"
        await wait_for(pilot, lambda: _visit(kiosk).badge_status != "pending")
        # The kiosk also connects just to ask the printer's status while idle.
        jobs = [
            job for job in network_printer.jobs if job.complete and b"\x1bt" in job.data
        ]

    visit = _visit(kiosk)
    assert visit.admitted
    assert visit.badge_status == "printed"
    assert len(jobs) == 1
    decoded = decode_job(bytes(jobs[0].data))
    assert "Núñez-García" in decoded.text
    assert decoded.codes() == [kiosk.checkin.key.code_for(visit.id)]


async def test_refused_partner_sees_only_a_neutral_message(kiosk_for, network_printer):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    kiosk = kiosk_for(clock)
    app = KioskApp(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-100003")  # background check expired
        assert app.screen.kind == SEE_OFFICE
        shown = _text(app, "#headline") + _text(app, "#body")
        await pilot.pause(0.3)

    assert shown == "Please see the front office staff.They will help you sign in."
    assert "check" not in shown.lower()
    # The kiosk may ask the printer's status, but prints nothing.
    assert all(not decode_job(bytes(job.data)).texts for job in network_printer.jobs)
    with kiosk.store.read() as session:
        decision = session.scalar(select(Event).where(Event.kind == "decision"))
    assert decision.reasons == ["check_expired"]


async def test_second_scan_signs_out_with_goodbye(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-100009")
        assert app.screen.kind == WELCOME
        clock.advance(timedelta(hours=2))
        await scan(pilot, app, "otp-100009")
        assert app.screen.kind == GOODBYE
        assert _text(app, "#headline") == "Goodbye, Samuel!"


async def test_result_screen_returns_to_idle(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock, result_seconds=1))
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-999999")
        assert isinstance(app.screen, ResultScreen)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen), timeout=5)


async def test_language_key_switches_to_spanish_for_one_visitor(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await wait_for(pilot, lambda: app.language == "es")
        await wait_for(pilot, lambda: _text(app, "#school").startswith("Bienvenido"))
        assert _text(app, "#date") == "viernes, 4 de diciembre de 2026"

        await scan(pilot, app, "OTP-100001")
        assert _text(app, "#headline") == "¡Bienvenido, María José!"

        app.screen.close()
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))
        await wait_for(
            pilot, lambda: _text(app, "#school") == "Welcome to Alder Elementary"
        )


async def test_unreadable_scan_asks_to_scan_again(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "@\x1b[2Jxyz")
        assert app.screen.kind == "rescan"


async def test_unexpected_error_is_logged_not_shown(kiosk_for, caplog):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    with pytest.raises(KeyError):
        async with app.run_test(size=SIZE) as pilot:
            app.post_message(ScanDecided(ScanResult("no_such_outcome")))
            await pilot.pause(0.2)
    assert app.return_code == 1
    assert app._exit_renderables == []
    assert "kiosk screen stopped by an unexpected error" in caplog.text


def test_screen_restarts_after_errors_then_gives_up():
    clock = iter(range(0, 1000, 5))
    statuses = iter([1, 1, 0])
    assert (
        keep_running(
            lambda: next(statuses), monotonic=lambda: next(clock), pause=lambda s: None
        )
        == 0
    )

    always_failing = keep_running(
        lambda: 1, monotonic=lambda: next(clock), pause=lambda s: None
    )
    assert always_failing == 1


async def test_kiosk_marks_visits_open_after_closing(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T09:00", "America/Chicago")
    kiosk = kiosk_for(clock)
    app = KioskApp(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-100009")
        clock.advance(timedelta(hours=8, minutes=30))
        app.close_day()
        await wait_for(pilot, lambda: _visit(kiosk).sign_out_method is not None)
    assert _visit(kiosk).sign_out_method == "not_signed_out"
    assert _visit(kiosk).signed_out_at is None


async def test_kiosk_times_out_alerts_without_desk(kiosk_for):
    """No desk is open: the kiosk's periodic work marks the refusal's alert
    timed out once the time-out has passed, and not before."""
    clock = FixedClock.at_local("2026-12-04T09:00", "America/Chicago")
    kiosk = kiosk_for(clock)
    app = KioskApp(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, app, "OTP-100003")  # background check expired
        assert _visit(kiosk).alert_status == "open"
        clock.advance(timedelta(minutes=9))
        await app.expire_alerts().wait()
        assert _visit(kiosk).alert_status == "open"
        clock.advance(timedelta(minutes=2))
        await app.expire_alerts().wait()
    assert _visit(kiosk).alert_status == "timed_out"
    with kiosk.store.read() as session:
        events = session.scalars(
            select(Event).where(Event.kind == "alert_timed_out")
        ).all()
    assert [event.visit_id for event in events] == [_visit(kiosk).id]


async def test_quit_key_is_ignored_at_a_school(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.press("ctrl+c")
        await pilot.pause(0.2)
        assert app.is_running
        await scan(pilot, app, "OTP-100001")
        assert app.screen.kind == WELCOME


async def test_quit_key_works_where_allowed(kiosk_for):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    app = KioskApp(kiosk_for(clock, allow_quit=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app.is_running


def bracket_roster(folder: Path) -> Path:
    """Copy the shared roster with names and a place that look like markup."""
    roster = json.loads((ROSTER_DIR / "roster.json").read_text(encoding="utf-8"))
    names = {"P001": "[/]", "P009": "Mary [Beth]"}
    for person in roster["people"]:
        person["first_name"] = names.get(person["person_id"], person["first_name"])
    path = folder / "roster.json"
    path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
    return path


async def test_names_that_look_like_markup_show_literally(
    make_config, network_printer, tmp_path
):
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    path = make_config(
        kiosk={
            "school_name": "Alder [b]North[/b] Elementary",
            "destinations": ["Room [7]", "[/]"],
        },
        printer={
            "connection": "network",
            "host": "127.0.0.1",
            "port": network_printer.port,
        },
        scanner={"wedge_gap_ms": 400},
    )
    roster = bracket_roster(tmp_path)
    imported = run_kiosk(["--config", str(path), "roster", "import", str(roster)])
    assert imported[0] == 0, imported[1]
    kiosk = build_kiosk(load_config(str(path)), clock)
    app = KioskApp(kiosk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert _text(app, "#school") == "Welcome to Alder [b]North[/b] Elementary"

            await scan(pilot, app, "OTP-100001")
            await wait_for(
                pilot,
                lambda: (
                    isinstance(app.screen, DestinationScreen)
                    and len(app.screen.query(Button)) == 2
                ),
            )
            labels = [str(button.label) for button in app.screen.query(Button)]
            assert labels == ["1  Room [7]", "2  [/]"]
            await pilot.press("2", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen))
            assert _text(app, "#headline") == "Welcome, [/]!"

            clock.advance(timedelta(minutes=5))
            await scan(pilot, app, "OTP-100009")
            # The destination screen covers the welcome until a place is picked.
            welcome = app.screen_stack[-2]
            assert isinstance(welcome, ResultScreen)
            assert welcome.kind == WELCOME
            headline = str(welcome.query_one("#headline", Static).render())
            assert headline == "Welcome, Mary [Beth]!"
            assert app.return_code is None
    finally:
        kiosk.close()

"""The desk app driven with Textual's pilot against a real store and printer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Input, Static, TabbedContent

from kiosk.store import Store
from kiosk.store.models import Visit
from kiosk.ui.desk.app import DeskApp
from kiosk.ui.desk.emergency import EmergencyScreen
from kiosk.ui.desk.lock import LockScreen
from kiosk.ui.desk.lookup import LookupScreen
from kiosk.ui.desk.main import DeskScreen
from tests.desk_support import (
    CLERK_PIN,
    PRINCIPAL_PIN,
    notifications,
    running_desk,
    sign_in,
    signed_in,
    table_rows,
    until,
)
from tests.escpos_decode import decode_job


def lock_message(app) -> str:
    return str(app.screen.query_one("#lock-message", Static).content)


async def test_wrong_pins_lock_account(desk_env):
    async with running_desk(desk_env) as (app, pilot):
        for attempt in range(1, 4):
            await sign_in(app, pilot, "c.ortiz", "000000")
            await until(
                pilot,
                lambda attempt=attempt: (
                    len(desk_env.events("staff_login_failed")) == attempt
                ),
                f"failed attempt {attempt}",
            )
        await until(pilot, lambda: "locked" in lock_message(app), "the lock message")

        await sign_in(app, pilot, "c.ortiz", CLERK_PIN)
        await until(pilot, lambda: len(desk_env.events("staff_login_failed")) == 4, "4")

        assert isinstance(app.screen, LockScreen)
        assert app.staff is None
        assert "locked" in lock_message(app)
        assert len(desk_env.events("staff_locked")) == 1
        last = desk_env.events("staff_login_failed")[-1]
        assert last.detail["reason"] == "locked"
        assert CLERK_PIN not in str(last.detail)


async def test_right_pin_opens_desk(sqlite_desk_env):
    env = sqlite_desk_env
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        title = str(app.screen.query_one("#desk-title", Static).content)
        assert "Cam Ortiz (clerk)" in title
        assert app.staff == env.clerk


async def test_snapshot_after_screen_teardown_dropped(sqlite_desk_env):
    """A poll that ends while the app closes must not crash the app: the
    screen is still on the stack but its tables are already removed."""
    async with running_desk(sqlite_desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        screen = app.screen
        assert isinstance(screen, DeskScreen)
        last_snapshot = screen.snapshot
        await screen.query_one("#alerts").remove()

        screen.show(last_snapshot)

        assert screen.snapshot is last_snapshot
        assert isinstance(app.screen, DeskScreen)


async def test_idle_session_locks_itself(sqlite_desk_env):
    env = sqlite_desk_env
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        env.clock.advance(timedelta(minutes=14))
        await pilot.pause(0.3)
        assert isinstance(app.screen, DeskScreen)

        env.clock.advance(timedelta(minutes=1, seconds=1))
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the lock")
        assert app.staff is None
        assert "without use" in lock_message(app)
        await until(pilot, lambda: env.events("staff_session_locked"), "the event")
        assert env.events("staff_session_locked")[0].detail["staff_id"] == env.clerk.id


async def test_refusal_alert_appears_with_bell(desk_env):
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        assert table_rows(app, "#alerts") == []
        bells = app.bells

        result = desk_env.scan("badge_P003_ALD.bin")

        assert result["outcome"] == "denied"
        await until(pilot, lambda: table_rows(app, "#alerts"), "the alert")
        [row] = table_rows(app, "#alerts")
        assert row[0] == "08:30"
        assert row[1] == "Aisha Rahman"
        assert row[2] == "Reading Buddies Collective"
        assert row[3].startswith("check_expired")
        assert app.bells == bells + 1
        title = str(app.screen.query_one("#alerts-title", Static).content)
        assert title.startswith("1 open alert")


async def test_clerk_sees_only_refer_to_principal(sqlite_desk_env):
    env = sqlite_desk_env
    env.scan("badge_P008_ALD.bin")
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        [row] = table_rows(app, "#alerts")
        assert row[3] == "refer_to_principal: refer to the principal"
        assert "offense" not in str(app.snapshot)

        await pilot.press("l")
        await signed_in(app, pilot, "p.lindqvist", PRINCIPAL_PIN)
        [row] = table_rows(app, "#alerts")
        assert "refer_to_principal" in row[3]
        assert "offense_report_pending" in row[3]


async def test_arrow_keys_pick_alert_to_override(sqlite_desk_env):
    env = sqlite_desk_env
    env.scan("badge_P003_ALD.bin")
    env.scan("badge_P005_ALD.bin")
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        alerts = app.screen.query_one("#alerts")
        await until(pilot, lambda: app.focused is alerts, "focus on the alerts")

        await pilot.press("down")
        selected = app.screen.selected_alert()

        assert selected is not None
        assert selected.visit_id == table_rows_ids(alerts)[1]


def table_rows_ids(table) -> list[int]:
    return [int(key.value) for key in table.rows]


async def test_acknowledge_names_clerk(desk_env):
    desk_env.scan("badge_P003_ALD.bin")
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        app.screen.query_one("#alerts").focus()
        await pilot.press("a")
        await until(pilot, lambda: not table_rows(app, "#alerts"), "the alert to go")

        [event] = desk_env.events("alert_acknowledged")
        assert event.detail == {"staff_id": desk_env.clerk.id}
        visit = desk_env.visit(event.visit_id)
        assert visit.alert_status == "acknowledged"
        assert visit.alert_handled_by == desk_env.clerk.id


async def test_override_refused_for_clerk_accepted_for_principal(desk_env):
    result = desk_env.scan("badge_P008_ALD.bin")
    visit_id = result["visit_id"]
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("o")
        await until(pilot, lambda: notifications(app), "a notification")
        assert "Only the principal can override" in notifications(app)[-1]
        assert isinstance(app.screen, DeskScreen)
        assert not desk_env.visit(visit_id).admitted

        await pilot.press("l")
        await signed_in(app, pilot, "p.lindqvist", PRINCIPAL_PIN)
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query("#override-reason"), "the dialog")
        await pilot.press("enter")
        assert "required" in str(app.screen.query_one("#dialog-message").content)
        app.screen.query_one("#override-reason", Input).value = "Report cleared by HR"
        await pilot.press("enter")
        await until(pilot, lambda: desk_env.events("override"), "the override event")
        jobs = desk_env.printer.wait_for_jobs(1)

    visit = desk_env.visit(visit_id)
    assert visit.admitted
    assert visit.override_by == desk_env.principal.id
    assert visit.override_reason == "Report cleared by HR"
    assert visit.alert_status == "acknowledged"
    [event] = desk_env.events("override")
    assert event.visit_id == visit_id
    assert event.detail["staff_id"] == desk_env.principal.id
    assert event.detail["reason"] == "Report cleared by HR"
    assert event.reasons == ["refer_to_principal"]
    badge = decode_job(jobs[0].data)
    assert "James Carter" in badge.lines()
    assert visit.badge_status == "printed"


async def test_clerk_overrides_expired_check(sqlite_desk_env):
    env = sqlite_desk_env
    visit_id = env.scan("badge_P003_ALD.bin")["visit_id"]
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query("#override-reason"), "the dialog")
        await pilot.press(*"renewal on file")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: [row[1] for row in table_rows(app, "#present")] == ["Aisha Rahman"],
            "the person in the building",
        )
        assert "override" in table_rows(app, "#present")[0][3]
    assert env.visit(visit_id).override_by == env.clerk.id


async def test_lookup_by_name_signs_in(desk_env):
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen), "look-up")
        await pilot.press(*"nunez garcia")
        await pilot.press("enter")
        await until(pilot, lambda: table_rows(app, "#lookup-results"), "matches")
        assert table_rows(app, "#lookup-results")[0][:3] == [
            "María José Núñez-García",
            "Reading Buddies Collective",
            "1988-03-14",
        ]
        await pilot.press("enter")
        jobs = desk_env.printer.wait_for_jobs(1)
        await until(
            pilot,
            lambda: "Signed in" in str(app.screen.query_one("#lookup-message").content),
            "the outcome",
        )
        await pilot.press("escape")
        await until(pilot, lambda: table_rows(app, "#present"), "the building list")
        assert table_rows(app, "#present")[0][1] == "María José Núñez-García"
        assert table_rows(app, "#present")[0][3] == "desk"

    assert "Núñez-García" in decode_job(jobs[0].data).lines()
    [event] = desk_env.events("desk_sign_in")
    assert event.detail == {"staff_id": desk_env.clerk.id, "admitted": True}
    [lookup] = desk_env.events("desk_lookup")
    assert lookup.detail == {"staff_id": desk_env.clerk.id, "by": "name", "results": 1}


async def test_lookup_by_birth_date_screens_and_refuses(sqlite_desk_env):
    env = sqlite_desk_env
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen), "look-up")
        await pilot.press(*"07/21/1992")
        await pilot.press("enter")
        await until(pilot, lambda: table_rows(app, "#lookup-results"), "matches")
        assert table_rows(app, "#lookup-results")[0][0] == "Aisha Rahman"
        await pilot.press("enter")
        await until(
            pilot,
            lambda: "Refused" in str(app.screen.query_one("#lookup-message").content),
            "the refusal",
        )
        message = str(app.screen.query_one("#lookup-message").content)
        assert "check_expired" in message

        # The refusal is overridden from the look-up screen.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen.query("#override-reason"), "the dialog")
        await pilot.press(*"renewal on file")
        await pilot.press("enter")
        await until(pilot, lambda: env.events("override"), "the override")

    [decision] = env.events("desk_sign_in")
    assert decision.detail == {"staff_id": env.clerk.id, "admitted": False}
    visit = env.visit(decision.visit_id)
    assert visit.credential == "desk"
    assert visit.reasons == ["check_expired"]
    assert visit.alert_handled_by == env.clerk.id
    assert visit.admitted
    assert [e.detail["by"] for e in env.events("desk_lookup")] == ["date_of_birth"]


async def test_lookup_invalid_birth_date_message(sqlite_desk_env):
    async with running_desk(sqlite_desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen), "look-up")
        await pilot.press(*"2001-02-30")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: "invalid" in str(app.screen.query_one("#lookup-message").content),
            "the message",
        )
        message = app.screen.query_one("#lookup-message", Static)
        assert "YYYY-MM-DD or MM/DD/YYYY" in str(message.content)
        assert "Nobody" not in str(message.content)
        assert message.has_class("error")
        assert table_rows(app, "#lookup-results") == []


async def test_visitor_gets_visitor_badge(desk_env):
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("v")
        await until(pilot, lambda: app.screen.query("#visitor-name"), "the dialog")
        await pilot.press(*"Olu Bankole", "enter")
        await pilot.press(*"Book fair delivery", "enter")
        await pilot.press(*"Library", "enter")
        jobs = desk_env.printer.wait_for_jobs(1)
        await until(
            pilot, lambda: isinstance(app.screen, DeskScreen), "the dialog closes"
        )
        await until(pilot, lambda: table_rows(app, "#present"), "the building list")
        row = table_rows(app, "#present")[0]
        assert row[1:4] == ["Olu Bankole", "Visitor: Book fair delivery", "VISITOR"]

    lines = [line.strip() for line in decode_job(jobs[0].data).lines()]
    assert "VISITOR" in lines
    assert "Olu Bankole" in lines
    assert "TO: Library" in lines
    [event] = desk_env.events("visitor_sign_in")
    assert event.detail == {"staff_id": desk_env.clerk.id, "roster_name_match": False}
    visit = desk_env.visit(event.visit_id)
    assert visit.person_id is None
    assert visit.visitor_purpose == "Book fair delivery"
    assert visit.destination == "Library"


async def test_visitor_name_too_long(desk_env):
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("v")
        await until(pilot, lambda: app.screen.query("#visitor-name"), "the dialog")
        app.screen.query_one("#visitor-name", Input).value = "Olu " + "B" * 300
        await pilot.press("enter", *"Book fair delivery", "enter", "enter")
        await until(
            pilot,
            lambda: "longer" in str(app.screen.query_one("#dialog-message").content),
            "the message",
        )
        message = app.screen.query_one("#dialog-message", Static)
        assert str(message.content) == "the name is longer than 80 characters"
        assert message.has_class("error")
        assert desk_env.events("visitor_sign_in") == []


async def test_visitor_named_like_partner_needs_confirmation(sqlite_desk_env):
    env = sqlite_desk_env
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("v")
        await until(pilot, lambda: app.screen.query("#visitor-name"), "the dialog")
        await pilot.press(*"james carter", "enter", *"Pick up", "enter", "enter")
        await until(
            pilot,
            lambda: "roster" in str(app.screen.query_one("#dialog-message").content),
            "the warning",
        )
        assert env.events("visitor_sign_in") == []

        await pilot.press("enter")
        await until(pilot, lambda: env.events("visitor_sign_in"), "the sign-in")
    assert env.events("visitor_sign_in")[0].detail["roster_name_match"] is True


async def test_desk_sign_out(desk_env):
    visit_id = desk_env.scan("badge_P001_ALD.bin")["visit_id"]
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        assert len(table_rows(app, "#present")) == 1
        await pilot.press("s")
        await until(pilot, lambda: app.screen.query("#sign-out-note"), "the dialog")
        await pilot.press(*"left by side door", "enter")
        await until(pilot, lambda: not table_rows(app, "#present"), "the list empties")

    visit = desk_env.visit(visit_id)
    assert visit.sign_out_method == "desk"
    assert visit.signed_out_by == desk_env.clerk.id
    assert visit.sign_out_note == "left by side door"
    assert visit.signed_out_at == desk_env.clock.now()
    [event] = [e for e in desk_env.events("sign_out") if e.visit_id == visit_id]
    assert event.detail == {"method": "desk", "staff_id": desk_env.clerk.id}


async def test_desk_sign_out_earlier_day_warns(sqlite_desk_env):
    env = sqlite_desk_env
    today = env.clock.now()
    env.clock.set(today - timedelta(days=1))
    visit_id = env.scan("badge_P001_ALD.bin")["visit_id"]
    env.clock.set(today)
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("s")
        await until(pilot, lambda: app.screen.query("#sign-out-note"), "the dialog")
        warning = str(app.screen.query_one("#sign-out-earlier", Static).content)
        assert warning.startswith("Signed in on 2026-12-03:")
        assert "marked not signed out" in warning
        await pilot.press(*"teacher saw her leave", "enter")
        await until(pilot, lambda: not table_rows(app, "#present"), "the list empties")
        assert any("marked not signed out" in text for text in notifications(app))

    visit = env.visit(visit_id)
    assert visit.sign_out_method == "not_signed_out"
    assert visit.signed_out_at is None


async def test_reprint_queue_after_printer_fault(sqlite_desk_env, make_config):
    env = sqlite_desk_env
    # The kiosk's printer fails: its badge folder cannot be created.
    blocker = env.tmp_path / "not-a-folder"
    blocker.write_text("")
    broken = make_config(
        printer={"connection": "file", "path": str(blocker / "badges")},
        desk={"desk_id": "desk-1"},
    )
    result = env.scan("badge_P001_ALD.bin", config_path=broken)
    assert result["badge_status"] == "queued"
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        tabs = app.screen.query_one(TabbedContent)
        assert str(tabs.get_tab("tab-queue").label) == "Reprint queue (1)"
        tabs.active = "tab-queue"
        app.screen.query_one("#queue").focus()
        assert table_rows(app, "#queue")[0][1] == "María José Núñez-García"
        await pilot.press("r")
        jobs = env.printer.wait_for_jobs(1)
        await until(pilot, lambda: not table_rows(app, "#queue"), "the queue empties")

    lines = [line.strip() for line in decode_job(jobs[0].data).lines()]
    assert "REPRINT" in lines
    assert env.visit(result["visit_id"]).badge_status == "printed"
    [request] = env.events("reprint_requested")
    assert request.detail == {"staff_id": env.clerk.id}
    assert request.visit_id == result["visit_id"]


async def test_emergency_roster_printed_and_shown(desk_env):
    for scan in ("badge_P001_ALD.bin", "badge_P009_ALD.bin", "badge_P013_ALD.bin"):
        assert desk_env.scan(scan)["outcome"] == "signed_in"
    desk_env.scan("badge_P003_ALD.bin")  # refused: not in the building
    kiosk_jobs = len(desk_env.printer.wait_for_jobs(3))
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EmergencyScreen), "roster")
        title = str(app.screen.query_one("#emergency-title", Static).content)
        assert title == "EMERGENCY ROSTER: 3 in the building"
        names = [row[1] for row in table_rows(app, "#emergency-list")]
        assert "María José Núñez-García" in names
        assert "Aisha Rahman" not in names
        jobs = desk_env.printer.wait_for_jobs(kiosk_jobs + 1)
        await until(
            pilot,
            lambda: "Printed" in str(app.screen.query_one("#emergency-print").content),
            "the print status",
        )

    lines = decode_job(jobs[-1].data).lines()
    assert lines[0] == "EMERGENCY ROSTER"
    assert "3 in the building" in lines
    assert any("María José Núñez-García" in line for line in lines)
    assert lines[-1] == "END OF LIST: 3"
    assert all(len(line) <= 48 for line in lines[1:])
    [event] = desk_env.events("emergency_roster")
    assert event.detail["staff_id"] == desk_env.clerk.id
    assert event.detail["people"] == 3
    assert event.detail["printed"] is True


async def test_emergency_roster_cuts_long_names(sqlite_desk_env):
    env = sqlite_desk_env
    assert env.scan("badge_P001_ALD.bin")["outcome"] == "signed_in"
    desk = env.desk()
    try:
        visit_id, _ = desk.sign_in_visitor(env.clerk, "Olu Bankole", "delivery")
    finally:
        desk.store.close()

    # A name stored before visitor names had a maximum length.
    def lengthen(session) -> None:
        session.get(Visit, visit_id).visitor_name = "Olu " + "B" * 296

    env.store.write(lengthen)
    async with running_desk(env, size=(100, 40)) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EmergencyScreen), "roster")
        rows = table_rows(app, "#emergency-list")
        names = [row[1] for row in rows]
        long_name = next(name for name in names if name.startswith("Olu "))
        assert long_name.endswith("…")
        assert len(long_name) == 32
        assert "VISITOR" in rows[names.index(long_name)]
        table = app.screen.query_one("#emergency-list", DataTable)
        assert table.virtual_size.width <= 100


async def test_yesterdays_open_visit_shown_with_date(sqlite_desk_env):
    env = sqlite_desk_env
    today = env.clock.now()
    env.clock.set(today - timedelta(days=1))
    env.scan("badge_P001_ALD.bin")
    env.clock.set(today)
    env.scan("badge_P013_ALD.bin")
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        present = table_rows(app, "#present")
        assert [row[0] for row in present] == ["2026-12-03 08:30", "08:30"]
        assert present[0][1] == "María José Núñez-García"
        tabs = app.screen.query_one(TabbedContent)
        assert str(tabs.get_tab("tab-present").label) == "In the building (2)"

        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EmergencyScreen), "roster")
        title = str(app.screen.query_one("#emergency-title", Static).content)
        assert title == "EMERGENCY ROSTER: 2 in the building"
        listed = table_rows(app, "#emergency-list")
        assert [row[3] for row in listed] == ["2026-12-03 08:30", "08:30"]


async def test_emergency_roster_from_lock_screen(sqlite_desk_env):
    env = sqlite_desk_env
    env.scan("badge_P001_ALD.bin")
    async with running_desk(env) as (app, pilot):
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EmergencyScreen), "roster")
        await until(pilot, lambda: env.events("emergency_roster"), "the event")
        await pilot.press("escape")
        assert isinstance(app.screen, LockScreen)
    assert env.events("emergency_roster")[0].detail["staff_id"] is None


async def test_alert_times_out_to_principal(desk_env):
    visit_id = desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    async with running_desk(desk_env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        assert len(table_rows(app, "#alerts")) == 1
        assert not app.screen.query("#missed")
        desk_env.clock.advance(timedelta(minutes=10, seconds=1))
        await until(pilot, lambda: not table_rows(app, "#alerts"), "the time-out")
        assert desk_env.visit(visit_id).alert_status == "timed_out"

        await pilot.press("l")
        await signed_in(app, pilot, "p.lindqvist", PRINCIPAL_PIN)
        tabs = app.screen.query_one(TabbedContent)
        assert str(tabs.get_tab("tab-missed").label) == "Missed alerts (1)"
        assert table_rows(app, "#missed")[0][2] == "Aisha Rahman"
        tabs.active = "tab-missed"
        app.screen.query_one("#missed").focus()
        await pilot.press("m")
        await until(pilot, lambda: not table_rows(app, "#missed"), "the review")

    visit = desk_env.visit(visit_id)
    assert visit.alert_status == "timed_out"
    assert visit.alert_handled_by == desk_env.principal.id
    [timed_out] = desk_env.events("alert_timed_out")
    assert timed_out.visit_id == visit_id


async def test_status_line_shows_red_parts(sqlite_desk_env):
    from datetime import UTC, datetime

    from kiosk.store.models import ComponentStatus

    env = sqlite_desk_env
    desk = env.desk()
    now = env.clock.now()
    rows = [
        ComponentStatus(
            kiosk_id="kiosk-1",
            component="scanner",
            school="ALD",
            ok=True,
            detail="wedge",
            updated_at=now,
        ),
        ComponentStatus(
            kiosk_id="kiosk-1",
            component="printer",
            school="ALD",
            ok=False,
            detail="paper out",
            updated_at=datetime(2026, 12, 4, 14, 0, tzinfo=UTC),
        ),
    ]
    desk.store.write(lambda session: session.add_all(rows))
    desk.store.close()
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        status = app.screen.query_one("#status").content
        text = str(status)
        assert "● scanner" in text
        assert "○ camera (not reported)" in text
        assert "● printer (kiosk-1: paper out)" in text
        assert "● roster (0 min old)" in text
        styles = {
            str(status)[span.start : span.end].split()[1]: str(span.style)
            for span in status.spans
            if str(status)[span.start : span.end].strip()
        }
        assert styles["scanner"] == "bold green"
        assert "red" in styles["printer"]
        assert styles["store"] == "bold green"
        assert styles["camera"] == "dim"


def status_screen_line(app) -> str:
    """Return the status line as the terminal shows it, cut at the screen edge."""
    status = app.screen.query_one("#status")
    return "".join(
        status.render_line(y).text for y in range(status.size.height)
    ).rstrip()


def add_component_rows(env, rows: list[tuple[str, str, bool, str]]) -> None:
    from kiosk.store.models import ComponentStatus

    now = env.clock.now()
    env.store.write(
        lambda session: session.add_all(
            ComponentStatus(
                kiosk_id=kiosk_id,
                component=component,
                school="ALD",
                ok=ok,
                detail=detail,
                updated_at=now,
            )
            for kiosk_id, component, ok, detail in rows
        )
    )


@pytest.mark.parametrize("width", [120, 80])
async def test_status_line_fits_with_red_parts(sqlite_desk_env, width):
    env = sqlite_desk_env
    add_component_rows(
        env,
        [
            ("kiosk-front", "scanner", True, "serial /dev/ttyACM0 9600 8N1"),
            ("kiosk-front", "camera", True, "camera 0 at 1280x720, 15 fps"),
            (
                "kiosk-front",
                "printer",
                False,
                "printer at 192.0.2.10:9100 did not answer within 2.0 s",
            ),
            (
                "kiosk-front",
                "roster",
                False,
                "roster sync failed: HTTP 503 from the district roster server",
            ),
        ],
    )
    desk = env.desk()
    app = DeskApp(desk)
    try:
        async with app.run_test(size=(width, 40)) as pilot:
            await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
            await pilot.pause()
            line = status_screen_line(app)
            assert len(line) <= width
            for name in ("scanner", "camera", "printer", "store", "roster"):
                assert name in line
            assert "● printer (kiosk-fr" in line
            assert "● roster (0 min ol" in line
            if width == 120:
                assert "printer (kiosk-front: printer at 192." in line
                assert "roster (0 min old, kiosk-front: ros" in line
            status = app.screen.query_one("#status").content
            red = [
                str(status)[span.start : span.end].split()[1]
                for span in status.spans
                if "red" in str(span.style)
            ]
            assert red == ["printer", "roster"]
    finally:
        app.wait_for_threads(timeout=10)
        desk.store.close()


async def test_status_line_red_when_kiosk_silent(sqlite_desk_env):
    env = sqlite_desk_env
    add_component_rows(
        env,
        [
            ("kiosk-1", "heartbeat", True, "running"),
            ("kiosk-1", "scanner", True, "wedge"),
            ("kiosk-1", "printer", True, "ready"),
        ],
    )
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        assert "not reporting" not in status_screen_line(app)

        env.clock.advance(timedelta(minutes=2))
        await until(
            pilot,
            lambda: "not reporting" in status_screen_line(app),
            "the kiosk to show silent",
        )
        line = status_screen_line(app)
        assert "● scanner (kiosk-1: kiosk not reporting since 08:30)" in line
        assert "● printer (same)" in line
        status = app.screen.query_one("#status").content
        red = [
            str(status)[span.start : span.end].split()[1]
            for span in status.spans
            if "red" in str(span.style)
        ]
        assert red == ["scanner", "printer"]


@pytest.mark.postgres
async def test_status_line_store_red_when_unreachable(make_config, tmp_path, pg_url):
    from sqlalchemy import create_engine, text

    from drivers.printer.fake import FakeNetworkPrinter
    from tests.conftest import PG_ADMIN_URL
    from tests.desk_support import make_desk_env

    with FakeNetworkPrinter() as printer:
        env = make_desk_env(make_config, tmp_path, printer, pg_url)
        env.store.close()
        async with running_desk(env) as (app, pilot):
            await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
            assert "● store (" not in str(app.screen.query_one("#status").content)

            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            name = pg_url.rsplit("/", 1)[1]
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()

            await until(
                pilot,
                lambda: (
                    "store (unreachable)"
                    in str(app.screen.query_one("#status").content)
                ),
                "the store to show red",
            )
            assert isinstance(app.screen, DeskScreen)


@pytest.mark.postgres
async def test_emergency_roster_when_store_gone(make_config, tmp_path, pg_url):
    from sqlalchemy import create_engine

    from drivers.printer.fake import FakeNetworkPrinter
    from tests.conftest import PG_ADMIN_URL
    from tests.desk_support import make_desk_env

    with FakeNetworkPrinter() as printer:
        env = make_desk_env(make_config, tmp_path, printer, pg_url)
        env.store.close()
        env.scan("badge_P001_ALD.bin")
        env.scan("badge_P009_ALD.bin")
        kiosk_jobs = len(printer.wait_for_jobs(2))
        async with running_desk(env) as (app, pilot):
            await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
            assert len(table_rows(app, "#present")) == 2

            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            name = pg_url.rsplit("/", 1)[1]
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
            await until(
                pilot,
                lambda: "unreachable" in str(app.screen.query_one("#status").content),
                "the store to show red",
            )
            env.clock.advance(timedelta(minutes=12))

            await pilot.press("f9")
            await until(pilot, lambda: isinstance(app.screen, EmergencyScreen), "F9")
            title = str(app.screen.query_one("#emergency-title", Static).content)
            subtitle = app.screen.query_one("#emergency-subtitle", Static)
            assert title == "EMERGENCY ROSTER: 2 in the building (LAST KNOWN LIST)"
            assert str(subtitle.content) == (
                "ALD | STORE UNREACHABLE: last known list, as of 08:30 on 2026-12-04"
            )
            assert subtitle.has_class("error")
            names = [row[1] for row in table_rows(app, "#emergency-list")]
            assert names == ["María José Núñez-García", "Samuel Brooks"]
            jobs = printer.wait_for_jobs(kiosk_jobs + 1)
            await until(
                pilot,
                lambda: (
                    "Printed" in str(app.screen.query_one("#emergency-print").content)
                ),
                "the print status",
            )
            assert isinstance(app.screen, EmergencyScreen)

    lines = decode_job(jobs[-1].data).lines()
    assert "LAST KNOWN LIST" in lines
    assert "as of 2026-12-04 08:30" in lines
    assert lines[-1] == "END OF LIST: 2"


async def test_names_are_shown_literally_not_as_markup(sqlite_desk_env):
    env = sqlite_desk_env
    store = Store(env.config.store_url)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE people SET first_name = 'Mary [/]', last_name = '[b]Rahman' "
                "WHERE person_id = 'P003'"
            )
        )
    store.close()
    env.scan("badge_P003_ALD.bin")
    async with running_desk(env) as (app, pilot):
        await signed_in(app, pilot, "c.ortiz", CLERK_PIN)
        [row] = table_rows(app, "#alerts")
        assert row[1] == "Mary [/] [b]Rahman"
        await pilot.press("o")
        await pilot.pause(0.2)
        title = str(app.screen.query_one(".dialog-title", Static).content)
        assert title == "Override: admit Mary [/] [b]Rahman"

"""The review app driven by Textual's pilot on the fictional week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from textual.geometry import Region
from textual.widgets import DataTable, Input, Select, Static

# FooterKey is not exported by textual.widgets (Textual 8.2).
from textual.widgets._footer import FooterKey

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.services.checkin import CheckIn, Station
from kiosk.services.staff import add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.ui.review.app import ReviewApp, ReviewContext
from kiosk.ui.review.closing import NotSignedOutScreen, TimeOutScreen
from kiosk.ui.review.day import DayScreen
from kiosk.ui.review.signin import SignInScreen
from kiosk.ui.review.views import ChartScreen, DigestScreen, WeekScreen
from tests.week_fixture import (
    CLERK_PIN,
    FRIDAY,
    KEY,
    MONDAY,
    PRINCIPAL_PIN,
    SCHOOL,
    local,
    week_store,
)

SIZE = (160, 50)
ATTEMPTS = 200


@pytest.fixture
def review(week, tmp_path):
    config_path, summary = week
    config = load_config(str(config_path))
    store = week_store(tmp_path)
    clock = FixedClock(local(FRIDAY, "17:30"))
    context = ReviewContext(config, store, clock, EventSource(SCHOOL, "review-1"))
    yield context, summary
    store.close()


async def wait_for(pilot, condition) -> None:
    """Let workers finish and messages land until ``condition()`` holds."""
    for _ in range(ATTEMPTS):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
    raise AssertionError("condition not reached")


async def sign_in(pilot, username: str, pin: str) -> None:
    await pilot.click("#username")
    await pilot.press(*username, "enter", *pin, "enter")


async def open_day(pilot) -> DayScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
    await sign_in(pilot, "d.whitfield", PRINCIPAL_PIN)
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, DayScreen)
            and pilot.app.screen.loaded_day is not None
        ),
    )
    return pilot.app.screen


def people(screen: DayScreen) -> list[str]:
    return [row.person for row in screen.shown]


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_clerk_is_turned_away(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await sign_in(pilot, "c.ortiz", CLERK_PIN)
        await wait_for(
            pilot, lambda: "principal" in static_text(app.screen, "#signin-message")
        )
        assert isinstance(app.screen, SignInScreen)
        assert app.member is None
        assert "Only a principal" in static_text(app.screen, "#signin-message")


async def test_admin_is_turned_away(review):
    context, _ = review
    add_staff(
        context.store,
        EventSource(SCHOOL, "setup"),
        context.clock.now(),
        username="i.admin",
        display_name="Ivy Admin",
        role="admin",
        school="*",
        pin="730418",
    )
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await sign_in(pilot, "i.admin", "730418")
        await wait_for(
            pilot, lambda: "principal" in static_text(app.screen, "#signin-message")
        )
        message = static_text(app.screen, "#signin-message")
        assert message.startswith("Ivy Admin has the admin role. Only a principal")
        assert "a admin" not in message
        assert app.member is None


async def test_wrong_pin_is_refused(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await sign_in(pilot, "d.whitfield", "999999")
        await wait_for(
            pilot, lambda: "wrong PIN" in static_text(app.screen, "#signin-message")
        )
        assert app.member is None
        assert app.screen.query_one("#pin", Input).value == ""


async def test_day_view_lists_friday(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        assert screen.loaded_day == FRIDAY
        table = screen.query_one("#visits", DataTable)
        assert table.row_count == 7
        assert "Friday 04 December 2026" in static_text(screen, "#day-title")
        assert static_text(screen, "#log-status").startswith("Log verified")
        assert "1 refused" in static_text(screen, "#day-summary")
        tobias = next(row for row in screen.shown if row.person == "Tobias Fenwick")
        table.move_cursor(row=screen.shown.index(tobias))
        await pilot.pause()
        assert "background check over a year old" in static_text(screen, "#detail")


async def test_moving_day_by_day(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == FRIDAY - timedelta(days=1))
        assert "Thursday 03 December" in static_text(screen, "#day-title")
        for _ in range(3):
            await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == MONDAY)
        assert len(screen.rows) == 6
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.loaded_day == FRIDAY)


async def test_filters_and_search(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        for _ in range(2):
            await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == MONDAY + timedelta(days=2))
        assert len(screen.shown) == 9

        screen.query_one("#outcome", Select).value = "refused"
        await wait_for(pilot, lambda: len(screen.shown) == 2)
        assert sorted(people(screen)) == ["Gideon Marsh", "Ines Marlowe-Diaz"]

        screen.query_one("#outcome", Select).value = "overridden"
        await wait_for(pilot, lambda: people(screen) == ["Ines Marlowe-Diaz"])
        assert "Override by Cam Ortiz" in static_text(screen, "#detail")

        await pilot.press("escape")
        await wait_for(pilot, lambda: len(screen.shown) == 9)
        screen.query_one("#organization", Select).value = "Cedar Street Tutors"
        await wait_for(pilot, lambda: len(screen.shown) == 3)
        assert {row.organization for row in screen.shown} == {"Cedar Street Tutors"}

        await pilot.press("escape", "slash", *"gideon")
        await wait_for(pilot, lambda: people(screen) == ["Gideon Marsh"])
        assert "offense report pending (confidential)" in static_text(screen, "#detail")
        assert "1 of 9 shown" in static_text(screen, "#sort-line")


async def test_sort_by_person_and_header(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.view.sort == "person")
        names = people(screen)
        assert names == sorted(names, key=str.casefold)
        # The Outcome header starts after eight columns and their padding.
        await pilot.click("#visits", offset=(120, 0))
        await wait_for(pilot, lambda: screen.view.sort == "outcome")
        assert screen.shown[0].outcome == "denied"


async def test_close_day_and_record_time_out(review, tmp_path):
    context, _ = review
    # Amara signed out on Friday; undo it, as if she were still inside.
    with context.store.engine.begin() as connection:
        visit_id = connection.execute(
            text(
                "SELECT id FROM visits WHERE person_id = 'W002' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
        connection.execute(
            text(
                "UPDATE visits SET signed_out_at = NULL, sign_out_method = NULL "
                "WHERE id = :id"
            ),
            {"id": visit_id},
        )
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        amara = next(row for row in screen.rows if row.visit_id == visit_id)
        assert amara.outcome == "in_building"

        await pilot.press("k")
        await wait_for(
            pilot,
            lambda: any(
                r.visit_id == visit_id and r.outcome == "not_signed_out"
                for r in screen.rows
            ),
        )
        row = next(r for r in screen.rows if r.visit_id == visit_id)
        assert row.time_out is None

        await pilot.press("n")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, NotSignedOutScreen) and app.screen.loaded,
        )
        listing = app.screen
        listing.query_one("#nso", DataTable).move_cursor(
            row=[r.visit_id for r in listing.rows].index(visit_id)
        )
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, TimeOutScreen))
        await pilot.press(*"07:00", "enter", *"too early", "enter")
        await wait_for(
            pilot, lambda: "not after" in static_text(app.screen, "#timeout-message")
        )
        app.screen.query_one("#timeout-at", Input).value = "11:50"
        app.screen.query_one("#timeout-note", Input).value = "Left her badge at 11:50"
        await pilot.click("#timeout-save")
        await wait_for(pilot, lambda: isinstance(app.screen, NotSignedOutScreen))
        await wait_for(
            pilot,
            lambda: any(r.visit_id == visit_id and r.time_out for r in app.screen.rows),
        )
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, DayScreen)
                and any(r.visit_id == visit_id and r.time_out for r in app.screen.rows)
            ),
        )
        row = next(r for r in screen.rows if r.visit_id == visit_id)
        assert row.clock_out == "11:50"
        assert row.signed_out_by == "Dana Whitfield"
        assert row.sign_out_note == "Left her badge at 11:50"


async def test_charts_week_and_digest(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_day(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChartScreen))
        body = app.screen.body_text
        assert "People in the building" in body
        assert "█" in body
        assert "13:00 │" in body
        await pilot.press("escape", "w")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, WeekScreen) and app.screen.body_text,
        )
        week_body = app.screen.body_text
        assert "Lantern Reading Club" in week_body
        assert "Visits per organization" in week_body
        await pilot.press("escape", "e")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DigestScreen) and app.screen.body_text,
        )
        digest = app.screen.body_text
        assert "Tobias Fenwick" in digest
        assert "Jonah Whitlock" in digest
        assert "agreement of Cedar Street Tutors" in digest


async def test_export_pdf_from_day_view(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: screen.exported is not None)
        assert screen.exported.read_bytes().startswith(b"%PDF-")
        assert screen.exported.parent == context.config.data_dir / "exports"
        assert screen.exported.stat().st_mode & 0o077 == 0


async def test_broken_log_is_shown(review):
    context, _ = review
    with context.store.engine.begin() as connection:
        last = connection.execute(text("SELECT max(id) FROM events")).scalar()
        connection.execute(
            text("UPDATE events SET kiosk_id = 'elsewhere' WHERE id = :id"),
            {"id": last - 3},
        )
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        status = screen.query_one("#log-status", Static)
        assert "LOG BROKEN" in str(status.render())
        assert f"event {last - 3} was changed" in str(status.render())
        assert status.has_class("broken")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == FRIDAY - timedelta(days=1))
        assert not screen.query_one("#log-status", Static).has_class("broken")


async def test_idle_session_locks(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_day(pilot)
        context.clock.advance(timedelta(minutes=4))
        app.lock_when_idle()
        assert isinstance(app.screen, DayScreen)
        context.clock.advance(timedelta(minutes=2))
        app.lock_when_idle()
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.member is None
        assert "Locked" in static_text(app.screen, "#signin-message")


def test_demo_builds_last_week_once(tmp_path):
    from kiosk.commands.review import _demo
    from kiosk.store import Store

    clock = FixedClock(local(FRIDAY, "09:00"))
    config, friday = _demo(tmp_path / "demo", clock)
    assert friday == FRIDAY - timedelta(days=7)
    database = config.data_dir / "kiosk.db"
    built = database.stat().st_mtime_ns
    store = Store(config.store_url)
    with store.engine.connect() as connection:
        visits = connection.execute(text("SELECT count(*) FROM visits")).scalar()
    store.close()
    assert visits == 36
    _demo(tmp_path / "demo", clock)
    assert database.stat().st_mtime_ns == built


def screen_lines(widget) -> str:
    """Return the text ``widget`` draws on the terminal, one line per row."""
    width, height = widget.size
    return "\n".join(
        strip.text for strip in widget.render_lines(Region(0, 0, width, height))
    )


async def test_names_and_notes_that_look_like_markup(review):
    context, _ = review
    # Jonah (W007) forgot to sign out on Friday; Wren (W001) came as usual.
    with context.store.engine.begin() as connection:
        connection.execute(
            text("UPDATE people SET first_name = '[/]' WHERE person_id = 'W007'")
        )
        connection.execute(
            text(
                "UPDATE people SET first_name = 'Mary [Beth]' WHERE person_id = 'W001'"
            )
        )
        connection.execute(
            text(
                "UPDATE organizations SET name = 'Lantern [Reading] Club' "
                "WHERE org_id = 'WK-LRC'"
            )
        )
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        assert {"[/] Whitlock", "Mary [Beth] Talbot"} <= set(people(screen))
        table = screen.query_one("#visits", DataTable)
        drawn = screen_lines(table)
        assert "[/] Whitlock" in drawn
        assert "Mary [Beth] Talbot" in drawn
        assert "Lantern [Reading] Club" in drawn
        options = screen.query_one("#organization", Select)._options
        assert "Lantern [Reading] Club" in [str(prompt) for prompt, _ in options]

        jonah = next(row for row in screen.shown if row.person == "[/] Whitlock")
        table.move_cursor(row=screen.shown.index(jonah))
        await pilot.pause()
        assert "Visit" in static_text(screen, "#detail")
        assert "[/] Whitlock" in screen_lines(screen.query_one("#detail", Static))

        await pilot.press("n")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, NotSignedOutScreen) and app.screen.loaded,
        )
        listing = app.screen
        listing.query_one("#nso", DataTable).move_cursor(
            row=[r.visit_id for r in listing.rows].index(jonah.visit_id)
        )
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, TimeOutScreen))
        assert "[/] Whitlock" in screen_lines(app.screen.query_one("#timeout-title"))
        app.screen.query_one("#timeout-at", Input).value = "16:10"
        app.screen.query_one("#timeout-note", Input).value = "Desk sheet [/] said so"
        await pilot.click("#timeout-save")
        await wait_for(pilot, lambda: isinstance(app.screen, NotSignedOutScreen))
        await wait_for(
            pilot,
            lambda: any(
                r.visit_id == jonah.visit_id and r.time_out for r in app.screen.rows
            ),
        )
        assert "Desk sheet [/] said so" in screen_lines(
            app.screen.query_one("#nso", DataTable)
        )

        # The list opens again without a crash now that the note is stored.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DayScreen))
        await pilot.press("n")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, NotSignedOutScreen) and app.screen.loaded,
        )
        assert "Desk sheet [/] said so" in screen_lines(
            app.screen.query_one("#nso", DataTable)
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DayScreen))
        row = next(r for r in screen.rows if r.visit_id == jonah.visit_id)
        table.move_cursor(row=screen.shown.index(row))
        await pilot.pause()
        assert "Note: Desk sheet [/] said so" in screen_lines(
            screen.query_one("#detail", Static)
        )
        assert app.return_code is None


async def test_lock_out_shows_school_time(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        for attempt in range(5):
            await sign_in(pilot, "d.whitfield", "999999")
            await wait_for(
                pilot,
                lambda: "PIN" in static_text(app.screen, "#signin-message"),
            )
            if attempt < 4:
                app.screen.query_one("#signin-message", Static).update("")
                app.screen.query_one("#username", Input).value = ""
        # Friday 17:30 in Chicago is 23:30 UTC; the lock lasts ten minutes.
        assert (
            static_text(app.screen, "#signin-message")
            == "too many wrong PINs; locked until 17:40 CST"
        )


def footer_keys(screen) -> dict[str, object]:
    return {key.key: key for key in screen.query(FooterKey)}


async def test_day_view_fits_120_columns(review):
    context, _ = review
    app = ReviewApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_day(pilot)
        table = screen.query_one("#visits", DataTable)
        drawn = screen_lines(table)
        header = drawn.splitlines()[0]
        assert header.split() == [
            "In",
            "Out",
            "Length",
            "Person",
            "Organization",
            "Role",
            "Destination",
            "How",
            "signed",
            "out",
            "Outcome",
        ]
        assert "refused: backgrou" in drawn
        used = sum(column.get_render_width(table) for column in table.columns.values())
        assert used <= table.size.width
        keys = footer_keys(screen)
        for key in ("n", "k", "p", "x", "ctrl+l", "q", "c", "w", "e", "t"):
            assert key in keys, key
            assert keys[key].region.right <= 120, key
            assert keys[key].region.width > 0, key
        assert "s sort" in static_text(screen, "#sort-line")


async def test_day_view_widens_names_on_wide_terminal(review):
    context, _ = review
    with context.store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE people SET last_name = 'Ferreira-Campos de Almeida' "
                "WHERE person_id = 'W003'"
            )
        )
    app = ReviewApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_day(pilot)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == FRIDAY - timedelta(days=1))
        table = screen.query_one("#visits", DataTable)
        narrow = screen_lines(table)
        assert "Luis Ferreira-Campos de Almeida" not in narrow
        assert "Luis Ferreira" in narrow
        assert "…" in narrow

        await pilot.resize_terminal(200, 40)
        await wait_for(
            pilot,
            lambda: "Luis Ferreira-Campos de Almeida" in screen_lines(table),
        )
        wide = screen_lines(table)
        assert "Harvest Table Food Pantry" in wide
        assert "…" not in wide


@pytest.fixture
def fall_back(rostered_config, tmp_path):
    """A store holding one visit across the repeated hour of 2026-11-01 in
    Chicago: in at 01:30 CDT (06:30 UTC), out at 01:10 CST (07:10 UTC)."""
    config = load_config(str(rostered_config))
    store = Store(config.store_url)
    store.migrate()
    source = EventSource(SCHOOL, "kiosk-1")
    add_staff(
        store,
        source,
        datetime(2026, 10, 1, tzinfo=UTC),
        username="d.whitfield",
        display_name="Dana Whitfield",
        role="principal",
        school=SCHOOL,
        pin=PRINCIPAL_PIN,
    )
    clock = FixedClock(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    checkin = CheckIn(store, Station(SCHOOL, "kiosk-1", config.zone), clock, KEY)
    assert checkin.process(b"OTP-100001").outcome == "signed_in"
    clock.set(datetime(2026, 11, 1, 7, 10, tzinfo=UTC))
    assert checkin.process(b"OTP-100001").outcome == "signed_out"
    clock.set(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    assert checkin.process(b"OTP-100002").outcome == "signed_in"
    yield ReviewContext(config, store, clock, EventSource(SCHOOL, "review-1"))
    store.close()


async def test_repeated_hour_shows_zone(fall_back):
    app = ReviewApp(fall_back, start_day=date(2026, 11, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_day(pilot)
        assert [(row.clock_in, row.clock_out) for row in screen.shown] == [
            ("01:30 CDT", "01:10 CST")
        ]
        assert screen.shown[0].length_minutes == 40
        drawn = screen_lines(screen.query_one("#visits", DataTable))
        assert "01:30 CDT  01:10 CST  0h40" in drawn
        assert "arrived 01:30 CDT, left 01:10 CST" in static_text(screen, "#detail")
        assert "1 visit by 1 person" in static_text(screen, "#day-summary")

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == date(2026, 11, 2))
        assert screen.shown[0].clock_in == "09:00"


def test_fit_widths_shares_spare_room():
    from kiosk.ui.review.columns import ColumnSpec, fit_widths

    specs = [ColumnSpec("In", "time", 9), ColumnSpec("Person", "person", 6)]
    contents = [["08:30", "01:30 CDT"], ["Ann Li", "Bartholomew Quist"]]
    # Too narrow: every column keeps its minimum (the table scrolls).
    assert fit_widths(specs, contents, 10) == [9, 6]
    # Spare room goes to the cut column, never past its longest cell.
    assert fit_widths(specs, contents, 20) == [9, 11]
    assert fit_widths(specs, contents, 80) == [9, 17]
    # Short content: a column is as wide as its label or its longest cell.
    assert fit_widths(specs, [["08:30"], ["Al"]], 80) == [5, 6]


async def test_edited_visit_breaks_its_day(review):
    context, _ = review
    with context.store.engine.begin() as connection:
        visit_id = connection.execute(
            text(
                "SELECT id FROM visits WHERE person_id = 'W001' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
        connection.execute(
            text("UPDATE visits SET destination = 'Roof' WHERE id = :id"),
            {"id": visit_id},
        )
    app = ReviewApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_day(pilot)
        status = static_text(screen, "#log-status")
        assert status.startswith(f"LOG BROKEN: visit {visit_id} (2026-12-04 ")
        assert screen.query_one("#log-status", Static).has_class("broken")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.loaded_day == FRIDAY - timedelta(days=1))
        assert not screen.query_one("#log-status", Static).has_class("broken")
        assert "another day" in static_text(screen, "#log-status")

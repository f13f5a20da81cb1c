"""End of day: open visits marked not signed out, and time outs recorded later."""

from __future__ import annotations

import io
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.demo.week import PRINCIPAL
from kiosk.services.checkin import CheckIn, Station
from kiosk.services.closing import (
    ClosingError,
    close_open_visits,
    record_time_out,
)
from kiosk.services.staff import add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event, Visit
from tests.support import run_kiosk
from tests.week_fixture import (
    FRIDAY,
    KEY,
    PRINCIPAL_PIN,
    SCHOOL,
    ZONE,
    local,
    week_store,
)

CLOSING = time(17, 0)
SOURCE = EventSource(SCHOOL, "desk-1")


@pytest.fixture
def store(tmp_path, rostered_config):
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    store.migrate()
    yield store
    store.close()


def sign_in(store, badge: str, at) -> int:
    clock = FixedClock(at)
    checkin = CheckIn(store, Station(SCHOOL, "kiosk-1", ZONE), clock, KEY)
    result = checkin.process(badge.encode())
    assert result.outcome == "signed_in", result
    return result.visit_id


def open_badge(store) -> str:
    from kiosk.store.models import Person

    with store.read() as session:
        return session.scalar(
            select(Person.badge_code).where(Person.person_id == "P001")
        )


def test_closing_marks_only_after_closing_time(store):
    badge = open_badge(store)
    visit_id = sign_in(store, badge, local(FRIDAY, "09:00"))
    assert close_open_visits(store, SOURCE, local(FRIDAY, "16:59"), ZONE, CLOSING) == []
    marked = close_open_visits(store, SOURCE, local(FRIDAY, "17:00"), ZONE, CLOSING)
    assert marked == [visit_id]
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        event = session.scalars(
            select(Event).where(
                Event.kind == "visit_closed", Event.visit_id == visit_id
            )
        ).one()
    assert visit.sign_out_method == "not_signed_out"
    assert visit.signed_out_at is None
    assert event.detail == {"method": "not_signed_out", "school": SCHOOL}


def test_closing_runs_once_per_visit(store):
    sign_in(store, open_badge(store), local(FRIDAY, "09:00"))
    assert (
        len(close_open_visits(store, SOURCE, local(FRIDAY, "17:30"), ZONE, CLOSING))
        == 1
    )
    assert close_open_visits(store, SOURCE, local(FRIDAY, "18:00"), ZONE, CLOSING) == []


def test_evening_visit_closes_next_day(store):
    visit_id = sign_in(store, open_badge(store), local(FRIDAY, "18:30"))
    assert close_open_visits(store, SOURCE, local(FRIDAY, "19:00"), ZONE, CLOSING) == []
    saturday = FRIDAY + timedelta(days=1)
    assert close_open_visits(
        store, SOURCE, local(saturday, "00:10"), ZONE, CLOSING
    ) == [visit_id]


def test_closing_leaves_other_schools(store):
    sign_in(store, open_badge(store), local(FRIDAY, "09:00"))
    other = EventSource("OTHER", "desk-9")
    assert close_open_visits(store, other, local(FRIDAY, "17:30"), ZONE, CLOSING) == []


@pytest.fixture
def marked(store):
    visit_id = sign_in(store, open_badge(store), local(FRIDAY, "09:00"))
    close_open_visits(store, SOURCE, local(FRIDAY, "17:05"), ZONE, CLOSING)
    at = local(FRIDAY, "17:10")
    principal = add_staff(
        store,
        SOURCE,
        at,
        username="p.one",
        display_name="Pat One",
        role="principal",
        school=SCHOOL,
        pin="24681012",
    )
    clerk = add_staff(
        store,
        SOURCE,
        at,
        username="c.two",
        display_name="Cy Two",
        role="clerk",
        school=SCHOOL,
        pin="13579111",
    )
    return visit_id, principal, clerk


def test_principal_records_time_out(store, marked):
    visit_id, principal, _ = marked
    now = local(FRIDAY, "17:20")
    record_time_out(
        store,
        SOURCE,
        now,
        principal,
        visit_id,
        local(FRIDAY, "15:05"),
        "Seen leaving at 15:05 by the custodian",
    )
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        event = session.scalars(
            select(Event).where(Event.kind == "time_out_recorded")
        ).one()
    assert visit.signed_out_at == local(FRIDAY, "15:05")
    assert visit.signed_out_by == principal.id
    assert visit.sign_out_note == "Seen leaving at 15:05 by the custodian"
    assert visit.sign_out_method == "not_signed_out"
    assert event.detail == {"staff_id": principal.id}
    assert "custodian" not in str(event.detail)


@pytest.mark.parametrize(
    ("wall", "note", "reason"),
    [
        ("08:00", "Seen leaving", "before_sign_in"),
        ("17:45", "Seen leaving", "time_in_future"),
        ("15:00", "   ", "note_missing"),
        ("15:00", "x" * 501, "note_too_long"),
        ("15:00", "Seen leaving\x1b[2J", "note_invalid"),
        ("15:00", "Seen leaving\nat three", "note_invalid"),
        ("15:00", "Seen\u202eleaving", "note_invalid"),
    ],
)
def test_time_out_rejects_bad_input(store, marked, wall, note, reason):
    visit_id, principal, _ = marked
    with pytest.raises(ClosingError) as error:
        record_time_out(
            store,
            SOURCE,
            local(FRIDAY, "17:20"),
            principal,
            visit_id,
            local(FRIDAY, wall),
            note,
        )
    assert error.value.reason == reason
    with store.read() as session:
        assert session.get(Visit, visit_id).signed_out_at is None


def test_time_out_rejects_clerk(store, marked):
    visit_id, _, clerk = marked
    with pytest.raises(ClosingError) as error:
        record_time_out(
            store,
            SOURCE,
            local(FRIDAY, "17:20"),
            clerk,
            visit_id,
            local(FRIDAY, "15:00"),
            "Seen leaving",
        )
    assert error.value.reason == "not_principal"


def test_time_out_only_once(store, marked):
    visit_id, principal, _ = marked
    now = local(FRIDAY, "17:20")
    record_time_out(
        store, SOURCE, now, principal, visit_id, local(FRIDAY, "15:00"), "a"
    )
    with pytest.raises(ClosingError) as error:
        record_time_out(
            store, SOURCE, now, principal, visit_id, local(FRIDAY, "15:30"), "b"
        )
    assert error.value.reason == "already_recorded"


def test_close_day_command_and_time_out(week, tmp_path, monkeypatch):
    import io

    config, _ = week
    # Reopen a Friday visit, as if the person were still in the building.
    store = week_store(tmp_path)
    with store.read() as session:
        visit = session.scalars(
            select(Visit).where(
                Visit.person_id == "W002", Visit.signed_in_at >= local(FRIDAY, "00:00")
            )
        ).one()
    visit_id = visit.id

    def reopen(session) -> None:
        row = session.get(Visit, visit_id)
        row.signed_out_at, row.sign_out_method = None, None

    store.write(reopen)
    store.close()

    before = FixedClock(local(FRIDAY, "16:00"))
    status, output = run_kiosk(["--config", str(config), "report", "close-day"], before)
    assert status == 0
    assert "marked 0 visits" in output
    after = FixedClock(local(FRIDAY, "17:01"))
    status, output = run_kiosk(["--config", str(config), "report", "close-day"], after)
    assert f"visit {visit_id}" in output

    monkeypatch.setattr("sys.stdin", io.StringIO(PRINCIPAL_PIN + "\n"))
    later = FixedClock(local(FRIDAY, "17:30"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "time-out",
            str(visit_id),
            "--at",
            "11:50",
            "--note",
            "Badge left at the desk at 11:50",
            "--as",
            PRINCIPAL[0],
            "--pin-stdin",
        ],
        later,
    )
    assert status == 0, output
    store = week_store(tmp_path)
    with store.read() as session:
        row = session.get(Visit, visit_id)
    store.close()
    assert row.signed_out_at == local(FRIDAY, "11:50")
    assert row.sign_out_note == "Badge left at the desk at 11:50"


def test_week_marks_forgotten_sign_outs(week, tmp_path):
    _, summary = week
    assert len(summary.marked_not_signed_out) == 3
    store = week_store(tmp_path)
    with store.read() as session:
        marked = session.scalars(
            select(Visit).where(Visit.sign_out_method == "not_signed_out")
        ).all()
    store.close()
    assert sorted(v.id for v in marked) == sorted(summary.marked_not_signed_out)
    assert [
        v.id for v in marked if v.signed_out_at is not None
    ] == summary.time_out_recorded


def test_time_out_command_rejects_control_characters(
    week, tmp_path, monkeypatch, capsys
):
    config, summary = week
    monkeypatch.setattr("sys.stdin", io.StringIO(PRINCIPAL_PIN + "\n"))
    visit_id = summary.marked_not_signed_out[-1]
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "time-out",
            str(visit_id),
            "--at",
            "15:50",
            "--note",
            "Seen leaving\x07",
            "--as",
            PRINCIPAL[0],
            "--pin-stdin",
        ],
        FixedClock(local(FRIDAY, "17:30")),
    )
    assert status == 1
    assert output == ""
    error = capsys.readouterr().err.strip()
    assert error.endswith(
        "time out not recorded: the note contains the control character U+0007; "
        "type it as one line of text"
    )
    assert "\n" not in error
    store = week_store(tmp_path)
    with store.read() as session:
        assert session.get(Visit, visit_id).sign_out_note is None
    store.close()

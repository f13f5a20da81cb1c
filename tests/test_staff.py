"""Staff accounts: Argon2 PINs, lock-out after wrong PINs, the CLI."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.services.staff import LockoutPolicy, StaffError, add_staff, authenticate
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event, Staff
from tests.support import run_kiosk

SOURCE = EventSource("ALD", "desk-1")
ZONE = ZoneInfo("America/Chicago")


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def clock():
    return FixedClock.at_local("2026-12-04T08:00", "America/Chicago")


def test_pin_is_stored_as_argon2_hash(store, clock):
    add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    with store.read() as session:
        row = session.scalar(select(Staff))
    assert row.pin_hash.startswith("$argon2")
    assert "482913" not in row.pin_hash


def test_right_pin_signs_in(store, clock):
    add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    member = authenticate(store, SOURCE, clock.now(), "C.Ortiz", "482913", zone=ZONE)
    assert member.role == "clerk"
    assert not member.sees_confidential


def test_wrong_pins_lock_the_account(store, clock):
    add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    policy = LockoutPolicy(max_attempts=3, lock_for=timedelta(minutes=10))
    for _ in range(2):
        with pytest.raises(StaffError) as wrong:
            authenticate(
                store, SOURCE, clock.now(), "c.ortiz", "000000", policy, zone=ZONE
            )
        assert wrong.value.reason == "wrong_pin"
    with pytest.raises(StaffError) as third:
        authenticate(store, SOURCE, clock.now(), "c.ortiz", "000000", policy, zone=ZONE)
    assert third.value.reason == "locked"
    # 08:00 in Chicago is 14:00 UTC; the message uses the school's clock.
    assert str(third.value) == "too many wrong PINs; locked until 08:10 CST"

    # Locked: even the right PIN is refused until the lock runs out.
    with pytest.raises(StaffError) as locked:
        authenticate(store, SOURCE, clock.now(), "c.ortiz", "482913", policy, zone=ZONE)
    assert locked.value.reason == "locked"
    assert str(locked.value) == "too many wrong PINs; locked until 08:10 CST"
    clock.advance(timedelta(minutes=11))
    assert (
        authenticate(
            store, SOURCE, clock.now(), "c.ortiz", "482913", policy, zone=ZONE
        ).username
        == "c.ortiz"
    )


def test_failed_sign_ins_are_logged_without_the_pin(store, clock):
    add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    with pytest.raises(StaffError):
        authenticate(store, SOURCE, clock.now(), "c.ortiz", "777777", zone=ZONE)
    with store.read() as session:
        events = session.scalars(
            select(Event).where(Event.kind == "staff_login_failed")
        ).all()
    assert len(events) == 1
    assert events[0].detail["reason"] == "wrong_pin"
    assert "777777" not in str(events[0].detail)


@pytest.mark.parametrize("pin", ["12", "abcd", "1234567890123", "12 34"])
def test_bad_pin_is_rejected(store, clock, pin):
    with pytest.raises(StaffError) as error:
        add_staff(
            store,
            SOURCE,
            clock.now(),
            username="x",
            display_name="X",
            role="clerk",
            school="ALD",
            pin=pin,
        )
    assert error.value.reason == "invalid_pin"


def test_staff_add_command(make_config, monkeypatch):
    config = make_config()
    monkeypatch.setattr("sys.stdin", io.StringIO("5550123\n"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "staff",
            "add",
            "p.lindqvist",
            "--name",
            "Pat Lindqvist",
            "--role",
            "principal",
            "--pin-stdin",
        ]
    )
    assert status == 0
    assert "p.lindqvist (principal) at ALD" in output


@pytest.mark.parametrize(
    ("username", "display_name", "reason", "message"),
    [
        ("c.ortiz", "Cam\x1b[2J Ortiz", "invalid_name", "control character U+001B"),
        ("c.ortiz", "Cam\nOrtiz", "invalid_name", "control character U+000A"),
        ("c.ortiz", "   ", "invalid_name", "missing"),
        ("c.ortiz", "C" * 201, "invalid_name", "longer than 200 characters"),
        ("c.ortiz\x07", "Cam Ortiz", "invalid_username", "letters, digits"),
        ("c" * 65, "Cam Ortiz", "invalid_username", "at most 64 characters"),
    ],
)
def test_bad_names_are_rejected(store, clock, username, display_name, reason, message):
    with pytest.raises(StaffError) as error:
        add_staff(
            store,
            SOURCE,
            clock.now(),
            username=username,
            display_name=display_name,
            role="clerk",
            school="ALD",
            pin="482913",
        )
    assert error.value.reason == reason
    assert message in str(error.value)
    with store.read() as session:
        assert session.scalar(select(Staff)) is None


def test_display_name_is_stored_trimmed(store, clock):
    member = add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="  Cam Ortiz ",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    assert member.display_name == "Cam Ortiz"


def test_staff_add_command_rejects_control_characters(make_config, monkeypatch, capsys):
    config = make_config()
    monkeypatch.setattr("sys.stdin", io.StringIO("5550123\n"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "staff",
            "add",
            "p.lindqvist",
            "--name",
            "Pat\tLindqvist",
            "--role",
            "principal",
            "--pin-stdin",
        ]
    )
    assert status == 1
    assert output == ""
    error = capsys.readouterr().err.strip()
    assert error.endswith(
        "account not saved: the name contains the control character U+0009"
    )


def test_lock_past_midnight_names_the_date(store, clock):
    add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school="ALD",
        pin="482913",
    )
    policy = LockoutPolicy(max_attempts=1, lock_for=timedelta(hours=18))
    with pytest.raises(StaffError) as locked:
        authenticate(store, SOURCE, clock.now(), "c.ortiz", "000000", policy, zone=ZONE)
    assert str(locked.value) == "too many wrong PINs; locked until 2026-12-05 02:00 CST"

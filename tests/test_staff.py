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


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("12", "invalid PIN"),
        ("4829", "invalid PIN"),
        ("48291", "invalid PIN"),
        ("abcdef", "invalid PIN"),
        ("1234567890123", "invalid PIN"),
        ("482 913", "invalid PIN"),
        ("\u0664\u0668\u0662\u0669\u0661\u0663", "invalid PIN"),
        ("000000", "one digit repeated"),
        ("7777777", "one digit repeated"),
        ("123456", "run of digits"),
        ("654321", "run of digits"),
        ("3456789", "run of digits"),
        ("8901234", "run of digits"),
        ("121212", "only two digits"),
        ("123123", "block repeated"),
        ("112233", "run of digits"),
        ("565656", "only two digits"),
        ("121212121212", "only two digits"),
        ("101010101010", "only two digits"),
        ("000001", "only two digits"),
        ("100000", "only two digits"),
        ("147147", "block repeated"),
        ("123123123", "block repeated"),
        ("1234512345", "block repeated"),
        ("12341234", "block repeated"),
        ("135791", "run of digits"),
        ("246802", "run of digits"),
        ("975319", "run of digits"),
        ("112233445566", "run of digits"),
        ("111222333", "run of digits"),
        ("998877", "run of digits"),
        ("159357", "too common"),
        ("147258", "too common"),
        ("258369", "too common"),
        ("852456", "too common"),
        ("123321", "too common"),
    ],
)
def test_trivial_pin_is_rejected(store, clock, pin, problem):
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
    message = str(error.value)
    assert problem in message
    assert "6 to 12 digits" in message
    assert "at least three different digits" in message


@pytest.mark.parametrize(
    "pin",
    ["482913", "5550123", "24681012", "908172635", "13579111", "318657", "730418"],
)
def test_acceptable_pin_is_taken(store, clock, pin):
    member = add_staff(
        store,
        SOURCE,
        clock.now(),
        username="x",
        display_name="X",
        role="clerk",
        school="ALD",
        pin=pin,
    )
    assert authenticate(store, SOURCE, clock.now(), "x", pin, zone=ZONE) == member


def test_pin_change_to_trivial_pin_rejected(store, clock):
    account = {
        "username": "c.ortiz",
        "display_name": "Cam Ortiz",
        "role": "clerk",
        "school": "ALD",
    }
    add_staff(store, SOURCE, clock.now(), pin="482913", **account)
    with pytest.raises(StaffError) as error:
        add_staff(store, SOURCE, clock.now(), pin="111111", **account)
    assert error.value.reason == "invalid_pin"
    member = authenticate(store, SOURCE, clock.now(), "c.ortiz", "482913", zone=ZONE)
    assert member.username == "c.ortiz"


def test_staff_add_command_rejects_trivial_pin(make_config, monkeypatch, capsys):
    config = make_config()
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "staff",
            "add",
            "c.ortiz",
            "--name",
            "Cam Ortiz",
            "--role",
            "clerk",
            "--pin-stdin",
        ]
    )
    assert status == 1
    assert output == ""
    error = capsys.readouterr().err.strip()
    assert "account not saved: PIN is a run of digits" in error
    assert "6 to 12 digits" in error


def test_demo_pins_are_acceptable():
    from kiosk.demo.week import CLERK, PRINCIPAL
    from kiosk.services.staff import check_pin

    for _, _, pin in (CLERK, PRINCIPAL):
        check_pin(pin)


def test_support_pins_are_acceptable():
    from kiosk.services.staff import check_pin
    from tests.desk_support import CLERK_PIN, PRINCIPAL_PIN

    check_pin(CLERK_PIN)
    check_pin(PRINCIPAL_PIN)


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


@pytest.mark.parametrize("school", ["A B", "", "S" * 17, "ALD;", "**"])
def test_bad_school_code_is_rejected(store, clock, school):
    with pytest.raises(StaffError) as error:
        add_staff(
            store,
            SOURCE,
            clock.now(),
            username="c.ortiz",
            display_name="Cam Ortiz",
            role="clerk",
            school=school,
            pin="482913",
        )
    assert error.value.reason == "invalid_school"
    assert "1 to 16 letters, digits, '-' or '_'" in str(error.value)
    with store.read() as session:
        assert session.scalar(select(Staff)) is None


@pytest.mark.parametrize("school", ["*", "ALD", "north-2", "S" * 16])
def test_good_school_code_is_taken(store, clock, school):
    member = add_staff(
        store,
        SOURCE,
        clock.now(),
        username="c.ortiz",
        display_name="Cam Ortiz",
        role="clerk",
        school=school,
        pin="482913",
    )
    assert member.school == school


def test_staff_add_command_rejects_bad_school(make_config, monkeypatch, capsys):
    config = make_config()
    for school in ("A B", ""):
        monkeypatch.setattr("sys.stdin", io.StringIO("5550123\n"))
        status, output = run_kiosk(
            [
                "--config",
                str(config),
                "staff",
                "add",
                "c.ortiz",
                "--name",
                "Cam Ortiz",
                "--role",
                "clerk",
                "--school",
                school,
                "--pin-stdin",
            ]
        )
        assert status == 1
        assert output == ""
        error = capsys.readouterr().err.strip()
        assert f"account not saved: invalid school code {school!r}" in error

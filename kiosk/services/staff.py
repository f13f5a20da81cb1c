"""Office staff accounts: PINs stored as Argon2 hashes, roles, and lock-out.

A few wrong PINs in a row lock the account for some minutes; every attempt,
lock and unlock goes to the event log under the account's id (never the PIN).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config.checks import SCHOOL_CODE_RULE, is_school_code
from kiosk.services.freetext import text_problem
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Staff

logger = logging.getLogger(__name__)

CLERK, PRINCIPAL, ADMIN = "clerk", "principal", "admin"
ROLES = (CLERK, PRINCIPAL, ADMIN)
PIN_LENGTHS = range(6, 13)
COMMON_PINS = frozenset(
    {
        "123321",
        "147258",
        "147369",
        "159357",
        "159753",
        "246810",
        "258369",
        "357159",
        "357951",
        "369258",
        "741852",
        "789456",
        "852456",
        "951357",
        "963852",
        "135790",
        "112358",
        "147258369",
        "789456123",
    }
)
"""PINs that no general rule in check_pin catches: keypad columns, rows,
diagonals and crosses (147258, 789456, 159357, 852456), a mirrored run
(123321), even and odd digits ending in 10 or 0 (246810, 135790), and the
Fibonacci numbers (112358)."""
ALL_SCHOOLS = "*"
"""School code of a district-wide account, which signs in at every school."""
MAX_USERNAME_LENGTH = 64
MAX_DISPLAY_NAME_LENGTH = 200

_hasher = PasswordHasher()


class StaffError(Exception):
    """An account cannot be created or used; ``reason`` is a code for the log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff member, as the desk and review screens see them."""

    id: int
    username: str
    display_name: str
    role: str
    school: str

    @property
    def sees_confidential(self) -> bool:
        """Only principals see which confidential rule refused someone, and
        only they hold the review and the principal's desk powers. District
        IT (``admin``) runs the kiosks and sees what a clerk sees."""
        return self.role == PRINCIPAL


@dataclass(frozen=True)
class LockoutPolicy:
    max_attempts: int = 5
    lock_for: timedelta = timedelta(minutes=10)


def _steps_evenly(digits: str) -> bool:
    """Tell whether each digit is the last plus the same step, modulo 10
    (123456, 654321, 135791, 246802, and 7890123 because 9 + 1 is 0)."""
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return len(steps) == 1


def _repeats_block(pin: str) -> bool:
    """Tell whether ``pin`` is a shorter block written two or more times
    (147147, 565656, 1234512345)."""
    return any(
        pin == pin[:size] * (len(pin) // size)
        for size in range(1, len(pin) // 2 + 1)
        if len(pin) % size == 0
    )


def _is_grouped_run(pin: str) -> bool:
    """Tell whether ``pin`` is an even run with each digit written the same
    number of times, two or more (112233445566, 113355, 111222333)."""
    for size in range(2, len(pin) // 3 + 1):
        if len(pin) % size:
            continue
        groups = [pin[i : i + size] for i in range(0, len(pin), size)]
        if all(len(set(group)) == 1 for group in groups) and _steps_evenly(
            "".join(group[0] for group in groups)
        ):
            return True
    return False


def check_pin(pin: str) -> None:
    """Raise StaffError ``invalid_pin`` unless ``pin`` is an acceptable PIN.

    A PIN is 6 to 12 ASCII digits. It is rejected when it uses at most two
    different digits (111111, 000001, 121212) or is a shorter block repeated
    (123123, 1234512345). It is also rejected when it steps by the same
    amount each time, modulo 10 (123456, 654321, 135791, 246802), or is such
    a run with each digit written two or more times (112233, 111222333).
    Last, it must not be on COMMON_PINS.
    """
    allowed = (
        f"a PIN is {PIN_LENGTHS.start} to {PIN_LENGTHS.stop - 1} digits "
        "with at least three different digits, and is not a run such as "
        "123456, 654321, 135791 or 112233, a shorter block repeated such as "
        "123123, or a keypad pattern such as 147258"
    )
    if not (pin.isascii() and pin.isdigit()) or len(pin) not in PIN_LENGTHS:
        raise StaffError("invalid_pin", f"invalid PIN: {allowed}")
    if len(set(pin)) == 1:
        raise StaffError("invalid_pin", f"PIN is one digit repeated: {allowed}")
    if len(set(pin)) == 2:
        raise StaffError("invalid_pin", f"PIN uses only two digits: {allowed}")
    if _steps_evenly(pin) or _is_grouped_run(pin):
        raise StaffError("invalid_pin", f"PIN is a run of digits: {allowed}")
    if _repeats_block(pin):
        raise StaffError("invalid_pin", f"PIN is a block repeated: {allowed}")
    if pin in COMMON_PINS:
        raise StaffError("invalid_pin", f"PIN is too common: {allowed}")


def check_display_name(name: str) -> str:
    """Return ``name`` without surrounding spaces, or raise StaffError when it
    is empty, too long or holds a control character."""
    name = name.strip()
    if not name:
        raise StaffError("invalid_name", "the name shown on screens is missing")
    problem = text_problem(name, MAX_DISPLAY_NAME_LENGTH)
    if problem is not None:
        raise StaffError("invalid_name", f"the name {problem}")
    return name


def _member(row: Staff) -> StaffMember:
    return StaffMember(row.id, row.username, row.display_name, row.role, row.school)


def add_staff(
    store: Store,
    source: EventSource,
    at: datetime,
    *,
    username: str,
    display_name: str,
    role: str,
    school: str,
    pin: str,
) -> StaffMember:
    """Create an account, or replace the PIN, name, role and school of an
    existing one. ``school`` is a school code, or ALL_SCHOOLS."""
    if role not in ROLES:
        raise StaffError(
            "invalid_role", f"role {role!r} is not one of {', '.join(ROLES)}"
        )
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").isalnum():
        raise StaffError(
            "invalid_username", "a username is letters, digits, '.' or '-'"
        )
    if len(username) > MAX_USERNAME_LENGTH:
        raise StaffError(
            "invalid_username",
            f"a username is at most {MAX_USERNAME_LENGTH} characters",
        )
    display_name = check_display_name(display_name)
    if school != ALL_SCHOOLS and not is_school_code(school):
        raise StaffError(
            "invalid_school",
            f"invalid school code {school!r}: a school code is {SCHOOL_CODE_RULE}, "
            f"or {ALL_SCHOOLS} for every school",
        )
    check_pin(pin)
    pin_hash = _hasher.hash(pin)

    def work(session: Session) -> StaffMember:
        row = session.scalar(select(Staff).where(Staff.username == username))
        kind = "staff_updated" if row else "staff_added"
        row = row or Staff(username=username)
        row.display_name, row.role, row.school = display_name, role, school
        row.pin_hash, row.failed_attempts, row.locked_until = pin_hash, 0, None
        row.active = True
        session.add(row)
        session.flush()
        append_event(
            session, source, kind, at, detail={"staff_id": row.id, "role": role}
        )
        return _member(row)

    return store.write(work)


def find_staff(store: Store, username: str) -> StaffMember | None:
    """Return the account named ``username`` (any case), or None if there is none."""
    with store.read() as session:
        row = session.scalar(
            select(Staff).where(Staff.username == username.strip().lower())
        )
        return None if row is None else _member(row)


def locked_until_text(until: datetime, now: datetime, zone: tzinfo) -> str:
    """Return when a lock ends as the school's wall clock shows it, with the
    zone's abbreviation, and with the date when that is not today."""
    local = until.astimezone(zone)
    if local.date() != now.astimezone(zone).date():
        return f"{local:%Y-%m-%d %H:%M %Z}"
    return f"{local:%H:%M %Z}"


def authenticate(
    store: Store,
    source: EventSource,
    at: datetime,
    username: str,
    pin: str,
    policy: LockoutPolicy = LockoutPolicy(),
    *,
    zone: tzinfo,
) -> StaffMember:
    """Return the member whose PIN this is, or raise StaffError.

    Reasons: ``unknown_user``, ``inactive``, ``locked`` (too many wrong PINs;
    the message says until when, in ``zone``, the school's time zone) and
    ``wrong_pin``.
    """

    def work(session: Session) -> StaffMember | StaffError:
        row = session.scalar(
            select(Staff).where(Staff.username == username.strip().lower())
        )
        if row is None:
            append_event(
                session,
                source,
                "staff_login_failed",
                at,
                detail={"reason": "unknown_user"},
            )
            return StaffError("unknown_user", "unknown user or wrong PIN")
        if not row.active:
            append_event(
                session,
                source,
                "staff_login_failed",
                at,
                detail={"staff_id": row.id, "reason": "inactive"},
            )
            return StaffError("inactive", "this account is disabled")
        if row.locked_until is not None and at < row.locked_until:
            append_event(
                session,
                source,
                "staff_login_failed",
                at,
                detail={"staff_id": row.id, "reason": "locked"},
            )
            until = locked_until_text(row.locked_until, at, zone)
            return StaffError("locked", f"too many wrong PINs; locked until {until}")
        try:
            _hasher.verify(row.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            row.failed_attempts += 1
            detail = {
                "staff_id": row.id,
                "reason": "wrong_pin",
                "attempts": row.failed_attempts,
            }
            append_event(session, source, "staff_login_failed", at, detail=detail)
            if row.failed_attempts >= policy.max_attempts:
                row.locked_until = at + policy.lock_for
                row.failed_attempts = 0
                append_event(
                    session, source, "staff_locked", at, detail={"staff_id": row.id}
                )
                until = locked_until_text(row.locked_until, at, zone)
                return StaffError(
                    "locked", f"too many wrong PINs; locked until {until}"
                )
            return StaffError("wrong_pin", "unknown user or wrong PIN")
        row.failed_attempts, row.locked_until = 0, None
        append_event(session, source, "staff_login", at, detail={"staff_id": row.id})
        return _member(row)

    # A failed attempt is stored (it counts towards the lock-out), then raised.
    outcome = store.write(work)
    if isinstance(outcome, StaffError):
        logger.info("staff sign-in rejected: %s", outcome.reason)
        raise outcome
    return outcome

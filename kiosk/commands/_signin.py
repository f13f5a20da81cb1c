"""Staff sign-in for report and badge commands: ``--as USERNAME`` and a PIN.

The PIN is read from the terminal without echo, or with ``--pin-stdin`` from
the first line of standard input (for scripts). A wrong PIN counts towards
the account's lock-out like one typed at the desk.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import timedelta

from kiosk.clock import Clock
from kiosk.commands import CommandError
from kiosk.config import Config
from kiosk.services.staff import (
    ALL_SCHOOLS,
    LockoutPolicy,
    StaffError,
    StaffMember,
    authenticate,
    find_staff,
)
from kiosk.store.database import Store

logger = logging.getLogger(__name__)


def _username_argument(text: str) -> str:
    """Parse the ``--as`` user name (an argparse ``type``).

    An empty name is an error: treating it like a missing ``--as`` would run
    the command anonymously and ignore the PIN.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("the user name is empty")
    return text.strip()


def add_signin_options(
    parser: argparse.ArgumentParser,
    *,
    required: bool,
    help: str = "sign in as this staff member (a principal sees confidential reasons)",
) -> None:
    parser.add_argument(
        "--as",
        dest="staff_username",
        metavar="USERNAME",
        type=_username_argument,
        required=required,
        help=help,
    )
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input instead of asking",
    )


def lockout_policy(config: Config) -> LockoutPolicy:
    return LockoutPolicy(
        max_attempts=config.desk.max_pin_attempts,
        lock_for=timedelta(minutes=config.desk.lockout_minutes),
    )


def read_pin(prompt: str) -> str:
    """Ask for a PIN on the terminal without echo.

    Raises CommandError when standard input is not a terminal (cron, a pipe,
    ``</dev/null``), because getpass would then warn and fail with a
    traceback instead of asking.
    """
    if not sys.stdin.isatty():
        raise CommandError(
            "cannot ask for the PIN: standard input is not a terminal; use --pin-stdin"
        )
    return getpass.getpass(prompt)


def works_at(member: StaffMember, school: str) -> bool:
    return member.school in (ALL_SCHOOLS, school)


def sign_in(
    config: Config,
    args: argparse.Namespace,
    clock: Clock,
    store: Store,
    *,
    principal: bool,
) -> StaffMember | None:
    """Return the staff member named by ``--as`` once their PIN checks out.

    Returns None when no ``--as`` was given. Raises CommandError for an
    unknown username (before asking for a PIN), a wrong PIN, a locked
    account, another school's account, or, when ``principal`` is set, an
    account that is not a principal's.
    """
    from kiosk.assembly import station_for

    username = getattr(args, "staff_username", None)
    if not username:
        return None
    # The desk shows "unknown user or wrong PIN" so that its screen does not
    # reveal account names. A command line user can read the staff table, so
    # here the error names the unknown account.
    if find_staff(store, username) is None:
        logger.info("staff sign-in rejected: unknown_user")
        raise CommandError(
            f"sign-in failed: no staff account named {username!r}; "
            "`kiosk staff add` creates one"
        )
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = read_pin(f"PIN for {username}: ")
    try:
        member = authenticate(
            store,
            station_for(config).source,
            clock.now(),
            username,
            pin,
            lockout_policy(config),
            zone=config.zone,
        )
    except StaffError as exc:
        raise CommandError(f"sign-in failed: {exc}") from exc
    if not works_at(member, config.kiosk.school):
        raise CommandError(
            f"sign-in failed: {member.username} works at {member.school}, "
            f"not {config.kiosk.school}"
        )
    if principal and not member.sees_confidential:
        raise CommandError(
            f"sign-in failed: {member.username} has the {member.role} role, "
            "and this command needs a principal"
        )
    return member

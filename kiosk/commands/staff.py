"""``kiosk staff add``: create a clerk, principal or admin account."""

from __future__ import annotations

import argparse
import sys

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK, CommandError
from kiosk.commands._signin import read_pin
from kiosk.config import Config


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    staff = commands.add_parser("staff", help="office staff accounts")
    actions = staff.add_subparsers(
        dest="staff_command", required=True, metavar="ACTION"
    )
    add = actions.add_parser(
        "add",
        parents=[common],
        help="create an account, or set a new PIN, name and role for an existing one",
    )
    add.add_argument("username", help="sign-in name, e.g. a.rivera")
    add.add_argument(
        "--name", required=True, help="name shown on screens and in the log"
    )
    add.add_argument("--role", required=True, choices=("clerk", "principal", "admin"))
    add.add_argument(
        "--school",
        help="school code the account works at (default: this kiosk's; * for all)",
    )
    add.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input instead of asking",
    )
    add.set_defaults(handler=add_staff_member)


def _read_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = read_pin("PIN (6 to 12 digits, not a run or a repeat): ")
    if read_pin("PIN again: ") != first:
        raise CommandError("the two PINs differ; nothing changed")
    return first


def add_staff_member(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.staff import StaffError, add_staff

    pin = _read_pin(args.pin_stdin)
    store = open_store(config)
    try:
        member = add_staff(
            store,
            station_for(config).source,
            clock.now(),
            username=args.username,
            display_name=args.name,
            role=args.role,
            school=config.kiosk.school if args.school is None else args.school,
            pin=pin,
        )
    except StaffError as exc:
        raise CommandError(f"account not saved: {exc}") from exc
    finally:
        store.close()
    print(f"staff {member.id}: {member.username} ({member.role}) at {member.school}")
    return EXIT_OK

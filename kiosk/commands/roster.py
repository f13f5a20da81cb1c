"""``kiosk roster import``: replace the roster with a district export."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK, CommandError
from kiosk.config import Config


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    roster = commands.add_parser("roster", help="the partner roster")
    actions = roster.add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    import_ = actions.add_parser(
        "import",
        parents=[common],
        help="replace the roster with a district export (all or nothing)",
    )
    import_.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="roster.json, or organizations.csv and people.csv, "
        "or a folder holding them",
    )
    import_.set_defaults(handler=import_roster)


def import_roster(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.roster import RosterError, read_roster
    from kiosk.store.roster import apply_roster

    try:
        roster = read_roster(args.paths)
    except RosterError as exc:
        raise CommandError(f"roster rejected, nothing changed: {exc}") from exc
    store = open_store(config)
    try:
        import_id = apply_roster(store, roster, station_for(config).source, clock.now())
    finally:
        store.close()
    print(
        f"roster import {import_id}: {len(roster.organizations)} organizations, "
        f"{len(roster.people)} people"
    )
    return EXIT_OK

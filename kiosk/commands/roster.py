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
    import_.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept a roster that takes more than half the people off the roster",
    )
    import_.set_defaults(handler=import_roster)
    sync = actions.add_parser(
        "sync",
        parents=[common],
        help="fetch the roster from the district server ([roster] url) and import it",
    )
    sync.set_defaults(handler=sync_roster_now)


def import_roster(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.roster import RosterError, read_roster
    from kiosk.store.roster import apply_roster

    store = None
    try:
        roster = read_roster(args.paths)
        store = open_store(config)
        import_id = apply_roster(
            store,
            roster,
            station_for(config).source,
            clock.now(),
            allow_shrink=args.allow_shrink,
        )
    except RosterError as exc:
        raise CommandError(f"roster rejected, nothing changed: {exc}") from exc
    finally:
        if store is not None:
            store.close()
    print(
        f"roster import {import_id}: {len(roster.organizations)} organizations, "
        f"{len(roster.people)} people"
    )
    return EXIT_OK


def sync_roster_now(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.roster_sync import SyncError, sync_roster

    store = open_store(config)
    try:
        outcome = sync_roster(
            store,
            config.roster,
            config.data_dir,
            station_for(config).source,
            clock.now(),
        )
    except SyncError as exc:
        raise CommandError(
            f"roster sync failed, the roster in force stays: {exc}"
        ) from exc
    finally:
        store.close()
    if outcome.changed:
        print(
            f"roster import {outcome.import_id}: "
            f"{outcome.organizations} organizations, {outcome.people} people"
        )
    else:
        print("roster unchanged")
    return EXIT_OK

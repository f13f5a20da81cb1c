"""``kiosk report day``: the day's visits at this school."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK
from kiosk.config import Config


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    report = commands.add_parser("report", help="visit reports")
    reports = report.add_subparsers(
        dest="report_command", required=True, metavar="REPORT"
    )
    day = reports.add_parser(
        "day", parents=[common], help="one day's visits at this school"
    )
    day.add_argument(
        "--date",
        type=date.fromisoformat,
        help="YYYY-MM-DD (default: today at the school)",
    )
    day.add_argument("--format", choices=("table", "csv", "json"), default="table")
    day.set_defaults(handler=report_day)


def report_day(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.reports import (
        day_rows,
        rows_to_csv,
        rows_to_json,
        rows_to_table,
    )

    day = args.date or clock.now().astimezone(config.zone).date()
    store = open_store(config)
    try:
        with store.read() as session:
            rows = day_rows(session, config.kiosk.school, day, config.zone)
    finally:
        store.close()
    render = {"table": rows_to_table, "csv": rows_to_csv, "json": rows_to_json}[
        args.format
    ]
    sys.stdout.write(render(rows).rstrip("\n") + "\n")
    return EXIT_OK

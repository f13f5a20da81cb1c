"""``kiosk review``: the principal's full-screen review of the visit log."""

from __future__ import annotations

import argparse
import logging
import socket
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK, date_argument
from kiosk.config import Config, parse_config
from kiosk.logs import configure_logging

logger = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    review = commands.add_parser(
        "review",
        parents=[common],
        help="review visit logs (principals; asks for username and PIN)",
    )
    review.add_argument(
        "--date",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="day to open on (default: today at the school)",
    )
    review.add_argument(
        "--demo",
        type=Path,
        nargs="?",
        const=Path(".demo-review"),
        metavar="DIR",
        help="review a fictional week built in DIR (default: .demo-review); "
        "sign in as d.whitfield with PIN 584203",
    )
    review.set_defaults(handler=run_review, logs_to_file=True)


def _demo(folder: Path, clock: Clock) -> tuple[Config, date]:
    """Build (once) a store holding last week, and return its settings and Friday."""
    from kiosk.assembly import open_store, station_for
    from kiosk.demo.week import fill_week
    from kiosk.services.activity import week_of
    from kiosk.services.signout import SignOutKey

    config = parse_config(
        {
            "kiosk": {
                "school": "DEMO",
                "school_name": "Maple Grove Elementary (demo)",
                "data_dir": str(folder.resolve()),
            }
        }
    )
    today = clock.now().astimezone(config.zone).date()
    monday = week_of(today)[0] - timedelta(days=7)
    friday = monday + timedelta(days=4)
    marker = config.data_dir / "demo-week"
    if not marker.exists() or marker.read_text().strip() != monday.isoformat():
        (config.data_dir / "kiosk.db").unlink(missing_ok=True)
        store = open_store(config)
        try:
            fill_week(
                store,
                station_for(config),
                SignOutKey.load_or_create(config.signout_key_path),
                monday,
                closing=config.closing_time,
                through=datetime.combine(friday, time(23, 0), tzinfo=config.zone),
            )
        finally:
            store.close()
        marker.write_text(monday.isoformat() + "\n")
    return config, friday


def run_review(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.ui.review.app import ReviewApp, ReviewContext

    start_day = args.date
    if args.demo is not None:
        config, friday = _demo(args.demo, clock)
        start_day = start_day or friday
    configure_logging(config.logging.level, config.log_file)
    store = open_store(config)
    station = station_for(config)
    source = station.source
    if not config.kiosk.kiosk_id:
        source = type(source)(source.school, f"review@{socket.gethostname()}")
    logger.info("review starting at school %s", config.kiosk.school)
    try:
        ReviewApp(
            ReviewContext(config, store, clock, source), start_day=start_day
        ).run()
    finally:
        store.close()
        logger.info("review stopped")
    return EXIT_OK

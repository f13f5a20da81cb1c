"""``kiosk desk``: the front desk console for office clerks and principals."""

from __future__ import annotations

import argparse
import logging

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK
from kiosk.config import Config
from kiosk.logs import configure_logging

logger = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    desk = commands.add_parser(
        "desk",
        parents=[common],
        help="start the front desk console (alerts, overrides, who is in)",
    )
    desk.set_defaults(handler=run_desk, logs_to_file=True)


def run_desk(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import build_desk
    from kiosk.ui.desk.app import DeskApp

    configure_logging(config.logging.level, config.log_file)
    # The desk starts during a store outage: F9 must work after a reboot.
    desk = build_desk(config, clock, wait_for_store=True)
    logger.info(
        "desk %s starting at school %s", desk.where.source.kiosk_id, desk.where.school
    )
    app = DeskApp(desk)
    try:
        app.run()
    finally:
        if not app.wait_for_threads(timeout=10):
            logger.warning("desk stopped with a store write or print still running")
        desk.store.close()
        logger.info("desk stopped")
    return EXIT_OK

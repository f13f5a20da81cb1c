"""``kiosk run`` and ``kiosk demo``: the full-screen kiosk."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK
from kiosk.config import Config
from kiosk.logs import configure_logging

logger = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    run = commands.add_parser(
        "run", parents=[common], help="start the full-screen kiosk"
    )
    run.set_defaults(handler=run_kiosk, logs_to_file=True)
    demo = commands.add_parser(
        "demo", parents=[common], help="start the kiosk on a built-in fictional roster"
    )
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=Path(".demo"),
        help="folder for the demo's database and badges (default: .demo)",
    )
    demo.set_defaults(handler=run_demo, logs_to_file=True)


def run_kiosk(
    config: Config, args: argparse.Namespace, clock: Clock, hint: str = ""
) -> int:
    from kiosk.assembly import build_kiosk
    from kiosk.ui.app import KioskApp

    configure_logging(config.logging.level, config.log_file)
    kiosk = build_kiosk(config, clock)
    logger.info("kiosk starting at school %s", config.kiosk.school)
    try:
        KioskApp(kiosk, hint=hint).run()
    finally:
        kiosk.close()
        logger.info("kiosk stopped")
    return EXIT_OK


def run_demo(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.demo import HINT, demo_config, install_demo_roster

    config = demo_config(args.data_dir.resolve())
    configure_logging(config.logging.level, config.log_file)
    install_demo_roster(config, clock)
    return run_kiosk(config, args, clock, hint=HINT)

"""``kiosk run`` and ``kiosk demo``: the full-screen kiosk."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_FAILURE, EXIT_OK
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
    # A kiosk rebooted during a network outage must still show its screen.
    kiosk = build_kiosk(config, clock, wait_for_store=True)
    logger.info("kiosk starting at school %s", config.kiosk.school)

    def run_screen() -> int:
        app = KioskApp(kiosk, hint=hint)
        app.run()
        return app.return_code or 0

    try:
        return keep_running(run_screen)
    finally:
        kiosk.close()
        logger.info("kiosk stopped")


RESTART_WINDOW_SECONDS = 60.0
MAX_RESTARTS_IN_WINDOW = 5


def keep_running(
    run_screen: Callable[[], int],
    *,
    monotonic: Callable[[], float] = time.monotonic,
    pause: Callable[[float], None] = time.sleep,
) -> int:
    """Run the screen again after it stops on an error, so one bad moment does
    not leave the kiosk dark; give up (exit status 1) when it keeps failing,
    and leave restarting to systemd."""
    failures: list[float] = []
    while True:
        status = run_screen()
        if status == 0:
            return EXIT_OK
        now = monotonic()
        failures = [t for t in failures if now - t < RESTART_WINDOW_SECONDS] + [now]
        if len(failures) > MAX_RESTARTS_IN_WINDOW:
            logger.critical(
                "kiosk screen failed %d times in %d s; giving up",
                len(failures),
                RESTART_WINDOW_SECONDS,
            )
            return EXIT_FAILURE
        logger.warning("kiosk screen stopped with an error; starting it again")
        pause(1.0)


def run_demo(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.demo import HINT, demo_config, install_demo_roster

    config = demo_config(args.data_dir.resolve())
    configure_logging(config.logging.level, config.log_file)
    install_demo_roster(config, clock)
    return run_kiosk(config, args, clock, hint=HINT)

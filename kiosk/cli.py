"""The ``kiosk`` command: parse arguments, load settings, run one subcommand."""

from __future__ import annotations

import argparse
import importlib
import os
import pwd
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.clock import Clock, SystemClock
from kiosk.commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError, module_names
from kiosk.config import ConfigError, load_config
from kiosk.logs import configure_logging
from kiosk.services.signout import SignOutKeyError
from kiosk.store import StoreError


def _config_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="settings file (default: $KIOSK_CONFIG, "
        "else /etc/partner-kiosk/kiosk.toml)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Front-office sign-in kiosk for school partner staff."
    )
    _config_option(parser, None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    # --config is also accepted after the command; SUPPRESS keeps a value
    # given before the command when it is not repeated after it.
    _config_option(common, argparse.SUPPRESS)
    for name in module_names():
        importlib.import_module(f"kiosk.commands.{name}").register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run the ``kiosk`` command; ``clock`` lets tests set the time."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"kiosk: config error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # The data folder holds personal data: whatever this process creates there
    # (database, logs, badges, exports) is for its own user only.
    os.umask(0o077)
    if not getattr(args, "logs_to_file", False):
        configure_logging(config.logging.level)
    try:
        check_data_owner(config.data_dir)
        return args.handler(config, args, clock or SystemClock())
    except (CommandError, StoreError, SignOutKeyError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        # A data folder that cannot be created or written, for example.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"kiosk: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_OK


def check_data_owner(data_dir: Path) -> None:
    """Refuse to run as root on a data folder another user owns.

    Files root creates there (a new database, the signing key, logs) would be
    unreadable for the kiosk's own user, and the kiosk would stop working.
    """
    if os.geteuid() != 0 or not data_dir.is_dir():
        return
    owner = data_dir.stat().st_uid
    if owner == 0:
        return
    try:
        name = pwd.getpwuid(owner).pw_name
    except KeyError:
        name = str(owner)
    raise CommandError(
        f"the data folder {data_dir} belongs to user {name}; run this command "
        f"as that user (sudo -u {name} kiosk ...)"
    )

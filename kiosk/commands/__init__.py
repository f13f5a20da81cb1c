"""The ``kiosk`` subcommands, one module each.

Every module offers ``register(commands, common)``, which adds its parsers
and sets ``handler`` on them to a function ``(config, args, clock) -> int``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from kiosk.clock import Clock
from kiosk.config import Config

Handler = Callable[[Config, argparse.Namespace, Clock], int]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


FIRST_YEAR, LAST_YEAR = 2000, 2099
"""Dates the commands take; outside them a date is a typing mistake."""


def date_argument(text: str) -> date:
    """Parse a YYYY-MM-DD command-line date (an argparse ``type``)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date like 2026-12-04"
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}"
        )
    return day


class CommandError(Exception):
    """A command cannot do its work; the message tells the user why."""


def module_names() -> list[str]:
    """Return the command modules, in the order ``kiosk --help`` lists them."""
    return [
        "run",
        "scan",
        "roster",
        "report",
        "review",
        "badge",
        "staff",
        "doctor",
        "desk",
    ]

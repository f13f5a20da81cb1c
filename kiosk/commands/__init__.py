"""The ``kiosk`` subcommands, one module each.

Every module offers ``register(commands, common)``, which adds its parsers
and sets ``handler`` on them to a function ``(config, args, clock) -> int``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kiosk.clock import Clock
from kiosk.config import Config

Handler = Callable[[Config, argparse.Namespace, Clock], int]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


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

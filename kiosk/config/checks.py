"""Value checks that the settings' fields name in their metadata."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any


def _choice(*allowed: str) -> dict[str, Any]:
    return {"choices": allowed}


def _check(predicate: Callable[[Any], bool], allowed: str) -> dict[str, Any]:
    return {"check": predicate, "allowed": allowed}


def _valid_zone(name: str) -> bool:
    # "localtime" and "posixrules" are files in the zone folder, not zones:
    # they would make the school's dates follow the machine's setting.
    return name in zoneinfo.available_timezones() and name not in _NOT_ZONES


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def _known_profile(name: str) -> bool:
    from kiosk.badges.capabilities import profile_names

    return name in profile_names()


SCHOOL_CODE_RULE = "1 to 16 letters, digits, '-' or '_'"
"""The rule ``is_school_code`` checks, in words for error messages."""


def is_school_code(code: str) -> bool:
    """Tell whether ``code`` is a valid school code (``[kiosk] school``)."""
    return 1 <= len(code) <= 16 and code.replace("-", "").replace("_", "").isalnum()

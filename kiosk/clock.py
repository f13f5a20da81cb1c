"""Time sources. Every component takes a Clock, so tests set the time by injection."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant as an aware datetime in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that shows a set instant until it is moved; safe across threads."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._instant = instant.astimezone(UTC)
        self._lock = threading.Lock()

    @classmethod
    def at_local(cls, text: str, zone: str | ZoneInfo) -> FixedClock:
        """Build a clock at a local wall time such as ``2026-12-04T08:30``."""
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        return cls(datetime.fromisoformat(text).replace(tzinfo=tz))

    def now(self) -> datetime:
        with self._lock:
            return self._instant

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._instant = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._instant += delta


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """Return the calendar date at the school for an instant."""
    return instant.astimezone(zone).date()

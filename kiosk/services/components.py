"""Record the state of the kiosk's devices for the desk's status line."""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import SQLAlchemyError

from kiosk.clock import Clock
from kiosk.services.checkin import Station
from kiosk.store.components import record_component_status
from kiosk.store.database import Store, StoreError, describe_error

logger = logging.getLogger(__name__)

HEARTBEAT = "heartbeat"
"""Component name of the row a running kiosk refreshes every
``[kiosk] heartbeat_seconds``."""

MISSED_HEARTBEATS = 3
"""Heartbeats a kiosk may miss before the desk shows its parts red."""

REPEAT_WARNING_SECONDS = 600.0
"""While a component's status keeps failing to be recorded, its warning is
logged at most this often, with the count of failures since the last one."""


class ComponentStatusRecorder:
    """Writes each change of a component's state to the component status table.

    Called from reader threads. A store that cannot be written loses the status
    update (it is logged), never the reader.
    """

    def __init__(self, store: Store, station: Station, clock: Clock) -> None:
        self.store = store
        self.station = station
        self.clock = clock
        self._failures: dict[str, int] = {}
        self._warned_at: dict[str, float] = {}

    def record(self, component: str, ok: bool, detail: str) -> bool:
        """Store the component's state; False when the store cannot be written."""
        at = self.clock.now()
        try:
            self.store.write(
                lambda session: record_component_status(
                    session, self.station.source, component, ok, detail, at
                )
            )
        except (SQLAlchemyError, StoreError) as exc:
            self._warn(component, ok, describe_error(exc))
            return False
        failures = self._failures.pop(component, 0)
        self._warned_at.pop(component, None)
        if failures:
            logger.info(
                "recorded %s status again after %d failed attempts",
                component,
                failures,
            )
        return True

    def _warn(self, component: str, ok: bool, error: str) -> None:
        failures = self._failures.get(component, 0) + 1
        self._failures[component] = failures
        now = time.monotonic()
        last = self._warned_at.get(component)
        if last is not None and now - last < REPEAT_WARNING_SECONDS:
            return
        self._warned_at[component] = now
        logger.warning(
            "could not record %s status (%s), %d failed attempts so far: %s",
            component,
            "ok" if ok else "down",
            failures,
            error,
        )

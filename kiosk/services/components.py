"""Record the state of the kiosk's devices for the desk's status line."""

from __future__ import annotations

import logging

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


class ComponentStatusRecorder:
    """Writes each change of a component's state to the component status table.

    Called from reader threads. A store that cannot be written loses the status
    update (it is logged), never the reader.
    """

    def __init__(self, store: Store, station: Station, clock: Clock) -> None:
        self.store = store
        self.station = station
        self.clock = clock

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
            logger.warning(
                "could not record %s status (%s): %s",
                component,
                "ok" if ok else "down",
                describe_error(exc),
            )
            return False
        return True

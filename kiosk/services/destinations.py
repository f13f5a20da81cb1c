"""Where in the school a visitor is going, chosen at the kiosk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit


def set_destination(
    store: Store, visit_id: int, destination: str, source: EventSource, now: datetime
) -> None:
    """Store the place the visitor of ``visit_id`` chose and log the choice.

    Raises:
        ValueError: the visit does not exist.
    """

    def work(session: Session) -> None:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise ValueError(f"visit {visit_id} not found")
        visit.destination = destination[:100]
        append_event(
            session,
            source,
            "destination",
            now,
            visit_id=visit_id,
            person_id=visit.person_id,
            detail={"destination": visit.destination},
        )

    store.write(work)

"""Alert time-out: a refusal nobody acknowledged in time goes to the principal.

The desk, the kiosk's periodic work and the daily job each call
``expire_stale_alerts`` for their own school, so alerts time out whether or
not a desk is open. The write re-reads the open alerts under the store's
write lock (``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), so callers running at once mark each alert once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit

logger = logging.getLogger(__name__)


def expire_alerts(
    session: Session, source: EventSource, now: datetime, timeout: timedelta
) -> list[int]:
    """Mark alerts at ``source.school`` open longer than ``timeout`` as timed
    out, in the caller's write transaction; return their visit ids."""
    visits = session.scalars(
        select(Visit)
        .where(
            Visit.school == source.school,
            Visit.alert_status == "open",
            Visit.scanned_at < now - timeout,
        )
        .order_by(Visit.id)
        .with_for_update()
    ).all()
    for visit in visits:
        visit.alert_status = "timed_out"
        append_event(
            session,
            source,
            "alert_timed_out",
            now,
            visit_id=visit.id,
            person_id=visit.person_id,
            detail={"timeout_minutes": timeout.total_seconds() / 60},
        )
    return [visit.id for visit in visits]


def expire_stale_alerts(
    store: Store, source: EventSource, now: datetime, timeout: timedelta
) -> list[int]:
    """Mark this school's alerts open past ``timeout`` as timed out; return
    their visit ids.

    A read checks for such an alert first, so most calls write nothing.
    Raises SQLAlchemyError when the store cannot be read or written.
    """
    with store.read() as session:
        stale = session.scalar(
            select(
                exists().where(
                    Visit.school == source.school,
                    Visit.alert_status == "open",
                    Visit.scanned_at < now - timeout,
                )
            )
        )
    if not stale:
        return []
    expired = store.write(lambda session: expire_alerts(session, source, now, timeout))
    if expired:
        logger.info(
            "alerts at %s timed out: %d (visits %s)",
            source.school,
            len(expired),
            ", ".join(str(visit_id) for visit_id in expired),
        )
    return expired

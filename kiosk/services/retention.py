"""Retention: purge visits and events older than the district's policy allows.

Events go oldest first, as a run of whole ids, so the chain that remains
still verifies: the purge logs a ``log_purged`` checkpoint with the id and
hash of the last entry it removed, and verification starts from there. The
checkpoint also lists the ids of the visits removed, because later events
may still name them. A purge refuses to run while the log does not verify,
so it never erases the evidence of an edited entry or visit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kiosk.services.integrity import PURGE_KIND, PURGED_VISITS, id_ranges, verify_chain
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import ChainHead, Event, Visit

logger = logging.getLogger(__name__)


class RetentionError(Exception):
    """The purge did not run; nothing was removed."""


@dataclass(frozen=True)
class PurgeResult:
    cutoff: date
    """Records from before this local date were purged."""
    visits: int
    events: int
    through_event_id: int | None
    """Id of the newest event removed."""
    checkpoint_event_id: int | None
    """Id of the ``log_purged`` event, or None when nothing was removed."""


def purge_cutoff(now: datetime, zone: ZoneInfo, days: int) -> datetime:
    """Return the first instant kept: the start of the local day ``days`` ago."""
    today = now.astimezone(zone).date()
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=zone)


def _purgeable_through(session: Session, cutoff: datetime) -> int | None:
    """Return the newest event id such that it and every older one predate ``cutoff``.

    Kiosks sharing a database may log slightly out of time order; stopping
    at the first kept entry keeps the removed part a clean prefix of ids.
    """
    first_kept = session.scalar(select(func.min(Event.id)).where(Event.at >= cutoff))
    if first_kept is None:
        return session.scalar(select(func.max(Event.id)))
    through = first_kept - 1
    oldest = session.scalar(select(func.min(Event.id)))
    if oldest is None or through < oldest:
        return None
    return through


def purge(
    store: Store, source: EventSource, now: datetime, zone: ZoneInfo, days: int
) -> PurgeResult:
    """Remove visits and events from before the retention period; log the purge.

    Raises RetentionError when ``days`` is not positive or the event log does
    not verify (an entry, or a visit the log vouches for, was changed, added
    or removed outside the kiosk).
    """
    if days <= 0:
        raise RetentionError("retention is off ([retention] days = 0)")
    cutoff = purge_cutoff(now, zone, days)

    def work(session: Session) -> PurgeResult:
        # Lock the chain head first, so no entry is appended during the purge.
        session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update())
        checked = verify_chain(session)
        if not checked.ok:
            raise RetentionError(
                "nothing purged because the log does not verify: "
                + str(checked.problem(zone))
            )
        through = _purgeable_through(session, cutoff)
        through_hash = None
        events = 0
        if through is not None:
            through_hash = session.scalar(select(Event.hash).where(Event.id == through))
            events = session.execute(delete(Event).where(Event.id <= through)).rowcount
        purged_ids = session.scalars(
            select(Visit.id).where(Visit.scanned_at < cutoff).order_by(Visit.id)
        ).all()
        visits = session.execute(
            delete(Visit).where(Visit.scanned_at < cutoff)
        ).rowcount
        if not events and not visits:
            return PurgeResult(cutoff.date(), 0, 0, None, None)
        detail = {
            "cutoff": cutoff.date().isoformat(),
            "retention_days": days,
            "visits": visits,
            "events": events,
            # Verification accepts these visits' absence while their events
            # remain in the log.
            PURGED_VISITS: id_ranges(purged_ids),
        }
        if through is not None:
            detail |= {"through_event_id": through, "through_hash": through_hash}
        checkpoint = append_event(session, source, PURGE_KIND, now, detail=detail)
        return PurgeResult(cutoff.date(), visits, events, through, checkpoint.id)

    result = store.write(work)
    if result.checkpoint_event_id is not None:
        logger.info(
            "purged %d visits and %d events from before %s (checkpoint event %d)",
            result.visits,
            result.events,
            result.cutoff,
            result.checkpoint_event_id,
        )
    return result

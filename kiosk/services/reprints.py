"""The desk's reprint queue: badges no printer took, waiting for the clerk.

A badge enters the queue when every printer failed (``badge_status =
'queued'``), or when a kiosk stopped between storing a sign-in and printing
its badge: the kiosk queues those when it starts again
(:func:`queue_unfinished_badges`), and until then this module lists them once
they are ``pending`` for longer than ``STALE_PENDING``. It leaves the queue
when a reprint succeeds, when the clerk dismisses it (hand-written badge,
visitor gone), or when the visitor signs out. Reprinting itself is
``BadgePrinter.print_visit(visit_id, reprint=True, staff_id=...)``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.services.badging import BadgeError
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Event, Visit

logger = logging.getLogger(__name__)

STALE_PENDING = timedelta(minutes=2)
"""A badge still ``pending`` this long after the sign-in was never printed."""

DISMISSED = "dismissed"
UNFINISHED_PRINT = "print_unfinished"
"""Reason of a ``badge_queued`` event: the kiosk stopped before the print of
the badge had an outcome."""


@dataclass(frozen=True)
class QueuedBadge:
    visit_id: int
    name: str
    organization: str
    signed_in_at: datetime
    """Local time of the sign-in."""
    kiosk_id: str
    error: str | None
    """Reason code of the last failed attempt; None for a stale ``pending``."""
    attempts: int
    """Failed print attempts so far."""


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def reprint_queue(
    session: Session, school: str, now: datetime, zone: ZoneInfo
) -> list[QueuedBadge]:
    """Return the badges of ``school`` waiting for a reprint, oldest first.

    Only visits signed in on the local day of ``now`` and not signed out are
    listed: a badge is valid on its day only.
    """
    start, end = _day_bounds(now.astimezone(zone).date(), zone)
    visits = session.scalars(
        select(Visit)
        .where(
            Visit.school == school,
            Visit.admitted.is_(True),
            Visit.sign_out_method.is_(None),
            Visit.signed_in_at >= start,
            Visit.signed_in_at < end,
            or_(
                Visit.badge_status == "queued",
                (Visit.badge_status == "pending")
                & (Visit.signed_in_at < now - STALE_PENDING),
            ),
        )
        .order_by(Visit.signed_in_at, Visit.id)
    ).all()
    failures: dict[int, list[Event]] = {visit.id: [] for visit in visits}
    if failures:
        for event in session.scalars(
            select(Event)
            .where(Event.kind == "print_failed", Event.visit_id.in_(failures))
            .order_by(Event.id)
        ):
            failures[event.visit_id].append(event)
    queue = []
    for visit in visits:
        if visit.person is not None:
            name = visit.person.display_name
            organization = visit.person.organization.name
        else:
            name, organization = visit.visitor_name or "", visit.visitor_purpose or ""
        failed = failures[visit.id]
        assert visit.signed_in_at is not None
        queue.append(
            QueuedBadge(
                visit_id=visit.id,
                name=name,
                organization=organization,
                signed_in_at=visit.signed_in_at.astimezone(zone),
                kiosk_id=visit.kiosk_id,
                error=failed[-1].detail.get("error") if failed else None,
                attempts=len(failed),
            )
        )
    return queue


def dismiss_badge(
    store: Store,
    visit_id: int,
    source: EventSource,
    now: datetime,
    staff_id: int | None = None,
) -> None:
    """Take a badge out of the reprint queue without printing it.

    Raises:
        BadgeError: the visit does not exist or its badge is not waiting.
    """

    def work(session: Session) -> None:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise BadgeError(f"visit {visit_id} not found")
        if visit.badge_status not in ("queued", "pending"):
            raise BadgeError(
                f"the badge of visit {visit_id} is not waiting for a reprint "
                f"(it is {visit.badge_status})"
            )
        visit.badge_status = DISMISSED
        append_event(
            session,
            source,
            "badge_dismissed",
            now,
            visit_id=visit_id,
            person_id=visit.person_id,
            detail={"staff_id": staff_id} if staff_id is not None else {},
        )

    store.write(work)


def queue_unfinished_badges(
    store: Store, source: EventSource, started_at: datetime, now: datetime
) -> list[int]:
    """Put the badges an earlier run of this kiosk left ``pending`` into the
    reprint queue, logging a ``badge_queued`` event for each.

    A badge is ``pending`` from the stored sign-in until its print has an
    outcome, so one still pending when the kiosk starts may never have
    printed (the kiosk stopped or crashed in between). Only visits this kiosk signed
    in before ``started_at`` are moved, because other kiosks sharing the
    database, and this run, may be printing theirs now. Visits signed out
    since need no badge and are left alone. Returns the queued visit ids.
    """

    def work(session: Session) -> list[int]:
        visits = session.scalars(
            select(Visit)
            .where(
                Visit.school == source.school,
                Visit.kiosk_id == source.kiosk_id,
                Visit.admitted.is_(True),
                Visit.badge_status == "pending",
                Visit.sign_out_method.is_(None),
                Visit.signed_in_at < started_at,
            )
            .order_by(Visit.id)
        ).all()
        for visit in visits:
            visit.badge_status = "queued"
            append_event(
                session,
                source,
                "badge_queued",
                now,
                visit_id=visit.id,
                person_id=visit.person_id,
                reasons=[UNFINISHED_PRINT],
            )
        return [visit.id for visit in visits]

    queued = store.write(work)
    if queued:
        logger.warning(
            "moved %d badge(s) whose print never finished to the reprint queue: "
            "visits %s",
            len(queued),
            ",".join(str(visit_id) for visit_id in queued),
        )
    return queued

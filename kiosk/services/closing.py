"""End of the school day: visits still open are marked not signed out.

A visit marked this way gets no made-up time out. It stays on the principal's
list until a principal records the real time out with a note.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services.freetext import text_problem
from kiosk.services.staff import StaffMember
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit

logger = logging.getLogger(__name__)

NOT_SIGNED_OUT = "not_signed_out"
MAX_NOTE_LENGTH = 500


class ClosingError(Exception):
    """A time out cannot be recorded; ``reason`` is a code for the log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def closing_instant(day: date, zone: ZoneInfo, closing_time: time) -> datetime:
    return datetime.combine(day, closing_time, tzinfo=zone)


def close_cutoff(now: datetime, zone: ZoneInfo, closing_time: time) -> datetime:
    """Return the instant before which a sign-in counts as past its closing.

    Before today's closing time that is the start of today, so only earlier
    days are closed. From closing time on, it is today's closing instant: a
    visit that began after closing (an evening event) stays open until the
    next day's run.
    """
    today = now.astimezone(zone).date()
    closing = closing_instant(today, zone, closing_time)
    if now >= closing:
        return closing
    return datetime.combine(today, time.min, tzinfo=zone)


def close_open_visits(
    store: Store,
    source: EventSource,
    now: datetime,
    zone: ZoneInfo,
    closing_time: time,
) -> list[int]:
    """Mark not signed out every open visit at the school past its closing time.

    Safe to run as often as wanted: a visit is marked once. Returns the ids of
    the visits marked by this run.
    """
    cutoff = close_cutoff(now, zone, closing_time)

    def work(session: Session) -> list[int]:
        visits = session.scalars(
            select(Visit)
            .where(
                Visit.school == source.school,
                Visit.signed_in_at.is_not(None),
                Visit.signed_in_at < cutoff,
                Visit.sign_out_method.is_(None),
            )
            .order_by(Visit.id)
        ).all()
        for visit in visits:
            visit.sign_out_method = NOT_SIGNED_OUT
            append_event(
                session,
                source,
                "visit_closed",
                now,
                visit_id=visit.id,
                person_id=visit.person_id,
                detail={"method": NOT_SIGNED_OUT, "school": visit.school},
            )
        return [visit.id for visit in visits]

    marked = store.write(work)
    if marked:
        logger.info(
            "closing at %s: %d visits marked not signed out", source.school, len(marked)
        )
    return marked


def local_instant(day: date, clock_text: str, zone: ZoneInfo) -> datetime:
    """Return the instant of wall time ``HH:MM`` on ``day`` at the school.

    A wall time that occurs twice (the hour repeated when daylight saving
    ends) is taken as the first of the two.
    """
    try:
        wall = time.fromisoformat(clock_text.strip())
    except ValueError:
        raise ClosingError(
            "invalid_time", f"time {clock_text!r} is not a time like 16:45"
        ) from None
    return datetime.combine(day, wall, tzinfo=zone)


def record_time_out(
    store: Store,
    source: EventSource,
    now: datetime,
    staff: StaffMember,
    visit_id: int,
    time_out: datetime,
    note: str,
) -> None:
    """Store the real time out of a visit marked not signed out.

    Raises ClosingError when the staff member is not a principal, the visit
    is not one marked not signed out, the time is not after the sign-in or
    lies in the future, or the note is empty, too long or holds a control
    character (a note is one line of text).
    """
    note = note.strip()
    if not staff.sees_confidential:
        raise ClosingError("not_principal", "only a principal can record a time out")
    if not note:
        raise ClosingError("note_missing", "say in a note how the time out is known")
    if len(note) > MAX_NOTE_LENGTH:
        raise ClosingError(
            "note_too_long", f"the note is longer than {MAX_NOTE_LENGTH} characters"
        )
    problem = text_problem(note, MAX_NOTE_LENGTH)
    if problem is not None:
        raise ClosingError(
            "note_invalid", f"the note {problem}; type it as one line of text"
        )
    if time_out > now:
        raise ClosingError("time_in_future", "the time out is later than now")

    def work(session: Session) -> None:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.school != source.school:
            raise ClosingError("unknown_visit", f"no visit {visit_id} at this school")
        if visit.sign_out_method != NOT_SIGNED_OUT:
            raise ClosingError(
                "not_marked", f"visit {visit_id} is not marked not signed out"
            )
        if visit.signed_out_at is not None:
            raise ClosingError(
                "already_recorded", f"visit {visit_id} already has a time out"
            )
        assert visit.signed_in_at is not None
        if time_out <= visit.signed_in_at:
            raise ClosingError(
                "before_sign_in", "the time out is not after the sign-in"
            )
        if time_out - visit.signed_in_at > timedelta(days=1):
            raise ClosingError(
                "too_long", "the time out is more than a day after the sign-in"
            )
        visit.signed_out_at = time_out
        visit.signed_out_by = staff.id
        visit.sign_out_note = note
        # The note is free text and may name people, so only ids go in the log.
        append_event(
            session,
            source,
            "time_out_recorded",
            now,
            visit_id=visit.id,
            person_id=visit.person_id,
            detail={"staff_id": staff.id},
        )

    store.write(work)
    logger.info("time out of visit %d recorded by staff %d", visit_id, staff.id)

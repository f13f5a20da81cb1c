"""Verify the hash-chained event log and name the first entry changed or removed.

The chain starts at the genesis hash, or, once old entries were purged, at
the checkpoint the newest purge logged: ``log_purged`` carries the id and hash
of the last entry it removed, and the oldest remaining entry must point at
that hash. Ids are handed out one by one under the chain-head lock, so a gap
in the ids is a removed entry. The chain-head row names the newest entry, so
removing entries from the end shows too.

NOTE: a hash chain kept in the same database proves that nobody edited rows
by hand; someone able to rewrite every later row and the head row together
can forge it. Copy the head hash elsewhere (``kiosk report verify`` prints
it) to anchor it outside the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.services.plurals import counted
from kiosk.store.events import GENESIS_HASH, event_hash
from kiosk.store.models import ChainHead, Event

PURGE_KIND = "log_purged"
CHANGED = "changed"
REMOVED = "removed"
BATCH = 5000


@dataclass(frozen=True)
class ChainBreak:
    """The first entry the chain cannot vouch for."""

    event_id: int
    problem: str
    """``changed`` or ``removed``."""
    at: datetime | None
    """When the entry was logged; for a removed entry, when the next kept one was."""
    detail: str

    def describe(self, zone: ZoneInfo | None = None) -> str:
        when = ""
        if self.at is not None:
            shown = self.at.astimezone(zone) if zone else self.at
            prefix = "before " if self.problem == REMOVED else ""
            when = f" ({prefix}{shown:%Y-%m-%d %H:%M})"
        return f"event {self.event_id} was {self.problem}{when}: {self.detail}"


@dataclass(frozen=True)
class Verification:
    checked: int
    """Entries whose hash was recomputed."""
    first_id: int | None
    last_id: int | None
    head_hash: str
    anchor: str
    """Where the chain starts: ``genesis`` or the purge checkpoint used."""
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _latest_checkpoint(session: Session) -> tuple[int, str, int] | None:
    """Return (through id, through hash, purge event id) of the newest purge."""
    best = None
    for event_id, detail in session.execute(
        select(Event.id, Event.detail).where(Event.kind == PURGE_KIND)
    ):
        through = detail.get("through_event_id")
        through_hash = detail.get("through_hash")
        if not isinstance(through, int) or not isinstance(through_hash, str):
            continue
        if best is None or through > best[0]:
            best = (through, through_hash, event_id)
    return best


def _anchor(session: Session, first_id: int) -> tuple[int, str, str] | ChainBreak:
    """Return (expected first id, expected prev hash, description) or a break."""
    checkpoint = _latest_checkpoint(session)
    if checkpoint is None:
        if first_id == 1:
            return 1, GENESIS_HASH, "genesis"
        return ChainBreak(
            1,
            REMOVED,
            None,
            "the oldest entries are missing and no purge checkpoint accounts for them",
        )
    through, through_hash, purge_id = checkpoint
    return through + 1, through_hash, f"purge checkpoint in event {purge_id}"


def verify_chain(session: Session) -> Verification:
    """Recompute every hash and link of the event log, oldest first."""
    head = session.get(ChainHead, 1)
    head_id = head.last_event_id if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    first_id = session.scalar(select(func.min(Event.id)))
    if first_id is None:
        if head_id == 0:
            return Verification(0, None, None, head_hash, "genesis")
        gone = ChainBreak(1, REMOVED, None, f"all {head_id} entries are missing")
        return Verification(0, None, None, head_hash, "genesis", gone)

    anchor = _anchor(session, first_id)
    if isinstance(anchor, ChainBreak):
        return Verification(0, first_id, None, head_hash, "genesis", anchor)
    expected_id, expected_prev, anchor_text = anchor

    checked = 0
    last_id: int | None = None
    last_hash = expected_prev
    rows = session.execute(
        select(*Event.__table__.columns)
        .order_by(Event.id)
        .execution_options(yield_per=BATCH)
    )
    for row in rows:
        broken = _check_row(row, expected_id, last_hash, last_id)
        if broken is not None:
            rows.close()
            return Verification(
                checked, first_id, last_id, head_hash, anchor_text, broken
            )
        checked += 1
        last_id, last_hash = row.id, row.hash
        expected_id = row.id + 1

    broken = _check_head(head_id, head_hash, last_id, last_hash)
    return Verification(checked, first_id, last_id, head_hash, anchor_text, broken)


def _check_row(
    row: object, expected_id: int, prev_hash: str, prev_id: int | None
) -> ChainBreak | None:
    event_id: int = row.id  # type: ignore[attr-defined]
    at: datetime = row.at  # type: ignore[attr-defined]
    if event_id > expected_id:
        count = event_id - expected_id
        return ChainBreak(
            expected_id,
            REMOVED,
            at,
            f"{count} entr{'y' if count == 1 else 'ies'} missing before event "
            f"{event_id}",
        )
    if event_id < expected_id:
        return ChainBreak(
            event_id, CHANGED, at, "this entry lies inside the purged range"
        )
    if event_hash(row) != row.hash:  # type: ignore[arg-type, attr-defined]
        return ChainBreak(
            event_id, CHANGED, at, "its content no longer matches its hash"
        )
    if row.prev_hash != prev_hash:  # type: ignore[attr-defined]
        if prev_id is None:
            return ChainBreak(
                event_id,
                CHANGED,
                at,
                "it does not link to the purge checkpoint or the start of the log",
            )
        return ChainBreak(
            prev_id,
            CHANGED,
            None,
            f"event {event_id} no longer links to it (rewritten with a new hash)",
        )
    return None


def _check_head(
    head_id: int, head_hash: str, last_id: int | None, last_hash: str
) -> ChainBreak | None:
    if last_id is None or (last_id == head_id and last_hash == head_hash):
        return None
    if last_id < head_id:
        count = head_id - last_id
        return ChainBreak(
            last_id + 1,
            REMOVED,
            None,
            f"the newest {count} entr{'y is' if count == 1 else 'ies are'} missing "
            f"(the log ended at event {head_id})",
        )
    if last_id > head_id:
        return ChainBreak(
            head_id + 1, CHANGED, None, "entries were added outside the log's lock"
        )
    return ChainBreak(last_id, CHANGED, None, "it no longer matches the chain head")


def last_event_through(session: Session, school: str, before: datetime) -> int | None:
    """Return the id of the newest event of ``school`` logged before ``before``."""
    return session.scalar(
        select(func.max(Event.id)).where(Event.school == school, Event.at < before)
    )


def day_verifies(
    session: Session,
    result: Verification,
    school: str,
    day_end: datetime,
) -> bool:
    """Return True when every entry up to the end of a day is vouched for."""
    if result.ok:
        return True
    last = last_event_through(session, school, day_end)
    return last is not None and last < result.broken.event_id  # type: ignore[union-attr]


def describe(result: Verification, zone: ZoneInfo | None = None) -> str:
    if result.broken is not None:
        return f"log does not verify: {result.broken.describe(zone)}"
    if result.checked == 0:
        return "log verifies: no entries yet"
    return (
        f"log verifies: {counted(result.checked, 'entry', 'entries')}, "
        f"events {result.first_id} to "
        f"{result.last_id}, from {result.anchor}; head hash {result.head_hash}"
    )


def day_status(
    session: Session,
    result: Verification,
    school: str,
    day: date,
    zone: ZoneInfo,
) -> str:
    """Return one line for the review screen on whether the day's log verifies."""
    from kiosk.services.reports import day_bounds

    end = day_bounds(day, zone)[1]
    if day_verifies(session, result, school, end):
        if result.ok:
            return f"Log verified ({counted(result.checked, 'entry', 'entries')})"
        return "Log verified for this day; a later entry is broken"
    return f"LOG BROKEN: {result.broken.describe(zone)}"  # type: ignore[union-attr]

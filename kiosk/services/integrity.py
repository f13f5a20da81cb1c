"""Verify the hash-chained event log and name the first entry changed or removed.

The chain starts at the genesis hash, or, once old entries were purged, at
the checkpoint the newest purge logged: ``log_purged`` carries the id and hash
of the last entry it removed, and the oldest remaining entry must point at
that hash. Ids are handed out one by one under the chain-head lock, so a gap
in the ids is a removed entry. The chain-head row names the newest entry, so
removing entries from the end shows too.

Reports are built from the visits table, so verification also ties each
visit to the log: every event that names a visit carries a digest of the
visit's audited fields after the event (see store.visit_digest), and each
stored visit must match the digest in its newest such event. A visit with no
event is one added by hand; a visit the log names but the table lacks was
removed by hand, unless a purge checkpoint lists it.

NOTE: a hash chain kept in the same database proves that nobody edited rows
by hand; someone able to rewrite every later row and the head row together
can forge it. Copy the head hash elsewhere (``kiosk report verify`` prints
it) to anchor it outside the database.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.services.plurals import counted
from kiosk.store.events import GENESIS_HASH, event_hash
from kiosk.store.models import ChainHead, Event
from kiosk.store.visit_digest import all_digests

PURGE_KIND = "log_purged"
PURGED_VISITS = "purged_visits"
"""Key of a purge checkpoint's detail listing the removed visit ids as
``[first, last]`` ranges."""
CHANGED = "changed"
REMOVED = "removed"
ADDED = "added"
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
class VisitMismatch:
    """A visit whose row the log does not vouch for."""

    visit_id: int
    problem: str
    """``changed`` (fields differ from the newest event's digest), ``added``
    (no event names it) or ``removed`` (events name it, the table lacks it)."""
    school: str
    at: datetime
    """When the visit began; for a removed visit, its oldest event left."""
    event_id: int | None
    """The newest event naming the visit; None for an added visit."""

    def describe(self, zone: ZoneInfo | None = None) -> str:
        shown = self.at.astimezone(zone) if zone else self.at
        when = f"{shown:%Y-%m-%d %H:%M}"
        if self.problem == CHANGED:
            return (
                f"visit {self.visit_id} ({when}) was changed outside the kiosk: "
                f"its fields no longer match event {self.event_id}"
            )
        if self.problem == ADDED:
            return (
                f"visit {self.visit_id} ({when}) was added outside the kiosk: "
                "no event records it"
            )
        return (
            f"visit {self.visit_id} was removed: event {self.event_id} "
            f"({when}) records it and no purge removed it"
        )


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
    visits_checked: int = 0
    """Stored visits compared with the log; 0 when the chain is broken."""
    visit_problems: tuple[VisitMismatch, ...] = field(default=())
    """Every visit that does not match the log, by visit id."""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.visit_problems

    def problem(self, zone: ZoneInfo | None = None) -> str | None:
        """Return the first thing that does not verify, in words, or None."""
        if self.broken is not None:
            return self.broken.describe(zone)
        if not self.visit_problems:
            return None
        text = self.visit_problems[0].describe(zone)
        more = len(self.visit_problems) - 1
        if more:
            text += f" (and {counted(more, 'other visit')})"
        return text


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
    logged = _LoggedVisits()
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
        logged.add(row)

    broken = _check_head(head_id, head_hash, last_id, last_hash)
    if broken is not None:
        return Verification(checked, first_id, last_id, head_hash, anchor_text, broken)
    visits, problems = _check_visits(session, logged)
    return Verification(
        checked,
        first_id,
        last_id,
        head_hash,
        anchor_text,
        visits_checked=visits,
        visit_problems=tuple(problems),
    )


def id_ranges(ids: Sequence[int]) -> list[list[int]]:
    """Return sorted ``ids`` as ``[first, last]`` runs of consecutive ids."""
    ranges: list[list[int]] = []
    for visit_id in sorted(ids):
        if ranges and visit_id == ranges[-1][1] + 1:
            ranges[-1][1] = visit_id
        else:
            ranges.append([visit_id, visit_id])
    return ranges


class _LoggedVisits:
    """What the chain's entries record about visits, gathered in one pass."""

    def __init__(self) -> None:
        self.newest: dict[int, tuple[int, str, str]] = {}
        """Visit id to (event id, school, digest) of its newest digest entry."""
        self.oldest_at: dict[int, datetime] = {}
        self.purged: list[tuple[int, int]] = []
        """Visit id ranges that purge checkpoints removed."""

    def add(self, row: object) -> None:
        visit_id = row.visit_id  # type: ignore[attr-defined]
        digest = row.visit_digest  # type: ignore[attr-defined]
        if visit_id is not None and digest is not None:
            self.newest[visit_id] = (row.id, row.school, digest)  # type: ignore[attr-defined]
            self.oldest_at.setdefault(visit_id, row.at)  # type: ignore[attr-defined]
        if row.kind == PURGE_KIND:  # type: ignore[attr-defined]
            for span in row.detail.get(PURGED_VISITS, []):  # type: ignore[attr-defined]
                if isinstance(span, list) and len(span) == 2:
                    self.purged.append((int(span[0]), int(span[1])))

    def was_purged(self, visit_id: int) -> bool:
        """Tell whether a purge removed ``visit_id``; needs ``purged`` sorted."""
        index = bisect.bisect_right(self.purged, (visit_id, float("inf"))) - 1
        return index >= 0 and self.purged[index][1] >= visit_id


def _check_visits(
    session: Session, logged: _LoggedVisits
) -> tuple[int, list[VisitMismatch]]:
    """Compare every stored visit with its newest entry; return the count
    checked and the visits that do not match, by id."""
    problems = []
    checked = 0
    logged.purged.sort()
    for visit_id, school, scanned_at, digest in all_digests(session):
        checked += 1
        entry = logged.newest.pop(visit_id, None)
        if entry is None:
            problems.append(VisitMismatch(visit_id, ADDED, school, scanned_at, None))
        elif entry[2] != digest:
            problems.append(
                VisitMismatch(visit_id, CHANGED, school, scanned_at, entry[0])
            )
    for visit_id, (event_id, school, _) in logged.newest.items():
        if not logged.was_purged(visit_id):
            at = logged.oldest_at[visit_id]
            problems.append(VisitMismatch(visit_id, REMOVED, school, at, event_id))
    problems.sort(key=lambda problem: problem.visit_id)
    return checked, problems


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


def _day_visit_problems(
    result: Verification,
    school: str,
    day_start: datetime | None,
    day_end: datetime,
) -> list[VisitMismatch]:
    return [
        problem
        for problem in result.visit_problems
        if problem.school == school
        and problem.at < day_end
        and (day_start is None or problem.at >= day_start)
    ]


def day_verifies(
    session: Session,
    result: Verification,
    school: str,
    day_end: datetime,
    day_start: datetime | None = None,
) -> bool:
    """Return True when every entry up to the end of a day is vouched for,
    and every visit of ``school`` that began before ``day_end`` (and from
    ``day_start`` on, when given) matches the log."""
    if result.ok:
        return True
    if result.broken is not None:
        last = last_event_through(session, school, day_end)
        if last is None or last >= result.broken.event_id:
            return False
    return not _day_visit_problems(result, school, day_start, day_end)


def describe(result: Verification, zone: ZoneInfo | None = None) -> str:
    problem = result.problem(zone)
    if problem is not None:
        return f"log does not verify: {problem}"
    if result.checked == 0:
        return "log verifies: no entries yet"
    return (
        f"log verifies: {counted(result.checked, 'entry', 'entries')}, "
        f"events {result.first_id} to "
        f"{result.last_id}, from {result.anchor}; "
        f"{counted(result.visits_checked, 'visit')} match the log; "
        f"head hash {result.head_hash}"
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

    start, end = day_bounds(day, zone)
    if day_verifies(session, result, school, end, start):
        if result.ok:
            return f"Log verified ({counted(result.checked, 'entry', 'entries')})"
        return "Log verified for this day; records of another day do not verify"
    on_day = _day_visit_problems(result, school, start, end)
    if result.broken is None and on_day:
        return f"LOG BROKEN: {on_day[0].describe(zone)}"
    return f"LOG BROKEN: {result.problem(zone)}"

"""The append-only, hash-chained event log.

Each event's hash covers its own fields and the previous event's hash, so an
edited or deleted row breaks the chain from that point on. Appends lock the
single ``chain_head`` row, which serializes writers across processes and, in
district mode, across kiosks sharing one PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import ChainHead, Event
from kiosk.store.visit_digest import current_digest

GENESIS_HASH = "0" * 64


def event_hash(event: Event) -> str:
    """Return the hash an event must carry, given its ``prev_hash``."""
    body = {
        "id": event.id,
        "at": event.at.isoformat(timespec="microseconds"),
        "school": event.school,
        "kiosk_id": event.kiosk_id,
        "kind": event.kind,
        "visit_id": event.visit_id,
        "person_id": event.person_id,
        "reasons": list(event.reasons or []),
        "detail": event.detail or {},
        "visit_digest": event.visit_digest,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EventSource:
    """Where events come from: the school and the kiosk (or desk) writing them."""

    school: str
    kiosk_id: str


def append_event(
    session: Session,
    source: EventSource,
    kind: str,
    at: datetime,
    *,
    visit_id: int | None = None,
    person_id: str | None = None,
    reasons: list[str] | tuple[str, ...] = (),
    detail: dict[str, Any] | None = None,
) -> Event:
    """Add one event to the log inside the caller's write transaction.

    ``detail`` holds ids, counts and codes only, never personal data. With
    ``visit_id``, the event also records the digest of that visit's audited
    fields as they stand now, so append the event after changing the visit.
    """
    head = session.execute(
        select(ChainHead).where(ChainHead.id == 1).with_for_update()
    ).scalar_one()
    # Read the visit under the chain-head lock. A transaction that changed
    # it appends its own event and holds the lock until it commits, so the
    # newest event of a visit always carries the visit's latest digest.
    digest = current_digest(session, visit_id) if visit_id is not None else None
    row = Event(
        id=head.last_event_id + 1,
        at=at.astimezone(UTC),
        school=source.school,
        kiosk_id=source.kiosk_id,
        kind=kind,
        visit_id=visit_id,
        person_id=person_id,
        reasons=list(reasons),
        detail=dict(detail or {}),
        visit_digest=digest,
        prev_hash=head.last_hash,
    )
    row.hash = event_hash(row)
    session.add(row)
    head.last_event_id = row.id
    head.last_hash = row.hash
    session.flush()
    return row

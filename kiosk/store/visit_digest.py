"""Digests of the audited fields of a visit, which tie the visits table to the log.

Every event that names a visit carries the digest of that visit's audited
fields as stored just after the event (``Event.visit_digest``), and the event
hash covers it. Reports and the review are built from the visits table, so
verification recomputes each visit's digest and compares it with the one in
the visit's newest event. Every code path of the kiosk that changes a visit
logs an event for it, so an edit made any other way shows as a mismatch.

Audited are the fields that reports, exports and the review show or decide
on. Badge bookkeeping (``badge_status``, ``badge_path``, ``photo_path``)
changes while badges print and is left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from kiosk.store.models import Visit

AUDITED_FIELDS = (
    "school",
    "kiosk_id",
    "person_id",
    "org_id",
    "credential",
    "admitted",
    "reasons",
    "notices",
    "confidential_reasons",
    "scanned_at",
    "signed_in_at",
    "signed_out_at",
    "sign_out_method",
    "destination",
    "visitor_name",
    "visitor_purpose",
    "alert_status",
    "alert_handled_by",
    "alert_handled_at",
    "override_by",
    "override_reason",
    "overridden_at",
    "signed_out_by",
    "sign_out_note",
)
"""Visit columns covered by the digest; every other column may change freely."""

BATCH = 5000

_COLUMNS = [Visit.__table__.c[name] for name in AUDITED_FIELDS]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def digest_of(row: Row[Any]) -> str:
    """Return the digest of a row that has every column in AUDITED_FIELDS."""
    body = {name: _plain(row._mapping[name]) for name in AUDITED_FIELDS}
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_digest(session: Session, visit_id: int) -> str | None:
    """Return the digest of the visit as the database stores it now, pending
    changes of the session included, or None when there is no such visit."""
    session.flush()
    row = session.execute(
        select(*_COLUMNS).where(Visit.__table__.c.id == visit_id)
    ).one_or_none()
    return None if row is None else digest_of(row)


def all_digests(session: Session) -> Iterator[tuple[int, str, datetime, str]]:
    """Yield (visit id, school, scanned at, digest) of every stored visit, by id."""
    table = Visit.__table__
    rows = session.execute(
        select(table.c.id, *_COLUMNS)
        .order_by(table.c.id)
        .execution_options(yield_per=BATCH)
    )
    for row in rows:
        yield row.id, row.school, row.scanned_at, digest_of(row)

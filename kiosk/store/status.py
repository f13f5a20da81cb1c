"""The component status table: the last known state of each kiosk part.

Kiosks write a row when a part (scanner, camera, printer) comes or goes; the
desk's status line reads the rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import ComponentStatus

DETAIL_LENGTH = 200
"""Width of the ``detail`` column."""


def set_component_status(
    session: Session,
    *,
    kiosk_id: str,
    school: str,
    component: str,
    ok: bool,
    detail: str,
    at: datetime,
) -> None:
    """Insert or update the row of one component of one kiosk."""
    row = session.get(ComponentStatus, (kiosk_id, component))
    if row is None:
        row = ComponentStatus(kiosk_id=kiosk_id, component=component)
        session.add(row)
    row.school = school
    row.ok = ok
    row.detail = detail[:DETAIL_LENGTH]
    row.updated_at = at


def component_statuses(
    session: Session, school: str | None = None
) -> list[ComponentStatus]:
    """Return the status rows, of one school or of all, by kiosk and component."""
    query = select(ComponentStatus).order_by(
        ComponentStatus.kiosk_id, ComponentStatus.component
    )
    if school is not None:
        query = query.where(ComponentStatus.school == school)
    return list(session.scalars(query))

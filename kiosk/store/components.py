"""The last known state of each part of a kiosk, for the desk's status line."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.store.events import EventSource
from kiosk.store.models import ComponentStatus

DETAIL_LENGTH = 200


def record_component_status(
    session: Session,
    source: EventSource,
    component: str,
    ok: bool,
    detail: str,
    at: datetime,
) -> None:
    """Insert or replace the row of ``component`` at the kiosk ``source`` names.

    ``detail`` is plain words for the clerk (``paper out``), never personal data.
    """
    values = {
        "kiosk_id": source.kiosk_id,
        "component": component,
        "school": source.school,
        "ok": ok,
        "detail": detail[:DETAIL_LENGTH],
        "updated_at": at.astimezone(UTC),
    }
    insert = (
        postgresql_insert
        if session.get_bind().dialect.name == "postgresql"
        else sqlite_insert
    )
    statement = insert(ComponentStatus).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["kiosk_id", "component"],
        set_={key: values[key] for key in ("school", "ok", "detail", "updated_at")},
    )
    session.execute(statement)


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

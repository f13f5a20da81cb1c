"""Store a checked roster, and read back what screening and matching need."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.services.codes import badge_key
from kiosk.services.matching import RosterName
from kiosk.services.roster import Roster, RosterError
from kiosk.services.screening import AgreementFacts, PersonFacts
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import (
    Agreement,
    BackgroundCheck,
    OffenseReport,
    Organization,
    Person,
    RosterImport,
)

logger = logging.getLogger(__name__)


# Columns a roster import sets, per table. Rows are compared on these to find
# what an import changes, and only changed rows are written.
_TABLES = {
    "organizations": (Organization, ("org_id",), ("name", "kind", "on_roster")),
    "agreements": (
        Agreement,
        ("org_id",),
        (
            "agreement_type",
            "status",
            "signed_on",
            "starts_on",
            "ends_on",
            "schools",
        ),
    ),
    "people": (
        Person,
        ("person_id",),
        (
            "org_id",
            "first_name",
            "middle_name",
            "last_name",
            "date_of_birth",
            "role",
            "badge_code",
            "badge_key",
            "id_jurisdiction",
            "id_number_last4",
            "status",
            "on_roster",
        ),
    ),
    "checks": (BackgroundCheck, ("person_id",), ("completed_on", "source")),
    "reports": (OffenseReport, ("person_id",), ("status",)),
}

Rows = dict[str, dict[str, dict]]
"""Per table, the rows keyed by their natural key (org_id or person_id)."""


def _desired_rows(roster: Roster) -> Rows:
    rows: Rows = {name: {} for name in _TABLES}
    for org in roster.organizations:
        rows["organizations"][org.org_id] = {
            "org_id": org.org_id,
            "name": org.name,
            "kind": org.kind,
            "on_roster": True,
        }
        rows["agreements"][org.org_id] = {
            "org_id": org.org_id,
            "agreement_type": org.agreement_type,
            "status": org.agreement_status,
            "signed_on": org.agreement_signed_on,
            "starts_on": org.agreement_starts_on,
            "ends_on": org.agreement_ends_on,
            "schools": list(org.schools),
        }
    for person in roster.people:
        key = person.person_id
        rows["people"][key] = {
            "person_id": key,
            "org_id": person.org_id,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "role": person.role,
            "badge_code": person.badge_code,
            "badge_key": badge_key(person.badge_code),
            "id_jurisdiction": person.id_jurisdiction,
            "id_number_last4": person.id_number_last4,
            "status": person.status,
            "on_roster": True,
        }
        if person.check_completed_on is not None:
            rows["checks"][key] = {
                "person_id": key,
                "completed_on": person.check_completed_on,
                "source": person.check_source,
            }
        if person.offense_report != "none":
            rows["reports"][key] = {"person_id": key, "status": person.offense_report}
    return rows


def _current_rows(session: Session) -> Rows:
    rows: Rows = {}
    for name, (model, key, columns) in _TABLES.items():
        selected = [getattr(model, column) for column in (*key, *columns)]
        rows[name] = {
            row[0]: dict(zip((*key, *columns), row, strict=True))
            for row in session.execute(select(*selected))
        }
    return rows


@dataclass
class RosterChanges:
    """What an import changes, worked out before the write lock is taken."""

    upserts: dict[str, list[dict]]
    """Per table, the new or changed rows."""
    deletes: dict[str, list[str]]
    """Per table (checks, reports), the person ids whose row goes away."""
    off_roster: dict[str, list[str]]
    """Organizations and people that the new roster no longer lists."""
    people_on_roster: int
    """How many people are on the roster before the import."""

    @property
    def count(self) -> int:
        return (
            sum(len(rows) for rows in self.upserts.values())
            + sum(len(keys) for keys in self.deletes.values())
            + sum(len(keys) for keys in self.off_roster.values())
        )


def plan_changes(current: Rows, desired: Rows) -> RosterChanges:
    """Compare the stored roster with the new one."""
    upserts = {
        name: [
            row for key, row in desired[name].items() if current[name].get(key) != row
        ]
        for name in _TABLES
    }
    deletes = {
        name: sorted(set(current[name]) - set(desired[name]))
        for name in ("checks", "reports")
    }
    off_roster = {
        name: sorted(
            key
            for key, row in current[name].items()
            if row["on_roster"] and key not in desired[name]
        )
        for name in ("organizations", "people")
    }
    people_on_roster = sum(1 for row in current["people"].values() if row["on_roster"])
    return RosterChanges(upserts, deletes, off_roster, people_on_roster)


def _upsert(session: Session, name: str, rows: list[dict]) -> None:
    if not rows:
        return
    model, key, columns = _TABLES[name]
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={column: statement.excluded[column] for column in columns},
    )
    # One statement run for many rows (executemany): compiled once.
    session.connection().execute(statement, rows)


def _apply(session: Session, changes: RosterChanges) -> None:
    for name in ("organizations", "agreements", "people", "checks", "reports"):
        _upsert(session, name, changes.upserts[name])
    for name, model in (("checks", BackgroundCheck), ("reports", OffenseReport)):
        if changes.deletes[name]:
            session.execute(
                delete(model).where(model.person_id.in_(changes.deletes[name]))
            )
    if changes.off_roster["people"]:
        session.execute(
            update(Person)
            .where(Person.person_id.in_(changes.off_roster["people"]))
            .values(on_roster=False)
        )
    if changes.off_roster["organizations"]:
        session.execute(
            update(Organization)
            .where(Organization.org_id.in_(changes.off_roster["organizations"]))
            .values(on_roster=False)
        )


MAX_REMOVED_SHARE = 0.5
"""An import that would take more than this share of the people off the roster
is refused unless forced: a truncated district export must not lock out a school."""


def _check_shrink(changes: RosterChanges) -> None:
    removed = len(changes.off_roster["people"])
    on_roster = changes.people_on_roster
    if on_roster and removed > MAX_REMOVED_SHARE * on_roster:
        raise RosterError(
            f"the new roster would take {removed} of {on_roster} people "
            "off the roster; import it with --allow-shrink if that is right"
        )


def apply_roster(
    store: Store,
    roster: Roster,
    source: EventSource,
    at: datetime,
    *,
    allow_shrink: bool = False,
) -> int:
    """Make ``roster`` the roster in force; return the import id.

    The changes are worked out from a read of the store, then written in one
    short transaction, so kiosks scanning meanwhile wait only for the rows
    that change. People and organizations missing from the roster stay in
    the store (visits refer to them) but are marked off the roster, so their
    scans find nobody.

    Raises:
        RosterError: the import would take most people off the roster (more
            than MAX_REMOVED_SHARE) and ``allow_shrink`` is false.
    """
    desired = _desired_rows(roster)
    with store.read() as session:
        changes = plan_changes(_current_rows(session), desired)
    if not allow_shrink:
        _check_shrink(changes)

    def work(session: Session) -> int:
        _apply(session, changes)
        record = RosterImport(
            at=at,
            source_format=roster.source_format,
            sha256=roster.sha256,
            organizations=len(roster.organizations),
            people=len(roster.people),
        )
        session.add(record)
        session.flush()
        append_event(
            session,
            source,
            "roster_import",
            at,
            detail={
                "import_id": record.id,
                "format": roster.source_format,
                "organizations": len(roster.organizations),
                "people": len(roster.people),
                "rows_changed": changes.count,
                "people_off_roster": len(changes.off_roster["people"]),
                "sha256": roster.sha256,
            },
        )
        return record.id

    import_id = store.write(work)
    logger.info(
        "roster import %d: %d organizations, %d people, %d rows changed",
        import_id,
        len(roster.organizations),
        len(roster.people),
        changes.count,
    )
    return import_id


def person_facts(person: Person) -> PersonFacts:
    """Return what the screening rules need to know of a stored person."""
    agreement = person.organization.agreement
    facts = None
    if agreement is not None:
        facts = AgreementFacts(
            status=agreement.status,
            signed_on=agreement.signed_on,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            schools=tuple(agreement.schools),
        )
    return PersonFacts(
        person_id=person.person_id,
        status=person.status,
        agreement=facts,
        check_completed_on=person.check.completed_on if person.check else None,
        offense_report=person.offense_report.status
        if person.offense_report
        else "none",
    )


def find_by_badge(session: Session, key: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.badge_key == key, Person.on_roster.is_(True))
    )


def people_born_on(session: Session, born: date) -> list[RosterName]:
    people = session.scalars(
        select(Person).where(Person.date_of_birth == born, Person.on_roster.is_(True))
    )
    return [
        RosterName(
            person_id=p.person_id,
            first_name=p.first_name,
            middle_name=p.middle_name,
            last_name=p.last_name,
            id_jurisdiction=p.id_jurisdiction,
            id_number_last4=p.id_number_last4,
        )
        for p in people
    ]


def last_import_sha256(session: Session) -> str | None:
    """Return the digest of the files of the newest roster import."""
    return session.scalar(
        select(RosterImport.sha256).order_by(RosterImport.id.desc()).limit(1)
    )


def last_import_at(session: Session) -> datetime | None:
    return session.scalar(
        select(RosterImport.at).order_by(RosterImport.id.desc()).limit(1)
    )

"""Store a checked roster, and read back what screening and matching need."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select, update
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


def _upsert_organizations(session: Session, roster: Roster) -> None:
    for row in roster.organizations:
        org = session.get(Organization, row.org_id) or Organization(org_id=row.org_id)
        org.name, org.kind, org.on_roster = row.name, row.kind, True
        session.add(org)
        agreement = session.scalar(
            select(Agreement).where(Agreement.org_id == row.org_id)
        )
        if agreement is None:
            agreement = Agreement(org_id=row.org_id)
        agreement.agreement_type = row.agreement_type
        agreement.status = row.agreement_status
        agreement.signed_on = row.agreement_signed_on
        agreement.starts_on = row.agreement_starts_on
        agreement.ends_on = row.agreement_ends_on
        agreement.schools = list(row.schools)
        session.add(agreement)


def _upsert_people(session: Session, roster: Roster) -> None:
    for row in roster.people:
        person = session.get(Person, row.person_id) or Person(person_id=row.person_id)
        person.org_id = row.org_id
        person.first_name, person.middle_name = row.first_name, row.middle_name
        person.last_name, person.date_of_birth = row.last_name, row.date_of_birth
        person.role, person.status = row.role, row.status
        person.badge_code, person.badge_key = row.badge_code, badge_key(row.badge_code)
        person.id_jurisdiction = row.id_jurisdiction
        person.id_number_last4 = row.id_number_last4
        person.on_roster = True
        session.add(person)

        check = session.scalar(
            select(BackgroundCheck).where(BackgroundCheck.person_id == row.person_id)
        )
        if row.check_completed_on is None:
            if check is not None:
                session.delete(check)
        else:
            check = check or BackgroundCheck(person_id=row.person_id)
            check.completed_on, check.source = row.check_completed_on, row.check_source
            session.add(check)

        report = session.scalar(
            select(OffenseReport).where(OffenseReport.person_id == row.person_id)
        )
        if row.offense_report == "none":
            if report is not None:
                session.delete(report)
        else:
            report = report or OffenseReport(person_id=row.person_id)
            report.status = row.offense_report
            session.add(report)


MAX_REMOVED_SHARE = 0.5
"""An import that would take more than this share of the people off the roster
is refused unless forced: a truncated district export must not lock out a school."""


def _check_shrink(session: Session, roster: Roster) -> None:
    on_roster = set(
        session.scalars(select(Person.person_id).where(Person.on_roster.is_(True)))
    )
    removed = on_roster - {person.person_id for person in roster.people}
    if on_roster and len(removed) > MAX_REMOVED_SHARE * len(on_roster):
        raise RosterError(
            f"the new roster would take {len(removed)} of {len(on_roster)} people "
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
    """Make ``roster`` the roster in force, in one transaction; return the import id.

    People and organizations missing from it stay in the store (visits refer
    to them) but are marked off the roster, so their scans find nobody.

    Raises:
        RosterError: the import would take most people off the roster (more
            than MAX_REMOVED_SHARE) and ``allow_shrink`` is false.
    """

    def work(session: Session) -> int:
        if not allow_shrink:
            _check_shrink(session, roster)
        session.execute(update(Person).values(on_roster=False))
        session.execute(update(Organization).values(on_roster=False))
        _upsert_organizations(session, roster)
        session.flush()
        _upsert_people(session, roster)
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
                "sha256": roster.sha256,
            },
        )
        return record.id

    import_id = store.write(work)
    logger.info(
        "roster import %d: %d organizations, %d people",
        import_id,
        len(roster.organizations),
        len(roster.people),
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


def last_import_at(session: Session) -> datetime | None:
    return session.scalar(
        select(RosterImport.at).order_by(RosterImport.id.desc()).limit(1)
    )

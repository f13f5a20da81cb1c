"""Reads the desk makes on every refresh, and the ones principal tools share.

Each function takes an open session and returns plain views (see
services.desk.views); none of them writes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services.components import HEARTBEAT
from kiosk.services.desk.views import (
    AlertView,
    PersonMatch,
    PresentView,
    StatusItem,
    alert_view,
    present_view,
)
from kiosk.services.matching import fold_name
from kiosk.services.staff import StaffMember
from kiosk.store.models import ChainHead, ComponentStatus, Organization, Person, Visit
from kiosk.store.roster import last_import_at

KIOSK_COMPONENTS = ("scanner", "camera", "printer")
MAX_MATCHES = 50
MISSED_ALERTS_SHOWN = 100

BIRTH_DATE_FORMATS = "YYYY-MM-DD or MM/DD/YYYY"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


def last_event_id(session: Session) -> int:
    """Return the id of the newest event: it grows with every change any
    kiosk or desk stores, so an unchanged id means nothing to reload."""
    return session.scalar(select(ChainHead.last_event_id).where(ChainHead.id == 1)) or 0


def _visits_with_people(session: Session, *conditions):  # type: ignore[no-untyped-def]
    return session.execute(
        select(Visit, Person, Organization)
        .outerjoin(Person, Visit.person_id == Person.person_id)
        .outerjoin(Organization, Visit.org_id == Organization.org_id)
        .where(*conditions)
        .order_by(Visit.id)
    ).all()


def open_alerts(session: Session, school: str, viewer: StaffMember) -> list[AlertView]:
    """Return the refusals at ``school`` nobody has acknowledged, oldest first."""
    rows = _visits_with_people(
        session, Visit.school == school, Visit.alert_status == "open"
    )
    return [alert_view(visit, person, org, viewer) for visit, person, org in rows]


def missed_alerts(
    session: Session,
    school: str,
    viewer: StaffMember,
    since: datetime | None = None,
    include_reviewed: bool = False,
) -> list[AlertView]:
    """Return refusals whose alert timed out unacknowledged, newest first.

    For principal tools: ``since`` limits them to scans from that instant on,
    and reviewed alerts (a principal marked them seen) are left out unless
    ``include_reviewed``.
    """
    conditions = [Visit.school == school, Visit.alert_status == "timed_out"]
    if since is not None:
        conditions.append(Visit.scanned_at >= since)
    if not include_reviewed:
        conditions.append(Visit.alert_handled_by.is_(None))
    rows = _visits_with_people(session, *conditions)
    views = [alert_view(visit, person, org, viewer) for visit, person, org in rows]
    return list(reversed(views))[:MISSED_ALERTS_SHOWN]


def people_present(
    session: Session, school: str, today: date, zone: ZoneInfo
) -> list[PresentView]:
    """Return everyone signed in at ``school`` and not signed out, oldest first.

    Visits still open from earlier days are included, with their date in
    ``earlier_day``: the person may still be in the building. Visits the
    closing job marked ``not_signed_out`` are not, and neither are those the
    kiosk closed at the person's next scan.
    """
    rows = _visits_with_people(
        session,
        Visit.school == school,
        Visit.admitted.is_(True),
        Visit.sign_out_method.is_(None),
        Visit.signed_in_at.is_not(None),
    )
    views = [
        present_view(visit, person, org, today, zone) for visit, person, org in rows
    ]
    return sorted(views, key=lambda row: (row.since, row.visit_id))


class BirthDateError(ValueError):
    """A look-up query reads as a date of birth but is no valid date."""


def parse_birth_date(text: str) -> date | None:
    """Read ``YYYY-MM-DD`` or ``MM/DD/YYYY``; return None for a name query.

    A query with a digit or a ``/`` in it is taken as a date of birth, so a
    roster name containing either is found by its other words only. Raises
    BirthDateError when such a query is not a real date in one of the two
    formats (``2001-02-30``, ``13/45/2000``, ``1988-03-1x``).
    """
    text = text.strip()
    if not any(char.isdigit() or char == "/" for char in text):
        return None
    problem = f"expected {BIRTH_DATE_FORMATS}"
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        us = _US_DATE.match(text)
        if us:
            month, day, year = (int(part) for part in us.groups())
            return date(year, month, day)
    except ValueError as exc:
        problem = f"{exc}; expected a real date as {BIRTH_DATE_FORMATS}"
    raise BirthDateError(f"invalid date of birth {text!r}: {problem}")


def find_people(session: Session, query: str) -> list[PersonMatch]:
    """Return people on the roster matching a date of birth or a name.

    A name query matches when every word of it occurs in the person's folded
    full name (case, accents, hyphens and apostrophes ignored), so ``nunez``
    finds Núñez-García. At most MAX_MATCHES are returned, sorted by name.
    Raises BirthDateError for a query read as a date that is no valid date.
    """
    born = parse_birth_date(query)
    statement = (
        select(Person, Organization)
        .join(Organization, Person.org_id == Organization.org_id)
        .where(Person.on_roster.is_(True))
    )
    if born is not None:
        statement = statement.where(Person.date_of_birth == born)
        rows = session.execute(statement).all()
    else:
        words = [fold_name(word) for word in query.split()]
        words = [word for word in words if word]
        if not words:
            return []
        # NOTE: folding happens in Python, so a name query reads every person
        # on the roster; a district roster of a few thousand rows stays fast.
        rows = [
            (person, org)
            for person, org in session.execute(statement)
            if all(
                word
                in fold_name(
                    f"{person.first_name}{person.middle_name}{person.last_name}"
                )
                for word in words
            )
        ]
    matches = [
        PersonMatch(
            person_id=person.person_id,
            name=person.display_name,
            organization=org.name,
            date_of_birth=person.date_of_birth,
            role=person.role,
        )
        for person, org in rows
    ]
    matches.sort(key=lambda match: (fold_name(match.name), match.person_id))
    return matches[:MAX_MATCHES]


def _age_words(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 1:
        return f"{max(int(age.total_seconds() // 60), 0)} min old"
    if hours < 48:
        return f"{int(hours)} h old"
    return f"{int(hours // 24)} days old"


def kiosk_status(
    session: Session,
    school: str,
    *,
    now: datetime | None = None,
    heartbeat_limit: timedelta | None = None,
    zone: ZoneInfo | None = None,
) -> list[StatusItem]:
    """Return scanner, camera and printer as the kiosks at ``school`` report them.

    A part is red when any kiosk reports it failing; the detail names the
    first such kiosk. A part no kiosk reports is shown as unknown (None).
    With ``now`` and ``heartbeat_limit``, a kiosk whose last heartbeat is
    older than the limit counts as failing every part it reports, because
    its last reports may be stale. A kiosk that never recorded a heartbeat is
    taken at its word.
    """
    rows = session.scalars(
        select(ComponentStatus)
        .where(
            ComponentStatus.school == school,
            ComponentStatus.component.in_((*KIOSK_COMPONENTS, HEARTBEAT)),
        )
        .order_by(ComponentStatus.kiosk_id)
    ).all()
    silent: dict[str, str] = {}
    if now is not None and heartbeat_limit is not None:
        for row in rows:
            if row.component == HEARTBEAT and now - row.updated_at > heartbeat_limit:
                since = row.updated_at.astimezone(zone) if zone else row.updated_at
                silent[row.kiosk_id] = f"kiosk not reporting since {since:%H:%M}"
    items = []
    for component in KIOSK_COMPONENTS:
        reports = [row for row in rows if row.component == component]
        if not reports:
            items.append(StatusItem(component, None, "not reported"))
            continue
        failing = [
            (row.kiosk_id, silent.get(row.kiosk_id) or row.detail)
            for row in reports
            if row.kiosk_id in silent or not row.ok
        ]
        if failing:
            kiosk_id, detail = failing[0]
            items.append(StatusItem(component, False, f"{kiosk_id}: {detail}"))
        else:
            items.append(StatusItem(component, True, reports[0].detail))
    return items


def roster_status(
    session: Session, school: str, now: datetime, max_age: timedelta
) -> StatusItem:
    """Return the roster's age; red when never imported, older than
    ``max_age``, or when a kiosk at ``school`` reports its roster sync failing."""
    imported = last_import_at(session)
    if imported is None:
        return StatusItem("roster", False, "never imported")
    age = now - imported
    failing = session.scalars(
        select(ComponentStatus).where(
            ComponentStatus.school == school,
            ComponentStatus.component == "roster",
            ComponentStatus.ok.is_(False),
        )
    ).first()
    if failing is not None:
        return StatusItem(
            "roster", False, f"{_age_words(age)}, {failing.kiosk_id}: {failing.detail}"
        )
    return StatusItem("roster", age <= max_age, _age_words(age))

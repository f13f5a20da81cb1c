"""The exceptions digest: one page of what needs the principal on a given day.

It lists the day's overrides and refusals, visits marked not signed out
(from the past week) that still lack a time out, visits far longer than the
person's usual, and partners whose agreement or background check ends soon.
Background-check dates are confidential: the digest is for principals only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services.plurals import counted
from kiosk.services.reports import VisitRow, range_rows
from kiosk.services.screening import check_valid_through
from kiosk.store.models import Agreement, BackgroundCheck, Organization, Person

HISTORY_DAYS = 56
"""Days before the digest's day whose visits set a person's usual length."""

MIN_HISTORY = 3
"""Visits a person needs in the history before their own median is used;
with fewer, the school's median over the same days is used."""

EXTRA_MINUTES = 60
"""A long visit also lasts at least this much more than the usual one."""

NOT_SIGNED_OUT_DAYS = 7
"""Days back the digest looks for visits still waiting for a time out."""


@dataclass(frozen=True)
class LongVisit:
    row: VisitRow
    usual_minutes: int
    """Median length the visit was compared with."""
    basis: str
    """``person`` (their own median) or ``school`` (everyone's median)."""


@dataclass(frozen=True)
class Expiry:
    kind: str
    """``agreement`` or ``background_check``."""
    organization: str
    person: str
    """Empty for an agreement."""
    ends_on: date
    """Last day in force."""
    days_left: int


@dataclass(frozen=True)
class Digest:
    day: date
    overrides: list[VisitRow]
    refusals: list[VisitRow]
    """Refusals the desk did not override."""
    not_signed_out: list[VisitRow]
    long_visits: list[LongVisit]
    expiring: list[Expiry]
    window_days: int

    @property
    def item_count(self) -> int:
        return (
            len(self.overrides)
            + len(self.refusals)
            + len(self.not_signed_out)
            + len(self.long_visits)
            + len(self.expiring)
        )


def find_long_visits(
    day_rows: list[VisitRow], history: list[VisitRow], factor: float
) -> list[LongVisit]:
    """Return the visits of the day that last far longer than usual.

    Far longer means at least ``factor`` times the usual length and at least
    EXTRA_MINUTES more. The usual length is the person's median over
    ``history``, or the median of every visit there when the person has
    fewer than MIN_HISTORY.
    """
    lengths: dict[str, list[int]] = {}
    everyone = []
    for row in history:
        if row.length_minutes is None:
            continue
        everyone.append(row.length_minutes)
        lengths.setdefault(row.person_id or row.person, []).append(row.length_minutes)
    school_usual = median(everyone) if everyone else None

    found = []
    for row in day_rows:
        if row.length_minutes is None:
            continue
        own = lengths.get(row.person_id or row.person, [])
        if len(own) >= MIN_HISTORY:
            usual, basis = median(own), "person"
        elif school_usual is not None:
            usual, basis = school_usual, "school"
        else:
            continue
        threshold = max(usual * factor, usual + EXTRA_MINUTES)
        if row.length_minutes >= threshold:
            found.append(LongVisit(row, round(usual), basis))
    return found


def _covers(agreement: Agreement, school: str) -> bool:
    return "*" in agreement.schools or school in agreement.schools


def find_expiring(
    session: Session, school: str, day: date, window_days: int
) -> list[Expiry]:
    """Return agreements covering ``school`` and background checks of active
    people in those organizations that end from ``day`` to ``day`` plus the window.
    """
    last = day + timedelta(days=window_days)
    found: list[Expiry] = []
    agreements = session.execute(
        select(Agreement, Organization)
        .join(Organization, Agreement.org_id == Organization.org_id)
        .where(Organization.on_roster.is_(True), Agreement.status == "signed")
    ).all()
    covering = {}
    for agreement, org in agreements:
        if not _covers(agreement, school):
            continue
        covering[org.org_id] = org.name
        if agreement.ends_on is not None and day <= agreement.ends_on <= last:
            found.append(
                Expiry(
                    "agreement",
                    org.name,
                    "",
                    agreement.ends_on,
                    (agreement.ends_on - day).days,
                )
            )

    checks = session.execute(
        select(BackgroundCheck, Person)
        .join(Person, BackgroundCheck.person_id == Person.person_id)
        .where(Person.on_roster.is_(True), Person.status == "active")
    ).all()
    for check, person in checks:
        if person.org_id not in covering:
            continue
        through = check_valid_through(check.completed_on)
        if day <= through <= last:
            found.append(
                Expiry(
                    "background_check",
                    covering[person.org_id],
                    person.display_name,
                    through,
                    (through - day).days,
                )
            )
    found.sort(
        key=lambda item: (item.ends_on, item.kind, item.organization, item.person)
    )
    return found


def build_digest(
    session: Session,
    school: str,
    day: date,
    zone: ZoneInfo,
    *,
    long_visit_factor: float = 2.0,
    window_days: int = 30,
) -> Digest:
    """Gather the digest of ``day`` at ``school`` (rows carry confidential reasons)."""
    rows = range_rows(session, school, day, day, zone, confidential=True)
    history = range_rows(
        session,
        school,
        day - timedelta(days=HISTORY_DAYS),
        day - timedelta(days=1),
        zone,
    )
    recent = range_rows(
        session,
        school,
        day - timedelta(days=NOT_SIGNED_OUT_DAYS),
        day,
        zone,
        confidential=True,
    )
    return Digest(
        day=day,
        overrides=[row for row in rows if row.overridden],
        refusals=[row for row in rows if row.refused_at_kiosk and not row.overridden],
        not_signed_out=[row for row in recent if row.needs_time_out],
        long_visits=find_long_visits(rows, history, long_visit_factor),
        expiring=find_expiring(session, school, day, window_days),
        window_days=window_days,
    )


def _lines(title: str, entries: list[str]) -> list[str]:
    lines = [f"{title} ({len(entries)})"]
    lines += [f"  {entry}" for entry in entries] or ["  none"]
    return [*lines, ""]


def digest_to_text(digest: Digest) -> str:
    """Return the digest as plain text, one section per kind of item."""
    lines = [
        f"Needs attention on {digest.day:%A %d %B %Y}: "
        f"{counted(digest.item_count, 'item')}",
        "",
    ]
    lines += _lines(
        "Overrides",
        [
            f"{row.clock_in} {row.person}: refused for {row.reasons_text}; "
            f"overridden by {row.override_by}: {row.override_reason}"
            for row in digest.overrides
        ],
    )
    lines += _lines(
        "Refusals",
        [
            f"{row.clock_in} {row.person} ({row.organization or 'no organization'}): "
            f"{row.reasons_text}"
            for row in digest.refusals
        ],
    )
    lines += _lines(
        "Not signed out, time out not yet recorded",
        [
            f"{row.day} in {row.clock_in} {row.person} (visit {row.visit_id})"
            for row in digest.not_signed_out
        ],
    )
    lines += _lines(
        "Visits far longer than usual",
        [
            f"{item.row.person}: {item.row.length_text} "
            f"({item.row.clock_in} to {item.row.clock_out}); usual "
            f"{item.usual_minutes // 60}h{item.usual_minutes % 60:02d}"
            for item in digest.long_visits
        ],
    )
    lines += _lines(
        f"Ending within {digest.window_days} days",
        [
            f"{item.ends_on} ({item.days_left} days): "
            + (
                f"agreement of {item.organization}"
                if item.kind == "agreement"
                else f"background check of {item.person} ({item.organization})"
            )
            for item in digest.expiring
        ],
    )
    return "\n".join(lines).rstrip("\n") + "\n"

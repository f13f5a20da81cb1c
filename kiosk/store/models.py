"""SQLAlchemy models of the roster, visits and the event log.

Instants are stored in UTC (see UTCDateTime); dates from the roster are plain
calendar dates. Background-check and offense-report rows are confidential: only
the screening rules and principal tools read them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant, stored as UTC. SQLite keeps no zone, so the value is
    written as naive UTC and read back with UTC attached."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organization(Base):
    __tablename__ = "organizations"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    on_roster: Mapped[bool] = mapped_column(Boolean, default=True)
    agreement: Mapped[Agreement | None] = relationship(
        back_populates="organization", uselist=False
    )


class Agreement(Base):
    """The MOU or contract under which an organization's people work in schools."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.org_id"), unique=True)
    agreement_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[date | None] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    schools: Mapped[list[str]] = mapped_column(JSON)
    """School codes covered, or ``["*"]`` for every school."""

    organization: Mapped[Organization] = relationship(back_populates="agreement")


class Person(Base):
    __tablename__ = "people"

    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.org_id"))
    first_name: Mapped[str] = mapped_column(String(200))
    middle_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(20))
    badge_code: Mapped[str] = mapped_column(String(200))
    badge_key: Mapped[str] = mapped_column(String(200), index=True)
    """badge_code in the form scans are compared in (see services.codes)."""
    id_jurisdiction: Mapped[str] = mapped_column(String(8), default="")
    id_number_last4: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(20))
    on_roster: Mapped[bool] = mapped_column(Boolean, default=True)
    """False once a later roster import no longer lists the person."""

    organization: Mapped[Organization] = relationship()
    check: Mapped[BackgroundCheck | None] = relationship(uselist=False)
    offense_report: Mapped[OffenseReport | None] = relationship(uselist=False)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BackgroundCheck(Base):
    """A completed MACHS background check (confidential)."""

    __tablename__ = "background_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), unique=True)
    completed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))


class OffenseReport(Base):
    """The state of a person's offense report (confidential); no row means none."""

    __tablename__ = "offense_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), unique=True)
    status: Mapped[str] = mapped_column(String(20))


class Visit(Base):
    """One arrival at a school: an admission, or a refusal the desk may override."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_school_scanned", "school", "scanned_at"),
        Index("ix_visits_alert", "school", "alert_status"),
        Index("ix_visits_person_open", "person_id", "signed_out_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(16))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.person_id"))
    org_id: Mapped[str | None] = mapped_column(String(64))
    credential: Mapped[str] = mapped_column(String(20))
    """How the person was identified: ``badge``, ``licence`` or ``desk``."""
    admitted: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Reason codes a clerk may see (``refer_to_principal`` stands for the
    confidential ones)."""
    notices: Mapped[list[str]] = mapped_column(JSON, default=list)
    confidential_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Which confidential rule refused the person; principal tools only."""
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_out_method: Mapped[str | None] = mapped_column(String(20))
    """``badge`` (scanned their badge or licence again), ``code`` (the code on
    the visitor badge), ``desk``, or ``moved`` (signed in at another school)."""
    badge_status: Mapped[str] = mapped_column(String(20), default="none")
    """``none``, ``pending`` (sent to print), ``printed``, ``queued`` (no
    printer took it; waiting in the desk's reprint queue) or ``dismissed``
    (taken out of the queue by a clerk without printing)."""
    badge_path: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(Text)
    destination: Mapped[str | None] = mapped_column(String(100))

    visitor_name: Mapped[str | None] = mapped_column(String(200))
    """Name of a one-time visitor signed in at the desk (not on the roster)."""
    visitor_purpose: Mapped[str | None] = mapped_column(String(200))

    alert_status: Mapped[str] = mapped_column(String(20), default="none")
    """For refusals: ``open`` until a clerk acknowledges it (``acknowledged``),
    or ``timed_out`` when nobody did in time."""
    alert_handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    alert_handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    override_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signed_out_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    """Staff member who signed the person out at the desk, or recorded the
    time out of a visit marked not signed out."""
    sign_out_note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person | None] = relationship()


class Staff(Base):
    """An office clerk, principal or district IT administrator."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    """``clerk``, ``principal`` or ``admin``."""
    school: Mapped[str] = mapped_column(String(16))
    """School code the account works at; ``*`` for district-wide accounts."""
    pin_hash: Mapped[str] = mapped_column(String(200))
    """Argon2 hash of the PIN."""
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Event(Base):
    """Append-only log: one row per scan, decision, sign-out, override, print and
    import. ``hash`` covers the row and the previous row's hash."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_school_at", "school", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    school: Mapped[str] = mapped_column(String(16))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    visit_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[str | None] = mapped_column(String(64))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    visit_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the visit's audited fields just after this event (see
    store.visit_digest); None when the event names no stored visit."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """Single row naming the newest event; locking it serializes appends."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class ComponentStatus(Base):
    """Last known state of one part of one kiosk (scanner, camera, printer,
    store, roster), written by the kiosk and read by the desk's status line."""

    __tablename__ = "component_status"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    component: Mapped[str] = mapped_column(String(20), primary_key=True)
    school: Mapped[str] = mapped_column(String(16))
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(200), default="")
    """Plain words for the clerk (``unplugged``, ``paper out``); no personal data."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RosterImport(Base):
    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_format: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    organizations: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)

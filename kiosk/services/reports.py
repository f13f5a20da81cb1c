"""Visits at a school over a day or a range of days, as rows for screens and exports.

Instants come from the store in UTC; every time in a row is local to the
school, and every length is the difference of two stored instants, so a visit
across a daylight-saving change is neither negative nor an hour off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services import screening
from kiosk.store.models import Organization, Person, Staff, Visit

IN_BUILDING = "in_building"
SIGNED_OUT = "signed_out"
NOT_SIGNED_OUT = "not_signed_out"
DENIED = "denied"
OUTCOMES = (IN_BUILDING, SIGNED_OUT, NOT_SIGNED_OUT, DENIED)

OUTCOME_LABELS = {
    IN_BUILDING: "in building",
    SIGNED_OUT: "signed out",
    NOT_SIGNED_OUT: "not signed out",
    DENIED: "refused",
}

SIGN_OUT_LABELS = {
    "badge": "scanned badge again",
    "code": "badge sign-out code",
    "desk": "at the desk",
    "moved": "signed in at another school",
    "not_signed_out": "not signed out",
}

UNIDENTIFIED = "(not identified)"

REASON_LABELS = {
    "not_on_roster": "not on the partner roster",
    "ambiguous_match": "licence matches more than one person",
    "person_inactive": "person marked inactive",
    "agreement_not_signed": "agreement not signed",
    "agreement_not_started": "agreement not yet in force",
    "agreement_expired": "agreement expired",
    "agreement_terminated": "agreement terminated",
    "school_not_covered": "agreement does not cover this school",
    "check_missing": "no background check on file",
    "check_expired": "background check over a year old",
    "refer_to_principal": "refer to principal",
    "offense_report_pending": "offense report pending",
    "found_unsuitable": "found unsuitable",
    "check_renewal_due": "background check due for renewal",
    "id_document_expired": "ID document expired",
}
"""Plain words for reason and notice codes; unknown codes are shown as they are."""


def reason_text(code: str) -> str:
    return REASON_LABELS.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class VisitRow:
    """One visit as the review screen and every export show it."""

    visit_id: int
    person_id: str | None
    person: str
    organization: str
    role: str
    time_in: str | None
    """Local time of the sign-in (ISO 8601 with offset); for a refusal, of the scan."""
    time_out: str | None
    """Local time of the sign-out; empty while in the building and for a visit
    marked not signed out until someone records the time out."""
    outcome: str
    """``in_building``, ``signed_out``, ``not_signed_out`` or ``denied``."""
    reasons: list[str]
    """Reason codes a clerk may see."""
    sign_out_method: str | None
    day: str = ""
    """Local date of the visit (YYYY-MM-DD)."""
    length_minutes: int | None = None
    """Whole minutes between the stored sign-in and sign-out instants."""
    destination: str = ""
    credential: str = ""
    """``badge``, ``licence`` or ``desk``."""
    notices: list[str] = field(default_factory=list)
    signed_out_by: str = ""
    """Staff member who signed the person out at the desk or recorded the time out."""
    sign_out_note: str = ""
    override_by: str = ""
    override_reason: str = ""
    """The staff member's free text; for a confidential refusal in a row built
    without confidential reasons, HIDDEN_OVERRIDE_REASON instead."""
    overridden_at: str | None = None
    alert_status: str = "none"
    confidential_reasons: list[str] | None = None
    """Confidential refusal reasons; None when the reader may not see them."""
    in_zone: str = ""
    """Abbreviation of the zone time ``time_in`` is in (CDT, CST) when its local
    day has two UTC offsets, so a repeated hour reads unambiguously; else empty.
    Screens and PDFs show it; the CSV and JSON exports carry the offset instead."""
    out_zone: str = ""
    """The same for ``time_out``."""

    @property
    def overridden(self) -> bool:
        return bool(self.override_by or self.override_reason)

    @property
    def refused_at_kiosk(self) -> bool:
        """True for every refusal, including those the desk later overrode."""
        return bool(self.reasons) or self.outcome == DENIED

    @property
    def needs_time_out(self) -> bool:
        return self.outcome == NOT_SIGNED_OUT and self.time_out is None

    @property
    def clock_in(self) -> str:
        """Local wall time of ``time_in`` (HH:MM), with ``in_zone`` when set."""
        return _clock(self.time_in, self.in_zone)

    @property
    def clock_out(self) -> str:
        return _clock(self.time_out, self.out_zone)

    @property
    def length_text(self) -> str:
        return format_minutes(self.length_minutes)

    @property
    def how_signed_out(self) -> str:
        """Plain words for the sign-out column."""
        if self.outcome == DENIED:
            return ""
        if self.sign_out_method is None:
            return OUTCOME_LABELS[IN_BUILDING]
        words = SIGN_OUT_LABELS.get(self.sign_out_method, self.sign_out_method)
        if self.sign_out_method == "not_signed_out" and self.time_out:
            words += f"; time out recorded by {self.signed_out_by or 'staff'}"
        elif self.sign_out_method == "desk" and self.signed_out_by:
            words += f" ({self.signed_out_by})"
        return words

    @property
    def all_reasons(self) -> list[str]:
        """Clerk-visible reasons followed by the confidential ones, when shown."""
        return [*self.reasons, *(self.confidential_reasons or [])]

    @property
    def reasons_text(self) -> str:
        """Every reason the reader may see, in plain words; confidential ones marked."""
        words = [reason_text(code) for code in self.reasons]
        words += [
            f"{reason_text(code)} (confidential)"
            for code in self.confidential_reasons or []
        ]
        return "; ".join(words)

    @property
    def outcome_text(self) -> str:
        words = OUTCOME_LABELS.get(self.outcome, self.outcome)
        if self.overridden:
            words += " (override)"
        return words


DISPLAY_ONLY_FIELDS = ("in_zone", "out_zone")
"""VisitRow fields for screens and PDFs that exports leave out."""


def _clock(instant: str | None, zone_name: str) -> str:
    if not instant:
        return ""
    return f"{instant[11:16]} {zone_name}".rstrip()


def has_two_offsets(day: date, zone: ZoneInfo) -> bool:
    """Tell whether the school's clocks change on ``day`` (daylight saving)."""
    start, end = day_bounds(day, zone)
    return start.utcoffset() != end.utcoffset()


def zone_mark(instant: datetime | None, zone: ZoneInfo) -> str:
    """Return the zone abbreviation of ``instant`` when its local day has two
    UTC offsets, else an empty string."""
    if instant is None:
        return ""
    local = instant.astimezone(zone)
    if not has_two_offsets(local.date(), zone):
        return ""
    return local.tzname() or ""


def format_minutes(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}h{minutes % 60:02d}"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the first instant of ``day`` at the school and of the day after."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def outcome_of(visit: Visit) -> str:
    """Classify a stored visit. A refusal the desk overrode and signed in counts
    as a visit like any other."""
    if not visit.admitted and visit.signed_in_at is None:
        return DENIED
    if visit.sign_out_method == "not_signed_out":
        return NOT_SIGNED_OUT
    if visit.signed_out_at is not None or visit.sign_out_method is not None:
        return SIGNED_OUT
    return IN_BUILDING


def visit_length(visit: Visit) -> timedelta | None:
    """Return the time between the stored sign-in and sign-out instants."""
    if visit.signed_in_at is None or visit.signed_out_at is None:
        return None
    return visit.signed_out_at - visit.signed_in_at


def _local(instant: datetime | None, zone: ZoneInfo) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(zone).isoformat(timespec="seconds")


def _person_name(visit: Visit, person: Person | None) -> str:
    if person is not None:
        return person.display_name
    if visit.visitor_name:
        return visit.visitor_name
    return UNIDENTIFIED


def _role(visit: Visit, person: Person | None) -> str:
    if person is not None:
        return person.role
    return "visitor" if visit.visitor_name else ""


HIDDEN_OVERRIDE_REASON = "override by principal"
"""The override reason shown for a confidential refusal in rows built without
confidential reasons, because a principal's free text there may name the
confidential matter."""


def _override_reason(visit: Visit, confidential: bool) -> str:
    if not visit.override_reason:
        return ""
    refused_in_confidence = bool(visit.confidential_reasons) or (
        screening.REFER_TO_PRINCIPAL in (visit.reasons or [])
    )
    if refused_in_confidence and not confidential:
        return HIDDEN_OVERRIDE_REASON
    return visit.override_reason


def _row(
    visit: Visit,
    person: Person | None,
    org: Organization | None,
    staff_names: dict[int, str],
    zone: ZoneInfo,
    confidential: bool,
) -> VisitRow:
    began = visit.signed_in_at or visit.scanned_at
    length = visit_length(visit)
    return VisitRow(
        visit_id=visit.id,
        person_id=visit.person_id,
        person=_person_name(visit, person),
        organization=org.name if org else "",
        role=_role(visit, person),
        time_in=_local(began, zone),
        time_out=_local(visit.signed_out_at, zone),
        outcome=outcome_of(visit),
        reasons=list(visit.reasons or []),
        sign_out_method=visit.sign_out_method,
        day=visit.scanned_at.astimezone(zone).date().isoformat(),
        length_minutes=int(length.total_seconds() // 60) if length else None,
        destination=visit.destination or "",
        credential=visit.credential,
        notices=list(visit.notices or []),
        signed_out_by=staff_names.get(visit.signed_out_by or 0, ""),
        sign_out_note=visit.sign_out_note or "",
        override_by=staff_names.get(visit.override_by or 0, ""),
        override_reason=_override_reason(visit, confidential),
        overridden_at=_local(visit.overridden_at, zone),
        alert_status=visit.alert_status,
        confidential_reasons=list(visit.confidential_reasons or [])
        if confidential
        else None,
        in_zone=zone_mark(began, zone),
        out_zone=zone_mark(visit.signed_out_at, zone),
    )


def range_rows(
    session: Session,
    school: str,
    first: date,
    last: date,
    zone: ZoneInfo,
    *,
    confidential: bool = False,
) -> list[VisitRow]:
    """Return one row per visit that began from ``first`` to ``last`` (both
    local dates, inclusive) at ``school``, oldest first.

    ``confidential`` fills in the confidential refusal reasons and the
    override reasons of confidential refusals; only a principal's screen or
    export sets it.
    """
    start = day_bounds(first, zone)[0]
    end = day_bounds(last, zone)[1]
    org_for_visit = Organization.org_id == Visit.org_id
    result = session.execute(
        select(Visit, Person, Organization)
        .outerjoin(Person, Visit.person_id == Person.person_id)
        .outerjoin(Organization, org_for_visit)
        .where(
            Visit.school == school, Visit.scanned_at >= start, Visit.scanned_at < end
        )
        .order_by(Visit.scanned_at, Visit.id)
    ).all()
    staff_names = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    return [
        _row(visit, person, org, staff_names, zone, confidential)
        for visit, person, org in result
    ]


def day_rows(
    session: Session,
    school: str,
    day: date,
    zone: ZoneInfo,
    *,
    confidential: bool = False,
) -> list[VisitRow]:
    """Return one row per visit that began on ``day`` at ``school``, oldest first."""
    return range_rows(session, school, day, day, zone, confidential=confidential)

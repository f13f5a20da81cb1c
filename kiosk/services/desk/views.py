"""What the desk shows, as plain data: alerts, people in the building, matches.

Views are built for one viewer. A clerk's view never holds a confidential
reason: ``refer_to_principal`` stands for it, as on the kiosk's visit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.services import screening
from kiosk.services.staff import PRINCIPAL, StaffMember
from kiosk.store.models import Organization, Person, Visit

REASON_TEXT = {
    screening.NOT_ON_ROSTER: "not on the partner roster",
    screening.AMBIGUOUS_MATCH: "licence matches more than one person",
    screening.PERSON_INACTIVE: "marked inactive on the roster",
    screening.AGREEMENT_NOT_SIGNED: "agreement not signed",
    screening.AGREEMENT_NOT_STARTED: "agreement not yet in force",
    screening.AGREEMENT_EXPIRED: "agreement expired",
    screening.AGREEMENT_TERMINATED: "agreement terminated",
    screening.SCHOOL_NOT_COVERED: "agreement does not cover this school",
    screening.CHECK_MISSING: "no background check on file",
    screening.CHECK_EXPIRED: "background check older than one year",
    screening.REFER_TO_PRINCIPAL: "refer to the principal",
    screening.OFFENSE_REPORT_PENDING: "offense report pending",
    screening.FOUND_UNSUITABLE: "found unsuitable",
}
"""Short English words for each reason code, for staff screens."""

UNIDENTIFIED = "(not identified)"


def describe_reason(code: str) -> str:
    """Return ``code: words`` for a reason code, or the bare code if unknown."""
    words = REASON_TEXT.get(code)
    return f"{code}: {words}" if words else code


def reasons_for(visit: Visit, viewer: StaffMember) -> tuple[str, ...]:
    """Return the reason codes ``viewer`` may see for a refused visit.

    Principals and admins get the confidential codes right after
    ``refer_to_principal``; clerks get the stored public codes only.
    """
    public = tuple(visit.reasons or ())
    if not viewer.sees_confidential:
        return public
    shown: list[str] = []
    for code in public:
        shown.append(code)
        if code == screening.REFER_TO_PRINCIPAL:
            shown.extend(visit.confidential_reasons or ())
    return tuple(shown)


def may_override(visit: Visit, viewer: StaffMember) -> bool:
    """Tell whether ``viewer``'s role allows overriding this refusal.

    Only a principal overrides ``refer_to_principal``; district IT (admin)
    sees the confidential reasons but decides nothing about them.
    """
    if screening.REFER_TO_PRINCIPAL in (visit.reasons or ()):
        return viewer.role == PRINCIPAL
    return True


@dataclass(frozen=True)
class AlertView:
    """A refusal as the desk lists it."""

    visit_id: int
    at: datetime
    """When the person was scanned (UTC)."""
    name: str
    organization: str
    reasons: tuple[str, ...]
    """Reason codes this viewer may see."""
    credential: str
    kiosk_id: str
    status: str
    """``open``, ``acknowledged`` or ``timed_out``."""
    identified: bool
    """False when the scan matched nobody on the roster."""
    overridable: bool
    """True when this viewer may override it (and it was not overridden yet)."""
    reviewed_by: int | None = None
    """For a timed-out alert: the staff id of the principal who reviewed it."""


@dataclass(frozen=True)
class PresentView:
    """Someone signed in at this school and not signed out."""

    visit_id: int
    name: str
    organization: str
    since: datetime
    """Sign-in instant (UTC)."""
    credential: str
    """``badge``, ``licence`` or ``desk``."""
    visitor: bool
    """A one-time visitor signed in at the desk (not on the roster)."""
    badge_status: str
    overridden: bool
    earlier_day: date | None = None
    """Local date of the sign-in when it was before today, else None."""

    def since_text(self, zone: ZoneInfo) -> str:
        """Return the sign-in time at the school: ``HH:MM``, preceded by the
        date (``YYYY-MM-DD HH:MM``) for a visit open since an earlier day."""
        local = self.since.astimezone(zone)
        if self.earlier_day is not None:
            return f"{local:%Y-%m-%d %H:%M}"
        return f"{local:%H:%M}"


@dataclass(frozen=True)
class PersonMatch:
    """A person on the roster found by a desk look-up."""

    person_id: str
    name: str
    organization: str
    date_of_birth: date
    role: str


@dataclass(frozen=True)
class StatusItem:
    """One part of the status line."""

    name: str
    """``scanner``, ``camera``, ``printer``, ``store`` or ``roster``."""
    ok: bool | None
    """None when no kiosk at this school reports this part."""
    detail: str = ""


@dataclass(frozen=True)
class DeskSnapshot:
    """Everything the desk screen shows, read in one go."""

    last_event_id: int
    alerts: list[AlertView] = field(default_factory=list)
    missed: list[AlertView] = field(default_factory=list)
    """Timed-out alerts, filled for principals only."""
    present: list[PresentView] = field(default_factory=list)
    status: list[StatusItem] = field(default_factory=list)

    @property
    def reprint_queue(self) -> list[PresentView]:
        """People in the building whose badge did not print."""
        return [row for row in self.present if row.badge_status == "queued"]


def alert_view(
    visit: Visit,
    person: Person | None,
    organization: Organization | None,
    viewer: StaffMember,
) -> AlertView:
    return AlertView(
        visit_id=visit.id,
        at=visit.scanned_at,
        name=person.display_name if person else UNIDENTIFIED,
        organization=organization.name if organization else "",
        reasons=reasons_for(visit, viewer),
        credential=visit.credential,
        kiosk_id=visit.kiosk_id,
        status=visit.alert_status,
        identified=person is not None,
        overridable=(
            person is not None
            and visit.override_by is None
            and may_override(visit, viewer)
        ),
        reviewed_by=visit.alert_handled_by
        if visit.alert_status == "timed_out"
        else None,
    )


def present_view(
    visit: Visit,
    person: Person | None,
    organization: Organization | None,
    today: date,
    zone: ZoneInfo,
) -> PresentView:
    assert visit.signed_in_at is not None
    day = visit.signed_in_at.astimezone(zone).date()
    if visit.visitor_name:
        name = visit.visitor_name
        purpose = visit.visitor_purpose
        org = f"Visitor: {purpose}" if purpose else "Visitor"
    else:
        name = person.display_name if person else UNIDENTIFIED
        org = organization.name if organization else ""
    return PresentView(
        visit_id=visit.id,
        name=name,
        organization=org,
        since=visit.signed_in_at,
        credential=visit.credential,
        visitor=bool(visit.visitor_name),
        badge_status=visit.badge_status,
        overridden=visit.override_by is not None,
        earlier_day=day if day < today else None,
    )

"""Desk actions by a staff member, each inside one write transaction.

Every action checks the visit's state in the same transaction that changes it
(rows are locked with ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writes
are serialized by ``BEGIN IMMEDIATE``), so two desks acting on one visit at
once cannot both succeed. Every action appends an event naming the staff id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services.checkin import DENIED, NOT_SIGNED_OUT, CheckIn, ScanResult
from kiosk.services.desk.views import may_override
from kiosk.services.freetext import text_problem
from kiosk.services.matching import fold_name, name_token_keys
from kiosk.services.reports import day_bounds
from kiosk.services.staff import StaffMember
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Person, Staff, Visit

MIN_OVERRIDE_REASON = 3
MAX_TEXT = 500
MAX_VISITOR_NAME = 80
"""Maximum length of a one-time visitor name, in characters, because screens and
reports show it in a column."""
MAX_VISITOR_PURPOSE = 120
"""Maximum length of the purpose of a one-time visit, in characters."""
MAX_DESTINATION = 100
"""Maximum length of a destination typed at the desk, in characters."""


class DeskError(Exception):
    """A desk action was rejected; ``reason`` is a code, the message is for staff."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _check_typed(field_name: str, value: str, max_length: int) -> None:
    """Reject typed text with control characters or longer than ``max_length``
    once white space (Tab, line breaks) is folded into single spaces, as the
    caller stores it."""
    problem = text_problem(" ".join(value.split()), max_length)
    if problem is not None:
        raise DeskError(f"{field_name}_invalid", f"the {field_name} {problem}")


@dataclass(frozen=True)
class Where:
    """The desk's place: school, event source and local time zone."""

    school: str
    source: EventSource
    zone: ZoneInfo

    def today_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        return day_bounds(now.astimezone(self.zone).date(), self.zone)


def _locked_visit(session: Session, where: Where, visit_id: int) -> Visit:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update())
    if visit is None or visit.school != where.school:
        raise DeskError("not_found", f"visit {visit_id} not found at this school")
    return visit


def _present_visit(
    session: Session, where: Where, person_id: str, now: datetime
) -> Visit | None:
    start, end = where.today_bounds(now)
    return session.scalar(
        select(Visit).where(
            Visit.school == where.school,
            Visit.person_id == person_id,
            Visit.admitted.is_(True),
            Visit.sign_out_method.is_(None),
            Visit.signed_in_at >= start,
            Visit.signed_in_at < end,
        )
    )


def acknowledge_alert(
    session: Session, where: Where, staff: StaffMember, visit_id: int, now: datetime
) -> bool:
    """Mark an open alert acknowledged; return False if it was no longer open."""
    visit = _locked_visit(session, where, visit_id)
    if visit.alert_status != "open":
        return False
    visit.alert_status = "acknowledged"
    visit.alert_handled_by = staff.id
    visit.alert_handled_at = now
    append_event(
        session,
        where.source,
        "alert_acknowledged",
        now,
        visit_id=visit.id,
        person_id=visit.person_id,
        detail={"staff_id": staff.id},
    )
    return True


def review_missed_alert(
    session: Session, where: Where, staff: StaffMember, visit_id: int, now: datetime
) -> None:
    """Record that a principal has seen a timed-out alert (it stays timed out)."""
    if not staff.sees_confidential:
        raise DeskError("principal_required", "only a principal reviews missed alerts")
    visit = _locked_visit(session, where, visit_id)
    if visit.alert_status != "timed_out":
        raise DeskError("not_timed_out", f"visit {visit_id} has no missed alert")
    visit.alert_handled_by = staff.id
    visit.alert_handled_at = now
    append_event(
        session,
        where.source,
        "alert_reviewed",
        now,
        visit_id=visit.id,
        person_id=visit.person_id,
        detail={"staff_id": staff.id},
    )


def _overridden_by(session: Session, where: Where, visit: Visit) -> str:
    """Return "already overridden by <staff> at HH:MM" in the school's time."""
    staff = session.get(Staff, visit.override_by)
    name = staff.display_name if staff is not None else f"staff {visit.override_by}"
    if visit.overridden_at is None:
        return f"already overridden by {name}"
    local = visit.overridden_at.astimezone(where.zone)
    return f"already overridden by {name} at {local:%H:%M}"


def override_refusal(
    session: Session,
    where: Where,
    staff: StaffMember,
    visit_id: int,
    reason: str,
    now: datetime,
) -> Visit:
    """Admit the person a refused visit turned away, for this visit only.

    The visit becomes an admission signed in now, with the staff member and
    the reason on the row and in the event log. The reason is the one
    free-text field the log contains, because the override must be justified
    there. Rejected when the reason is missing, it was already overridden
    (the message names by whom and when), the visit was not a refusal
    today, nobody was identified, the person is already in the building,
    or a clerk tries to override ``refer_to_principal``.
    """
    _check_typed("reason", reason, MAX_TEXT)
    reason = " ".join(reason.split())
    if len(reason) < MIN_OVERRIDE_REASON:
        raise DeskError("reason_required", "an override needs a reason")
    if len(reason) > MAX_TEXT:
        raise DeskError(
            "reason_too_long", f"keep the reason under {MAX_TEXT} characters"
        )
    visit = _locked_visit(session, where, visit_id)
    start, end = where.today_bounds(now)
    # Checked before ``admitted``: an overridden refusal is admitted, and the
    # staff member who lost a race to override it needs to know who won.
    if visit.override_by is not None:
        raise DeskError("already_overridden", _overridden_by(session, where, visit))
    if visit.admitted:
        raise DeskError("not_refused", "this visit was not a refusal")
    if visit.person_id is None:
        raise DeskError(
            "not_identified",
            "nobody on the roster was identified; sign in a visitor instead",
        )
    if not start <= visit.scanned_at < end:
        raise DeskError("not_today", "only today's refusals can be overridden")
    if not may_override(visit, staff):
        raise DeskError(
            "principal_required", "only the principal can override this refusal"
        )
    if _present_visit(session, where, visit.person_id, now) is not None:
        raise DeskError("already_in_building", "this person is already signed in")

    visit.admitted = True
    visit.signed_in_at = now
    visit.badge_status = "pending"
    visit.override_by = staff.id
    visit.override_reason = reason
    visit.overridden_at = now
    if visit.alert_status == "open":
        visit.alert_status = "acknowledged"
        visit.alert_handled_by = staff.id
        visit.alert_handled_at = now
    append_event(
        session,
        where.source,
        "override",
        now,
        visit_id=visit.id,
        person_id=visit.person_id,
        reasons=list(visit.reasons),
        detail={"staff_id": staff.id, "role": staff.role, "reason": reason},
    )
    return visit


def sign_in_person(
    session: Session,
    where: Where,
    checkin: CheckIn,
    staff: StaffMember,
    person_id: str,
    now: datetime,
) -> ScanResult:
    """Screen a looked-up person by the kiosk's rules and sign them in or refuse.

    A refusal made here is acknowledged at once by the staff member, who is
    looking at it; it can then be overridden like any other.
    """
    person = session.get(Person, person_id)
    if person is None or not person.on_roster:
        raise DeskError("not_found", f"person {person_id} is not on the roster")
    if _present_visit(session, where, person_id, now) is not None:
        raise DeskError("already_in_building", "this person is already signed in")
    result = checkin.screen_person(session, person, "desk", now)
    assert result.visit_id is not None
    visit = session.get(Visit, result.visit_id)
    assert visit is not None
    if result.outcome == DENIED:
        visit.alert_status = "acknowledged"
        visit.alert_handled_by = staff.id
        visit.alert_handled_at = now
    append_event(
        session,
        where.source,
        "desk_sign_in",
        now,
        visit_id=visit.id,
        person_id=person_id,
        detail={"staff_id": staff.id, "admitted": visit.admitted},
    )
    return result


def roster_name_matches(session: Session, name: str) -> bool:
    """Tell whether ``name`` is the name of someone on the roster, with or
    without the middle name.

    Case, accents, hyphens, apostrophes, commas, spacing and word order are
    ignored, so ``Carter, James`` matches James Carter.
    """
    wanted = fold_name(name)
    typed_keys = name_token_keys(name)
    people = session.execute(
        select(Person.first_name, Person.middle_name, Person.last_name).where(
            Person.on_roster.is_(True)
        )
    )
    for first, middle, last in people:
        if wanted in (fold_name(first + last), fold_name(first + middle + last)):
            return True
        if typed_keys & _roster_name_keys(first, middle, last):
            return True
    return False


def _roster_name_keys(first: str, middle: str, last: str) -> set[tuple[str, ...]]:
    """Return the token keys of a roster name with and without the middle name.

    Each name field also counts as one word, so ``MariaJose NunezGarcia``
    matches María José Núñez-García.
    """
    keys: set[tuple[str, ...]] = set()
    for parts in ((first, last), (first, middle, last)):
        keys |= name_token_keys(" ".join(parts))
        whole_fields = tuple(sorted(filter(None, map(fold_name, parts))))
        if whole_fields:
            keys.add(whole_fields)
    return keys


def sign_in_visitor(
    session: Session,
    where: Where,
    staff: StaffMember,
    name: str,
    purpose: str,
    now: datetime,
    *,
    destination: str = "",
    confirmed: bool = False,
) -> Visit:
    """Sign in a one-time visitor who is not on the partner roster.

    A name that matches someone on the roster is rejected with
    ``matches_roster`` unless ``confirmed``: a refused partner must not get
    in as a visitor, so staff look them up instead.
    """
    for field_name, value, max_length in (
        ("name", name, MAX_VISITOR_NAME),
        ("purpose", purpose, MAX_VISITOR_PURPOSE),
        ("destination", destination, MAX_DESTINATION),
    ):
        _check_typed(field_name, value, max_length)
    name, purpose = " ".join(name.split()), " ".join(purpose.split())
    destination = " ".join(destination.split())
    if len(name) < 2:
        raise DeskError("name_required", "enter the visitor's full name")
    if not purpose:
        raise DeskError("purpose_required", "enter the purpose of the visit")
    matches = roster_name_matches(session, name)
    if matches and not confirmed:
        raise DeskError(
            "matches_roster",
            "this name is on the partner roster: look the person up instead, "
            "or submit again to sign in a visitor of the same name",
        )
    visit = Visit(
        school=where.school,
        kiosk_id=where.source.kiosk_id,
        person_id=None,
        credential="desk",
        admitted=True,
        reasons=[],
        notices=[],
        scanned_at=now,
        signed_in_at=now,
        badge_status="pending",
        alert_status="none",
        visitor_name=name,
        visitor_purpose=purpose,
        destination=destination or None,
    )
    session.add(visit)
    session.flush()
    append_event(
        session,
        where.source,
        "visitor_sign_in",
        now,
        visit_id=visit.id,
        detail={"staff_id": staff.id, "roster_name_match": matches},
    )
    return visit


def sign_out_at_desk(
    session: Session,
    where: Where,
    staff: StaffMember,
    visit_id: int,
    now: datetime,
    note: str = "",
) -> Visit:
    """Sign a person out by hand; the note stays on the visit, not in the log.

    A visit signed in on an earlier day is marked not signed out instead,
    as the closing job marks it. The moment the clerk notices such a visit
    is not when the person left, so the principal records that in the review.
    """
    _check_typed("note", note, MAX_TEXT)
    note = " ".join(note.split())
    if len(note) > MAX_TEXT:
        raise DeskError("note_too_long", f"keep the note under {MAX_TEXT} characters")
    visit = _locked_visit(session, where, visit_id)
    if not visit.admitted or visit.signed_in_at is None:
        raise DeskError("not_signed_in", "this visit was never signed in")
    if visit.sign_out_method is not None:
        raise DeskError("already_signed_out", "this person is already signed out")
    visit.signed_out_by = staff.id
    visit.sign_out_note = note or None
    signed_in_on = visit.signed_in_at.astimezone(where.zone).date()
    if signed_in_on < now.astimezone(where.zone).date():
        visit.sign_out_method = NOT_SIGNED_OUT
        append_event(
            session,
            where.source,
            "visit_closed",
            now,
            visit_id=visit.id,
            person_id=visit.person_id,
            detail={
                "method": NOT_SIGNED_OUT,
                "school": visit.school,
                "staff_id": staff.id,
            },
        )
        return visit
    visit.signed_out_at = now
    visit.sign_out_method = "desk"
    append_event(
        session,
        where.source,
        "sign_out",
        now,
        visit_id=visit.id,
        person_id=visit.person_id,
        detail={"method": "desk", "staff_id": staff.id},
    )
    return visit


def check_reprintable(session: Session, where: Where, visit_id: int) -> Visit:
    """Return the visit if its badge may be reprinted: signed in, not out."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.school != where.school:
        raise DeskError("not_found", f"visit {visit_id} not found at this school")
    if not visit.admitted or visit.sign_out_method is not None:
        raise DeskError("not_present", "only people in the building get a badge")
    return visit


def log_staff_event(
    session: Session,
    where: Where,
    kind: str,
    staff: StaffMember | None,
    now: datetime,
    visit_id: int | None = None,
    **detail: object,
) -> None:
    """Append a desk event that changes no visit (lock, look-up, reprint request)."""
    append_event(
        session,
        where.source,
        kind,
        now,
        visit_id=visit_id,
        detail={"staff_id": staff.id if staff else None, **detail},
    )

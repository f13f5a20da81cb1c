"""The desk console's logic: one object the desk app calls, with no UI in it.

``Desk`` ties the store, the clock, the check-in path and the printer to the
staff member signed in. Every method runs to completion on the calling thread
(the app calls them from worker threads) and names the staff member in the
event log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from drivers.printer import PrinterError
from kiosk.clock import Clock
from kiosk.services.alerts import expire_stale_alerts
from kiosk.services.badging import PRINTED, QUEUED, BadgePrinter, PrintOutcome
from kiosk.services.checkin import CheckIn, ScanResult
from kiosk.services.desk import actions, queries
from kiosk.services.desk.actions import DeskError, Where
from kiosk.services.desk.emergency import EmergencyRoster, render_emergency_roster
from kiosk.services.desk.views import (
    AlertView,
    DeskSnapshot,
    PersonMatch,
    PresentView,
    StatusItem,
    alert_view,
)
from kiosk.services.staff import LockoutPolicy, StaffError, StaffMember, authenticate
from kiosk.store.database import Store, StoreError, describe_error
from kiosk.store.models import Organization, Person, Visit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskSettings:
    school: str
    school_name: str
    zone: ZoneInfo
    alert_timeout: timedelta = timedelta(minutes=10)
    roster_max_age: timedelta = timedelta(hours=36)
    idle_lock: timedelta = timedelta(minutes=5)
    heartbeat_limit: timedelta = timedelta(seconds=90)
    """Age of a kiosk's last heartbeat after which its parts show red."""
    poll_seconds: float = 0.5
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)


@dataclass(frozen=True)
class OverrideOutcome:
    visit_id: int
    badge: PrintOutcome


@dataclass(frozen=True)
class DeskSignIn:
    """The outcome of a desk sign-in of a looked-up person."""

    result: ScanResult
    alert: AlertView | None = None
    """For a refusal: the alert as the staff member sees it (to override)."""
    badge: PrintOutcome | None = None


class Desk:
    """The front desk of one school."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        where: Where,
        settings: DeskSettings,
        checkin: CheckIn,
        badges: BadgePrinter,
    ) -> None:
        self.store = store
        self.clock = clock
        self.where = where
        self.settings = settings
        self.checkin = checkin
        self.badges = badges
        self.last_print_error: str | None = None
        """Reason code of the desk's last failed print, None after a success."""
        self._last_known: EmergencyRoster | None = None
        """The list of people in the building as last read from the store, for
        an emergency roster while the store is unreachable."""
        self._last_known_event_id: int | None = None

    # Staff sessions

    def sign_in(self, username: str, pin: str) -> StaffMember:
        """Check the PIN (with lock-out) and that the account works at this school.

        Raises StaffError when the sign-in is rejected, and StoreError when the
        store cannot be read, so the PIN cannot be checked.
        """
        now = self.clock.now()
        try:
            member = authenticate(
                self.store,
                self.where.source,
                now,
                username,
                pin,
                self.settings.lockout,
                zone=self.where.zone,
            )
        except SQLAlchemyError as exc:
            raise StoreError(f"store not reachable: {describe_error(exc)}") from exc
        if member.school not in (self.where.school, "*"):
            self.store.write(
                lambda session: actions.log_staff_event(
                    session,
                    self.where,
                    "staff_login_rejected",
                    member,
                    now,
                    reason="other_school",
                )
            )
            raise StaffError(
                "other_school", f"this account works at {member.school}, not here"
            )
        return member

    def end_session(self, staff: StaffMember, reason: str) -> None:
        """Log the end of a staff session: ``idle`` (it locked itself) or
        ``signed_out``."""
        kind = "staff_session_locked" if reason == "idle" else "staff_logout"
        now = self.clock.now()
        self.store.write(
            lambda session: actions.log_staff_event(
                session, self.where, kind, staff, now
            )
        )

    # Reading

    def poll(
        self, viewer: StaffMember, known_event_id: int | None
    ) -> DeskSnapshot | None:
        """Return a fresh snapshot, or None when no event was stored since
        ``known_event_id``. Pass None to force a full read.

        Alerts open longer than the timeout are marked timed out first. Raises
        StoreError when the store cannot be read.
        """
        now = self.clock.now()
        try:
            self._expire_stale_alerts(now)
            with self.store.read() as session:
                event_id = queries.last_event_id(session)
                if known_event_id is not None and event_id == known_event_id:
                    self._remember_present(session, event_id, now)
                    return None
                snapshot = self._snapshot(session, viewer, event_id, now)
        except SQLAlchemyError as exc:
            raise StoreError(f"store not reachable: {describe_error(exc)}") from exc
        self._last_known = EmergencyRoster(
            self.settings.school_name, now, snapshot.present
        )
        self._last_known_event_id = event_id
        return snapshot

    def open_alert_count(self) -> int:
        """Return how many alerts are open at this school (for the lock screen),
        after marking those open too long as timed out."""
        now = self.clock.now()
        try:
            self._expire_stale_alerts(now)
            with self.store.read() as session:
                self._remember_present(session, queries.last_event_id(session), now)
                return (
                    session.scalar(
                        select(func.count()).where(
                            Visit.school == self.where.school,
                            Visit.alert_status == "open",
                        )
                    )
                    or 0
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"store not reachable: {describe_error(exc)}") from exc

    def _remember_present(self, session: Session, event_id: int, now: datetime) -> None:
        """Keep the last known list current. Read it again only when an event
        was stored since it was read, and otherwise only move its time to ``now``."""
        if self._last_known is not None and event_id == self._last_known_event_id:
            self._last_known = replace(self._last_known, taken_at=now)
            return
        self._last_known = EmergencyRoster(
            self.settings.school_name, now, self._read_present(session, now)
        )
        self._last_known_event_id = event_id

    def _read_present(self, session: Session, now: datetime) -> list[PresentView]:
        return queries.people_present(
            session,
            self.where.school,
            now.astimezone(self.where.zone).date(),
            self.where.zone,
        )

    def _expire_stale_alerts(self, now: datetime) -> None:
        expire_stale_alerts(
            self.store, self.where.source, now, self.settings.alert_timeout
        )

    def _snapshot(
        self, session: Session, viewer: StaffMember, event_id: int, now: datetime
    ) -> DeskSnapshot:
        school = self.where.school
        return DeskSnapshot(
            last_event_id=event_id,
            alerts=queries.open_alerts(session, school, viewer),
            missed=(
                queries.missed_alerts(session, school, viewer)
                if viewer.sees_confidential
                else []
            ),
            present=self._read_present(session, now),
            status=self._status(session, now),
        )

    def _status(self, session: Session, now: datetime) -> list[StatusItem]:
        items = queries.kiosk_status(
            session,
            self.where.school,
            now=now,
            heartbeat_limit=self.settings.heartbeat_limit,
            zone=self.where.zone,
        )
        if self.last_print_error is not None:
            items = [
                replace(item, ok=False, detail=f"desk: {self.last_print_error}")
                if item.name == "printer"
                else item
                for item in items
            ]
        items.append(StatusItem("store", True, self.store.dialect))
        items.append(
            queries.roster_status(
                session, self.where.school, now, self.settings.roster_max_age
            )
        )
        return items

    def present_now(self) -> EmergencyRoster:
        """Read who is in the building right now (the emergency roster's list).

        When the store cannot be read, return the last list the desk loaded,
        marked ``store_reachable=False`` with the time it was loaded, or an
        empty roster with ``has_list=False`` when it never loaded one.
        """
        now = self.clock.now()
        try:
            with self.store.read() as session:
                event_id = queries.last_event_id(session)
                people = self._read_present(session, now)
        except (SQLAlchemyError, StoreError) as exc:
            # NOTE: a PostgreSQL host that drops packets (rather than refusing
            # the connection) makes this wait for the driver's connect timeout.
            logger.error(
                "emergency roster: store unreachable, %s: %s",
                "no list loaded yet" if self._last_known is None else "last known list",
                exc,
            )
            if self._last_known is None:
                return EmergencyRoster(
                    self.settings.school_name,
                    now,
                    [],
                    store_reachable=False,
                    has_list=False,
                )
            return replace(self._last_known, store_reachable=False)
        roster = EmergencyRoster(self.settings.school_name, now, people)
        self._last_known = roster
        self._last_known_event_id = event_id
        return roster

    def lookup(self, staff: StaffMember, query: str) -> list[PersonMatch]:
        """Find people on the roster by name or date of birth; logs the count only.

        Raises DeskError ``invalid_date`` for a date of birth that is no real
        date in a supported format, so staff never read it as "nobody found".
        """
        now = self.clock.now()
        detail: dict[str, object] = {"by": "date_of_birth", "results": 0}
        matches: list[PersonMatch] = []
        failure: queries.BirthDateError | None = None
        try:
            if queries.parse_birth_date(query) is None:
                detail["by"] = "name"
            with self.store.read() as session:
                matches = queries.find_people(session, query)
            detail["results"] = len(matches)
        except queries.BirthDateError as exc:
            failure = exc
            detail["error"] = "invalid_date"
        self.store.write(
            lambda session: actions.log_staff_event(
                session, self.where, "desk_lookup", staff, now, **detail
            )
        )
        if failure is not None:
            raise DeskError("invalid_date", str(failure)) from failure
        return matches

    # Alerts

    def acknowledge(self, staff: StaffMember, visit_id: int) -> bool:
        now = self.clock.now()
        return self.store.write(
            lambda session: actions.acknowledge_alert(
                session, self.where, staff, visit_id, now
            )
        )

    def review_missed(self, staff: StaffMember, visit_id: int) -> None:
        now = self.clock.now()
        self.store.write(
            lambda session: actions.review_missed_alert(
                session, self.where, staff, visit_id, now
            )
        )

    # Sign-ins, sign-outs, badges

    def override(
        self, staff: StaffMember, visit_id: int, reason: str
    ) -> OverrideOutcome:
        """Admit a refused person (see actions.override_refusal) and print the badge."""
        now = self.clock.now()
        self.store.write(
            lambda session: actions.override_refusal(
                session, self.where, staff, visit_id, reason, now
            )
        )
        logger.info("visit %d overridden by staff %d", visit_id, staff.id)
        return OverrideOutcome(visit_id, self._print_badge(staff, visit_id))

    def sign_in_person(self, staff: StaffMember, person_id: str) -> DeskSignIn:
        """Screen a looked-up person; print the badge when admitted."""
        now = self.clock.now()

        def work(session: Session) -> tuple[ScanResult, AlertView | None]:
            result = actions.sign_in_person(
                session, self.where, self.checkin, staff, person_id, now
            )
            alert = None
            if not result.needs_badge and result.visit_id is not None:
                visit = session.get(Visit, result.visit_id)
                person = session.get(Person, person_id)
                org = session.get(Organization, visit.org_id) if visit.org_id else None
                alert = alert_view(visit, person, org, staff)
            return result, alert

        result, alert = self.store.write(work)
        result.at = now
        badge = None
        if result.needs_badge and result.visit_id is not None:
            badge = self._print_badge(staff, result.visit_id)
            result.badge_status = badge.status
        return DeskSignIn(result, alert, badge)

    def sign_in_visitor(
        self,
        staff: StaffMember,
        name: str,
        purpose: str,
        destination: str = "",
        confirmed: bool = False,
    ) -> tuple[int, PrintOutcome]:
        """Sign in a one-time visitor and print a VISITOR badge."""
        now = self.clock.now()
        visit_id = self.store.write(
            lambda session: (
                actions.sign_in_visitor(
                    session,
                    self.where,
                    staff,
                    name,
                    purpose,
                    now,
                    destination=destination,
                    confirmed=confirmed,
                ).id
            )
        )
        return visit_id, self._print_badge(staff, visit_id)

    def sign_out(self, staff: StaffMember, visit_id: int, note: str = "") -> str:
        """Sign a person out by hand; return the visit's sign-out method,
        ``desk``, or ``not_signed_out`` for a visit from an earlier day."""
        now = self.clock.now()
        return self.store.write(
            lambda session: (
                actions.sign_out_at_desk(
                    session, self.where, staff, visit_id, now, note
                ).sign_out_method
            )
        )

    def reprint(self, staff: StaffMember, visit_id: int) -> PrintOutcome:
        """Print a badge again, marked REPRINT, for someone in the building."""
        now = self.clock.now()

        def work(session: Session) -> None:
            actions.check_reprintable(session, self.where, visit_id)
            actions.log_staff_event(
                session, self.where, "reprint_requested", staff, now, visit_id=visit_id
            )

        self.store.write(work)
        return self._print_badge(staff, visit_id, reprint=True)

    def print_emergency_roster(
        self, staff: StaffMember | None, roster: EmergencyRoster
    ) -> PrintOutcome:
        """Print ``roster`` on the first badge printer that takes it, and log it.

        ``staff`` is None when it was asked for from the lock screen, where no
        one is signed in.
        """
        job_name = f"emergency-{roster.taken_at:%Y%m%dT%H%M%S}"
        outcome = PrintOutcome(QUEUED, error="not_configured")
        # An empty page could be read as "nobody inside": print nothing.
        targets = self.badges.targets if roster.has_list else []
        if not roster.has_list:
            outcome = PrintOutcome(QUEUED, error="no_list")
        for target in targets:
            job = render_emergency_roster(
                roster, self.where.zone, target.settings.capabilities
            )
            try:
                target.transport.send(job, job_name)
            except PrinterError as exc:
                logger.error(
                    "emergency roster not printed on %s: %s (%s)",
                    target.transport.description,
                    exc.reason,
                    exc,
                )
                outcome = PrintOutcome(QUEUED, error=exc.reason, printer=target.name)
                continue
            outcome = PrintOutcome(
                PRINTED, printer=target.name, location=target.location
            )
            break
        if roster.has_list:
            self.last_print_error = outcome.error if outcome.status != PRINTED else None
        now = self.clock.now()
        try:
            self.store.write(
                lambda session: actions.log_staff_event(
                    session,
                    self.where,
                    "emergency_roster",
                    staff,
                    now,
                    people=len(roster.people),
                    printed=outcome.status == PRINTED,
                    printer=outcome.printer,
                    error=outcome.error,
                    last_known=not roster.store_reachable,
                )
            )
        except (SQLAlchemyError, StoreError) as exc:
            # The printout matters more than its log entry.
            logger.error(
                "emergency roster event not logged (printed: %s): %s",
                outcome.status == PRINTED,
                exc,
            )
        return outcome

    def _print_badge(
        self, staff: StaffMember, visit_id: int, reprint: bool | None = None
    ) -> PrintOutcome:
        outcome = self.badges.print_visit(visit_id, reprint=reprint, staff_id=staff.id)
        self.last_print_error = outcome.error if outcome.status != PRINTED else None
        return outcome


__all__ = [
    "Desk",
    "DeskError",
    "DeskSettings",
    "DeskSignIn",
    "EmergencyRoster",
    "OverrideOutcome",
    "PresentView",
    "Where",
]

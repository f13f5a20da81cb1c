"""The path of one scan: identify, screen, store the visit, log every step.

``CheckIn.process`` stores its decision before anything is printed; printing
is a separate step (see services.badging) so a slow printer never delays it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import Clock
from kiosk.services import screening
from kiosk.services.identify import (
    BadgeScan,
    LicenceScan,
    SignOutScan,
    Unreadable,
    classify,
)
from kiosk.services.matching import match_licence
from kiosk.services.signout import SignOutKey
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Person, Visit
from kiosk.store.roster import find_by_badge, people_born_on, person_facts

logger = logging.getLogger(__name__)

SIGNED_IN = "signed_in"
SIGNED_OUT = "signed_out"
DENIED = "denied"
UNREADABLE = "unreadable"

INVALID_SIGN_OUT_CODE = "invalid_sign_out_code"
ALREADY_SIGNED_IN = "already_signed_in"
ALREADY_SIGNED_OUT = "already_signed_out"
ID_DOCUMENT_EXPIRED = "id_document_expired"
EXPIRED_SIGN_OUT_CODE = "expired_sign_out_code"
NOT_SIGNED_OUT = "not_signed_out"
"""Sign-out method of a visit closed at the end of the day without a time out."""


@dataclass(frozen=True)
class Station:
    """Where scans are read, and the settings the scan path uses."""

    school: str
    kiosk_id: str
    zone: ZoneInfo
    renewal_notice_days: int = 30
    rescan_guard: timedelta = timedelta(seconds=60)
    """A scan this soon after the person signed in or out here leaves them as
    they are (``already_signed_in``, ``already_signed_out``)."""
    prefix: str = ""
    suffix: str = ""

    @property
    def source(self) -> EventSource:
        return EventSource(self.school, self.kiosk_id)


@dataclass
class ScanResult:
    outcome: str
    """``signed_in``, ``signed_out``, ``denied`` or ``unreadable``."""
    visit_id: int | None = None
    person_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    """Reason codes a clerk may see; never the confidential ones."""
    notices: list[str] = field(default_factory=list)
    first_name: str = ""
    """For the welcome and goodbye screens only; never logged."""
    at: datetime | None = None
    badge: str | None = None
    """File the badge was written to, for a file printer."""
    badge_status: str = "none"
    """``printed``, ``queued`` (printer fault; reprint at the desk) or ``none``."""
    sign_out_code: str | None = None
    needs_badge: bool = False
    unreadable_reason: str = ""
    """Why a scan was unreadable (``too_long``, ``control_characters``...)."""

    def to_json(self) -> dict[str, Any]:
        """Return the result as ``kiosk scan`` prints it.

        ``reasons`` lists every code that explains the outcome: the reasons
        for a refusal and the notices that go with an admission (such as
        ``check_renewal_due``); ``notices`` repeats the notices alone.
        """
        data = asdict(self)
        data.pop("first_name")
        data.pop("needs_badge")
        data["reasons"] = list(dict.fromkeys([*self.reasons, *self.notices]))
        data["at"] = self.at.isoformat() if self.at else None
        return data


def _closed_at_closing_today(
    session: Session, person_id: str, station: Station, today: date
) -> Visit | None:
    """Return today's visit here that the end-of-day job marked not signed out,
    if it is the person's latest visit and still has no time out."""
    latest = session.scalar(
        select(Visit)
        .where(Visit.person_id == person_id, Visit.admitted.is_(True))
        .order_by(Visit.id.desc())
        .limit(1)
    )
    if (
        latest is None
        or latest.school != station.school
        or latest.sign_out_method != NOT_SIGNED_OUT
        or latest.signed_out_at is not None
        or latest.signed_in_at is None
        or latest.signed_in_at.astimezone(station.zone).date() != today
    ):
        return None
    return latest


def _latest_visit(
    session: Session, person_id: str, *, admitted_only: bool = False
) -> Visit | None:
    query = select(Visit).where(Visit.person_id == person_id)
    if admitted_only:
        query = query.where(Visit.admitted.is_(True))
    return session.scalar(query.order_by(Visit.id.desc()).limit(1))


def _latest_sign_out(
    session: Session, person_id: str, station: Station, today: date
) -> Visit | None:
    """Return the person's latest admitted visit if it is signed out, at this
    school, today."""
    latest = _latest_visit(session, person_id, admitted_only=True)
    if (
        latest is None
        or latest.signed_out_at is None
        or latest.school != station.school
        or latest.signed_out_at.astimezone(station.zone).date() != today
    ):
        return None
    return latest


def _refusal_repeated(
    session: Session, person_id: str, station: Station, today: date
) -> Visit | None:
    """Return the person's latest visit if it is a refusal at this school
    today, the one a camera repeat of their code is still showing."""
    latest = _latest_visit(session, person_id)
    if (
        latest is None
        or latest.admitted
        or latest.school != station.school
        or latest.scanned_at.astimezone(station.zone).date() != today
    ):
        return None
    return latest


def _open_visit(session: Session, person_id: str) -> Visit | None:
    return session.scalar(
        select(Visit)
        .where(
            Visit.person_id == person_id,
            Visit.admitted.is_(True),
            Visit.sign_out_method.is_(None),
        )
        .order_by(Visit.id.desc())
        .limit(1)
    )


class CheckIn:
    """Turns scans into stored sign-ins, sign-outs and refusals."""

    def __init__(
        self, store: Store, station: Station, clock: Clock, key: SignOutKey
    ) -> None:
        self.store = store
        self.station = station
        self.clock = clock
        self.key = key

    def process(self, payload: bytes, *, repeat: bool = False) -> ScanResult:
        """Identify the payload, decide, and store the outcome in one transaction.

        A scan within ``Station.rescan_guard`` of the person's sign-in or
        sign-out here changes nothing. A ``repeat`` (a camera read of a code
        that never left the view) changes nothing however long the code was
        held, so holding a badge up never toggles the person in and out. A
        refused badge held up stores no second refusal or desk alert.
        """
        now = self.clock.now()
        scan = classify(payload, prefix=self.station.prefix, suffix=self.station.suffix)
        result = self.store.write(
            lambda session: self._decide(session, scan, now, len(payload), repeat)
        )
        result.at = now
        if result.outcome == SIGNED_IN and result.visit_id is not None:
            result.sign_out_code = self.key.code_for(result.visit_id)
        logger.info(
            "scan at %s: %s visit=%s person=%s reasons=%s notices=%s",
            self.station.school,
            result.outcome,
            result.visit_id,
            result.person_id,
            ",".join(result.reasons) or result.unreadable_reason or "-",
            ",".join(result.notices) or "-",
        )
        return result

    def screen_person(
        self, session: Session, person: Person, credential: str, now: datetime
    ) -> ScanResult:
        """Sign ``person`` in or refuse them inside the caller's write transaction.

        The same path a scan takes once it has found the person; the desk uses
        it for people looked up by name or date of birth. Like a scan, it signs
        out a person whose visit here today is open past the rescan guard, so
        callers check for such a visit first.
        """
        return self._arrive_or_leave(session, person, credential, [], now)

    def _decide(
        self, session: Session, scan: object, now: datetime, size: int, repeat: bool
    ) -> ScanResult:
        source = self.station.source
        if isinstance(scan, Unreadable):
            append_event(
                session,
                source,
                "scan",
                now,
                reasons=[scan.reason],
                detail={"credential": "unreadable", "bytes": size},
            )
            return ScanResult(UNREADABLE, unreadable_reason=scan.reason)

        if isinstance(scan, SignOutScan):
            append_event(
                session, source, "scan", now, detail={"credential": "sign_out_code"}
            )
            return self._sign_out_by_code(session, scan.code, now)

        notices: list[str] = []
        candidates: tuple[str, ...] = ()
        marks = {"repeat": True} if repeat else {}
        if isinstance(scan, BadgeScan):
            credential = "badge"
            append_event(
                session,
                source,
                "scan",
                now,
                detail={"credential": credential, **marks},
            )
            person = find_by_badge(session, scan.key)
            miss = screening.NOT_ON_ROSTER
        else:
            assert isinstance(scan, LicenceScan)
            credential = "licence"
            licence = scan.licence
            append_event(
                session,
                source,
                "scan",
                now,
                detail={
                    "credential": credential,
                    "issuer": licence.issuer,
                    "version": licence.version,
                    "document": licence.document_type,
                    **marks,
                },
            )
            today = now.astimezone(self.station.zone).date()
            if licence.expires_on is not None and licence.expires_on < today:
                notices.append(ID_DOCUMENT_EXPIRED)
            match = match_licence(
                licence, people_born_on(session, licence.date_of_birth)
            )
            person = session.get(Person, match.person_id) if match.person_id else None
            miss = match.reason or screening.NOT_ON_ROSTER
            candidates = match.candidates

        if person is None:
            if repeat:
                # The first read of this code already stored the refusal and
                # raised the desk alert.
                return ScanResult(DENIED, reasons=[miss], notices=notices)
            return self._refuse_unknown(
                session, credential, miss, notices, now, candidates
            )
        if repeat:
            refused = _refusal_repeated(
                session,
                person.person_id,
                self.station,
                now.astimezone(self.station.zone).date(),
            )
            if refused is not None:
                return ScanResult(
                    DENIED,
                    visit_id=refused.id,
                    person_id=person.person_id,
                    reasons=list(refused.reasons),
                    notices=notices,
                    first_name=person.first_name,
                )
        left = self._just_left(session, person, notices, now, repeat)
        if left is not None:
            return left
        return self._arrive_or_leave(
            session, person, credential, notices, now, repeat=repeat
        )

    def _just_left(
        self,
        session: Session,
        person: Person,
        notices: list[str],
        now: datetime,
        repeat: bool,
    ) -> ScanResult | None:
        """Return ``already_signed_out`` when the person signed out here within
        the rescan guard, or today when the scan is a repeat; else None."""
        today = now.astimezone(self.station.zone).date()
        visit = _latest_sign_out(session, person.person_id, self.station, today)
        if visit is None:
            return None
        assert visit.signed_out_at is not None
        if not repeat and now - visit.signed_out_at >= self.station.rescan_guard:
            return None
        return ScanResult(
            SIGNED_OUT,
            visit_id=visit.id,
            person_id=person.person_id,
            notices=[*notices, ALREADY_SIGNED_OUT],
            first_name=person.first_name,
        )

    def _refuse_unknown(
        self,
        session: Session,
        credential: str,
        reason: str,
        notices: list[str],
        now: datetime,
        candidates: tuple[str, ...] = (),
    ) -> ScanResult:
        """Store the refusal of a scan that named no single person; for an
        ambiguous match the event names the candidates for the clerk."""
        visit = Visit(
            school=self.station.school,
            kiosk_id=self.station.kiosk_id,
            person_id=None,
            credential=credential,
            admitted=False,
            reasons=[reason],
            notices=notices,
            scanned_at=now,
            alert_status="open",
        )
        session.add(visit)
        session.flush()
        append_event(
            session,
            self.station.source,
            "decision",
            now,
            visit_id=visit.id,
            reasons=[reason, *notices],
            detail={"admitted": False, "candidates": list(candidates)}
            if candidates
            else {"admitted": False},
        )
        return ScanResult(DENIED, visit_id=visit.id, reasons=[reason], notices=notices)

    def _arrive_or_leave(
        self,
        session: Session,
        person: Person,
        credential: str,
        notices: list[str],
        now: datetime,
        *,
        repeat: bool = False,
    ) -> ScanResult:
        station = self.station
        zone = station.zone
        today = now.astimezone(zone).date()
        open_visit = _open_visit(session, person.person_id)
        if open_visit is not None and open_visit.signed_in_at is not None:
            same_day = open_visit.signed_in_at.astimezone(zone).date() == today
            if same_day and open_visit.school == station.school:
                guarded = now - open_visit.signed_in_at < station.rescan_guard
                if repeat or guarded:
                    return ScanResult(
                        SIGNED_IN,
                        visit_id=open_visit.id,
                        person_id=person.person_id,
                        notices=[*notices, ALREADY_SIGNED_IN],
                        first_name=person.first_name,
                    )
                return self._sign_out(session, open_visit, person, "badge", now)
            # Still open from an earlier day, or at another school: it cannot
            # be current any more, so it is closed without inventing a time.
            self._close_without_time(
                session, open_visit, NOT_SIGNED_OUT if not same_day else "moved", now
            )
        else:
            closed = _closed_at_closing_today(session, person.person_id, station, today)
            if closed is not None:
                # The end-of-day job marked today's visit while the person was
                # still here; this scan is their real time out.
                return self._sign_out(session, closed, person, "badge", now)

        decision = screening.screen(
            person_facts(person), station.school, today, station.renewal_notice_days
        )
        visit = Visit(
            school=station.school,
            kiosk_id=station.kiosk_id,
            person_id=person.person_id,
            org_id=person.org_id,
            credential=credential,
            admitted=decision.admitted,
            reasons=list(decision.reasons),
            notices=[*notices, *decision.notices],
            confidential_reasons=list(decision.confidential),
            scanned_at=now,
            signed_in_at=now if decision.admitted else None,
            badge_status="pending" if decision.admitted else "none",
            alert_status="none" if decision.admitted else "open",
        )
        session.add(visit)
        session.flush()
        append_event(
            session,
            station.source,
            "decision",
            now,
            visit_id=visit.id,
            person_id=person.person_id,
            reasons=[*decision.reasons, *visit.notices],
            detail={"admitted": decision.admitted},
        )
        return ScanResult(
            SIGNED_IN if decision.admitted else DENIED,
            visit_id=visit.id,
            person_id=person.person_id,
            reasons=list(decision.reasons),
            notices=list(visit.notices),
            first_name=person.first_name,
            needs_badge=decision.admitted,
        )

    def _close_without_time(
        self, session: Session, visit: Visit, method: str, now: datetime
    ) -> None:
        visit.sign_out_method = method
        append_event(
            session,
            self.station.source,
            "visit_closed",
            now,
            visit_id=visit.id,
            person_id=visit.person_id,
            detail={"method": method, "school": visit.school},
        )

    def _sign_out(
        self,
        session: Session,
        visit: Visit,
        person: Person | None,
        method: str,
        now: datetime,
    ) -> ScanResult:
        detail: dict[str, object] = {"method": method}
        if visit.sign_out_method == NOT_SIGNED_OUT:
            detail["after_closing"] = True
        visit.signed_out_at = now
        visit.sign_out_method = method
        append_event(
            session,
            self.station.source,
            "sign_out",
            now,
            visit_id=visit.id,
            person_id=visit.person_id,
            detail=detail,
        )
        return ScanResult(
            SIGNED_OUT,
            visit_id=visit.id,
            person_id=visit.person_id,
            first_name=person.first_name if person else "",
        )

    def _sign_out_by_code(
        self, session: Session, code: str, now: datetime
    ) -> ScanResult:
        visit_id = self.key.verify(code)
        visit = session.get(Visit, visit_id) if visit_id is not None else None
        if visit is None or not visit.admitted:
            append_event(
                session,
                self.station.source,
                "sign_out_rejected",
                now,
                reasons=[INVALID_SIGN_OUT_CODE],
            )
            logger.warning("rejected a sign-out code that is not genuine")
            return ScanResult(DENIED, reasons=[INVALID_SIGN_OUT_CODE])
        zone = self.station.zone
        today = now.astimezone(zone).date()
        assert visit.signed_in_at is not None
        same_day = visit.signed_in_at.astimezone(zone).date() == today
        not_timed = visit.signed_out_at is None and visit.sign_out_method in (
            None,
            NOT_SIGNED_OUT,
        )
        if not_timed and not same_day:
            # A badge from an earlier day: its visit ended without a time out,
            # and today's time would be a made-up one.
            if visit.sign_out_method is None:
                self._close_without_time(session, visit, NOT_SIGNED_OUT, now)
            append_event(
                session,
                self.station.source,
                "sign_out_rejected",
                now,
                visit_id=visit.id,
                person_id=visit.person_id,
                reasons=[EXPIRED_SIGN_OUT_CODE],
            )
            return ScanResult(
                DENIED,
                visit_id=visit.id,
                person_id=visit.person_id,
                reasons=[EXPIRED_SIGN_OUT_CODE],
            )
        if not not_timed:
            return ScanResult(
                SIGNED_OUT,
                visit_id=visit.id,
                person_id=visit.person_id,
                notices=[ALREADY_SIGNED_OUT],
                first_name=visit.person.first_name if visit.person else "",
            )
        return self._sign_out(session, visit, visit.person, "code", now)

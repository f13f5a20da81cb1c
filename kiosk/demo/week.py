"""A realistic, fictional school week for the review screens, tests and demos.

``fill_week`` imports a fictional roster and plays a Monday-to-Friday week of
arrivals and departures through the kiosk's real check-in path, with the
desk's overrides and sign-outs, end-of-day marking, and one time out recorded
by the principal. The same seed gives the same week.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kiosk.clock import FixedClock
from kiosk.services.checkin import CheckIn, Station
from kiosk.services.closing import close_open_visits, record_time_out
from kiosk.services.destinations import set_destination
from kiosk.services.roster import read_roster
from kiosk.services.signout import SignOutKey
from kiosk.services.staff import StaffMember, add_staff
from kiosk.store.database import Store
from kiosk.store.events import append_event
from kiosk.store.models import Visit
from kiosk.store.roster import apply_roster

PRINCIPAL = ("d.whitfield", "Dana Whitfield", "584203")
CLERK = ("c.ortiz", "Cam Ortiz", "739164")
"""Demo accounts: (username, name, PIN). Fictional, for demos and tests only."""

DESTINATIONS = ("Library", "Room 12", "Room 7", "Cafeteria", "Gym", "Counseling")


@dataclass(frozen=True)
class Regular:
    """A rostered person who comes on set weekdays (0 is Monday)."""

    person_id: str
    badge: str
    days: tuple[int, ...]
    arrive: str
    stay_minutes: int
    leaves_by: str = "badge"
    """``badge`` (scans again) or ``code`` (scans the code on the visitor badge)."""


REGULARS = (
    Regular("W001", "WK-1001", (0, 1, 2, 3, 4), "08:20", 180),
    Regular("W002", "WK-1002", (0, 2, 4), "09:00", 150, "code"),
    Regular("W003", "WK-1003", (1, 3), "12:30", 210),
    Regular("W004", "WK-1004", (1, 3), "13:00", 180, "code"),
    Regular("W005", "WK-1005", (0, 1, 2, 3), "10:15", 120),
    Regular("W006", "WK-1006", (0, 2, 4), "11:30", 75),
    Regular("W007", "WK-1007", (0, 1, 2, 3, 4), "14:30", 90),
    Regular("W008", "WK-1008", (2, 4), "08:45", 240),
    Regular("W009", "WK-1009", (0, 3), "12:00", 60),
    Regular("W010", "WK-1010", (1, 2, 4), "09:30", 135),
)


def _org(
    org_id: str,
    name: str,
    kind: str,
    status: str,
    signed: date | None,
    starts: date,
    ends: date | None,
) -> dict:
    return {
        "org_id": org_id,
        "name": name,
        "kind": kind,
        "agreement_type": "MOU" if kind == "community_partner" else "contract",
        "agreement_status": status,
        "agreement_signed_on": signed.isoformat() if signed else None,
        "agreement_starts_on": starts.isoformat(),
        "agreement_ends_on": ends.isoformat() if ends else None,
        "schools": ["*"],
    }


def _person(
    person_id: str,
    org_id: str,
    name: str,
    born: str,
    role: str,
    badge: str,
    check: date | None,
    offense: str = "none",
) -> dict:
    first, last = name.split(" ", 1)
    return {
        "person_id": person_id,
        "org_id": org_id,
        "first_name": first,
        "middle_name": None,
        "last_name": last,
        "date_of_birth": born,
        "role": role,
        "badge_code": badge,
        "id_jurisdiction": None,
        "id_number_last4": None,
        "check_completed_on": check.isoformat() if check else None,
        "check_source": "district" if check else None,
        "offense_report": offense,
        "status": "active",
    }


def week_roster(monday: date) -> dict:
    """Return the fictional roster of the week, with dates set from ``monday``."""
    year_ago = monday - timedelta(days=365)
    community, contractor = "community_partner", "academic_services_contractor"
    long_ago = monday - timedelta(days=200)
    organizations = [
        _org(
            "WK-LRC",
            "Lantern Reading Club",
            community,
            "signed",
            long_ago,
            long_ago,
            monday + timedelta(days=300),
        ),
        _org(
            "WK-CST",
            "Cedar Street Tutors",
            contractor,
            "signed",
            long_ago,
            long_ago,
            monday + timedelta(days=25),
        ),
        _org(
            "WK-HFP",
            "Harvest Table Food Pantry",
            community,
            "signed",
            long_ago,
            long_ago,
            None,
        ),
        _org(
            "WK-BWM",
            "Bridgeway Mentors",
            community,
            "signed",
            long_ago,
            long_ago,
            monday + timedelta(days=400),
        ),
        _org(
            "WK-NAC",
            "Northside Arts Collective",
            community,
            "pending_signature",
            None,
            long_ago,
            monday + timedelta(days=300),
        ),
    ]
    people = [
        _person(
            "W001",
            "WK-LRC",
            "Wren Talbot",
            "1984-04-02",
            "volunteer",
            "WK-1001",
            monday - timedelta(days=60),
        ),
        _person(
            "W002",
            "WK-CST",
            "Amara Okafor",
            "1990-07-19",
            "staff",
            "WK-1002",
            monday - timedelta(days=120),
        ),
        _person(
            "W003",
            "WK-HFP",
            "Luis Ferreira-Campos",
            "1975-11-30",
            "volunteer",
            "WK-1003",
            year_ago + timedelta(days=20),
        ),
        _person(
            "W004",
            "WK-HFP",
            "Signe Halvorsen",
            "1968-01-09",
            "volunteer",
            "WK-1004",
            monday - timedelta(days=30),
        ),
        _person(
            "W005",
            "WK-BWM",
            "Theo Nakamura",
            "1993-09-14",
            "staff",
            "WK-1005",
            monday - timedelta(days=200),
        ),
        _person(
            "W006",
            "WK-BWM",
            "Priya Raman",
            "1988-03-03",
            "volunteer",
            "WK-1006",
            monday - timedelta(days=90),
        ),
        _person(
            "W007",
            "WK-CST",
            "Jonah Whitlock",
            "1995-12-24",
            "staff",
            "WK-1007",
            monday - timedelta(days=10),
        ),
        _person(
            "W008",
            "WK-LRC",
            "Beatriz Solano",
            "1981-06-06",
            "volunteer",
            "WK-1008",
            monday - timedelta(days=150),
        ),
        _person(
            "W009",
            "WK-LRC",
            "Marguerite Oyelaran",
            "1979-02-17",
            "volunteer",
            "WK-1009",
            monday - timedelta(days=250),
        ),
        _person(
            "W010",
            "WK-CST",
            "Declan Ashby",
            "1991-08-08",
            "staff",
            "WK-1010",
            monday - timedelta(days=45),
        ),
        _person(
            "W011",
            "WK-BWM",
            "Tobias Fenwick",
            "1979-10-03",
            "volunteer",
            "WK-1011",
            monday - timedelta(days=400),
        ),
        _person(
            "W012",
            "WK-NAC",
            "Ines Marlowe-Diaz",
            "1992-02-29",
            "volunteer",
            "WK-1012",
            monday - timedelta(days=20),
        ),
        _person(
            "W013",
            "WK-LRC",
            "Gideon Marsh",
            "1970-05-21",
            "volunteer",
            "WK-1013",
            monday - timedelta(days=80),
            offense="pending",
        ),
    ]
    return {
        "format": "partner-roster/1",
        "organizations": organizations,
        "people": people,
    }


@dataclass
class WeekSummary:
    """What ``fill_week`` stored, for tests to check against."""

    monday: date
    visits: int = 0
    overrides: list[int] = field(default_factory=list)
    marked_not_signed_out: list[int] = field(default_factory=list)
    time_out_recorded: list[int] = field(default_factory=list)
    long_visit: int | None = None
    principal: StaffMember | None = None
    clerk: StaffMember | None = None


Action = Callable[[datetime], None]


class _Week:
    """Plays scans and desk actions in time order on one FixedClock."""

    def __init__(self, store: Store, station: Station, key: SignOutKey) -> None:
        self.store = store
        self.station = station
        self.key = key
        self.clock = FixedClock(datetime(2000, 1, 1, tzinfo=station.zone))
        self.checkin = CheckIn(store, station, self.clock, key)
        self.plan: list[tuple[datetime, int, Action]] = []

    def at(self, day: date, wall: str, action: Action) -> None:
        instant = datetime.combine(
            day, time.fromisoformat(wall), tzinfo=self.station.zone
        )
        self.plan.append((instant, len(self.plan), action))

    def scan(self, text: str) -> int | None:
        return self.checkin.process(text.encode("utf-8")).visit_id

    def update(self, visit_id: int, change: Callable[[Session, Visit], None]) -> None:
        def work(session: Session) -> None:
            visit = session.get(Visit, visit_id)
            assert visit is not None
            change(session, visit)

        self.store.write(work)

    def play(self, through: datetime) -> None:
        for instant, _, action in sorted(self.plan, key=lambda item: item[:2]):
            if instant > through:
                break
            self.clock.set(instant)
            action(instant)


def _clock(base: str, minutes: int) -> str:
    moment = datetime.combine(date(2000, 1, 3), time.fromisoformat(base))
    return (moment + timedelta(minutes=minutes)).strftime("%H:%M")


def _set_destination(week: _Week, visit_id: int | None, place: str) -> None:
    if visit_id is not None:
        set_destination(
            week.store, visit_id, place, week.station.source, week.clock.now()
        )


def fill_week(
    store: Store,
    station: Station,
    key: SignOutKey,
    monday: date,
    *,
    closing: time = time(17, 0),
    through: datetime | None = None,
    seed: int = 7,
) -> WeekSummary:
    """Import the week's roster and play Monday to Friday up to ``through``.

    ``through`` defaults to Friday evening after closing. The store should be
    empty apart from its schema.
    """
    zone = station.zone
    friday = monday + timedelta(days=4)
    through = through or datetime.combine(friday, time(23, 0), tzinfo=zone)
    setup_at = datetime.combine(monday, time(6, 0), tzinfo=zone)
    rng = random.Random(seed)
    summary = WeekSummary(monday)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.json"
        path.write_text(json.dumps(week_roster(monday), ensure_ascii=False))
        apply_roster(store, read_roster([path]), station.source, setup_at)
    staff = {}
    for role, (username, name, pin) in (("principal", PRINCIPAL), ("clerk", CLERK)):
        staff[role] = add_staff(
            store,
            station.source,
            setup_at,
            username=username,
            display_name=name,
            role=role,
            school=station.school,
            pin=pin,
        )
    summary.principal, summary.clerk = staff["principal"], staff["clerk"]
    week = _Week(store, station, key)
    visit_of: dict[tuple[str, int], int] = {}

    def arrive(person: Regular, offset: int) -> Action:
        def act(_: datetime) -> None:
            visit_id = week.scan(person.badge)
            if visit_id is not None:
                visit_of[(person.person_id, offset)] = visit_id
                _set_destination(week, visit_id, rng.choice(DESTINATIONS))

        return act

    def leave(person: Regular, offset: int) -> Action:
        def act(_: datetime) -> None:
            visit_id = visit_of.get((person.person_id, offset))
            if person.leaves_by == "code" and visit_id is not None:
                week.scan(key.code_for(visit_id))
            else:
                week.scan(person.badge)

        return act

    # Regular visits; a few people forget to sign out, and Wren stays all day
    # on Thursday, far longer than her usual morning.
    forgets = {("W005", 2), ("W009", 3), ("W007", 4)}
    for offset in range(5):
        day = monday + timedelta(days=offset)
        for person in REGULARS:
            if offset not in person.days:
                continue
            start = rng.randint(-10, 15)
            stay = person.stay_minutes + rng.randint(-20, 20)
            if (person.person_id, offset) == ("W001", 3):
                stay = 7 * 60 + 5
            week.at(day, _clock(person.arrive, start), arrive(person, offset))
            if (person.person_id, offset) not in forgets:
                week.at(day, _clock(person.arrive, start + stay), leave(person, offset))

    # Refusals at the kiosk.
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    thursday = monday + timedelta(days=3)
    week.at(tuesday, "09:12", lambda _: week.scan("WK-9404"))
    week.at(tuesday, "10:02", lambda _: week.scan("WK-1011"))
    week.at(wednesday, "10:40", lambda _: week.scan("WK-1013"))
    week.at(friday, "13:05", lambda _: week.scan("WK-1011"))

    # Ines is refused (agreement not signed); the clerk overrides and signs
    # her in, then signs her out at the desk.
    override_visit: dict[str, int] = {}

    def ines_arrives(_: datetime) -> None:
        visit_id = week.scan("WK-1012")
        if visit_id is not None:
            override_visit["id"] = visit_id

    def clerk_overrides(now: datetime) -> None:
        clerk = staff["clerk"]

        def change(session: Session, visit: Visit) -> None:
            visit.override_by = clerk.id
            visit.override_reason = (
                "Signed agreement shown; district office confirmed by phone"
            )
            visit.overridden_at = now
            visit.signed_in_at = now
            visit.alert_status = "acknowledged"
            visit.alert_handled_by = clerk.id
            visit.alert_handled_at = now
            visit.destination = "Art room"
            append_event(
                session,
                station.source,
                "override",
                now,
                visit_id=visit.id,
                person_id=visit.person_id,
                detail={"staff_id": clerk.id},
            )

        week.update(override_visit["id"], change)
        summary.overrides.append(override_visit["id"])

    def clerk_signs_out(now: datetime) -> None:
        clerk = staff["clerk"]

        def change(session: Session, visit: Visit) -> None:
            visit.signed_out_at = now
            visit.sign_out_method = "desk"
            visit.signed_out_by = clerk.id
            append_event(
                session,
                station.source,
                "sign_out",
                now,
                visit_id=visit.id,
                person_id=visit.person_id,
                detail={"method": "desk", "staff_id": clerk.id},
            )

        week.update(override_visit["id"], change)

    week.at(wednesday, "08:48", ines_arrives)
    week.at(wednesday, "08:55", clerk_overrides)
    week.at(wednesday, "11:35", clerk_signs_out)

    # The daily job after closing; the principal records Theo's real time out
    # on Thursday morning from the paper sheet at the desk.
    def close_day(now: datetime) -> None:
        summary.marked_not_signed_out += close_open_visits(
            store, station.source, now, zone, closing
        )

    for offset in range(5):
        day = monday + timedelta(days=offset)
        week.at(day, _clock(closing.strftime("%H:%M"), 5), close_day)

    def principal_records(now: datetime) -> None:
        visit_id = visit_of[("W005", 2)]
        left = datetime.combine(wednesday, time(12, 40), tzinfo=zone)
        record_time_out(
            store,
            station.source,
            now,
            staff["principal"],
            visit_id,
            left,
            "Left at 12:40 per the paper sign-out sheet at the desk",
        )
        summary.time_out_recorded.append(visit_id)

    week.at(thursday, "08:05", principal_records)
    week.play(through)

    summary.long_visit = visit_of.get(("W001", 3))
    summary.visits = len(visit_of) + len(summary.overrides)
    return summary

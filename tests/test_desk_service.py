"""Desk rules below the screens: the checks a UI could skip must still hold."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kiosk.services.desk.actions import DeskError
from kiosk.services.desk.emergency import EmergencyRoster, roster_lines
from kiosk.services.desk.queries import find_people, missed_alerts, parse_birth_date
from kiosk.services.desk.views import PresentView
from kiosk.services.staff import StaffError, StaffMember, add_staff
from kiosk.store.events import EventSource
from kiosk.store.models import Visit
from tests.desk_support import CLERK_PIN, ZONE
from tests.support import run_kiosk


@pytest.fixture
def desk(desk_env):
    desk = desk_env.desk()
    yield desk
    desk.store.close()


@pytest.fixture
def sqlite_desk(sqlite_desk_env):
    desk = sqlite_desk_env.desk()
    yield desk
    desk.store.close()


ADMIN = StaffMember(99, "it", "District IT", "admin", "*")


def test_clerk_cannot_override_refer_to_principal(desk_env, desk):
    visit_id = desk_env.scan("badge_P008_ALD.bin")["visit_id"]
    with pytest.raises(DeskError) as refused:
        desk.override(desk_env.clerk, visit_id, "knows the family")
    assert refused.value.reason == "principal_required"
    assert not desk_env.visit(visit_id).admitted
    assert desk_env.events("override") == []

    outcome = desk.override(desk_env.principal, visit_id, "report cleared")

    assert outcome.badge.status == "printed"
    assert desk_env.visit(visit_id).override_by == desk_env.principal.id


def test_admin_sees_no_confidential_code(sqlite_desk_env, sqlite_desk):
    # Offense reports and findings are for the principal alone; district IT
    # does not need them to run the kiosks.
    env, desk = sqlite_desk_env, sqlite_desk
    visit_id = env.scan("badge_P010_ALD.bin")["visit_id"]
    snapshot = desk.poll(ADMIN, None)
    [alert] = snapshot.alerts
    assert list(alert.reasons) == ["refer_to_principal"]
    assert "offense_report_pending" not in repr(snapshot)
    assert "found_unsuitable" not in repr(snapshot)
    assert not alert.overridable
    with pytest.raises(DeskError) as refused:
        desk.override(ADMIN, visit_id, "urgent repair")
    assert refused.value.reason == "principal_required"


def test_clerk_snapshot_holds_no_confidential_code(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    env.scan("badge_P008_ALD.bin")
    env.scan("badge_P010_ALD.bin")
    snapshot = desk.poll(env.clerk, None)
    assert len(snapshot.alerts) == 2
    text = repr(snapshot)
    assert "offense_report_pending" not in text
    assert "found_unsuitable" not in text
    assert snapshot.missed == []


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", "reason_required"),
        ("  ok ", "reason_required"),
        ("renewal \x1b[2J on file", "reason_invalid"),
    ],
)
def test_override_needs_a_reason(sqlite_desk_env, sqlite_desk, reason, code):
    visit_id = sqlite_desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    with pytest.raises(DeskError) as refused:
        sqlite_desk.override(sqlite_desk_env.clerk, visit_id, reason)
    assert refused.value.reason == code


def test_override_happens_once(desk_env, desk):
    visit_id = desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    desk.override(desk_env.clerk, visit_id, "renewal on file")
    with pytest.raises(DeskError) as again:
        desk.override(desk_env.principal, visit_id, "renewal on file")
    assert again.value.reason == "already_overridden"
    assert str(again.value) == "already overridden by Cam Ortiz at 08:30"
    assert len(desk_env.events("override")) == 1


def test_override_rejects_admissions_and_strangers(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    admitted = env.scan("badge_P001_ALD.bin")["visit_id"]
    stranger = env.scan("badge_unknown.bin")["visit_id"]
    with pytest.raises(DeskError) as admission:
        desk.override(env.clerk, admitted, "why not")
    assert admission.value.reason == "not_refused"
    with pytest.raises(DeskError) as unknown:
        desk.override(env.clerk, stranger, "says he is a tutor")
    assert unknown.value.reason == "not_identified"
    with pytest.raises(DeskError) as missing:
        desk.override(env.clerk, 9999, "no such visit")
    assert missing.value.reason == "not_found"


def test_override_is_for_today_only(sqlite_desk_env, sqlite_desk):
    env = sqlite_desk_env
    visit_id = env.scan("badge_P003_ALD.bin")["visit_id"]
    env.clock.advance(timedelta(days=1))
    with pytest.raises(DeskError) as stale:
        sqlite_desk.override(env.clerk, visit_id, "renewal on file")
    assert stale.value.reason == "not_today"


def test_override_of_person_already_in(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    first = env.scan("badge_P003_ALD.bin")["visit_id"]
    second = env.scan("badge_P003_ALD.bin")["visit_id"]
    desk.override(env.clerk, second, "renewal on file")
    with pytest.raises(DeskError) as inside:
        desk.override(env.clerk, first, "renewal on file")
    assert inside.value.reason == "already_in_building"


def test_acknowledge_twice_changes_once(desk_env, desk):
    visit_id = desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    assert desk.acknowledge(desk_env.clerk, visit_id) is True
    assert desk.acknowledge(desk_env.principal, visit_id) is False
    assert desk_env.visit(visit_id).alert_handled_by == desk_env.clerk.id
    assert len(desk_env.events("alert_acknowledged")) == 1


def test_alerts_time_out_once(desk_env, desk):
    visit_id = desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    desk_env.clock.advance(timedelta(minutes=9))
    assert desk.poll(desk_env.clerk, None).alerts
    desk_env.clock.advance(timedelta(minutes=2))
    assert desk.poll(desk_env.clerk, None).alerts == []
    other = desk_env.desk()
    try:
        assert other.poll(desk_env.clerk, None).alerts == []
    finally:
        other.store.close()
    assert [e.visit_id for e in desk_env.events("alert_timed_out")] == [visit_id]
    assert [a.visit_id for a in desk.poll(desk_env.principal, None).missed] == [
        visit_id
    ]


def test_missed_alerts_query_for_review(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    early = env.scan("badge_P003_ALD.bin")["visit_id"]
    env.clock.advance(timedelta(hours=1))
    late = env.scan("badge_P005_ALD.bin")["visit_id"]
    env.clock.advance(timedelta(hours=1))
    desk.poll(env.principal, None)
    desk.review_missed(env.principal, early)
    with pytest.raises(DeskError) as clerk:
        desk.review_missed(env.clerk, late)
    assert clerk.value.reason == "principal_required"

    with env.store.read() as session:
        unreviewed = missed_alerts(session, "ALD", env.principal)
        everything = missed_alerts(session, "ALD", env.principal, include_reviewed=True)
        since = missed_alerts(
            session,
            "ALD",
            env.principal,
            since=env.clock.now() - timedelta(hours=1, minutes=30),
            include_reviewed=True,
        )
    assert [a.visit_id for a in unreviewed] == [late]
    assert [a.visit_id for a in everything] == [late, early]
    assert everything[1].reviewed_by == env.principal.id
    assert [a.visit_id for a in since] == [late]


def test_poll_sees_other_writers(desk_env, desk):
    snapshot = desk.poll(desk_env.clerk, None)
    assert desk.poll(desk_env.clerk, snapshot.last_event_id) is None
    desk_env.scan("badge_P003_ALD.bin")
    fresh = desk.poll(desk_env.clerk, snapshot.last_event_id)
    assert fresh is not None
    assert [a.name for a in fresh.alerts] == ["Aisha Rahman"]


def test_desk_sign_in_of_person_already_in(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    env.scan("badge_P001_ALD.bin")
    with pytest.raises(DeskError) as inside:
        desk.sign_in_person(env.clerk, "P001")
    assert inside.value.reason == "already_in_building"
    with pytest.raises(DeskError) as nobody:
        desk.sign_in_person(env.clerk, "P999")
    assert nobody.value.reason == "not_found"


@pytest.mark.parametrize(
    ("name", "purpose", "code"),
    [
        ("", "delivery", "name_required"),
        ("Olu Bankole", " ", "purpose_required"),
        ("Olu\x07 Bankole", "delivery", "name_invalid"),
        ("Olu Bankole", "delivery\x00", "purpose_invalid"),
        ("O" * 81, "delivery", "name_invalid"),
        ("Olu Bankole", "d" * 121, "purpose_invalid"),
    ],
)
def test_visitor_needs_name_and_purpose(
    sqlite_desk_env, sqlite_desk, name, purpose, code
):
    with pytest.raises(DeskError) as refused:
        sqlite_desk.sign_in_visitor(sqlite_desk_env.clerk, name, purpose)
    assert refused.value.reason == code


@pytest.mark.parametrize(
    "name",
    [
        "James Carter",
        "Carter, James",
        "JAMES  carter",
        "carter james",
        "Núñez-García, María José",
        "maria jose nunez garcia",
        "Garcia Nunez Maria Jose",
        "NunezGarcia MariaJose",
        "Daniel OConnor",
        "O Connor, Daniel",
        "Miller, John Robert",
    ],
)
def test_visitor_matches_roster_any_order(sqlite_desk_env, sqlite_desk, name):
    with pytest.raises(DeskError) as held:
        sqlite_desk.sign_in_visitor(sqlite_desk_env.clerk, name, "Pick up")
    assert held.value.reason == "matches_roster"
    assert sqlite_desk_env.events("visitor_sign_in") == []


@pytest.mark.parametrize("name", ["Jim Carter", "James", "Carter, James Paul"])
def test_visitor_with_other_name_not_held(sqlite_desk_env, sqlite_desk, name):
    sqlite_desk.sign_in_visitor(sqlite_desk_env.clerk, name, "Pick up")
    [event] = sqlite_desk_env.events("visitor_sign_in")
    assert event.detail["roster_name_match"] is False


def test_desk_sign_out_twice(desk_env, desk):
    visit_id = desk_env.scan("badge_P001_ALD.bin")["visit_id"]
    desk.sign_out(desk_env.clerk, visit_id)
    with pytest.raises(DeskError) as again:
        desk.sign_out(desk_env.clerk, visit_id)
    assert again.value.reason == "already_signed_out"
    with pytest.raises(DeskError) as gone:
        desk.reprint(desk_env.clerk, visit_id)
    assert gone.value.reason == "not_present"


def test_staff_of_other_school_rejected(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    add_staff(
        desk.store,
        EventSource("BRK", "setup"),
        env.clock.now(),
        username="b.clerk",
        display_name="Bo Clerk",
        role="clerk",
        school="BRK",
        pin=CLERK_PIN,
    )
    with pytest.raises(StaffError) as other:
        desk.sign_in("b.clerk", CLERK_PIN)
    assert other.value.reason == "other_school"
    [event] = env.events("staff_login_rejected")
    assert event.detail["reason"] == "other_school"


def test_find_people_folds_names_and_reads_dates(sqlite_desk_env):
    with sqlite_desk_env.store.read() as session:
        assert [m.person_id for m in find_people(session, "NUNEZ maria")] == ["P001"]
        assert [m.person_id for m in find_people(session, "o'connor")] == ["P002"]
        assert [m.person_id for m in find_people(session, "1988-03-14")] == ["P001"]
        assert [m.person_id for m in find_people(session, "3/14/1988")] == ["P001"]
        assert find_people(session, "zzzz") == []
        assert find_people(session, "   ") == []
    assert parse_birth_date("Núñez-García") is None


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("2001-02-30", "day is out of range for month"),
        ("13/45/2000", "month must be in 1..12"),
        ("13/01/1988", "month must be in 1..12"),
        ("1988-03-1x", "expected YYYY-MM-DD or MM/DD/YYYY"),
        ("12/ab/2000", "expected YYYY-MM-DD or MM/DD/YYYY"),
        ("ab/cd/efgh", "expected YYYY-MM-DD or MM/DD/YYYY"),
        ("1988-3-14", "expected YYYY-MM-DD or MM/DD/YYYY"),
        ("\uff11\uff19\uff18\uff18-03-14", "expected YYYY-MM-DD or MM/DD/YYYY"),
    ],
)
def test_lookup_invalid_birth_date_named(sqlite_desk_env, sqlite_desk, query, problem):
    with pytest.raises(DeskError) as rejected:
        sqlite_desk.lookup(sqlite_desk_env.clerk, query)
    assert rejected.value.reason == "invalid_date"
    message = str(rejected.value)
    assert message.startswith(f"invalid date of birth {query!r}")
    assert problem in message
    assert "YYYY-MM-DD or MM/DD/YYYY" in message
    [event] = sqlite_desk_env.events("desk_lookup")
    assert event.detail == {
        "staff_id": sqlite_desk_env.clerk.id,
        "by": "date_of_birth",
        "results": 0,
        "error": "invalid_date",
    }


def test_roster_status_red_when_old(sqlite_desk_env, sqlite_desk):
    env = sqlite_desk_env
    env.clock.advance(timedelta(hours=37))
    status = {item.name: item for item in sqlite_desk.poll(env.clerk, None).status}
    assert status["roster"].ok is False
    assert status["roster"].detail == "37 h old"
    assert status["store"].ok is True


def test_emergency_lines_fit_narrow_paper():
    person = PresentView(
        visit_id=1,
        name="Maximiliana Evangelina Worthington-Fairweather",
        organization="Community Partners for Literacy and Mathematics",
        since=datetime(2026, 12, 4, 14, 30, tzinfo=UTC),
        credential="badge",
        visitor=False,
        badge_status="printed",
        overridden=False,
    )
    roster = EmergencyRoster("Aldridge Elementary", person.since, [person])
    lines = roster_lines(roster, ZoneInfo(ZONE), 32)
    assert all(len(line) <= 32 for line in lines)
    assert lines[0].startswith("  1. Maximiliana")
    assert lines[2].startswith("     in 08:30 badge   Community")


def test_locked_desk_still_times_out_alerts(sqlite_desk_env, sqlite_desk):
    env = sqlite_desk_env
    visit_id = env.scan("badge_P003_ALD.bin")["visit_id"]
    assert sqlite_desk.open_alert_count() == 1
    env.clock.advance(timedelta(minutes=11))
    assert sqlite_desk.open_alert_count() == 0
    assert env.visit(visit_id).alert_status == "timed_out"


def test_desk_logic_imports_no_ui():
    import subprocess
    import sys

    code = (
        "import sys, kiosk.services.desk.console, kiosk.services.desk.queries; "
        "print('textual' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "False"


def test_roster_status_red_when_sync_fails(sqlite_desk_env, sqlite_desk):
    from kiosk.store.components import record_component_status

    env = sqlite_desk_env
    source = EventSource("ALD", "kiosk-1")
    sqlite_desk.store.write(
        lambda session: record_component_status(
            session, source, "roster", False, "server unreachable", env.clock.now()
        )
    )
    status = {item.name: item for item in sqlite_desk.poll(env.clerk, None).status}
    assert status["roster"].ok is False
    assert status["roster"].detail == "0 min old, kiosk-1: server unreachable"


def test_present_includes_open_visits_of_earlier_days(sqlite_desk_env, sqlite_desk):
    from datetime import time

    from kiosk.services.closing import close_open_visits

    env, desk = sqlite_desk_env, sqlite_desk
    today = env.clock.now()
    zone = ZoneInfo(ZONE)

    # Two days ago P009 signed in; the closing job ran the next morning.
    env.clock.set(today - timedelta(days=2))
    marked_id = env.scan("badge_P009_ALD.bin")["visit_id"]
    env.clock.set(today - timedelta(days=1))
    closing = EventSource("ALD", "closing")
    marked = close_open_visits(desk.store, closing, env.clock.now(), zone, time(17))
    assert marked == [marked_id]

    # Yesterday P001 signed in after that run and never signed out.
    env.clock.set(today - timedelta(days=1) + timedelta(hours=6))
    open_id = env.scan("badge_P001_ALD.bin")["visit_id"]
    env.clock.set(today)
    today_id = env.scan("badge_P013_ALD.bin")["visit_id"]

    roster = desk.present_now()
    by_visit = {person.visit_id: person for person in roster.people}
    assert set(by_visit) == {open_id, today_id}
    assert marked_id not in by_visit
    assert (
        by_visit[open_id].earlier_day
        == (today - timedelta(days=1)).astimezone(zone).date()
    )
    assert by_visit[today_id].earlier_day is None
    assert [person.visit_id for person in roster.people] == [open_id, today_id]

    lines = roster_lines(roster, zone, 48)
    assert lines[1] == "     in 2026-12-03 14:30 badge   Reading Buddies"
    assert lines[4] == "     in 08:30 badge   Bright Path Tutoring LLC"


def test_earlier_day_sign_out_untimed(sqlite_desk_env, sqlite_desk):
    # The clerk finds yesterday's visit still open: the time they notice it is
    # not when the person left, so the visit is marked not signed out.
    env, desk = sqlite_desk_env, sqlite_desk
    today = env.clock.now()
    env.clock.set(today - timedelta(days=1))
    visit_id = env.scan("badge_P001_ALD.bin")["visit_id"]
    env.clock.set(today)

    method = desk.sign_out(env.clerk, visit_id, "left yesterday, per teacher")

    assert method == "not_signed_out"
    with desk.store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit.signed_out_at is None
        assert visit.sign_out_method == "not_signed_out"
        assert visit.signed_out_by == env.clerk.id
    [closed] = env.events("visit_closed")
    assert closed.detail["method"] == "not_signed_out"
    assert closed.detail["staff_id"] == env.clerk.id
    assert env.events("sign_out") == []
    assert visit_id not in {person.visit_id for person in desk.present_now().people}


def test_desk_sign_out_today_keeps_time(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    visit_id = env.scan("badge_P001_ALD.bin")["visit_id"]

    method = desk.sign_out(env.clerk, visit_id)

    assert method == "desk"
    with desk.store.read() as session:
        assert session.get(Visit, visit_id).signed_out_at is not None


def break_sqlite_store(env, desk) -> None:
    """Overwrite the SQLite file with bytes that are not a database, and drop
    the desk's open connections so that its next read opens the file again."""
    path = env.config.store_url.removeprefix("sqlite:///")
    with open(path, "r+b") as handle:
        handle.write(b"not a database " * 400)
    desk.store.engine.dispose()


def test_emergency_roster_last_known_when_store_breaks(sqlite_desk_env, sqlite_desk):
    from tests.escpos_decode import decode_job

    env, desk = sqlite_desk_env, sqlite_desk
    env.scan("badge_P001_ALD.bin")
    kiosk_jobs = len(env.printer.wait_for_jobs(1))
    # The locked desk's poll keeps the list it would print.
    assert desk.open_alert_count() == 0
    loaded_at = env.clock.now()
    break_sqlite_store(env, desk)
    env.clock.advance(timedelta(minutes=12))

    roster = desk.present_now()

    assert roster.store_reachable is False
    assert roster.has_list is True
    assert roster.taken_at == loaded_at
    assert [person.name for person in roster.people] == ["María José Núñez-García"]
    heading = roster.heading(ZoneInfo(ZONE))
    assert heading == ("STORE UNREACHABLE: last known list, as of 08:30 on 2026-12-04")

    outcome = desk.print_emergency_roster(None, roster)

    assert outcome.status == "printed"
    jobs = env.printer.wait_for_jobs(kiosk_jobs + 1)
    lines = decode_job(jobs[-1].data).lines()
    assert lines[:5] == [
        "EMERGENCY ROSTER",
        "ALD",
        "STORE UNREACHABLE",
        "LAST KNOWN LIST",
        "as of 2026-12-04 08:30",
    ]
    assert any("María José Núñez-García" in line for line in lines)
    assert lines[-1] == "END OF LIST: 1"


def test_emergency_roster_without_any_list(sqlite_desk_env, sqlite_desk):
    env, desk = sqlite_desk_env, sqlite_desk
    env.scan("badge_P001_ALD.bin")
    kiosk_jobs = len(env.printer.wait_for_jobs(1))
    break_sqlite_store(env, desk)

    roster = desk.present_now()

    assert roster.store_reachable is False
    assert roster.has_list is False
    assert roster.people == []
    assert roster.heading(ZoneInfo(ZONE)).startswith("STORE UNREACHABLE: no list")
    outcome = desk.print_emergency_roster(None, roster)
    assert outcome.status == "queued"
    assert outcome.error == "no_list"
    assert len(env.printer.jobs) == kiosk_jobs


def test_kiosk_parts_red_when_heartbeat_stops(sqlite_desk_env, sqlite_desk):
    from kiosk.store.components import record_component_status

    env, desk = sqlite_desk_env, sqlite_desk
    source = EventSource("ALD", "kiosk-1")
    started = env.clock.now()

    def report(session):
        record_component_status(session, source, "heartbeat", True, "running", started)
        record_component_status(session, source, "scanner", True, "wedge", started)
        record_component_status(session, source, "printer", True, "ready", started)

    desk.store.write(report)
    fresh = {item.name: item for item in desk.poll(env.clerk, None).status}
    assert fresh["scanner"].ok is True
    assert fresh["printer"].ok is True

    # Three 30-second heartbeats missed: the kiosk process is gone.
    env.clock.advance(timedelta(seconds=91))
    stale = {item.name: item for item in desk.poll(env.clerk, None).status}
    assert stale["scanner"].ok is False
    assert stale["scanner"].detail == "kiosk-1: kiosk not reporting since 08:30"
    assert stale["printer"].ok is False
    assert stale["camera"].ok is None
    assert stale["store"].ok is True


def test_override_race_between_two_desks(desk_env):
    """Two staff at two desks, each with its own store connection, override
    one refusal at once: one override wins, the other names the winner."""
    visit_id = desk_env.scan("badge_P003_ALD.bin")["visit_id"]
    desks = [desk_env.desk(), desk_env.desk()]
    staff = [desk_env.clerk, desk_env.principal]
    start = threading.Barrier(2)

    def override(index: int) -> object:
        start.wait()
        try:
            return desks[index].override(staff[index], visit_id, "renewal on file")
        except DeskError as exc:
            return exc

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(override, range(2)))
    finally:
        for desk in desks:
            desk.store.close()

    errors = [outcome for outcome in outcomes if isinstance(outcome, DeskError)]
    assert len(errors) == 1
    [error] = errors
    assert error.reason == "already_overridden"
    winner = desk_env.visit(visit_id).override_by
    winner_name = "Cam Ortiz" if winner == desk_env.clerk.id else "Pat Lindqvist"
    assert str(error) == f"already overridden by {winner_name} at 08:30"
    assert len(desk_env.events("override")) == 1
    # Waits up to 2 s for a second badge job, which must not arrive.
    assert len(desk_env.printer.wait_for_jobs(2, timeout=2.0)) == 1
    with desk_env.store.read() as session:
        visits = session.scalars(select(Visit).where(Visit.person_id == "P003")).all()
    assert [visit.id for visit in visits] == [visit_id]


def _timed_out_events(env) -> list[tuple[int, str]]:
    return [(event.visit_id, event.school) for event in env.events("alert_timed_out")]


def test_daily_job_times_out_alerts_without_desk(sqlite_desk_env):
    """No desk runs at all: the daily job marks the stale alert for the
    principal, and a second run marks nothing again."""
    env = sqlite_desk_env
    visit_id = env.scan("badge_P003_ALD.bin")["visit_id"]
    env.clock.advance(timedelta(minutes=11))
    for _ in range(2):
        status, output = run_kiosk(
            ["--config", str(env.config_path), "report", "daily"], env.clock
        )
        assert status == 0, output
    assert env.visit(visit_id).alert_status == "timed_out"
    assert _timed_out_events(env) == [(visit_id, "ALD")]
    with env.store.read() as session:
        missed = missed_alerts(session, "ALD", env.principal)
    assert [alert.visit_id for alert in missed] == [visit_id]


def test_alert_timeout_is_per_school(sqlite_desk_env, sqlite_desk, make_config):
    """Two schools share one store: a desk times out its own school's alerts
    only, and the other school's alerts time out through that school's job."""
    env = sqlite_desk_env
    other_school = make_config("BRK")
    ald_visit = env.scan("badge_P003_ALD.bin")["visit_id"]
    brk_visit = env.scan("badge_P003_ALD.bin", other_school)["visit_id"]
    assert env.visit(brk_visit).school == "BRK"
    env.clock.advance(timedelta(minutes=11))

    sqlite_desk.poll(env.clerk, None)
    assert env.visit(ald_visit).alert_status == "timed_out"
    assert env.visit(brk_visit).alert_status == "open"

    status, output = run_kiosk(
        ["--config", str(other_school), "report", "daily"], env.clock
    )
    assert status == 0, output
    assert env.visit(brk_visit).alert_status == "timed_out"
    assert sorted(_timed_out_events(env)) == [(ald_visit, "ALD"), (brk_visit, "BRK")]


def test_two_desks_time_out_alert_once(desk_env):
    """Two desks with their own store connections poll at the same instant:
    each alert is marked timed out once."""
    visit_ids = [desk_env.scan(f"badge_P00{n}_ALD.bin")["visit_id"] for n in (3, 5)]
    desk_env.clock.advance(timedelta(minutes=11))
    desks = [desk_env.desk(), desk_env.desk()]
    start = threading.Barrier(2)

    def poll(desk) -> int:
        start.wait()
        return len(desk.poll(desk_env.principal, None).missed)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            missed_counts = list(pool.map(poll, desks))
    finally:
        for desk in desks:
            desk.store.close()
    assert missed_counts == [2, 2]
    assert sorted(_timed_out_events(desk_env)) == [
        (visit_ids[0], "ALD"),
        (visit_ids[1], "ALD"),
    ]


def test_visitor_text_length_limits(sqlite_desk_env, sqlite_desk):
    clerk = sqlite_desk_env.clerk
    with pytest.raises(DeskError) as long_name:
        sqlite_desk.sign_in_visitor(clerk, "Olu " + "B" * 77, "delivery")
    assert long_name.value.reason == "name_invalid"
    assert str(long_name.value) == "the name is longer than 80 characters"
    with pytest.raises(DeskError) as long_purpose:
        sqlite_desk.sign_in_visitor(clerk, "Olu Bankole", "p" * 121)
    assert str(long_purpose.value) == "the purpose is longer than 120 characters"
    with pytest.raises(DeskError) as long_destination:
        sqlite_desk.sign_in_visitor(
            clerk, "Olu Bankole", "delivery", destination="r" * 101
        )
    assert str(long_destination.value) == (
        "the destination is longer than 100 characters"
    )
    assert sqlite_desk_env.events("visitor_sign_in") == []

    # Runs of white space are folded first, so they do not count.
    sqlite_desk.sign_in_visitor(clerk, "Olu" + " " * 20 + "B" * 76, "p" * 120)
    assert len(sqlite_desk_env.events("visitor_sign_in")) == 1

"""The visits table is tied to the event log: verify names a visit edited,
added or removed outside the kiosk, on SQLite and PostgreSQL, and a purge
keeps the log verifiable."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select, text

from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.services.closing import close_open_visits, record_time_out
from kiosk.services.destinations import set_destination
from kiosk.services.integrity import day_status, day_verifies, describe, verify_chain
from kiosk.services.reports import day_bounds
from kiosk.services.reprints import dismiss_badge
from kiosk.services.retention import RetentionError, purge
from kiosk.services.staff import add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Event, Visit
from tests.support import ROSTER_DIR, run_kiosk
from tests.week_fixture import FRIDAY, MONDAY, SCHOOL, ZONE, local, week_store

SOURCE = EventSource(SCHOOL, "desk-1")
WEDNESDAY = MONDAY + timedelta(days=2)
THURSDAY = MONDAY + timedelta(days=3)


def sql(store: Store, statement: str, **params) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


def verify_store(store: Store):
    with store.read() as session:
        return verify_chain(session)


@dataclass
class SchoolDay:
    config: object
    store: Store
    visits: dict[str, int]


def play_school_day(config_path) -> SchoolDay:
    """Scan, print, pick destinations, sign out, close the day and record a
    time out at school ALD on Friday 2026-12-04, through the kiosk's code."""
    status, output = run_kiosk(
        ["--config", str(config_path), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output
    clock = FixedClock(local(FRIDAY, "08:30"))
    kiosk = build_kiosk(load_config(str(config_path)), clock)
    source = kiosk.station.source
    visits: dict[str, int] = {}

    def scan(badge: str, at: str) -> int | None:
        clock.set(local(FRIDAY, at))
        return kiosk.scan(badge.encode()).visit_id

    visits["P001"] = scan("OTP-100001", "08:30")
    set_destination(kiosk.store, visits["P001"], "Library", source, clock.now())
    visits["P008"] = scan("OTP-100008", "08:31")  # refused: refer to principal
    visits["unknown"] = scan("OTP-999999", "08:32")
    clock.set(local(FRIDAY, "08:35"))
    visits["P009"] = kiosk.checkin.process(b"OTP-100009").visit_id
    dismiss_badge(kiosk.store, visits["P009"], source, clock.now())
    visits["P002"] = scan("OTP-100002", "08:40")
    kiosk.printer.print_visit(visits["P002"], reprint=True)
    scan("OTP-100001", "11:00")
    scan(kiosk.checkin.key.code_for(visits["P002"]), "11:30")

    closed = close_open_visits(
        kiosk.store, source, local(FRIDAY, "17:05"), ZONE, kiosk.config.closing_time
    )
    assert closed == [visits["P009"]]
    principal = add_staff(
        kiosk.store,
        source,
        local(FRIDAY, "17:10"),
        username="d.whitfield",
        display_name="Dana Whitfield",
        role="principal",
        school=SCHOOL,
        pin="318657",
    )
    record_time_out(
        kiosk.store,
        source,
        local(FRIDAY, "17:20"),
        principal,
        visits["P009"],
        local(FRIDAY, "15:00"),
        "Seen leaving by the custodian",
    )
    return SchoolDay(kiosk.config, kiosk.store, visits)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def school_day(request, make_config):
    if request.param == "sqlite":
        config_path = make_config()
    else:
        config_path = make_config(store={"url": request.getfixturevalue("pg_url")})
    day = play_school_day(config_path)
    yield day
    day.store.close()


def test_school_day_verifies(school_day):
    result = verify_store(school_day.store)
    assert result.ok, result.problem()
    assert result.visits_checked == 5
    assert "5 visits match the log" in describe(result)
    with school_day.store.read() as session:
        unlinked = session.scalars(
            select(Event.id).where(
                Event.visit_id.is_not(None), Event.visit_digest.is_(None)
            )
        ).all()
    assert unlinked == []


def test_sql_edit_of_visit_is_named(school_day):
    refused = school_day.visits["P008"]
    sql(
        school_day.store,
        "UPDATE visits SET admitted = TRUE, reasons = '[]' WHERE person_id = 'P008'",
    )
    result = verify_store(school_day.store)
    assert not result.ok
    assert result.broken is None
    assert [p.visit_id for p in result.visit_problems] == [refused]
    problem = result.problem(ZONE)
    assert problem.startswith(f"visit {refused} (2026-12-04 08:31) was changed")
    with school_day.store.read() as session:
        newest = session.scalar(
            select(Event.id)
            .where(Event.visit_id == refused)
            .order_by(Event.id.desc())
            .limit(1)
        )
    assert f"no longer match event {newest}" in problem


def test_sql_edit_of_note_is_named(school_day):
    sql(
        school_day.store,
        "UPDATE visits SET sign_out_note = 'Left at 15:00' WHERE id = :id",
        id=school_day.visits["P009"],
    )
    problems = verify_store(school_day.store).visit_problems
    assert [p.visit_id for p in problems] == [school_day.visits["P009"]]
    assert problems[0].problem == "changed"


def test_badge_bookkeeping_is_not_audited(school_day):
    sql(
        school_day.store,
        "UPDATE visits SET badge_status = 'queued', badge_path = NULL",
    )
    assert verify_store(school_day.store).ok


def test_verify_command_names_edited_visit(make_config):
    config_path = make_config()
    day = play_school_day(config_path)
    sql(day.store, "UPDATE visits SET destination = 'Gym' WHERE id = :id", id=1)
    day.store.close()
    status, output = run_kiosk(["--config", str(config_path), "report", "verify"])
    assert status == 1
    assert output.startswith("log does not verify: visit 1 (2026-12-04 08:30) was")


def test_verify_names_added_and_removed_visits(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    with store.read() as session:
        first, last = session.execute(text("SELECT min(id), max(id) FROM visits")).one()
    sql(store, "DELETE FROM visits WHERE id = :id", id=first)
    sql(
        store,
        "INSERT INTO visits (id, school, kiosk_id, person_id, org_id, credential, "
        "admitted, reasons, notices, confidential_reasons, scanned_at, "
        "signed_in_at, badge_status, alert_status) "
        "SELECT :id, school, kiosk_id, person_id, org_id, credential, admitted, "
        "reasons, notices, confidential_reasons, scanned_at, signed_in_at, "
        "badge_status, alert_status FROM visits WHERE id = :copy",
        id=last + 1,
        copy=last,
    )
    result = verify_store(store)
    store.close()
    problems = [(p.visit_id, p.problem) for p in result.visit_problems]
    assert problems == [(first, "removed"), (last + 1, "added")]
    status, output = run_kiosk(["--config", str(config), "report", "verify"])
    assert status == 1
    assert f"visit {first} was removed" in output
    assert "(and 1 other visit)" in output


def test_day_status_names_the_day_of_the_edit(week, tmp_path):
    _, summary = week
    store = week_store(tmp_path)
    visit_id = summary.overrides[0]  # Ines, on Wednesday
    sql(store, "UPDATE visits SET override_reason = 'x' WHERE id = :id", id=visit_id)
    with store.read() as session:
        result = verify_chain(session)
        wednesday = day_bounds(WEDNESDAY, ZONE)
        thursday = day_bounds(THURSDAY, ZONE)
        assert not day_verifies(session, result, SCHOOL, wednesday[1], wednesday[0])
        assert day_verifies(session, result, SCHOOL, thursday[1], thursday[0])
        assert day_status(session, result, SCHOOL, WEDNESDAY, ZONE).startswith(
            f"LOG BROKEN: visit {visit_id} "
        )
        assert "another day" in day_status(session, result, SCHOOL, THURSDAY, ZONE)
    store.close()


def test_purge_keeps_visits_verifiable(week, tmp_path):
    """Thursday's log still records Wednesday's time out after Wednesday's
    visits are purged; the purge checkpoint accounts for them."""
    _, summary = week
    store = week_store(tmp_path)
    now = local(FRIDAY, "12:00").replace(year=2028, month=1, day=5)
    days = (now.date() - THURSDAY).days
    recorded = summary.time_out_recorded[0]
    result = purge(store, SOURCE, now, ZONE, days)
    assert result.visits > 0
    with store.read() as session:
        assert session.get(Visit, recorded) is None
        left = session.scalars(
            select(Event.kind).where(Event.visit_id == recorded)
        ).all()
    assert "time_out_recorded" in left
    checked = verify_store(store)
    assert checked.ok, checked.problem()

    # A visit removed by hand after the purge is still named.
    with store.read() as session:
        kept = session.scalar(select(Visit.id).order_by(Visit.id).limit(1))
    sql(store, "DELETE FROM visits WHERE id = :id", id=kept)
    checked = verify_store(store)
    assert [(p.visit_id, p.problem) for p in checked.visit_problems] == [
        (kept, "removed")
    ]
    store.close()


def test_purge_refuses_edited_visit(week, tmp_path):
    store = week_store(tmp_path)
    sql(store, "UPDATE visits SET sign_out_note = 'edited' WHERE id = 3")
    now = local(FRIDAY, "12:00").replace(year=2028)
    with pytest.raises(RetentionError, match=r"visit 3 \(.*\) was changed"):
        purge(store, SOURCE, now, ZONE, 400)
    store.close()


def test_chain_break_is_reported_before_visits(week, tmp_path):
    store = week_store(tmp_path)
    sql(store, "UPDATE visits SET destination = 'Boiler room' WHERE id = 4")
    sql(store, "UPDATE events SET kiosk_id = 'elsewhere' WHERE id = 9")
    result = verify_store(store)
    store.close()
    assert result.broken is not None
    assert result.broken.event_id == 9
    assert result.problem().startswith("event 9 was changed")


def test_event_digest_is_in_the_chain(week, tmp_path):
    store = week_store(tmp_path)
    with store.read() as session:
        event_id = session.scalar(
            select(Event.id).where(Event.visit_digest.is_not(None)).limit(1)
        )
    sql(
        store,
        "UPDATE events SET visit_digest = :d WHERE id = :id",
        d="0" * 64,
        id=event_id,
    )
    result = verify_store(store)
    store.close()
    assert result.broken is not None
    assert result.broken.event_id == event_id


def test_visit_times_compare_as_instants(make_config):
    """Digests read back what the store wrote, so UTC storage round-trips."""
    day = play_school_day(make_config())
    with day.store.read() as session:
        visit = session.get(Visit, day.visits["P001"])
        assert visit.signed_in_at.tzinfo is UTC
    assert verify_store(day.store).ok
    day.store.close()


@pytest.mark.postgres
def test_concurrent_event_carries_latest_digest(pg_url, make_config):
    """A kiosk logging a print for a visit while the desk signs it out, in
    two transactions on PostgreSQL: the later event must carry the digest of
    the signed-out row, whichever transaction read the visit first."""
    day = play_school_day(make_config(store={"url": pg_url}))
    store = day.store
    visit_id = day.visits["P002"]
    changed, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def sign_out_at_desk(session) -> None:
        visit = session.get(Visit, visit_id)
        visit.sign_out_note = "Signed out at the desk"
        append_event(
            session, SOURCE, "sign_out", local(FRIDAY, "12:00"), visit_id=visit_id
        )
        changed.set()
        assert release.wait(10)

    def log_print(session) -> None:
        append_event(
            session, SOURCE, "print", local(FRIDAY, "12:00"), visit_id=visit_id
        )

    def run(work) -> None:
        try:
            store.write(work)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    desk = threading.Thread(target=run, args=(sign_out_at_desk,))
    kiosk = threading.Thread(target=run, args=(log_print,))
    try:
        desk.start()
        assert changed.wait(10)
        kiosk.start()
        # Wait until the print's transaction is blocked on the chain-head lock.
        waiting = 0
        for _ in range(200):
            with store.engine.connect() as connection:
                waiting = connection.execute(
                    text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                ).scalar()
            if waiting:
                break
            kiosk.join(0.05)
        assert waiting
    finally:
        release.set()
        desk.join(10)
        if kiosk.ident is not None:  # started
            kiosk.join(10)
    assert errors == []
    result = verify_store(store)
    store.close()
    assert result.ok, result.problem()

"""The hash chain: verify names the first entry edited or deleted by hand,
and still verifies after a retention purge."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import text

from kiosk.clock import FixedClock
from kiosk.services.integrity import day_verifies, verify_chain
from kiosk.services.reports import day_bounds
from kiosk.services.retention import RetentionError, purge
from kiosk.store import Store
from kiosk.store.events import EventSource, append_event, event_hash
from kiosk.store.models import Event
from tests.support import run_kiosk
from tests.week_fixture import FRIDAY, MONDAY, SCHOOL, ZONE, local, week_store

SOURCE = EventSource(SCHOOL, "desk-1")


def sql(store: Store, statement: str, **params) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


def verify(config) -> tuple[int, str]:
    return run_kiosk(["--config", str(config), "report", "verify"])


def test_week_verifies(week):
    config, _ = week
    status, output = verify(config)
    assert status == 0
    assert output.startswith("log verifies:")
    assert "from genesis" in output


def test_verify_names_edited_row(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    sql(store, "UPDATE events SET kiosk_id = 'kiosk-9' WHERE id = 40")
    store.close()
    status, output = verify(config)
    assert status == 1
    assert "event 40 was changed" in output


def test_verify_names_deleted_row(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    sql(store, "DELETE FROM events WHERE id = 57")
    store.close()
    status, output = verify(config)
    assert status == 1
    assert "event 57 was removed" in output
    assert "1 entry missing before event 58" in output


def test_verify_names_rehashed_row(week, tmp_path):
    """An edit that also recomputes the row's own hash breaks the next link."""
    config, _ = week
    store = week_store(tmp_path)
    with store.read() as session:
        row = session.get(Event, 61)
        row.detail = {**row.detail, "admitted": True}
        forged = event_hash(row)
    sql(
        store,
        "UPDATE events SET detail = :d, hash = :h WHERE id = 61",
        d='{"admitted": true}',
        h=forged,
    )
    store.close()
    status, output = verify(config)
    assert status == 1
    assert "event 61 was changed" in output


def test_verify_names_removed_newest_rows(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    with store.read() as session:
        last = session.execute(text("SELECT max(id) FROM events")).scalar()
    sql(store, "DELETE FROM events WHERE id >= :first", first=last - 1)
    store.close()
    status, output = verify(config)
    assert status == 1
    assert f"event {last - 1} was removed" in output


def test_verify_names_removed_oldest_rows(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    sql(store, "DELETE FROM events WHERE id <= 3")
    store.close()
    status, output = verify(config)
    assert status == 1
    assert "event 1 was removed" in output


def test_day_status_ignores_later_break(week, tmp_path):
    store = week_store(tmp_path)
    with store.read() as session:
        friday_first = session.execute(
            text("SELECT min(id) FROM events WHERE at >= :at"),
            {"at": local(FRIDAY, "00:00").astimezone(UTC).replace(tzinfo=None)},
        ).scalar()
    sql(
        store,
        "UPDATE events SET kiosk_id = 'elsewhere' WHERE id = :id",
        id=friday_first + 2,
    )
    with store.read() as session:
        result = verify_chain(session)
        monday_end = day_bounds(MONDAY, ZONE)[1]
        friday_end = day_bounds(FRIDAY, ZONE)[1]
        assert not result.ok
        assert day_verifies(session, result, SCHOOL, monday_end)
        assert not day_verifies(session, result, SCHOOL, friday_end)
    store.close()


def test_purge_keeps_chain_verifiable(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    with store.read() as session:
        before = session.execute(text("SELECT count(*) FROM events")).scalar()
    clock = FixedClock(local(FRIDAY, "12:00").replace(year=2028, month=1, day=5))
    store.close()
    # Keep 400 days as of 2028-01-05: everything before 2026-12-01 goes.
    config_text = config.read_text() + "\n[retention]\ndays = 400\n"
    config.write_text(config_text)
    status, output = run_kiosk(["--config", str(config), "report", "purge"], clock)
    assert status == 0, output
    assert "from before 2026-12-01" in output
    store = week_store(tmp_path)
    with store.read() as session:
        after = session.execute(text("SELECT count(*) FROM events")).scalar()
        kinds = session.execute(
            text("SELECT kind FROM events ORDER BY id DESC")
        ).scalars()
        newest = next(iter(kinds))
        visits_left = session.execute(text("SELECT count(*) FROM visits")).scalar()
        oldest_visit = session.execute(
            text("SELECT min(scanned_at) FROM visits")
        ).scalar()
    store.close()
    assert after < before
    assert newest == "log_purged"
    assert visits_left > 0
    assert str(oldest_visit) >= "2026-12-01"
    status, output = verify(config)
    assert status == 0, output
    assert "purge checkpoint" in output


def test_verify_catches_delete_after_purge(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    now = local(FRIDAY, "12:00").replace(year=2028, month=1, day=5)
    result = purge(store, SOURCE, now, ZONE, 400)
    first_kept = result.through_event_id + 1
    sql(store, "DELETE FROM events WHERE id = :id", id=first_kept)
    store.close()
    status, output = verify(config)
    assert status == 1
    assert f"event {first_kept} was removed" in output


def test_purge_twice_keeps_chain(week, tmp_path):
    store = week_store(tmp_path)
    first = purge(
        store,
        SOURCE,
        local(FRIDAY, "12:00").replace(year=2028, month=1, day=5),
        ZONE,
        400,
    )
    second = purge(
        store,
        SOURCE,
        local(FRIDAY, "12:00").replace(year=2028, month=1, day=7),
        ZONE,
        400,
    )
    assert first.events > 0
    assert second.events > 0
    assert second.through_event_id > first.through_event_id
    with store.read() as session:
        result = verify_chain(session)
    store.close()
    assert result.ok, result.broken
    assert str(second.checkpoint_event_id) in result.anchor


def test_purge_refuses_broken_log(week, tmp_path):
    store = week_store(tmp_path)
    sql(store, "UPDATE events SET kiosk_id = 'elsewhere' WHERE id = 5")
    with pytest.raises(RetentionError, match="event 5 was changed"):
        purge(store, SOURCE, local(FRIDAY, "12:00").replace(year=2028), ZONE, 400)
    with store.read() as session:
        assert session.execute(text("SELECT min(id) FROM events")).scalar() == 1
    store.close()


def test_purge_nothing_old_logs_nothing(week, tmp_path):
    store = week_store(tmp_path)
    with store.read() as session:
        before = session.execute(text("SELECT max(id) FROM events")).scalar()
    result = purge(store, SOURCE, local(FRIDAY, "18:00"), ZONE, 30)
    with store.read() as session:
        after = session.execute(text("SELECT max(id) FROM events")).scalar()
    store.close()
    assert result.checkpoint_event_id is None
    assert before == after


@pytest.mark.postgres
def test_purge_and_verify_on_postgres(pg_url):
    store = Store(pg_url)
    store.migrate()
    at = local(MONDAY, "08:00")

    def work(session) -> None:
        for n in range(30):
            append_event(
                session,
                SOURCE,
                "scan",
                at - timedelta(days=30 - n),
                detail={"credential": "badge", "n": n},
            )

    store.write(work)
    result = purge(store, SOURCE, at, ZONE, 10)
    assert result.events == 20
    with store.read() as session:
        assert verify_chain(session).ok
    with store.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM events WHERE id = :id"),
            {"id": result.through_event_id + 2},
        )
    with store.read() as session:
        broken = verify_chain(session).broken
    store.close()
    assert broken is not None
    assert broken.event_id == result.through_event_id + 2
    assert broken.problem == "removed"
